//! The list filters against the demo data, where every filter has rows in and rows out.
//!
//! The demo data set (src/service/demo.rs), by id:
//!
//! - collaborators: 1 Alice (management), 2 Bill and 3 Sophie (sales), 4 Kate and
//!   5 Aliénor (support);
//! - clients: 1 Kevin Casey and 2 John Ouick (Bill), 3 Lou Bouzin and 4 Gaëlle Martin
//!   (Sophie), 5 Ana Ribeiro (no sales contact);
//! - contracts: 1 (client 1) signed and fully paid, 2 (client 2) signed and partly paid,
//!   3 (client 3) signed and unpaid, 4 (client 4) and 5 (client 1) unsigned and unpaid;
//! - events, in the order they happen: 3 (contract 1, Aliénor) 2027-03-12 19:00,
//!   2 (contract 3, no support) 2027-05-05 15:00, 1 (contract 2, Kate) 2027-06-04 13:00.
//!
//! Lists are read as JSON and compared as whole ordered lists of ids, so that a filter
//! letting in a row too many or leaving one out fails; the table footer of the same command
//! must count the same rows.

use crate::helpers::{ALICE, BILL, KATE, TestEnv, json};

const SOPHIE: &str = "sophie.vendeur@epic.com";
const ALIENOR: &str = "alienor.vichum@epic.com";

/// The ids `args` lists for `who`, in order, read from `--format json`. The table output
/// of the same command must end with a footer counting as many rows.
#[track_caller]
fn ids(env: &TestEnv, who: &str, args: &[&str]) -> Vec<i64> {
    let mut as_json = args.to_vec();
    as_json.extend(["--format", "json"]);
    let listed = json(env.run_as(who, &as_json, "").ok());
    let ids: Vec<i64> = listed
        .as_array()
        .unwrap_or_else(|| panic!("{args:?}: not a JSON array: {listed}"))
        .iter()
        .map(|row| row["id"].as_i64().expect("every row has an id"))
        .collect();
    let table = env.run_as(who, args, "").ok().to_owned();
    // The menu's name is the plural noun; one row takes the singular.
    let many = args[0];
    let footer = match ids.len() {
        0 => format!("No {many} match."),
        1 => format!("1–1 of 1 {}.", many.trim_end_matches('s')),
        n => format!("1–{n} of {n} {many}."),
    };
    assert_eq!(
        table.lines().last().unwrap_or_default(),
        footer,
        "{args:?} as a table:\n{table}"
    );
    ids
}

/// The demo data set, with each `(who, email)` logged in in their own data directory.
fn demo_with(logins: &[(&str, &str)]) -> TestEnv {
    let env = TestEnv::demo();
    for (who, email) in logins {
        env.login_as(who, email);
    }
    env
}

#[test]
fn unsigned_lists_only_contracts_not_signed_yet() {
    let env = demo_with(&[("alice", ALICE)]);
    assert_eq!(ids(&env, "alice", &["contracts", "list"]), [1, 2, 3, 4, 5]);
    assert_eq!(ids(&env, "alice", &["contracts", "unsigned"]), [4, 5]);
    let table = env
        .run_as("alice", &["contracts", "unsigned"], "")
        .ok()
        .to_owned();
    assert!(table.contains("1–2 of 2 contracts."), "{table}");
    assert!(table.contains("Gaëlle Martin") && table.contains("Kevin Casey"));
    assert!(!table.contains("John Ouick") && !table.contains("Lou Bouzin"));

    env.run_as("alice", &["contracts", "sign", "4"], "").ok();
    assert_eq!(ids(&env, "alice", &["contracts", "unsigned"]), [5]);
}

#[test]
fn unpaid_lists_contracts_with_something_left_to_pay() {
    let env = demo_with(&[("alice", ALICE)]);
    // 1 is fully paid: out. 2 is partly paid: in. 3, 4 and 5 have nothing paid: in.
    assert_eq!(ids(&env, "alice", &["contracts", "unpaid"]), [2, 3, 4, 5]);

    env.run_as("alice", &["contracts", "pay", "3", "7999.99"], "")
        .ok();
    assert_eq!(
        ids(&env, "alice", &["contracts", "unpaid"]),
        [2, 3, 4, 5],
        "one cent left to pay is still unpaid"
    );
    env.run_as("alice", &["contracts", "pay", "3", "0,01"], "")
        .ok();
    assert_eq!(ids(&env, "alice", &["contracts", "unpaid"]), [2, 4, 5]);
}

#[test]
fn contracts_list_by_client_keeps_only_that_clients_contracts() {
    let env = demo_with(&[("alice", ALICE)]);
    assert_eq!(
        ids(&env, "alice", &["contracts", "list", "--client", "1"]),
        [1, 5]
    );
    assert_eq!(
        ids(&env, "alice", &["contracts", "list", "--client", "2"]),
        [2]
    );
    assert_eq!(
        ids(&env, "alice", &["contracts", "list", "--client", "4"]),
        [4]
    );
    assert!(ids(&env, "alice", &["contracts", "list", "--client", "5"]).is_empty());
    assert!(ids(&env, "alice", &["contracts", "list", "--client", "99"]).is_empty());
}

#[test]
fn a_salesperson_s_mine_keeps_only_their_own_clients_contracts() {
    let env = demo_with(&[("bill", BILL), ("sophie", SOPHIE)]);
    assert_eq!(
        ids(&env, "bill", &["contracts", "list", "--mine"]),
        [1, 2, 5]
    );
    assert_eq!(ids(&env, "bill", &["contracts", "unsigned", "--mine"]), [5]);
    assert_eq!(
        ids(&env, "bill", &["contracts", "unpaid", "--mine"]),
        [2, 5]
    );
    assert_eq!(
        ids(&env, "sophie", &["contracts", "list", "--mine"]),
        [3, 4]
    );
    assert_eq!(
        ids(&env, "sophie", &["contracts", "unsigned", "--mine"]),
        [4]
    );
    assert_eq!(
        ids(&env, "sophie", &["contracts", "unpaid", "--mine"]),
        [3, 4]
    );
    // Without --mine a salesperson reads every contract; with both filters, both apply.
    assert_eq!(ids(&env, "bill", &["contracts", "unsigned"]), [4, 5]);
    assert_eq!(
        ids(
            &env,
            "bill",
            &["contracts", "list", "--mine", "--client", "1"]
        ),
        [1, 5]
    );
    assert!(
        ids(
            &env,
            "bill",
            &["contracts", "list", "--mine", "--client", "3"]
        )
        .is_empty()
    );
}

#[test]
fn no_support_lists_only_events_without_a_support_contact() {
    let env = demo_with(&[("alice", ALICE)]);
    assert_eq!(ids(&env, "alice", &["events", "list"]), [3, 2, 1]);
    assert_eq!(ids(&env, "alice", &["events", "no-support"]), [2]);

    env.run_as("alice", &["events", "assign", "2", "4"], "")
        .ok();
    assert!(ids(&env, "alice", &["events", "no-support"]).is_empty());
    env.run_as("alice", &["events", "unassign", "1"], "").ok();
    assert_eq!(ids(&env, "alice", &["events", "no-support"]), [1]);
}

#[test]
fn support_sees_as_mine_only_the_events_assigned_to_them() {
    let env = demo_with(&[("alice", ALICE), ("kate", KATE), ("alienor", ALIENOR)]);
    assert_eq!(ids(&env, "kate", &["events", "mine"]), [1]);
    assert_eq!(ids(&env, "alienor", &["events", "mine"]), [3]);

    env.run_as("alice", &["events", "assign", "2", "4"], "")
        .ok();
    assert_eq!(ids(&env, "kate", &["events", "mine"]), [2, 1]);
    assert_eq!(ids(&env, "alienor", &["events", "mine"]), [3]);
}

#[test]
fn sales_sees_as_mine_only_their_own_clients_events() {
    let env = demo_with(&[("bill", BILL), ("sophie", SOPHIE)]);
    // Bill's clients are 1 (event 3) and 2 (event 1); Sophie's client 3 has event 2.
    assert_eq!(ids(&env, "bill", &["events", "mine"]), [3, 1]);
    assert_eq!(ids(&env, "sophie", &["events", "mine"]), [2]);
}

/// A salesperson's events are their clients' events at every moment: after a client is
/// reassigned or a salesperson deleted. (PostgreSQL's events carry a copy of their client's
/// sales contact for this list.)
#[test]
fn sales_mine_follows_every_change_of_who_the_client_belongs_to() {
    let env = demo_with(&[("alice", ALICE), ("bill", BILL), ("sophie", SOPHIE)]);
    let mine = |who| ids(&env, who, &["events", "mine"]);
    let alice = |args: &[&str]| {
        env.run_as("alice", args, "").ok();
    };

    // Client 2 (event 1) goes from Bill to Sophie.
    alice(&["clients", "reassign", "2", "3"]);
    assert_eq!(mine("bill"), [3]);
    assert_eq!(mine("sophie"), [2, 1]);

    // Client 1 (event 3) goes to Sophie too, then client 3 (event 2) to Bill.
    alice(&["clients", "reassign", "1", "3"]);
    assert!(mine("bill").is_empty());
    assert_eq!(mine("sophie"), [3, 2, 1]);
    alice(&["clients", "reassign", "3", "2"]);
    assert_eq!(mine("bill"), [2]);
    assert_eq!(mine("sophie"), [3, 1]);

    // Sophie is deleted: her clients 1, 2 and 4 are left without a sales contact, and so
    // are their events until they are Bill's.
    alice(&["users", "delete", "3", "--yes"]);
    let unassigned = ids(&env, "alice", &["clients", "list", "--unassigned"]);
    assert_eq!(unassigned, [1, 2, 4, 5]);
    assert_eq!(mine("bill"), [2]);
    alice(&["clients", "reassign", "2", "2"]);
    assert_eq!(mine("bill"), [2, 1]);
}

#[test]
fn management_is_refused_events_mine_in_one_line() {
    let env = demo_with(&[("alice", ALICE)]);
    for args in [
        &["events", "mine"][..],
        &["events", "mine", "--format", "json"],
    ] {
        let run = env.run_as("alice", args, "");
        assert_eq!(
            run.fails(1),
            "error: management has no events of its own: use `events list` or `events no-support`"
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn events_list_by_client_or_support_keeps_only_those_events() {
    let env = demo_with(&[("kate", KATE)]);
    let list = |extra: &[&str]| {
        let mut args = vec!["events", "list"];
        args.extend(extra);
        ids(&env, "kate", &args)
    };
    assert_eq!(list(&["--client", "1"]), [3]);
    assert_eq!(list(&["--client", "2"]), [1]);
    assert_eq!(list(&["--client", "3"]), [2]);
    assert!(list(&["--client", "4"]).is_empty());
    assert_eq!(list(&["--support", "4"]), [1]);
    assert_eq!(list(&["--support", "5"]), [3]);
    assert!(list(&["--support", "2"]).is_empty());
    assert_eq!(list(&["--client", "1", "--support", "5"]), [3]);
    assert!(list(&["--client", "1", "--support", "4"]).is_empty());
}

#[test]
fn date_bounds_take_whole_days_or_exact_minutes_and_combine() {
    let env = demo_with(&[("kate", KATE)]);
    // Events start 2027-03-12 19:00 (3), 2027-05-05 15:00 (2), 2027-06-04 13:00 (1).
    let cases: [(&[&str], &[i64]); 13] = [
        (&["--from", "2027-05-01"], &[2, 1]),
        (&["--from", "2027-05-05"], &[2, 1]),
        (&["--from", "2027-05-06"], &[1]),
        (&["--from", "2027-06-05"], &[]),
        (&["--to", "2027-05-05"], &[3, 2]),
        (&["--to", "2027-05-04"], &[3]),
        (&["--to", "2027-03-11"], &[]),
        (&["--from", "2027-05-05", "--to", "2027-05-05"], &[2]),
        (&["--from", "2027-03-01", "--to", "2027-05-31"], &[3, 2]),
        (&["--from", "2027-05-05 15:00"], &[2, 1]),
        (&["--from", "2027-05-05 15:01"], &[1]),
        (&["--to", "2027-05-05 15:00"], &[3, 2]),
        (&["--to", "2027-05-05 14:59"], &[3]),
    ];
    for (bounds, expected) in cases {
        let mut args = vec!["events", "list"];
        args.extend(bounds);
        assert_eq!(ids(&env, "kate", &args), expected, "{bounds:?}");
    }
    // A range that ends before it starts is a typo: said so, rather than an empty list.
    let inverted = env.run_as(
        "kate",
        &[
            "events",
            "list",
            "--from",
            "2027-05-06",
            "--to",
            "2027-05-04",
        ],
        "",
    );
    assert_eq!(
        inverted.fails(1),
        "error: invalid --to: must be after --from"
    );
    assert!(
        ids(
            &env,
            "kate",
            &["events", "list", "--client", "3", "--from", "2027-05-06"]
        )
        .is_empty()
    );
    assert_eq!(
        ids(
            &env,
            "kate",
            &["events", "list", "--client", "3", "--to", "2027-05-05"]
        ),
        [2]
    );
}

#[test]
fn clients_list_mine_and_unassigned_keep_only_those_clients() {
    let env = demo_with(&[("alice", ALICE), ("bill", BILL), ("sophie", SOPHIE)]);
    assert_eq!(ids(&env, "alice", &["clients", "list"]), [1, 2, 3, 4, 5]);
    assert_eq!(ids(&env, "bill", &["clients", "list", "--mine"]), [1, 2]);
    assert_eq!(ids(&env, "sophie", &["clients", "list", "--mine"]), [3, 4]);
    assert_eq!(
        ids(&env, "alice", &["clients", "list", "--unassigned"]),
        [5]
    );
    assert!(ids(&env, "bill", &["clients", "list", "--mine", "--unassigned"]).is_empty());

    env.run_as(
        "sophie",
        &[
            "clients",
            "create",
            "--full-name",
            "Nora Nouvelle",
            "--email",
            "nora@nouvelle.fr",
            "--phone",
            "0612345678",
            "--company-name",
            "Nouvelle SA",
        ],
        "",
    )
    .ok();
    assert_eq!(
        ids(&env, "sophie", &["clients", "list", "--mine"]),
        [3, 4, 6]
    );
    assert_eq!(ids(&env, "bill", &["clients", "list", "--mine"]), [1, 2]);
    assert_eq!(
        ids(&env, "alice", &["clients", "list", "--unassigned"]),
        [5]
    );
}

#[test]
fn search_matches_name_email_and_company_ignoring_ascii_case() {
    let env = demo_with(&[("kate", KATE)]);
    let search = |text: &str| ids(&env, "kate", &["clients", "list", "--search", text]);
    // Only in a full name, only in an email, only in a company name.
    assert_eq!(search("casey"), [1]);
    assert_eq!(search("CASEY"), [1]);
    assert_eq!(search("STARTUP.IO"), [1]);
    assert_eq!(search("studio LUM"), [4]);
    assert_eq!(search("Cool Startup"), [1]);
    assert_eq!(search("ouick"), [2]);
    // Part of a word, in several clients.
    assert_eq!(search("OU"), [2, 3]);
    assert!(search("nobody").is_empty());
    // Nothing in the demo data has a % or an _: as wildcards they would match everyone.
    assert!(search("%").is_empty());
    assert!(search("_").is_empty());
    // Filters combine: of every client with an "a", only Ana has no sales contact.
    let with_unassigned = |text: &str| {
        ids(
            &env,
            "kate",
            &["clients", "list", "--search", text, "--unassigned"],
        )
    };
    assert_eq!(with_unassigned("a"), [5]);
    assert!(with_unassigned("casey").is_empty());
}

#[test]
fn search_treats_percent_underscore_and_backslash_as_themselves() {
    let env = demo_with(&[("bill", BILL)]);
    let clients: [(&str, &str, &str); 6] = [
        ("Paul Percent", "paul@hundred.fr", "100% Events"),
        ("Xavier Decoy", "xavier@decoy.fr", "100X Events"),
        ("Una under_score", "una@mail.fr", "Plain Co"),
        ("Ulysse underXscore", "ulysse@mail.fr", "Other Co"),
        ("Bob Backslash", "bob@mail.fr", "Back\\Slash Ltd"),
        ("Emma Email", "first_last@mail.fr", "Mail Co"),
    ];
    for (i, (name, email, company)) in clients.iter().enumerate() {
        let phone = format!("06123456{i:02}");
        let out = env
            .run_as(
                "bill",
                &[
                    "clients",
                    "create",
                    "--full-name",
                    name,
                    "--email",
                    email,
                    "--phone",
                    &phone,
                    "--company-name",
                    company,
                ],
                "",
            )
            .ok()
            .to_owned();
        assert!(
            out.starts_with(&format!("Created client {}:", i + 6)),
            "{out}"
        );
    }
    let search = |text: &str| ids(&env, "bill", &["clients", "list", "--search", text]);
    assert_eq!(search("%"), [6]);
    assert_eq!(search("100%"), [6]);
    assert_eq!(search("0% EVENTS"), [6]);
    assert_eq!(search("100"), [6, 7]);
    assert_eq!(search("_"), [8, 11]);
    assert_eq!(search("under_score"), [8]);
    assert_eq!(search("UNDER_SCORE"), [8]);
    assert_eq!(search("r_s"), [8]);
    assert_eq!(search("underxscore"), [9]);
    assert_eq!(search("first_last"), [11]);
    assert_eq!(search("\\"), [10]);
    assert_eq!(search("k\\s"), [10]);
    assert!(search("%_").is_empty());
    assert!(search("_%").is_empty());
    assert!(search("1_0").is_empty());
}

#[test]
fn invalid_filter_values_fail_in_one_line_naming_the_field() {
    let env = demo_with(&[("alice", ALICE)]);
    let cases: [(&[&str], &str); 9] = [
        (
            &["events", "list", "--from", "2026-02-30"],
            "error: invalid --from: expected a date like 2026-06-04 or 2026-06-04 13:00",
        ),
        (
            &["events", "list", "--to", "2027-13-01"],
            "error: invalid --to: expected a date like 2026-06-04",
        ),
        (
            &["events", "list", "--to", "2027-05-05 25:00"],
            "error: invalid --to: expected a date like 2026-06-04",
        ),
        (
            &["events", "list", "--from", "tomorrow"],
            "error: invalid --from: expected a date like 2026-06-04",
        ),
        (
            &["events", "list", "--client", "abc"],
            "error: invalid --client: expected a positive whole number",
        ),
        (
            &["events", "list", "--support", "0"],
            "error: invalid --support: expected a positive whole number",
        ),
        (
            &["events", "list", "--support", "4", "--client", "1.5"],
            "error: invalid --client: expected a positive whole number",
        ),
        (
            &["contracts", "list", "--client", "abc"],
            "error: invalid --client: expected a positive whole number",
        ),
        (
            &["contracts", "list", "--client", "0", "--format", "json"],
            "error: invalid --client: expected a positive whole number",
        ),
    ];
    for (args, message) in cases {
        let run = env.run_as("alice", args, "");
        let line = run.fails(1);
        assert!(line.starts_with(message), "{args:?}: {line}");
        assert_eq!(run.stdout, "", "{args:?} printed rows");
    }
}

#[test]
fn mine_is_refused_to_departments_that_have_no_clients_of_their_own() {
    let env = TestEnv::demo();
    for (who, department) in [(ALICE, "management"), (KATE, "support")] {
        env.login(who);
        for args in [
            &["clients", "list", "--mine"][..],
            &["contracts", "unpaid", "--mine"][..],
        ] {
            let run = env.run(args, "");
            assert_eq!(
                run.fails(1),
                format!(
                    "error: --mine lists a salesperson's own clients, and {department} has none: leave it out to see them all"
                ),
                "{args:?}"
            );
        }
    }
}

#[test]
fn a_single_row_footer_uses_the_singular() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let out = env
        .run(&["clients", "list", "--unassigned"], "")
        .ok()
        .to_owned();
    assert_eq!(out.lines().last(), Some("1–1 of 1 client."), "{out}");
}
