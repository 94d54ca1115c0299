//! `epicevents copy --to postgres://…`: a team on the embedded database moves to PostgreSQL
//! without losing anything. Runs where `EPICEVENTS_TEST_POSTGRES` names a server on which
//! tests may create databases (`.ci/run` sets it when one answers); says it was skipped
//! otherwise.

use crate::helpers::{ALICE, BILL, PgDatabase, TestEnv};

#[test]
fn a_manager_copies_every_row_with_its_id_and_ids_go_on_after_the_highest_ever_given() {
    let Some(pg) = PgDatabase::try_create() else {
        return;
    };
    let env = TestEnv::demo();
    env.login(ALICE);
    // The highest client id goes, on SQLite: PostgreSQL must never give it again either.
    env.db()
        .execute("DELETE FROM clients WHERE id = 5", [])
        .unwrap();
    let run = env.run(&["copy", "--to", &pg.url()], "");
    assert!(
        run.ok().starts_with("Copied the database to ")
            && run
                .ok()
                .contains("4 clients, 5 contracts with 3 payments, 3 events"),
        "{run:?}"
    );
    let mut c = pg.client();
    for (table, sql) in [
        (
            "collaborators",
            "SELECT count(*), CAST(sum(id) AS bigint), CAST(sum(token_version) AS bigint) FROM collaborators",
        ),
        (
            "clients",
            "SELECT count(*), CAST(sum(id) AS bigint), CAST(sum(length(email)) AS bigint) FROM clients",
        ),
        (
            "contracts",
            "SELECT count(*), CAST(sum(id) AS bigint), CAST(sum(remaining_cents) AS bigint) FROM contracts",
        ),
        (
            "payments",
            "SELECT count(*), CAST(sum(id) AS bigint), CAST(sum(amount_cents) AS bigint) FROM payments",
        ),
        (
            "events",
            "SELECT count(*), CAST(sum(id) AS bigint), CAST(sum(attendees) AS bigint) FROM events",
        ),
    ] {
        let sqlite: (i64, i64, i64) = env
            .db()
            .query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        let row = c.query_one(sql, &[]).unwrap();
        let postgres: (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        assert_eq!(postgres, sqlite, "{table}");
    }
    let next: i64 = c
        .query_one(
            "INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
             VALUES ('New', 'new@x.io', '0600', 'Co', 'now', 'now') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(next, 6, "the deleted client's id is not given again");
    // PostgreSQL's events carry their client's sales contact, which SQLite's have not: the
    // copy fills it (event 3 is client 1's, Bill's; event 2 client 3's, Sophie's).
    let carried: Vec<(i64, Option<i64>)> = c
        .query("SELECT id, sales_contact_id FROM events ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(carried, [(1, Some(2)), (2, Some(3)), (3, Some(2))]);
    // The copy is in the audit trail, without the URL's password.
    let audited: String = env
        .db()
        .query_row(
            "SELECT changes FROM audit_log WHERE action = 'copy'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audited.contains(pg.name()), "{audited}");
}

#[test]
fn a_copy_goes_only_into_an_empty_database_and_only_for_management() {
    let Some(pg) = PgDatabase::try_create() else {
        return;
    };
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    let refused = env.run_as("bill", &["copy", "--to", &pg.url()], "");
    assert!(
        refused.fails(1).starts_with("error: permission denied"),
        "{refused:?}"
    );
    env.login(ALICE);
    env.run(&["copy", "--to", &pg.url()], "").ok();
    let again = env.run(&["copy", "--to", &pg.url()], "");
    assert_eq!(
        again.fails(1),
        "error: the PostgreSQL database already holds data: copy goes only into an empty one (create it with `createdb`)"
    );
    let clients: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM clients", &[])
        .unwrap()
        .get(0);
    assert_eq!(clients, 5, "the first copy, untouched");
}

#[test]
fn a_password_in_the_url_is_never_shown() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let run = env.run(
        &["copy", "--to", "postgres://crm:hunter2@127.0.0.1:1/nowhere"],
        "",
    );
    let line = run.fails(1);
    assert!(!line.contains("hunter2"), "{line}");
    assert_eq!(
        line,
        "error: cannot reach the database at postgres://crm:***@127.0.0.1:1/nowhere: the connection was refused (is PostgreSQL running?); nothing was changed"
    );
}
