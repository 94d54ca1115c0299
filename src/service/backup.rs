//! `backup FILE` (management): a consistent copy of the live database, safe while others
//! write. Restoring is described in docs/operations.md.

use std::path::Path;

use super::Context;
use super::permissions::{self, Action, Target};
use super::session::Session;
use crate::db::{self, BackupReport};
use crate::error::{Error, Result};
use crate::repo::audit::{self, Changes, Entry};
use crate::repo::collaborators;

/// Copies the database to `to`, a file that must not exist yet. The actor is reloaded and
/// checked in the read transaction the copy is taken in; the copy is then recorded in the
/// audit trail (who took a copy of every client's details is worth knowing).
pub fn backup(ctx: &mut Context, session: &Session, to: &Path) -> Result<BackupReport> {
    permissions::check(&session.who, Action::Backup, Target::none())?;
    let report = {
        let snapshot = ctx.conn().unchecked_transaction()?;
        let actor = collaborators::find_for_session(&snapshot, session.claim())?
            .ok_or(Error::SessionEnded)?;
        permissions::check(&actor, Action::Backup, Target::none())?;
        let report = db::backup(&snapshot, to)?;
        snapshot.commit()?;
        report
    };
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "backup",
        entity: "database",
        entity_id: None,
        changes: Changes::new(),
    };
    audit::record(&tx, &now, &entry)?;
    crate::db::commit(tx)?;
    Ok(report)
}
