//! The contracts menu.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Done, operation};
use crate::backend::Given;
use crate::domain::{Contract, ContractPatch, Money};
use crate::service::contracts::{self, ContractDetail};
use crate::service::{Updated, events};

/// `contracts show`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsShow {
    pub id: i64,
}

operation!(
    ContractsShow => ContractDetail,
    Get "/contracts/{id}", "contracts_show", "A contract, with its payments and events",
    |op, ctx, me| contracts::detail(ctx, op.id)
);

/// `contracts create`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsCreate {
    #[schema(schema_with = crate::backend::given::schema::<ContractPatch>)]
    pub fields: Given<ContractPatch>,
    /// Signed at creation (`--signed`).
    #[serde(default)]
    pub signed: bool,
}

operation!(
    ContractsCreate => Contract,
    Post "/contracts", "contracts_create", "Creates a contract for a client",
    |op, ctx, me| contracts::create(ctx, &me, &op.fields.parse()?.into_new(op.signed)?)
);

/// `contracts update`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsUpdate {
    pub id: i64,
    #[schema(schema_with = crate::backend::given::schema::<ContractPatch>)]
    pub fields: Given<ContractPatch>,
}

operation!(
    ContractsUpdate => Updated<Contract>,
    Patch "/contracts/{id}", "contracts_update", "Changes a contract's client or total",
    |op, ctx, me| contracts::update(ctx, &me, op.id, &op.fields.parse()?)
);

/// `contracts sign`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsSign {
    pub id: i64,
}

operation!(
    ContractsSign => Contract,
    Post "/contracts/{id}/sign", "contracts_sign", "Signs a contract",
    |op, ctx, me| contracts::sign(ctx, &me, op.id)
);

/// `contracts pay`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsPay {
    pub id: i64,
    /// The amount paid, e.g. `1500.00`.
    pub amount: String,
}

operation!(
    ContractsPay => Contract,
    Post "/contracts/{id}/payments", "contracts_pay", "Records a payment on a signed contract",
    |op, ctx, me| contracts::pay(ctx, &me, op.id, Money::parse("amount", &op.amount)?)
);

/// Before `contracts delete` asks "are you sure?".
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsDeletable {
    pub id: i64,
}

operation!(
    ContractsDeletable => Contract,
    Get "/contracts/{id}/deletable", "contracts_deletable", "The contract, if deleting it would succeed now (nothing is written)",
    |op, ctx, me| contracts::deletable(ctx, &me, op.id)
);

/// `contracts delete`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsDelete {
    pub id: i64,
}

operation!(
    ContractsDelete => Contract,
    Delete "/contracts/{id}", "contracts_delete", "Deletes an unsigned contract without payments (management)",
    |op, ctx, me| contracts::delete(ctx, &me, op.id)
);

/// Before `events create` asks anything: refused unless the collaborator may create an
/// event for the contract.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractsEventable {
    pub id: i64,
}

operation!(
    ContractsEventable => Done,
    Get "/contracts/{id}/eventable", "contracts_eventable", "Whether the collaborator may create an event for this contract",
    |op, ctx, me| {
        events::contract_for_event(ctx, &me, op.id)?;
        Ok(Done {})
    }
);
