//! Every statement the repositories run for a list, explained on a generated data set.
//!
//! The tests run each list, filter, paging count, id completion and lookup through the
//! repositories on a data set with fresh statistics, record the SQL they actually run (values
//! bound), and ask SQLite how it would run each statement. [`check`] holds the rule: no large
//! table read without an index, but for the walks it names. [`indexes`] pins the index each
//! documented speed-up relies on, and fails on an index that no statement and no foreign key
//! needs.

mod check;
mod indexes;
mod sorted;
mod statement;

use crate::db::Db;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use rusqlite::trace::{TraceEvent, TraceEventCodes};
use tempfile::TempDir;

use super::{Window, audit, clients, collaborators, contracts, events, meta, prefix_ranges};
use crate::config::Config;
use crate::db;
use crate::domain::{Department, Email};
use crate::repo::List as _;
use crate::service::{Context, scale};

const PAGE: Option<Window> = Some(Window {
    limit: 25,
    offset: 0,
});
const SALES: i64 = 2;
const SUPPORT: i64 = 5;

/// Runs `f` and returns the statements it ran, with their values bound.
fn recorded(db: &mut Db, f: impl FnOnce(&Db)) -> Vec<String> {
    let Db::Sqlite(conn) = db else {
        panic!("the plans are SQLite's")
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: TraceEvent<'_>| {
            // Each trigger a statement fires is traced again, as `-- TRIGGER name`.
            if let TraceEvent::Stmt(stmt, text) = event
                && !text.starts_with("--")
            {
                sink.lock()
                    .unwrap()
                    .push(stmt.expanded_sql().unwrap_or_else(|| text.to_owned()));
            }
        }),
    )
    .unwrap();
    f(db);
    let Db::Sqlite(conn) = db else {
        panic!("the plans are SQLite's")
    };
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        None::<fn(TraceEvent<'_>)>,
    )
    .unwrap();
    seen.lock().unwrap().clone()
}

/// A database with enough rows, over enough salespeople, for the planner's statistics to
/// mean something, and an audit trail to match (the scaled data set writes one audit row).
fn loaded() -> (TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = Context::open(Config::in_dir(dir.path())).unwrap();
    scale::load(&mut ctx, 30_000).unwrap();
    ctx.db()
        .sqlite()
        .unwrap()
        .execute_batch(
            r"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
              INSERT INTO audit_log (at, actor_id, action, entity, entity_id)
              SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '2025-06-01', '+' || (i * 10) || ' minutes'),
                     2 + i % 7, 'update',
                     CASE i % 4 WHEN 0 THEN 'client' WHEN 1 THEN 'contract'
                                WHEN 2 THEN 'event' ELSE 'collaborator' END,
                     1 + i % 30000
              FROM n",
        )
        .unwrap();
    db::analyze(ctx.db()).unwrap();
    (dir, ctx)
}

/// Runs every list, filter, paging count and id completion as the shell does, the lookups
/// behind `show`, `delete` and login, and the writes that release a departing collaborator's
/// records (rolled back).
fn every_read(conn: &Db) {
    let (sales, support) = (SALES, SUPPORT);
    let client_filters = [
        clients::Filter::default(),
        clients::Filter {
            sales_contact_id: Some(sales),
            ..Default::default()
        },
        clients::Filter {
            unassigned: true,
            ..Default::default()
        },
        clients::Filter {
            search: Some("Casey".into()),
            ..Default::default()
        },
        clients::Filter {
            search: Some("%".into()),
            ..Default::default()
        },
        clients::Filter {
            sales_contact_id: Some(sales),
            search: Some("client1".into()),
            ..Default::default()
        },
    ];
    for filter in &client_filters {
        filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
        filter.count(conn).unwrap();
    }
    sorted::every_sort(conn);
    let contract_filters = [
        contracts::Filter::default(),
        contracts::Filter {
            client_id: Some(42),
            ..Default::default()
        },
        contracts::Filter {
            sales_contact_id: Some(sales),
            ..Default::default()
        },
        contracts::Filter {
            unsigned: true,
            ..Default::default()
        },
        contracts::Filter {
            unpaid: true,
            ..Default::default()
        },
        contracts::Filter {
            unsigned: true,
            sales_contact_id: Some(sales),
            ..Default::default()
        },
        contracts::Filter {
            unpaid: true,
            sales_contact_id: Some(sales),
            ..Default::default()
        },
        contracts::Filter {
            signed: true,
            unpaid: true,
            sales_contact_id: Some(sales),
            ..Default::default()
        },
    ];
    for filter in &contract_filters {
        filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
        filter.count(conn).unwrap();
    }
    let event_filters = [
        events::Filter::default(),
        events::Filter {
            client_id: Some(42),
            ..Default::default()
        },
        events::Filter {
            contract_id: Some(42),
            ..Default::default()
        },
        events::Filter {
            support_contact_id: Some(support),
            ..Default::default()
        },
        events::Filter {
            sales_contact_id: Some(sales),
            ..Default::default()
        },
        events::Filter {
            no_support: true,
            ..Default::default()
        },
        events::Filter {
            has_support: true,
            ..Default::default()
        },
        events::Filter {
            from: Some("2027-01-01T00:00".into()),
            to: Some("2027-02-01T00:00".into()),
            ..Default::default()
        },
        events::Filter {
            sales_contact_id: Some(sales),
            no_support: true,
            ..Default::default()
        },
    ];
    for filter in &event_filters {
        filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
        filter.count(conn).unwrap();
    }
    let audit_filters = [
        audit::Filter::default(),
        audit::Filter {
            entity: Some("contract".to_owned()),
            entity_id: Some(42),
            ..Default::default()
        },
        audit::Filter {
            actor_id: Some(1),
            ..Default::default()
        },
        audit::Filter {
            since: Some("2026-01-01T00:00".into()),
            ..Default::default()
        },
    ];
    for filter in &audit_filters {
        filter.for_each(conn, PAGE, &mut |_| Ok(())).unwrap();
        filter.count(conn).unwrap();
    }
    collaborators::Filter {
        department: Some(Department::Sales),
    }
    .for_each(conn, PAGE, &mut |_| Ok(()))
    .unwrap();
    // Id completion reads ranges of the primary key.
    for range in prefix_ranges("12").into_iter().take(6) {
        let window = Some(Window {
            limit: 20,
            offset: 0,
        });
        (clients::Filter {
            id_range: Some(range),
            ..Default::default()
        })
        .for_each(conn, window, &mut |_| Ok(()))
        .unwrap();
        let unsigned = contracts::Filter {
            id_range: Some(range),
            unsigned: true,
            ..Default::default()
        };
        unsigned.for_each(conn, window, &mut |_| Ok(())).unwrap();
        (events::Filter {
            id_range: Some(range),
            ..Default::default()
        })
        .for_each(conn, window, &mut |_| Ok(()))
        .unwrap();
    }
    lookups(conn);
}

fn lookups(conn: &Db) {
    clients::find(conn, 42).unwrap();
    clients::contract_count(conn, 42).unwrap();
    contracts::find(conn, 42).unwrap();
    contracts::dependents(conn, 42).unwrap();
    contracts::payments(conn, 42).unwrap();
    events::find(conn, 42).unwrap();
    collaborators::find(conn, SALES).unwrap();
    collaborators::Filter::default().count(conn).unwrap();
    collaborators::Filter {
        department: Some(Department::Support),
    }
    .count(conn)
    .unwrap();
    collaborators::Filter::default()
        .for_each(conn, PAGE, &mut |_| Ok(()))
        .unwrap();
    let email = Email::parse("sales1@scale.epic.com").unwrap();
    collaborators::credentials(conn, &email).unwrap();
    collaborators::password_hash(conn, SALES).unwrap();
    let claim = collaborators::claim(conn, SALES).unwrap();
    collaborators::find_for_session(conn, &claim).unwrap();
    collaborators::locked_until(conn, SALES, "2026-01-01T00:00:00Z").unwrap();
    collaborators::taken(
        conn,
        collaborators::Unique::Email,
        "x@epic.com",
        Some(SALES),
    )
    .unwrap();
    collaborators::taken(conn, collaborators::Unique::EmployeeNumber, "E-1", None).unwrap();
    clients::email_taken(conn, "x@startup.io", Some(42)).unwrap();
    collaborators::any(conn).unwrap();
    meta::instance_id(conn).unwrap();
    conn.sqlite()
        .unwrap()
        .execute_batch("SAVEPOINT released")
        .unwrap();
    collaborators::release_clients(conn, SALES, "2026-01-01T00:00:00Z").unwrap();
    collaborators::release_events(conn, SUPPORT, "2026-01-01T00:00:00Z").unwrap();
    conn.sqlite()
        .unwrap()
        .execute_batch("ROLLBACK TO released; RELEASE released")
        .unwrap();
}

/// The statements worth explaining, each once: reads, and the writes that find their rows.
fn explained(statements: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    statements
        .into_iter()
        .filter(|sql| {
            let start = sql.trim_start();
            ["SELECT", "UPDATE", "DELETE", "WITH"]
                .iter()
                .any(|k| start.starts_with(k))
        })
        .filter(|sql| seen.insert(sql.clone()))
        .collect()
}

#[test]
fn every_list_filter_count_completion_and_lookup_keeps_to_the_rule() {
    let (_dir, mut ctx) = loaded();
    let conn = ctx.db_mut();
    let statements = explained(recorded(conn, every_read));
    let broken: Vec<String> = statements
        .iter()
        .filter_map(|sql| check::violation(conn.sqlite().unwrap(), sql))
        .collect();
    assert!(statements.len() > 80, "the lists ran: {}", statements.len());
    assert!(
        broken.is_empty(),
        "{} statements break the rule:\n{}",
        broken.len(),
        broken.join("\n\n")
    );
}
