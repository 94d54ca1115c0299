//! The events menu.

use std::io::Write;

use super::Shell;
use super::clients::contact;
use super::fields::Field;
use super::grammar::{EventFields, EventsCommand};
use super::listing::{Listing, Source};
use crate::domain::{
    Attendees, DateBound, Event, EventPatch, EventTime, Id, Name, NewEvent, Notes, Sort,
};
use crate::error::{Error, Result};
use crate::repo::{Total, Window};
use crate::service::completion::IdKind;
use crate::service::permissions::{self, Action};
use crate::service::session::Session;
use crate::service::{Context, events};
use crate::ui::output::Format;
use crate::ui::table::{Column, fixed, number, text};

const CONTRACT: Field = Field {
    flag: "--contract",
    label: "Contract id:",
    help: Some("a signed contract of one of your clients"),
};
const NAME: Field = Field {
    flag: "--name",
    label: "Event name:",
    help: None,
};
const START: Field = Field {
    flag: "--start",
    label: "Start:",
    help: Some("local time, e.g. 2026-06-04 13:00"),
};
const END: Field = Field {
    flag: "--end",
    label: "End:",
    help: Some("local time, e.g. 2026-06-05 02:00"),
};
const LOCATION: Field = Field {
    flag: "--location",
    label: "Location:",
    help: None,
};
const ATTENDEES: Field = Field {
    flag: "--attendees",
    label: "Attendees:",
    help: Some("how many people are expected"),
};
const NOTES: Field = Field {
    flag: "--notes",
    label: "Notes:",
    help: Some("optional"),
};

const KEYS: &[&str] = &[
    "id",
    "contract_id",
    "client_name",
    "client_email",
    "client_phone",
    "name",
    "start",
    "end",
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

/// `2026-06-04T13:00` as `2026-06-04 13:00`.
fn display_time(stored: &str) -> String {
    EventTime::from_sql(stored).map_or_else(|| stored.to_owned(), |t| t.to_string())
}

impl Source<Event> for events::Filter {
    fn count(&self, ctx: &Context) -> Result<Total> {
        events::count(ctx, self).map(Total::Exact)
    }

    fn visit(
        &self,
        ctx: &Context,
        window: Option<Window>,
        f: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<()> {
        events::for_each(ctx, self, window, f)
    }
}

pub(super) fn run(shell: &mut Shell, command: EventsCommand) -> Result<()> {
    let me = shell.actor()?;
    match command {
        EventsCommand::List {
            client,
            support,
            from,
            to,
            period,
            sort,
            desc,
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
                sort: Sort::new(sort.unwrap_or_default(), desc),
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
            let filter = events::mine(&me.who)?;
            shell.print_list(&LISTING, &list, &filter)
        }
        EventsCommand::Show { id, format } => show(shell, &id, format),
        EventsCommand::Create(fields) => create(shell, &me, fields),
        EventsCommand::Update { id, fields } => update(shell, &me, &id, fields),
        EventsCommand::Assign { id, support_id } => assign(shell, &me, &id, support_id),
        EventsCommand::Unassign { id } => {
            let event = events::unassign(&mut shell.ctx, &me, Id::parse("id", &id)?.get())?;
            shell.say(format!(
                "Event {} ({}) has no support contact now.",
                event.id, event.name
            ))
        }
        EventsCommand::Delete { id, yes } => {
            permissions::check_department(&me.who, Action::DeleteEvent)?;
            let id = Id::parse("id", &id)?;
            let event = events::get(&shell.ctx, id.get())?;
            shell.confirm(&format!("Delete event {} ({})?", event.id, event.name), yes)?;
            events::delete(&mut shell.ctx, &me, id.get())?;
            shell.say(format!("Deleted event {} ({}).", event.id, event.name))
        }
    }
}

fn show(shell: &mut Shell, id: &str, format: Format) -> Result<()> {
    let e = events::get(&shell.ctx, Id::parse("id", id)?.get())?;
    let fields = [
        ("id", e.id.to_string()),
        ("name", e.name.clone()),
        ("contract", e.contract_id.to_string()),
        ("client", e.client_name.clone()),
        ("client email", e.client_email.clone()),
        ("client phone", e.client_phone.clone()),
        ("start", display_time(&e.start)),
        ("end", display_time(&e.end)),
        ("location", e.location.clone()),
        ("attendees", e.attendees.to_string()),
        (
            "support",
            contact(e.support_contact.as_deref(), e.support_contact_id),
        ),
        ("notes", e.notes.clone()),
    ];
    shell.print_record(format, KEYS, &e, &fields)?;
    super::audit::print_history(shell, format, "event", e.id)
}

fn create(shell: &mut Shell, me: &Session, fields: EventFields) -> Result<()> {
    permissions::check_department(&me.who, Action::CreateEvent)?;
    let interactive = shell.prompter.is_interactive();
    // The contract first, checked at once (it exists, is signed, is one of your clients'):
    // a form that could not be submitted is not worth filling in.
    let contract_id = shell.required_id(
        fields.contract,
        &CONTRACT,
        "contract",
        IdKind::EventableContract,
        &me.who,
    )?;
    events::contract_for_event(&shell.ctx, me, contract_id)?;
    let name = shell.required(fields.name, &NAME, |v| Name::parse("name", v))?;
    let start = shell.required(fields.start, &START, |v| EventTime::parse("start", v))?;
    // The end is checked against the start already given, and only it is asked again.
    let end = shell.required(fields.end, &END, |v| {
        let end = EventTime::parse("end", v)?;
        events::check_times(start, end)?;
        Ok(end)
    })?;
    let new = NewEvent {
        contract_id,
        name,
        start,
        end,
        location: shell.required(fields.location, &LOCATION, |v| Name::parse("location", v))?,
        attendees: shell.required(fields.attendees, &ATTENDEES, Attendees::parse)?,
        notes: match fields.notes {
            Some(notes) => Notes::parse(&notes)?,
            None if interactive => shell.ask(&NOTES, Some(""), Notes::parse)?,
            None => Notes::default(),
        },
    };
    let event = events::create(&mut shell.ctx, me, &new)?;
    shell.say(format!(
        "Created event {}: {} for {}, from {} to {}.",
        event.id,
        event.name,
        event.client_name,
        display_time(&event.start),
        display_time(&event.end)
    ))
}

fn update(shell: &mut Shell, me: &Session, id: &str, fields: EventFields) -> Result<()> {
    permissions::check_department(&me.who, Action::UpdateEvent)?;
    let id = Id::parse("id", id)?;
    let current = events::get(&shell.ctx, id.get())?;
    let EventFields {
        contract,
        name,
        start,
        end,
        location,
        attendees,
        notes,
    } = fields;
    let given = [
        &contract, &name, &start, &end, &location, &attendees, &notes,
    ];
    let patch = if given.iter().any(|f| f.is_some()) {
        EventPatch {
            contract_id: contract
                .as_deref()
                .map(|v| Id::parse("contract", v))
                .transpose()?
                .map(Id::get),
            name: name
                .as_deref()
                .map(|v| Name::parse("name", v))
                .transpose()?,
            start: start
                .as_deref()
                .map(|v| EventTime::parse("start", v))
                .transpose()?,
            end: end
                .as_deref()
                .map(|v| EventTime::parse("end", v))
                .transpose()?,
            location: location
                .as_deref()
                .map(|v| Name::parse("location", v))
                .transpose()?,
            attendees: attendees.as_deref().map(Attendees::parse).transpose()?,
            notes: notes.as_deref().map(Notes::parse).transpose()?,
        }
    } else {
        ask_patch(shell, me, &current)?
    };
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let updated = events::update(&mut shell.ctx, me, id.get(), &patch)?;
    let event = updated.record;
    if !updated.changed {
        return shell.say(format!(
            "Nothing changed: event {} already has these values.",
            event.id
        ));
    }
    shell.say(format!("Updated event {} ({}).", event.id, event.name))
}

/// On a terminal: the fields the user picks, asked with their current values as defaults.
fn ask_patch(shell: &mut Shell, me: &Session, current: &Event) -> Result<EventPatch> {
    let flags = [
        "--contract",
        "--name",
        "--start",
        "--end",
        "--location",
        "--attendees",
        "--notes",
    ];
    let labels = [
        "contract",
        "name",
        "start",
        "end",
        "location",
        "attendees",
        "notes",
    ];
    let (start, end) = (display_time(&current.start), display_time(&current.end));
    let stored = |t: &str| {
        EventTime::from_sql(t)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("stored event time {t:?}")))
    };
    let (current_start, current_end) = (stored(&current.start)?, stored(&current.end)?);
    let picked = shell.pick_fields(&flags, &labels)?;
    let end_picked = picked.contains(&3);
    let mut patch = EventPatch::default();
    for index in picked {
        match index {
            0 => {
                patch.contract_id = Some(shell.required_id(
                    None,
                    &CONTRACT,
                    "contract",
                    IdKind::EventableContract,
                    &me.who,
                )?)
            }
            1 => {
                patch.name =
                    Some(shell.ask(&NAME, Some(&current.name), |v| Name::parse("name", v))?)
            }
            2 => {
                // A new start alone must stay before the current end.
                patch.start = Some(shell.ask(&START, Some(&start), |v| {
                    let start = EventTime::parse("start", v)?;
                    if !end_picked {
                        events::check_times(start, current_end)?;
                    }
                    Ok(start)
                })?)
            }
            3 => {
                let from = patch.start.unwrap_or(current_start);
                patch.end = Some(shell.ask(&END, Some(&end), |v| {
                    let end = EventTime::parse("end", v)?;
                    events::check_times(from, end)?;
                    Ok(end)
                })?)
            }
            4 => {
                patch.location = Some(shell.ask(&LOCATION, Some(&current.location), |v| {
                    Name::parse("location", v)
                })?)
            }
            5 => {
                patch.attendees = Some(shell.ask(
                    &ATTENDEES,
                    Some(&current.attendees.to_string()),
                    Attendees::parse,
                )?)
            }
            _ => patch.notes = Some(shell.ask(&NOTES, Some(&current.notes), Notes::parse)?),
        }
    }
    Ok(patch)
}

fn assign(shell: &mut Shell, me: &Session, id: &str, support_id: Option<String>) -> Result<()> {
    permissions::check_department(&me.who, Action::AssignSupport)?;
    let id = Id::parse("id", id)?;
    let support_id = match support_id {
        Some(value) => Id::parse("support id", &value)?.get(),
        None if shell.prompter.is_interactive() => {
            let supports = events::support_collaborators(&shell.ctx)?;
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
        None => return Err(Error::Missing { flag: "SUPPORT_ID" }),
    };
    let event = events::assign(&mut shell.ctx, me, id.get(), support_id)?;
    let support = event.support_contact.unwrap_or_default();
    shell.say(format!(
        "Event {} ({}) is assigned to {support}.",
        event.id, event.name
    ))
}
