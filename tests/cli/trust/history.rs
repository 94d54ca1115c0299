//! The shell's history (PRODUCT.md §8: nothing secret in any history): one owner-only file per
//! collaborator, `EPICEVENTS_HOME/history/<id>.txt`, appended as each command is accepted so
//! that a killed shell loses nothing; lines that are not commands never reach it; a symbolic
//! link in its place is not followed; and a new collaborator never inherits a deleted one's.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use rexpect::process::Signal;

use super::hire;
use crate::helpers::{ALICE, TestEnv};
use crate::pty::{interrupt, keys, prompt, shell_as};

/// The terminal sequence that ends every line the editor reads (bracketed paste off, see
/// `pty::interrupt`): what comes before it is everything drawn while that line was edited.
const LINE_END: &str = "\u{1b}[?2004l";

#[test]
fn history_keeps_commands_only_and_survives_a_kill() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let mut p = shell_as(&env, "alice");
    for line in ["hunter2-secret-line", "#comment-secret-line"] {
        keys(&mut p, &format!("{line}\r"));
        p.exp_string(LINE_END).unwrap();
        prompt(&mut p, "epicevents> ");
    }
    keys(&mut p, "whoami\r");
    p.exp_string("Alice Manager <alice.manager@epic.com>")
        .unwrap();
    // The next prompt comes after the history is written.
    prompt(&mut p, "epicevents> ");
    p.process_mut().kill(Signal::SIGKILL).unwrap();

    let path = env.home("alice").join("history").join("1.txt");
    let mode = fs::metadata(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let history = fs::read_to_string(&path).unwrap();
    assert!(history.lines().any(|l| l == "whoami"), "{history:?}");
    assert!(!history.contains("secret"), "{history:?}");
}

#[test]
fn a_history_file_that_is_a_symbolic_link_is_not_followed() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let target = env.root().join("someone-elses-file");
    fs::write(&target, "untouched\n").unwrap();
    let dir = env.home("alice").join("history");
    fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&target, dir.join("1.txt")).unwrap();

    let mut p = shell_as(&env, "alice");
    keys(&mut p, "whoami\r");
    p.exp_string("Alice Manager <alice.manager@epic.com>")
        .unwrap();
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "untouched\n");
    assert!(dir.join("1.txt").is_symlink());
}

#[test]
fn a_new_collaborator_never_inherits_a_deleted_ones_history() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let sam = hire(&env, "alice", "Sam Sales", "sam@epic.com", "sales");
    // Sam works at the shared desk…
    env.login_as("desk", "sam@epic.com");
    let mut p = shell_as(&env, "desk");
    keys(&mut p, "clients list --search sam-only-query\r");
    p.exp_string(LINE_END).unwrap();
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    let history = env.home("desk").join("history");
    let sams = fs::read_to_string(history.join(format!("{sam}.txt"))).unwrap();
    assert!(sams.contains("sam-only-query"), "{sams:?}");

    // …leaves, and the next hire sits there.
    env.run_as("alice", &["users", "delete", &sam.to_string(), "--yes"], "")
        .ok();
    let nina = hire(&env, "alice", "Nina Newhire", "nina@epic.com", "sales");
    env.login_as("desk", "nina@epic.com");
    let mut p = shell_as(&env, "desk");
    // Up recalls the newest entry of Nina's history (Ctrl-C then drops the line unrun): none
    // of Sam's entries may show.
    keys(&mut p, "\u{1b}[A");
    p.send_control('c').unwrap();
    p.flush().unwrap();
    let recalled = p.exp_string(LINE_END).unwrap();
    for entry in sams.lines().filter(|l| !l.starts_with('#')) {
        assert!(
            !recalled.contains(entry),
            "Nina's shell recalled Sam's {entry:?}: {recalled:?}"
        );
    }
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "whoami\r");
    p.exp_string("Nina Newhire").unwrap();
    prompt(&mut p, "epicevents> ");
    // The control: Up does recall Nina's own command.
    keys(&mut p, "\u{1b}[A");
    p.exp_string("whoami").unwrap();
    interrupt(&mut p, "epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();

    assert_ne!(nina, sam);
    let ninas = fs::read_to_string(history.join(format!("{nina}.txt"))).unwrap();
    assert!(ninas.contains("whoami") && !ninas.contains("sam-only-query"));
    assert_eq!(
        fs::read_to_string(history.join(format!("{sam}.txt"))).unwrap(),
        sams
    );
}
