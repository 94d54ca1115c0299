//! Every list query, explained: none may read a large table without an index.
//!
//! The test runs each list, filter, paging count and id completion through the repositories
//! on a generated data set with fresh statistics, records the SQL they actually run (values
//! bound), and asks SQLite how it would run each statement. A large table may be searched
//! through an index, scanned through an index, or walked in the order the query asks when a
//! LIMIT stops the walk (the first page of a list); any other scan fails the test.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::{Window, audit, clients, collaborators, contracts, events, prefix_ranges};
use crate::config::Config;
use crate::domain::Department;
use crate::service::{Context, scale};

/// Tables that grow with the business, by the aliases the repositories give them.
const LARGE: [(&str, &str); 10] = [
    ("c", "clients"),
    ("clients", "clients"),
    ("ct", "contracts"),
    ("contracts", "contracts"),
    ("e", "events"),
    ("events", "events"),
    ("a", "audit_log"),
    ("audit_log", "audit_log"),
    ("payments", "payments"),
    ("p", "payments"),
];

const PAGE: Option<Window> = Some(Window {
    limit: 25,
    offset: 0,
});

/// Runs `f` and returns the statements it ran, with their values bound.
fn recorded(conn: &mut Connection, f: impl FnOnce(&Connection)) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: TraceEvent<'_>| {
            if let TraceEvent::Stmt(stmt, _) = event {
                sink.lock().unwrap().push(
                    stmt.expanded_sql()
                        .unwrap_or_else(|| stmt.sql().into_owned()),
                );
            }
        }),
    )
    .unwrap();
    f(conn);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        None::<fn(TraceEvent<'_>)>,
    )
    .unwrap();
    seen.lock().unwrap().clone()
}

/// Why a statement's plan reads a large table without an index, if it does.
fn full_scan(conn: &Connection, sql: &str) -> Option<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let plan: Vec<String> = stmt
        .query_map([], |row| row.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let sorts = plan
        .iter()
        .any(|line| line.contains("USE TEMP B-TREE FOR ORDER BY"));
    let limited = sql
        .split("LIMIT")
        .nth(1)
        .is_some_and(|rest| !rest.trim_start().starts_with('-'));
    for line in &plan {
        let Some(rest) = line.strip_prefix("SCAN ") else {
            continue;
        };
        let alias = rest.split_whitespace().next().unwrap_or_default();
        let Some((_, table)) = LARGE.iter().find(|(a, _)| *a == alias) else {
            continue;
        };
        let through_index = rest.contains("USING INDEX") || rest.contains("USING COVERING INDEX");
        let ordered_walk = limited && !sorts;
        if !through_index && !ordered_walk {
            return Some(format!(
                "full scan of {table}: {line}\n  in: {sql}\n  plan: {plan:#?}"
            ));
        }
    }
    None
}

#[test]
fn every_list_filter_count_and_completion_uses_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::in_dir(dir.path());
    let mut ctx = Context::open(config).unwrap();
    // Enough rows, over enough salespeople, for the planner's statistics to mean something.
    scale::load(&mut ctx, 30_000).unwrap();
    let conn = ctx.conn_mut();
    let sales = 2;
    let support = 5;
    let statements = recorded(conn, |conn| {
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
            clients::for_each(conn, filter, PAGE, &mut |_| Ok(())).unwrap();
            clients::count(conn, filter).unwrap();
        }
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
            contracts::for_each(conn, filter, PAGE, &mut |_| Ok(())).unwrap();
            contracts::count(conn, filter).unwrap();
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
            events::for_each(conn, filter, PAGE, &mut |_| Ok(())).unwrap();
            events::count(conn, filter).unwrap();
        }
        let audit_filters = [
            audit::Filter::default(),
            audit::Filter {
                entity: Some("contract"),
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
            audit::for_each(conn, filter, PAGE, &mut |_| Ok(())).unwrap();
            audit::count(conn, filter).unwrap();
        }
        collaborators::for_each(conn, Some(Department::Sales), PAGE, &mut |_| Ok(())).unwrap();
        // Id completion reads ranges of the primary key.
        for range in prefix_ranges("12").into_iter().take(6) {
            let window = Some(Window {
                limit: 20,
                offset: 0,
            });
            clients::for_each(
                conn,
                &clients::Filter {
                    id_range: Some(range),
                    ..Default::default()
                },
                window,
                &mut |_| Ok(()),
            )
            .unwrap();
            let unsigned = contracts::Filter {
                id_range: Some(range),
                unsigned: true,
                ..Default::default()
            };
            contracts::for_each(conn, &unsigned, window, &mut |_| Ok(())).unwrap();
            events::for_each(
                conn,
                &events::Filter {
                    id_range: Some(range),
                    ..Default::default()
                },
                window,
                &mut |_| Ok(()),
            )
            .unwrap();
        }
    });
    let selects: Vec<&String> = statements
        .iter()
        .filter(|sql| sql.trim_start().starts_with("SELECT"))
        .collect();
    let scans: Vec<String> = selects
        .iter()
        .filter_map(|sql| full_scan(conn, sql))
        .collect();
    assert!(selects.len() > 60, "the lists ran: {}", selects.len());
    assert!(
        scans.is_empty(),
        "{} statements scan a large table:\n{}",
        scans.len(),
        scans.join("\n\n")
    );
}

#[test]
fn the_rule_catches_a_scan_that_nothing_stops() {
    let dir = tempfile::tempdir().unwrap();
    let conn = crate::db::open(&dir.path().join("t.db"), crate::db::Create::Yes).unwrap();
    assert!(
        full_scan(
            &conn,
            "SELECT COUNT(*) FROM clients c WHERE c.phone LIKE '%1%'"
        )
        .is_some()
    );
    assert!(
        full_scan(&conn, "SELECT * FROM events e ORDER BY e.name LIMIT 25").is_some(),
        "a sort is not a walk"
    );
    assert!(
        full_scan(&conn, "SELECT * FROM clients c ORDER BY c.id LIMIT 25").is_none(),
        "a walk the LIMIT stops"
    );
    assert!(
        full_scan(
            &conn,
            "SELECT * FROM clients c WHERE c.sales_contact_id = 3"
        )
        .is_none()
    );
}
