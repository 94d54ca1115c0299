//! Input past every bound (trust issue, points 8 and 9): a NUL byte, a line that is not UTF-8,
//! lines and command lines far too long, a line of a million words, and the password line
//! that a failed command leaves behind in a script.
//!
//! Each is refused with exactly one line on standard error and exit code 1 or 2, and changes
//! nothing in the database. Every run here is in bounded memory: the binary may map at most
//! [`MAX_DATA_BYTES`] of writable memory, so that holding a large input would fail.
//!
//! Why a limit rather than a measure: the peak resident memory that `wait4` reports for a
//! child includes the high-water mark of the memory it was forked from, the test process
//! itself (at exec, Linux records the old address space's peak), so it reads 180 MB
//! whatever the binary does; and sampling `/proc` would depend on timing. `RLIMIT_DATA`, set
//! in the child just before exec, bounds what the binary allocates (heap and anonymous
//! mappings, not the mapped executable, which `RLIMIT_AS` would count): an allocation past it
//! fails and the binary aborts, so the expected exit code and message are not there. It
//! depends on nothing's speed. Before the bounds, these inputs needed 370 to 790 MB.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, Command, Stdio};
use std::thread;

use crate::helpers::{ALICE, BILL, KATE, Run, TestEnv};

/// 50 MB of writable memory. A command needs about 1 MB of it; the largest line accepted
/// (2 MiB), parsed, some 10 MB.
const MAX_DATA_BYTES: libc::rlim_t = 50_000_000;

/// Runs `command` in bounded memory while a thread writes its standard input with `feed`
/// (so that hundreds of megabytes are streamed, never held by the test).
fn bounded(mut command: Command, feed: impl FnOnce(&mut ChildStdin) + Send + 'static) -> Run {
    // SAFETY: between fork and exec the closure only calls setrlimit, which is
    // async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MAX_DATA_BYTES,
                rlim_max: MAX_DATA_BYTES,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // The binary may stop reading early; a broken pipe then ends the feed.
    let writer = thread::spawn(move || feed(&mut stdin));
    let output = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("the feed ends");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Pipes `bytes` into the shell as `who`, with `args`, in bounded memory.
fn script(env: &TestEnv, who: &str, args: &[&str], bytes: Vec<u8>) -> Run {
    let mut command = env.command(who);
    command.args(args);
    bounded(command, move |stdin| {
        let _ = stdin.write_all(&bytes);
    })
}

/// Runs `args` (one-shot) as `default`, in bounded memory.
fn one_shot<S: AsRef<std::ffi::OsStr>>(env: &TestEnv, args: impl IntoIterator<Item = S>) -> Run {
    let mut command = env.command("default");
    command.args(args);
    bounded(command, |_| {})
}

/// A demo database with Bill (sales) logged in as `default`.
fn bill() -> TestEnv {
    let env = TestEnv::demo();
    env.login(BILL);
    env
}

const TOO_LONG: &str = "the line is longer than 2 MiB; nothing was run";

#[test]
fn a_nul_in_a_search_is_a_field_error() {
    // A NUL cannot be an argument (the kernel passes C strings): it comes in a script line,
    // through the trigram index (3 characters or more) and through LIKE (fewer).
    let env = bill();
    let before = env.digest();
    for search in ["a\0bc", "a\0"] {
        let line = format!("clients list --search '{search}'\n");
        let run = script(&env, "default", &[], line.into_bytes());
        assert_eq!(
            run.fails(1),
            "line 1: error: invalid --search: must not contain a NUL character",
            "{search:?}"
        );
        assert_eq!(run.stdout, "");
    }
    assert_eq!(env.digest(), before);
}

#[test]
fn a_nul_in_any_field_or_filter_is_a_field_error_never_an_internal_one() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    env.login_as("bill", BILL);
    env.login_as("kate", KATE);
    let before = env.digest();
    let lines: [(&str, &str, &str); 16] = [
        (
            "bill",
            "clients create --full-name 'N\0' --email n@x.io --phone 0600000000 --company-name C",
            "full name",
        ),
        ("bill", "clients update 1 --email 'k\0@x.io'", "email"),
        (
            "bill",
            "clients update 1 --phone '06\0 00 00 00 00'",
            "phone",
        ),
        (
            "bill",
            "clients update 1 --company-name 'Co\0'",
            "company name",
        ),
        ("bill", "clients show '1\0'", "id"),
        ("bill", "contracts pay 2 '1\0'", "amount"),
        ("bill", "events list --from '2027-01-01\0'", "--from"),
        ("bill", "events list --client '1\0'", "--client"),
        ("bill", "users list --department 'sales\0'", "department"),
        ("alice", "users update 2 --full-name 'Bill\0'", "full name"),
        (
            "alice",
            "users update 2 --employee-number 'EMP\0'",
            "employee number",
        ),
        ("alice", "audit list --entity 'client\0'", "entity"),
        ("alice", "audit list --since '2027-01-01\0'", "--since"),
        (
            "alice",
            "contracts create --client 1 --total '10\0'",
            "total",
        ),
        ("kate", "events update 1 --notes 'a\0b'", "notes"),
        ("alice", "events assign 2 '4\0'", "support id"),
    ];
    for (who, line, field) in lines {
        let run = script(&env, who, &[], format!("{line}\n").into_bytes());
        let err = run.fails(1);
        assert!(
            err.starts_with(&format!("line 1: error: invalid {field}: ")),
            "{line:?}: {err}"
        );
    }
    assert_eq!(env.digest(), before);
}

#[test]
fn a_line_of_invalid_utf8_is_refused_and_keep_going_goes_on() {
    let env = TestEnv::demo();
    let before = env.digest();
    let run = script(
        &env,
        "default",
        &["--keep-going"],
        b"help\n\n\xff\xfe help\nhelp\n".to_vec(),
    );
    assert_eq!(
        run.fails(2),
        "line 3: error: not valid UTF-8; nothing was run"
    );
    assert_eq!(run.stdout.matches("exit").count(), 2, "line 4 ran");
    assert_eq!(env.digest(), before);
}

#[test]
fn a_ten_megabyte_search_line_is_refused_in_bounded_memory() {
    // Before: the search ran, through the trigram index, at 790 MB.
    let env = bill();
    let before = env.digest();
    let mut line = b"clients list --search ".to_vec();
    line.resize(line.len() + 10_000_000, b'a');
    line.extend_from_slice(b"\nwhoami\n");
    let run = script(&env, "default", &["--keep-going"], line);
    assert_eq!(run.fails(2), format!("line 1: error: {TOO_LONG}"));
    assert!(run.stdout.contains("Bill Boquet <"), "line 2 ran");
    assert_eq!(env.digest(), before);
}

#[test]
fn a_search_longer_than_any_field_is_refused_in_bounded_memory() {
    // Just under the line bound: the line is read, the search is not run (at 2 MB the
    // trigram query needed some 160 MB).
    let env = bill();
    let before = env.digest();
    let mut line = b"clients list --search ".to_vec();
    line.resize(2_000_000, b'a');
    line.push(b'\n');
    let run = script(&env, "default", &[], line);
    assert_eq!(
        run.fails(1),
        "line 1: error: invalid --search: must be at most 1000 characters"
    );
    let long = "a".repeat(100_000);
    let run = one_shot(&env, ["clients", "list", "--search", &long]);
    assert_eq!(
        run.fails(1),
        "error: invalid --search: must be at most 1000 characters"
    );
    assert_eq!(env.digest(), before);
}

#[test]
fn three_hundred_megabytes_without_a_line_break_are_refused_in_bounded_memory() {
    // Before: 600 MB, the whole line held, then quoted back in an error.
    let env = bill();
    let before = env.digest();
    let run = bounded(env.command("default"), |stdin| {
        let chunk = vec![b'a'; 1_000_000];
        for _ in 0..300 {
            if stdin.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    assert_eq!(run.fails(2), format!("line 1: error: {TOO_LONG}"));
    assert_eq!(run.stdout, "");
    assert_eq!(env.digest(), before);
}

#[test]
fn a_line_of_a_million_words_is_refused_in_bounded_memory() {
    // Before: 370 MB for `help` and its million arguments.
    let env = TestEnv::demo();
    let before = env.digest();
    let mut line = b"help".to_vec();
    for _ in 0..1_000_000 {
        line.extend_from_slice(b" a");
    }
    line.push(b'\n');
    let run = script(&env, "default", &[], line);
    assert_eq!(
        run.fails(2),
        "line 1: error: more than 1000 words in one command; nothing was run"
    );
    assert_eq!(env.digest(), before);
}

#[test]
fn a_one_shot_command_line_over_one_mebibyte_is_refused_before_parsing() {
    // Linux takes at most 128 KiB per argument: nine of them make more than 1 MiB.
    let env = TestEnv::demo();
    let before = env.digest();
    let word = "a".repeat(128_000);
    let mut args = vec!["clients", "list", "--search"];
    args.extend(std::iter::repeat_n(word.as_str(), 9));
    assert_eq!(
        one_shot(&env, args).fails(2),
        "error: the command line is longer than 1 MiB; nothing was run (a longer value fits in a script line: `epicevents < script`)"
    );
    let words = std::iter::once("help").chain(std::iter::repeat_n("a", 1_000));
    assert_eq!(
        one_shot(&env, words).fails(2),
        "error: more than 1000 words in one command; nothing was run"
    );
    assert_eq!(env.digest(), before);
}

#[test]
fn under_keep_going_a_password_left_by_a_failed_command_is_never_shown() {
    let env = bill();
    let before = env.digest();
    // Bill may not create collaborators, and `not-an-email` is no login: both fail before
    // reading their password line, which the script then reads as a command.
    let lines = [
        "# Bill tries what only management may do",
        "users create --employee-number EMP-0099 --full-name 'Nina Martin' --email nina@epic.com --phone '+33 6 12 34 56 78' --department sales",
        "Nina-Secret-pw-1",
        "",
        "login not-an-email",
        "clients Bill-Secret-pw-2",
        "whoami",
    ];
    let run = script(
        &env,
        "default",
        &["--keep-going"],
        format!("{}\n", lines.join("\n")).into_bytes(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 4, "{}", run.stderr);
    assert!(
        errors[0].starts_with("line 2: error: permission denied: "),
        "{}",
        errors[0]
    );
    assert_eq!(
        errors[1],
        "line 3: error: not a command (not shown, as it may be a password); see `help`"
    );
    assert!(
        errors[2].starts_with("line 5: error: invalid email: "),
        "{}",
        errors[2]
    );
    assert_eq!(
        errors[3],
        "line 6: error: not a command in clients (not shown, as it may be a password); see `help clients`"
    );
    assert!(run.stdout.contains("Bill Boquet <"), "line 7 ran");
    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains("Secret"), "{output}");
        assert!(!output.contains("did you mean"), "{output}");
    }
    assert_eq!(env.digest(), before);
}

#[test]
fn a_password_answer_too_long_is_refused_without_being_shown() {
    // The prompts read through the same bounded reader as the commands.
    let env = TestEnv::demo();
    let before = env.digest();
    let mut input = format!("login {ALICE}\n").into_bytes();
    input.resize(input.len() + 3_000_000, b'p');
    input.extend_from_slice(b"\nhelp\n");
    let run = script(&env, "default", &["--keep-going"], input);
    assert_eq!(
        run.fails(1),
        "line 1: error: invalid password: the line is longer than 2 MiB"
    );
    assert!(!run.stdout.contains("ppp") && !run.stderr.contains("ppp"));
    assert!(run.stdout.contains("exit"), "line 3 ran");
    assert_eq!(env.digest(), before);
}
