//! The whole business workflow (PRODUCT.md §1–§4), end to end in the real binary.

use crate::helpers::{ALICE, BILL, KATE, TestEnv, json};

const SETUP: &str = "setup --employee-number EMP-1 --full-name 'Alice Manager' --email alice@epic.com --phone '+33 1 00 00 00 01'\n";

/// The JSON object or array that a `--format json` line printed, from a transcript.
fn last_json(out: &str) -> serde_json::Value {
    let start = out
        .rfind("\n{")
        .or_else(|| out.rfind("\n["))
        .map_or(0, |i| i + 1);
    json(&out[start..])
}

#[test]
fn every_department_does_its_job_from_first_contact_to_the_event() {
    let env = TestEnv::new();
    // On the machine that holds the database, in both modes.
    env.local_script(&format!("{SETUP}the manager's password\n"))
        .ok();
    let script = String::from(
        "login alice@epic.com\nthe manager's password\n\
         users create --employee-number E2 --full-name 'Bill Boquet' --email bill@epic.com --phone 0611111111 --department sales\nbill's password 1\n\
         users create --employee-number E3 --full-name 'Kate Hastroff' --email kate@epic.com --phone 0622222222 --department support\nkate's password 1\n\
         logout\n\
         # Sales records a client and gets the contract signed.\n\
         login bill@epic.com\nbill's password 1\n\
         clients create --full-name 'Kevin Casey' --email kevin@startup.io --phone '+678 123 456 78' --company-name 'Cool Startup LLC'\n\
         contracts create --client 1 --total 1500\n\
         contracts sign 1\n\
         contracts pay 1 500,50\n\
         events create --contract 1 --name 'Cool Startup Launch Party' --start '2027-03-12 19:00' --end '2027-03-13 01:00' --location 'Paris' --attendees 120\n\
         logout\n\
         # Management assigns support and raises the total of the signed contract.\n\
         login alice@epic.com\nthe manager's password\n\
         events assign 1 3\n\
         contracts update 1 --total 2000\n\
         logout\n\
         # Support keeps the event up to date.\n\
         login kate@epic.com\nkate's password 1\n\
         events update 1 --attendees 130 --notes 'DJ booked for midnight.'\n\
         events mine --format json\n",
    );
    let out = env.script(&script).ok().to_owned();
    let mine = last_json(&out);
    assert_eq!(mine.as_array().unwrap().len(), 1, "{out}");
    let event = &mine[0];
    assert_eq!(event["name"], "Cool Startup Launch Party");
    assert_eq!(event["client_name"], "Kevin Casey");
    assert_eq!(event["client_email"], "kevin@startup.io");
    assert_eq!(event["client_phone"], "+678 123 456 78");
    assert_eq!(event["start"], "2027-03-12T19:00");
    assert_eq!(event["end"], "2027-03-13T01:00");
    assert_eq!(event["attendees"], 130);
    assert_eq!(event["notes"], "DJ booked for midnight.");
    assert_eq!(event["support_contact_id"], 3);
    assert_eq!(event["support_contact"], "Kate Hastroff");

    let contract = json(
        env.run(&["contracts", "show", "1", "--format", "json"], "")
            .ok(),
    );
    assert_eq!(contract["client_id"], 1);
    assert_eq!(contract["client_name"], "Kevin Casey");
    assert_eq!(contract["sales_contact_id"], 2);
    assert_eq!(contract["total_amount"], "2000.00");
    assert_eq!(contract["remaining_amount"], "1499.50");
    assert_eq!(contract["signed"], true);
    assert!(contract["signed_at"].as_str().unwrap().ends_with('Z'));

    let client = json(
        env.run(&["clients", "show", "1", "--format", "json"], "")
            .ok(),
    );
    assert_eq!(client["sales_contact_id"], 2);
    assert_eq!(client["sales_contact"], "Bill Boquet");
    assert_eq!(client["company_name"], "Cool Startup LLC");

    assert_eq!(
        env.count("SELECT COUNT(*) FROM payments WHERE contract_id = 1 AND amount_cents = 50050"),
        1
    );
    let audited = env.count(
        "SELECT COUNT(*) FROM audit_log WHERE (entity, action) IN
         (VALUES ('client','create'), ('contract','create'), ('contract','sign'), ('contract','pay'),
                 ('event','create'), ('event','assign'), ('contract','update'), ('event','update'))",
    );
    assert_eq!(audited, 8, "one audit row per write");
}

#[test]
fn show_views_list_related_records_and_fit_eighty_columns() {
    let env = TestEnv::demo();
    env.login(KATE);
    for args in [
        ["clients", "show", "2"],
        ["contracts", "show", "2"],
        ["events", "show", "1"],
    ] {
        let mut command = env.command("default");
        command.env("COLUMNS", "80").args(args);
        let output = command.stdin(std::process::Stdio::null()).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(output.status.success(), "{args:?}");
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 80, "{args:?} is {widest} wide:\n{text}");
    }
    let client = env.run(&["clients", "show", "2"], "").ok().to_owned();
    assert!(
        client.contains("Contracts:")
            && client.contains("25000.00")
            && client.contains("John Ouick Wedding"),
        "{client}"
    );
    let contract = env.run(&["contracts", "show", "2"], "").ok().to_owned();
    assert!(
        contract.contains("Payments:")
            && contract.contains("10000.00")
            && contract.contains("15000.00"),
        "{contract}"
    );
    let event = env.run(&["events", "show", "1"], "").ok().to_owned();
    assert!(
        event.contains("john.ouick@gmail.com") && event.contains("DJ for"),
        "notes are shown whole: {event}"
    );
}

#[test]
fn bad_values_name_their_field_and_change_nothing() {
    let env = TestEnv::demo();
    let cases: [(&str, &[&str], &str); 18] = [
        (
            BILL,
            &["contracts", "pay", "2", "-5"],
            "invalid amount: expected an amount",
        ),
        (
            BILL,
            &["contracts", "pay", "2", "12,50,1"],
            "invalid amount: expected an amount",
        ),
        (
            BILL,
            &["contracts", "pay", "2", "0"],
            "invalid amount: must be more than 0",
        ),
        (
            BILL,
            &["contracts", "pay", "2", "15000.01"],
            "invalid amount: must be at most what remains to pay (15000.00)",
        ),
        (
            BILL,
            &["contracts", "pay", "5", "10"],
            "contract 5 is not signed yet",
        ),
        (
            ALICE,
            &["contracts", "update", "2", "--total", "9999.99"],
            "invalid total: must be at least what was already paid (10000.00)",
        ),
        (
            BILL,
            &["contracts", "create", "--client", "1", "--total", "abc"],
            "invalid total: expected an amount",
        ),
        (
            BILL,
            &["events", "update", "3", "--attendees", "1"],
            "permission denied",
        ),
        (
            BILL,
            &[
                "events",
                "create",
                "--contract",
                "1",
                "--name",
                "X",
                "--start",
                "2027-01-02 10:00",
                "--end",
                "2027-01-02 09:00",
                "--location",
                "Paris",
                "--attendees",
                "3",
            ],
            "invalid end: must be after the start (2027-01-02 10:00)",
        ),
        (
            KATE,
            &["events", "update", "1", "--start", "2027-06-05 03:00"],
            "invalid start: must be before the end (2027-06-05 02:00)",
        ),
        (
            BILL,
            &[
                "events",
                "create",
                "--contract",
                "1",
                "--name",
                "X",
                "--start",
                "2027-02-30 10:00",
                "--end",
                "2027-03-01 09:00",
                "--location",
                "Paris",
                "--attendees",
                "3",
            ],
            "invalid start: expected a date and time",
        ),
        (
            BILL,
            &[
                "events",
                "create",
                "--contract",
                "1",
                "--name",
                "X",
                "--start",
                "2027-01-02 10:00",
                "--end",
                "2027-01-02 11:00",
                "--location",
                "Paris",
                "--attendees",
                "-1",
            ],
            "invalid attendees: expected a whole number",
        ),
        (
            BILL,
            &[
                "events",
                "create",
                "--contract",
                "5",
                "--name",
                "X",
                "--start",
                "2027-01-02 10:00",
                "--end",
                "2027-01-02 11:00",
                "--location",
                "Paris",
                "--attendees",
                "3",
            ],
            "invalid contract: contract 5 is not signed yet",
        ),
        (
            BILL,
            &[
                "events",
                "create",
                "--contract",
                "99",
                "--name",
                "X",
                "--start",
                "2027-01-02 10:00",
                "--end",
                "2027-01-02 11:00",
                "--location",
                "Paris",
                "--attendees",
                "3",
            ],
            "invalid contract: there is no contract 99",
        ),
        (
            ALICE,
            &["events", "assign", "2", "3"],
            "invalid support contact: Sophie Vendeur is in sales, not support",
        ),
        (
            ALICE,
            &["clients", "reassign", "5", "4"],
            "invalid sales contact: Kate Hastroff is in support, not sales",
        ),
        (ALICE, &["contracts", "show", "42"], "contract 42 not found"),
        (
            BILL,
            &["contracts", "sign", "x1"],
            "invalid id: expected a positive whole number",
        ),
    ];
    let before = env.digest();
    for (who, args, message) in cases {
        env.login(who);
        let before_run = env.digest();
        let run = env.run(args, "");
        let line = run.fails(1);
        assert!(
            line.starts_with(&format!("error: {message}")),
            "{args:?}: {line}"
        );
        assert_eq!(env.digest(), before_run, "{args:?} changed the database");
    }
    // Logins write audit rows; nothing else moved.
    let strip = |d: &str| {
        d.lines()
            .filter(|l| !l.starts_with("audit_log") && !l.starts_with("collaborators"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&env.digest()), strip(&before));
}

#[test]
fn refusals_that_depend_on_the_state_of_a_record_say_why() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let before = env.digest();
    let cases: [(&[&str], &str); 5] = [
        (&["contracts", "sign", "1"], "contract 1 is already signed"),
        (
            &["clients", "delete", "1"],
            "client 1 still has 2 contract(s): delete them first",
        ),
        (
            &["contracts", "delete", "2"],
            "contract 2 has 1 event(s) and 1 payment(s): it cannot be deleted",
        ),
        (
            &["contracts", "update", "1", "--client", "3"],
            "contract 1 is signed: its client cannot change",
        ),
        (&["events", "mine"], "management has no events of its own"),
    ];
    for (args, message) in cases {
        let line = env.run(args, "").fails(1).to_owned();
        assert!(
            line.starts_with(&format!("error: {message}")),
            "{args:?}: {line}"
        );
    }
    assert_eq!(env.digest(), before);
    // Deleting what nothing depends on works.
    env.run(&["contracts", "delete", "5", "--yes"], "").ok();
    env.run(&["clients", "delete", "5"], "").ok();
    env.run(&["events", "delete", "2"], "").ok();
    assert_eq!(env.count("SELECT COUNT(*) FROM contracts WHERE id = 5"), 0);
    assert_eq!(env.count("SELECT COUNT(*) FROM clients WHERE id = 5"), 0);
    assert_eq!(env.count("SELECT COUNT(*) FROM events WHERE id = 2"), 0);
}
