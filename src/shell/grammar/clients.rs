//! The `clients` menu: its commands, and a client's fields as flags.

use clap::Subcommand;

use super::{IdArg, ListArgs, ShowArgs, SortArgs};
use crate::domain::{ClientField, ClientSort};
use crate::shell::field_args::{All, FieldArgs};

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// List clients.
    List {
        /// Only your clients (sales).
        #[arg(long)]
        mine: bool,
        /// Only the clients without a sales contact.
        #[arg(long)]
        unassigned: bool,
        /// Only the clients of this sales collaborator.
        #[arg(long, value_name = "ID", conflicts_with_all = ["mine", "unassigned"])]
        sales: Option<IdArg>,
        /// Only the clients whose name, email or company contains TEXT (% and _ match themselves).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        order: SortArgs<ClientSort>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show a client, with its contracts and events.
    Show(ShowArgs),
    /// Record a new client (sales): you become its sales contact.
    Create(ClientFields),
    /// Change a client's details (sales, your own clients).
    Update {
        /// Client id.
        id: IdArg,
        #[command(flatten)]
        fields: ClientFields,
    },
    /// Give a client another sales contact (management).
    Reassign {
        /// Client id.
        id: IdArg,
        /// The new sales contact's collaborator id.
        sales_id: IdArg,
    },
    /// Delete a client that has no contracts (management).
    Delete {
        /// Client id.
        id: IdArg,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

/// Every client field, as flags.
pub type ClientFields = FieldArgs<All<ClientField>>;
