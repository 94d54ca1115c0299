//! Opening the database: the store boundary ([`Db`], [`Tx`]), connection settings and
//! migrations.
//!
//! `EPICEVENTS_DB` names either a file, the embedded SQLite store (the default), or a
//! `postgres://` URL, the PostgreSQL store ([`crate::pg`]). Services hold a [`Db`] and never
//! look inside it; each repository function runs its own statement for the store it is
//! given. What follows describes the SQLite store.
//!
//! Every connection uses WAL (readers never wait for a writer), enforces foreign keys and
//! waits up to ten seconds for a lock instead of failing with "database is locked". Writes use
//! `BEGIN IMMEDIATE` (see [`write`]) so that two writers queue up front instead of failing
//! half-way when both try to upgrade a read lock.
//!
//! Migrations are embedded from `sql/migrations/`. Start-up first checks, with one cheap
//! read, whether the schema is current, which it almost always is; only when it is not does
//! it take an exclusive lock on `<database>.lock` and let refinery migrate. The lock matters:
//! refinery alone races when several processes start on a new database together. A database
//! whose schema is newer than this binary knows is refused before anything touches it.
//!
//! Only the commands that are meant to create a database (`setup`, `demo`, the interactive
//! first start) open a missing file with [`Create::Yes`]; every other command says there is
//! no database, so a mistyped `EPICEVENTS_DB` never leaves an empty database behind.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Doing as _, Error, Fault, Result};
use crate::private_files;

mod embedded {
    refinery::embed_migrations!("sql/migrations");
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether opening a database file that does not exist creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    Yes,
    No,
}

/// The store the services work on: the embedded SQLite database, or a PostgreSQL one.
pub enum Db {
    Sqlite(Connection),
    Postgres(Box<crate::pg::Conn>),
}

impl Db {
    /// Opens the store `EPICEVENTS_DB` names (`location`), migrated to the current schema: a
    /// `postgres://` URL, or a file, which is created only with [`Create::Yes`].
    pub fn open(location: &Path, create: Create) -> Result<Db> {
        match location.to_str().filter(|text| crate::pg::is_url(text)) {
            Some(url) => Ok(Db::Postgres(Box::new(crate::pg::Conn::open(url)?))),
            None => Ok(Db::Sqlite(open(location, create)?)),
        }
    }

    /// The SQLite connection, for what only the embedded store does (a file backup, the
    /// copy to PostgreSQL, its bulk-load settings).
    pub fn sqlite(&self) -> Option<&Connection> {
        match self {
            Db::Sqlite(conn) => Some(conn),
            Db::Postgres(_) => None,
        }
    }

    /// What stops the statement running on this store (Ctrl-C).
    pub fn interrupter(&self) -> crate::interrupt::Interrupter {
        match self {
            Db::Sqlite(conn) => crate::interrupt::Interrupter::Sqlite(conn.get_interrupt_handle()),
            Db::Postgres(conn) => crate::interrupt::Interrupter::Postgres(conn.canceller()),
        }
    }
}

/// A write in progress: it reads and writes as the [`Db`] it derefs to, holds the write lock
/// from its start ([`write`]), and is rolled back unless [`commit`] ends it.
pub struct Tx<'a> {
    db: &'a mut Db,
    open: bool,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;

    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            match &*self.db {
                Db::Sqlite(conn) => {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                Db::Postgres(conn) => conn.rollback(),
            }
        }
    }
}

/// Starts a write transaction that holds the write lock from its first statement: SQLite's
/// `BEGIN IMMEDIATE`, PostgreSQL's write lock ([`crate::pg::Conn::begin_write`]). Writers
/// queue up front instead of failing half-way.
pub fn write(db: &mut Db) -> Result<Tx<'_>> {
    match &*db {
        Db::Sqlite(conn) => conn
            .execute_batch("BEGIN IMMEDIATE")
            .doing("starting a write")?,
        Db::Postgres(conn) => conn.begin_write()?,
    }
    let tx = Tx { db, open: true };
    // Ctrl-C while waiting for the lock: nothing has been written yet.
    crate::interrupt::check()?;
    Ok(tx)
}

/// Commits the write `tx`: all of it is kept, or (on an error) none of it.
pub fn commit(mut tx: Tx<'_>) -> Result<()> {
    let committed = match &*tx.db {
        Db::Sqlite(conn) => conn.execute_batch("COMMIT").doing("committing a write"),
        Db::Postgres(conn) => conn.commit(),
    };
    // A PostgreSQL commit that failed ended the transaction; a SQLite one that failed is
    // rolled back when `tx` goes.
    tx.open = committed.is_err() && tx.db.sqlite().is_some_and(|c| !c.is_autocommit());
    committed
}

/// Opens the SQLite database at `path`, migrated to the current schema; a missing file is
/// created only with [`Create::Yes`].
pub fn open(path: &Path, create: Create) -> Result<Connection> {
    if create == Create::No && !path.exists() {
        return Err(Error::Fault(Fault::NoDatabase(path.to_owned())));
    }
    private_files::touch(path).with_context(|| format!("creating {}", path.display()))?;
    let mut conn = Connection::open(path).context("opening the database")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    match applied_version(&conn)? {
        Some(applied) if applied == latest_version() => {}
        Some(applied) if applied > latest_version() => {
            return Err(Error::Fault(Fault::NewerSchema {
                found: applied,
                known: latest_version(),
            }));
        }
        _ => migrate(&mut conn, path)?,
    }
    // With WAL, NORMAL loses no committed transaction when a process dies; only a power cut
    // can drop the last ones, and never corrupts the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// An empty database in memory, migrated.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory().context("opening a database in memory")?;
    embedded::migrations::runner()
        .set_grouped(true)
        .run(&mut conn)
        .context("migrating a database in memory")?;
    Ok(conn)
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
    pub collaborators: i64,
    pub clients: i64,
    pub contracts: i64,
    pub events: i64,
}

/// Copies the database of `conn` into a new file at `to` with SQLite's online backup API, in
/// one step: a consistent snapshot as of the read transaction it runs in, while other
/// processes go on writing (WAL readers never block writers). The copy is owner-only, a single
/// file (rollback journal), and passes `PRAGMA integrity_check` before it takes its name; an
/// existing file is never replaced.
pub fn backup(conn: &Connection, to: &Path) -> Result<BackupReport> {
    let dir = match to.parent() {
        Some(dir) if dir.as_os_str().is_empty() => Path::new("."),
        Some(dir) => dir,
        None => {
            return Err(Error::invalid(
                "file",
                "expected a file name, not a directory",
            ));
        }
    };
    if !dir.is_dir() {
        return Err(Error::invalid(
            "file",
            format!("the directory {} does not exist", dir.display()),
        ));
    }
    if to.exists() || to.is_symlink() {
        return Err(Error::invalid(
            "file",
            format!("{} already exists: choose a new name", to.display()),
        ));
    }
    let temp = private_files::create_temp_beside(to).context("creating the backup file")?;
    let copied = copy_checked(conn, &temp);
    let report = match copied {
        Ok(report) => report,
        Err(err) => {
            let _ = std::fs::remove_file(&temp);
            return Err(err);
        }
    };
    private_files::link_new(&temp, to).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            Error::invalid(
                "file",
                format!("{} already exists: choose a new name", to.display()),
            )
        } else {
            Error::internal(anyhow::Error::new(err).context("naming the backup file"))
        }
    })?;
    Ok(report)
}

fn copy_checked(conn: &Connection, temp: &Path) -> Result<BackupReport> {
    let mut copy = Connection::open(temp).context("opening the backup file")?;
    {
        use rusqlite::backup::{Backup, StepResult};
        let backup = Backup::new(conn, &mut copy).context("starting the backup")?;
        // Every page in one step (-1), inside the caller's read transaction: one snapshot.
        loop {
            match backup.step(-1).context("copying the database")? {
                StepResult::Done => break,
                StepResult::More => {}
                // Busy, Locked, and whatever a later SQLite adds: the source could not be read.
                _ => return Err(Error::Fault(Fault::Busy)),
            }
        }
    }
    let mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(anyhow::anyhow!("the backup kept journal mode {mode}").into());
    }
    let check: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    if check != "ok" {
        return Err(anyhow::anyhow!("the backup failed its integrity check: {check}").into());
    }
    let count = |table: &str| -> Result<i64> {
        Ok(
            copy.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
                row.get(0)
            })?,
        )
    };
    let report = BackupReport {
        bytes: 0,
        collaborators: count("collaborators")?,
        clients: count("clients")?,
        contracts: count("contracts")?,
        events: count("events")?,
    };
    copy.close().map_err(|(_, err)| err)?;
    let file = std::fs::File::open(temp)?;
    file.sync_all()?;
    Ok(BackupReport {
        bytes: file.metadata()?.len(),
        ..report
    })
}

/// Settings of a connection that serves requests for as long as `epicevents serve` runs: the
/// database file mapped in memory (256 MiB of it), so that pages are read where the kernel
/// caches them instead of being copied into each connection's own cache, under a lock every
/// connection of the process shares.
pub fn use_server_settings(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)
        .doing("setting up a server connection")?;
    Ok(())
}

/// Gives a bulk load a 16 MiB page cache (SQLite's default is 2 MiB), so that index pages
/// stay in memory instead of spilling to the WAL on every insert. Peak memory stays well
/// under the 50 MB every command must keep to.
pub fn use_bulk_cache(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

/// Gives a bulk load's index builds an 8 MiB page cache. SQLite's sorter holds as much as the
/// page cache in memory for each run it sorts (`CREATE INDEX` sorts the whole table), so the
/// 16 MiB of [`use_bulk_cache`] twice over would take a load of a million rows past 50 MB.
pub fn use_index_build_cache(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -8_192)?;
    Ok(())
}

/// Refreshes the query planner's statistics (after a bulk load).
pub fn analyze(db: &Db) -> Result<()> {
    match db {
        Db::Sqlite(conn) => conn
            .execute_batch("ANALYZE")
            .doing("analysing the database"),
        // After a bulk load, VACUUM also marks the pages all-visible, without which no
        // index-only scan skips the table (a salesperson's count read 15,000 heap pages).
        Db::Postgres(conn) => conn.run("analysing the database", |client| {
            client.batch_execute("VACUUM ANALYZE")
        }),
    }
}

/// The newest migration version this binary knows (counted by build.rs from the file names,
/// so checking the schema at start-up parses no migration).
pub fn latest_version() -> i32 {
    env!("EPICEVENTS_LATEST_MIGRATION")
        .parse()
        .expect("build.rs writes a number")
}

/// The newest migration applied to this database; `None` for a new (empty) database.
fn applied_version(conn: &Connection) -> Result<Option<i32>> {
    // One read of the schema tells a new database from one with history; the first read of
    // a file that is not a database fails here, and says so.
    let has_history: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'refinery_schema_history')",
            [],
            |row| row.get(0),
        )
        .context("reading the database schema")?;
    if !has_history {
        return Ok(None);
    }
    let applied: Option<i32> = conn
        .query_row(
            "SELECT MAX(version) FROM refinery_schema_history",
            [],
            |row| row.get(0),
        )
        .optional()
        .context("reading the schema version")?
        .flatten();
    Ok(applied)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock_path)
        .context("opening the migration lock")?;
    lock.lock().context("waiting for the migration lock")?;
    // Whoever held the lock before us may have done the work already; refinery checks again.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(anyhow::anyhow!("the database refused WAL mode ({mode})").into());
    }
    // Some migrations rebuild tables (V3), which SQLite only allows safely with foreign keys
    // off: dropping a parent table would otherwise run its ON DELETE actions on the children.
    // The setting cannot change inside a transaction, so it is turned off around the run, and
    // every reference is checked before foreign keys come back on.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = embedded::migrations::runner()
        .set_grouped(true)
        .run(conn)
        .context("migrating the database");
    let dangling: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |row| row.get(0))
        .optional()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated?;
    if let Some(table) = dangling {
        return Err(anyhow::anyhow!("a migration left a dangling reference in {table}").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
