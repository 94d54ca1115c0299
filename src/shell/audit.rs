//! The audit menu, and the history section of `show` views.

use super::Shell;
use super::grammar::AuditCommand;
use super::listing::Listing;
use crate::backend::ops::audit::AuditHistory;
use crate::domain::{DateBound, Id};
use crate::error::Result;
use crate::repo::audit::AuditEntry;
use crate::service::audit;
use crate::ui::output::Format;
use crate::ui::table::{self, fixed, number, text};
use crate::ui::time;

const KEYS: &[&str] = &[
    "id",
    "at",
    "actor_id",
    "actor",
    "action",
    "entity",
    "entity_id",
    "changes",
];

const LISTING: Listing<AuditEntry> = Listing {
    noun: ("change", "changes"),
    keys: KEYS,
    columns: &[
        number("id"),
        fixed("at"),
        text("by").optional(1),
        fixed("action"),
        fixed("record"),
        text("changes"),
    ],
    cells: |e| {
        vec![
            e.id.to_string(),
            time::local(&e.at),
            who(e),
            e.action.clone(),
            record(e),
            summary(&e.changes),
        ]
    },
};

pub(super) fn run(shell: &mut Shell, command: AuditCommand) -> Result<()> {
    // Not logged in says so before anything else (the trail then checks who may read it).
    shell.actor()?;
    match command {
        AuditCommand::List {
            entity,
            id,
            actor,
            since,
            list,
        } => {
            let filter = audit::Filter {
                entity: entity
                    .as_deref()
                    .map(audit::entity)
                    .transpose()?
                    .map(str::to_owned),
                entity_id: id
                    .as_deref()
                    .map(|v| Id::parse("--id", v))
                    .transpose()?
                    .map(Id::get),
                actor_id: actor
                    .as_deref()
                    .map(|v| Id::parse("--actor", v))
                    .transpose()?
                    .map(Id::get),
                since: since
                    .as_deref()
                    .map(|v| DateBound::parse_from("--since", v))
                    .transpose()?
                    .map(DateBound::to_sql),
            };
            shell.print_list(&LISTING, &list, &filter)
        }
    }
}

/// Under a record's `show` (table form), its last changes, for those who may read them.
pub(super) fn print_history(
    shell: &mut Shell,
    format: Format,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    if format != Format::Table {
        return Ok(());
    }
    let history = shell.backend.run(AuditHistory {
        entity: entity.to_owned(),
        id,
    })?;
    let Some(entries) = history.entries.filter(|e| !e.is_empty()) else {
        return Ok(());
    };
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                time::local(&e.at),
                who(e),
                e.action.clone(),
                summary(&e.changes),
            ]
        })
        .collect();
    let more = (entries.len() == audit::HISTORY_LIMIT as usize)
        .then(|| format!("Older changes: `audit list --entity {entity} --id {id}`."));
    shell.say("History:")?;
    let columns = [fixed("at"), text("by"), fixed("action"), text("changes")];
    shell.say(table::wrapped_list(&columns, rows, shell.width))?;
    match more {
        Some(hint) => shell.say(hint),
        None => Ok(()),
    }
}

/// "Alice Manager (1)", "collaborator 7" once deleted, or "system" for set-up and demo data.
fn who(e: &AuditEntry) -> String {
    match (&e.actor, e.actor_id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        (None, Some(id)) => format!("collaborator {id}"),
        _ => "system".to_owned(),
    }
}

fn record(e: &AuditEntry) -> String {
    e.entity_id
        .map_or_else(|| e.entity.clone(), |id| format!("{} {id}", e.entity))
}

/// `{"total_amount": ["5000.00", "6000.00"]}` as `total_amount: 5000.00 → 6000.00`.
fn summary(changes: &serde_json::Value) -> String {
    let Some(fields) = changes.as_object() else {
        return String::new();
    };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    fields
        .iter()
        .map(
            |(field, change)| match change.as_array().map(Vec::as_slice) {
                Some([old, new]) => format!("{field}: {} → {}", show(old), show(new)),
                _ => format!("{field}: {}", show(change)),
            },
        )
        .collect::<Vec<_>>()
        .join("; ")
}
