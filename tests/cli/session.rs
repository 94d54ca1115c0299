//! Set-up, login, throttling and sessions (PRODUCT.md §5).

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use crate::helpers::{ALICE, BILL, DEMO_PASSWORD, KATE, TestEnv, json};

const SETUP: &str = "setup --employee-number EMP-1 --full-name 'Alice Manager' --email Alice@Epic.com --phone '+33 1 00 00 00 01'\n";

#[test]
fn management_administers_collaborators_from_setup_to_logout() {
    let env = TestEnv::new();
    // On the machine that holds the database, in both modes.
    let setup = env.local_script(&format!("{SETUP}a strong password\n"));
    let script = String::from(
        "login alice@epic.com\na strong password\n\
         users create --employee-number E2 --full-name 'Bill Boquet' --email bill@epic.com --phone 0612345678 --department sales\nbill's password 1\n\
         users create --employee-number E3 --full-name 'Kate Hastroff' --email kate@epic.com --phone 0612345679 --department support\nkate's password 1\n\
         users update 3 --phone '+33 6 00 00 00 00' --full-name 'Kate H.'\n\
         users delete 2\n\
         users list --format json\n\
         logout\n",
    );
    assert!(
        setup
            .ok()
            .contains("Created Alice Manager <alice@epic.com>, management (collaborator 1)"),
        "{setup:?}"
    );
    let out = env.script(&script).ok().to_owned();
    assert!(out.contains("Logged in as Alice Manager (management)."));
    assert!(out.contains("Created Bill Boquet <bill@epic.com>, sales (collaborator 2)."));
    assert!(out.contains("Updated Kate H. <kate@epic.com>, support (collaborator 3)."));
    assert!(out.contains("Deleted Bill Boquet"));
    assert!(out.contains("Logged out Alice Manager."));
    let start = out.find('[').unwrap();
    let end = out.rfind(']').unwrap();
    let users = json(&out[start..=end]);
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[1]["full_name"], "Kate H.");
    assert_eq!(users[1]["phone"], "+33 6 00 00 00 00");
    assert_eq!(users[1]["department"], "support");
    // The keys come in the documented order.
    let first = out[start..].lines().nth(1).unwrap();
    let keys = [
        "id",
        "employee_number",
        "full_name",
        "email",
        "phone",
        "department",
        "created_at",
        "updated_at",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| first.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.is_sorted(), "{first}");
    // Logged out: the next command needs a login.
    assert_eq!(
        env.run(&["whoami"], "").fails(1),
        "error: you are not logged in: run `login` first"
    );
    // Every write left its audit row, and no password or hash is in any of them.
    let actions = env.count(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('setup','create','update','delete')",
    );
    assert_eq!(actions, 5);
    let leaked = env.count(
        "SELECT COUNT(*) FROM audit_log WHERE changes LIKE '%password%' OR changes LIKE '%$2b$%'",
    );
    assert_eq!(leaked, 0);
}

#[test]
fn setup_is_refused_once_anyone_exists() {
    let env = TestEnv::demo();
    let before = env.digest();
    let run = env.local_script(&format!("{SETUP}a strong password\n"));
    assert!(
        run.fails(1)
            .contains("set-up is only for an empty database")
    );
    assert_eq!(env.digest(), before);
}

#[test]
fn setup_refuses_a_short_password_and_creates_nothing() {
    let env = TestEnv::new();
    let run = env.local_script(&format!("{SETUP}too short\n"));
    assert_eq!(
        run.fails(1),
        "line 1: error: invalid password: must be at least 12 characters"
    );
    assert_eq!(env.count("SELECT COUNT(*) FROM collaborators"), 0);
}

#[test]
fn wrong_password_and_unknown_email_give_the_same_message() {
    let env = TestEnv::demo();
    let wrong = env.run(&["login", ALICE], "not the password\n");
    let unknown = env.run(&["login", "nobody@epic.com"], &format!("{DEMO_PASSWORD}\n"));
    assert_eq!(wrong.fails(1), "error: invalid email or password");
    assert_eq!(unknown.fails(1), wrong.fails(1));
    assert!(!env.home("default").join("session").exists());
}

#[test]
fn the_sixth_attempt_is_refused_even_with_the_right_password_which_learns_for_how_long() {
    let env = TestEnv::demo();
    for _ in 0..5 {
        env.run(&["login", BILL], "wrong password!\n").fails(1);
    }
    // A wrong password still learns nothing; the right one learns that it is locked.
    let wrong = env.run(&["login", BILL], "wrong password!\n");
    assert_eq!(wrong.fails(1), "error: invalid email or password");
    let locked = env.run(&["login", BILL], &format!("{DEMO_PASSWORD}\n"));
    assert_eq!(
        locked.fails(1),
        "error: this account is locked after too many failed attempts: try again in 15 minutes, or ask management to unlock it"
    );
    let until =
        env.text("SELECT locked_until FROM collaborators WHERE email = 'bill.boquet@epic.com'");
    let until = time::OffsetDateTime::parse(&until, &time::format_description::well_known::Rfc3339)
        .expect(&until);
    let left = until - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(14) && left <= time::Duration::minutes(15),
        "locked for 15 minutes: until {until}"
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'lockout'"),
        1
    );
    // Other accounts are not affected.
    env.login(ALICE);
}

#[test]
fn a_correct_login_resets_the_failure_count() {
    let env = TestEnv::demo();
    for _ in 0..4 {
        env.run(&["login", BILL], "wrong password!\n").fails(1);
    }
    env.login(BILL);
    env.run(&["login", BILL], "wrong password!\n").fails(1);
    env.login(BILL);
    assert_eq!(
        env.count("SELECT failed_logins FROM collaborators WHERE id = 2"),
        0
    );
}

#[test]
fn a_token_copied_before_logout_is_refused_after_it() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let token_path = env.home("default").join("session");
    let copy = fs::read(&token_path).unwrap();
    env.run(&["logout"], "").ok();
    assert!(!token_path.exists());
    fs::write(&token_path, copy).unwrap();
    assert_eq!(
        env.run(&["whoami"], "").fails(1),
        "error: you are not logged in: run `login` first"
    );
}

#[test]
fn a_department_change_ends_the_old_session() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);
    assert!(env.run_as("bill", &["whoami"], "").ok().contains("sales"));
    env.run_as(
        "alice",
        &["users", "update", "2", "--department", "support"],
        "",
    )
    .ok();
    assert!(
        env.run_as("bill", &["whoami"], "")
            .fails(1)
            .contains("not logged in")
    );
    // A new login sees the new department.
    env.login_as("bill", BILL);
    assert!(env.run_as("bill", &["whoami"], "").ok().contains("support"));
}

#[test]
fn a_password_change_ends_other_sessions_but_not_this_one() {
    let env = TestEnv::demo();
    env.login_as("laptop", BILL);
    env.login_as("desktop", BILL);
    env.run_as(
        "laptop",
        &["password"],
        &format!("{DEMO_PASSWORD}\na brand new password\n"),
    )
    .ok();
    assert!(
        env.run_as("laptop", &["whoami"], "")
            .ok()
            .contains("Bill Boquet")
    );
    env.run_as("desktop", &["whoami"], "").fails(1);
    env.run_as("desktop", &["login", BILL], &format!("{DEMO_PASSWORD}\n"))
        .fails(1);
    env.run_as("desktop", &["login", BILL], "a brand new password\n")
        .ok();
}

#[test]
fn a_wrong_current_password_changes_no_password_and_counts_toward_the_lockout() {
    let env = TestEnv::demo();
    env.login(BILL);
    let hash = "SELECT password_hash FROM collaborators WHERE id = 2";
    let before = env.text(hash);
    let run = env.run(&["password"], "not my password\na brand new password\n");
    assert!(run.fails(1).contains("invalid current password"));
    let after = env.text(hash);
    assert_eq!(after, before);
    assert_eq!(
        env.count("SELECT failed_logins FROM collaborators WHERE id = 2"),
        1
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'password_change_failed' AND actor_id = 2"),
        1
    );
}

#[test]
fn guessing_the_current_password_locks_the_account_like_logins_do() {
    let env = TestEnv::demo();
    env.login(BILL);
    for _ in 0..5 {
        env.run(&["password"], "not my password\na brand new password\n")
            .fails(1);
    }
    // Locked now: even the right current password is refused, and no login gets in.
    let run = env.run(&["password"], "epicevents-demo\na brand new password\n");
    assert!(run.fails(1).contains("locked"), "{}", run.stderr);
    env.run_as("other", &["login", BILL], &format!("{DEMO_PASSWORD}\n"))
        .fails(1);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'lockout' AND entity_id = 2"),
        1
    );
}

#[test]
fn deleting_a_collaborator_ends_their_session_and_releases_their_records() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);
    env.run_as("alice", &["users", "delete", "2"], "").ok();
    env.run_as("alice", &["users", "delete", "4"], "").ok();
    env.run_as("bill", &["whoami"], "").fails(1);
    // Bill followed Kevin Casey and John Ouick; Kate supported the John Ouick Wedding.
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients WHERE id IN (1, 2) AND sales_contact_id IS NULL"),
        2
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM events WHERE id = 1 AND support_contact_id IS NULL"),
        1
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients"),
        5,
        "the clients themselves remain"
    );
}

#[test]
fn management_cannot_delete_itself() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let run = env.run(&["users", "delete", "1"], "");
    assert!(run.fails(1).contains("you cannot delete your own account"));
    assert_eq!(
        env.count("SELECT COUNT(*) FROM collaborators WHERE id = 1"),
        1
    );
}

#[test]
fn the_token_file_is_owner_only_in_an_owner_only_directory() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let home = env.home("default");
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&home.join("session")), 0o600);
    assert_eq!(mode(&home), 0o700);
    let key = env.key_file("default");
    assert_eq!(mode(&key), 0o600);
    if !crate::POSTGRES {
        assert_eq!(mode(&env.db_path()), 0o600);
    }
}

#[test]
fn a_short_configured_secret_is_refused() {
    let env = TestEnv::demo();
    // The secret is the configuration of the machine that holds the database.
    let mut command = env.local_command("default");
    command
        .env("EPICEVENTS_SECRET", "short")
        .args(["login", ALICE]);
    let mut child = command
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{DEMO_PASSWORD}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        "error: EPICEVENTS_SECRET is too short: it must be at least 32 bytes"
    );
    assert!(!env.home("default").join("session").exists());
}

#[test]
fn the_session_survives_between_one_shot_commands() {
    let env = TestEnv::demo();
    env.login(KATE);
    let me = json(env.run(&["whoami", "--format", "json"], "").ok());
    assert_eq!(me["full_name"], "Kate Hastroff");
    assert_eq!(me["department"], "support");
}
