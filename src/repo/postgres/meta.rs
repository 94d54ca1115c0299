//! Facts about the PostgreSQL database itself.

use super::Conn;
use crate::error::Result;

/// The random id this database was given when it was created.
pub fn instance_id(pg: &Conn) -> Result<String> {
    pg.run("reading the database's instance id", |client| {
        client
            .query_one("SELECT instance_id FROM instance", &[])
            .and_then(|row| row.try_get(0))
    })
}
