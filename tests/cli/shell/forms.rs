//! Forms (issue points 3, 4 and 5): each value is checked as soon as it can be, only the
//! refused field is asked again with what was typed, an id field offers a list of what the
//! user may choose, the line editor's keys edit instead of typing letters, and a form that
//! changes nothing says so.
//!
//! A form's field is typed into only once its label shows: the line editor has then taken
//! the terminal, so editing keys reach it rather than the terminal's own line discipline.

use rexpect::session::PtySession;

use super::{DOWN, MIA_PASSWORD, shown};
use crate::helpers::{ALICE, BILL, TestEnv};
use crate::pty::{keys, prompt, shell_as};
use crate::trust::text;

/// Ctrl-A, Ctrl-U and Ctrl-W as a terminal sends them.
const CTRL_A: &str = "\u{1}";
const CTRL_U: &str = "\u{15}";
const CTRL_W: &str = "\u{17}";

/// Waits for the refusal `✗ reason` under a field; returns what showed before it.
fn refused(p: &mut PtySession, reason: &str) -> String {
    p.exp_string(&shown(&format!("✗ {reason}")))
        .unwrap_or_else(|e| panic!("no refusal {reason:?}: {e}"))
}

fn leave(mut p: PtySession, prompt_text: &str) {
    prompt(&mut p, prompt_text);
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
}

#[test]
fn an_end_before_the_start_re_asks_only_the_end_of_an_event_whose_contract_was_picked() {
    let env = TestEnv::demo();
    env.login(BILL);
    let mut p = shell_as(&env, "default");
    keys(&mut p, "events create\r");
    // The contract first, from a list of Bill's signed contracts (John Ouick's is second).
    p.exp_string("Contract id:").unwrap();
    p.exp_string("1  Kevin Casey").unwrap();
    let list = p.exp_string("2  John Ouick").unwrap();
    assert!(!list.contains("Lou Bouzin"), "another's client offered");
    let help = p.exp_string("enter to choose").unwrap();
    assert!(!help.contains("filter"), "filtering is off: {help:?}");
    keys(&mut p, &format!("{DOWN}\r"));
    p.exp_string("Event name:").unwrap();
    keys(&mut p, "Harvest Dinner\r");
    p.exp_string("Start:").unwrap();
    keys(&mut p, "2027-09-01 19:00\r");
    p.exp_string("End:").unwrap();
    keys(&mut p, "2027-09-01 18:00\r");
    refused(&mut p, "must be after the start (2027-09-01 19:00)");
    // The end again, with what was typed, to correct.
    p.exp_string("End:").unwrap();
    p.exp_string("2027-09-01 18:00").unwrap();
    keys(&mut p, &format!("{CTRL_U}2027-09-01 23:30\r"));
    let between = p.exp_string("Venue:").unwrap();
    for other in ["Contract id:", "Event name:", "Start:", "End:"] {
        assert!(
            !between.contains(other),
            "{other} asked again after the end: {between:?}"
        );
    }
    keys(&mut p, "Domaine des Vignes\r");
    p.exp_string("Location:").unwrap();
    keys(&mut p, "12 Route des Vins, Vouvray\r");
    p.exp_string("Attendees:").unwrap();
    keys(&mut p, "40\r");
    p.exp_string("Notes:").unwrap();
    keys(&mut p, "\r");
    p.exp_string(
        "Created event 4: Harvest Dinner for John Ouick, from 2027-09-01 19:00 to 2027-09-01 23:30.",
    )
    .unwrap();
    leave(p, "bill.boquet@epicevents> ");
    assert_eq!(
        text(
            &env,
            "SELECT name || '|' || starts_at || '|' || ends_at || '|' || contract_id || '|' || venue \
             || '|' || location FROM events WHERE id = 4"
        ),
        "Harvest Dinner|2027-09-01T19:00|2027-09-01T23:30|2|Domaine des Vignes|12 Route des Vins, Vouvray"
    );
}

/// Flags are read before the form opens: a start typed after an end given as a flag is
/// checked against it at once, and only the start is asked again.
#[test]
fn a_start_after_an_end_given_as_a_flag_is_refused_at_the_start() {
    let env = TestEnv::demo();
    env.login(BILL);
    let mut p = shell_as(&env, "default");
    keys(
        &mut p,
        "events create --contract 2 --end '2027-09-01 18:00' --venue Cave\r",
    );
    p.exp_string("Event name:").unwrap();
    keys(&mut p, "Tasting\r");
    p.exp_string("Start:").unwrap();
    keys(&mut p, "2027-09-01 19:00\r");
    refused(&mut p, "must be before the end (2027-09-01 18:00)");
    p.exp_string("Start:").unwrap();
    keys(&mut p, &format!("{CTRL_U}2027-09-01 16:00\r"));
    let between = p.exp_string("Location:").unwrap();
    for other in ["Event name:", "End:", "Venue:"] {
        assert!(!between.contains(other), "{other} asked: {between:?}");
    }
    keys(&mut p, "Vouvray\r");
    p.exp_string("Attendees:").unwrap();
    keys(&mut p, "12\r");
    p.exp_string("Notes:").unwrap();
    keys(&mut p, "\r");
    p.exp_string(
        "Created event 4: Tasting for John Ouick, from 2027-09-01 16:00 to 2027-09-01 18:00.",
    )
    .unwrap();
    leave(p, "bill.boquet@epicevents> ");
    assert_eq!(
        text(
            &env,
            "SELECT starts_at || '|' || venue FROM events WHERE id = 4"
        ),
        "2027-09-01T16:00|Cave"
    );
}

#[test]
fn editing_keys_edit_a_pre_filled_field_and_never_type_letters() {
    let env = TestEnv::demo();
    env.login(BILL);
    let mut p = shell_as(&env, "default");
    keys(&mut p, "clients update 1\r");
    p.exp_string("Which fields do you want to change?").unwrap();
    p.exp_string("company name").unwrap();
    // Space picks, Down moves, Enter confirms: full name, email and phone.
    keys(&mut p, &format!(" {DOWN} {DOWN} \r"));
    // Ctrl-A goes to the start of the current value.
    p.exp_string("Full name:").unwrap();
    p.exp_string("Kevin Casey").unwrap();
    keys(&mut p, &format!("{CTRL_A}Dr \r"));
    // Ctrl-U clears it.
    p.exp_string("Email:").unwrap();
    p.exp_string("kevin@startup.io").unwrap();
    keys(&mut p, &format!("{CTRL_U}new@client.io\r"));
    // Ctrl-W deletes the word before the cursor.
    p.exp_string("Phone:").unwrap();
    p.exp_string("+678 123 456 78").unwrap();
    keys(&mut p, &format!("{CTRL_W}99\r"));
    p.exp_string("Updated client 1: Dr Kevin Casey of Cool Startup LLC.")
        .unwrap();
    leave(p, "bill.boquet@epicevents> ");
    assert_eq!(
        text(
            &env,
            "SELECT full_name || '|' || email || '|' || phone FROM clients WHERE id = 1"
        ),
        "Dr Kevin Casey|new@client.io|+678 123 456 99"
    );
}

#[test]
fn a_client_email_already_used_is_refused_at_its_field_before_the_phone() {
    let env = TestEnv::demo();
    env.login(BILL);
    let mut p = shell_as(&env, "default");
    keys(&mut p, "clients create\r");
    p.exp_string("Full name:").unwrap();
    keys(&mut p, "Dupont Twin\r");
    // The hint speaks of the client's address, not of a login.
    let hint = p.exp_string("Email:").unwrap();
    assert!(
        hint.contains("the client's address") && !hint.contains("login"),
        "{hint:?}"
    );
    keys(&mut p, "kevin@startup.io\r");
    let before = refused(&mut p, "another client already uses this address");
    assert!(!before.contains("Phone:"), "the phone was asked first");
    p.exp_string("Email:").unwrap();
    p.exp_string("kevin@startup.io").unwrap();
    keys(&mut p, &format!("{CTRL_U}twin@dupont.fr\r"));
    p.exp_string("Phone:").unwrap();
    keys(&mut p, "+33 6 11 11 11 11\r");
    p.exp_string("Company name:").unwrap();
    keys(&mut p, "Dupont SA\r");
    p.exp_string("Created client 6: Dupont Twin of Dupont SA.")
        .unwrap();
    leave(p, "bill.boquet@epicevents> ");
    assert_eq!(
        text(&env, "SELECT email FROM clients WHERE id = 6"),
        "twin@dupont.fr"
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients WHERE email = 'kevin@startup.io'"),
        1
    );
}

#[test]
fn a_short_password_is_refused_at_the_first_password_prompt() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut p = shell_as(&env, "default");
    keys(
        &mut p,
        "users create --employee-number E9 --full-name 'Nina New' --email nina@epic.com \
         --phone '+33 6 00 00 00 01' --department sales\r",
    );
    p.exp_string("Password for the new collaborator:").unwrap();
    keys(&mut p, "short\r");
    let before = refused(&mut p, "must be at least 12 characters");
    assert!(!before.contains("Repeat it:"), "{before:?}");
    p.exp_string("Password for the new collaborator:").unwrap();
    keys(&mut p, &format!("{MIA_PASSWORD}\r"));
    p.exp_string("Repeat it:").unwrap();
    keys(&mut p, &format!("{MIA_PASSWORD}\r"));
    p.exp_string("Created Nina New <nina@epic.com>, sales (collaborator 6).")
        .unwrap();
    leave(p, "alice.manager@epicevents> ");
    let login = env.run_as(
        "nina",
        &["login", "nina@epic.com"],
        &format!("{MIA_PASSWORD}\n"),
    );
    assert!(login.ok().contains("Nina New"), "{login:?}");
}

#[test]
fn an_update_form_with_no_field_chosen_changes_nothing() {
    let env = TestEnv::demo();
    env.login(BILL);
    let before = env.digest();
    let mut p = shell_as(&env, "default");
    keys(&mut p, "clients update 1\r");
    p.exp_string("Which fields do you want to change?").unwrap();
    p.exp_string("company name").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Nothing changed: no field was chosen.")
        .unwrap();
    leave(p, "bill.boquet@epicevents> ");
    assert_eq!(env.digest(), before, "no audit row, no updated_at");
}

#[test]
fn delete_says_it_cannot_succeed_before_asking_for_confirmation() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut p = shell_as(&env, "default");
    keys(&mut p, "clients delete 1\r");
    let shown = p
        .exp_string("client 1 still has 2 contract(s): delete them first")
        .unwrap();
    assert!(!shown.contains("Delete client"), "asked first: {shown:?}");
    prompt(&mut p, "alice.manager@epicevents> ");
    // The control: a client without contracts is asked about, and "no" keeps it.
    keys(&mut p, "clients delete 5\r");
    p.exp_string("Delete client 5 (Ana Ribeiro, NovaTech)?")
        .unwrap();
    keys(&mut p, "n\r");
    p.exp_string("cancelled").unwrap();
    leave(p, "alice.manager@epicevents> ");
    assert_eq!(env.count("SELECT COUNT(*) FROM clients"), 5);
}
