//! An event organised under a signed contract.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{self, Field, Fielded, Spec, Values};
use super::{Attendees, EventTime, Id, Name, Notes, Venue};
use crate::error::Result;

/// An event as stored and shown, with its client's contact details. The keys are those of
/// PRODUCT.md §2; `start` and `end` are ISO-8601 local times (`2026-06-04T13:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub contract_id: i64,
    pub client_name: String,
    pub client_email: String,
    pub client_phone: String,
    pub name: String,
    pub start: String,
    pub end: String,
    /// The place's name; empty when none was given.
    pub venue: String,
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
    pub venue: Venue,
    pub location: Name,
    pub attendees: Attendees,
    pub notes: Notes,
}

/// The fields of an event that its sales contact (then its support contact) sets, in form
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventField {
    Contract,
    Name,
    Start,
    End,
    Venue,
    Location,
    Attendees,
    Notes,
}

impl Field for EventField {
    const ALL: &'static [Self] = &[
        Self::Contract,
        Self::Name,
        Self::Start,
        Self::End,
        Self::Venue,
        Self::Location,
        Self::Attendees,
        Self::Notes,
    ];

    fn spec(self) -> &'static Spec {
        match self {
            Self::Contract => &Spec {
                key: "contract_id",
                flag: "--contract",
                value_name: "ID",
                label: "Contract id",
                help: "The signed contract's id",
                hint: Some("a signed contract of one of your clients"),
            },
            Self::Name => &Spec {
                key: "name",
                flag: "--name",
                value_name: "NAME",
                label: "Event name",
                help: "The event's name, e.g. \"John Ouick Wedding\"",
                hint: None,
            },
            Self::Start => &Spec {
                key: "start",
                flag: "--start",
                value_name: "DATE TIME",
                label: "Start",
                help: "When it starts, local time: 2026-06-04 13:00",
                hint: Some("local time, e.g. 2026-06-04 13:00"),
            },
            Self::End => &Spec {
                key: "end",
                flag: "--end",
                value_name: "DATE TIME",
                label: "End",
                help: "When it ends, local time: 2026-06-05 02:00",
                hint: Some("local time, e.g. 2026-06-05 02:00"),
            },
            Self::Venue => &Spec {
                key: "venue",
                flag: "--venue",
                value_name: "VENUE",
                label: "Venue",
                help: "The place's name, e.g. \"Château de Candé\" (optional)",
                hint: Some("the place's name, optional"),
            },
            Self::Location => &Spec {
                key: "location",
                flag: "--location",
                value_name: "LOCATION",
                label: "Location",
                help: "Where, e.g. \"53 Rue du Château, 41120 Candé-sur-Beuvron\"",
                hint: None,
            },
            Self::Attendees => &Spec {
                key: "attendees",
                flag: "--attendees",
                value_name: "COUNT",
                label: "Attendees",
                help: "How many people are expected",
                hint: Some("how many people are expected"),
            },
            Self::Notes => &Spec {
                key: "notes",
                flag: "--notes",
                value_name: "NOTES",
                label: "Notes",
                help: "Free notes (optional)",
                hint: Some("optional"),
            },
        }
    }

    fn optional(self) -> bool {
        match self {
            Self::Venue | Self::Notes => true,
            Self::Contract
            | Self::Name
            | Self::Start
            | Self::End
            | Self::Location
            | Self::Attendees => false,
        }
    }
}

impl Fielded for Event {
    type Field = EventField;

    fn value(&self, field: EventField) -> Value {
        match field {
            EventField::Contract => self.contract_id.into(),
            EventField::Name => self.name.as_str().into(),
            EventField::Start => self.start.as_str().into(),
            EventField::End => self.end.as_str().into(),
            EventField::Venue => self.venue.as_str().into(),
            EventField::Location => self.location.as_str().into(),
            EventField::Attendees => self.attendees.into(),
            EventField::Notes => self.notes.as_str().into(),
        }
    }

    /// Start and end as they are typed, `2027-06-04 13:00`.
    fn display(&self, field: EventField) -> String {
        match field {
            EventField::Start => shown_time(&self.start),
            EventField::End => shown_time(&self.end),
            EventField::Contract
            | EventField::Name
            | EventField::Venue
            | EventField::Location
            | EventField::Attendees
            | EventField::Notes => match self.value(field) {
                Value::String(text) => text,
                other => other.to_string(),
            },
        }
    }
}

/// A stored `2026-06-04T13:00` as typed, `2026-06-04 13:00`.
pub fn shown_time(stored: &str) -> String {
    EventTime::from_sql(stored).map_or_else(|| stored.to_owned(), |t| t.to_string())
}

/// An event's fields as given, parsed: an update's patch (`None` leaves a field as it is), or
/// a creation's input once complete (venue and notes may stay empty).
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    pub contract_id: Option<i64>,
    pub name: Option<Name>,
    pub start: Option<EventTime>,
    pub end: Option<EventTime>,
    pub venue: Option<Venue>,
    pub location: Option<Name>,
    pub attendees: Option<Attendees>,
    pub notes: Option<Notes>,
}

impl Values for EventPatch {
    type Field = EventField;

    fn set(&mut self, field: EventField, input: &str) -> Result<()> {
        match field {
            EventField::Contract => self.contract_id = Some(Id::parse("contract", input)?.get()),
            EventField::Name => self.name = Some(Name::parse("name", input)?),
            EventField::Start => self.start = Some(EventTime::parse("start", input)?),
            EventField::End => self.end = Some(EventTime::parse("end", input)?),
            EventField::Venue => self.venue = Some(Venue::parse(input)?),
            EventField::Location => self.location = Some(Name::parse("location", input)?),
            EventField::Attendees => self.attendees = Some(Attendees::parse(input)?),
            EventField::Notes => self.notes = Some(Notes::parse(input)?),
        }
        Ok(())
    }

    fn value(&self, field: EventField) -> Option<Value> {
        match field {
            EventField::Contract => self.contract_id.map(Value::from),
            EventField::Name => self.name.as_ref().map(|v| v.as_ref().into()),
            EventField::Start => self.start.map(|t| t.to_sql().into()),
            EventField::End => self.end.map(|t| t.to_sql().into()),
            EventField::Venue => self.venue.as_ref().map(|v| v.as_ref().into()),
            EventField::Location => self.location.as_ref().map(|v| v.as_ref().into()),
            EventField::Attendees => self.attendees.map(|a| a.get().into()),
            EventField::Notes => self.notes.as_ref().map(|v| v.as_ref().into()),
        }
    }
}

impl EventPatch {
    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        Values::is_empty(self)
    }

    /// What a creation needs (venue and notes may be left out), or the first missing field's error.
    pub fn into_new(self) -> Result<NewEvent> {
        Ok(NewEvent {
            contract_id: field::required(self.contract_id, EventField::Contract)?,
            name: field::required(self.name, EventField::Name)?,
            start: field::required(self.start, EventField::Start)?,
            end: field::required(self.end, EventField::End)?,
            venue: self.venue.unwrap_or_default(),
            location: field::required(self.location, EventField::Location)?,
            attendees: field::required(self.attendees, EventField::Attendees)?,
            notes: self.notes.unwrap_or_default(),
        })
    }
}

impl From<&NewEvent> for EventPatch {
    fn from(new: &NewEvent) -> Self {
        EventPatch {
            contract_id: Some(new.contract_id),
            name: Some(new.name.clone()),
            start: Some(new.start),
            end: Some(new.end),
            venue: Some(new.venue.clone()),
            location: Some(new.location.clone()),
            attendees: Some(new.attendees),
            notes: Some(new.notes.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::checks;

    fn kevin() -> Event {
        Event {
            id: 1,
            contract_id: 2,
            client_name: "John Ouick".into(),
            client_email: "john@ouick.co".into(),
            client_phone: "+44 20 7946 0958".into(),
            name: "Wedding".into(),
            start: "2027-06-04T13:00".into(),
            end: "2027-06-05T02:00".into(),
            venue: String::new(),
            location: "Candé".into(),
            attendees: 75,
            notes: String::new(),
            support_contact_id: None,
            support_contact: None,
            sales_contact_id: Some(2),
        }
    }

    /// A new field that the diff forgot would be a change nobody audits.
    #[test]
    fn the_audit_diff_has_one_entry_per_field_changed() {
        let before = kevin();
        let after = Event {
            contract_id: 3,
            name: "Reception".into(),
            start: "2027-06-04T14:00".into(),
            end: "2027-06-05T03:00".into(),
            venue: "Château de Blois".into(),
            location: "Blois".into(),
            attendees: 80,
            notes: "DJ at 11PM".into(),
            ..kevin()
        };
        checks::diff_is_complete(&before, &after);
    }

    #[test]
    fn every_field_can_be_given_and_read_back() {
        checks::every_field_given::<EventPatch>(&[
            "3",
            "Gala",
            "2027-06-04 13:00",
            "2027-06-04 18:00",
            "Le Grand Palais",
            "Paris",
            "40",
            "notes",
        ]);
    }
}
