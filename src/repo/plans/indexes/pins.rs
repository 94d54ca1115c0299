//! The documented speed-ups, each with the index its plan must name and the read that shows
//! it (the filters, sorts and lookups the repositories run for each list).

use crate::db::Db;

use crate::domain::{ClientSort, ContractSort, EventSort, Sort};
use crate::repo::List as _;
use crate::repo::plans::{PAGE, SALES, SUPPORT};
use crate::repo::{audit, clients, collaborators, contracts, events, walk_in_order_for};

type Read = fn(&Db);

fn clients_page(conn: &Db, filter: clients::Filter) {
    filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
}

fn contracts_page(conn: &Db, filter: contracts::Filter) {
    filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
}

fn events_page(conn: &Db, filter: events::Filter) {
    filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
}

fn clients_sorted(conn: &Db, key: ClientSort, descending: bool) {
    let sort = Sort::new(key, descending);
    clients_page(
        conn,
        clients::Filter {
            sort,
            ..Default::default()
        },
    );
}

fn contracts_sorted(conn: &Db, key: ContractSort, descending: bool) {
    let sort = Sort::new(key, descending);
    contracts_page(
        conn,
        contracts::Filter {
            sort,
            ..Default::default()
        },
    );
}

fn events_sorted(conn: &Db, key: EventSort, descending: bool) {
    let sort = Sort::new(key, descending);
    events_page(
        conn,
        events::Filter {
            sort,
            ..Default::default()
        },
    );
}

fn audit_count(conn: &Db, filter: audit::Filter) {
    filter.count(conn).unwrap();
}

fn search() -> clients::Filter {
    clients::Filter {
        search: Some("casey".into()),
        ..Default::default()
    }
}

fn month() -> events::Filter {
    events::Filter {
        from: Some("2027-01-01T00:00".into()),
        to: Some("2027-02-01T00:00".into()),
        ..Default::default()
    }
}

/// (what, the index its plan must name, the read). Sources: docs/performance.md ("What made it
/// fast") and the comments of sql/migrations.
pub(super) const PINS: [(&str, &str, Read); 39] = [
    (
        "events list: first page, in start order",
        "events_starts_at",
        |c| {
            events_page(c, events::Filter::default());
        },
    ),
    (
        "events list --from --to: first page",
        "events_starts_at",
        |c| {
            events_page(c, month());
        },
    ),
    (
        "events mine (sales, walking): first page",
        "events_starts_at",
        |c| {
            events_page(
                c,
                events::Filter {
                    sales_contact_id: Some(SALES),
                    ..Default::default()
                },
            );
        },
    ),
    // No support is `support_contact_id IS NULL`, one key of this index, read in start order.
    (
        "events no-support: first page",
        "events_support_start",
        |c| {
            events_page(
                c,
                events::Filter {
                    no_support: true,
                    ..Default::default()
                },
            );
        },
    ),
    (
        "events list --support / mine (support): first page",
        "events_support_start",
        |c| {
            events_page(
                c,
                events::Filter {
                    support_contact_id: Some(SUPPORT),
                    ..Default::default()
                },
            );
        },
    ),
    (
        "events list --support: count",
        "events_support_start",
        |c| {
            let filter = events::Filter {
                support_contact_id: Some(SUPPORT),
                ..Default::default()
            };
            filter.count(c).unwrap();
        },
    ),
    (
        "a collaborator leaves support: their events released",
        "events_support_start",
        |c| {
            let conn = c.sqlite().unwrap();
            conn.execute_batch("SAVEPOINT pin").unwrap();
            collaborators::release_events(c, SUPPORT, "2026-01-01T00:00:00Z").unwrap();
            conn.execute_batch("ROLLBACK TO pin; RELEASE pin").unwrap();
        },
    ),
    ("events list --contract", "events_contract", |c| {
        events_page(
            c,
            events::Filter {
                contract_id: Some(42),
                ..Default::default()
            },
        );
    }),
    ("events list --client", "events_contract", |c| {
        events_page(
            c,
            events::Filter {
                client_id: Some(42),
                ..Default::default()
            },
        );
    }),
    (
        "contract delete: its events counted",
        "events_contract",
        |c| {
            contracts::dependents(c, 42).unwrap();
        },
    ),
    (
        "contract delete: its payments counted",
        "payments_contract",
        |c| {
            contracts::dependents(c, 42).unwrap();
        },
    ),
    ("contract show: its payments", "payments_contract", |c| {
        contracts::payments(c, 42).unwrap();
    }),
    (
        "clients list --search casey: first page",
        "clients_search",
        |c| {
            clients_page(c, search());
        },
    ),
    (
        "clients list --search casey: capped count",
        "clients_search",
        |c| {
            search().count(c).unwrap();
        },
    ),
    (
        "clients list --mine: first page",
        "clients_sales_contact",
        |c| {
            clients_page(
                c,
                clients::Filter {
                    sales_contact_id: Some(SALES),
                    ..Default::default()
                },
            );
        },
    ),
    (
        "clients list --unassigned: first page",
        "clients_sales_contact",
        |c| {
            clients_page(
                c,
                clients::Filter {
                    unassigned: true,
                    ..Default::default()
                },
            );
        },
    ),
    (
        "a salesperson's share: walk the list or gather theirs",
        "clients_sales_contact",
        |c| {
            walk_in_order_for(c.sqlite().unwrap(), SALES).unwrap();
        },
    ),
    (
        "contracts list --client: first page",
        "contracts_client",
        |c| {
            contracts_page(
                c,
                contracts::Filter {
                    client_id: Some(42),
                    ..Default::default()
                },
            );
        },
    ),
    (
        "client delete: their contracts counted",
        "contracts_client",
        |c| {
            clients::contract_count(c, 42).unwrap();
        },
    ),
    // V5: the full index on (remaining_cents, id) counts the unpaid list from its range
    // remaining_cents > 0, as V2's partial index did.
    ("contracts unpaid: count", "contracts_remaining", |c| {
        let filter = contracts::Filter {
            unpaid: true,
            ..Default::default()
        };
        filter.count(c).unwrap();
    }),
    // V5: unsigned is the NULL key of (signed_at, id), whose entries come in id order.
    ("contracts unsigned: first page", "contracts_signed", |c| {
        contracts_page(
            c,
            contracts::Filter {
                unsigned: true,
                ..Default::default()
            },
        );
    }),
    ("contracts unsigned: count", "contracts_signed", |c| {
        let filter = contracts::Filter {
            unsigned: true,
            ..Default::default()
        };
        filter.count(c).unwrap();
    }),
    ("contracts list --signed: count", "contracts_signed", |c| {
        let filter = contracts::Filter {
            signed: true,
            ..Default::default()
        };
        filter.count(c).unwrap();
    }),
    // V5: each sort key reads its index in order, forwards and backwards.
    ("clients list --sort name", "clients_name", |c| {
        clients_sorted(c, ClientSort::Name, false);
    }),
    ("clients list --sort name --desc", "clients_name", |c| {
        clients_sorted(c, ClientSort::Name, true);
    }),
    ("clients list --sort company", "clients_company", |c| {
        clients_sorted(c, ClientSort::Company, false);
    }),
    (
        "clients list --sort updated --desc",
        "clients_updated",
        |c| {
            clients_sorted(c, ClientSort::Updated, true);
        },
    ),
    (
        "contracts list --sort total --desc",
        "contracts_total",
        |c| {
            contracts_sorted(c, ContractSort::Total, true);
        },
    ),
    (
        "contracts list --sort remaining",
        "contracts_remaining",
        |c| {
            contracts_sorted(c, ContractSort::Remaining, false);
        },
    ),
    ("contracts list --sort signed", "contracts_signed", |c| {
        contracts_sorted(c, ContractSort::Signed, false);
    }),
    ("contracts list --sort client", "clients_name", |c| {
        contracts_sorted(c, ContractSort::Client, false);
    }),
    // A filter that keeps a good share of the rows walks the sort's index and skips the rest.
    (
        "clients list --sales --sort name (walking)",
        "clients_name",
        |c| {
            let filter = clients::Filter {
                sales_contact_id: Some(SALES),
                sort: Sort::new(ClientSort::Name, false),
                ..Default::default()
            };
            clients_page(c, filter);
        },
    ),
    (
        "events list --support --sort name (walking)",
        "events_name",
        |c| {
            let filter = events::Filter {
                support_contact_id: Some(SUPPORT),
                sort: Sort::new(EventSort::Name, false),
                ..Default::default()
            };
            events_page(c, filter);
        },
    ),
    (
        "events list --period month --sort attendees (walking)",
        "events_attendees",
        |c| {
            let filter = events::Filter {
                sort: Sort::new(EventSort::Attendees, true),
                ..month()
            };
            events_page(c, filter);
        },
    ),
    ("events list --sort name", "events_name", |c| {
        events_sorted(c, EventSort::Name, false);
    }),
    (
        "events list --sort attendees --desc",
        "events_attendees",
        |c| {
            events_sorted(c, EventSort::Attendees, true);
        },
    ),
    (
        "audit list --entity --id (a record's history)",
        "audit_entity",
        |c| {
            let filter = audit::Filter {
                entity: Some("contract".to_owned()),
                entity_id: Some(42),
                ..Default::default()
            };
            filter.for_each(c, PAGE, &mut |_| Ok(())).unwrap();
        },
    ),
    ("audit list --actor: count", "audit_actor", |c| {
        audit_count(
            c,
            audit::Filter {
                actor_id: Some(3),
                ..Default::default()
            },
        );
    }),
    ("audit list --since: count", "audit_at", |c| {
        audit_count(
            c,
            audit::Filter {
                since: Some("2025-09-01T00:00".into()),
                ..Default::default()
            },
        );
    }),
];
