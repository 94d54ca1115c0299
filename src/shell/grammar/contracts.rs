//! The `contracts` menu: its commands (payments included), and a contract's fields as flags.

use clap::Subcommand;

use super::{IdArg, ListArgs, ShowArgs, SortArgs};
use crate::domain::{ContractField, ContractSort};
use crate::shell::field_args::{All, FieldArgs};

#[derive(Debug, Subcommand)]
pub enum ContractsCommand {
    /// List contracts.
    List {
        /// Only the contracts of this client.
        #[arg(long, value_name = "ID")]
        client: Option<IdArg>,
        /// Only your clients' contracts (sales).
        #[arg(long)]
        mine: bool,
        /// Only signed contracts.
        #[arg(long)]
        signed: bool,
        #[command(flatten)]
        order: SortArgs<ContractSort>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Contracts not signed yet.
    Unsigned {
        /// Only your clients' contracts (sales).
        #[arg(long)]
        mine: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Contracts with something left to pay.
    Unpaid {
        /// Only your clients' contracts (sales).
        #[arg(long)]
        mine: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show a contract, with its payments and events.
    Show(ShowArgs),
    /// Create a contract for a client (management, or the client's sales contact).
    Create {
        #[command(flatten)]
        fields: ContractFields,
        /// The contract is already signed.
        #[arg(long)]
        signed: bool,
    },
    /// Change a contract's client or total (a signed contract's total: management only).
    Update {
        /// Contract id.
        id: IdArg,
        #[command(flatten)]
        fields: ContractFields,
    },
    /// Record that a contract was signed.
    Sign {
        /// Contract id.
        id: IdArg,
    },
    /// Record a payment on a signed contract (at most what remains).
    Pay {
        /// Contract id.
        id: IdArg,
        /// The amount paid, e.g. 500 or 499,99.
        amount: String,
    },
    /// Delete a contract without events or payments (management).
    Delete {
        /// Contract id.
        id: IdArg,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

/// Every contract field, as flags.
pub type ContractFields = FieldArgs<All<ContractField>>;
