//! The `users` menu: its commands, and a collaborator's fields as flags.

use clap::Subcommand;

use super::{ListArgs, ShowArgs};
use crate::domain::CollaboratorField;
use crate::shell::field_args::{All, FieldArgs};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List collaborators.
    List {
        /// Only this department: management, sales or support.
        #[arg(long)]
        department: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show one collaborator.
    Show(ShowArgs),
    /// Create a collaborator (management). Missing fields are asked for; the password always is.
    Create(UserFields),
    /// Change a collaborator's fields (management). A department change ends their sessions.
    Update {
        /// Collaborator id.
        id: String,
        #[command(flatten)]
        fields: UserFields,
    },
    /// Delete a collaborator (management): their clients and events lose them as contact.
    Delete {
        /// Collaborator id.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// End a collaborator's lock-out after too many failed logins (management).
    Unlock {
        /// Collaborator id.
        id: String,
    },
    /// Give a collaborator a temporary password (management): asks for it, ends their
    /// sessions, and their next login asks them to choose a new one.
    ResetPassword {
        /// Collaborator id.
        id: String,
    },
}

/// A collaborator's fields, as flags.
pub type UserFields = FieldArgs<All<CollaboratorField>>;
