//! The contracts menu, with payments.

use super::Shell;
use super::fields::Field;
use super::grammar::ContractsCommand;
use super::listing::{Listing, Source};
use crate::domain::{Contract, ContractPatch, Id, Money, NewContract, Sort};
use crate::error::Result;
use crate::repo::{Total, Window};
use crate::service::completion::IdKind;
use crate::service::permissions::{self, Action};
use crate::service::session::Session;
use crate::service::{Context, clients, contracts, users};
use crate::ui::output::Format;
use crate::ui::table::{Column, fixed, number, text};
use crate::ui::time;

const CLIENT: Field = Field {
    flag: "--client",
    label: "Client id:",
    help: Some("see `clients list --mine`"),
};
const TOTAL: Field = Field {
    flag: "--total",
    label: "Total amount:",
    help: Some("e.g. 1500, 1500.5 or 1500,50"),
};

const KEYS: &[&str] = &[
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

impl Source<Contract> for contracts::Filter {
    fn count(&self, ctx: &Context) -> Result<Total> {
        contracts::count(ctx, self).map(Total::Exact)
    }

    fn visit(
        &self,
        ctx: &Context,
        window: Option<Window>,
        f: &mut dyn FnMut(Contract) -> Result<()>,
    ) -> Result<()> {
        contracts::for_each(ctx, self, window, f)
    }
}

pub(super) fn run(shell: &mut Shell, command: ContractsCommand) -> Result<()> {
    let me = shell.actor()?;
    let mine = |mine: bool| mine.then(|| clients::own_clients_of(&me.who)).transpose();
    match command {
        ContractsCommand::List {
            client,
            mine: only_mine,
            signed,
            sort,
            desc,
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
                sort: Sort::new(sort.unwrap_or_default(), desc),
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
        ContractsCommand::Show { id, format } => show(shell, &id, format),
        ContractsCommand::Create {
            client,
            total,
            signed,
        } => create(shell, &me, client, total, signed),
        ContractsCommand::Update { id, client, total } => update(shell, &me, &id, client, total),
        ContractsCommand::Sign { id } => {
            let contract = contracts::sign(&mut shell.ctx, &me, Id::parse("id", &id)?.get())?;
            shell.say(format!(
                "Contract {} with {} is signed.",
                contract.id, contract.client_name
            ))
        }
        ContractsCommand::Pay { id, amount } => {
            let id = Id::parse("id", &id)?;
            let amount = Money::parse("amount", &amount)?;
            let contract = contracts::pay(&mut shell.ctx, &me, id.get(), amount)?;
            shell.say(format!(
                "Recorded {amount} on contract {}: {} of {} remains to pay.",
                contract.id, contract.remaining_amount, contract.total_amount
            ))
        }
        ContractsCommand::Delete { id, yes } => {
            permissions::check_department(&me.who, Action::DeleteContract)?;
            let id = Id::parse("id", &id)?;
            // Refused now rather than after "are you sure?".
            let contract = contracts::deletable(&shell.ctx, &me, id.get())?;
            shell.confirm(
                &format!(
                    "Delete contract {} with {} ({})?",
                    contract.id, contract.client_name, contract.total_amount
                ),
                yes,
            )?;
            contracts::delete(&mut shell.ctx, &me, id.get())?;
            shell.say(format!("Deleted contract {}.", contract.id))
        }
    }
}

fn show(shell: &mut Shell, id: &str, format: Format) -> Result<()> {
    let id = Id::parse("id", id)?;
    let detail = contracts::detail(&shell.ctx, id.get())?;
    let c = &detail.contract;
    // Named as `clients show` names it.
    let sales_contact = match c.sales_contact_id {
        Some(id) => super::clients::contact(
            users::get(&shell.ctx, id)
                .ok()
                .as_ref()
                .map(|s| s.full_name.as_str()),
            Some(id),
        ),
        None => super::clients::contact(None, None),
    };
    let fields = [
        ("id", c.id.to_string()),
        ("client", format!("{} ({})", c.client_name, c.client_id)),
        ("sales contact", sales_contact),
        ("total", c.total_amount.to_string()),
        ("paid", c.paid().to_string()),
        ("remaining", c.remaining_amount.to_string()),
        ("signed", signed(c)),
        ("created", time::local(&c.created_at)),
    ];
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

fn create(
    shell: &mut Shell,
    me: &Session,
    client: Option<String>,
    total: Option<String>,
    signed: bool,
) -> Result<()> {
    permissions::check_department(&me.who, Action::CreateContract)?;
    let new = NewContract {
        client_id: shell.required_id(
            client,
            &CLIENT,
            "client",
            IdKind::ContractableClient,
            &me.who,
        )?,
        total: shell.required(total, &TOTAL, |v| Money::parse("total", v))?,
        signed,
    };
    let contract = contracts::create(&mut shell.ctx, me, &new)?;
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

fn update(
    shell: &mut Shell,
    me: &Session,
    id: &str,
    client: Option<String>,
    total: Option<String>,
) -> Result<()> {
    permissions::check_department(&me.who, Action::UpdateContract)?;
    let id = Id::parse("id", id)?;
    let current = contracts::get(&shell.ctx, id.get())?;
    let patch = if client.is_some() || total.is_some() {
        ContractPatch {
            client_id: client
                .as_deref()
                .map(|v| Id::parse("client", v))
                .transpose()?
                .map(Id::get),
            total: total
                .as_deref()
                .map(|v| Money::parse("total", v))
                .transpose()?,
        }
    } else {
        let mut patch = ContractPatch::default();
        for index in shell.pick_fields(&["--client", "--total"], &["client", "total"])? {
            match index {
                0 => {
                    patch.client_id = Some(shell.required_id(
                        None,
                        &CLIENT,
                        "client",
                        IdKind::ContractableClient,
                        &me.who,
                    )?)
                }
                _ => {
                    patch.total = Some(shell.ask(
                        &TOTAL,
                        Some(&current.total_amount.to_string()),
                        |v| Money::parse("total", v),
                    )?)
                }
            }
        }
        patch
    };
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let updated = contracts::update(&mut shell.ctx, me, id.get(), &patch)?;
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
