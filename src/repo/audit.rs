//! The audit trail: one row per write, in the write's own transaction.

use rusqlite::{Connection, named_params};
use serde_json::{Map, Value};

use crate::error::Result;

/// What changed, as `{"field": [old, new]}`. Never holds a password or a hash: callers add
/// fields by name, and no caller has those to add.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes(Map<String, Value>);

impl Changes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `field` going from `old` to `new`, unless they are equal.
    pub fn field(mut self, field: &str, old: impl Into<Value>, new: impl Into<Value>) -> Self {
        let (old, new) = (old.into(), new.into());
        if old != new {
            self.0
                .insert(field.to_owned(), Value::Array(vec![old, new]));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

/// One audit row.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub changes: Changes,
}

pub fn record(conn: &Connection, at: &str, entry: &Entry<'_>) -> Result<()> {
    conn.prepare_cached(
        r"INSERT INTO audit_log (at, actor_id, action, entity, entity_id, changes)
          VALUES (:at, :actor_id, :action, :entity, :entity_id, :changes)",
    )?
    .execute(named_params! {
        ":at": at,
        ":actor_id": entry.actor_id,
        ":action": entry.action,
        ":entity": entry.entity,
        ":entity_id": entry.entity_id,
        ":changes": entry.changes.to_json(),
    })?;
    Ok(())
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
