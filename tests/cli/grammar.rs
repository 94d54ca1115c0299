//! The grammar from the outside: exit codes, suggestions, scripts, help.

use crate::helpers::{ALICE, DEMO_PASSWORD, TestEnv};

#[test]
fn unknown_commands_suggest_the_nearest_with_exit_code_2() {
    let env = TestEnv::new();
    assert_eq!(
        env.run(&["lgoin"], "").fails(2),
        "error: unknown command 'lgoin': did you mean 'login'?"
    );
    assert_eq!(
        env.run(&["users", "lsit"], "").fails(2),
        "error: unknown command 'lsit' in users: did you mean 'list'?"
    );
}

#[test]
fn reading_without_a_session_is_refused_with_exit_code_1() {
    let env = TestEnv::demo();
    assert_eq!(
        env.run(&["users", "list"], "").fails(1),
        "error: you are not logged in: run `login` first"
    );
}

#[test]
fn a_script_stops_at_the_first_failing_line() {
    let env = TestEnv::demo();
    let run = env.script(&format!(
        "login {ALICE}\n{DEMO_PASSWORD}\nusers show 99\nwhoami\n"
    ));
    // Line 3: the password line that `login` read counts.
    assert_eq!(run.fails(1), "line 3: error: collaborator 99 not found");
    assert!(
        !run.stdout.contains("Alice Manager <"),
        "whoami did not run: {}",
        run.stdout
    );
}

#[test]
fn keep_going_runs_every_line_and_still_fails() {
    let env = TestEnv::demo();
    let run = env.run(
        &["--keep-going"],
        &format!("login {ALICE}\n{DEMO_PASSWORD}\nusers show 99\nwhoami\n"),
    );
    assert_eq!(run.fails(1), "line 3: error: collaborator 99 not found");
    assert!(
        run.stdout
            .contains("Alice Manager <alice.manager@epic.com>"),
        "{}",
        run.stdout
    );
}

#[test]
fn scripts_use_menus_comments_and_quotes() {
    let env = TestEnv::demo();
    let script = format!(
        "# log in first\nlogin {ALICE}\n{DEMO_PASSWORD}\n\nusers\nupdate 3 --full-name \"Sophie 'La' Vendeur\"\nback\nwhoami\nexit\nwhoami --bogus\n"
    );
    let out = env.script(&script).ok().to_owned();
    assert!(out.contains("Updated Sophie 'La' Vendeur"), "{out}");
    assert!(out.contains("Alice Manager <alice.manager@epic.com>"));
}

#[test]
fn unbalanced_quotes_are_a_usage_error() {
    let env = TestEnv::new();
    assert_eq!(
        env.script("help 'users\n").fails(2),
        "line 1: error: unbalanced quotes: close every quote you open"
    );
}

#[test]
fn help_lists_the_commands_of_the_menu() {
    let env = TestEnv::new();
    let top = env.run(&["help"], "").ok().to_owned();
    for command in [
        "login [EMAIL]",
        "logout",
        "whoami",
        "password",
        "setup",
        "demo",
        "users",
        "help",
        "back",
        "exit",
    ] {
        assert!(
            top.contains(&format!("  {command}")),
            "{command} missing from:\n{top}"
        );
    }
    let menu = env.script("users\nhelp\n").ok().to_owned();
    assert!(
        menu.contains("Commands of the users menu") && menu.contains("update ID"),
        "{menu}"
    );
    let create = env.run(&["help", "users", "create"], "").ok().to_owned();
    assert!(
        create.contains("--employee-number") && create.contains("--department"),
        "{create}"
    );
    assert_eq!(env.run(&["--help"], "").ok(), top);
}

#[test]
fn entering_a_menu_in_one_shot_use_shows_its_commands() {
    let env = TestEnv::new();
    assert!(
        env.run(&["users"], "")
            .ok()
            .contains("Commands of the users menu")
    );
}

#[test]
fn demo_documents_its_logins_and_refuses_a_second_load() {
    let env = TestEnv::new();
    let out = env.run(&["demo"], "").ok().to_owned();
    assert!(
        out.contains("epicevents-demo") && out.contains(ALICE),
        "{out}"
    );
    // A database in use takes demo data from a logged-in manager only, who is told why not.
    assert!(
        env.run(&["demo"], "")
            .fails(1)
            .contains("you are not logged in")
    );
    env.login(ALICE);
    // Told what to do on the store in use.
    let afresh = if crate::POSTGRES {
        "point EPICEVENTS_DB at a new database (createdb)"
    } else {
        "point EPICEVENTS_DB at a new file"
    };
    assert_eq!(
        env.run(&["demo"], "").fails(1),
        format!("error: demo data only goes into an empty database: {afresh}")
    );
    assert_eq!(
        env.run(&["demo", "--scale", "100"], "").fails(1),
        format!("error: --scale only goes into a database without clients: {afresh}")
    );
}
