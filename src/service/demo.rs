//! Demo data built from the brief's own examples (PRODUCT.md §5).

use super::Context;
use super::auth::hash_password;
use super::permissions::{self, Action, Target};
use super::session::Session;
use crate::db;
use crate::domain::{
    Attendees, Department, Email, EmployeeNumber, EventTime, Money, Name, NewClient,
    NewCollaborator, NewContract, NewEvent, Notes, Password, Phone, Venue,
};
use crate::error::{Error, Result};
use crate::repo::audit::{self, Changes, Entry};
use crate::repo::{clients, collaborators, contracts, events};

/// The password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "epicevents-demo";

/// The demo collaborators: (employee number, full name, email, phone, department).
pub const DEMO_COLLABORATORS: [(&str, &str, &str, &str, Department); 5] = [
    (
        "EMP-0001",
        "Alice Manager",
        "alice.manager@epic.com",
        "+33 1 00 00 00 01",
        Department::Management,
    ),
    (
        "EMP-0002",
        "Bill Boquet",
        "bill.boquet@epic.com",
        "+33 1 00 00 00 02",
        Department::Sales,
    ),
    (
        "EMP-0003",
        "Sophie Vendeur",
        "sophie.vendeur@epic.com",
        "+33 1 00 00 00 03",
        Department::Sales,
    ),
    (
        "EMP-0004",
        "Kate Hastroff",
        "kate.hastroff@epic.com",
        "+33 1 00 00 00 04",
        Department::Support,
    ),
    (
        "EMP-0005",
        "Aliénor Vichum",
        "alienor.vichum@epic.com",
        "+33 1 00 00 00 05",
        Department::Support,
    ),
];

/// The demo clients: (full name, email, phone, company, index of the sales contact in
/// [`DEMO_COLLABORATORS`], if any).
const DEMO_CLIENTS: [(&str, &str, &str, &str, Option<usize>); 5] = [
    (
        "Kevin Casey",
        "kevin@startup.io",
        "+678 123 456 78",
        "Cool Startup LLC",
        Some(1),
    ),
    (
        "John Ouick",
        "john.ouick@gmail.com",
        "+44 20 7946 0958",
        "Ouick & Co",
        Some(1),
    ),
    (
        "Lou Bouzin",
        "lou.bouzin@bouzin-industries.fr",
        "+33 4 72 00 00 00",
        "Bouzin Industries",
        Some(2),
    ),
    (
        "Gaëlle Martin",
        "gaelle@studio-lumiere.fr",
        "+33 1 44 55 66 77",
        "Studio Lumière",
        Some(2),
    ),
    (
        "Ana Ribeiro",
        "ana@novatech.pt",
        "+351 21 000 0000",
        "NovaTech",
        None,
    ),
];

/// The demo contracts: (client index, total, signed, payments).
const DEMO_CONTRACTS: [(usize, &str, bool, &[&str]); 5] = [
    (0, "12000", true, &["6000", "6000"]),
    (1, "25000", true, &["10000"]),
    (2, "8000", true, &[]),
    (3, "5000", false, &[]),
    (0, "3000,50", false, &[]),
];

/// The demo events: (contract index, name, start, end, location, attendees, notes, index of
/// the support contact in [`DEMO_COLLABORATORS`], if any).
/// Contract, name, start, end, venue, location, attendees, notes, support contact.
#[allow(clippy::type_complexity)]
const DEMO_EVENTS: [(
    usize,
    &str,
    &str,
    &str,
    &str,
    &str,
    &str,
    &str,
    Option<usize>,
); 3] = [
    (
        1,
        "John Ouick Wedding",
        "2027-06-04 13:00",
        "2027-06-05 02:00",
        "Château de Candé",
        "53 Rue du Château, 41120 Candé-sur-Beuvron, France",
        "75",
        "Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM. Kate needs to organize the DJ for after party.",
        Some(3),
    ),
    (
        2,
        "Lou Bouzin General Assembly",
        "2027-05-05 15:00",
        "2027-05-05 17:00",
        "Salle des fêtes de Mufflins",
        "Salle des fêtes de Mufflins, 69000 Lyon, France",
        "200",
        "Shareholders vote at 4PM: the stage needs two microphones.",
        None,
    ),
    (
        0,
        "Cool Startup Launch Party",
        "2027-03-12 19:00",
        "2027-03-13 01:00",
        "",
        "14 Rue Crespin du Gast, 75011 Paris, France",
        "120",
        "",
        Some(4),
    ),
];

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub collaborators: usize,
    pub clients: usize,
    pub contracts: usize,
    pub events: usize,
}

/// Refuses demo data on a database in use (one that has collaborators) unless a manager is
/// logged in: demo logins have a published password.
pub(crate) fn guarded(session: Option<&Session>) -> Result<()> {
    let session = session.ok_or(Error::NotLoggedIn)?;
    permissions::check(&session.who, Action::LoadDemoData, Target::none())
}

/// Starts the write of demo data. On a database in use, the manager is reloaded and checked
/// inside the transaction; a database that was set up meanwhile is refused, since the
/// password chosen for the new logins assumed it was empty.
pub(crate) fn begin<'c>(
    ctx: &'c mut Context,
    session: Option<&Session>,
    in_use: bool,
) -> Result<crate::db::Tx<'c>> {
    let (tx, actor) = match session {
        Some(session) => {
            let (tx, actor) = ctx.write_as(session)?;
            (tx, Some(actor))
        }
        None => (db::write(ctx.db_mut())?, None),
    };
    if collaborators::any(&tx)? {
        let actor = actor.ok_or(Error::NotLoggedIn)?;
        permissions::check(&actor, Action::LoadDemoData, Target::none())?;
        if !in_use {
            return Err(Error::refused(
                "the database was set up while the demo data was prepared: run the command again",
            ));
        }
    }
    Ok(tx)
}

/// Loads the demo data set into a new database (tests).
pub fn load(ctx: &mut Context) -> Result<Summary> {
    load_as(ctx, None)
}

/// What to do for data that only goes into an empty database, on the store `db` is.
pub(super) fn start_afresh(db: &db::Db) -> &'static str {
    match db {
        db::Db::Sqlite(_) => "point EPICEVENTS_DB at a new file",
        db::Db::Postgres(_) => "point EPICEVENTS_DB at a new database (createdb)",
    }
}

/// Loads the demo data set into an empty database, in one transaction. On a database in use,
/// a manager must be logged in to be told that it only goes into an empty one.
pub fn load_as(ctx: &mut Context, session: Option<&Session>) -> Result<Summary> {
    let in_use = collaborators::any(ctx.db())?;
    if in_use {
        guarded(session)?;
    }
    let password = Password::parse(DEMO_PASSWORD.to_owned())?;
    // One hash for every account: they share the documented password.
    let hash = hash_password(&password)?;
    let now = ctx.now().to_sql();
    let tx = begin(ctx, session, in_use)?;
    if collaborators::any(&tx)? {
        return Err(Error::refused(format!(
            "demo data only goes into an empty database: {}",
            start_afresh(&tx)
        )));
    }
    let demo = |entity, id| Entry {
        actor_id: None,
        action: "demo",
        entity,
        entity_id: Some(id),
        changes: Changes::new(),
    };
    let mut people = Vec::new();
    for (number, name, email, phone, department) in DEMO_COLLABORATORS {
        let new = NewCollaborator {
            employee_number: EmployeeNumber::parse(number)?,
            full_name: Name::parse("full name", name)?,
            email: Email::parse(email)?,
            phone: Phone::parse(phone)?,
            department,
        };
        let id = collaborators::insert(&tx, &new, &hash, &now)?;
        let changes = super::users::creation_changes(&new);
        audit::record(
            &tx,
            &now,
            &Entry {
                changes,
                ..demo("collaborator", id)
            },
        )?;
        people.push(id);
    }
    let mut client_ids = Vec::new();
    for (full_name, email, phone, company, sales) in DEMO_CLIENTS {
        let new = NewClient {
            full_name: Name::parse("full name", full_name)?,
            email: Email::parse(email)?,
            phone: Phone::parse(phone)?,
            company_name: Name::parse("company name", company)?,
        };
        // A client gets a sales contact when created; the unassigned one loses it after.
        let id = clients::insert(&tx, &new, people[sales.unwrap_or(1)], &now)?;
        if sales.is_none() {
            clients::set_sales_contact(&tx, id, None, &now)?;
        }
        audit::record(&tx, &now, &demo("client", id))?;
        client_ids.push(id);
    }
    let mut contract_ids = Vec::new();
    for (client, total, signed, payments) in DEMO_CONTRACTS {
        let new = NewContract {
            client_id: client_ids[client],
            total: Money::parse("total", total)?,
            signed,
        };
        let id = contracts::insert(&tx, &new, &now)?;
        for amount in payments {
            contracts::insert_payment(&tx, id, Money::parse("amount", amount)?, people[1], &now)?;
        }
        audit::record(&tx, &now, &demo("contract", id))?;
        contract_ids.push(id);
    }
    for (contract, name, start, end, venue, location, attendees, notes, support) in DEMO_EVENTS {
        let new = NewEvent {
            contract_id: contract_ids[contract],
            name: Name::parse("name", name)?,
            start: EventTime::parse("start", start)?,
            end: EventTime::parse("end", end)?,
            venue: Venue::parse(venue)?,
            location: Name::parse("location", location)?,
            attendees: Attendees::parse(attendees)?,
            notes: Notes::parse(notes)?,
        };
        let id = events::insert(&tx, &new, &now)?;
        events::set_support(&tx, id, support.map(|s| people[s]), &now)?;
        audit::record(&tx, &now, &demo("event", id))?;
    }
    crate::db::commit(tx)?;
    Ok(Summary {
        collaborators: DEMO_COLLABORATORS.len(),
        clients: DEMO_CLIENTS.len(),
        contracts: DEMO_CONTRACTS.len(),
        events: DEMO_EVENTS.len(),
    })
}
