//! The grammar's side of the permission table: the cell of each command, and which commands
//! menus, `help` and Tab offer to each department.

use crate::domain::Department;
use crate::service::permissions::{Action, Grant, grant};

/// What the permission table says of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Open to everyone: reading, one's own session, the shell's own commands, and the
    /// commands that check their own conditions (`setup`, `demo`).
    Anyone,
    /// A write the permission table decides.
    Needs(Action),
}

/// The permission cell of a command, by its path (`None` for the top level). Every command
/// of the grammar has one: a test walks the grammar and fails on a command without.
pub fn permission_of(menu: Option<&str>, command: &str) -> Option<Permission> {
    use Action::*;
    use Permission::{Anyone, Needs};
    Some(match (menu, command) {
        (None, "backup" | "copy") => Needs(Backup),
        (None, "audit") | (Some("audit"), "list") => Needs(ReadAudit),
        (Some("clients"), "create") => Needs(CreateClient),
        (Some("clients"), "update") => Needs(UpdateClient),
        (Some("clients"), "reassign") => Needs(ReassignClient),
        (Some("clients"), "delete") => Needs(DeleteClient),
        (Some("contracts"), "create") => Needs(CreateContract),
        (Some("contracts"), "update") => Needs(UpdateContract),
        (Some("contracts"), "sign") => Needs(SignContract),
        (Some("contracts"), "pay") => Needs(RecordPayment),
        (Some("contracts"), "delete") => Needs(DeleteContract),
        (Some("events"), "create") => Needs(CreateEvent),
        (Some("events"), "update") => Needs(UpdateEvent),
        (Some("events"), "assign" | "unassign") => Needs(AssignSupport),
        (Some("events"), "delete") => Needs(DeleteEvent),
        (Some("users"), "create") => Needs(CreateCollaborator),
        (Some("users"), "update") => Needs(UpdateCollaborator),
        (Some("users"), "delete") => Needs(DeleteCollaborator),
        (Some("users"), "unlock") => Needs(UnlockCollaborator),
        (Some("users"), "reset-password") => Needs(ResetPassword),
        (None, "password") => Needs(ChangeOwnPassword),
        (
            None,
            "login" | "logout" | "whoami" | "setup" | "demo" | "serve" | "help" | "back" | "exit"
            | "clients" | "contracts" | "events" | "users",
        ) => Anyone,
        (Some("clients" | "contracts" | "events" | "users"), "list" | "show") => Anyone,
        (Some("contracts"), "unsigned" | "unpaid") => Anyone,
        (Some("events"), "no-support" | "mine") => Anyone,
        _ => return None,
    })
}

/// The write a command performs, by its path (`None` for the top level): what the permission
/// table decides for it. Commands open to everyone have none.
pub fn action_of(menu: Option<&str>, command: &str) -> Option<Action> {
    match permission_of(menu, command)? {
        Permission::Needs(action) => Some(action),
        Permission::Anyone => None,
    }
}

/// Whether menus, `help` and Tab offer `command` (of `menu`, or of the top level) to someone
/// of `department`: not when their department may never perform it. Nobody logged in is
/// offered everything. A command not offered can still be typed, and is refused with a reason.
pub fn offered(department: Option<Department>, menu: Option<&str>, command: &str) -> bool {
    // `back` does nothing at the top level.
    if menu.is_none() && command == "back" {
        return false;
    }
    match (department, action_of(menu, command)) {
        (Some(department), Some(action)) => grant(department, action) != Grant::No,
        _ => true,
    }
}
