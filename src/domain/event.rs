//! An event organised under a signed contract.

use serde::Serialize;

use super::{Attendees, EventTime, Name, Notes};

/// An event as stored and shown, with its client's contact details. The keys are those of
/// PRODUCT.md §2; `start` and `end` are ISO-8601 local times (`2026-06-04T13:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub contract_id: i64,
    pub client_name: String,
    pub client_email: String,
    pub client_phone: String,
    pub name: String,
    pub start: String,
    pub end: String,
    pub location: String,
    pub attendees: i64,
    pub notes: String,
    pub support_contact_id: Option<i64>,
    pub support_contact: Option<String>,
    /// Not part of the JSON keys: the sales contact of the event's client, which decides who
    /// in sales may update it.
    #[serde(skip)]
    pub sales_contact_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub contract_id: i64,
    pub name: Name,
    pub start: EventTime,
    pub end: EventTime,
    pub location: Name,
    pub attendees: Attendees,
    pub notes: Notes,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    pub contract_id: Option<i64>,
    pub name: Option<Name>,
    pub start: Option<EventTime>,
    pub end: Option<EventTime>,
    pub location: Option<Name>,
    pub attendees: Option<Attendees>,
    pub notes: Option<Notes>,
}

impl EventPatch {
    pub fn is_empty(&self) -> bool {
        self.contract_id.is_none()
            && self.name.is_none()
            && self.start.is_none()
            && self.end.is_none()
            && self.location.is_none()
            && self.attendees.is_none()
            && self.notes.is_none()
    }
}
