//! Progress on standard error (issue: long commands say how far they are): `demo --scale`
//! draws a bar with a count, a rate and the time left when standard error is a terminal, and
//! a large export counts its rows when its rows go to a file; piped, neither prints a byte
//! more than before.

use rexpect::session::spawn_command;

use crate::helpers::{BIN, DEMO_PASSWORD, TestEnv, pipe};

/// A debug build loads 20,000 rows of each in seconds; a busy machine may take a minute.
const TIMEOUT_MS: u64 = 180_000;
const SCALE: &str = "20000";

#[test]
fn demo_scale_draws_a_bar_on_a_terminal_and_nothing_when_piped() {
    let env = TestEnv::new();
    let mut command = env.command("default");
    command
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .args(["demo", "--scale", SCALE]);
    let mut p = spawn_command(command, Some(TIMEOUT_MS)).expect("the binary starts in a pty");
    p.exp_string("clients and contracts").unwrap();
    p.exp_string("/20,000").unwrap();
    p.exp_string("left)").unwrap();
    p.exp_string("events").unwrap();
    p.exp_string("indexes").unwrap();
    p.exp_string("Added 5 collaborators, 20000 clients")
        .unwrap();
    p.exp_eof().unwrap();

    let piped = TestEnv::new();
    let run = piped.run(&["demo", "--scale", SCALE], "");
    assert!(
        run.ok().starts_with("Added 5 collaborators, 20000 clients"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "", "nothing extra on a piped standard error");
}

#[test]
fn a_large_export_to_a_file_counts_its_rows_on_the_terminal_and_nothing_when_piped() {
    let env = TestEnv::new();
    env.run(&["demo", "--scale", SCALE], "").ok();
    env.run(
        &["login", "management1@scale.epic.com"],
        &format!("{DEMO_PASSWORD}\n"),
    )
    .ok();
    // Standard error is the terminal, the rows go to a file.
    let mut command = env.command("default");
    let out = env.root().join("clients.csv");
    command
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .env("EPICEVENTS_BIN", BIN)
        .env("OUT", &out);
    let mut shell = std::process::Command::new("sh");
    shell.args([
        "-c",
        "exec \"$EPICEVENTS_BIN\" clients list --format csv > \"$OUT\"",
    ]);
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => shell.env(key, value),
            None => shell.env_remove(key),
        };
    }
    shell.current_dir(env.root());
    let mut p = spawn_command(shell, Some(TIMEOUT_MS)).expect("sh starts in a pty");
    p.exp_string("clients exported").unwrap();
    p.exp_eof().unwrap();
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 20_001, "the header and every client");
    assert!(
        !csv.contains("exported"),
        "the count never goes into the rows"
    );

    let mut command = env.command("default");
    command.args(["clients", "list", "--format", "csv"]);
    let run = pipe(command, "");
    assert_eq!(run.ok().lines().count(), 20_001);
    assert_eq!(run.stderr, "", "nothing extra on a piped standard error");
}
