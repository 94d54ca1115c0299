//! Every write reloads its actor inside its transaction (`Context::write_as`): whoever is
//! demoted, moved or deleted while their command waits at a form writes nothing. A form on a
//! terminal is the one place a command waits for as long as the test wants, so these run in
//! a pseudo-terminal: the other manager acts while the prompt is on the screen.

use super::{SESSION_ENDED, hire};
use crate::helpers::{ALICE, BILL, TestEnv};
use crate::pty::{keys, shell_as};

const PASSWORD: &str = "a strong password";

/// Waits for the next prompt and asserts that the command before it failed with exactly
/// "your session has ended" (the terminal shows standard error and output together).
fn ended(p: &mut rexpect::session::PtySession) {
    let shown = p.exp_string("epicevents> ").unwrap();
    assert!(
        shown
            .lines()
            .any(|line| line.trim_end().ends_with(SESSION_ENDED)),
        "expected {SESSION_ENDED:?}, the terminal shows:\n{shown:?}"
    );
}

/// Alice and a second manager, Mo, each logged in in their own data directory.
fn two_managers() -> (TestEnv, i64) {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let mo = hire(&env, "alice", "Mo Manager", "mo@epic.com", "management");
    env.login_as("mo", "mo@epic.com");
    (env, mo)
}

#[test]
fn a_manager_demoted_while_a_form_waits_creates_nobody() {
    let (env, _) = two_managers();
    let mut p = shell_as(&env, "alice");
    keys(
        &mut p,
        "users create --employee-number E77 --full-name 'Back Door' --email backdoor@epic.com \
         --phone '+33 6 11 22 33 44' --department management\r",
    );
    p.exp_string("Password for the new collaborator:").unwrap();
    env.run_as("mo", &["users", "update", "1", "--department", "sales"], "")
        .ok();
    keys(&mut p, &format!("{PASSWORD}\r"));
    p.exp_string("Repeat it:").unwrap();
    keys(&mut p, &format!("{PASSWORD}\r"));
    ended(&mut p);
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(
        env.count("SELECT COUNT(*) FROM collaborators WHERE email = 'backdoor@epic.com'"),
        0
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND actor_id = 1"),
        1,
        "only Alice's creation of Mo"
    );
}

#[test]
fn a_manager_deleted_at_a_confirmation_deletes_nobody() {
    let (env, _) = two_managers();
    let mut p = shell_as(&env, "alice");
    keys(&mut p, "users delete 3\r");
    p.exp_string("Delete Sophie Vendeur").unwrap();
    env.run_as("mo", &["users", "delete", "1", "--yes"], "")
        .ok();
    keys(&mut p, "y\r");
    ended(&mut p);
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(
        env.count("SELECT COUNT(*) FROM collaborators WHERE id = 3"),
        1,
        "Sophie is still here"
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM audit_log WHERE action = 'delete'"),
        1,
        "only Mo's deletion of Alice"
    );
}

#[test]
fn a_sales_person_moved_to_support_while_a_form_waits_creates_no_client() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    env.login_as("bill", BILL);
    let mut p = shell_as(&env, "bill");
    keys(
        &mut p,
        "clients create --full-name 'Form Client' --email form.client@example.org \
         --phone '+33 6 12 12 12 12'\r",
    );
    p.exp_string("Company name:").unwrap();
    env.run_as(
        "alice",
        &["users", "update", "2", "--department", "support"],
        "",
    )
    .ok();
    keys(&mut p, "Form Company\r");
    ended(&mut p);
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients WHERE email = 'form.client@example.org'"),
        0
    );
}
