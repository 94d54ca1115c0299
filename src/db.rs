//! Opening the database: connection settings and migrations.
//!
//! Every connection uses WAL (readers never wait for a writer), enforces foreign keys and
//! waits up to ten seconds for a lock instead of failing with "database is locked". Writes use
//! `BEGIN IMMEDIATE` (see [`write`]) so that two writers queue up front instead of failing
//! half-way when both try to upgrade a read lock.
//!
//! Migrations are embedded from `sql/migrations/`. Start-up first checks, with one cheap
//! read, whether the schema is current, which it almost always is; only when it is not does
//! it take an exclusive lock on `<database>.lock` and let refinery migrate. The lock matters:
//! refinery alone races when several processes start on a new database together.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::Result;
use crate::private_files;

mod embedded {
    refinery::embed_migrations!("sql/migrations");
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens (creating if needed) the database at `path`, migrated to the current schema.
pub fn open(path: &Path) -> Result<Connection> {
    private_files::touch(path).with_context(|| format!("creating {}", path.display()))?;
    let mut conn = Connection::open(path).context("opening the database")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if !schema_is_current(&conn) {
        migrate(&mut conn, path)?;
    }
    // With WAL, NORMAL loses no committed transaction when a process dies; only a power cut
    // can drop the last ones, and never corrupts the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// Starts a write transaction that holds the write lock from its first statement.
pub fn write(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// Gives a bulk load a 16 MiB page cache (SQLite's default is 2 MiB), so that index pages
/// stay in memory instead of spilling to the WAL on every insert. Peak memory stays well
/// under the 50 MB every command must keep to.
pub fn use_bulk_cache(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

/// Refreshes the query planner's statistics (after a bulk load).
pub fn analyze(conn: &Connection) -> Result<()> {
    conn.execute_batch("ANALYZE")?;
    Ok(())
}

/// The newest migration version this binary knows (counted by build.rs from the file names,
/// so checking the schema at start-up parses no migration).
pub fn latest_version() -> i32 {
    env!("EPICEVENTS_LATEST_MIGRATION")
        .parse()
        .expect("build.rs writes a number")
}

fn schema_is_current(conn: &Connection) -> bool {
    let applied: Option<i32> = conn
        .query_row(
            "SELECT MAX(version) FROM refinery_schema_history",
            [],
            |row| row.get(0),
        )
        .optional()
        .ok()
        .flatten()
        .flatten();
    applied == Some(latest_version())
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
    embedded::migrations::runner()
        .set_grouped(true)
        .run(conn)
        .context("migrating the database")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_migrated_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("new.db")).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let timeout: i64 = conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        assert!(timeout >= 5000);
        assert!(schema_is_current(&conn));
    }

    #[test]
    fn the_build_counts_the_same_latest_version_as_refinery() {
        let embedded = embedded::migrations::runner()
            .get_migrations()
            .iter()
            .map(|m| m.version())
            .max();
        assert_eq!(Some(latest_version()), embedded);
    }

    #[test]
    fn reopening_a_current_database_does_not_migrate_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("again.db");
        drop(open(&path).unwrap());
        let conn = open(&path).unwrap();
        let applied: i64 = conn
            .query_row("SELECT COUNT(*) FROM refinery_schema_history", [], |r| {
                r.get(0)
            })
            .unwrap();
        // Versions may leave gaps: count the files, not the last number.
        let files = embedded::migrations::runner().get_migrations().len();
        assert_eq!(usize::try_from(applied), Ok(files));
    }

    #[test]
    fn opening_a_current_database_takes_no_migration_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("current.db");
        drop(open(&path).unwrap());
        // A migration would need this lock; a directory in its place makes that fail.
        let lock = dir.path().join("current.db.lock");
        std::fs::remove_file(&lock).unwrap();
        std::fs::create_dir(&lock).unwrap();
        assert!(
            open(&path).is_ok(),
            "a current schema opens without the migration lock"
        );
        let fresh = dir.path().join("new.db");
        std::fs::create_dir(dir.path().join("new.db.lock")).unwrap();
        assert!(
            open(&fresh).is_err(),
            "a new database does migrate, under the lock"
        );
    }

    #[test]
    fn the_schema_refuses_what_the_domain_forbids() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("rules.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
             VALUES ('E1', 'Sam Support', 'sam@epic.com', '0612345678', 3, '$2b$x', 't', 't');
             INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
             VALUES ('Kevin Casey', 'kevin@startup.io', '0612345678', 'Cool Startup LLC', 't', 't');
             INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at) VALUES (1, 1000, 1000, 't');",
        )
        .unwrap();
        let refused = [
            // A support collaborator as a client's sales contact.
            "UPDATE clients SET sales_contact_id = 1 WHERE id = 1",
            // Remaining above total, negative total.
            "UPDATE contracts SET remaining_cents = 2000 WHERE id = 1",
            "INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at) VALUES (1, -1, 0, 't')",
            // A payment or an event on an unsigned contract.
            "INSERT INTO payments (contract_id, amount_cents, paid_at) VALUES (1, 10, 't')",
            "INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees, created_at, updated_at)
             VALUES (1, 'Party', '2026-01-01T10:00', '2026-01-01T12:00', 'Paris', 10, 't', 't')",
            // A case variant of an existing email.
            "INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
             VALUES ('K', 'KEVIN@startup.io', '0612345678', 'C', 't', 't')",
            // A contract for a client that does not exist.
            "INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at) VALUES (99, 1, 1, 't')",
        ];
        for sql in refused {
            assert!(conn.execute(sql, []).is_err(), "accepted: {sql}");
        }
        conn.execute("UPDATE contracts SET signed_at = 't' WHERE id = 1", [])
            .unwrap();
        conn.execute(
            "INSERT INTO payments (contract_id, amount_cents, paid_at) VALUES (1, 400, 't')",
            [],
        )
        .unwrap();
        let remaining: i64 = conn
            .query_row("SELECT remaining_cents FROM contracts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(remaining, 600);
        let overpaid = conn.execute(
            "INSERT INTO payments (contract_id, amount_cents, paid_at) VALUES (1, 601, 't')",
            [],
        );
        assert!(overpaid.is_err(), "a payment above what remains is refused");
        let backwards = conn.execute(
            "INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees, created_at, updated_at)
             VALUES (1, 'Party', '2026-01-01T12:00', '2026-01-01T10:00', 'Paris', 10, 't', 't')",
            [],
        );
        assert!(
            backwards.is_err(),
            "an event ending before it starts is refused"
        );
    }
}
