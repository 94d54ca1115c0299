//! The clients menu.

use super::Shell;
use super::fields::{Field, shown_fields};
use super::grammar::{ClientFields, ClientsCommand};
use super::listing::Listing;
use crate::backend::Given;
use crate::backend::ops::clients::*;
use crate::domain::Collaborator;
use crate::domain::field::{Field as _, Fielded as _};
use crate::domain::{Client, ClientField, ClientPatch, Email, Id, SearchText};
use crate::error::Result;
use crate::service::clients;
use crate::service::permissions::{self, Action};
use crate::ui::output::Format;
use crate::ui::table::{fixed, number, text};
use crate::ui::time;

pub(super) const KEYS: &[&str] = &[
    "id",
    "full_name",
    "email",
    "phone",
    "company_name",
    "sales_contact_id",
    "sales_contact",
    "created_at",
    "updated_at",
];

const LISTING: Listing<Client> = Listing {
    noun: ("client", "clients"),
    keys: KEYS,
    columns: &[
        number("id"),
        text("name"),
        text("company").optional(2),
        text("email").optional(3),
        fixed("phone").optional(4),
        text("sales contact").optional(1),
    ],
    cells: |c| {
        vec![
            c.id.to_string(),
            c.full_name.clone(),
            c.company_name.clone(),
            c.email.clone(),
            c.phone.clone(),
            c.sales_contact.clone().unwrap_or_else(|| NONE.into()),
        ]
    },
};

pub(super) fn run(shell: &mut Shell, command: ClientsCommand) -> Result<()> {
    let me = shell.actor()?;
    match command {
        ClientsCommand::List {
            mine,
            unassigned,
            sales,
            search,
            order,
            list,
        } => {
            // The grammar refuses --sales with --mine: one or the other names the salesperson.
            let sales_contact_id = match sales {
                Some(id) => Some(Id::parse("--sales", &id)?.get()),
                None => mine.then(|| clients::own_clients_of(&me)).transpose()?,
            };
            let filter = clients::Filter {
                sales_contact_id,
                unassigned,
                search: search
                    .map(|text| SearchText::parse(&text).map(SearchText::into_inner))
                    .transpose()?,
                sort: order.into_sort(),
                ..Default::default()
            };
            shell.print_list(&LISTING, &list, &filter)
        }
        ClientsCommand::Show(args) => show(shell, &args.id, args.format),
        ClientsCommand::Create(fields) => create(shell, &me, fields),
        ClientsCommand::Update { id, fields } => update(shell, &me, &id, fields),
        ClientsCommand::Reassign { id, sales_id } => {
            let (id, sales_id) = (Id::parse("id", &id)?, Id::parse("sales id", &sales_id)?);
            let client = shell.backend.run(ClientsReassign {
                id: id.get(),
                sales_id: sales_id.get(),
            })?;
            let contact = client.sales_contact.unwrap_or_default();
            shell.say(format!(
                "Client {} ({}) now has {contact} as sales contact.",
                client.id, client.full_name
            ))
        }
        ClientsCommand::Delete { id, yes } => {
            permissions::check_department(&me, Action::DeleteClient)?;
            let id = Id::parse("id", &id)?;
            // Refused now rather than after "are you sure?".
            let client = shell.backend.run(ClientsDeletable { id: id.get() })?;
            shell.confirm(
                &format!(
                    "Delete client {} ({}, {})?",
                    client.id, client.full_name, client.company_name
                ),
                yes,
            )?;
            let deleted = shell.backend.run(ClientsDelete { id: id.get() })?;
            shell.say(format!(
                "Deleted client {} ({}).",
                deleted.id, deleted.full_name
            ))
        }
    }
}

fn show(shell: &mut Shell, id: &str, format: Format) -> Result<()> {
    let id = Id::parse("id", id)?;
    let detail = shell.backend.run(ClientsShow { id: id.get() })?;
    let c = &detail.client;
    let mut fields = vec![("id".to_owned(), c.id.to_string())];
    fields.extend(shown_fields(c));
    fields.push((
        "sales contact".to_owned(),
        contact(c.sales_contact.as_deref(), c.sales_contact_id),
    ));
    fields.push(("first contact".to_owned(), time::local(&c.created_at)));
    fields.push(("last update".to_owned(), time::local(&c.updated_at)));
    shell.print_record(format, KEYS, c, &fields)?;
    if format != Format::Table {
        return Ok(());
    }
    let more = |count: usize, command: String| {
        (count == clients::RELATED_LIMIT as usize).then(|| format!("All of them: `{command}`."))
    };
    let contracts = detail
        .contracts
        .iter()
        .map(super::contracts::short_row)
        .collect::<Vec<_>>();
    let hint = more(contracts.len(), format!("contracts list --client {}", c.id));
    shell.print_related(
        "Contracts:",
        super::contracts::SHORT_COLUMNS,
        contracts,
        hint,
    )?;
    let events = detail
        .events
        .iter()
        .map(super::events::short_row)
        .collect::<Vec<_>>();
    let hint = more(events.len(), format!("events list --client {}", c.id));
    shell.print_related("Events:", super::events::SHORT_COLUMNS, events, hint)?;
    super::audit::print_history(shell, format, "client", id.get())
}

/// How a missing contact reads, in lists and in `show` alike.
pub(super) const NONE: &str = "none";

/// "Bill Boquet (2)", or "none" for a missing contact.
pub(super) fn contact(name: Option<&str>, id: Option<i64>) -> String {
    match (name, id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        _ => NONE.to_owned(),
    }
}

/// Asks for `field` of a client (a form): the email checked at the field against every other
/// client's (but `current`'s own, in an update).
fn ask(
    shell: &mut Shell,
    values: &mut ClientPatch,
    field: ClientField,
    current: Option<&Client>,
) -> Result<()> {
    let default = current.map(|c| c.display(field));
    match field {
        ClientField::Email => {
            let except = current.map(|c| c.id);
            values.email = Some(shell.ask_checked(
                &Field::of(field.spec()),
                default.as_deref(),
                |backend, v| {
                    let email = Email::parse(v)?;
                    backend.run(ClientsEmailFree {
                        email: email.as_ref().to_owned(),
                        except,
                    })?;
                    Ok(email)
                },
            )?);
            Ok(())
        }
        ClientField::FullName | ClientField::Phone | ClientField::CompanyName => {
            shell.ask_field(values, field, default.as_deref())
        }
    }
}

fn create(shell: &mut Shell, me: &Collaborator, fields: ClientFields) -> Result<()> {
    permissions::check_department(me, Action::CreateClient)?;
    let mut values = ClientPatch::default();
    shell.fill(&fields, &mut values, |shell, values, field, _| {
        ask(shell, values, field, None)
    })?;
    values.clone().into_new()?;
    let client = shell.backend.run(ClientsCreate {
        fields: Given::of(&values),
    })?;
    shell.say(format!(
        "Created client {}: {} of {}. You are their sales contact.",
        client.id, client.full_name, client.company_name
    ))
}

fn update(shell: &mut Shell, me: &Collaborator, id: &str, fields: ClientFields) -> Result<()> {
    permissions::check_department(me, Action::UpdateClient)?;
    let id = Id::parse("id", id)?;
    let current = shell.backend.run(ClientsShow { id: id.get() })?.client;
    let patch: ClientPatch = shell.patch(&fields, |shell, values, field, _| {
        ask(shell, values, field, Some(&current))
    })?;
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let updated = shell.backend.run(ClientsUpdate {
        id: id.get(),
        fields: Given::of(&patch),
    })?;
    let client = updated.record;
    if !updated.changed {
        return shell.say(format!(
            "Nothing changed: client {} already has these values.",
            client.id
        ));
    }
    shell.say(format!(
        "Updated client {}: {} of {}.",
        client.id, client.full_name, client.company_name
    ))
}
