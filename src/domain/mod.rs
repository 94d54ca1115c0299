//! Domain types that parse at the edge.
//!
//! Each type owns one rule ("an email looks like name@example.com", "money has at most two
//! decimals") and can only be built through `parse`, so services and repositories never see a
//! raw string. Parse errors are `Error::Invalid` sentences naming the field.

mod attendees;
mod changes;
mod client;
mod collaborator;
mod contract;
mod datetime;
mod department;
mod email;
mod employee_number;
mod event;
pub mod field;
mod id;
mod money;
mod order;
mod password;
mod phone;
mod text;

pub use attendees::Attendees;
pub use changes::Changes;
pub use client::{Client, ClientField, ClientPatch, NewClient};
pub use collaborator::{
    Claim, Collaborator, CollaboratorField, CollaboratorPatch, NewCollaborator,
};
pub use contract::{Contract, ContractField, ContractPatch, NewContract, Payment};
pub use datetime::{DateBound, EventTime, Timestamp};
pub use department::Department;
pub use email::Email;
pub use employee_number::EmployeeNumber;
pub use event::{Event, EventField, EventPatch, NewEvent, shown_time};
pub use id::Id;
pub(crate) use id::{shorten, shorten_to};
pub use money::Money;
pub use order::{ClientSort, ContractSort, EventSort, Period, Sort, sort_schema};
pub use password::Password;
pub use phone::Phone;
pub use text::{Name, Notes, SearchText, Venue};

/// Whether a character must never be stored in single-line text: control characters (they
/// can rewrite a terminal) and the bidirectional overrides (they can disguise text).
pub(crate) fn is_forbidden_in_line(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}
