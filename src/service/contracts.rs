//! Contracts and payments: management handles any contract, sales their own clients'.

use serde_json::Value;

use super::permissions::{self, Action, Target};
use super::session::Session;
use super::{Context, Updated, record};
use crate::domain::field::{self, Values as _};
use crate::domain::{Collaborator, Contract, ContractPatch, Event, Money, NewContract, Payment};
use crate::error::{Error, Result};
use crate::repo::audit::Changes;
use crate::repo::{List as _, Window, clients, contracts, events};
use crate::telemetry::{self, Sensitive};

pub use crate::repo::contracts::Filter;

pub fn get(ctx: &Context, id: i64) -> Result<Contract> {
    contracts::get(ctx.db(), id)
}

/// A contract with its payments and events, for `contracts show`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ContractDetail {
    pub contract: Contract,
    pub payments: Vec<Payment>,
    pub events: Vec<Event>,
}

pub fn detail(ctx: &Context, id: i64) -> Result<ContractDetail> {
    let contract = contracts::get(ctx.db(), id)?;
    let payments = contracts::payments(ctx.db(), id)?;
    let mut events = Vec::new();
    let window = Some(Window {
        limit: super::clients::RELATED_LIMIT,
        offset: 0,
    });
    let filter = events::Filter {
        contract_id: Some(id),
        ..Default::default()
    };
    filter.for_each(ctx.db(), window, &mut |e| {
        events.push(e);
        Ok(())
    })?;
    Ok(ContractDetail {
        contract,
        payments,
        events,
    })
}

pub fn create(ctx: &mut Context, session: &Session, new: &NewContract) -> Result<Contract> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let client = clients::find(&tx, new.client_id)?
        .ok_or_else(|| Error::invalid("client", format!("there is no client {}", new.client_id)))?;
    permissions::check(
        &actor,
        Action::CreateContract,
        Target::client(client.sales_contact_id),
    )?;
    if new.signed {
        permissions::check(
            &actor,
            Action::SignContract,
            Target::client(client.sales_contact_id),
        )?;
    }
    let id = contracts::insert(&tx, new, &now)?;
    let changes = ContractPatch::from(new)
        .created()
        .field("signed", Value::Null, new.signed);
    record(&tx, &now, &actor, "create", "contract", id, changes)?;
    let created = contracts::get(&tx, id)?;
    crate::db::commit(tx)?;
    if created.signed {
        telemetry::sensitive(Sensitive::ContractSigned, actor.id, id);
    }
    Ok(created)
}

/// Changes the client or the total. A signed contract keeps its client, and only management
/// changes its total; a total never drops below what was paid.
pub fn update(
    ctx: &mut Context,
    session: &Session,
    id: i64,
    patch: &ContractPatch,
) -> Result<Updated<Contract>> {
    if patch.is_empty() {
        return Err(Error::Usage(
            "nothing to update: give --client or --total".into(),
        ));
    }
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = contracts::get(&tx, id)?;
    permissions::check(
        &actor,
        Action::UpdateContract,
        Target::client(before.sales_contact_id),
    )?;
    let client_id = patch.client_id.unwrap_or(before.client_id);
    if client_id != before.client_id {
        if before.signed {
            return Err(Error::refused(format!(
                "contract {id} is signed: its client cannot change"
            )));
        }
        let client = clients::find(&tx, client_id)?
            .ok_or_else(|| Error::invalid("client", format!("there is no client {client_id}")))?;
        permissions::check(
            &actor,
            Action::UpdateContract,
            Target::client(client.sales_contact_id),
        )?;
    }
    let total = patch.total.unwrap_or(before.total_amount);
    if total != before.total_amount {
        if before.signed {
            permissions::check(
                &actor,
                Action::ChangeSignedTotal,
                Target::client(before.sales_contact_id),
            )?;
        }
        let paid = before.paid();
        if total < paid {
            return Err(Error::invalid(
                "total",
                format!("must be at least what was already paid ({paid})"),
            ));
        }
    }
    contracts::update(&tx, id, client_id, total)?;
    let after = contracts::get(&tx, id)?;
    // What remains follows the total: it is audited beside it.
    let changes = field::diff(&before, &after).field(
        "remaining_amount",
        before.remaining_amount.to_string(),
        after.remaining_amount.to_string(),
    );
    Updated::finish(tx, &now, &actor, "contract", id, changes, before, after)
}

pub fn sign(ctx: &mut Context, session: &Session, id: i64) -> Result<Contract> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = contracts::get(&tx, id)?;
    permissions::check(
        &actor,
        Action::SignContract,
        Target::client(before.sales_contact_id),
    )?;
    if let Some(at) = &before.signed_at {
        return Err(Error::refused(format!(
            "contract {id} is already signed (on {at})"
        )));
    }
    contracts::sign(&tx, id, &now)?;
    record(
        &tx,
        &now,
        &actor,
        "sign",
        "contract",
        id,
        Changes::new().field("signed_at", Value::Null, now.as_str()),
    )?;
    let after = contracts::get(&tx, id)?;
    crate::db::commit(tx)?;
    telemetry::sensitive(Sensitive::ContractSigned, actor.id, id);
    Ok(after)
}

/// Records a payment of `amount` on a signed contract, never more than what remains.
pub fn pay(ctx: &mut Context, session: &Session, id: i64, amount: Money) -> Result<Contract> {
    if amount.cents() <= 0 {
        return Err(Error::invalid("amount", "must be more than 0"));
    }
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = contracts::get(&tx, id)?;
    permissions::check(
        &actor,
        Action::RecordPayment,
        Target::client(before.sales_contact_id),
    )?;
    if !before.signed {
        return Err(Error::refused(format!(
            "contract {id} is not signed yet: sign it before recording payments"
        )));
    }
    if amount > before.remaining_amount {
        return Err(Error::invalid(
            "amount",
            format!(
                "must be at most what remains to pay ({})",
                before.remaining_amount
            ),
        ));
    }
    let payment = contracts::insert_payment(&tx, id, amount, actor.id, &now)?;
    let after = contracts::get(&tx, id)?;
    let changes = Changes::new()
        .field("payment_id", Value::Null, payment)
        .field("amount", Value::Null, amount.to_string())
        .field(
            "remaining_amount",
            before.remaining_amount.to_string(),
            after.remaining_amount.to_string(),
        );
    record(&tx, &now, &actor, "pay", "contract", id, changes)?;
    crate::db::commit(tx)?;
    Ok(after)
}

/// Contract `id`, when `actor` may delete it now: management only, and not while events or
/// payments depend on it. Run before asking for confirmation, and again inside the deletion.
fn deletion(db: &crate::db::Db, actor: &Collaborator, id: i64) -> Result<Contract> {
    permissions::check(actor, Action::DeleteContract, Target::none())?;
    let contract = contracts::get(db, id)?;
    let (events, payments) = contracts::dependents(db, id)?;
    if events > 0 || payments > 0 {
        return Err(Error::refused(format!(
            "contract {id} has {events} event(s) and {payments} payment(s): it cannot be deleted"
        )));
    }
    Ok(contract)
}

/// Contract `id`, if the deletion would succeed now (nothing is written).
pub fn deletable(ctx: &Context, session: &Session, id: i64) -> Result<Contract> {
    deletion(ctx.db(), &session.who, id)
}

/// Deletes contract `id`, refused while events or payments depend on it.
pub fn delete(ctx: &mut Context, session: &Session, id: i64) -> Result<Contract> {
    super::delete_checked(
        ctx,
        session,
        "contract",
        id,
        |tx, actor| deletion(tx, actor, id),
        |tx| contracts::delete(tx, id),
    )
}
