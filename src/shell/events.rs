//! The events menu.

use std::io::Write;

use super::Shell;
use super::clients::contact;
use super::fields::{Field, shown_fields};
use super::grammar::{EventFields, EventsCommand};
use super::listing::Listing;
use crate::backend::Given;
use crate::backend::ops::contracts::ContractsEventable;
use crate::backend::ops::events::*;
use crate::domain::Collaborator;
use crate::domain::field::{Field as _, Fielded as _};
use crate::domain::{DateBound, Event, EventField, EventPatch, EventTime, Id};
use crate::error::{Error, Result};
use crate::service::completion::IdKind;
use crate::service::events;
use crate::service::permissions::{self, Action};
use crate::ui::output::Format;
use crate::ui::table::{Column, fixed, number, text};

pub(super) const KEYS: &[&str] = &[
    "id",
    "contract_id",
    "client_name",
    "client_email",
    "client_phone",
    "name",
    "start",
    "end",
    "venue",
    "location",
    "attendees",
    "notes",
    "support_contact_id",
    "support_contact",
];

const LISTING: Listing<Event> = Listing {
    noun: ("event", "events"),
    keys: KEYS,
    columns: &[
        number("id"),
        fixed("start"),
        text("name"),
        text("client").optional(3),
        text("location").optional(4),
        number("attendees").optional(2),
        text("support").optional(1),
    ],
    cells: |e| {
        vec![
            e.id.to_string(),
            display_time(&e.start),
            e.name.clone(),
            e.client_name.clone(),
            e.location.clone(),
            e.attendees.to_string(),
            e.support_contact
                .clone()
                .unwrap_or_else(|| super::clients::NONE.into()),
        ]
    },
};

/// The columns of an event under a client's or contract's `show`.
pub(super) const SHORT_COLUMNS: &[Column] =
    &[number("id"), fixed("start"), text("name"), text("support")];

pub(super) fn short_row(e: &Event) -> Vec<String> {
    vec![
        e.id.to_string(),
        display_time(&e.start),
        e.name.clone(),
        e.support_contact
            .clone()
            .unwrap_or_else(|| super::clients::NONE.into()),
    ]
}

use crate::domain::shown_time as display_time;

pub(super) fn run(shell: &mut Shell, command: EventsCommand) -> Result<()> {
    let me = shell.actor()?;
    match command {
        EventsCommand::List {
            client,
            support,
            from,
            to,
            period,
            order,
            list,
        } => {
            let id = |field, value: Option<String>| {
                value
                    .as_deref()
                    .map(|v| Id::parse(field, v).map(Id::get))
                    .transpose()
            };
            // A period is the same bounds as --from and --to (grammar refuses both at once),
            // counted from today's local date.
            let (from, to) = match period {
                Some(period) => {
                    let (from, to) = period.bounds(crate::ui::time::today());
                    (Some(from), Some(to))
                }
                None => (
                    from.as_deref()
                        .map(|v| DateBound::parse_from("--from", v))
                        .transpose()?,
                    to.as_deref()
                        .map(|v| DateBound::parse_to("--to", v))
                        .transpose()?,
                ),
            };
            let filter = events::Filter {
                client_id: id("--client", client)?,
                support_contact_id: id("--support", support)?,
                from: from.map(DateBound::to_sql),
                to: to.map(DateBound::to_sql),
                sort: order.into_sort(),
                ..Default::default()
            };
            // A range that ends before it starts is a typo, not a question with no answer.
            if let (Some(start), Some(end)) = (&filter.from, &filter.to)
                && end <= start
            {
                return Err(Error::invalid("--to", "must be after --from"));
            }
            shell.print_list(&LISTING, &list, &filter)
        }
        EventsCommand::NoSupport { list } => shell.print_list(
            &LISTING,
            &list,
            &events::Filter {
                no_support: true,
                ..Default::default()
            },
        ),
        EventsCommand::Mine { list } => {
            let filter = events::mine(&me)?;
            shell.print_list(&LISTING, &list, &filter)
        }
        EventsCommand::Show(args) => show(shell, &args.id, args.format),
        EventsCommand::Create(fields) => create(shell, &me, fields),
        EventsCommand::Update { id, fields } => update(shell, &me, &id, fields),
        EventsCommand::Assign { id, support_id } => assign(shell, &me, &id, support_id),
        EventsCommand::Unassign { id } => {
            let id = Id::parse("id", &id)?.get();
            let event = shell.backend.run(EventsUnassign { id })?;
            shell.say(format!(
                "Event {} ({}) has no support contact now.",
                event.id, event.name
            ))
        }
        EventsCommand::Delete { id, yes } => {
            permissions::check_department(&me, Action::DeleteEvent)?;
            let id = Id::parse("id", &id)?;
            let event = shell.backend.run(EventsShow { id: id.get() })?;
            shell.confirm(&format!("Delete event {} ({})?", event.id, event.name), yes)?;
            shell.backend.run(EventsDelete { id: id.get() })?;
            shell.say(format!("Deleted event {} ({}).", event.id, event.name))
        }
    }
}

fn show(shell: &mut Shell, id: &str, format: Format) -> Result<()> {
    let id = Id::parse("id", id)?.get();
    let e = shell.backend.run(EventsShow { id })?;
    let mut fields = vec![("id".to_owned(), e.id.to_string())];
    fields.extend(shown_fields(&e));
    fields.extend([
        ("client".to_owned(), e.client_name.clone()),
        ("client email".to_owned(), e.client_email.clone()),
        ("client phone".to_owned(), e.client_phone.clone()),
        (
            "support".to_owned(),
            contact(e.support_contact.as_deref(), e.support_contact_id),
        ),
    ]);
    shell.print_record(format, KEYS, &e, &fields)?;
    super::audit::print_history(shell, format, "event", e.id)
}

/// Asks for `field` of an event (a form; `asking` is every field this form asks). The
/// contract is picked among those the user may choose (and, for a new event, checked at
/// once); a start and an end are checked against each other as soon as both are known.
fn ask(
    shell: &mut Shell,
    values: &mut EventPatch,
    field: EventField,
    asking: &[EventField],
    current: Option<&Event>,
) -> Result<()> {
    let question = Field::of(field.spec());
    let default = current.map(|e| e.display(field));
    let stored = |e: &Event, field: EventField| {
        let t = e.value(field);
        t.as_str()
            .and_then(EventTime::from_sql)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("stored event time {t:?}")))
    };
    match field {
        EventField::Contract => {
            let id = shell.required_id(None, &question, "contract", IdKind::EventableContract)?;
            if current.is_none() {
                shell.backend.run(ContractsEventable { id })?;
            }
            values.contract_id = Some(id);
        }
        EventField::Start => {
            // A new start alone must stay before the end already given or stored.
            let end = match (values.end, current) {
                (Some(end), _) => Some(end),
                (None, Some(e)) if !asking.contains(&EventField::End) => {
                    Some(stored(e, EventField::End)?)
                }
                (None, _) => None,
            };
            values.start = Some(shell.ask(&question, default.as_deref(), |v| {
                let start = EventTime::parse("start", v)?;
                if let Some(end) = end {
                    events::check_start(start, end)?;
                }
                Ok(start)
            })?);
        }
        EventField::End => {
            let start = match (values.start, current) {
                (Some(start), _) => Some(start),
                (None, Some(e)) => Some(stored(e, EventField::Start)?),
                (None, None) => None,
            };
            values.end = Some(shell.ask(&question, default.as_deref(), |v| {
                let end = EventTime::parse("end", v)?;
                if let Some(start) = start {
                    events::check_times(start, end)?;
                }
                Ok(end)
            })?);
        }
        EventField::Venue | EventField::Notes => {
            // Optional: Enter on an empty answer leaves it empty.
            let default = default.unwrap_or_default();
            shell.ask_field(values, field, Some(&default))?;
        }
        EventField::Name | EventField::Location | EventField::Attendees => {
            shell.ask_field(values, field, default.as_deref())?;
        }
    }
    Ok(())
}

fn create(shell: &mut Shell, me: &Collaborator, fields: EventFields) -> Result<()> {
    permissions::check_department(me, Action::CreateEvent)?;
    // The contract first, checked at once (it exists, is signed, is one of your clients'):
    // a form that could not be submitted is not worth filling in.
    if let Some(given) = fields.get(EventField::Contract) {
        let id = Id::parse("contract", given)?.get();
        shell.backend.run(ContractsEventable { id })?;
    }
    let mut values = EventPatch::default();
    shell.fill(&fields, &mut values, |shell, values, field, asking| {
        ask(shell, values, field, asking, None)
    })?;
    values.clone().into_new()?;
    let event = shell.backend.run(EventsCreate {
        fields: Given::of(&values),
    })?;
    shell.say(format!(
        "Created event {}: {} for {}, from {} to {}.",
        event.id,
        event.name,
        event.client_name,
        display_time(&event.start),
        display_time(&event.end)
    ))
}

fn update(shell: &mut Shell, me: &Collaborator, id: &str, fields: EventFields) -> Result<()> {
    permissions::check_department(me, Action::UpdateEvent)?;
    let id = Id::parse("id", id)?;
    let current = shell.backend.run(EventsShow { id: id.get() })?;
    let patch: EventPatch = shell.patch(&fields, |shell, values, field, asking| {
        ask(shell, values, field, asking, Some(&current))
    })?;
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let updated = shell.backend.run(EventsUpdate {
        id: id.get(),
        fields: Given::of(&patch),
    })?;
    let event = updated.record;
    if !updated.changed {
        return shell.say(format!(
            "Nothing changed: event {} already has these values.",
            event.id
        ));
    }
    shell.say(format!("Updated event {} ({}).", event.id, event.name))
}

fn assign(
    shell: &mut Shell,
    me: &Collaborator,
    id: &str,
    support_id: Option<String>,
) -> Result<()> {
    permissions::check_department(me, Action::AssignSupport)?;
    let id = Id::parse("id", id)?;
    let support_id = match support_id {
        Some(value) => Id::parse("support id", &value)?.get(),
        None if shell.prompter.is_interactive() => {
            let supports = support_collaborators(shell)?;
            if supports.is_empty() {
                return Err(Error::refused(
                    "there is no support collaborator yet: create one with `users create`",
                ));
            }
            let labels: Vec<String> = supports
                .iter()
                .map(|c| format!("{} ({})", c.full_name, c.id))
                .collect();
            shell.out.flush()?;
            let chosen = shell.prompter.select("Support collaborator:", &labels)?;
            supports[chosen].id
        }
        None => return Err(Error::missing("SUPPORT_ID")),
    };
    let event = shell.backend.run(EventsAssign {
        id: id.get(),
        support_id,
    })?;
    let support = event.support_contact.unwrap_or_default();
    shell.say(format!(
        "Event {} ({}) is assigned to {support}.",
        event.id, event.name
    ))
}

/// Every support collaborator, to choose an event's support contact from.
fn support_collaborators(shell: &mut Shell) -> Result<Vec<crate::domain::Collaborator>> {
    let filter = crate::repo::collaborators::Filter {
        department: Some(crate::domain::Department::Support),
    };
    let mut supports = Vec::new();
    shell.backend.export(&filter, &mut |c| {
        supports.push(c);
        Ok(())
    })?;
    Ok(supports)
}
