//! Ctrl-C while a command runs (issue point 1): the command is cancelled, its transaction
//! rolled back and its output stopped; the shell goes on, and a one-shot command exits 130.
//!
//! Each test presses Ctrl-C at a moment it can see: after the terminal shows that the line
//! was accepted (Ctrl-C is a signal from then on), while the command cannot have finished,
//! either because it is far too long or because its output is held by a terminal nobody
//! reads.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rexpect::process::PtyProcess;

use super::{LINE_END, interruptible_shell, mia, schema, with_default_sigint};
use crate::helpers::{Run, TestEnv};
use crate::pty::{TIMEOUT_MS, keys, prompt};

#[test]
fn ctrl_c_during_demo_scale_at_the_prompt_rolls_it_back_and_keeps_the_shell() {
    let env = mia("mia");
    let (data, tables) = (env.digest(), schema(&env));
    let mut p = interruptible_shell(&env, "mia");
    keys(&mut p, "demo --scale 200000\r");
    // The line is accepted and the terminal is back in its normal mode: Ctrl-C is SIGINT now,
    // while the load (a minute of work) runs or is about to.
    p.exp_string(LINE_END).unwrap();
    p.send_control('c').unwrap();
    p.flush().unwrap();
    let shown = p.exp_string("cancelled").unwrap();
    assert!(!shown.contains("Added"), "the load finished: {shown:?}");
    prompt(&mut p, "mia@epicevents> ");
    keys(&mut p, "whoami\r");
    p.exp_string("Mia Manager <mia@epic.com>, management")
        .unwrap();
    prompt(&mut p, "mia@epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();

    assert_eq!(env.count("SELECT COUNT(*) FROM clients"), 0);
    assert_eq!(env.count("SELECT COUNT(*) FROM collaborators"), 1);
    assert_eq!(env.digest(), data, "no row of the load is left");
    assert_eq!(schema(&env), tables, "the search index is as it was");
}

/// A shell in a pseudo-terminal that is read only when the test asks: while it is not read,
/// the terminal fills up and the shell's next write waits, so a long output cannot end
/// before the test presses a key.
struct HeldTerminal {
    process: PtyProcess,
    master: File,
    /// Read and not yet matched.
    pending: Vec<u8>,
}

impl HeldTerminal {
    fn spawn(mut command: Command) -> HeldTerminal {
        command.env("TERM", "xterm").env("COLUMNS", "100");
        with_default_sigint(&mut command);
        let mut process = PtyProcess::new(command).expect("the shell starts in a pty");
        process.set_kill_timeout(Some(TIMEOUT_MS));
        let master = process.get_file_handle().unwrap();
        HeldTerminal {
            process,
            master,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).unwrap();
        self.master.flush().unwrap();
    }

    /// Reads until `needle` shows; returns everything read before it (lossy UTF-8).
    fn read_until(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_millis(TIMEOUT_MS);
        loop {
            if let Some(at) = find(&self.pending, needle.as_bytes()) {
                let before: Vec<u8> = self.pending.drain(..at + needle.len()).collect();
                return String::from_utf8_lossy(&before[..at]).into_owned();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && self.readable(left),
                "no {needle:?} within {TIMEOUT_MS} ms; the terminal shows:\n{}",
                String::from_utf8_lossy(&self.pending)
            );
            let mut chunk = [0u8; 4096];
            match self.master.read(&mut chunk) {
                Ok(0) | Err(_) => panic!(
                    "the shell ended before {needle:?}:\n{}",
                    String::from_utf8_lossy(&self.pending)
                ),
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// Waits at most `timeout` for something to read.
    fn readable(&self, timeout: Duration) -> bool {
        let mut fd = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd, for the duration of the call.
        unsafe { libc::poll(&mut fd, 1, ms) > 0 }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn ctrl_c_during_a_large_csv_export_stops_it_and_returns_to_the_prompt() {
    let env = TestEnv::new();
    env.run(&["demo", "--scale", "3000"], "").ok();
    env.login("management1@scale.epic.com");
    let before = env.digest();

    let mut t = HeldTerminal::spawn(env.command("default"));
    t.read_until("epicevents> ");
    t.send(b"clients list --format csv\r");
    t.read_until(LINE_END);
    // The export has begun. About 500 KB are to come: once the terminal holds what it can
    // (tens of KB), the shell waits to write the rest, until the test reads again.
    let header = "id,full_name,email,phone,company_name,sales_contact_id";
    t.read_until(header);
    t.read_until("client1@");
    t.send(b"\x03");
    let rest = t.read_until("cancelled");
    assert!(
        !rest.contains("client3000@"),
        "the export ran to its end: {} bytes shown",
        rest.len()
    );
    t.read_until("management1@epicevents> ");
    t.send(b"whoami\r");
    t.read_until("Lou management 1 <management1@scale.epic.com>");
    t.read_until("epicevents> ");
    t.send(b"exit\r");
    let status = t.process.wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
    assert_eq!(env.digest(), before);
}

/// Whether process `pid` catches SIGINT (its handler is installed), from `/proc`.
fn catches_sigint(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
}

#[test]
fn sigint_to_a_one_shot_demo_scale_exits_130_with_nothing_loaded() {
    let env = mia("mia");
    let before = env.digest();
    let mut command = env.command("mia");
    with_default_sigint(&mut command)
        .args(["demo", "--scale", "200000"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().unwrap();
    // Before its handler is installed, SIGINT would end the process the default way (killed
    // by the signal): wait for the handler, which is the state the test is about. The load
    // itself takes a minute; the handler is there within milliseconds.
    let deadline = Instant::now() + Duration::from_millis(TIMEOUT_MS);
    while !catches_sigint(child.id()) {
        assert!(Instant::now() < deadline, "the process never caught SIGINT");
        std::thread::yield_now();
    }
    // SAFETY: a signal to the child this test spawned and has not yet waited for.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) },
        0
    );
    let run = Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, 130, "{run:?}");
    assert_eq!(run.stderr, "cancelled\n");
    assert_eq!(run.stdout, "");
    assert_eq!(env.count("SELECT COUNT(*) FROM clients"), 0);
    assert_eq!(env.digest(), before);
    // Mia is still logged in and the database still works.
    assert!(
        env.run_as("mia", &["whoami"], "")
            .ok()
            .contains("Mia Manager")
    );
}
