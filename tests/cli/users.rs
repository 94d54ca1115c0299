//! The users menu: management writes, everybody reads, bad input changes nothing.

use crate::helpers::{ALICE, BILL, KATE, TestEnv, json};

const NEW_USER: &[&str] = &[
    "users",
    "create",
    "--employee-number",
    "E9",
    "--full-name",
    "Nina New",
    "--email",
    "nina@epic.com",
    "--phone",
    "0611111111",
    "--department",
    "sales",
];

#[test]
fn sales_and_support_are_refused_every_users_write_and_nothing_changes() {
    let env = TestEnv::demo();
    for email in [BILL, KATE] {
        env.login(email);
        let before = env.digest();
        let writes: [(&[&str], &str); 3] = [
            (NEW_USER, "a long enough password\n"),
            (&["users", "update", "3", "--phone", "0699999999"], ""),
            (&["users", "delete", "3"], ""),
        ];
        for (args, stdin) in writes {
            let run = env.run(args, stdin);
            let verb = args[1];
            assert_eq!(
                run.fails(1),
                format!("error: permission denied: only management can {verb} collaborators")
            );
            assert_eq!(env.digest(), before, "{args:?} changed the database");
        }
    }
}

#[test]
fn everybody_reads_collaborators() {
    let env = TestEnv::demo();
    env.login(KATE);
    let listed = env.run(&["users", "list"], "").ok().to_owned();
    assert!(
        listed.contains("Alice Manager") && listed.contains("1–5 of 5 collaborators."),
        "{listed}"
    );
    let shown = json(
        env.run(&["users", "show", "2", "--format", "json"], "")
            .ok(),
    );
    assert_eq!(shown["email"], BILL);
    assert_eq!(shown["department"], "sales");
}

#[test]
fn lists_filter_by_department_and_page() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let sales = json(
        env.run(
            &["users", "list", "--department", "sales", "--format", "json"],
            "",
        )
        .ok(),
    );
    let names: Vec<&str> = sales
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bill Boquet", "Sophie Vendeur"]);
    let page = env
        .run(&["users", "list", "--page-size", "2", "--page", "2"], "")
        .ok()
        .to_owned();
    assert!(
        page.contains("Sophie Vendeur")
            && page.contains("Kate Hastroff")
            && !page.contains("Bill Boquet"),
        "{page}"
    );
    assert!(
        page.contains("3–4 of 5 collaborators; 1 more: `users list --page-size 2 --page 3`."),
        "{page}"
    );
    let past = env
        .run(&["users", "list", "--page", "9"], "")
        .ok()
        .to_owned();
    assert!(
        past.contains("Page 9 is empty: there are 5 collaborators (1 page)."),
        "{past}"
    );
    let csv = env
        .run(
            &[
                "users",
                "list",
                "--department",
                "support",
                "--format",
                "csv",
            ],
            "",
        )
        .ok()
        .to_owned();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,employee_number,full_name,email,phone,department,created_at,updated_at"
    );
    assert_eq!(lines.len(), 3);
}

#[test]
fn bad_input_names_the_field_and_changes_nothing() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let before = env.digest();
    let with = |flag: &str, value: &str| -> Vec<String> {
        let mut args: Vec<String> = NEW_USER.iter().map(|s| s.to_string()).collect();
        let at = args.iter().position(|a| a == flag).unwrap();
        args[at + 1] = value.to_owned();
        args
    };
    let cases: Vec<(Vec<String>, &str, i32, &str)> = vec![
        (
            with("--email", "nina"),
            "a long enough password\n",
            1,
            "error: invalid email: expected an address like name@example.com",
        ),
        (
            with("--email", "BILL.boquet@epic.com"),
            "a long enough password\n",
            1,
            "error: invalid email: another collaborator already uses this address",
        ),
        (
            with("--employee-number", "emp-0001"),
            "a long enough password\n",
            1,
            "error: invalid employee number: another collaborator already has this number",
        ),
        (
            with("--department", "marketing"),
            "a long enough password\n",
            1,
            "error: invalid department: expected management, sales or support",
        ),
        (
            with("--phone", "call me"),
            "a long enough password\n",
            1,
            "error: invalid phone: expected 6 to 20 digits",
        ),
        (
            with("--full-name", "  "),
            "a long enough password\n",
            1,
            "error: invalid full name: must not be empty",
        ),
        (
            NEW_USER.iter().map(|s| s.to_string()).collect(),
            "short\n",
            1,
            "error: invalid password: must be at least 12 characters",
        ),
        (
            vec!["users".into(), "show".into(), "99".into()],
            "",
            1,
            "error: collaborator 99 not found",
        ),
        (
            vec![
                "users".into(),
                "update".into(),
                "99".into(),
                "--phone".into(),
                "0612345678".into(),
            ],
            "",
            1,
            "error: collaborator 99 not found",
        ),
        (
            vec!["users".into(), "delete".into(), "abc".into()],
            "",
            1,
            "error: invalid id: expected a positive whole number, got \"abc\"",
        ),
        (
            vec![
                "users".into(),
                "create".into(),
                "--colour".into(),
                "red".into(),
            ],
            "",
            2,
            "error: unknown flag '--colour'; see `help users create`",
        ),
        (
            vec!["users".into(), "update".into(), "2".into()],
            "",
            2,
            "error: nothing to update: give at least one of --department, --employee-number, --full-name, --email, --phone",
        ),
    ];
    for (args, stdin, code, message) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = env.run(&args, stdin);
        let line = run.fails(code);
        assert!(line.starts_with(message), "{args:?}: {line}");
        assert_eq!(env.digest(), before, "{args:?} changed the database");
    }
}

#[test]
fn a_missing_field_without_a_terminal_names_its_flag() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let run = env.run(
        &[
            "users",
            "create",
            "--department",
            "sales",
            "--full-name",
            "Nina",
        ],
        "",
    );
    assert_eq!(
        run.fails(1),
        "error: missing --employee-number: give it as a flag, since input is not a terminal"
    );
}

#[test]
fn the_last_manager_cannot_leave_management() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let run = env.run(&["users", "update", "1", "--department", "sales"], "");
    assert!(run.fails(1).contains("last management collaborator"));
    assert_eq!(
        env.count("SELECT department_id FROM collaborators WHERE id = 1"),
        1
    );
}

#[test]
fn moving_a_salesperson_releases_their_clients_in_the_same_change() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let out = env
        .run(&["users", "update", "2", "--department", "support"], "")
        .ok()
        .to_owned();
    assert!(out.contains("2 clients have no sales contact now"), "{out}");
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients WHERE id IN (1, 2) AND sales_contact_id IS NULL"),
        2
    );
    let audit = env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND changes LIKE '%released_clients%'");
    assert_eq!(audit, 1);
}
