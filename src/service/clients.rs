//! Clients: sales records and updates their own; management reassigns and deletes.

use serde_json::Value;

use super::permissions::{self, Action, Target};
use super::session::Session;
use super::{Context, Updated, record};
use crate::domain::Changes;
use crate::domain::field::{self, Values as _};
use crate::domain::{
    Client, ClientPatch, Collaborator, Contract, Department, Email, Event, NewClient,
};
use crate::error::{Error, Result};
use crate::repo::{List as _, Window, clients, contracts, events};

pub use crate::repo::clients::Filter;

/// The sales contact id that `--mine` stands for: only sales collaborators have clients of
/// their own.
pub fn own_clients_of(actor: &Collaborator) -> Result<i64> {
    match actor.department {
        Department::Sales => Ok(actor.id),
        other => Err(Error::refused(format!(
            "--mine lists a salesperson's own clients, and {other} has none: leave it out to see them all"
        ))),
    }
}

/// Refuses an email that a client other than `except` already has: a form checks it at the
/// field (the database's UNIQUE constraint has the last word).
pub fn email_free(ctx: &Context, email: &Email, except: Option<i64>) -> Result<()> {
    if clients::email_taken(ctx.db(), email.as_ref(), except)? {
        return Err(Error::invalid(
            "email",
            "another client already uses this address",
        ));
    }
    Ok(())
}

pub fn get(ctx: &Context, id: i64) -> Result<Client> {
    clients::get(ctx.db(), id)
}

/// A client with its contracts and events, for `clients show`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ClientDetail {
    pub client: Client,
    pub contracts: Vec<Contract>,
    pub events: Vec<Event>,
}

/// How many related records `show` lists before saying how to see the rest.
pub const RELATED_LIMIT: u32 = 10;

pub fn detail(ctx: &Context, id: i64) -> Result<ClientDetail> {
    let client = clients::get(ctx.db(), id)?;
    let window = Some(Window {
        limit: RELATED_LIMIT,
        offset: 0,
    });
    let mut contracts = Vec::new();
    let filter = contracts::Filter {
        client_id: Some(id),
        ..Default::default()
    };
    filter.for_each(ctx.db(), window, &mut |c| {
        contracts.push(c);
        Ok(())
    })?;
    let mut events = Vec::new();
    let filter = events::Filter {
        client_id: Some(id),
        ..Default::default()
    };
    filter.for_each(ctx.db(), window, &mut |e| {
        events.push(e);
        Ok(())
    })?;
    Ok(ClientDetail {
        client,
        contracts,
        events,
    })
}

/// Records a new client; its creator becomes its sales contact.
pub fn create(ctx: &mut Context, session: &Session, new: &NewClient) -> Result<Client> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::CreateClient, Target::none())?;
    let id = clients::insert(&tx, new, actor.id, &now)?;
    let changes = ClientPatch::from(new)
        .created()
        .field("sales_contact_id", Value::Null, actor.id);
    record(&tx, &now, &actor, "create", "client", id, changes)?;
    let created = clients::get(&tx, id)?;
    crate::db::commit(tx)?;
    Ok(created)
}

pub fn update(
    ctx: &mut Context,
    session: &Session,
    id: i64,
    patch: &ClientPatch,
) -> Result<Updated<Client>> {
    if patch.is_empty() {
        return Err(super::nothing_to_update());
    }
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = clients::get(&tx, id)?;
    permissions::check(
        &actor,
        Action::UpdateClient,
        Target::client(before.sales_contact_id),
    )?;
    clients::update(&tx, id, patch, &now)?;
    let after = clients::get(&tx, id)?;
    let changes = field::diff(&before, &after);
    Updated::finish(tx, &now, &actor, "client", id, changes, before, after)
}

/// Gives client `id` a new sales contact, who must be in sales.
pub fn reassign(ctx: &mut Context, session: &Session, id: i64, sales_id: i64) -> Result<Client> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::ReassignClient, Target::none())?;
    let before = clients::get(&tx, id)?;
    super::contact_in(&tx, sales_id, Department::Sales, "sales contact")?;
    clients::set_sales_contact(&tx, id, Some(sales_id), &now)?;
    let changes = Changes::new().field("sales_contact_id", before.sales_contact_id, sales_id);
    record(&tx, &now, &actor, "reassign", "client", id, changes)?;
    let after = clients::get(&tx, id)?;
    crate::db::commit(tx)?;
    Ok(after)
}

/// Client `id`, when `actor` may delete it now: management only, and not while it has
/// contracts. Run before asking for confirmation, and again inside the deletion.
fn deletion(db: &crate::db::Db, actor: &Collaborator, id: i64) -> Result<Client> {
    permissions::check(actor, Action::DeleteClient, Target::none())?;
    let client = clients::get(db, id)?;
    let contracts = clients::contract_count(db, id)?;
    if contracts > 0 {
        return Err(Error::refused(format!(
            "client {id} still has {contracts} contract(s): delete them first (`contracts list --client {id}`)"
        )));
    }
    Ok(client)
}

/// Client `id`, if the deletion would succeed now (nothing is written).
pub fn deletable(ctx: &Context, session: &Session, id: i64) -> Result<Client> {
    deletion(ctx.db(), &session.who, id)
}

/// Deletes client `id`, refused while it has contracts.
pub fn delete(ctx: &mut Context, session: &Session, id: i64) -> Result<Client> {
    super::delete_checked(
        ctx,
        session,
        "client",
        id,
        |tx, actor| deletion(tx, actor, id),
        |tx| clients::delete(tx, id),
    )
}
