//! `copy --to postgres://…` (management, on the machine that holds the database): moving a
//! team that started on the embedded database to PostgreSQL without losing anything.

use super::Context;
use super::permissions::{self, Action, Target};
use super::session::Session;
use crate::error::{Error, Result};
use crate::pg::{self, copy::CopyReport};
use crate::repo::audit::{self, Changes, Entry};

/// Copies the database into the empty PostgreSQL database of `url` (migrated first), then
/// records the copy in the audit trail here. Only a manager may take every client's details
/// elsewhere, as for `backup`.
pub fn to_postgres(ctx: &mut Context, session: &Session, url: &str) -> Result<CopyReport> {
    permissions::check(&session.who, Action::Backup, Target::none())?;
    if !pg::is_url(url) {
        return Err(Error::invalid(
            "--to",
            "expected a PostgreSQL URL like postgres://user@host/dbname",
        ));
    }
    let unreachable = |what: &str| {
        Error::refused(format!(
            "cannot {what} {}: check that this user may create tables, functions and the pg_trgm extension there",
            pg::redact(url)
        ))
    };
    let Some(source) = ctx.db().sqlite() else {
        return Err(Error::refused(
            "this database is already on PostgreSQL: to copy it to another server, use pg_dump and pg_restore (see docs/operations.md)",
        ));
    };
    let mut client = pg::connect(url)?;
    pg::migrate(&mut client).map_err(|_| unreachable("create the schema in"))?;
    let report = pg::copy::copy(source, &mut client)?;
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "copy",
        entity: "database",
        entity_id: None,
        changes: Changes::new().field("to", serde_json::Value::Null, pg::redact(url)),
    };
    audit::record(&tx, &now, &entry)?;
    crate::db::commit(tx)?;
    Ok(report)
}
