//! What a write changed, for the audit trail.

use serde_json::{Map, Value};

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

    /// How many fields changed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether `field` changed.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}
