//! Facts about the database itself.

use crate::db::Db;
use rusqlite::Connection;

use super::Doing as _;
use crate::error::Result;

/// The random id this database was given when it was created.
pub fn instance_id(db: &Db) -> Result<String> {
    let conn = sqlite_or!(db, pg => super::postgres::meta::instance_id(pg));
    conn.prepare_cached("SELECT instance_id FROM instance")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
        .doing("reading the database's instance id")
}

/// The secondary indexes of the tables a bulk load fills (clients, contracts, payments,
/// events), with their CREATE statements as the migrations left them. A bulk load drops them
/// and builds each again once at the end: one sort per index instead of a million scattered
/// writes into each. The indexes of UNIQUE constraints (no statement of their own) stay.
pub fn bulk_loaded_indexes(conn: &Connection) -> Result<Vec<(String, String)>> {
    let read = || {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('clients', 'contracts', 'payments', 'events')
             ORDER BY name",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()
    };
    read().doing("listing the indexes a bulk load rebuilds")
}

/// Drops the index `name` (a name read from the schema by [`bulk_loaded_indexes`]).
pub fn drop_index(conn: &Connection, name: &str) -> Result<()> {
    conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
        .doing("dropping an index")?;
    Ok(())
}

/// Creates an index again from its CREATE statement (from [`bulk_loaded_indexes`]).
pub fn create_index(conn: &Connection, sql: &str) -> Result<()> {
    conn.execute_batch(sql).doing("creating an index")?;
    Ok(())
}
