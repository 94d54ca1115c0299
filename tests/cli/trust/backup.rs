//! `backup FILE` (management): an owner-only, single-file, checked copy of the live database,
//! consistent even while others record payments.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Stdio};

use rusqlite::Connection;

use super::{NOT_LOGGED_IN, fails_with};
use crate::helpers::{ALICE, BILL, Run, TestEnv};

const TABLES: [&str; 6] = [
    "collaborators",
    "clients",
    "contracts",
    "payments",
    "events",
    "audit_log",
];

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |row| row.get(0)).expect(sql)
}

fn backup(env: &TestEnv, who: &str, file: &Path) -> Run {
    env.run_as(who, &["backup", &file.display().to_string()], "")
}

#[test]
fn management_backs_up_to_a_new_private_checked_file() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let file = env.root().join("copy.db");
    let counts = |db: &Connection| TABLES.map(|t| count(db, &format!("SELECT COUNT(*) FROM {t}")));
    let live_before = counts(&env.db());
    let out = backup(&env, "alice", &file).ok().to_owned();
    assert!(out.contains("integrity check"), "{out}");

    let mode = fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let copy = Connection::open(&file).unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    let journal: String = copy
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!((check.as_str(), journal.as_str()), ("ok", "delete"));
    assert_eq!(counts(&copy), live_before);
    // The copy is recorded once it is taken.
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'backup' AND actor_id = 1"),
        1
    );
}

#[test]
fn backup_refuses_an_existing_file_a_missing_directory_and_non_managers() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    env.login_as("bill", BILL);
    let existing = env.root().join("existing.db");
    fs::write(&existing, "keep me").unwrap();
    let refused = backup(&env, "alice", &existing);
    assert!(refused.fails(1).contains("already exists"), "{refused:?}");
    assert_eq!(fs::read_to_string(&existing).unwrap(), "keep me");

    let nowhere = env.root().join("no-such-directory").join("copy.db");
    let refused = backup(&env, "alice", &nowhere);
    assert!(refused.fails(1).contains("does not exist"), "{refused:?}");

    let file = env.root().join("copy.db");
    let denied = backup(&env, "bill", &file);
    assert!(
        denied.fails(1).starts_with("error: permission denied"),
        "{denied:?}"
    );
    fails_with(&backup(&env, "nobody", &file), NOT_LOGGED_IN);
    assert!(!file.exists());
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'backup'"),
        0
    );
}

const WRITERS: usize = 4;
const PAYMENTS_EACH: usize = 25;

/// A shell running a script of one-cent payments on contract 2, as Alice.
fn writer(env: &TestEnv) -> Child {
    use std::io::Write;
    let mut command = env.command("alice");
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    let script = "contracts pay 2 0.01\n".repeat(PAYMENTS_EACH);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(script.as_bytes()).unwrap();
    drop(stdin);
    child
}

#[test]
fn a_backup_taken_while_payments_are_recorded_is_consistent() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let mut writers: Vec<Child> = (0..WRITERS).map(|_| writer(&env)).collect();
    // The first payment of the first writer is committed once it says so: from then on the
    // backup runs alongside writers that have started (however far they have got).
    let mut first = BufReader::new(writers[0].stdout.take().unwrap());
    let mut line = String::new();
    first.read_line(&mut line).unwrap();
    assert!(line.starts_with("Recorded 0.01 on contract 2"), "{line:?}");
    let committed = env.count("SELECT MAX(id) FROM payments");

    let file = env.root().join("during.db");
    let taken = backup(&env, "alice", &file);
    taken.ok();

    for (i, child) in writers.into_iter().enumerate() {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "writer {i}: {output:?}");
    }
    std::io::copy(&mut first, &mut std::io::sink()).unwrap();
    assert_eq!(
        env.count("SELECT COUNT(*) FROM payments WHERE amount_cents = 1"),
        (WRITERS * PAYMENTS_EACH) as i64
    );

    let copy = Connection::open(&file).unwrap();
    assert_eq!(
        count(
            &copy,
            &format!("SELECT COUNT(*) FROM payments WHERE id <= {committed}")
        ),
        committed,
        "the backup lost payments committed before it started"
    );
    let unbalanced = count(
        &copy,
        "SELECT COUNT(*) FROM contracts c WHERE total_cents - remaining_cents <> \
         (SELECT COALESCE(SUM(amount_cents), 0) FROM payments p WHERE p.contract_id = c.id)",
    );
    assert_eq!(
        unbalanced, 0,
        "a contract's balance disagrees with its payments"
    );
    // Every payment recorded through the shell has its `pay` audit row, in the same
    // transaction; the demo's three payments came with the demo's rows.
    let payments = count(&copy, "SELECT COUNT(*) FROM payments");
    let pay_rows = count(&copy, "SELECT COUNT(*) FROM audit_log WHERE action = 'pay'");
    assert_eq!(pay_rows, payments - 3);
    let unaudited = count(
        &copy,
        "SELECT COUNT(*) FROM payments WHERE id NOT IN (SELECT \
         CAST(json_extract(changes, '$.payment_id[1]') AS INTEGER) FROM audit_log \
         WHERE action = 'pay')",
    );
    assert_eq!(unaudited, 3);
}
