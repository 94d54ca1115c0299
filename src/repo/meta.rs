//! Facts about the database itself.

use rusqlite::Connection;

use crate::error::Result;

/// The random id this database was given when it was created.
pub fn instance_id(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT instance_id FROM instance")?
        .query_row([], |row| row.get(0))?)
}
