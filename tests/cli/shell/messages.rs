//! Messages (issue points 5, 8 and 9), as transcripts: piped scripts and one-shot commands,
//! each with the exact line the user reads and the state of the database after it.

use super::MIA_PASSWORD;
use crate::helpers::{ALICE, BILL, DEMO_PASSWORD, KATE, TestEnv, json, pipe};
use crate::trust::fails_with;

#[test]
fn an_update_to_the_same_values_says_nothing_changed_and_writes_nothing() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);
    env.login_as("kate", KATE);
    let before = env.digest();
    for (who, args, said) in [
        (
            "bill",
            &["clients", "update", "1", "--phone", "+678 123 456 78"][..],
            "Nothing changed: client 1 already has these values.",
        ),
        (
            "alice",
            &["users", "update", "2", "--department", "sales"][..],
            "Nothing changed: collaborator 2 already has these values.",
        ),
        (
            "kate",
            &[
                "events",
                "update",
                "1",
                "--attendees",
                "75",
                "--contract",
                "2",
            ][..],
            "Nothing changed: event 1 already has these values.",
        ),
    ] {
        let run = env.run_as(who, args, "");
        assert_eq!(run.ok().trim_end(), said, "{args:?}");
    }
    assert_eq!(env.digest(), before, "no audit row, no updated_at");
    // The control: a real change is written, with its audit row.
    env.run_as(
        "bill",
        &["clients", "update", "1", "--phone", "+678 000"],
        "",
    )
    .ok();
    assert_ne!(env.digest(), before);
}

#[test]
fn my_events_is_events_mine() {
    let env = TestEnv::demo();
    env.login(KATE);
    let mine = env.run(&["events", "mine", "--format", "json"], "");
    let alias = env.run(&["events", "my-events", "--format", "json"], "");
    assert_eq!(json(alias.ok()), json(mine.ok()));
    assert_eq!(json(mine.ok())[0]["name"], "John Ouick Wedding");
    let piped = env.script("events\nmy-events --format csv\n");
    assert!(piped.ok().contains("John Ouick Wedding"), "{piped:?}");
}

#[test]
fn a_locked_account_is_said_only_to_the_right_password_with_how_long() {
    let env = TestEnv::demo();
    env.execute(&format!(
        "UPDATE collaborators SET failed_logins = 5, locked_until = '{}' WHERE id = 2",
        crate::helpers::utc_in(10)
    ));
    let run = env.run(
        &["--keep-going"],
        &format!("login {BILL}\nnot the password\nlogin {BILL}\n{DEMO_PASSWORD}\n"),
    );
    assert_eq!(
        run.stderr,
        "line 1: error: invalid email or password\n\
         line 3: error: this account is locked after too many failed attempts: try again in 10 minutes, or ask management to unlock it\n"
    );
    assert!(!env.home("default").join("session").exists());
}

#[test]
fn an_expired_session_says_so_and_how_to_go_on() {
    let env = TestEnv::demo();
    // Bill's genuine session, read 8 hours and a minute after it was issued (the debug
    // builds' test clock): its 8 hours are over.
    env.login_at("default", BILL, "2027-06-04T09:00:00");
    let later = |args: &[&str], stdin: &str| {
        let mut command = env.command_at("default", "2027-06-04T17:01:00");
        command.args(args);
        pipe(command, stdin)
    };
    fails_with(
        &later(&["clients", "list"], ""),
        "error: your session expired: log in again",
    );
    let piped = later(&[], "whoami\n");
    assert_eq!(piped.code, 1);
    assert_eq!(
        piped.stderr,
        "line 1: error: your session expired: log in again\n"
    );
}

#[test]
fn a_one_shot_command_on_an_empty_database_points_to_setup_and_demo() {
    let env = TestEnv::new();
    let run = env.run(&["clients", "list"], "");
    let line = run.fails(1);
    assert!(
        line.contains("run `epicevents setup`") && line.contains("`epicevents demo`"),
        "{line}"
    );
    assert!(
        !env.db_path().exists(),
        "a one-shot command created a database"
    );
    // A database that exists but has nobody in it (an empty script created it).
    env.script("").ok();
    fails_with(
        &env.run(&["clients", "list"], ""),
        "error: this database has no collaborators yet: run `epicevents setup` to create the first management account, or `epicevents demo` for sample data",
    );
}

#[test]
fn setup_logs_the_new_manager_in() {
    let env = TestEnv::new();
    let run = env.script(&format!(
        "setup --employee-number E1 --full-name 'Mia Manager' --email mia@epic.com --phone '+33 1 00 00 00 09'\n\
         {MIA_PASSWORD}\n\
         whoami\n"
    ));
    let out = run.ok();
    assert!(
        out.contains(
            "Created Mia Manager <mia@epic.com>, management (collaborator 1). You are logged in"
        ),
        "{out}"
    );
    assert!(
        out.contains("Mia Manager <mia@epic.com>, management (collaborator 1)\n"),
        "{out}"
    );
}

/// The commands `help` lists at the top level: the first word of each indented line.
fn top_level_commands(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn top_level_help_lists_only_what_works_there_for_whoever_asks() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);
    let sales = top_level_commands(env.run_as("bill", &["help"], "").ok());
    let management = top_level_commands(env.run_as("alice", &["help"], "").ok());
    for command in [
        "login", "whoami", "clients", "events", "users", "help", "exit",
    ] {
        assert!(sales.iter().any(|c| c == command), "{command}: {sales:?}");
    }
    for hidden in ["back", "audit", "backup"] {
        assert!(!sales.iter().any(|c| c == hidden), "{hidden}: {sales:?}");
    }
    assert!(!management.iter().any(|c| c == "back"), "{management:?}");
    for shown in ["audit", "backup"] {
        assert!(
            management.iter().any(|c| c == shown),
            "{shown}: {management:?}"
        );
    }
}

#[test]
fn support_moving_an_event_to_another_contract_is_told_the_real_rule() {
    let env = TestEnv::demo();
    env.login(KATE);
    let before = env.digest();
    fails_with(
        &env.run(&["events", "update", "1", "--contract", "3"], ""),
        "error: permission denied: only the client's sales contact can move an event to another contract",
    );
    assert_eq!(env.digest(), before);
}

#[test]
fn bad_flag_values_name_the_flag_and_what_it_accepts() {
    let env = TestEnv::demo();
    env.login(BILL);
    let xml = env.run(&["clients", "list", "--format", "xml"], "");
    assert_eq!(
        xml.fails(2),
        "error: invalid --format: expected table, json or csv, got 'xml'; see `help clients list`"
    );
    let page = env.run(&["clients", "list", "--page", "0"], "");
    let line = page.fails(2);
    assert_eq!(
        line,
        "error: invalid --page: expected a page number, 1 or more, got '0'; see `help clients list`"
    );
    assert!(!line.contains(".."), "Rust range syntax: {line}");
    let from = env.run(&["events", "list", "--from", "next week"], "");
    assert_eq!(
        from.fails(1),
        "error: invalid --from: expected a date like 2026-06-04 or 2026-06-04 13:00, got \"next week\""
    );
}

#[test]
fn a_footer_past_the_count_cap_never_says_fewer_than_it_shows() {
    let env = TestEnv::demo();
    // 10,100 clients of Bill's that a search for "bulk" finds: more than the 10,000 a search
    // counts.
    env.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10100) \
         INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id, \
                              created_at, updated_at) \
         SELECT 'Bulk ' || i, 'bulk' || i || '@example.org', '+33 6 00 00 00 00', 'Bulk Co', \
                2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n",
    );
    env.login(BILL);
    let run = env.run(
        &["clients", "list", "--search", "bulk", "--page", "401"],
        "",
    );
    let footer = run.ok().lines().last().unwrap().to_owned();
    assert_eq!(
        footer,
        "10001–10025 of more than 10025 clients; more: `clients list --search bulk --page 402`, or narrow the search."
    );
    // The last page, full to its last row, says the exact total (the next one would be empty).
    let run = env.run(
        &["clients", "list", "--search", "bulk", "--page", "404"],
        "",
    );
    assert_eq!(
        run.ok().lines().last().unwrap(),
        "10076–10100 of 10100 clients."
    );
    // Every list counts at most 10,000 rows (repo::COUNT_CAP): without a search, the footer
    // says so without asking to narrow a search that is not there.
    let run = env.run(&["clients", "list"], "");
    assert_eq!(
        run.ok().lines().last().unwrap(),
        "1–25 of more than 10000 clients; more: `clients list --page 2`."
    );
    let run = env.run(&["clients", "list", "--page", "405"], "");
    assert_eq!(
        run.ok().lines().last().unwrap(),
        "10101–10105 of 10105 clients."
    );
}
