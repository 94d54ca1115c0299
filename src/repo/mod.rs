//! Repositories: the only place that writes SQL.
//!
//! Free functions over a [`Db`] (a write's [`Tx`](crate::db::Tx) derefs to one), each with
//! its own statement for each store: the SQLite one in a raw string beside the function, the
//! PostgreSQL one in the same function of [`postgres`], which it hands a PostgreSQL store to
//! ([`sqlite_or!`]). Parameters are always bound, one `from_row` per model per store. They check no
//! permission and print nothing; constraint failures that a user can cause are turned into
//! field errors here, where the constraint names are known. Every other SQLite failure leaves
//! with the name of the operation that met it ([`Doing`]).

/// The SQLite connection of the store `$db`, or, for a PostgreSQL store (`$pg`), the answer
/// of `$postgres` returned at once: what each repository function starts with.
macro_rules! sqlite_or {
    ($db:expr, $pg:ident => $postgres:expr) => {
        match $db {
            crate::db::Db::Sqlite(conn) => conn,
            crate::db::Db::Postgres($pg) => return $postgres,
        }
    };
}

pub mod audit;
pub mod clients;
pub mod collaborators;
pub mod contracts;
pub mod events;
pub mod meta;
#[cfg(test)]
mod plans;
pub mod postgres;
#[cfg(test)]
pub(crate) mod testing;

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, Row, ToSql};

pub(crate) use crate::db::Db;
use crate::domain::field::{Field as _, Values};
use crate::error::Result;

pub(crate) use crate::error::{Doing, failed};

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

/// The `:key` parameter of each field of `values`' table, NULL for a field not given: an
/// UPDATE that sets each column to `COALESCE(:key, column)` keeps what the patch leaves. A
/// field the SQL forgot is caught by each repository's test that updates every field.
pub(crate) fn field_params<V: Values>(values: &V) -> Vec<(String, Value)> {
    V::Field::ALL
        .iter()
        .map(|field| {
            let value = match values.value(*field) {
                Some(serde_json::Value::String(text)) => Value::Text(text),
                Some(serde_json::Value::Number(n)) => {
                    n.as_i64().map_or(Value::Null, Value::Integer)
                }
                Some(serde_json::Value::Bool(b)) => Value::Integer(i64::from(b)),
                Some(_) | None => Value::Null,
            };
            (format!(":{}", field.spec().key), value)
        })
        .collect()
}

/// Runs `sql` with `params` bound by name, plus `extra` ones.
pub(crate) fn execute_named(
    conn: &Connection,
    sql: &str,
    params: &[(String, Value)],
    extra: &[(&str, &dyn ToSql)],
) -> rusqlite::Result<usize> {
    let mut bound: Vec<(&str, &dyn ToSql)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value as &dyn ToSql))
        .collect();
    bound.extend_from_slice(extra);
    conn.prepare_cached(sql)?.execute(bound.as_slice())
}

/// A list counts at most this many rows: its footer then says "more than 10000". Counting a
/// million clients costs 5 ms, ten thousand 0.2 ms; a page needs only to know whether more
/// follow, and a person scrolls no further than this (a filter or a search narrows faster).
pub const COUNT_CAP: u64 = 10_000;

/// A LIMIT/OFFSET window of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: u32,
    pub offset: u64,
}

/// What a list keeps (its filter): how many rows match, and a window of them in the list's
/// order. Each list's filter implements it in its table's module.
pub trait List {
    type Row;

    /// How many rows match (at most [`COUNT_CAP`]).
    fn count(&self, db: &Db) -> Result<Total>;

    /// Calls `f` with each row of `window`, or with every row without one.
    fn for_each(
        &self,
        db: &Db,
        window: Option<Window>,
        f: &mut dyn FnMut(Self::Row) -> Result<()>,
    ) -> Result<()>;
}

/// How many rows a list has: exactly, or at least this many when counting them all would cost
/// more than the answer is worth (a search that matches most of a million clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Exact(u64),
    AtLeast(u64),
}

impl Total {
    /// The rows counted (all of them, or as many as were counted).
    pub fn counted(self) -> u64 {
        match self {
            Total::Exact(n) | Total::AtLeast(n) => n,
        }
    }
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

    /// Restricts `column` to ids from `lo` to `hi` (id completion), e.g. `c.id`.
    pub fn id_range(&mut self, fragment: &'static str, (lo, hi): (i64, i64)) {
        self.fragments.push(fragment);
        self.params.push((":id_lo", lo.into()));
        self.params.push((":id_hi", hi.into()));
    }

    /// Adds a condition that uses the parameter `name`, e.g. `ct.client_id = :client`.
    pub fn bind(&mut self, fragment: &'static str, name: &'static str, value: impl Into<Value>) {
        self.fragments.push(fragment);
        self.params.push((name, value.into()));
    }

    /// The bound values, as rusqlite takes named parameters.
    fn bound(&self) -> Vec<(&str, &dyn ToSql)> {
        self.params
            .iter()
            .map(|(n, v)| (*n, v as &dyn ToSql))
            .collect()
    }

    fn clause(&self) -> String {
        if self.fragments.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.fragments.join(" AND "))
        }
    }

    /// `SELECT COUNT(*) {from} {where}`, as `operation` (see [`Doing`]).
    pub fn count(&self, conn: &Connection, from: &str, operation: &'static str) -> Result<u64> {
        let sql = format!("SELECT COUNT(*) {from} {}", self.clause());
        let params = self.bound();
        let count: i64 = conn
            .prepare_cached(&sql)
            .and_then(|mut stmt| stmt.query_row(params.as_slice(), |row| row.get(0)))
            .doing(operation)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Counts at most `cap` rows: `AtLeast(cap)` when there are more.
    pub fn count_at_most(
        &self,
        conn: &Connection,
        from: &str,
        cap: u64,
        operation: &'static str,
    ) -> Result<Total> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 {from} {} LIMIT {})",
            self.clause(),
            cap + 1
        );
        let params = self.bound();
        let count: i64 = conn
            .prepare_cached(&sql)
            .and_then(|mut stmt| stmt.query_row(params.as_slice(), |row| row.get(0)))
            .doing(operation)?;
        let count = u64::try_from(count).unwrap_or(0);
        Ok(if count > cap {
            Total::AtLeast(cap)
        } else {
            Total::Exact(count)
        })
    }

    /// Runs `{select} {where} ORDER BY {order}` within `window`, calling `f` with each row as
    /// it is read. A failure of SQLite names `operation`; `f`'s own errors pass unchanged.
    #[expect(
        clippy::too_many_arguments,
        reason = "the statement's parts, its window, how to read and use a row, and its name"
    )]
    pub fn visit<T>(
        &self,
        conn: &Connection,
        operation: &'static str,
        select: &str,
        order: &str,
        window: Option<Window>,
        from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
        f: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<()> {
        self.visit_with(
            conn,
            operation,
            |clause| format!("{select} {clause} ORDER BY {order}"),
            window,
            from_row,
            f,
        )
    }

    /// Runs the statement `sql` builds around the WHERE clause (an ordered query without its
    /// LIMIT) within `window`, calling `f` with each row as it is read (see [`visit`]).
    ///
    /// [`visit`]: Self::visit
    pub fn visit_with<T>(
        &self,
        conn: &Connection,
        operation: &'static str,
        sql: impl FnOnce(&str) -> String,
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
        let sql = format!("{} LIMIT :limit OFFSET :offset", sql(&self.clause()));
        let mut params = self.bound();
        params.push((":limit", &limit));
        params.push((":offset", &offset));
        let mut stmt = conn.prepare_cached(&sql).doing(operation)?;
        let mut rows = stmt.query(params.as_slice()).doing(operation)?;
        while let Some(row) = rows.next().doing(operation)? {
            f(from_row(row).doing(operation)?)?;
        }
        Ok(())
    }
}

/// Walk when a page of 25 needs at most about 10,000 rows read.
const MAX_RATIO: u64 = 400;

/// How a list whose filter keeps `matching` of a table's `all` rows (its largest id) should
/// read a first page in an order that is not the filter's own. When the filter keeps a good
/// share, walking the list in its order and skipping the other rows finds a page after a few
/// hundred rows; when it keeps few, gathering them through the filter's index and sorting them
/// is cheaper (and bounded: fewer than one row in [`MAX_RATIO`]). The planner cannot tell the
/// two apart, so the caller counts (through an index) and decides.
pub(crate) fn walk_rather_than_gather(matching: u64, all: u64) -> bool {
    matching > 0 && all / matching <= MAX_RATIO
}

/// [`walk_rather_than_gather`] for the lists filtered on one salesperson's clients: their
/// clients counted through the sales-contact index. Its caller names the list it reads.
pub(crate) fn walk_in_order_for(
    conn: &Connection,
    sales_contact_id: i64,
) -> rusqlite::Result<bool> {
    let (own, all): (i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT COUNT(*) FROM clients WHERE sales_contact_id = ?1), (SELECT COALESCE(MAX(id), 0) FROM clients)",
        )?
        .query_row([sales_contact_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(walk_rather_than_gather(
        u64::try_from(own).unwrap_or(0),
        u64::try_from(all).unwrap_or(0),
    ))
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

/// The id ranges whose decimal form starts with `prefix`, smallest first: "12" gives 12,
/// 120–129, 1200–1299 and so on. Reading them in turn lists matching ids in numeric order
/// through the primary key, where `CAST(id AS TEXT) LIKE '12%'` would scan the table.
pub fn prefix_ranges(prefix: &str) -> Vec<(i64, i64)> {
    let Ok(start) = prefix.parse::<i64>() else {
        return Vec::new();
    };
    if prefix.starts_with(['0', '+', '-']) {
        return Vec::new();
    }
    let mut ranges = Vec::new();
    let mut scale: i64 = 1;
    while let (Some(lo), Some(next)) = (start.checked_mul(scale), (start + 1).checked_mul(scale)) {
        ranges.push((lo, next - 1));
        match scale.checked_mul(10) {
            Some(bigger) => scale = bigger,
            None => break,
        }
    }
    ranges
}

#[cfg(test)]
mod tests;
