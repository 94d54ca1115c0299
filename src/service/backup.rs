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
    let Some(conn) = ctx.db().sqlite() else {
        return Err(Error::refused(
            "this database is on PostgreSQL: back it up with pg_dump (see docs/operations.md); nothing was written",
        ));
    };
    // One read transaction: the actor checked and the pages copied see the same database.
    conn.execute_batch("BEGIN").map_err(Error::from)?;
    let copied = collaborators::find_for_session(ctx.db(), session.claim())
        .and_then(|actor| actor.ok_or(Error::SessionEnded))
        .and_then(|actor| permissions::check(&actor, Action::Backup, Target::none()))
        .and_then(|()| db::backup(conn, to));
    let _ = conn.execute_batch("COMMIT");
    let report = copied?;
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
