//! No id is ever given twice, and a session names one person for good (PRODUCT.md §9
//! "Identity"). With SQLite's default ids, deleting the newest row and adding one gave the
//! new row the old id: the new hire inherited the deleted person's session, audit trail and
//! payments, and a new client the deleted one's history.

use super::{NOT_LOGGED_IN, fails_with, hire, number_after};
use crate::helpers::{ALICE, BILL, TestEnv};

#[test]
fn a_deleted_collaborators_id_and_session_never_come_back() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let sam = hire(&env, "alice", "Sam Support", "sam@epic.com", "support");
    env.login_as("sam", "sam@epic.com");
    assert!(
        env.run_as("sam", &["whoami"], "")
            .ok()
            .contains("Sam Support")
    );
    let id = sam.to_string();
    env.run_as("alice", &["users", "delete", &id, "--yes"], "")
        .ok();

    let mo = hire(&env, "alice", "Mo Manager", "mo@epic.com", "management");
    // Sam's saved session names Sam, who is gone: it is not Mo's, whatever the ids.
    fails_with(&env.run_as("sam", &["whoami"], ""), NOT_LOGGED_IN);
    assert!(
        mo > sam,
        "the new hire got id {mo}, the deleted one had {sam}"
    );
    fails_with(
        &env.run_as("sam", &["users", "delete", "1", "--yes"], ""),
        NOT_LOGGED_IN,
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM collaborators WHERE id = 1"),
        1
    );
}

#[test]
fn a_new_client_never_shows_a_deleted_clients_history() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);
    let create = |email: &str, name: &str| {
        let run = env.run_as(
            "bill",
            &[
                "clients",
                "create",
                "--full-name",
                name,
                "--email",
                email,
                "--phone",
                "+33 6 00 00 00 66",
                "--company-name",
                "Newest SARL",
            ],
            "",
        );
        number_after(run.ok(), "Created client ")
    };
    let old = create("old.client@example.org", "Olga Oldclient");
    env.run_as(
        "alice",
        &["clients", "delete", &old.to_string(), "--yes"],
        "",
    )
    .ok();
    let new = create("new.client@example.org", "Nadia Newclient");

    let shown = env
        .run_as("alice", &["clients", "show", &new.to_string()], "")
        .ok()
        .to_owned();
    let history = &shown[shown.find("History:").expect("a history")..];
    assert!(history.contains(" create "), "{shown}");
    assert!(
        !history.contains(" delete ") && !shown.contains("Olga"),
        "the deleted client's history shows on the new one:\n{shown}"
    );
    assert_eq!(
        env.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'client' AND entity_id = {new}"
        )),
        1
    );
    assert!(
        new > old,
        "the new client got id {new}, the deleted one had {old}"
    );
}

#[test]
fn a_payment_keeps_naming_who_recorded_it_after_they_leave() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let sam = hire(&env, "alice", "Sam Sales", "sam@epic.com", "sales");
    // Sam takes over John Ouick (client 2), whose contract 2 is signed and not paid in full.
    env.run_as("alice", &["clients", "reassign", "2", &sam.to_string()], "")
        .ok();
    env.login_as("sam", "sam@epic.com");
    env.run_as("sam", &["contracts", "pay", "2", "100"], "")
        .ok();
    env.run_as("alice", &["users", "delete", &sam.to_string(), "--yes"], "")
        .ok();
    let nina = hire(&env, "alice", "Nina Newhire", "nina@epic.com", "sales");
    assert_eq!(
        env.count("SELECT recorded_by FROM payments ORDER BY id DESC LIMIT 1"),
        sam
    );
    // The contract's history says a former collaborator paid, not the new hire.
    let shown = env
        .run_as("alice", &["contracts", "show", "2"], "")
        .ok()
        .to_owned();
    let pay = shown
        .lines()
        .find(|line| line.contains(" pay "))
        .unwrap_or_else(|| panic!("no pay row:\n{shown}"));
    assert!(
        pay.contains(&format!("collaborator {sam}")) && !pay.contains("Nina"),
        "{pay}"
    );
    assert!(
        nina > sam,
        "the new hire got id {nina}, the deleted one had {sam}"
    );
}
