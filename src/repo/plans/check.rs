//! The rule every recorded statement's plan must keep, and the tests that prove it can fail.
//!
//! A plan line that reads a table names it by the alias the statement gives it (`SCAN c`,
//! `SEARCH e USING INDEX …`). The aliases are read from the statement itself, because the
//! repositories reuse letters (`c` is a client in one file and a collaborator in another),
//! and every table must be classified as small or large: a name the statement does not bind,
//! or a table nobody classified, fails. A large table may be searched through a key or an
//! index. It may be walked from end to end, through its rows or an index, only
//!
//! - as the first page of a list: the outer query's LIMIT is a positive number, its first
//!   loop walks that table in the list's ORDER BY order, and nothing sorts the result;
//! - to count a whole table, which no index can avoid, or at most n of its rows without a
//!   condition (`SELECT COUNT(*) FROM (SELECT 1 FROM t LIMIT n)`: an unfiltered list's
//!   footer, `repo::COUNT_CAP`); a capped count with a condition must search an index;
//! - as one of the scans named in [`DOCUMENTED_SCANS`].
//!
//! And the outer query may sort its rows itself (a temporary B-tree for its ORDER BY) only
//! when it sorts a bounded set: see [`Plan::sort_is_bounded`].

use rusqlite::Connection;

use super::statement::Statement;

/// Tables that grow with the business: read only through an index, or as allowed above.
/// The `clients_search_*` tables are the trigram index's own storage.
pub(super) const LARGE: [&str; 9] = [
    "clients",
    "contracts",
    "payments",
    "events",
    "audit_log",
    "clients_search",
    "clients_search_data",
    "clients_search_idx",
    "clients_search_docsize",
];

/// Tables that stay small whatever the business does: one row, three departments, the staff
/// (hundreds), the applied migrations, the trigram index's settings (which FTS5 reads whole
/// when it first opens the index). Reading one of them whole costs nothing.
pub(super) const SMALL: [&str; 5] = [
    "instance",
    "departments",
    "collaborators",
    "refinery_schema_history",
    "clients_search_config",
];

/// Sorts of rows that no key of an index bounds, known, documented and accepted: (a fragment
/// only that statement has, why).
pub(super) const DOCUMENTED_SORTS: [(&str, &str); 2] = [
    (
        "ORDER BY f.rowid LIMIT 10000)",
        "a search in another order than the trigram index's sorts its first 10,000 matches (in \
         id order), the rows its footer counts: never more, however common the text",
    ),
    (
        "a.at >=",
        "audit list --since: the planner gathers through audit_at only when its statistics say \
         few changes are that recent, and walks the trail newest first otherwise",
    ),
];

/// Scans of a large table that are known, documented and accepted: (table, a fragment only
/// that statement has, why).
pub(super) const DOCUMENTED_SCANS: [(&str, &str, &str); 1] = [(
    "clients",
    r"c.full_name LIKE",
    "a search of one or two characters has no trigram to look up; its count stops at \
     10,001 matches (docs/performance.md: 29 ms at a million clients)",
)];

/// One line of `EXPLAIN QUERY PLAN`.
#[derive(Debug)]
struct Line {
    id: i64,
    parent: i64,
    detail: String,
}

/// The columns `index` is ordered by, the row id last (`id`, as our tables name it).
fn index_order(conn: &Connection, index: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
        .unwrap();
    let mut columns: Vec<String> = stmt
        .query_map([index], |row| row.get::<_, Option<String>>(0))
        .unwrap()
        .map(|name| name.unwrap().unwrap_or_else(|| "id".into()))
        .collect();
    if columns.last().is_none_or(|c| c != "id") {
        columns.push("id".into());
    }
    columns
}

fn explain(conn: &Connection, sql: &str) -> Vec<Line> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map([], |row| {
        Ok(Line {
            id: row.get(0)?,
            parent: row.get(1)?,
            detail: row.get(3)?,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The plan lines of `sql`, for messages and for the index pins.
pub(super) fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    explain(conn, sql).into_iter().map(|l| l.detail).collect()
}

/// Why `sql`'s plan breaks the rule, if it does.
pub(super) fn violation(conn: &Connection, sql: &str) -> Option<String> {
    let lines = explain(conn, sql);
    let plan = Plan {
        conn,
        sql,
        statement: Statement::parse(sql),
        outer_sorts: lines.iter().any(|l| {
            l.parent == 0
                && l.detail.starts_with("USE TEMP B-TREE FOR")
                && l.detail.contains("ORDER BY")
        }),
        first_loop: lines
            .iter()
            .find(|l| {
                l.parent == 0 && (l.detail.starts_with("SCAN ") || l.detail.starts_with("SEARCH "))
            })
            .map(|l| l.id),
        derived: lines
            .iter()
            .filter_map(|l| {
                l.detail
                    .strip_prefix("CO-ROUTINE ")
                    .or_else(|| l.detail.strip_prefix("MATERIALIZE "))
            })
            .map(str::to_owned)
            .collect(),
    };
    let (line, why) = lines
        .iter()
        .find_map(|line| plan.judge(line).err().map(|why| (line, why)))
        .or_else(|| {
            let sort = lines.iter().find(|l| {
                l.parent == 0
                    && l.detail.starts_with("USE TEMP B-TREE FOR")
                    && l.detail.contains("ORDER BY")
            })?;
            (!plan.sort_is_bounded(&lines)).then(|| {
                (
                    sort,
                    "sorts rows that no key bounds (gather them through an index key, or walk \
                     an index in the list's order)"
                        .to_owned(),
                )
            })
        })?;
    let details: Vec<&str> = lines.iter().map(|l| l.detail.as_str()).collect();
    Some(format!(
        "{why}: {}\n  in: {sql}\n  plan: {details:#?}",
        line.detail
    ))
}

/// A statement and the facts of its plan that the rule needs.
struct Plan<'a> {
    conn: &'a Connection,
    sql: &'a str,
    statement: Statement,
    /// The outer query sorts its rows itself (no index gives them in order).
    outer_sorts: bool,
    /// The outer query's first loop, which decides the order of its rows.
    first_loop: Option<i64>,
    /// Subqueries run as co-routines or materialized: their rows are the subquery's.
    derived: Vec<String>,
}

impl Plan<'_> {
    /// Whether one plan line keeps the rule.
    fn judge(&self, line: &Line) -> Result<(), String> {
        let (search, rest) = match (
            line.detail.strip_prefix("SEARCH "),
            line.detail.strip_prefix("SCAN "),
        ) {
            (Some(rest), _) => (true, rest),
            (_, Some(rest)) => (false, rest),
            _ => return Ok(()),
        };
        let name = rest.split_whitespace().next().unwrap_or_default();
        // A constant row reads nothing; a subquery's lines are judged on their own.
        if rest == "CONSTANT ROW" || self.derived.iter().any(|d| d == name) {
            return Ok(());
        }
        let Some(table) = self.statement.aliases.get(&name.to_ascii_lowercase()) else {
            return Err(format!("unknown alias {name}"));
        };
        if SMALL.contains(&table.as_str()) {
            return Ok(());
        }
        if !LARGE.contains(&table.as_str()) {
            return Err(format!("table {table} is neither small nor large"));
        }
        if rest.contains(" AUTOMATIC ") {
            return Err(format!("{table} read whole to build an automatic index"));
        }
        if let Some((_, index)) = rest.split_once(" VIRTUAL TABLE INDEX ") {
            return match index.split_once(':') {
                Some((_, constraints)) if constraints.contains('M') => Ok(()),
                _ => Err(format!("{table} read without a MATCH")),
            };
        }
        if search {
            return Ok(());
        }
        // A walk from end to end: of the rows, or of an index.
        let index = rest
            .split_once(" INDEX ")
            .and_then(|(_, i)| i.split_whitespace().next());
        let statement = &self.statement;
        let documented = DOCUMENTED_SCANS
            .iter()
            .any(|(t, fragment, _)| t == table && self.sql.contains(fragment));
        if self.first_page(line, name, index)
            || statement.whole_table_count
            || statement.capped_count
            || documented
        {
            return Ok(());
        }
        Err(index.map_or_else(
            || format!("full scan of {table}"),
            |i| format!("full walk of index {i}"),
        ))
    }

    /// Whether the rows the outer query sorts are bounded whatever the table's size: its
    /// first loop reads one key of an index (`x=?`: one salesperson's clients, one client's
    /// contracts, one support collaborator's events, the rows that filter's index gathers), or
    /// a range closed at both ends (`starts_at>? AND starts_at<?`: a day, a week, a month of
    /// events, whose size is the calendar's, not the table's), or the statement is one of the
    /// [`DOCUMENTED_SORTS`]. A sort after anything else, a one-sided range or a walk of a whole
    /// table, would sort a number of rows that grows with the table.
    fn sort_is_bounded(&self, lines: &[Line]) -> bool {
        if DOCUMENTED_SORTS
            .iter()
            .any(|(fragment, _)| self.sql.contains(fragment))
        {
            return true;
        }
        let Some(first) = lines.iter().find(|l| Some(l.id) == self.first_loop) else {
            return false;
        };
        let Some(rest) = first.detail.strip_prefix("SEARCH ") else {
            return false;
        };
        // The constraints in parentheses, e.g. `(sales_contact_id=?)`, `(rowid=?)`, or
        // `(ANY(support_contact_id) AND starts_at>? AND starts_at<?)`: a skip-scan over an
        // index's first column (ANY) reads, under each of its values, the range that follows.
        let Some(constraints) = rest.split_once(" (").and_then(|(_, c)| c.strip_suffix(')')) else {
            return false;
        };
        let terms: Vec<&str> = constraints
            .split(" AND ")
            .filter(|t| !t.starts_with("ANY("))
            .collect();
        match terms.first() {
            Some(term) if term.ends_with("=?") => true,
            Some(_) => {
                terms
                    .iter()
                    .any(|t| t.ends_with(">?") || t.ends_with(">=?"))
                    && terms
                        .iter()
                        .any(|t| t.ends_with("<?") || t.ends_with("<=?"))
            }
            None => false,
        }
    }

    /// Whether walking `name` (through `index`, or its rows) reads the first page of a list:
    /// the outer query's first loop, stopped by a positive LIMIT, in the ORDER BY's order.
    fn first_page(&self, line: &Line, name: &str, index: Option<&str>) -> bool {
        let order = &self.statement.order_by;
        let walked = index.map_or_else(|| vec!["id".to_owned()], |i| index_order(self.conn, i));
        // The ORDER BY may go on past the walked index's columns only once they are all used:
        // they end with the row id, which orders every row of the walked table, so the terms
        // left order the rows of the inner loops of one outer row (a client's contracts in id
        // order, under clients in name order), which SQLite gives in order without sorting.
        let in_list_order = !order.is_empty()
            && order.iter().zip(&walked).all(|((alias, column), key)| {
                (alias.is_empty() || alias.eq_ignore_ascii_case(name)) && column == key
            });
        Some(line.id) == self.first_loop
            && self.statement.limit.is_some_and(|n| n > 0)
            && !self.outer_sorts
            && in_list_order
    }
}

#[cfg(test)]
mod tests;
