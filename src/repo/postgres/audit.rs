//! The audit trail on PostgreSQL: the statements of `repo::audit`. What changed is stored as
//! `jsonb` and read back as its text, parsed as SQLite's is.

use serde_json::Value;

use super::{Conditions, Conn};
use crate::error::Result;
use crate::repo::audit::{AuditEntry, Entry, Filter};
use crate::repo::{COUNT_CAP, Total, Window};

const SELECT: &str = r"
    SELECT a.id, a.at, a.actor_id, c.full_name AS actor, a.action, a.entity, a.entity_id,
           a.changes::text AS changes
    FROM audit_log a LEFT JOIN collaborators c ON c.id = a.actor_id";

/// An entry from a row of [`SELECT`], read by column name.
fn from_row(row: &postgres::Row) -> std::result::Result<AuditEntry, postgres::Error> {
    let changes: String = row.try_get("changes")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        changes: serde_json::from_str(&changes).unwrap_or(Value::Null),
    })
}

/// The WHERE clause of `filter`: every condition given applies.
fn conditions(filter: &Filter) -> Conditions {
    let mut conditions = Conditions::default();
    if let Some(entity) = &filter.entity {
        conditions.bind("a.entity = ?", entity.clone());
    }
    if let Some(id) = filter.entity_id {
        conditions.bind("a.entity_id = ?", id);
    }
    if let Some(id) = filter.actor_id {
        conditions.bind("a.actor_id = ?", id);
    }
    if let Some(since) = &filter.since {
        conditions.bind("a.at >= ?", since.clone());
    }
    conditions
}

/// Records one audit row at `at`, in the transaction of the write it describes.
pub fn record(pg: &Conn, at: &str, entry: &Entry<'_>) -> Result<()> {
    let changes = entry.changes.to_json();
    pg.run("recording an audit entry", |client| {
        client.execute(
            r"INSERT INTO audit_log (at, actor_id, action, entity, entity_id, changes)
              VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)",
            &[
                &at,
                &entry.actor_id,
                &entry.action,
                &entry.entity,
                &entry.entity_id,
                &changes,
            ],
        )
    })?;
    Ok(())
}

/// How many audit rows `filter` keeps (at most [`COUNT_CAP`]).
pub fn count(filter: &Filter, pg: &Conn) -> Result<Total> {
    conditions(filter).count_at_most(pg, "FROM audit_log a", COUNT_CAP, "counting audit entries")
}

/// Calls `f` with each audit row `filter` keeps, the newest first, within `window` if given.
pub fn for_each(
    filter: &Filter,
    pg: &Conn,
    window: Option<Window>,
    f: &mut dyn FnMut(AuditEntry) -> Result<()>,
) -> Result<()> {
    conditions(filter).visit(
        pg,
        "listing audit entries",
        |clause| format!("{SELECT} {clause} ORDER BY a.id DESC"),
        window,
        from_row,
        f,
    )
}
