//! One test per cell of the permission table (PRODUCT.md §4), the conditions on one's own
//! records, and the wording of refusals.

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
