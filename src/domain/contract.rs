//! A contract with a client, and the payments that settle it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::field::{self, Field, Fielded, Spec, Values};
use super::{Id, Money};
use crate::error::Result;

/// A contract as stored and shown. The keys are those of PRODUCT.md §2; amounts are strings
/// with two decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contract {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    /// The client's sales contact (the contract's, since it is not stored twice).
    pub sales_contact_id: Option<i64>,
    #[serde(serialize_with = "as_text", deserialize_with = "from_text")]
    #[schema(value_type = String, example = "1500.00")]
    pub total_amount: Money,
    #[serde(serialize_with = "as_text", deserialize_with = "from_text")]
    #[schema(value_type = String, example = "1500.00")]
    pub remaining_amount: Money,
    pub signed: bool,
    pub signed_at: Option<String>,
    pub created_at: String,
}

impl Contract {
    /// What has been paid so far.
    pub fn paid(&self) -> Money {
        Money::from_cents(self.total_amount.cents() - self.remaining_amount.cents())
    }
}

#[derive(Debug, Clone)]
pub struct NewContract {
    pub client_id: i64,
    pub total: Money,
    pub signed: bool,
}

/// The fields of a contract that management or its sales contact sets, in form order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContractField {
    Client,
    Total,
}

impl Field for ContractField {
    const ALL: &'static [Self] = &[Self::Client, Self::Total];

    fn spec(self) -> &'static Spec {
        match self {
            Self::Client => &Spec {
                key: "client_id",
                flag: "--client",
                value_name: "ID",
                label: "Client id",
                help: "The client's id (a signed contract keeps its client)",
                hint: Some("see `clients list --mine`"),
            },
            Self::Total => &Spec {
                key: "total_amount",
                flag: "--total",
                value_name: "AMOUNT",
                label: "Total amount",
                help: "The total amount, e.g. 1500, 1500.5 or 1500,50; never below what was paid",
                hint: Some("e.g. 1500, 1500.5 or 1500,50"),
            },
        }
    }
}

impl Fielded for Contract {
    type Field = ContractField;

    fn value(&self, field: ContractField) -> Value {
        match field {
            ContractField::Client => self.client_id.into(),
            ContractField::Total => self.total_amount.to_string().into(),
        }
    }
}

/// A contract's fields as given, parsed: an update's patch (`None` leaves a field as it is),
/// or a creation's input once complete.
#[derive(Debug, Clone, Default)]
pub struct ContractPatch {
    pub client_id: Option<i64>,
    pub total: Option<Money>,
}

impl Values for ContractPatch {
    type Field = ContractField;

    fn set(&mut self, field: ContractField, input: &str) -> Result<()> {
        match field {
            ContractField::Client => self.client_id = Some(Id::parse("client", input)?.get()),
            ContractField::Total => self.total = Some(Money::parse("total", input)?),
        }
        Ok(())
    }

    fn value(&self, field: ContractField) -> Option<Value> {
        match field {
            ContractField::Client => self.client_id.map(Value::from),
            ContractField::Total => self.total.map(|t| t.to_string().into()),
        }
    }
}

impl ContractPatch {
    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        Values::is_empty(self)
    }

    /// What a creation needs (`signed` is its own flag), or the first missing field's error.
    pub fn into_new(self, signed: bool) -> Result<NewContract> {
        Ok(NewContract {
            client_id: field::required(self.client_id, ContractField::Client)?,
            total: field::required(self.total, ContractField::Total)?,
            signed,
        })
    }
}

impl From<&NewContract> for ContractPatch {
    fn from(new: &NewContract) -> Self {
        ContractPatch {
            client_id: Some(new.client_id),
            total: Some(new.total),
        }
    }
}

/// One payment towards a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Payment {
    pub id: i64,
    pub contract_id: i64,
    #[serde(serialize_with = "as_text", deserialize_with = "from_text")]
    #[schema(value_type = String, example = "1500.00")]
    pub amount: Money,
    pub paid_at: String,
    pub recorded_by: Option<i64>,
}

pub(crate) fn as_text<S: Serializer>(money: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(money)
}

/// An amount as [`as_text`] writes it (an answer of the server, in team mode).
pub(crate) fn from_text<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
    let text = String::deserialize(d)?;
    Money::parse("amount", &text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::checks;

    fn kevin() -> Contract {
        Contract {
            id: 2,
            client_id: 1,
            client_name: "Kevin Casey".into(),
            sales_contact_id: Some(2),
            total_amount: Money::from_cents(300_000),
            remaining_amount: Money::from_cents(300_000),
            signed: false,
            signed_at: None,
            created_at: String::new(),
        }
    }

    /// A new field that the diff forgot would be a change nobody audits.
    #[test]
    fn the_audit_diff_has_one_entry_per_field_changed() {
        let before = kevin();
        let after = Contract {
            client_id: 3,
            total_amount: Money::from_cents(400_000),
            ..kevin()
        };
        checks::diff_is_complete(&before, &after);
    }

    #[test]
    fn every_field_can_be_given_and_read_back() {
        checks::every_field_given::<ContractPatch>(&["3", "4000"]);
    }
}
