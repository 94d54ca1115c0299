//! The PostgreSQL store (issue 14), first piece: recognising its URL, connecting without ever
//! showing a password, and migrating a database safely when many processes start at once.
//!
//! The schema (sql/postgres) keeps every rule of the SQLite schema in PostgreSQL's own terms:
//! identity columns (ids never come back), CHECKs, foreign keys, PL/pgSQL triggers for the
//! payment rules and the departments, a pg_trgm index for client search. The repositories do
//! not use it yet: `EPICEVENTS_DB` still selects SQLite only. What works already is moving
//! up: `epicevents copy --to postgres://…` ([`copy`]).

use anyhow::Context as _;

use crate::error::Result;

pub mod copy;

mod embedded {
    refinery::embed_migrations!("sql/postgres");
}

/// The advisory lock every process takes around migrating (an arbitrary, fixed key): the
/// first one migrates, the others wait and then find nothing left to do.
const MIGRATION_LOCK: i64 = 0x6570_6963_6576; // "epicev"

/// Whether `db` (the value of `EPICEVENTS_DB`) names a PostgreSQL database rather than a file.
pub fn is_url(db: &str) -> bool {
    let lower = db.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// `url` with its password, if any, replaced by `***`: what errors, logs and Sentry may show.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The credentials end at the last `@` before the host (a password may hold `@`).
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    let (credentials, host) = rest.split_at(at);
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{host}"),
        None => url.to_owned(),
    }
}

/// A connection to the database of `url` (no TLS: a server on this machine or a private
/// network; a URL's `sslmode` other than `disable` or `prefer` is refused by the driver).
pub fn connect(url: &str) -> Result<postgres::Client> {
    let client = postgres::Client::connect(url, postgres::NoTls)
        .with_context(|| format!("connecting to {}", redact(url)))?;
    Ok(client)
}

/// Migrates the database of `client` to the latest schema, one process at a time.
pub fn migrate(client: &mut postgres::Client) -> Result<()> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .context("waiting for the migration lock")?;
    let migrated = embedded::migrations::runner()
        .set_grouped(true)
        .run(client)
        .context("migrating the database");
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .context("releasing the migration lock");
    migrated?;
    unlocked?;
    Ok(())
}

#[cfg(test)]
mod tests;
