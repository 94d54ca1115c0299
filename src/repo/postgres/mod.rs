//! The repositories' statements for the PostgreSQL store, one module per table like the
//! SQLite ones above: the same functions, taking a [`Conn`], each with its statement written
//! for PostgreSQL (positional parameters, `lower()` where SQLite says `COLLATE NOCASE`, the
//! trigram index through `ILIKE`, `RETURNING id`). The repository functions of `repo` hand
//! them a PostgreSQL store; the services never see which store they have.

pub mod audit;
pub mod bulk;
pub mod clients;
pub mod collaborators;
pub mod contracts;
pub mod events;
pub mod meta;

use postgres::types::ToSql;

use super::{Total, Window};
use crate::error::Result;
pub(crate) use crate::pg::Conn;
use crate::pg::Doing as _;

/// A parameter of a statement.
pub(crate) type Param = Box<dyn ToSql + Sync>;

/// The WHERE clause of a list, like the SQLite one ([`super::Conditions`]): fixed SQL
/// fragments and bound values only. A fragment writes its parameter as `?` (every `?` of a
/// fragment is the same value), numbered `$1`, `$2`… when the clause is built.
#[derive(Default)]
pub(crate) struct Conditions {
    fragments: Vec<String>,
    params: Vec<Param>,
}

impl Conditions {
    /// Adds a condition without parameters, e.g. `ct.signed_at IS NULL`.
    pub fn add(&mut self, fragment: &'static str) {
        self.fragments.push(fragment.to_owned());
    }

    /// Adds a condition on one value, written `?` in `fragment`, e.g. `ct.client_id = ?`.
    pub fn bind(&mut self, fragment: &'static str, value: impl ToSql + Sync + 'static) {
        self.params.push(Box::new(value));
        let n = self.params.len();
        self.fragments.push(fragment.replace('?', &format!("${n}")));
    }

    /// Restricts `column` (e.g. `c.id`) to ids from `lo` to `hi` (id completion).
    pub fn id_range(&mut self, column: &'static str, (lo, hi): (i64, i64)) {
        self.params.push(Box::new(lo));
        self.params.push(Box::new(hi));
        let n = self.params.len();
        self.fragments
            .push(format!("{column} BETWEEN ${} AND ${n}", n - 1));
    }

    /// The bound values, in order.
    pub fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params.iter().map(|p| p.as_ref() as _).collect()
    }

    /// `WHERE …`, or nothing.
    pub fn clause(&self) -> String {
        if self.fragments.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.fragments.join(" AND "))
        }
    }

    /// Counts at most `cap` rows `from` (a FROM clause): `AtLeast(cap)` when there are more.
    pub fn count_at_most(
        &self,
        pg: &Conn,
        from: &str,
        cap: u64,
        operation: &'static str,
    ) -> Result<Total> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 {from} {} LIMIT {}) capped",
            self.clause(),
            cap + 1
        );
        let params = self.params();
        let count: i64 = pg.run(operation, |client| {
            client.query_one(&sql, &params).map(|row| row.get(0))
        })?;
        let count = u64::try_from(count).unwrap_or(0);
        Ok(if count > cap {
            Total::AtLeast(cap)
        } else {
            Total::Exact(count)
        })
    }

    /// Runs the ordered query `sql` builds around the WHERE clause, within `window` (a
    /// LIMIT/OFFSET is added), calling `f` with each row as `from_row` reads it. A page is
    /// read whole, then handed on; every row (`window` None, an export) streams.
    pub fn visit<T>(
        &self,
        pg: &Conn,
        operation: &'static str,
        sql: impl FnOnce(&str) -> String,
        window: Option<Window>,
        from_row: fn(&postgres::Row) -> std::result::Result<T, postgres::Error>,
        f: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<()> {
        let mut sql = sql(&self.clause());
        let mut params = self.params();
        let (limit, offset);
        if let Some(window) = window {
            limit = i64::from(window.limit);
            offset = i64::try_from(window.offset).unwrap_or(i64::MAX);
            sql.push_str(&format!(
                " LIMIT ${} OFFSET ${}",
                params.len() + 1,
                params.len() + 2
            ));
            params.push(&limit);
            params.push(&offset);
            let rows = pg.run(operation, |client| client.query(&sql, &params))?;
            for row in &rows {
                f(from_row(row).doing(operation)?)?;
            }
            Ok(())
        } else {
            pg.stream(operation, &sql, &params, &mut |row| {
                f(from_row(&row).doing(operation)?)
            })
        }
    }
}

/// The value given for the field `key` of `values` (a patch), as text or a number, `None`
/// when the patch leaves it: an UPDATE sets each column to `COALESCE($n, column)`. A field
/// the SQL forgot is caught by the end-to-end suite that updates every field on both stores.
pub(crate) fn patch_text<V: crate::domain::field::Values>(values: &V, key: &str) -> Option<String> {
    use crate::domain::field::Field as _;
    let field = V::Field::ALL.iter().find(|f| f.spec().key == key)?;
    match values.value(*field)? {
        serde_json::Value::String(text) => Some(text),
        _ => None,
    }
}
