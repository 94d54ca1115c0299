//! Events: sales creates them on their clients' signed contracts, management assigns
//! support, support keeps the events assigned to them up to date.

use serde_json::Value;

use super::permissions::{self, Action, Target};
use super::session::Session;
use super::{Context, Updated, record};
use crate::domain::field::{self, Values as _};
use crate::domain::{Collaborator, Department, Event, EventPatch, EventTime, NewEvent};
use crate::error::{Error, Result};
use crate::repo::audit::Changes;
use crate::repo::{List as _, collaborators, contracts, events};

pub use crate::repo::events::Filter;

pub fn get(ctx: &Context, id: i64) -> Result<Event> {
    events::get(ctx.db(), id)
}

/// The filter of `events mine`: support sees the events assigned to them, sales the events
/// of their clients. Management has no events of its own.
pub fn mine(actor: &Collaborator) -> Result<Filter> {
    match actor.department {
        Department::Support => Ok(Filter {
            support_contact_id: Some(actor.id),
            ..Default::default()
        }),
        Department::Sales => Ok(Filter {
            sales_contact_id: Some(actor.id),
            ..Default::default()
        }),
        Department::Management => Err(Error::refused(
            "management has no events of its own: use `events list` or `events no-support`",
        )),
    }
}

/// The contract an event goes under: it must exist, be signed, and belong to a client the
/// actor may create events for.
fn event_contract(db: &crate::db::Db, actor: &Collaborator, contract_id: i64) -> Result<()> {
    let contract = contracts::find(db, contract_id)?
        .ok_or_else(|| Error::invalid("contract", format!("there is no contract {contract_id}")))?;
    permissions::check(
        actor,
        Action::CreateEvent,
        Target::client(contract.sales_contact_id),
    )?;
    if !contract.signed {
        return Err(Error::invalid(
            "contract",
            format!("contract {contract_id} is not signed yet: an event needs a signed contract"),
        ));
    }
    Ok(())
}

/// Refuses, before a form asks anything else, a contract the session may not create an event
/// for (missing, unsigned, another salesperson's client).
pub fn contract_for_event(ctx: &Context, session: &Session, contract_id: i64) -> Result<()> {
    event_contract(ctx.db(), &session.who, contract_id)
}

/// Refuses a start that is not before an end already known (given as a flag, or stored):
/// the same rule as [`check_times`], said of the start.
pub fn check_start(start: EventTime, end: EventTime) -> Result<()> {
    check_times(start, end)
        .map_err(|_| Error::invalid("start", format!("must be before the end ({end})")))
}

/// Refuses an end that is not after the start (a form checks the end against the start just
/// given).
pub fn check_times(start: EventTime, end: EventTime) -> Result<()> {
    if end <= start {
        return Err(Error::invalid(
            "end",
            format!("must be after the start ({start})"),
        ));
    }
    Ok(())
}

pub fn create(ctx: &mut Context, session: &Session, new: &NewEvent) -> Result<Event> {
    check_times(new.start, new.end)?;
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    event_contract(&tx, &actor, new.contract_id)?;
    let id = events::insert(&tx, new, &now)?;
    let changes = EventPatch::from(new).created();
    record(&tx, &now, &actor, "create", "event", id, changes)?;
    let created = events::get(&tx, id)?;
    crate::db::commit(tx)?;
    Ok(created)
}

pub fn update(
    ctx: &mut Context,
    session: &Session,
    id: i64,
    patch: &EventPatch,
) -> Result<Updated<Event>> {
    if patch.is_empty() {
        return Err(super::nothing_to_update());
    }
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = events::get(&tx, id)?;
    permissions::check(
        &actor,
        Action::UpdateEvent,
        Target::event(before.sales_contact_id, before.support_contact_id),
    )?;
    if let Some(contract_id) = patch.contract_id.filter(|c| *c != before.contract_id) {
        // Moving an event is its sales contact's business, before support takes it over;
        // support keeps the details of the event up to date, under the same contract.
        if actor.department != Department::Sales {
            return Err(Error::denied(
                "only the client's sales contact can move an event to another contract",
            ));
        }
        event_contract(&tx, &actor, contract_id).map_err(|err| match err {
            Error::Denied(_) => {
                Error::denied("you can only move events to your own clients' contracts")
            }
            other => other,
        })?;
    }
    let stored = |t: &str| {
        EventTime::from_sql(t)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("stored event time {t:?}")))
    };
    match (patch.start, patch.end) {
        // A new start alone is what is wrong when it passes the stored end.
        (Some(start), None) => check_start(start, stored(&before.end)?)?,
        (start, end) => check_times(
            start.map_or_else(|| stored(&before.start), Ok)?,
            end.map_or_else(|| stored(&before.end), Ok)?,
        )?,
    }
    events::update(&tx, id, patch, &now)?;
    let after = events::get(&tx, id)?;
    let changes = field::diff(&before, &after);
    Updated::finish(tx, &now, &actor, "event", id, changes, before, after)
}

/// Assigns support collaborator `support_id` to event `id`.
pub fn assign(ctx: &mut Context, session: &Session, id: i64, support_id: i64) -> Result<Event> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::AssignSupport, Target::none())?;
    let before = events::get(&tx, id)?;
    super::contact_in(&tx, support_id, Department::Support, "support contact")?;
    events::set_support(&tx, id, Some(support_id), &now)?;
    let changes = Changes::new().field("support_contact_id", before.support_contact_id, support_id);
    record(&tx, &now, &actor, "assign", "event", id, changes)?;
    let after = events::get(&tx, id)?;
    crate::db::commit(tx)?;
    Ok(after)
}

pub fn unassign(ctx: &mut Context, session: &Session, id: i64) -> Result<Event> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::AssignSupport, Target::none())?;
    let before = events::get(&tx, id)?;
    if before.support_contact_id.is_none() {
        return Err(Error::refused(format!("event {id} has no support contact")));
    }
    events::set_support(&tx, id, None, &now)?;
    let changes =
        Changes::new().field("support_contact_id", before.support_contact_id, Value::Null);
    record(&tx, &now, &actor, "unassign", "event", id, changes)?;
    let after = events::get(&tx, id)?;
    crate::db::commit(tx)?;
    Ok(after)
}

pub fn delete(ctx: &mut Context, session: &Session, id: i64) -> Result<Event> {
    super::delete_checked(
        ctx,
        session,
        "event",
        id,
        |tx, actor| {
            permissions::check(actor, Action::DeleteEvent, Target::none())?;
            events::get(tx, id)
        },
        |tx| events::delete(tx, id),
    )
}

/// Support collaborators, for the `assign` select.
pub fn support_collaborators(ctx: &Context) -> Result<Vec<Collaborator>> {
    let mut all = Vec::new();
    let support = collaborators::Filter {
        department: Some(Department::Support),
    };
    support.for_each(ctx.db(), None, &mut |c| {
        all.push(c);
        Ok(())
    })?;
    Ok(all)
}
