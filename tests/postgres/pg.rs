//! What only the PostgreSQL store has: `backup` pointing to pg_dump, the URL's password never
//! shown, a connection that goes away, many processes at once on one database, processes
//! killed in the middle of a write, and `serve` on PostgreSQL.

use std::io::{BufRead, BufReader, Lines, Read, Write};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::thread;

use crate::helpers::{ALICE, BILL, PgDatabase, Server, TestEnv, pipe};

/// The binary on `url` (a database that may not exist), as `env`'s default user.
fn on(env: &TestEnv, url: &str) -> Command {
    let mut command = env.local_command("default");
    command.env("EPICEVENTS_DB", url);
    command
}

/// A shell kept running between lines: what the test writes to it, and its output and
/// errors, read line by line.
struct PipedShell {
    process: Child,
    input: ChildStdin,
    output: Lines<BufReader<ChildStdout>>,
    errors: Lines<BufReader<ChildStderr>>,
}

impl PipedShell {
    fn spawn(mut command: Command) -> PipedShell {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut process = command.spawn().unwrap();
        PipedShell {
            input: process.stdin.take().unwrap(),
            output: BufReader::new(process.stdout.take().unwrap()).lines(),
            errors: BufReader::new(process.stderr.take().unwrap()).lines(),
            process,
        }
    }
}

/// Waits until a backend of `db` other than the test's own runs a statement that starts
/// with `prefix` and waits for a lock; returns its pid. Polls PostgreSQL's own view of its
/// sessions (what happens, not how long it takes), and fails if `child`, whose statement it
/// waits for, ends first.
fn backend_waiting(db: &PgDatabase, prefix: &str, child: &mut Child) -> i32 {
    let mut client = db.client();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr);
            }
            panic!("the command ended ({status}) before waiting on {prefix}: {stderr}");
        }
        let row = client
            .query_opt(
                "SELECT pid FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND wait_event_type = 'Lock' AND query LIKE $1",
                &[&format!("{prefix}%")],
            )
            .unwrap();
        if let Some(row) = row {
            return row.get(0);
        }
        thread::yield_now();
    }
}

/// A write caught in the middle: a test session holds client 1's row, and Bill's update of
/// that client's phone (to `phone`) is started and waits on the row, inside its transaction.
/// Returns the holding session (`ROLLBACK` lets the row go), the update's process, whose
/// stdout goes to `stdout` and stderr to a pipe, and the pid of its backend.
fn update_waiting_on_a_row(
    env: &TestEnv,
    phone: &str,
    stdout: Stdio,
) -> (postgres::Client, Child, i32) {
    let mut holder = env.postgres().client();
    holder
        .batch_execute("BEGIN; SELECT 1 FROM clients WHERE id = 1 FOR UPDATE")
        .unwrap();
    let mut update = env.command("bill");
    update
        .args(["clients", "update", "1", "--phone", phone])
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped());
    let mut child = update.spawn().unwrap();
    let pid = backend_waiting(env.postgres(), "UPDATE clients", &mut child);
    (holder, child, pid)
}

#[test]
fn backup_on_postgresql_says_to_use_pg_dump_and_writes_nothing() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let run = env.run(&["backup", "copy.db"], "");
    let line = run.fails(1);
    assert!(line.contains("pg_dump"), "{line}");
    assert!(!env.root().join("copy.db").exists());
}

#[test]
fn a_password_in_the_url_is_never_shown() {
    let env = TestEnv::new();
    // Nothing listens on port 1: the connection is refused.
    let run = pipe(
        {
            let mut c = on(&env, "postgres://crm:s3cret-pw@127.0.0.1:1/crm");
            c.args(["clients", "list"]);
            c
        },
        "",
    );
    let line = run.fails(1);
    assert_eq!(
        line,
        "error: cannot reach the database at postgres://crm:***@127.0.0.1:1/crm: the connection was refused (is PostgreSQL running?); nothing was changed"
    );
    assert!(!run.stdout.contains("s3cret"));
}

#[test]
fn a_database_that_does_not_exist_is_one_line() {
    let env = TestEnv::new();
    let url = env.postgres().url();
    let missing = format!("{}_missing", url);
    let run = pipe(
        {
            let mut c = on(&env, &missing);
            c.args(["clients", "list"]);
            c
        },
        "",
    );
    let line = run.fails(1);
    assert!(
        line.ends_with("the database does not exist; nothing was changed"),
        "{line}"
    );
}

#[test]
fn eight_processes_paying_fifty_cents_each_lose_nothing() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    // Contract 2 is John Ouick's, Bill's client: signed, with money left to pay.
    let before = env.count("SELECT remaining_cents FROM contracts WHERE id = 2");
    assert!(before >= 400);
    let audit = env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'pay' AND entity_id = 2");
    let script = "contracts pay 2 0.01\n".repeat(50);
    let payers: Vec<_> = (0..8)
        .map(|_| {
            let command = env.command("bill");
            let script = script.clone();
            thread::spawn(move || pipe(command, &script))
        })
        .collect();
    for payer in payers {
        let run = payer.join().unwrap();
        assert_eq!(run.code, 0, "{run:?}");
    }
    let after = env.count("SELECT remaining_cents FROM contracts WHERE id = 2");
    assert_eq!(before - after, 400);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM payments WHERE contract_id = 2 AND amount_cents = 1"),
        400
    );
    // And one audit row each, written with it.
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'pay' AND entity_id = 2") - audit,
        400
    );
}

#[test]
fn eight_processes_starting_on_a_new_database_apply_each_migration_once() {
    let env = TestEnv::new();
    let starters: Vec<_> = (0..8)
        .map(|_| {
            let mut command = env.command("default");
            command.args(["clients", "list"]);
            thread::spawn(move || pipe(command, ""))
        })
        .collect();
    for starter in starters {
        let run = starter.join().unwrap();
        // Every one found (or made) the schema, then the database without anybody in it.
        assert!(
            run.fails(1)
                .starts_with("error: this database has no collaborators yet"),
            "{run:?}"
        );
    }
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/sql/postgres"))
        .unwrap()
        .count() as i64;
    assert_eq!(
        env.count("SELECT COUNT(*) FROM refinery_schema_history"),
        migrations
    );
    assert_eq!(
        env.count("SELECT COUNT(DISTINCT version) FROM refinery_schema_history"),
        migrations
    );
}

#[test]
fn writes_killed_in_the_middle_leave_nothing_half_written() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    let phone = env.text("SELECT phone FROM clients WHERE id = 1");
    let audit = env.count("SELECT COUNT(*) FROM audit_log");
    for round in 0..3 {
        // The update waits on the row, inside its transaction, and is killed as `kill -9`
        // would.
        let phone_then = format!("+33 6 00 00 00 {round:02}");
        let (mut holder, mut child, _) = update_waiting_on_a_row(&env, &phone_then, Stdio::null());
        child.kill().unwrap();
        child.wait().unwrap();
        holder.batch_execute("ROLLBACK").unwrap();
        assert_eq!(env.text("SELECT phone FROM clients WHERE id = 1"), phone);
        assert_eq!(env.count("SELECT COUNT(*) FROM audit_log"), audit);
    }
    // The database goes on serving writes.
    env.run_as(
        "bill",
        &["clients", "update", "1", "--phone", "+33 6 11 11 11 11"],
        "",
    )
    .ok();
    assert_eq!(
        env.text("SELECT phone FROM clients WHERE id = 1"),
        "+33 6 11 11 11 11"
    );
    assert_eq!(env.count("SELECT COUNT(*) FROM audit_log"), audit + 1);
}

#[test]
fn a_connection_lost_in_the_middle_of_a_write_is_one_line_and_changes_nothing() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    let audit = env.count("SELECT COUNT(*) FROM audit_log");
    let phone = env.text("SELECT phone FROM clients WHERE id = 1");
    let (mut holder, child, pid) =
        update_waiting_on_a_row(&env, "+33 6 22 22 22 22", Stdio::piped());
    env.postgres()
        .client()
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let run = crate::helpers::Run::from(child.wait_with_output().unwrap());
    holder.batch_execute("ROLLBACK").unwrap();
    assert_eq!(
        run.fails(1),
        "error: the connection to the database was lost: nothing was changed; run the command again"
    );
    assert_eq!(env.text("SELECT phone FROM clients WHERE id = 1"), phone);
    assert_eq!(env.count("SELECT COUNT(*) FROM audit_log"), audit);
}

#[test]
fn a_read_after_the_connection_went_away_connects_again() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut shell = PipedShell::spawn(env.command("default"));
    writeln!(shell.input, "clients show 1").unwrap();
    let first = shell
        .output
        .by_ref()
        .map(Result::unwrap)
        .find(|line| line.contains("Kevin Casey"));
    assert!(first.is_some(), "the first read answers");
    // The server ends every session of this database (a restart, a failover would too).
    env.postgres()
        .client()
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    writeln!(shell.input, "clients show 2").unwrap();
    drop(shell.input);
    let rest: Vec<String> = shell.output.map(Result::unwrap).collect();
    let status = shell.process.wait().unwrap();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|line| line.contains("John Ouick")),
        "{rest:?}"
    );
}

#[test]
fn serve_on_postgresql_answers_the_shell() {
    let env = TestEnv::demo();
    let server = Server::start(&env, &[]);
    let remote = |args: &[&str], stdin: &str| {
        let mut command = env.local_command("remote");
        command
            .env("EPICEVENTS_SERVER", &server.url)
            .env("EPICEVENTS_DB", env.root().join("no-database-here.db"))
            .args(args);
        pipe(command, stdin)
    };
    remote(
        &["login", BILL],
        &format!("{}\n", crate::helpers::DEMO_PASSWORD),
    )
    .ok();
    let listed = remote(&["clients", "list", "--format", "json"], "");
    let clients = crate::helpers::json(listed.ok());
    assert_eq!(
        clients.as_array().map(Vec::len),
        Some(env.count("SELECT COUNT(*) FROM clients") as usize)
    );
    remote(
        &["clients", "update", "2", "--phone", "+33 6 33 33 33 33"],
        "",
    )
    .ok();
    assert_eq!(
        env.text("SELECT phone FROM clients WHERE id = 2"),
        "+33 6 33 33 33 33"
    );
}

/// Counts the events whose copy of the sales contact is not their client's.
const STRAY_SALES_CONTACTS: &str = "SELECT COUNT(*) FROM events e
    JOIN contracts ct ON ct.id = e.contract_id JOIN clients c ON c.id = ct.client_id
    WHERE e.sales_contact_id IS DISTINCT FROM c.sales_contact_id";

/// The sales contact an event carries (V3) is its client's whatever SQL writes, including
/// what the application never does (a contract with events moved to another client).
#[test]
fn an_events_sales_contact_is_its_clients_whatever_writes_it() {
    let env = TestEnv::demo();
    assert_eq!(env.count(STRAY_SALES_CONTACTS), 0);
    let carried = |event: i64| {
        env.text(&format!(
            "SELECT COALESCE(sales_contact_id::text, 'none') FROM events WHERE id = {event}"
        ))
    };
    // Written directly, the column takes the client's value all the same.
    env.execute("UPDATE events SET sales_contact_id = 5 WHERE id = 3");
    assert_eq!(carried(3), "2");
    env.execute(
        "INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees, created_at, updated_at, sales_contact_id)
         VALUES (3, 'Launch', '2027-09-01T10:00', '2027-09-01T12:00', 'Lyon', 10, 't', 't', 2)",
    );
    assert_eq!(env.count(STRAY_SALES_CONTACTS), 0);
    // Contract 1 (event 3) moved from Bill's client 1 to Sophie's client 3.
    env.execute("UPDATE contracts SET client_id = 3 WHERE id = 1");
    assert_eq!(carried(3), "3");
    // An event moved to another contract.
    env.execute("UPDATE events SET contract_id = 2 WHERE id = 3");
    assert_eq!(carried(3), "2");
    // A client left without a contact, then given one.
    env.execute("UPDATE clients SET sales_contact_id = NULL WHERE id = 2");
    assert_eq!(carried(3), "none");
    env.execute("UPDATE clients SET sales_contact_id = 3 WHERE id = 2");
    assert_eq!(carried(3), "3");
    assert_eq!(env.count(STRAY_SALES_CONTACTS), 0);
}

/// A database made by the version before V3 (events did not carry their sales contact)
/// upgrades on its first start: every event gets its client's sales contact, the list reads
/// it, and the process that migrated vacuums once, so that the row versions the upgrade
/// replaced are not left for every index-only read to visit.
#[test]
fn an_upgrade_to_v3_fills_every_events_sales_contact_and_vacuums_once() {
    let env = TestEnv::demo();
    // V3 undone, as the previous version left the schema.
    env.execute(
        "DROP TRIGGER clients_events_follow ON clients; DROP FUNCTION clients_events_follow();
         DROP TRIGGER contracts_events_follow ON contracts; DROP FUNCTION contracts_events_follow();
         DROP TRIGGER events_sales_contact ON events; DROP FUNCTION events_sales_contact();
         DROP INDEX events_sales_start; ALTER TABLE events DROP COLUMN sales_contact_id;
         DELETE FROM refinery_schema_history WHERE version = 3",
    );
    let vacuums = "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'events'";
    let before = env.count(vacuums);
    env.login_as("bill", BILL);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM refinery_schema_history WHERE version = 3"),
        1
    );
    assert_eq!(env.count(STRAY_SALES_CONTACTS), 0);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM events WHERE sales_contact_id IS NOT NULL"),
        3
    );
    assert_eq!(env.count(vacuums), before + 1);
    // Bill's clients 1 and 2 have events 3 and 1; the next process finds nothing to do.
    let mine = env.run_as("bill", &["events", "mine", "--format", "json"], "");
    let ids: Vec<i64> = crate::helpers::json(mine.ok())
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [3, 1]);
    assert_eq!(env.count(vacuums), before + 1);
}

#[test]
fn a_bulk_load_leaves_the_schema_and_its_rules_as_migrated() {
    let env = TestEnv::new();
    let schema = "SELECT 'index', indexname::text, indexdef FROM pg_indexes WHERE schemaname = 'public'
                  UNION ALL SELECT 'trigger', tgname::text, tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
                  ORDER BY 1, 2";
    // The schema of a new database, before any load.
    env.run(&["clients", "list"], "").fails(1);
    let migrated = env.rows(schema);
    env.run(&["demo", "--scale", "2000"], "").ok();
    assert_eq!(env.rows(schema), migrated);
    // What remains of each contract is its total less its payments, as the trigger keeps it.
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM contracts c WHERE remaining_cents <> total_cents
               - COALESCE((SELECT SUM(amount_cents) FROM payments p WHERE p.contract_id = c.id), 0)"
        ),
        0
    );
    // Every event carries its client's sales contact, as the trigger keeps it.
    assert_eq!(env.count(STRAY_SALES_CONTACTS), 0);
    assert!(env.count("SELECT COUNT(*) FROM events WHERE sales_contact_id IS NOT NULL") > 0);
    // And the rules the load suspended are back: no payment on an unsigned contract.
    let unsigned = env.count("SELECT MIN(id) FROM contracts WHERE signed_at IS NULL");
    let refused = env.try_execute(&format!(
        "INSERT INTO payments (contract_id, amount_cents, paid_at) VALUES ({unsigned}, 1, 't')"
    ));
    assert!(
        refused.is_err_and(|e| e.contains("a payment needs a signed contract")),
        "the payment rule is back"
    );
}

#[test]
fn a_write_that_waited_too_long_for_the_lock_leaves_the_connection_usable() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    // Another writer holds the write lock (src/pg/mod.rs, WRITE_LOCK) past the 10 s limit.
    let mut holder = env.postgres().client();
    let mut hold = holder.transaction().unwrap();
    hold.execute("SELECT pg_advisory_xact_lock($1)", &[&0x6570_6963_7772_i64])
        .unwrap();
    let mut command = env.command("bill");
    command.arg("--keep-going");
    let mut shell = PipedShell::spawn(command);
    writeln!(shell.input, "clients update 1 --phone '+33 6 44 44 44 44'").unwrap();
    let busy = shell.errors.next().unwrap().unwrap();
    assert!(busy.contains("busy"), "{busy}");
    hold.rollback().unwrap();
    // The same shell, on the same connection, writes next.
    writeln!(shell.input, "clients update 1 --phone '+33 6 55 55 55 55'").unwrap();
    drop(shell.input);
    let rest: Vec<String> = shell.errors.map(Result::unwrap).collect();
    assert!(
        shell.process.wait().unwrap().code() == Some(1),
        "the first line failed: {rest:?}"
    );
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(
        env.text("SELECT phone FROM clients WHERE id = 1"),
        "+33 6 55 55 55 55"
    );
}

/// TLS as libpq's `sslmode` asks: `require` and `verify-ca` encrypt (PostgreSQL's own view
/// of the connection says so), `disable` does not, `verify-full` checks the host name, and a
/// mode libpq does not know is one line. Where the server has no TLS (a server without it,
/// or its Unix socket), `prefer` goes on in clear and `require` says why it cannot.
#[test]
fn the_urls_sslmode_is_honoured_as_libpq_honours_it() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let db = env.postgres();
    let show = |setting: &str| -> String {
        db.client()
            .query_one(&format!("SHOW {setting}"), &[])
            .unwrap()
            .get(0)
    };
    let url = |query: &str| format!("{}?{query}", db.url());
    let list = |query: &str| {
        let mut command = on(&env, &url(query));
        command.args(["clients", "list", "--format", "json"]);
        pipe(command, "")
    };
    if show("ssl") != "on" {
        let refused = list("sslmode=require");
        assert!(
            refused
                .fails(1)
                .ends_with("the server does not offer TLS, which the URL's sslmode requires; nothing was changed"),
            "{refused:?}"
        );
        return;
    }
    // Whether the connection of a shell that waits for its next line is in TLS, as the
    // server sees it.
    let encrypted = |query: &str| -> bool {
        let mut shell = PipedShell::spawn(on(&env, &url(query)));
        writeln!(shell.input, "clients list").unwrap();
        let footer = shell
            .output
            .find(|line| line.as_ref().is_ok_and(|l| l.ends_with("clients.")))
            .is_some();
        assert!(footer, "the shell listed the clients");
        let ssl: bool = db
            .client()
            .query_one(
                "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND backend_type = 'client backend'",
                &[],
            )
            .unwrap()
            .get(0);
        drop(shell.input);
        assert!(shell.process.wait().unwrap().success());
        ssl
    };
    assert!(encrypted("sslmode=require"));
    assert!(encrypted("sslmode=prefer"));
    assert!(!encrypted("sslmode=disable"));

    // The server's certificate (Debian's, for "localhost") trusted as its own authority:
    // verify-ca accepts it at 127.0.0.1, verify-full refuses it there.
    let cert = show("ssl_cert_file");
    let authority = format!("sslrootcert={cert}");
    let clients = env.count("SELECT COUNT(*) FROM clients") as usize;
    let listed = list(&format!("sslmode=verify-ca&{authority}"));
    assert_eq!(
        crate::helpers::json(listed.ok()).as_array().map(Vec::len),
        Some(clients)
    );
    let refused = list(&format!("sslmode=verify-full&{authority}"));
    assert!(
        refused.fails(1).ends_with(
            "the server's certificate is not for this host name (sslmode=verify-full checks it); nothing was changed"
        ),
        "{refused:?}"
    );
    assert!(!refused.stderr.contains(crate::helpers::PG_PASSWORD));
    // Through the server's Unix socket, which never offers TLS: `prefer` goes on without,
    // `require` says why it cannot.
    let socket = show("unix_socket_directories");
    let socket = socket.split(',').next().unwrap_or_default().trim();
    if std::path::Path::new(socket).is_dir() {
        let url = db.url();
        let (credentials, rest) = url.split_once('@').unwrap();
        let (_, name) = rest.split_once('/').unwrap();
        let local = format!("{credentials}@{}/{name}", socket.replace('/', "%2F"));
        let over_socket = |query: &str| {
            let mut command = on(&env, &format!("{local}?{query}"));
            command.args(["clients", "list", "--format", "json"]);
            pipe(command, "")
        };
        over_socket("sslmode=prefer").ok();
        let refused = over_socket("sslmode=require");
        assert!(
            refused.fails(1).ends_with(
                "the server does not offer TLS, which the URL's sslmode requires; nothing was changed"
            ),
            "{refused:?}"
        );
    }
    let unknown = list("sslmode=allow");
    assert!(
        unknown
            .fails(1)
            .ends_with("sslmode must be disable, prefer, require, verify-ca or verify-full; nothing was changed"),
        "{unknown:?}"
    );
}
