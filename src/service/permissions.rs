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
mod tests {
    use super::*;
    use Action::*;
    use Department::*;
    use Grant::*;

    /// One test per cell of the table in PRODUCT.md §4.
    macro_rules! cells {
        ($($name:ident: $department:ident $action:ident => $grant:ident;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(grant($department, $action), $grant);
            }
        )*};
    }

    cells! {
        management_cannot_create_clients: Management CreateClient => No;
        sales_creates_clients: Sales CreateClient => Any;
        support_cannot_create_clients: Support CreateClient => No;
        management_cannot_update_client_fields: Management UpdateClient => No;
        sales_updates_own_clients: Sales UpdateClient => OwnClients;
        support_cannot_update_clients: Support UpdateClient => No;
        management_reassigns_clients: Management ReassignClient => Any;
        sales_cannot_reassign_clients: Sales ReassignClient => No;
        support_cannot_reassign_clients: Support ReassignClient => No;
        management_deletes_clients: Management DeleteClient => Any;
        sales_cannot_delete_clients: Sales DeleteClient => No;
        support_cannot_delete_clients: Support DeleteClient => No;
        management_creates_contracts_for_clients_with_a_sales_contact: Management CreateContract => ClientWithSalesContact;
        sales_creates_contracts_for_own_clients: Sales CreateContract => OwnClients;
        support_cannot_create_contracts: Support CreateContract => No;
        management_updates_any_contract: Management UpdateContract => Any;
        sales_updates_own_clients_contracts: Sales UpdateContract => OwnClients;
        support_cannot_update_contracts: Support UpdateContract => No;
        management_changes_signed_totals: Management ChangeSignedTotal => Any;
        sales_cannot_change_signed_totals: Sales ChangeSignedTotal => No;
        support_cannot_change_signed_totals: Support ChangeSignedTotal => No;
        management_signs_any_contract: Management SignContract => Any;
        sales_signs_own_clients_contracts: Sales SignContract => OwnClients;
        support_cannot_sign_contracts: Support SignContract => No;
        management_records_any_payment: Management RecordPayment => Any;
        sales_records_payments_on_own_clients_contracts: Sales RecordPayment => OwnClients;
        support_cannot_record_payments: Support RecordPayment => No;
        management_deletes_contracts: Management DeleteContract => Any;
        sales_cannot_delete_contracts: Sales DeleteContract => No;
        support_cannot_delete_contracts: Support DeleteContract => No;
        management_cannot_create_events: Management CreateEvent => No;
        sales_creates_events_for_own_clients: Sales CreateEvent => OwnClients;
        support_cannot_create_events: Support CreateEvent => No;
        management_cannot_update_event_details: Management UpdateEvent => No;
        sales_updates_own_clients_events_until_support_is_assigned: Sales UpdateEvent => OwnClientsUnassignedEvents;
        support_updates_assigned_events: Support UpdateEvent => AssignedEvents;
        management_assigns_support: Management AssignSupport => Any;
        sales_cannot_assign_support: Sales AssignSupport => No;
        support_cannot_assign_support: Support AssignSupport => No;
        management_deletes_events: Management DeleteEvent => Any;
        sales_cannot_delete_events: Sales DeleteEvent => No;
        support_cannot_delete_events: Support DeleteEvent => No;
        management_creates_collaborators: Management CreateCollaborator => Any;
        sales_cannot_create_collaborators: Sales CreateCollaborator => No;
        support_cannot_create_collaborators: Support CreateCollaborator => No;
        management_updates_collaborators: Management UpdateCollaborator => Any;
        sales_cannot_update_collaborators: Sales UpdateCollaborator => No;
        support_cannot_update_collaborators: Support UpdateCollaborator => No;
        management_deletes_collaborators: Management DeleteCollaborator => Any;
        sales_cannot_delete_collaborators: Sales DeleteCollaborator => No;
        support_cannot_delete_collaborators: Support DeleteCollaborator => No;
        management_changes_own_password: Management ChangeOwnPassword => Any;
        sales_changes_own_password: Sales ChangeOwnPassword => Any;
        support_changes_own_password: Support ChangeOwnPassword => Any;
        management_reads_the_audit_trail: Management ReadAudit => Any;
        sales_cannot_read_the_audit_trail: Sales ReadAudit => No;
        support_cannot_read_the_audit_trail: Support ReadAudit => No;
        management_unlocks_collaborators: Management UnlockCollaborator => Any;
        sales_cannot_unlock_collaborators: Sales UnlockCollaborator => No;
        support_cannot_unlock_collaborators: Support UnlockCollaborator => No;
        management_resets_passwords: Management ResetPassword => Any;
        sales_cannot_reset_passwords: Sales ResetPassword => No;
        support_cannot_reset_passwords: Support ResetPassword => No;
        management_adds_demo_data_to_a_database_in_use: Management LoadDemoData => Any;
        sales_cannot_add_demo_data: Sales LoadDemoData => No;
        support_cannot_add_demo_data: Support LoadDemoData => No;
        management_backs_up_the_database: Management Backup => Any;
        sales_cannot_back_up_the_database: Sales Backup => No;
        support_cannot_back_up_the_database: Support Backup => No;
    }

    fn actor(id: i64, department: Department) -> Collaborator {
        Collaborator {
            id,
            employee_number: format!("E{id}"),
            full_name: "Test".into(),
            email: format!("e{id}@epic.com"),
            phone: "0612345678".into(),
            department,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn every_action_has_a_cell_for_every_department() {
        // 23 actions × 3 departments; the macro above names each cell once.
        assert_eq!(Action::ALL.len() * Department::ALL.len(), 69);
    }

    #[test]
    fn own_clients_means_the_clients_sales_contact_is_the_actor() {
        let bill = actor(2, Sales);
        assert!(check(&bill, UpdateClient, Target::client(Some(2))).is_ok());
        let err = check(&bill, UpdateClient, Target::client(Some(3))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "permission denied: you can only update your own clients"
        );
        assert!(check(&bill, UpdateClient, Target::client(None)).is_err());
    }

    #[test]
    fn sales_lose_an_event_once_support_is_assigned() {
        let bill = actor(2, Sales);
        assert!(check(&bill, UpdateEvent, Target::event(Some(2), None)).is_ok());
        let err = check(&bill, UpdateEvent, Target::event(Some(2), Some(5))).unwrap_err();
        assert!(err.to_string().contains("has a support contact now"));
    }

    #[test]
    fn support_updates_only_events_assigned_to_them() {
        let kate = actor(5, Support);
        assert!(check(&kate, UpdateEvent, Target::event(Some(2), Some(5))).is_ok());
        let err = check(&kate, UpdateEvent, Target::event(Some(2), Some(6))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "permission denied: you can only update events assigned to you"
        );
    }

    #[test]
    fn management_needs_a_sales_contact_to_create_a_contract() {
        let alice = actor(1, Management);
        assert!(check(&alice, CreateContract, Target::client(Some(2))).is_ok());
        let err = check(&alice, CreateContract, Target::client(None)).unwrap_err();
        assert!(err.to_string().contains("no sales contact"));
    }

    #[test]
    fn refusals_name_who_may_act() {
        let kate = actor(5, Support);
        let err = check(&kate, CreateCollaborator, Target::none()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "permission denied: only management can create collaborators"
        );
        let err = check(&kate, CreateEvent, Target::none()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "permission denied: only sales can create events"
        );
    }
}
