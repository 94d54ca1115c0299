//! The rule can fail: each kind of plan it refuses, on a tiny schema; and every table of the
//! real schema is classified.

use super::*;

/// Three tables with the real names, no rows, no statistics, and one table nobody
/// classified.
fn tiny() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        r"CREATE TABLE collaborators (id INTEGER PRIMARY KEY, full_name TEXT);
          CREATE TABLE clients (id INTEGER PRIMARY KEY, full_name TEXT, phone TEXT,
                                sales_contact_id INTEGER);
          CREATE INDEX clients_sales_contact ON clients (sales_contact_id, id);
          CREATE TABLE contracts (id INTEGER PRIMARY KEY, total_cents INTEGER, signed_at TEXT);
          CREATE INDEX contracts_unsigned ON contracts (id) WHERE signed_at IS NULL;
          CREATE INDEX contracts_large ON contracts (id) WHERE total_cents > 100;
          CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
          CREATE VIEW client_names AS SELECT c.id, c.full_name FROM clients c;",
    )
    .unwrap();
    conn
}

fn refused(conn: &Connection, sql: &str) -> bool {
    violation(conn, sql).is_some()
}

#[test]
fn an_alias_the_statement_does_not_bind_fails() {
    let conn = tiny();
    // The view's own alias reaches the plan; the statement never says what `c` is.
    let why = violation(&conn, "SELECT * FROM client_names WHERE id = 1").unwrap();
    assert!(why.starts_with("unknown alias c"), "{why}");
    let why = violation(&conn, "SELECT * FROM notes n WHERE n.id = 1").unwrap();
    assert!(why.starts_with("table notes is neither"), "{why}");
    // The same letter is a small table here: not read as a client.
    assert!(!refused(
        &conn,
        "SELECT * FROM collaborators c WHERE c.full_name = 'x'"
    ));
}

#[test]
fn a_full_walk_of_an_index_fails() {
    let conn = tiny();
    let why = violation(&conn, "SELECT COUNT(*) FROM clients c WHERE c.id % 2 = 0").unwrap();
    assert!(
        why.starts_with("full walk of index clients_sales_contact"),
        "{why}"
    );
    assert!(
        refused(
            &conn,
            "SELECT c.sales_contact_id FROM clients c ORDER BY c.sales_contact_id"
        ),
        "in order, but nothing stops it"
    );
    let unsigned = "SELECT COUNT(*) FROM contracts ct WHERE ct.signed_at IS NULL";
    assert!(
        refused(&conn, unsigned),
        "a partial index walked whole, even to count"
    );
    assert!(
        refused(
            &conn,
            "SELECT ct.id FROM contracts ct WHERE ct.signed_at IS NULL"
        ),
        "a partial index, listed whole"
    );
    let why = violation(
        &conn,
        "SELECT COUNT(*) FROM contracts ct WHERE ct.total_cents > 100",
    );
    assert!(
        why.as_deref()
            .is_some_and(|w| w.starts_with("full walk of index contracts_large")),
        "a partial index nobody named: {why:?}"
    );
    assert!(
        !refused(&conn, "SELECT COUNT(*) FROM clients c"),
        "a whole table counted"
    );
    assert!(!refused(
        &conn,
        "SELECT c.sales_contact_id FROM clients c ORDER BY c.sales_contact_id LIMIT 25"
    ));
}

#[test]
fn only_the_outer_positive_limit_of_a_walk_in_list_order_allows_a_scan() {
    let conn = tiny();
    let page = "SELECT * FROM clients c WHERE c.phone LIKE '%1%' ORDER BY c.id LIMIT 25";
    assert!(!refused(&conn, page), "the first page of a list");
    let capped = "SELECT COUNT(*) FROM (SELECT 1 FROM clients c LIMIT 10001)";
    assert!(
        !refused(&conn, capped),
        "an unfiltered count that stops at 10,001 rows"
    );
    for sql in [
        "SELECT * FROM clients c WHERE c.phone LIKE '%1%' ORDER BY c.id LIMIT -1 OFFSET 0",
        "SELECT COUNT(*) FROM (SELECT 1 FROM clients c WHERE c.phone LIKE '%1%' LIMIT 10001)",
        "SELECT * FROM clients c WHERE c.phone = 'LIMIT 25' ORDER BY c.id",
        "SELECT * FROM clients c WHERE c.phone LIKE '%1%' LIMIT 25",
        "SELECT * FROM clients c WHERE c.phone LIKE '%1%' ORDER BY c.full_name LIMIT 25",
        "SELECT * FROM collaborators s JOIN clients c ON c.phone LIKE s.full_name \
         ORDER BY s.id LIMIT 25",
    ] {
        assert!(refused(&conn, sql), "accepted: {sql}");
    }
}

#[test]
fn an_automatic_index_is_a_scan() {
    let conn = tiny();
    let sql = "SELECT * FROM collaborators s JOIN clients c ON c.phone = s.full_name \
               ORDER BY s.id LIMIT 25";
    let why = violation(&conn, sql).unwrap();
    assert!(
        why.starts_with("clients read whole to build an automatic index"),
        "{why}"
    );
}

#[test]
fn every_table_of_the_schema_is_small_or_large() {
    let (_dir, db) = crate::repo::testing::scratch();
    let conn = db.sqlite().unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    let unclassified: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|t: &String| !LARGE.contains(&t.as_str()) && !SMALL.contains(&t.as_str()))
        .collect();
    assert!(unclassified.is_empty(), "{unclassified:?}");
}

#[test]
fn a_sort_is_accepted_only_over_rows_a_key_or_a_closed_range_bounds() {
    let conn = tiny();
    conn.execute_batch(
        r"CREATE TABLE events (id INTEGER PRIMARY KEY, starts_at TEXT, name TEXT);
          CREATE INDEX events_starts_at ON events (starts_at, id);",
    )
    .unwrap();
    // One salesperson's clients, gathered through their key and sorted: bounded.
    let mine = "SELECT * FROM clients c WHERE c.sales_contact_id = 2 \
                ORDER BY c.full_name, c.id LIMIT 25";
    assert!(!refused(&conn, mine), "{:?}", violation(&conn, mine));
    // A month of events, closed at both ends, sorted by name: bounded by the calendar.
    let month = "SELECT * FROM events e WHERE e.starts_at >= '2027-01-01' \
                 AND e.starts_at < '2027-02-01' ORDER BY e.name, e.id LIMIT 25";
    assert!(!refused(&conn, month), "{:?}", violation(&conn, month));
    // Everything after a date: a range open at one end grows with the table.
    let since = "SELECT * FROM events e WHERE e.starts_at >= '2027-01-01' \
                 ORDER BY e.name, e.id LIMIT 25";
    let why = violation(&conn, since).unwrap();
    assert!(why.starts_with("sorts rows that no key bounds"), "{why}");
}
