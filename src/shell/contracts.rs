//! The contracts menu, with payments.

use super::Shell;
use super::fields::{Field, shown_fields};
use super::grammar::{ContractFields, ContractsCommand};
use super::listing::Listing;
use crate::backend::Given;
use crate::backend::ops::contracts::*;
use crate::backend::ops::users::UsersShow;
use crate::domain::Collaborator;
use crate::domain::field::{Field as _, Fielded as _};
use crate::domain::{Contract, ContractField, ContractPatch, Id, Money};
use crate::error::Result;
use crate::service::completion::IdKind;
use crate::service::permissions::{self, Action};
use crate::service::{clients, contracts};
use crate::ui::output::Format;
use crate::ui::table::{Column, fixed, number, text};
use crate::ui::time;

pub(super) const KEYS: &[&str] = &[
    "id",
    "client_id",
    "client_name",
    "sales_contact_id",
    "total_amount",
    "remaining_amount",
    "signed",
    "signed_at",
    "created_at",
];

const LISTING: Listing<Contract> = Listing {
    noun: ("contract", "contracts"),
    keys: KEYS,
    columns: &[
        number("id"),
        text("client"),
        number("total"),
        number("remaining"),
        fixed("signed"),
        fixed("created").optional(1),
    ],
    cells: |c| {
        vec![
            c.id.to_string(),
            format!("{} ({})", c.client_name, c.client_id),
            c.total_amount.to_string(),
            c.remaining_amount.to_string(),
            day(c.signed_at.as_deref()),
            day(Some(&c.created_at)),
        ]
    },
};

/// The local date of a stored timestamp (`2026-06-04T13:00:00Z` → `2026-06-04`), or "no".
fn day(timestamp: Option<&str>) -> String {
    timestamp.map_or_else(|| "no".to_owned(), time::local_day)
}

/// The columns of a contract under a client's `show`.
pub(super) const SHORT_COLUMNS: &[Column] = &[
    number("id"),
    number("total"),
    number("remaining"),
    fixed("signed"),
];

pub(super) fn short_row(c: &Contract) -> Vec<String> {
    vec![
        c.id.to_string(),
        c.total_amount.to_string(),
        c.remaining_amount.to_string(),
        day(c.signed_at.as_deref()),
    ]
}

fn signed(c: &Contract) -> String {
    c.signed_at
        .as_deref()
        .map_or_else(|| "no".into(), time::local)
}

pub(super) fn run(shell: &mut Shell, command: ContractsCommand) -> Result<()> {
    let me = shell.actor()?;
    let mine = |mine: bool| mine.then(|| clients::own_clients_of(&me)).transpose();
    match command {
        ContractsCommand::List {
            client,
            mine: only_mine,
            signed,
            order,
            list,
        } => {
            let client_id = client
                .as_deref()
                .map(|c| Id::parse("--client", c))
                .transpose()?
                .map(Id::get);
            let filter = contracts::Filter {
                client_id,
                sales_contact_id: mine(only_mine)?,
                signed,
                sort: order.into_sort(),
                ..Default::default()
            };
            shell.print_list(&LISTING, &list, &filter)
        }
        ContractsCommand::Unsigned {
            mine: only_mine,
            list,
        } => {
            let filter = contracts::Filter {
                unsigned: true,
                sales_contact_id: mine(only_mine)?,
                ..Default::default()
            };
            shell.print_list(&LISTING, &list, &filter)
        }
        ContractsCommand::Unpaid {
            mine: only_mine,
            list,
        } => {
            let filter = contracts::Filter {
                unpaid: true,
                sales_contact_id: mine(only_mine)?,
                ..Default::default()
            };
            shell.print_list(&LISTING, &list, &filter)
        }
        ContractsCommand::Show(args) => show(shell, &args.id, args.format),
        ContractsCommand::Create { fields, signed } => create(shell, &me, fields, signed),
        ContractsCommand::Update { id, fields } => update(shell, &me, &id, fields),
        ContractsCommand::Sign { id } => {
            let id = Id::parse("id", &id)?.get();
            let contract = shell.backend.run(ContractsSign { id })?;
            shell.say(format!(
                "Contract {} with {} is signed.",
                contract.id, contract.client_name
            ))
        }
        ContractsCommand::Pay { id, amount } => {
            let id = Id::parse("id", &id)?;
            let amount = Money::parse("amount", &amount)?;
            let contract = shell.backend.run(ContractsPay {
                id: id.get(),
                amount: amount.to_string(),
            })?;
            shell.say(format!(
                "Recorded {amount} on contract {}: {} of {} remains to pay.",
                contract.id, contract.remaining_amount, contract.total_amount
            ))
        }
        ContractsCommand::Delete { id, yes } => {
            permissions::check_department(&me, Action::DeleteContract)?;
            let id = Id::parse("id", &id)?;
            // Refused now rather than after "are you sure?".
            let contract = shell.backend.run(ContractsDeletable { id: id.get() })?;
            shell.confirm(
                &format!(
                    "Delete contract {} with {} ({})?",
                    contract.id, contract.client_name, contract.total_amount
                ),
                yes,
            )?;
            shell.backend.run(ContractsDelete { id: id.get() })?;
            shell.say(format!("Deleted contract {}.", contract.id))
        }
    }
}

fn show(shell: &mut Shell, id: &str, format: Format) -> Result<()> {
    let id = Id::parse("id", id)?;
    let detail = shell.backend.run(ContractsShow { id: id.get() })?;
    let c = &detail.contract;
    // Named as `clients show` names it.
    let sales_contact = match c.sales_contact_id {
        Some(id) => super::clients::contact(
            shell
                .backend
                .run(UsersShow { id })
                .ok()
                .as_ref()
                .map(|s| s.full_name.as_str()),
            Some(id),
        ),
        None => super::clients::contact(None, None),
    };
    let mut fields = vec![("id".to_owned(), c.id.to_string())];
    // The client by name, then the rest of the contract's fields from its table.
    for (field, shown) in ContractField::ALL.iter().zip(shown_fields(c)) {
        match field {
            ContractField::Client => {
                fields.push((
                    "client".to_owned(),
                    format!("{} ({})", c.client_name, c.client_id),
                ));
                fields.push(("sales contact".to_owned(), sales_contact.clone()));
            }
            ContractField::Total => fields.push(shown),
        }
    }
    fields.extend(
        [
            ("paid", c.paid().to_string()),
            ("remaining", c.remaining_amount.to_string()),
            ("signed", signed(c)),
            ("created", time::local(&c.created_at)),
        ]
        .map(|(name, value)| (name.to_owned(), value)),
    );
    shell.print_record(format, KEYS, c, &fields)?;
    if format != Format::Table {
        return Ok(());
    }
    let payments = detail
        .payments
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.amount.to_string(),
                time::local(&p.paid_at),
            ]
        })
        .collect();
    shell.print_related(
        "Payments:",
        &[number("id"), number("amount"), fixed("paid at")],
        payments,
        None,
    )?;
    let events = detail.events.iter().map(super::events::short_row).collect();
    shell.print_related("Events:", super::events::SHORT_COLUMNS, events, None)?;
    super::audit::print_history(shell, format, "contract", id.get())
}

/// Asks for `field` of a contract (a form): the client picked among those the user may
/// choose.
fn ask(
    shell: &mut Shell,
    values: &mut ContractPatch,
    field: ContractField,
    current: Option<&Contract>,
) -> Result<()> {
    match field {
        ContractField::Client => {
            values.client_id = Some(shell.required_id(
                None,
                &Field::of(field.spec()),
                "client",
                IdKind::ContractableClient,
            )?);
            Ok(())
        }
        ContractField::Total => {
            let default = current.map(|c| c.display(field));
            shell.ask_field(values, field, default.as_deref())
        }
    }
}

fn create(
    shell: &mut Shell,
    me: &Collaborator,
    fields: ContractFields,
    signed: bool,
) -> Result<()> {
    permissions::check_department(me, Action::CreateContract)?;
    let mut values = ContractPatch::default();
    shell.fill(&fields, &mut values, |shell, values, field, _| {
        ask(shell, values, field, None)
    })?;
    values.clone().into_new(signed)?;
    let contract = shell.backend.run(ContractsCreate {
        fields: Given::of(&values),
        signed,
    })?;
    let state = if contract.signed {
        "signed"
    } else {
        "not signed yet"
    };
    shell.say(format!(
        "Created contract {} with {} for {} ({state}).",
        contract.id, contract.client_name, contract.total_amount
    ))
}

fn update(shell: &mut Shell, me: &Collaborator, id: &str, fields: ContractFields) -> Result<()> {
    permissions::check_department(me, Action::UpdateContract)?;
    let id = Id::parse("id", id)?;
    let current = shell.backend.run(ContractsShow { id: id.get() })?.contract;
    let patch: ContractPatch = shell.patch(&fields, |shell, values, field, _| {
        ask(shell, values, field, Some(&current))
    })?;
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let updated = shell.backend.run(ContractsUpdate {
        id: id.get(),
        fields: Given::of(&patch),
    })?;
    let contract = updated.record;
    if !updated.changed {
        return shell.say(format!(
            "Nothing changed: contract {} already has these values.",
            contract.id
        ));
    }
    shell.say(format!(
        "Updated contract {} with {}: total {}, {} remains to pay.",
        contract.id, contract.client_name, contract.total_amount, contract.remaining_amount
    ))
}
