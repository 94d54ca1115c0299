//! Reading the audit trail: management only.

use super::Context;
use super::permissions::{self, Action, Target};
use crate::domain::Collaborator;
use crate::error::{Error, Result};
use crate::repo::List as _;
use crate::repo::Window;
use crate::repo::audit::AuditEntry;

pub use crate::repo::audit::Filter;

/// The entities the trail records, as named in `--entity`.
pub const ENTITIES: [&str; 4] = ["client", "collaborator", "contract", "event"];

/// Parses an `--entity` value.
pub fn entity(input: &str) -> Result<&'static str> {
    let wanted = input.trim().to_ascii_lowercase();
    ENTITIES
        .into_iter()
        .find(|e| *e == wanted)
        .ok_or_else(|| Error::invalid("entity", format!("expected one of {}", ENTITIES.join(", "))))
}

/// Refuses a collaborator who may not read the trail.
pub fn may_read(actor: &Collaborator) -> Result<()> {
    permissions::check(actor, Action::ReadAudit, Target::none())
}

pub fn count(ctx: &Context, actor: &Collaborator, filter: &Filter) -> Result<super::Total> {
    permissions::check(actor, Action::ReadAudit, Target::none())?;
    filter.count(ctx.db())
}

pub fn for_each(
    ctx: &Context,
    actor: &Collaborator,
    filter: &Filter,
    window: Option<Window>,
    f: &mut dyn FnMut(AuditEntry) -> Result<()>,
) -> Result<()> {
    permissions::check(actor, Action::ReadAudit, Target::none())?;
    filter.for_each(ctx.db(), window, f)
}

/// How many changes a record's `show` lists.
pub const HISTORY_LIMIT: u32 = 10;

/// The last changes of one record, for those who may read the trail (`None` for the others).
pub fn history(
    ctx: &Context,
    actor: &Collaborator,
    entity: &'static str,
    id: i64,
) -> Result<Option<Vec<AuditEntry>>> {
    if permissions::check(actor, Action::ReadAudit, Target::none()).is_err() {
        return Ok(None);
    }
    let filter = Filter {
        entity: Some(entity.to_owned()),
        entity_id: Some(id),
        ..Default::default()
    };
    let mut entries = Vec::new();
    filter.for_each(
        ctx.db(),
        Some(Window {
            limit: HISTORY_LIMIT,
            offset: 0,
        }),
        &mut |e| {
            entries.push(e);
            Ok(())
        },
    )?;
    Ok(Some(entries))
}
