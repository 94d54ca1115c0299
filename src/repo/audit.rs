//! The audit trail: one row per write, in the write's own transaction.

use crate::db::Db;
use rusqlite::{Row, named_params};
use serde::Serialize;
use serde_json::Value;

use super::{Conditions, Doing as _, Total, Window};
use crate::error::Result;

pub use crate::domain::Changes;

/// One audit row.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub changes: Changes,
}

pub fn record(db: &Db, at: &str, entry: &Entry<'_>) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::audit::record(pg, at, entry));
    conn.prepare_cached(
        r"INSERT INTO audit_log (at, actor_id, action, entity, entity_id, changes)
          VALUES (:at, :actor_id, :action, :entity, :entity_id, :changes)",
    )
    .and_then(|mut stmt| {
        stmt.execute(named_params! {
            ":at": at,
            ":actor_id": entry.actor_id,
            ":action": entry.action,
            ":entity": entry.entity,
            ":entity_id": entry.entity_id,
            ":changes": entry.changes.to_json(),
        })
    })
    .doing("recording an audit entry")?;
    Ok(())
}

/// An audit row as read back. The keys are those of the JSON and CSV output.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    /// The actor's name, while they exist.
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    /// `{"field": [old, new]}`.
    #[schema(value_type = Object)]
    pub changes: Value,
}

const SELECT: &str = r"
    SELECT a.id, a.at, a.actor_id, c.full_name AS actor, a.action, a.entity, a.entity_id, a.changes
    FROM audit_log a LEFT JOIN collaborators c ON c.id = a.actor_id";

/// An entry from a row of `SELECT`, read by column name.
fn from_row(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let changes: String = row.get("changes")?;
    Ok(AuditEntry {
        id: row.get("id")?,
        at: row.get("at")?,
        actor_id: row.get("actor_id")?,
        actor: row.get("actor")?,
        action: row.get("action")?,
        entity: row.get("entity")?,
        entity_id: row.get("entity_id")?,
        changes: serde_json::from_str(&changes).unwrap_or(Value::Null),
    })
}

/// Filters of `audit list`; all given ones apply.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(default)]
pub struct Filter {
    /// client, collaborator, contract or event.
    #[serde(deserialize_with = "entity_named")]
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// Rows at or after this stored time.
    pub since: Option<String>,
}

/// An entity's name as `--entity` takes it (one of [`crate::service::audit::ENTITIES`]).
fn entity_named<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let name = <Option<String> as serde::Deserialize>::deserialize(d)?;
    name.map(|n| {
        crate::service::audit::entity(&n)
            .map(str::to_owned)
            .map_err(serde::de::Error::custom)
    })
    .transpose()
}

impl Filter {
    fn conditions(&self) -> Conditions {
        let mut conditions = Conditions::default();
        if let Some(entity) = &self.entity {
            conditions.bind("a.entity = :entity", ":entity", entity.clone());
        }
        if let Some(id) = self.entity_id {
            conditions.bind("a.entity_id = :entity_id", ":entity_id", id);
        }
        if let Some(id) = self.actor_id {
            conditions.bind("a.actor_id = :actor", ":actor", id);
        }
        if let Some(since) = &self.since {
            conditions.bind("a.at >= :since", ":since", since.clone());
        }
        conditions
    }
}

impl super::List for Filter {
    type Row = AuditEntry;

    fn count(&self, db: &Db) -> Result<Total> {
        let conn = sqlite_or!(db, pg => super::postgres::audit::count(self, pg));
        let filter = self;
        filter.conditions().count_at_most(
            conn,
            "FROM audit_log a",
            super::COUNT_CAP,
            "counting audit entries",
        )
    }

    /// The newest rows first.
    fn for_each(
        &self,
        db: &Db,
        window: Option<Window>,
        f: &mut dyn FnMut(AuditEntry) -> Result<()>,
    ) -> Result<()> {
        let conn = sqlite_or!(db, pg => super::postgres::audit::for_each(self, pg, window, f));
        let filter = self;
        filter.conditions().visit(
            conn,
            "listing audit entries",
            SELECT,
            "a.id DESC",
            window,
            from_row,
            f,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_fields_are_not_recorded() {
        let changes = Changes::new()
            .field("email", "a@b.co", "a@b.co")
            .field("phone", "1", "2");
        assert_eq!(changes.to_json(), r#"{"phone":["1","2"]}"#);
    }
}
