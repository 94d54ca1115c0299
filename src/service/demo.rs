//! Demo data built from the brief's own examples (PRODUCT.md §5).

use super::Context;
use super::auth::hash_password;
use crate::db;
use crate::domain::{Department, Email, EmployeeNumber, Name, NewCollaborator, Password, Phone};
use crate::error::{Error, Result};
use crate::repo::audit::{self, Entry};
use crate::repo::collaborators;

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

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub collaborators: usize,
}

/// Loads the demo data set into an empty database, in one transaction.
pub fn load(ctx: &mut Context) -> Result<Summary> {
    let password = Password::parse(DEMO_PASSWORD.to_owned())?;
    // One hash for every account: they share the documented password.
    let hash = hash_password(&password)?;
    let now = ctx.now().to_sql();
    let tx = db::write(ctx.conn_mut())?;
    if collaborators::any(&tx)? {
        return Err(Error::refused(
            "demo data only goes into an empty database: point EPICEVENTS_DB at a new file",
        ));
    }
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
                actor_id: None,
                action: "demo",
                entity: "collaborator",
                entity_id: Some(id),
                changes,
            },
        )?;
    }
    tx.commit()?;
    Ok(Summary {
        collaborators: DEMO_COLLABORATORS.len(),
    })
}
