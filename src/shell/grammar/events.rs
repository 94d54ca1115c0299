//! The `events` menu: its commands, and an event's fields as flags.

use clap::Subcommand;

use super::{IdArg, ListArgs, ShowArgs, SortArgs};
use crate::domain::{EventField, EventSort, Period};
use crate::shell::field_args::{All, FieldArgs};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List events, in the order they happen.
    List {
        /// Only the events of this client.
        #[arg(long, value_name = "ID")]
        client: Option<IdArg>,
        /// Only the events of this support collaborator.
        #[arg(long, value_name = "ID")]
        support: Option<IdArg>,
        /// Only the events starting on or after DATE (2026-06-04 or 2026-06-04 13:00).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only the events starting on or before DATE (a bare date includes that day).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only the events starting today, this week (ISO, Monday to Sunday) or this month,
        /// in local time.
        #[arg(long, value_enum, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
        period: Option<Period>,
        #[command(flatten)]
        order: SortArgs<EventSort>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Events that have no support contact yet.
    NoSupport {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Your events: assigned to you (support), or your clients' (sales).
    #[command(alias = "my-events")]
    Mine {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show an event, with its client's contact details.
    Show(ShowArgs),
    /// Create an event for a signed contract of one of your clients (sales).
    Create(EventFields),
    /// Change an event (sales until support is assigned; then its support contact).
    Update {
        /// Event id.
        id: IdArg,
        #[command(flatten)]
        fields: EventFields,
    },
    /// Assign a support collaborator to an event (management); without SUPPORT_ID, choose one.
    Assign {
        /// Event id.
        id: IdArg,
        /// The support collaborator's id.
        support_id: Option<IdArg>,
    },
    /// Remove an event's support contact (management).
    Unassign {
        /// Event id.
        id: IdArg,
    },
    /// Delete an event (management).
    Delete {
        /// Event id.
        id: IdArg,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

/// Every event field, as flags.
pub type EventFields = FieldArgs<All<EventField>>;
