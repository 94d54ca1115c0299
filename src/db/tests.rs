//! Opening and migrating database files, and the rules the schema itself enforces.

use super::*;

#[test]
fn a_new_database_is_migrated_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open(&dir.path().join("new.db"), Create::Yes).unwrap();
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
    assert_eq!(applied_version(&conn).unwrap(), Some(latest_version()));
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
    drop(open(&path, Create::Yes).unwrap());
    let conn = open(&path, Create::No).unwrap();
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
    drop(open(&path, Create::Yes).unwrap());
    // A migration would need this lock; a directory in its place makes that fail.
    let lock = dir.path().join("current.db.lock");
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&lock).unwrap();
    assert!(
        open(&path, Create::No).is_ok(),
        "a current schema opens without the migration lock"
    );
    let fresh = dir.path().join("new.db");
    std::fs::create_dir(dir.path().join("new.db.lock")).unwrap();
    assert!(
        open(&fresh, Create::Yes).is_err(),
        "a new database does migrate, under the lock"
    );
}

/// V3 rebuilds every table: on a database with data (at V2, as before the trust issue),
/// every row keeps its id and its references, and no id seen before is handed out again,
/// including ids the audit trail saw deleted.
#[test]
fn identities_never_come_back_after_v3_on_a_database_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    embedded::migrations::runner()
        .set_grouped(true)
        .set_target(refinery::Target::Version(2))
        .run(&mut conn)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
         VALUES ('E1', 'Ann Manager', 'ann@epic.com', '06', 1, '$2b$x', 't', 't'),
                ('E2', 'Bob Sales', 'bob@epic.com', '06', 2, '$2b$x', 't', 't'),
                ('E3', 'Sue Support', 'sue@epic.com', '06', 3, '$2b$x', 't', 't'),
                ('E4', 'Gone Support', 'gone@epic.com', '06', 3, '$2b$x', 't', 't');
         INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id, created_at, updated_at)
         VALUES ('Kevin Casey', 'kevin@startup.io', '06', 'Cool Startup', 2, 't', 't'),
                ('Gone Client', 'gone@client.io', '06', 'Gone', NULL, 't', 't');
         INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at, signed_at)
         VALUES (1, 1000, 1000, 't', 't');
         INSERT INTO payments (contract_id, amount_cents, paid_at, recorded_by) VALUES (1, 400, 't', 2);
         INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees, support_contact_id, created_at, updated_at)
         VALUES (1, 'Party', '2027-01-01T10:00', '2027-01-01T12:00', 'Paris', 10, 3, 't', 't');
         -- The newest collaborator and client are deleted, as the audit trail remembers.
         DELETE FROM collaborators WHERE id = 4;
         DELETE FROM clients WHERE id = 2;
         INSERT INTO audit_log (at, actor_id, action, entity, entity_id) VALUES
             ('t', 1, 'delete', 'collaborator', 4), ('t', 1, 'delete', 'client', 2);",
    )
    .unwrap();
    drop(conn);

    let conn = open(&path, Create::No).unwrap();
    let rows = |sql: &str| -> Vec<String> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        rows("SELECT id || ':' || email FROM collaborators ORDER BY id"),
        ["1:ann@epic.com", "2:bob@epic.com", "3:sue@epic.com"]
    );
    assert_eq!(
        rows("SELECT c.id || ':' || c.sales_contact_id || ':' || ct.id || ':' || ct.remaining_cents || ':' || e.support_contact_id
              FROM clients c JOIN contracts ct ON ct.client_id = c.id JOIN events e ON e.contract_id = ct.id"),
        ["1:2:1:600:3"]
    );
    let dangling: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()
        .unwrap();
    assert_eq!(dangling, None);
    let identities = rows("SELECT DISTINCT identity FROM collaborators");
    assert_eq!(
        identities.len(),
        3,
        "each collaborator has an identity of their own"
    );

    // New rows never take an id that was ever used, deleted ones included.
    conn.execute_batch(
        "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
         VALUES ('E5', 'New Hire', 'new@epic.com', '06', 1, '$2b$x', 't', 't');
         INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
         VALUES ('New Client', 'new@client.io', '06', 'New', 't', 't');",
    )
    .unwrap();
    assert_eq!(
        rows("SELECT id || ':' || email FROM collaborators WHERE email LIKE 'new%'"),
        ["5:new@epic.com"]
    );
    assert_eq!(
        rows("SELECT id || ':' || email FROM clients WHERE email LIKE 'new%'"),
        ["3:new@client.io"]
    );
    conn.execute("DELETE FROM collaborators WHERE id = 5", [])
        .unwrap();
    conn.execute(
        "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
         VALUES ('E6', 'Next Hire', 'next@epic.com', '06', 3, '$2b$x', 't', 't')",
        [],
    )
    .unwrap();
    assert_eq!(
        rows("SELECT CAST(MAX(id) AS TEXT) FROM collaborators"),
        ["6"]
    );
    // The rules came back with the tables: search, and the payment ledger.
    assert_eq!(
        rows("SELECT CAST(rowid AS TEXT) FROM clients_search WHERE clients_search MATCH 'Casey'"),
        ["1"]
    );
    assert!(conn.execute("DELETE FROM payments", []).is_err());
    assert!(
        conn.execute("UPDATE contracts SET signed_at = NULL", [])
            .is_err()
    );
}

#[test]
fn the_last_manager_cannot_be_removed_by_any_path() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open(&dir.path().join("managers.db"), Create::Yes).unwrap();
    conn.execute_batch(
        "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
         VALUES ('E1', 'Ann', 'ann@epic.com', '06', 1, '$2b$x', 't', 't'),
                ('E2', 'Max', 'max@epic.com', '06', 1, '$2b$x', 't', 't');",
    )
    .unwrap();
    conn.execute("DELETE FROM collaborators WHERE id = 2", [])
        .unwrap();
    assert!(
        conn.execute("DELETE FROM collaborators WHERE id = 1", [])
            .is_err()
    );
    assert!(
        conn.execute("UPDATE collaborators SET department_id = 2", [])
            .is_err()
    );
    let managers: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM collaborators WHERE department_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(managers, 1);
}

#[test]
fn a_read_only_or_full_database_is_a_fault_the_user_can_act_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faults.db");
    drop(open(&path, Create::Yes).unwrap());
    // Read-only as SQLite sees it (root ignores file modes, so the tests open it so).
    let ro =
        Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let ro = Db::Sqlite(ro);
    let err = crate::repo::meta::instance_id(&ro).and_then(|_| {
        Ok(ro
            .sqlite()
            .unwrap()
            .execute("UPDATE departments SET name = name", [])?)
    });
    assert!(matches!(err, Err(Error::Fault(Fault::ReadOnly))), "{err:?}");
    // Full: the database may not grow past its current pages.
    let conn = open(&path, Create::No).unwrap();
    let pages: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "max_page_count", pages).unwrap();
    let big = "x".repeat(200);
    let filled = (0..10_000).try_for_each(|i| -> Result<()> {
        conn.execute(
            "INSERT INTO audit_log (at, action, entity, changes) VALUES (?1, ?2, 'test', '{}')",
            rusqlite::params![i.to_string(), big],
        )?;
        Ok(())
    });
    let err = filled.unwrap_err();
    assert!(matches!(err, Error::Fault(Fault::DiskFull)), "{err:?}");
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains("disk"));
}

#[test]
fn the_schema_refuses_what_the_domain_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open(&dir.path().join("rules.db"), Create::Yes).unwrap();
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

/// A write that fails only at its commit (a deferred foreign key here) names that step,
/// and leaves nothing behind.
#[test]
fn a_failed_commit_names_its_operation_and_keeps_nothing() {
    let (_dir, mut db) = crate::repo::testing::scratch();
    db.sqlite()
        .unwrap()
        .execute_batch(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);
         CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);",
        )
        .unwrap();
    let tx = write(&mut db).unwrap();
    tx.sqlite()
        .unwrap()
        .execute("INSERT INTO child (parent_id) VALUES (7)", [])
        .unwrap();
    let err = commit(tx).unwrap_err();
    assert!(err.is_internal(), "{err:?}");
    let cause = err.diagnostic().unwrap().to_string();
    assert!(cause.starts_with("committing a write: "), "{cause}");
    assert!(!err.to_string().contains("committing"), "{err}");
    let left: i64 = db
        .sqlite()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM child", [], |row| row.get(0))
        .unwrap();
    assert_eq!(left, 0);
}
