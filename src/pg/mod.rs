//! The PostgreSQL store: recognising its URL, connecting without ever showing a password,
//! migrating a database safely when many processes start at once, and a connection that
//! keeps the store's guarantees ([`Conn`]).
//!
//! The schema (sql/postgres) keeps every rule of the SQLite schema in PostgreSQL's own terms:
//! identity columns (ids never come back), CHECKs, foreign keys, PL/pgSQL triggers for the
//! payment rules and the departments, a pg_trgm index for client search. The repositories'
//! PostgreSQL statements are in `repo::postgres`. Moving up from SQLite is
//! `epicevents copy --to postgres://…` ([`copy`]).

use std::cell::{Cell, RefCell};

use anyhow::Context as _;
use postgres::error::SqlState;

use crate::error::{Error, Fault, Result};

pub mod copy;
pub mod tls;

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

/// A connection to the database of `url`, in TLS as its `sslmode` asks ([`tls`]); a
/// database that cannot be reached is [`Fault::DatabaseUnreachable`], saying why.
pub fn connect(url: &str) -> Result<postgres::Client> {
    let target = tls::target(url).map_err(|why| unreachable(url, why))?;
    reach(url, &target)
}

/// A connection to `target`, whose URL is `url`.
fn reach(url: &str, target: &tls::Target) -> Result<postgres::Client> {
    target
        .config
        .connect(target.tls.clone())
        .map_err(|err| unreachable(url, unreachable_reason(&err)))
}

/// Cancels the statement a connection runs, through a connection of its own (in TLS when
/// the URL asks for it, as the server may refuse anything else).
pub struct Canceller {
    token: postgres::CancelToken,
    tls: tls::Tls,
}

impl Canceller {
    /// Asks the server to cancel; the statement then fails as cancelled. A request that
    /// cannot be sent is dropped: the statement goes on, as if Ctrl-C had come too late.
    pub fn cancel(&self) {
        let _ = self.token.cancel_query(self.tls.clone());
    }
}

/// The transaction-scoped advisory lock every write takes first: writes queue up front and
/// run one at a time, as SQLite's `BEGIN IMMEDIATE` makes them, while reads never wait
/// (each of their statements sees what was committed when it started). One lock rather than
/// row locks keeps every rule that reads before it writes (never zero managers, a payment
/// within what remains, the actor reloaded inside the write) true without a retry loop; the
/// writes of a CRM are a few milliseconds each, and the server's pool never holds more than
/// one of them waiting per connection.
const WRITE_LOCK: i64 = 0x6570_6963_7772; // "epicwr"

/// How long a statement waits for a lock (the write lock included) before the command is
/// refused as busy, like SQLite's busy timeout.
const LOCK_TIMEOUT: &str = "10s";

/// A connection to the PostgreSQL store, as the services use it.
///
/// It stands for one SQLite connection: reads run on it directly, writes between
/// [`Conn::begin_write`] and [`Conn::commit`]. A read that finds the connection lost (the
/// server restarted, a network cut) connects again and runs once more; a write never does:
/// PostgreSQL rolled it back whole, and the command ends with one line that says so.
pub struct Conn {
    url: String,
    target: tls::Target,
    client: RefCell<postgres::Client>,
    writing: Cell<bool>,
}

impl Conn {
    /// Connects to the database of `url` and migrates it if needed: one cheap read tells a
    /// current schema (the usual case) from one to migrate, and a schema newer than this
    /// binary knows is refused before anything touches it.
    pub fn open(url: &str) -> Result<Conn> {
        let target = tls::target(url).map_err(|why| unreachable(url, why))?;
        let mut client = Self::connect_to(url, &target)?;
        let latest: i32 = env!("EPICEVENTS_LATEST_POSTGRES_MIGRATION")
            .parse()
            .expect("build.rs writes a number");
        let applied = applied_version(&mut client)
            .map_err(|err| failed("reading the schema version", err))?;
        match applied {
            Some(applied) if applied == latest => {}
            Some(applied) if applied > latest => {
                return Err(Error::Fault(Fault::NewerSchema {
                    found: applied,
                    known: latest,
                }));
            }
            // An upgrade may have rewritten whole tables (V3 writes every event): the dead
            // row versions it leaves would keep index-only reads visiting the table until
            // autovacuum runs, or for good where it is off. The process that migrated
            // cleans up once, outside the migration's transaction.
            Some(_) => {
                if migrate(&mut client)? > 0 {
                    client
                        .batch_execute("VACUUM ANALYZE")
                        .map_err(|err| failed("vacuuming after the upgrade", err))?;
                }
            }
            None => {
                migrate(&mut client)?;
            }
        }
        Ok(Conn {
            url: url.to_owned(),
            target,
            client: RefCell::new(client),
            writing: Cell::new(false),
        })
    }

    fn connect_to(url: &str, target: &tls::Target) -> Result<postgres::Client> {
        let mut client = reach(url, target)?;
        // Every statement of the CRM reads a page, a capped count or one record: parallel
        // workers and JIT compilation cost more to start (tens of milliseconds, measured
        // on a salesperson's events at a million rows: 118 ms with them, 38 ms without)
        // than they could save.
        client
            .batch_execute(&format!(
                "SET lock_timeout = '{LOCK_TIMEOUT}'; SET max_parallel_workers_per_gather = 0; SET jit = off"
            ))
            .map_err(|err| failed("setting up the connection", err))?;
        Ok(client)
    }

    /// The URL, its password hidden.
    pub fn redacted_url(&self) -> String {
        redact(&self.url)
    }

    /// Runs `f` on the connection as `operation` (see [`crate::error::Doing`]). Outside a
    /// write, a lost connection is opened again and `f` runs once more.
    pub fn run<T>(
        &self,
        operation: &'static str,
        mut f: impl FnMut(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T> {
        let first = f(&mut self.client.borrow_mut());
        match first {
            Err(err) if is_lost(&err) && !self.writing.get() => {
                self.reconnect()?;
                f(&mut self.client.borrow_mut()).map_err(|err| failed(operation, err))
            }
            other => other.map_err(|err| self.failed_here(operation, err)),
        }
    }

    /// [`Conn::run`] for a statement whose failure may be a unique violation a user can
    /// cause: `unique` turns the violated constraint's name into the error to show.
    pub fn run_unique<T>(
        &self,
        operation: &'static str,
        f: impl FnMut(&mut postgres::Client) -> Result<T, postgres::Error>,
        unique: impl Fn(&str) -> Option<Error>,
    ) -> Result<T> {
        // The violation is recognised before `run` turns it into an internal error.
        let caught = Cell::new(None);
        let mut f = f;
        let result = self.run(operation, |client| {
            f(client).inspect_err(|err| {
                let constraint = err
                    .as_db_error()
                    .filter(|db| *db.code() == SqlState::UNIQUE_VIOLATION)
                    .and_then(|db| db.constraint());
                if let Some(error) = constraint.and_then(&unique) {
                    caught.set(Some(error));
                }
            })
        });
        match (result, caught.into_inner()) {
            (Err(_), Some(error)) => Err(error),
            (result, _) => result,
        }
    }

    /// Runs the query `sql` with `params` and calls `each` with its rows as they arrive (an
    /// export of a million rows never sits in memory). Outside a write, a connection lost
    /// before the first row is opened again and the query runs once more; after a row was
    /// handed on, the loss ends the command (running it again would repeat rows).
    pub fn stream(
        &self,
        operation: &'static str,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
        each: &mut dyn FnMut(postgres::Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator as _;
        let mut delivered = false;
        let mut attempt =
            |delivered: &mut bool| -> std::result::Result<Result<()>, postgres::Error> {
                let mut client = self.client.borrow_mut();
                let mut rows = client.query_raw(sql, params.iter().copied())?;
                while let Some(row) = rows.next()? {
                    *delivered = true;
                    if let Err(err) = each(row) {
                        return Ok(Err(err));
                    }
                }
                Ok(Ok(()))
            };
        match attempt(&mut delivered) {
            Err(err) if is_lost(&err) && !delivered && !self.writing.get() => {
                self.reconnect()?;
                attempt(&mut delivered).map_err(|err| self.failed_here(operation, err))?
            }
            other => other.map_err(|err| self.failed_here(operation, err))?,
        }
    }

    /// Runs `sql`, a `COPY … FROM STDIN`, with the rows `fill` writes (inside a write: a
    /// lost connection is not retried). Returns how many rows went in.
    pub fn copy_in(
        &self,
        operation: &'static str,
        sql: &str,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<u64> {
        use std::io::Write as _;
        let mut client = self.client.borrow_mut();
        let mut writer = client
            .copy_in(sql)
            .map_err(|err| self.failed_here(operation, err))?;
        {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut writer);
            fill(&mut buffered)?;
            buffered
                .flush()
                .map_err(|err| Error::internal(anyhow::Error::new(err).context(operation)))?;
        }
        writer
            .finish()
            .map_err(|err| self.failed_here(operation, err))
    }

    /// Starts a write: the transaction, then the write lock (waiting for the write before it
    /// to end). Nothing is written yet, so a lost connection is retried here.
    pub fn begin_write(&self) -> Result<()> {
        let begun = self.run("starting a write", |client| {
            client.batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
            ))
        });
        if begun.is_err() {
            // The lock timed out (or Ctrl-C cancelled the wait): the transaction is open but
            // aborted, and would refuse every later statement of this connection.
            let _ = self.client.borrow_mut().batch_execute("ROLLBACK");
        }
        begun?;
        self.writing.set(true);
        Ok(())
    }

    /// Commits the write in progress.
    pub fn commit(&self) -> Result<()> {
        let committed = self
            .client
            .borrow_mut()
            .batch_execute("COMMIT")
            .map_err(|err| {
                if is_lost(&err) {
                    // The COMMIT may have reached the server before the connection went.
                    Error::Fault(Fault::ConnectionLost { committing: true })
                } else {
                    failed("committing a write", err)
                }
            });
        self.writing.set(false);
        committed
    }

    /// Abandons the write in progress (an error, or a check that refused it).
    pub fn rollback(&self) {
        if self.writing.replace(false) {
            let _ = self.client.borrow_mut().batch_execute("ROLLBACK");
        }
    }

    /// What cancels the statement running on this connection (Ctrl-C).
    pub fn canceller(&self) -> Canceller {
        Canceller {
            token: self.client.borrow().cancel_token(),
            tls: self.target.tls.clone(),
        }
    }

    fn reconnect(&self) -> Result<()> {
        let client = Self::connect_to(&self.url, &self.target)?;
        *self.client.borrow_mut() = client;
        Ok(())
    }

    fn failed_here(&self, operation: &'static str, err: postgres::Error) -> Error {
        if is_lost(&err) {
            Error::Fault(Fault::ConnectionLost { committing: false })
        } else {
            failed(operation, err)
        }
    }
}

/// The newest migration applied to the database of `client`; `None` for a new database.
fn applied_version(
    client: &mut postgres::Client,
) -> std::result::Result<Option<i32>, postgres::Error> {
    let has_history: bool = client
        .query_one(
            "SELECT to_regclass('refinery_schema_history') IS NOT NULL",
            &[],
        )?
        .get(0);
    if !has_history {
        return Ok(None);
    }
    Ok(client
        .query_one("SELECT MAX(version) FROM refinery_schema_history", &[])?
        .get(0))
}

/// Whether `err` means the connection is gone (closed, reset, or the server shutting down).
fn is_lost(err: &postgres::Error) -> bool {
    if err.is_closed() {
        return true;
    }
    if let Some(db) = err.as_db_error() {
        return [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
        ]
        .contains(db.code());
    }
    std::error::Error::source(err).is_some_and(|source| source.is::<std::io::Error>())
}

/// The fault of a database that cannot be reached at `url`, for the reason `why`.
fn unreachable(url: &str, why: String) -> Error {
    Error::Fault(Fault::DatabaseUnreachable {
        url: redact(url),
        why,
    })
}

/// Why a connection could not be made, in words that name no secret.
fn unreachable_reason(err: &postgres::Error) -> String {
    if let Some(why) = tls::refusal(err) {
        return why.to_owned();
    }
    if let Some(db) = err.as_db_error() {
        return match *db.code() {
            SqlState::INVALID_PASSWORD | SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                "the server refused the user name or password".to_owned()
            }
            SqlState::INVALID_CATALOG_NAME => "the database does not exist".to_owned(),
            SqlState::CANNOT_CONNECT_NOW => "the server is starting or stopping".to_owned(),
            _ => "the server refused the connection".to_owned(),
        };
    }
    match std::error::Error::source(err).and_then(|s| s.downcast_ref::<std::io::Error>()) {
        Some(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused (is PostgreSQL running?)".to_owned()
        }
        Some(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            "the connection timed out".to_owned()
        }
        Some(_) => "the network failed".to_owned(),
        None if err.to_string().contains("invalid") => "the URL is not valid".to_owned(),
        None => "the connection failed".to_owned(),
    }
}

/// The error of `operation` failing with `err`: a fault the user can act on (a lock held too
/// long, a full disk, Ctrl-C cancelling the statement), else an internal error naming the
/// operation.
pub fn failed(operation: &'static str, err: postgres::Error) -> Error {
    if is_lost(&err) {
        return Error::Fault(Fault::ConnectionLost { committing: false });
    }
    if let Some(db) = err.as_db_error() {
        match *db.code() {
            SqlState::LOCK_NOT_AVAILABLE => return Error::Fault(Fault::Busy),
            SqlState::QUERY_CANCELED => return Error::Cancelled,
            SqlState::DISK_FULL | SqlState::OUT_OF_MEMORY => return Error::Fault(Fault::DiskFull),
            SqlState::READ_ONLY_SQL_TRANSACTION => return Error::Fault(Fault::ReadOnly),
            _ => {}
        }
    }
    Error::Internal(anyhow::Error::new(Failure(err)).context(operation))
}

/// A PostgreSQL failure as diagnostics (Sentry, `EPICEVENTS_DEBUG`) show it: the server's
/// own message ("injected failure", "duplicate key value violates…"), as SQLite's errors
/// read, rather than the driver's bare "db error".
#[derive(Debug)]
pub struct Failure(postgres::Error);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.0.as_db_error(), std::error::Error::source(&self.0)) {
            (Some(db), _) => f.write_str(db.message()),
            (None, Some(source)) => write!(f, "{}: {source}", self.0),
            (None, None) => write!(f, "{}", self.0),
        }
    }
}

impl std::error::Error for Failure {}

/// Names what a PostgreSQL statement was doing when it failed (see [`crate::error::Doing`]).
pub trait Doing<T> {
    fn doing(self, operation: &'static str) -> Result<T>;
}

impl<T> Doing<T> for std::result::Result<T, postgres::Error> {
    fn doing(self, operation: &'static str) -> Result<T> {
        self.map_err(|err| failed(operation, err))
    }
}

/// Migrates the database of `client` to the latest schema, one process at a time; returns
/// how many migrations this call applied (none when another process had applied them).
pub fn migrate(client: &mut postgres::Client) -> Result<usize> {
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
    let migrated = migrated?;
    unlocked?;
    Ok(migrated.applied_migrations().len())
}

#[cfg(test)]
mod tests;
