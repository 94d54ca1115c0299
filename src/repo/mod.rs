//! Repositories: the only place that writes SQL.
//!
//! Free functions over `&Connection` (a `Transaction` derefs to one), the SQL in a raw string
//! beside each function, parameters always bound, one `from_row` per model. They check no
//! permission and print nothing; constraint failures that a user can cause are turned into
//! field errors here, where the constraint names are known.

pub mod audit;
pub mod clients;
pub mod collaborators;
pub mod contracts;
pub mod events;
pub mod meta;

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, Row, ToSql};

use crate::error::Result;

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

/// The WHERE clause of a list, built from fixed SQL fragments and bound values only, so that
/// user input never becomes SQL and each filter stays a plain indexable condition.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    fragments: Vec<&'static str>,
    params: Vec<(&'static str, Value)>,
}

impl Conditions {
    /// Adds a condition without parameters, e.g. `ct.signed_at IS NULL`.
    pub fn add(&mut self, fragment: &'static str) {
        self.fragments.push(fragment);
    }

    /// Adds a condition that uses the parameter `name`, e.g. `ct.client_id = :client`.
    pub fn bind(&mut self, fragment: &'static str, name: &'static str, value: impl Into<Value>) {
        self.fragments.push(fragment);
        self.params.push((name, value.into()));
    }

    fn clause(&self) -> String {
        if self.fragments.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.fragments.join(" AND "))
        }
    }

    /// `SELECT COUNT(*) {from} {where}`.
    pub fn count(&self, conn: &Connection, from: &str) -> Result<u64> {
        let sql = format!("SELECT COUNT(*) {from} {}", self.clause());
        let params: Vec<(&str, &dyn ToSql)> = self
            .params
            .iter()
            .map(|(n, v)| (*n, v as &dyn ToSql))
            .collect();
        let count: i64 = conn
            .prepare_cached(&sql)?
            .query_row(params.as_slice(), |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Runs `{select} {where} ORDER BY {order}` within `window`, calling `f` with each row as
    /// it is read.
    pub fn visit<T>(
        &self,
        conn: &Connection,
        select: &str,
        order: &str,
        window: Option<Window>,
        from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
        f: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<()> {
        let (limit, offset) = window.map_or((-1, 0), |w| {
            (
                i64::from(w.limit),
                i64::try_from(w.offset).unwrap_or(i64::MAX),
            )
        });
        let sql = format!(
            "{select} {} ORDER BY {order} LIMIT :limit OFFSET :offset",
            self.clause()
        );
        let mut params: Vec<(&str, &dyn ToSql)> = self
            .params
            .iter()
            .map(|(n, v)| (*n, v as &dyn ToSql))
            .collect();
        params.push((":limit", &limit));
        params.push((":offset", &offset));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params.as_slice())?;
        while let Some(row) = rows.next()? {
            f(from_row(row)?)?;
        }
        Ok(())
    }
}

/// A `LIKE` pattern that finds `text` anywhere, with `%`, `_` and `\\` matching themselves
/// (used with `ESCAPE '\\'`).
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A `LIKE` pattern for ids starting with `digits` (anything else in `digits` is dropped).
pub(crate) fn prefix_pattern(digits: &str) -> String {
    let mut pattern: String = digits.chars().filter(char::is_ascii_digit).collect();
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_match_themselves() {
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
