//! Fields as a user typed them, on their way to the service that parses them.
//!
//! A form or flags give an entity's [`Values`], already parsed so that the shell can say at
//! once which field is wrong. Across the network they travel as text, one entry per field key
//! (`{"full_name": "Kevin Casey", "attendees": "75"}`), and the server parses them again
//! with the same [`Values::set`]: it trusts nothing a client checked.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use utoipa::openapi::schema::{AdditionalProperties, Object, ObjectBuilder, Type};

use crate::domain::field::{Field, Values};
use crate::error::{Error, Result};

/// An entity's fields as text, by key.
pub struct Given<V> {
    fields: BTreeMap<String, String>,
    values: PhantomData<fn() -> V>,
}

impl<V: Values> Given<V> {
    /// The fields `values` holds.
    pub fn of(values: &V) -> Self {
        let fields = V::Field::ALL
            .iter()
            .filter_map(|field| {
                let value = values.value(*field)?;
                Some((field.spec().key.to_owned(), text(value)))
            })
            .collect();
        Given {
            fields,
            values: PhantomData,
        }
    }

    /// The values again, each field parsed as if typed; a key that names no field is refused.
    pub fn parse(&self) -> Result<V> {
        let mut values = V::default();
        for (key, input) in &self.fields {
            let field = V::Field::ALL
                .iter()
                .find(|f| f.spec().key == key)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "unknown field {key:?}: expected one of {}",
                        keys::<V>().join(", ")
                    ))
                })?;
            values.set(*field, input)?;
        }
        Ok(values)
    }
}

fn keys<V: Values>() -> Vec<&'static str> {
    V::Field::ALL.iter().map(|f| f.spec().key).collect()
}

/// A value as its field's parser reads it back.
fn text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

impl<V> Serialize for Given<V> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.fields.serialize(s)
    }
}

impl<'de, V> Deserialize<'de> for Given<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Given {
            fields: BTreeMap::deserialize(d)?,
            values: PhantomData,
        })
    }
}

/// The OpenAPI schema of `Given<V>`: one optional text property per field of `V`.
pub fn schema<V: Values>() -> Object {
    V::Field::ALL
        .iter()
        .fold(
            ObjectBuilder::new().additional_properties(Some(AdditionalProperties::FreeForm(false))),
            |object, field| {
                let spec = field.spec();
                object.property(
                    spec.key,
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some(spec.help)),
                )
            },
        )
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::checks::every_field_given;
    use crate::domain::{ClientPatch, CollaboratorPatch, ContractPatch, EventPatch};

    /// What a client sends is what the server reads: every field of every entity survives
    /// the trip as text.
    fn round_trips<V: Values>(inputs: &[&str]) {
        let values: V = every_field_given(inputs);
        let json = serde_json::to_string(&Given::of(&values)).unwrap();
        let back: Given<V> = serde_json::from_str(&json).unwrap();
        let back = back.parse().unwrap();
        for field in V::Field::ALL {
            assert_eq!(back.value(*field), values.value(*field), "{field:?}");
        }
    }

    #[test]
    fn every_field_of_every_entity_survives_the_wire() {
        round_trips::<ClientPatch>(&[
            "Nina Martin",
            "nina@startup.io",
            "+33 6 12 34 56 78",
            "Nina SARL",
        ]);
        round_trips::<ContractPatch>(&["3", "4000.50"]);
        round_trips::<EventPatch>(&[
            "4",
            "Launch party",
            "2027-06-04 13:00",
            "2027-06-05 02:00",
            "The Loft",
            "53 Rue du Château, Candé-sur-Beuvron",
            "75",
            "Wedding starts at 3PM, by the river.",
        ]);
        round_trips::<CollaboratorPatch>(&[
            "sales",
            "E-042",
            "Nina Martin",
            "nina@epic.com",
            "+33 6 12 34 56 78",
        ]);
    }

    #[test]
    fn a_key_that_is_no_field_is_refused_and_a_bad_value_names_its_field() {
        let given: Given<ClientPatch> = serde_json::from_str(r#"{"password": "x"}"#).unwrap();
        let err = given.parse().unwrap_err().to_string();
        assert!(err.contains("unknown field \"password\""), "{err}");
        let given: Given<ClientPatch> = serde_json::from_str(r#"{"email": "nope"}"#).unwrap();
        let err = given.parse().unwrap_err().to_string();
        assert!(err.contains("email"), "{err}");
    }
}
