//! The permission table of PRODUCT.md §4: the one place that decides who may write what.
//!
//! [`grant`] is the table itself, one cell per department and action. [`check`] applies a
//! cell to a record: services describe the record with a [`Target`] built from the database
//! as it is now, and the actor's department is the one stored now, not one remembered in a
//! token. Reading is open to everyone and needs no check.

use crate::domain::{Collaborator, Department};
use crate::error::{Error, Result};

/// Every write of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    CreateClient,
    UpdateClient,
    ReassignClient,
    DeleteClient,
    CreateContract,
    UpdateContract,
    /// Changing the total of a contract that is already signed.
    ChangeSignedTotal,
    SignContract,
    RecordPayment,
    DeleteContract,
    CreateEvent,
    UpdateEvent,
    AssignSupport,
    DeleteEvent,
    CreateCollaborator,
    UpdateCollaborator,
    DeleteCollaborator,
    /// Ending a collaborator's lock-out after failed logins.
    UnlockCollaborator,
    /// Giving a collaborator a temporary password to replace at their next login.
    ResetPassword,
    ChangeOwnPassword,
    ReadAudit,
    /// Adding demo or generated data to a database that is in use.
    LoadDemoData,
    /// Copying the live database to a backup file.
    Backup,
}

impl Action {
    pub const ALL: [Action; 23] = [
        Action::CreateClient,
        Action::UpdateClient,
        Action::ReassignClient,
        Action::DeleteClient,
        Action::CreateContract,
        Action::UpdateContract,
        Action::ChangeSignedTotal,
        Action::SignContract,
        Action::RecordPayment,
        Action::DeleteContract,
        Action::CreateEvent,
        Action::UpdateEvent,
        Action::AssignSupport,
        Action::DeleteEvent,
        Action::CreateCollaborator,
        Action::UpdateCollaborator,
        Action::DeleteCollaborator,
        Action::UnlockCollaborator,
        Action::ResetPassword,
        Action::ChangeOwnPassword,
        Action::ReadAudit,
        Action::LoadDemoData,
        Action::Backup,
    ];

    /// The action as the end of "you can only …" / "only management can …".
    fn phrase(self) -> &'static str {
        match self {
            Action::CreateClient => "create clients",
            Action::UpdateClient => "update clients",
            Action::ReassignClient => "reassign clients",
            Action::DeleteClient => "delete clients",
            Action::CreateContract => "create contracts",
            Action::UpdateContract => "update contracts",
            Action::ChangeSignedTotal => "change the total of a signed contract",
            Action::SignContract => "sign contracts",
            Action::RecordPayment => "record payments",
            Action::DeleteContract => "delete contracts",
            Action::CreateEvent => "create events",
            Action::UpdateEvent => "update events",
            Action::AssignSupport => "assign support to events",
            Action::DeleteEvent => "delete events",
            Action::CreateCollaborator => "create collaborators",
            Action::UpdateCollaborator => "update collaborators",
            Action::DeleteCollaborator => "delete collaborators",
            Action::UnlockCollaborator => "unlock collaborators",
            Action::ResetPassword => "reset collaborators' passwords",
            Action::ChangeOwnPassword => "change their password",
            Action::ReadAudit => "read the audit trail",
            Action::LoadDemoData => "add demo data to a database in use",
            Action::Backup => "back up the database",
        }
    }
}

impl Action {
    /// The action restricted to the actor's own records, as the end of "you can only …".
    fn own_phrase(self) -> &'static str {
        match self {
            Action::UpdateClient => "update your own clients",
            Action::CreateContract => "create contracts for your own clients",
            Action::UpdateContract => "update your own clients' contracts",
            Action::SignContract => "sign your own clients' contracts",
            Action::RecordPayment => "record payments on your own clients' contracts",
            Action::CreateEvent => "create events for your own clients' contracts",
            Action::UpdateEvent => "update your own clients' events",
            other => other.phrase(),
        }
    }
}

/// One cell of the table: whether a department may perform an action, and on which records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// On any record.
    Any,
    /// On records whose client has a sales contact (management creating a contract).
    ClientWithSalesContact,
    /// On records of the actor's own clients.
    OwnClients,
    /// On events of the actor's own clients that have no support contact yet.
    OwnClientsUnassignedEvents,
    /// On events assigned to the actor.
    AssignedEvents,
    /// Never.
    No,
}

/// The table (PRODUCT.md §4).
pub fn grant(department: Department, action: Action) -> Grant {
    use Action::*;
    use Department::*;
    use Grant::*;
    match (action, department) {
        (CreateClient, Sales) => Any,
        (UpdateClient, Sales) => OwnClients,
        (ReassignClient, Management) => Any,
        (CreateContract, Management) => ClientWithSalesContact,
        (CreateContract, Sales) => OwnClients,
        (UpdateContract | SignContract | RecordPayment, Management) => Any,
        (UpdateContract | SignContract | RecordPayment, Sales) => OwnClients,
        (ChangeSignedTotal, Management) => Any,
        (CreateEvent, Sales) => OwnClients,
        (UpdateEvent, Sales) => OwnClientsUnassignedEvents,
        (UpdateEvent, Support) => AssignedEvents,
        (AssignSupport, Management) => Any,
        (DeleteClient | DeleteContract | DeleteEvent, Management) => Any,
        (CreateCollaborator | UpdateCollaborator | DeleteCollaborator, Management) => Any,
        (UnlockCollaborator | ResetPassword, Management) => Any,
        (ChangeOwnPassword, _) => Any,
        (ReadAudit | LoadDemoData | Backup, Management) => Any,
        _ => No,
    }
}

/// What a check needs to know about the record acted on, read from the database now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    /// The sales contact of the record's client.
    pub sales_contact_id: Option<i64>,
    /// The support contact of the event.
    pub support_contact_id: Option<i64>,
}

impl Target {
    /// An action on no particular record (creating a client or a collaborator).
    pub fn none() -> Self {
        Target::default()
    }

    /// A client, contract or payment: what matters is the client's sales contact.
    pub fn client(sales_contact_id: Option<i64>) -> Self {
        Target {
            sales_contact_id,
            support_contact_id: None,
        }
    }

    pub fn event(sales_contact_id: Option<i64>, support_contact_id: Option<i64>) -> Self {
        Target {
            sales_contact_id,
            support_contact_id,
        }
    }
}

/// Allows `actor` to perform `action` on `target`, or says why not.
pub fn check(actor: &Collaborator, action: Action, target: Target) -> Result<()> {
    let own_client = target.sales_contact_id == Some(actor.id);
    let refusal = match grant(actor.department, action) {
        Grant::Any => return Ok(()),
        Grant::ClientWithSalesContact if target.sales_contact_id.is_some() => return Ok(()),
        Grant::OwnClients if own_client => return Ok(()),
        Grant::OwnClientsUnassignedEvents if own_client && target.support_contact_id.is_none() => {
            return Ok(());
        }
        Grant::AssignedEvents if target.support_contact_id == Some(actor.id) => return Ok(()),
        Grant::ClientWithSalesContact => {
            format!(
                "this client has no sales contact: reassign it before you {}",
                singular(action)
            )
        }
        Grant::OwnClients => format!("you can only {}", action.own_phrase()),
        Grant::OwnClientsUnassignedEvents if own_client => {
            "this event has a support contact now: only they can update it".to_owned()
        }
        Grant::OwnClientsUnassignedEvents => format!("you can only {}", action.own_phrase()),
        Grant::AssignedEvents => "you can only update events assigned to you".to_owned(),
        Grant::No => format!(
            "only {} can {}",
            allowed_departments(action),
            action.phrase()
        ),
    };
    Err(Error::denied(refusal))
}

/// Refuses `actor` when their department may never perform `action`, whatever the record:
/// lets the shell refuse before showing a form that could not be submitted.
pub fn check_department(actor: &Collaborator, action: Action) -> Result<()> {
    match grant(actor.department, action) {
        Grant::No => check(actor, action, Target::none()),
        _ => Ok(()),
    }
}

fn singular(action: Action) -> &'static str {
    match action {
        Action::CreateContract => "create a contract",
        _ => action.phrase(),
    }
}

/// "management", "sales or support", …: who may perform `action` at all.
fn allowed_departments(action: Action) -> String {
    let names: Vec<&str> = Department::ALL
        .into_iter()
        .filter(|d| grant(*d, action) != Grant::No)
        .map(Department::as_str)
        .collect();
    match names.as_slice() {
        [] => "nobody".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
