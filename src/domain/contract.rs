//! A contract with a client, and the payments that settle it.

use serde::{Serialize, Serializer};

use super::Money;

/// A contract as stored and shown. The keys are those of PRODUCT.md §2; amounts are strings
/// with two decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    /// The client's sales contact (the contract's, since it is not stored twice).
    pub sales_contact_id: Option<i64>,
    #[serde(serialize_with = "as_text")]
    pub total_amount: Money,
    #[serde(serialize_with = "as_text")]
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

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ContractPatch {
    pub client_id: Option<i64>,
    pub total: Option<Money>,
}

impl ContractPatch {
    pub fn is_empty(&self) -> bool {
        self.client_id.is_none() && self.total.is_none()
    }
}

/// One payment towards a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: i64,
    pub contract_id: i64,
    #[serde(serialize_with = "as_text")]
    pub amount: Money,
    pub paid_at: String,
    pub recorded_by: Option<i64>,
}

pub(crate) fn as_text<S: Serializer>(money: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(money)
}
