//! What each department is offered (issue point 7): Tab and `help` list only the commands the
//! user's department may run (reading stays open to all); a command typed anyway is refused
//! with its reason.

use rexpect::session::PtySession;

use crate::helpers::{ALICE, BILL, TestEnv};
use crate::pty::{interrupt, keys, prompt, shell_as};

/// What Tab shows after `line`: the first Tab completes what the choices share, the second
/// lists them. A `#` typed next marks the end of what they drew; Ctrl-C then drops the line.
fn choices_after(p: &mut PtySession, line: &str, prompt_text: &str) -> String {
    keys(p, &format!("{line}\t\t#"));
    let drawn = p.exp_string("#").unwrap();
    interrupt(p, prompt_text);
    drawn
}

fn words(listed: &str) -> Vec<&str> {
    listed
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect()
}

#[test]
fn tab_after_events_offers_sales_create_but_not_assign() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);

    let mut p = shell_as(&env, "bill");
    let listed = choices_after(&mut p, "events ", "bill.boquet@epicevents> ");
    let offered = words(&listed);
    for open in ["list", "show", "mine", "create", "update"] {
        assert!(offered.contains(&open), "{open} not offered: {listed:?}");
    }
    for closed in ["assign", "unassign", "delete"] {
        assert!(!offered.contains(&closed), "{closed} offered: {listed:?}");
    }
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();

    // The control: management is offered `assign`.
    let mut p = shell_as(&env, "alice");
    let listed = choices_after(&mut p, "events ", "alice.manager@epicevents> ");
    assert!(words(&listed).contains(&"assign"), "{listed:?}");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
}

#[test]
fn help_in_the_users_menu_hides_create_from_sales_who_are_still_told_why() {
    let env = TestEnv::demo();
    env.login(BILL);
    let mut p = shell_as(&env, "default");
    keys(&mut p, "users\r");
    prompt(&mut p, "bill.boquet@epicevents users> ");
    keys(&mut p, "help\r");
    p.exp_string("Commands of the users menu").unwrap();
    let listed = p.exp_string("Run them here").unwrap();
    let commands: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(commands, ["list", "show"], "{listed:?}");
    prompt(&mut p, "bill.boquet@epicevents users> ");
    // Nor does Tab offer it, while `list` is there (checked before `create` is typed, which
    // the history would then hint at).
    let drawn = choices_after(&mut p, "cr", "bill.boquet@epicevents users> ");
    assert!(!drawn.contains("eate"), "{drawn:?}");
    let drawn = choices_after(&mut p, "li", "bill.boquet@epicevents users> ");
    assert!(drawn.contains("st"), "{drawn:?}");
    // Typed anyway, it is refused with the reason.
    keys(&mut p, "create\r");
    p.exp_string("error: permission denied: only management can create collaborators")
        .unwrap();
    prompt(&mut p, "bill.boquet@epicevents users> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(env.count("SELECT COUNT(*) FROM collaborators"), 5);
}
