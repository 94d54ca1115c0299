//! What only a terminal shows, in a real pseudo-terminal: Tab completion, the masked
//! password prompt, Ctrl-C at a form, `back` and `exit`.

use rexpect::session::{PtySession, spawn_command};

use crate::helpers::{ALICE, DEMO_PASSWORD, TestEnv};

/// Generous: a slow CI machine must not turn into a failure. Nothing waits this long when
/// the expected text arrives.
pub(crate) const TIMEOUT_MS: u64 = 30_000;

pub(crate) fn shell(env: &TestEnv) -> PtySession {
    shell_as(env, "default")
}

/// The shell of `who` (their own data directory: session and history) in a pseudo-terminal,
/// at its first prompt.
pub(crate) fn shell_as(env: &TestEnv, who: &str) -> PtySession {
    let mut command = env.command(who);
    command.env("TERM", "xterm").env("COLUMNS", "100");
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).expect("the shell starts in a pty");
    prompt(&mut session, "epicevents> ");
    session
}

pub(crate) fn prompt(session: &mut PtySession, prompt: &str) {
    session
        .exp_string(prompt)
        .unwrap_or_else(|e| panic!("no prompt {prompt:?}: {e}"));
}

/// Presses Ctrl-C on the line editor and waits for the next prompt. The editor ends every
/// line by turning bracketed paste off (`ESC[?2004l`): waiting for that first makes sure the
/// prompt matched is the new one, not one still on the screen.
pub(crate) fn interrupt(session: &mut PtySession, next_prompt: &str) {
    session.send_control('c').unwrap();
    session.flush().unwrap();
    session.exp_string("\u{1b}[?2004l").unwrap();
    prompt(session, next_prompt);
}

/// Types `keys`. The session's writer is line-buffered and terminals send Enter as `\r`, so
/// every write is flushed at once.
pub(crate) fn keys(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

#[test]
fn tab_completes_a_command_and_enters_its_menu() {
    let env = TestEnv::demo();
    let mut p = shell(&env);
    keys(&mut p, "us\t");
    p.exp_string("users").unwrap();
    keys(&mut p, "\r");
    prompt(&mut p, "epicevents users> ");
    keys(&mut p, "cr\t");
    p.exp_string("create").unwrap();
    interrupt(&mut p, "epicevents users> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
}

#[test]
fn the_password_prompt_masks_what_is_typed() {
    let env = TestEnv::demo();
    let mut p = shell(&env);
    keys(&mut p, &format!("login {ALICE}\r"));
    p.exp_string("Password:").unwrap();
    keys(&mut p, DEMO_PASSWORD);
    p.exp_string(&"*".repeat(DEMO_PASSWORD.len())).unwrap();
    keys(&mut p, "\r");
    let shown = p
        .exp_string("Logged in as Alice Manager (management).")
        .unwrap();
    assert!(
        !shown.contains(DEMO_PASSWORD),
        "the password was echoed: {shown:?}"
    );
    keys(&mut p, "exit\r");
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains(DEMO_PASSWORD));
}

#[test]
fn ctrl_c_at_a_form_returns_to_the_prompt() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut p = shell(&env);
    keys(&mut p, "users create\r");
    p.exp_string("Department:").unwrap();
    p.send_control('c').unwrap();
    p.flush().unwrap();
    p.exp_string("cancelled").unwrap();
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "whoami\r");
    p.exp_string("Alice Manager <alice.manager@epic.com>")
        .unwrap();
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(
        env.count("SELECT COUNT(*) FROM collaborators"),
        5,
        "nothing was created"
    );
}

#[test]
fn back_leaves_a_menu_and_exit_leaves_the_shell() {
    let env = TestEnv::demo();
    let mut p = shell(&env);
    keys(&mut p, "users\r");
    prompt(&mut p, "epicevents users> ");
    keys(&mut p, "back\r");
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "quit\r");
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_on_the_prompt_cancels_the_line_and_ctrl_d_leaves() {
    let env = TestEnv::demo();
    let mut p = shell(&env);
    keys(&mut p, "users delete 3");
    interrupt(&mut p, "epicevents> ");
    p.send_control('d').unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    assert_eq!(env.count("SELECT COUNT(*) FROM collaborators"), 5);
}

#[test]
fn tab_offers_only_the_ids_that_make_sense_with_their_labels() {
    let env = TestEnv::demo();
    env.login(crate::helpers::BILL);
    let mut p = shell(&env);
    // Bill may sign one contract only: his client Kevin Casey's unsigned one.
    keys(&mut p, "contracts sign \t");
    p.exp_string("contracts sign 5").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Contract 5 with Kevin Casey is signed.")
        .unwrap();
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();

    env.login(ALICE);
    let mut p = shell(&env);
    // Assigning support offers the support collaborators, each with a label: as in bash, the
    // first Tab completes what is common, the second lists the choices.
    keys(&mut p, "events assign 2 \t");
    p.exp_string("events assign 2 ").unwrap();
    keys(&mut p, "\t");
    p.exp_string("Kate Hastroff (support)").unwrap();
    // rexpect reads the terminal as Latin-1, so match the ASCII part of "Aliénor Vichum".
    p.exp_string("Vichum (support)").unwrap();
    interrupt(&mut p, "epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
}
