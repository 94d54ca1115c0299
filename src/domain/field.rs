//! One description per entity: the fields a user gives a client, a contract, an event or a
//! collaborator, each described once and read by every layer.
//!
//! An entity's fields are an enum ([`Field`]) whose [`Spec`] names each one for the grammar
//! (its flag, value name and help), the forms (label and help, in [`Field::ALL`]'s order), the
//! JSON and CSV keys and the audit trail (its key). What a record holds for a field
//! ([`Fielded::value`]) gives the `show` view and the audit diff ([`diff`]); what a user gave
//! ([`Values`]) is the update patch and the input of a creation. Every place that chooses a
//! field matches on the enum without a catch-all arm, so a new field is a compile error at
//! each place that must handle it, and a test per entity changes every field and expects one
//! audit entry each.

use std::fmt;

use serde_json::Value;

use super::Changes;
use crate::error::{Error, Result};

/// How one field is named everywhere.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    /// The JSON and CSV key, the audit trail's name for it, and the SQL parameter (`:key`).
    pub key: &'static str,
    /// The flag, e.g. `--full-name`.
    pub flag: &'static str,
    /// How the flag's value is named in help, e.g. `DATE TIME`.
    pub value_name: &'static str,
    /// The form's label and the `show` view's name, e.g. `Full name`.
    pub label: &'static str,
    /// The flag's help.
    pub help: &'static str,
    /// The form's hint under the question, if any.
    pub hint: Option<&'static str>,
}

impl Spec {
    /// The flag without its dashes, as clap names a long flag (`full-name`).
    pub fn long(&self) -> &'static str {
        self.flag.trim_start_matches('-')
    }
}

/// The fields users set on one kind of record, in the order forms ask for them.
pub trait Field: Copy + Eq + Ord + fmt::Debug + 'static {
    /// Every field, in form order.
    const ALL: &'static [Self];

    fn spec(self) -> &'static Spec;

    /// Whether a creation may leave the field out (forms still ask it).
    fn optional(self) -> bool {
        false
    }
}

/// A stored record, read field by field.
pub trait Fielded {
    type Field: Field;

    /// What the record holds for `field`, as JSON and the audit trail write it.
    fn value(&self, field: Self::Field) -> Value;

    /// `field` as a `show` view prints it and a form pre-fills it.
    fn display(&self, field: Self::Field) -> String {
        match self.value(field) {
            Value::String(text) => text,
            Value::Null => "none".to_owned(),
            other => other.to_string(),
        }
    }
}

/// Values a user gave (flags or a form), each parsed into its type: an update's patch, or
/// what a creation needs once every required field is there.
pub trait Values: Default {
    type Field: Field;

    /// Parses `input` into `field` (an error names the field and says what is expected).
    fn set(&mut self, field: Self::Field, input: &str) -> Result<()>;

    /// What was given for `field`, as JSON and the audit trail write it.
    fn value(&self, field: Self::Field) -> Option<Value>;

    /// Whether anything was given.
    fn is_empty(&self) -> bool {
        Self::Field::ALL.iter().all(|f| self.value(*f).is_none())
    }

    /// The audit changes of a creation: every field given, from nothing.
    fn created(&self) -> Changes {
        Self::Field::ALL
            .iter()
            .fold(Changes::new(), |changes, f| match self.value(*f) {
                Some(value) => changes.field(f.spec().key, Value::Null, value),
                None => changes,
            })
    }
}

/// The audit changes from `before` to `after`: one entry per field that differs.
pub fn diff<R: Fielded>(before: &R, after: &R) -> Changes {
    R::Field::ALL.iter().fold(Changes::new(), |changes, f| {
        changes.field(f.spec().key, before.value(*f), after.value(*f))
    })
}

/// The audit changes of a deletion: every field, to nothing.
pub fn deleted<R: Fielded>(before: &R) -> Changes {
    R::Field::ALL.iter().fold(Changes::new(), |changes, f| {
        changes.field(f.spec().key, before.value(*f), Value::Null)
    })
}

/// The value given for a required field, or the error a non-interactive creation gets.
pub fn required<T>(value: Option<T>, field: impl Field) -> Result<T> {
    value.ok_or(Error::missing(field.spec().flag))
}

/// What every entity's tests check of its table.
#[cfg(test)]
pub(crate) mod checks {
    use super::{Field, Fielded, Values, diff};

    /// `after` differs from `before` in every field: the diff has one entry for each, and
    /// none between a record and itself (a field the diff forgot would go unaudited).
    pub(crate) fn diff_is_complete<R: Fielded>(before: &R, after: &R) {
        let changes = diff(before, after);
        for field in R::Field::ALL {
            assert!(
                changes.has(field.spec().key),
                "{field:?} is not in the audit diff"
            );
        }
        assert_eq!(changes.len(), R::Field::ALL.len());
        assert!(diff(before, before).is_empty());
    }

    /// Values with each field set from `inputs`, in form order: each parses, reads back, and
    /// is part of a creation's audit changes.
    pub(crate) fn every_field_given<V: Values>(inputs: &[&str]) -> V {
        assert_eq!(inputs.len(), V::Field::ALL.len(), "one input per field");
        let mut values = V::default();
        for (field, input) in V::Field::ALL.iter().zip(inputs) {
            values.set(*field, input).unwrap();
            assert!(values.value(*field).is_some(), "{field:?}");
        }
        assert_eq!(values.created().len(), V::Field::ALL.len());
        values
    }
}
