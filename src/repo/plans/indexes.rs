//! Each index and what it is for: the statement each documented speed-up relies on must name
//! its index in its plan (the speed-ups are listed in [`pins`]), and an index that no
//! statement names and no foreign key needs fails.

mod pins;

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::{check, every_read, explained, loaded, recorded};
use pins::PINS;

/// The index a plan line reads, or `clients_search` for a MATCH on the trigram index (the
/// only virtual table).
fn index_of(line: &str) -> Option<&str> {
    if let Some((_, index)) = line.split_once(" VIRTUAL TABLE INDEX ") {
        return index
            .split_once(':')
            .is_some_and(|(_, s)| s.contains('M'))
            .then_some("clients_search");
    }
    line.split_once(" INDEX ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
}

#[test]
fn each_documented_speed_up_reads_its_index() {
    let (_dir, mut ctx) = loaded();
    let conn = ctx.db_mut();
    let mut missing = Vec::new();
    for (what, index, read) in PINS {
        let plans: Vec<String> = explained(recorded(conn, read))
            .iter()
            .flat_map(|sql| check::plan(conn.sqlite().unwrap(), sql))
            .collect();
        if !plans.iter().any(|line| index_of(line) == Some(index)) {
            missing.push(format!("{what}: expected {index}, plan: {plans:#?}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Indexes whose first column is a foreign key's child column. Deleting a parent row (or
/// changing its key) looks up its children by that column, for the RESTRICT check or the
/// SET NULL; without the index, each such delete scans the child table.
fn foreign_key_indexes(conn: &Connection) -> BTreeSet<String> {
    let mut stmt = conn
        .prepare(
            r#"SELECT i.name FROM sqlite_master t
              JOIN pragma_foreign_key_list(t.name) f
              JOIN pragma_index_list(t.name) i
              JOIN pragma_index_info(i.name) c ON c.seqno = 0 AND c.name = f."from"
              WHERE t.type = 'table'"#,
        )
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_index_serves_a_recorded_statement_or_a_foreign_key() {
    let (_dir, mut ctx) = loaded();
    let conn = ctx.db_mut();
    let mut statements = explained(recorded(conn, every_read));
    for (_, _, read) in PINS {
        statements.extend(explained(recorded(conn, read)));
    }
    let used: BTreeSet<String> = statements
        .iter()
        .flat_map(|sql| check::plan(conn.sqlite().unwrap(), sql))
        .filter_map(|line| index_of(&line).map(str::to_owned))
        .collect();
    let conn = conn.sqlite().unwrap();
    let needed = foreign_key_indexes(conn);
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
        )
        .unwrap();
    let unused: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|name: &String| !used.contains(name) && !needed.contains(name))
        .collect();
    assert!(
        unused.is_empty(),
        "no recorded statement reads {unused:?} and no foreign key needs them; used: {used:?}; \
         foreign keys: {needed:?}"
    );
}
