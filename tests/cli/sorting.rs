//! `--sort KEY [--desc]`, `clients list --sales`, `contracts list --signed` and
//! `events list --period` against the demo data (described in `filters.rs`), each with rows
//! in and rows out. Lists are read as JSON and as CSV, in order, and the table's footer must
//! count the same rows; paging is checked on ties, where only the id decides.

use crate::helpers::{ALICE, BILL, KATE, TestEnv, json, pipe};

/// The ids `args` lists for `who`, in order, as JSON; the CSV of the same command must list
/// the same ids in the same order, and its table's footer count them.
#[track_caller]
fn ids(env: &TestEnv, who: &str, args: &[&str]) -> Vec<i64> {
    ids_at(env, who, None, args)
}

/// [`ids`], with "now" fixed at `now` (local time) for `--period`.
#[track_caller]
fn ids_at(env: &TestEnv, who: &str, now: Option<&str>, args: &[&str]) -> Vec<i64> {
    let run = |format: &[&str]| {
        let mut command = match now {
            Some(now) => env.command_at(who, now),
            None => env.command(who),
        };
        command.args(args).args(format);
        pipe(command, "")
    };
    let listed = json(run(&["--format", "json"]).ok());
    let from_json: Vec<i64> = listed
        .as_array()
        .unwrap_or_else(|| panic!("{args:?}: not a JSON array: {listed}"))
        .iter()
        .map(|row| row["id"].as_i64().expect("every row has an id"))
        .collect();
    let csv = run(&["--format", "csv"]).ok().to_owned();
    let from_csv: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(from_csv, from_json, "{args:?}: CSV and JSON disagree");
    let table = run(&[]).ok().to_owned();
    assert_eq!(
        table_ids(&table),
        from_json,
        "{args:?}: the table's page:\n{table}"
    );
    from_json
}

/// The ids of a table's rows, in order (the first column).
fn table_ids(table: &str) -> Vec<i64> {
    table
        .lines()
        .filter_map(|line| line.strip_prefix('│'))
        .filter_map(|rest| rest.split('│').next()?.trim().parse().ok())
        .collect()
}

fn demo_with(logins: &[(&str, &str)]) -> TestEnv {
    let env = TestEnv::demo();
    for (who, email) in logins {
        env.login_as(who, email);
    }
    env
}

fn list<'a>(what: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![what, "list"];
    args.extend(extra);
    args
}

#[test]
fn clients_sort_by_name_company_creation_and_last_update_both_ways() {
    let env = demo_with(&[("alice", ALICE)]);
    let clients = |extra: &[&str]| ids(&env, "alice", &list("clients", extra));
    // Ana Ribeiro, Gaëlle Martin, John Ouick, Kevin Casey, Lou Bouzin.
    assert_eq!(clients(&["--sort", "name"]), [5, 4, 2, 1, 3]);
    assert_eq!(clients(&["--sort", "name", "--desc"]), [3, 1, 2, 4, 5]);
    // Bouzin Industries, Cool Startup LLC, NovaTech, Ouick & Co, Studio Lumière.
    assert_eq!(clients(&["--sort", "company"]), [3, 1, 5, 2, 4]);
    assert_eq!(clients(&["--sort", "company", "--desc"]), [4, 2, 5, 1, 3]);
    assert_eq!(clients(&["--sort", "created"]), [1, 2, 3, 4, 5]);
    assert_eq!(clients(&["--sort", "created", "--desc"]), [5, 4, 3, 2, 1]);
    env.execute(
        "UPDATE clients SET updated_at = '2027-01-01T00:00:00Z' WHERE id = 2;
             UPDATE clients SET updated_at = '2026-01-01T00:00:00Z' WHERE id = 4;",
    );
    // 4 first, then 1, 3 and 5 (tied: by id), then 2.
    assert_eq!(clients(&["--sort", "updated"]), [4, 1, 3, 5, 2]);
    assert_eq!(clients(&["--sort", "updated", "--desc"]), [2, 5, 3, 1, 4]);
    // Names compare ignoring ASCII case: "ana" stays first.
    env.execute("UPDATE clients SET full_name = 'ana ribeiro' WHERE id = 5");
    assert_eq!(clients(&["--sort", "name"]), [5, 4, 2, 1, 3]);
}

#[test]
fn pages_of_a_sort_with_ties_never_overlap_or_skip() {
    let env = demo_with(&[("alice", ALICE)]);
    env.execute("UPDATE clients SET updated_at = '2027-01-01T00:00:00Z'");
    let page = |extra: &[&str]| {
        let mut args = list("clients", &["--sort", "updated", "--page-size", "2"]);
        args.extend(extra);
        table_ids(env.run_as("alice", &args, "").ok())
    };
    // Every client ties on the key: the id decides, in the same direction.
    let ascending: Vec<i64> = ["1", "2", "3"]
        .iter()
        .flat_map(|n| page(&["--page", n]))
        .collect();
    assert_eq!(ascending, [1, 2, 3, 4, 5]);
    let descending: Vec<i64> = ["1", "2", "3"]
        .iter()
        .flat_map(|n| page(&["--desc", "--page", n]))
        .collect();
    assert_eq!(descending, [5, 4, 3, 2, 1]);
    let footer = env
        .run_as(
            "alice",
            &list("clients", &["--sort", "updated", "--page-size", "2"]),
            "",
        )
        .ok()
        .to_owned();
    assert!(
        footer.contains("3 more: `clients list --sort updated --page-size 2 --page 2`."),
        "the next page keeps the sort:\n{footer}"
    );
}

#[test]
fn clients_list_sales_keeps_one_salespersons_clients_and_sorts_them() {
    let env = demo_with(&[("kate", KATE)]);
    let clients = |extra: &[&str]| ids(&env, "kate", &list("clients", extra));
    assert_eq!(clients(&["--sales", "2"]), [1, 2]);
    assert_eq!(clients(&["--sales", "3"]), [3, 4]);
    assert_eq!(clients(&["--sales", "3", "--sort", "name"]), [4, 3]);
    assert_eq!(
        clients(&["--sales", "3", "--sort", "name", "--desc"]),
        [3, 4]
    );
    // Kate is in support: she has no clients; nobody has id 99.
    assert!(clients(&["--sales", "4"]).is_empty());
    assert!(clients(&["--sales", "99"]).is_empty());
    // Searches sort too: ".fr" is in Lou's and Gaëlle's emails (a trigram search), "ou" in
    // John's and Lou's names (a short search).
    assert_eq!(clients(&["--search", ".fr"]), [3, 4]);
    assert_eq!(clients(&["--search", ".fr", "--sort", "name"]), [4, 3]);
    assert_eq!(
        clients(&["--search", ".fr", "--sort", "created", "--desc"]),
        [4, 3]
    );
    assert_eq!(
        clients(&["--search", "ou", "--sort", "name", "--desc"]),
        [3, 2]
    );
    assert_eq!(
        clients(&["--search", ".fr", "--sales", "3", "--sort", "company"]),
        [3, 4]
    );
}

#[test]
fn contracts_sort_by_amounts_client_and_signature_and_signed_filters() {
    let env = demo_with(&[("alice", ALICE), ("bill", BILL)]);
    let contracts = |who, extra: &[&str]| ids(&env, who, &list("contracts", extra));
    assert_eq!(contracts("alice", &["--signed"]), [1, 2, 3]);
    // Totals: 5 3000.50, 4 5000, 3 8000, 1 12000, 2 25000.
    assert_eq!(contracts("alice", &["--sort", "total"]), [5, 4, 3, 1, 2]);
    assert_eq!(
        contracts("alice", &["--sort", "total", "--desc"]),
        [2, 1, 3, 4, 5]
    );
    // Remaining: 1 0, 5 3000.50, 4 5000, 3 8000, 2 15000.
    assert_eq!(
        contracts("alice", &["--sort", "remaining"]),
        [1, 5, 4, 3, 2]
    );
    assert_eq!(
        contracts("alice", &["--signed", "--sort", "remaining", "--desc"]),
        [2, 3, 1]
    );
    // Gaëlle (4), John (2), Kevin (1 and 5), Lou (3); one client's contracts by id.
    assert_eq!(contracts("alice", &["--sort", "client"]), [4, 2, 1, 5, 3]);
    assert_eq!(
        contracts("alice", &["--sort", "client", "--desc"]),
        [3, 5, 1, 2, 4]
    );
    // The demo signs 1, 2 and 3 at once (a tie, by id); unsigned ones come first ascending
    // and last descending.
    assert_eq!(contracts("alice", &["--sort", "signed"]), [4, 5, 1, 2, 3]);
    assert_eq!(
        contracts("alice", &["--sort", "signed", "--desc"]),
        [3, 2, 1, 5, 4]
    );
    assert_eq!(
        contracts("alice", &["--signed", "--sort", "signed"]),
        [1, 2, 3]
    );
    // Bill's clients' contracts (1, 2 and 5), and one client's.
    assert_eq!(contracts("bill", &["--mine", "--sort", "total"]), [5, 1, 2]);
    assert_eq!(contracts("bill", &["--mine", "--signed"]), [1, 2]);
    assert_eq!(
        contracts("alice", &["--client", "1", "--sort", "total", "--desc"]),
        [1, 5]
    );
    assert!(contracts("alice", &["--client", "4", "--signed"]).is_empty());
}

#[test]
fn events_sort_by_start_name_and_attendees() {
    let env = demo_with(&[("kate", KATE)]);
    let events = |extra: &[&str]| ids(&env, "kate", &list("events", extra));
    assert_eq!(events(&["--sort", "start"]), [3, 2, 1]);
    assert_eq!(events(&["--sort", "start", "--desc"]), [1, 2, 3]);
    // Cool Startup Launch Party, John Ouick Wedding, Lou Bouzin General Assembly.
    assert_eq!(events(&["--sort", "name"]), [3, 1, 2]);
    // 200, 120 and 75 attendees.
    assert_eq!(events(&["--sort", "attendees", "--desc"]), [2, 3, 1]);
    assert_eq!(events(&["--sort", "attendees"]), [1, 3, 2]);
    assert_eq!(
        events(&["--support", "5", "--sort", "attendees", "--desc"]),
        [3]
    );
    assert_eq!(
        events(&["--from", "2027-05-01", "--sort", "name", "--desc"]),
        [2, 1]
    );
}

/// Friday 4 June 2027, 10:00 local time: its ISO week runs from Monday 31 May to Sunday
/// 6 June.
const NOW: &str = "2027-06-04T10:00:00";

#[test]
fn a_period_is_today_this_iso_week_or_this_month_in_local_time() {
    let env = demo_with(&[]);
    // The session is issued by the same clock that reads the period.
    env.login_at("kate", KATE, NOW);
    // Event 1 (Kate's, client 2) is today at 13:00. Move 3 (client 1) to Sunday of this
    // week and 2 to later this month; add events at the edges, under contract 2.
    env.execute("UPDATE events SET starts_at = '2027-06-06T10:00', ends_at = '2027-06-06T12:00' WHERE id = 3;
             UPDATE events SET starts_at = '2027-06-20T15:00', ends_at = '2027-06-20T17:00' WHERE id = 2;
             INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees, created_at, updated_at) VALUES
               (2, 'Sunday before', '2027-05-30T23:00', '2027-05-30T23:30', 'Paris', 1, 't', 't'),
               (2, 'Monday midnight', '2027-05-31T00:00', '2027-05-31T01:00', 'Paris', 1, 't', 't'),
               (2, 'Next Monday', '2027-06-07T00:00', '2027-06-07T01:00', 'Paris', 1, 't', 't'),
               (2, 'Next month', '2027-07-01T00:00', '2027-07-01T01:00', 'Paris', 1, 't', 't');");
    let events = |extra: &[&str]| ids_at(&env, "kate", Some(NOW), &list("events", extra));
    assert_eq!(events(&["--period", "today"]), [1]);
    assert_eq!(events(&["--period", "week"]), [5, 1, 3]);
    assert_eq!(events(&["--period", "month"]), [1, 3, 6, 2]);
    // Combined with the other filters and with a sort.
    assert_eq!(events(&["--period", "week", "--client", "1"]), [3]);
    assert_eq!(events(&["--period", "month", "--support", "4"]), [1]);
    assert_eq!(
        events(&["--period", "month", "--sort", "name", "--desc"]),
        [6, 2, 1, 3]
    );
    // Another day, another week (and another session: each lasts eight hours).
    let events_on = |now, period| {
        env.login_at("kate", KATE, now);
        ids_at(
            &env,
            "kate",
            Some(now),
            &list("events", &["--period", period]),
        )
    };
    assert_eq!(events_on("2027-06-07T08:00:00", "week"), [6]);
    assert_eq!(events_on("2027-07-01T00:00:00", "today"), [7]);
    assert!(events_on("2027-06-05T23:59:59", "today").is_empty());
}

#[test]
fn bad_sorts_and_periods_are_one_line_usage_errors() {
    let env = demo_with(&[("alice", ALICE)]);
    let cases: [(&[&str], &str); 6] = [
        (
            &["clients", "list", "--sort", "email"],
            "error: invalid --sort: expected created, updated, name or company, got 'email'; see `help clients list`",
        ),
        (
            &["contracts", "list", "--sort", "amount"],
            "error: invalid --sort: expected created, signed, total, remaining or client, got 'amount'; see `help contracts list`",
        ),
        (
            &["events", "list", "--sort", "end", "--format", "json"],
            "error: invalid --sort: expected start, name or attendees, got 'end'; see `help events list`",
        ),
        (
            &["events", "list", "--desc"],
            "error: missing --sort <KEY>; see `help events list`",
        ),
        (
            &["events", "list", "--period", "week", "--to", "2027-06-30"],
            "error: the argument '--period <PERIOD>' cannot be used with '--to <DATE>'; see `help events list`",
        ),
        (
            &["events", "list", "--period", "year"],
            "error: invalid --period: expected today, week or month, got 'year'; see `help events list`",
        ),
    ];
    for (args, message) in cases {
        let run = env.run_as("alice", args, "");
        assert_eq!(run.fails(2), message, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    let run = env.run_as("alice", &["clients", "list", "--sales", "x"], "");
    assert_eq!(
        run.fails(1),
        "error: invalid --sales: expected a positive whole number, got \"x\""
    );
}
