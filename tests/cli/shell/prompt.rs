//! Who the shell acts as (issue points 6 and 8): the prompt names who is logged in, a login
//! in another window is said before the next line runs (and that line does not run), and a
//! first start on an empty database offers `setup` or `demo`, after which the new manager
//! is logged in.

use rexpect::session::spawn_command;

use super::MIA_PASSWORD;
use crate::helpers::{ALICE, BILL, DEMO_PASSWORD, TestEnv};
use crate::pty::{TIMEOUT_MS, keys, prompt, shell_as};

#[test]
fn the_prompt_names_who_is_logged_in_and_a_login_elsewhere_is_said_before_anything_runs() {
    let env = TestEnv::demo();
    env.login_as("desk", BILL);
    let mut p = shell_as(&env, "desk");
    keys(&mut p, "clients\r");
    prompt(&mut p, "bill.boquet@epicevents clients> ");
    keys(&mut p, "back\r");
    prompt(&mut p, "bill.boquet@epicevents> ");

    // Alice logs in at the same desk, in another window.
    env.run_as("desk", &["login", ALICE], &format!("{DEMO_PASSWORD}\n"))
        .ok();
    keys(
        &mut p,
        "clients create --full-name 'For Bill' --email for.bill@example.org \
         --phone '+33 6 12 12 12 12' --company-name 'Bill Co'\r",
    );
    let shown = p
        .exp_string(
            "The session changed in another window: you are now Alice Manager (management). \
             The line was not run; run it again to act as them.",
        )
        .unwrap();
    assert!(!shown.contains("permission denied"), "it ran: {shown:?}");
    prompt(&mut p, "alice.manager@epicevents> ");
    keys(&mut p, "whoami\r");
    p.exp_string("Alice Manager <alice.manager@epic.com>")
        .unwrap();
    prompt(&mut p, "alice.manager@epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients WHERE email = 'for.bill@example.org'"),
        0
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'client'"),
        0
    );
}

#[test]
fn a_first_start_offers_setup_or_demo_and_setup_logs_the_manager_in() {
    let env = TestEnv::new();
    let mut command = env.command("mia");
    command.env("TERM", "xterm").env("COLUMNS", "100");
    let mut p = spawn_command(command, Some(TIMEOUT_MS)).unwrap();
    p.exp_string("This database is empty: `setup` creates the first management account, `demo` loads sample data.")
        .unwrap();
    p.exp_string("What would you like to do?").unwrap();
    p.exp_string("Create the first management account (setup)")
        .unwrap();
    p.exp_string("Load the demo data (demo)").unwrap();
    p.exp_string("Neither for now").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Employee number:").unwrap();
    keys(&mut p, "E1\r");
    p.exp_string("Full name:").unwrap();
    keys(&mut p, "Mia Manager\r");
    p.exp_string("Email:").unwrap();
    keys(&mut p, "mia@epic.com\r");
    p.exp_string("Phone:").unwrap();
    keys(&mut p, "+33 1 00 00 00 09\r");
    p.exp_string("Password:").unwrap();
    keys(&mut p, &format!("{MIA_PASSWORD}\r"));
    p.exp_string("Repeat it:").unwrap();
    keys(&mut p, &format!("{MIA_PASSWORD}\r"));
    p.exp_string(
        "Created Mia Manager <mia@epic.com>, management (collaborator 1). You are logged in",
    )
    .unwrap();
    prompt(&mut p, "mia@epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    // Logged in for the next command too.
    assert!(
        env.run_as("mia", &["whoami"], "")
            .ok()
            .contains("Mia Manager")
    );
}
