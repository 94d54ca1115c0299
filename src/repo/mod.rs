//! Repositories: the only place that writes SQL.
//!
//! Free functions over `&Connection` (a `Transaction` derefs to one), the SQL in a raw string
//! beside each function, parameters always bound, one `from_row` per model. They check no
//! permission and print nothing; constraint failures that a user can cause are turned into
//! field errors here, where the constraint names are known.

pub mod audit;
pub mod collaborators;
pub mod meta;

use rusqlite::ErrorCode;

/// The `table.column` of a UNIQUE constraint that `err` violated, if that is what it is.
fn unique_violation(err: &rusqlite::Error) -> Option<&str> {
    match err {
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.code == ErrorCode::ConstraintViolation =>
        {
            message.strip_prefix("UNIQUE constraint failed: ")
        }
        _ => None,
    }
}

/// A LIMIT/OFFSET window of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: u32,
    pub offset: u64,
}
