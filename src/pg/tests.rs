//! The PostgreSQL schema's rules, and migrations under concurrency, on a real server: each
//! test creates its own database on the server `EPICEVENTS_TEST_POSTGRES` names (a URL where
//! tests may create databases) and drops it after. Without that variable they say they were
//! skipped; `.ci/run` sets it whenever a server answers, and fails if they were skipped there.

use std::sync::{Arc, Barrier};

use super::*;

/// A database of its own on the test server, dropped when this goes.
struct Scratch {
    admin: String,
    name: String,
}

impl Scratch {
    fn new() -> Option<Scratch> {
        let Ok(admin) = std::env::var("EPICEVENTS_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("EPICEVENTS_REQUIRE_POSTGRES").is_none(),
                "EPICEVENTS_REQUIRE_POSTGRES is set but EPICEVENTS_TEST_POSTGRES is not"
            );
            eprintln!("skipped: set EPICEVENTS_TEST_POSTGRES to run the PostgreSQL tests");
            return None;
        };
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).unwrap();
        let name: String = std::iter::once("epicevents_test_".to_owned())
            .chain(random.iter().map(|b| format!("{b:02x}")))
            .collect();
        let mut client = connect(&admin).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(Scratch { admin, name })
    }

    /// The URL of the scratch database (the admin URL with its database name replaced).
    fn url(&self) -> String {
        let base = match self.admin.rsplit_once('/') {
            Some((base, db)) if !db.contains('@') && !base.ends_with('/') => base.to_owned(),
            _ => self.admin.trim_end_matches('/').to_owned(),
        };
        format!("{base}/{}", self.name)
    }

    fn migrated(&self) -> postgres::Client {
        let mut client = connect(&self.url()).unwrap();
        migrate(&mut client).unwrap();
        client
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut client) = connect(&self.admin) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

const NOW: &str = "2026-12-03T10:00:00Z";
const HASH: &str = "$2b$12$abcdefghijklmnopqrstuv";

fn hire(client: &mut postgres::Client, number: &str, department: i32) -> i64 {
    client
        .query_one(
            "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id,
                                        password_hash, created_at, updated_at)
             VALUES ($1, $1, $1 || '@epic.com', '0600000000', $2, $3, $4, $4) RETURNING id",
            &[&number, &department, &HASH, &NOW],
        )
        .unwrap()
        .get(0)
}

/// The message of a refused statement.
fn refused(result: std::result::Result<u64, postgres::Error>) -> String {
    let err = result.expect_err("refused");
    err.as_db_error()
        .map(|e| e.message().to_owned())
        .unwrap_or_else(|| err.to_string())
}

#[test]
fn urls_are_told_from_paths_and_passwords_never_shown() {
    assert!(is_url("postgres://u@h/db") && is_url("PostgreSQL://h/db"));
    assert!(!is_url("/var/lib/epicevents/crm.db") && !is_url("postgres.db"));
    assert_eq!(
        redact("postgres://crm:s3cr@t@db.example.com:5432/crm?sslmode=prefer"),
        "postgres://crm:***@db.example.com:5432/crm?sslmode=prefer"
    );
    assert_eq!(redact("postgres://crm@db/crm"), "postgres://crm@db/crm");
    assert_eq!(redact("postgresql://db/crm"), "postgresql://db/crm");
}

#[test]
fn the_schema_keeps_the_rules_of_the_records() {
    let Some(db) = Scratch::new() else { return };
    let mut c = db.migrated();
    let boss = hire(&mut c, "E1", 1);
    let sales = hire(&mut c, "E2", 2);
    let support = hire(&mut c, "E3", 3);
    // A client's contact is in sales; emails are unique whatever their case.
    let insert_client =
        "INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id,
                                              created_at, updated_at)
                         VALUES ('Kevin', $1, '0600', 'Co', $2, $3, $3)";
    assert_eq!(
        refused(c.execute(insert_client, &[&"k@x.io", &support, &NOW])),
        "a client's sales contact must be in sales"
    );
    c.execute(insert_client, &[&"k@x.io", &sales, &NOW])
        .unwrap();
    assert!(
        c.execute(insert_client, &[&"K@X.IO", &sales, &NOW])
            .is_err()
    );
    let client: i64 = c.query_one("SELECT id FROM clients", &[]).unwrap().get(0);
    let contract: i64 = c
        .query_one(
            "INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at)
             VALUES ($1, 1000, 1000, $2) RETURNING id",
            &[&client, &NOW],
        )
        .unwrap()
        .get(0);
    let pay = "INSERT INTO payments (contract_id, amount_cents, paid_at) VALUES ($1, $2, $3)";
    let event = "INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees,
                                     created_at, updated_at)
                 VALUES ($1, 'Party', '2027-06-04T13:00', '2027-06-04T18:00', 'Paris', 10, $2, $2)";
    // Unsigned: no payment, no event.
    assert_eq!(
        refused(c.execute(pay, &[&contract, &100i64, &NOW])),
        "a payment needs a signed contract"
    );
    assert_eq!(
        refused(c.execute(event, &[&contract, &NOW])),
        "an event needs a signed contract"
    );
    c.execute(
        "UPDATE contracts SET signed_at = $1 WHERE id = $2",
        &[&NOW, &contract],
    )
    .unwrap();
    // A payment lowers what remains; more than remains is refused; payments stay.
    c.execute(pay, &[&contract, &400i64, &NOW]).unwrap();
    let remaining: i64 = c
        .query_one(
            "SELECT remaining_cents FROM contracts WHERE id = $1",
            &[&contract],
        )
        .unwrap()
        .get(0);
    assert_eq!(remaining, 600);
    assert!(c.execute(pay, &[&contract, &601i64, &NOW]).is_err());
    assert_eq!(
        refused(c.execute("DELETE FROM payments", &[])),
        "payments cannot be deleted"
    );
    assert_eq!(
        refused(c.execute("UPDATE payments SET amount_cents = 1", &[])),
        "payments cannot be changed"
    );
    assert_eq!(
        refused(c.execute("UPDATE contracts SET signed_at = NULL", &[])),
        "a signed contract stays signed"
    );
    c.execute(event, &[&contract, &NOW]).unwrap();
    // Departments: never zero managers; nobody leaves sales with clients.
    assert_eq!(
        refused(c.execute("DELETE FROM collaborators WHERE id = $1", &[&boss])),
        "the last management collaborator cannot be removed"
    );
    assert_eq!(
        refused(c.execute(
            "UPDATE collaborators SET department_id = 3 WHERE id = $1",
            &[&sales]
        )),
        "a collaborator leaving sales still has clients"
    );
    // Ids never come back, even after the highest one is deleted.
    let temp = hire(&mut c, "E4", 3);
    c.execute("DELETE FROM collaborators WHERE id = $1", &[&temp])
        .unwrap();
    assert!(hire(&mut c, "E5", 3) > temp);
}

#[test]
fn eight_processes_starting_on_a_new_database_migrate_it_once() {
    let Some(db) = Scratch::new() else { return };
    let url = Arc::new(db.url());
    let start = Arc::new(Barrier::new(8));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                let mut client = connect(&url).unwrap();
                start.wait();
                migrate(&mut client)
            })
        })
        .collect();
    let applied_here: usize = workers
        .into_iter()
        .map(|worker| worker.join().unwrap().unwrap())
        .sum();
    let mut c = connect(&url).unwrap();
    let applied: i64 = c
        .query_one("SELECT count(*) FROM refinery_schema_history", &[])
        .unwrap()
        .get(0);
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/sql/postgres"))
        .unwrap()
        .count() as i64;
    assert_eq!(applied, migrations, "each migration once");
    assert_eq!(
        applied_here as i64, migrations,
        "the eight calls applied them between them, each once"
    );
    let departments: i64 = c
        .query_one("SELECT count(*) FROM departments", &[])
        .unwrap()
        .get(0);
    assert_eq!(departments, 3);
}

#[test]
fn two_managers_removing_each_other_at_once_leave_one() {
    let Some(db) = Scratch::new() else { return };
    let mut c = db.migrated();
    for round in 0..10 {
        c.batch_execute("DELETE FROM collaborators WHERE department_id <> 1")
            .unwrap();
        let a = hire(&mut c, &format!("A{round}"), 1);
        let b = hire(&mut c, &format!("B{round}"), 1);
        // Everyone else goes, so that only these two are managers.
        c.execute(
            "DELETE FROM collaborators WHERE department_id = 1 AND id NOT IN ($1, $2)",
            &[&a, &b],
        )
        .unwrap();
        let start = Arc::new(Barrier::new(2));
        let removals: Vec<_> = [
            (a, b, "DELETE FROM collaborators WHERE id = $1"),
            (
                b,
                a,
                "UPDATE collaborators SET department_id = 2 WHERE id = $1",
            ),
        ]
        .into_iter()
        .map(|(_, target, sql)| {
            let (url, start) = (db.url(), start.clone());
            std::thread::spawn(move || {
                let mut client = connect(&url).unwrap();
                let mut tx = client.transaction().unwrap();
                start.wait();
                let done = tx.execute(sql, &[&target]);
                done.and_then(|_| tx.commit())
            })
        })
        .collect();
        for removal in removals {
            let _ = removal.join().unwrap();
        }
        let managers: i64 = c
            .query_one(
                "SELECT count(*) FROM collaborators WHERE department_id = 1",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(managers, 1, "round {round}");
    }
}
