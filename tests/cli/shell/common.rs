//! What the shell tests share (tests/remote includes the ones that hold in team mode too).

use std::os::unix::process::CommandExt;
use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

use crate::helpers::TestEnv;
use crate::pty::{TIMEOUT_MS, prompt};

/// The sequence that ends every line the editor reads (bracketed paste off). rustyline writes
/// it after giving the terminal back its normal mode, in which Ctrl-C is a signal rather than
/// a key: once it shows, the line is accepted and its command is about to run.
pub const LINE_END: &str = "\u{1b}[?2004l";

/// The Down arrow as a terminal sends it, to move in inquire's lists.
pub const DOWN: &str = "\u{1b}[B";

/// How `text` shows in what rexpect reads: it turns each byte into a character (Latin-1), so
/// `✗` or `–` arrive as several characters.
pub fn shown(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Mia, the only collaborator of a new database, set up by a one-shot `setup` (which logs
/// her in, in the data directory of `who`).
pub fn mia(who: &str) -> TestEnv {
    let env = TestEnv::new();
    // On the machine that holds the database, in both modes.
    let mut setup = env.local_command(who);
    setup.args([
        "setup",
        "--employee-number",
        "E1",
        "--full-name",
        "Mia Manager",
        "--email",
        "mia@epic.com",
        "--phone",
        "+33 1 00 00 00 09",
    ]);
    let run = crate::helpers::pipe(setup, &format!("{MIA_PASSWORD}\n"));
    assert!(
        run.ok().contains("You are logged in"),
        "setup says it logged Mia in: {run:?}"
    );
    env
}

pub const MIA_PASSWORD: &str = "mia's own password";

/// The database's schema: tables, indexes and triggers, as SQL. A bulk load suspends the
/// search index; a cancelled one must leave it as it was.
pub fn schema(env: &TestEnv) -> String {
    env.schema()
}

/// Starts `command` with SIGINT handled the default way, as from a terminal. A process
/// started in the background of a script inherits SIGINT ignored, and then, as Unix programs
/// do, leaves it ignored: Ctrl-C would do nothing, whatever the shell's handling of it.
pub fn with_default_sigint(command: &mut Command) -> &mut Command {
    // SAFETY: `signal` is async-signal-safe, as a function run between fork and exec must be.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        })
    }
}

/// [`crate::pty::shell_as`], for a test that sends Ctrl-C while a command runs.
pub fn interruptible_shell(env: &TestEnv, who: &str) -> PtySession {
    let mut command = env.command(who);
    command.env("TERM", "xterm").env("COLUMNS", "100");
    with_default_sigint(&mut command);
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).expect("the shell starts in a pty");
    prompt(&mut session, "epicevents> ");
    session
}
