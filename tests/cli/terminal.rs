//! Output that fits the terminal: the width read at each command, values never cut, the
//! record view, the pager, help wrapped with its examples, and times.

use std::os::fd::AsRawFd;

use rexpect::session::PtySession;
use unicode_width::UnicodeWidthStr;

use crate::helpers::{ALICE, TestEnv, json};
use crate::pty::{keys, prompt, shell};

/// Sets the pseudo-terminal's size, as a terminal window being resized does (the kernel then
/// tells the shell with SIGWINCH).
fn resize(session: &PtySession, columns: u16, rows: u16) {
    let master = session.process().get_file_handle().unwrap();
    let size = libc::winsize {
        ws_row: rows,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads a winsize, which lives for the call.
    let done = unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &size) };
    assert_eq!(done, 0, "the pty takes its new size");
}

/// Text without the terminal's control sequences (the line editor redraws its prompt).
/// rexpect hands over the terminal's bytes as Latin-1: they are read as UTF-8 again first.
fn plain(text: &str) -> String {
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() || c == '~' {
                        break;
                    }
                }
            }
            continue;
        }
        if c != '\r' {
            out.push(c);
        }
    }
    out
}

/// The lines of a table (its borders and rows) in `screen`.
fn table_lines(screen: &str) -> Vec<String> {
    plain(screen)
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '├', '└']))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_list_follows_the_window_when_it_is_resized() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut p = shell(&env);
    resize(&p, 120, 40);
    keys(&mut p, "clients list\r");
    let wide = p.exp_string("of 5 clients.").unwrap();
    let lines = table_lines(&wide);
    assert!(!lines.is_empty(), "{wide}");
    assert!(lines.iter().all(|l| l.width() <= 120), "{lines:#?}");
    assert!(
        lines[1].contains("email"),
        "120 columns show the emails: {lines:#?}"
    );

    resize(&p, 80, 24);
    keys(&mut p, "clients list\r");
    let narrow = p.exp_string("of 5 clients.").unwrap();
    let lines = table_lines(&narrow);
    assert!(
        lines.iter().all(|l| l.width() <= 80),
        "every row fits 80 columns, none wraps: {lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Kevin Casey")),
        "{lines:#?}"
    );
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
}

#[test]
fn ids_amounts_and_dates_are_never_cut_and_a_narrow_list_becomes_records() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let at = |columns: &str| {
        let mut command = env.command("default");
        command.env("COLUMNS", columns).args(["contracts", "list"]);
        crate::helpers::pipe(command, "").ok().to_owned()
    };
    let sixty = at("60");
    assert!(sixty.lines().all(|l| l.width() <= 60), "{sixty}");
    for whole in ["12000.00", "25000.00", "15000.00", "3000.50"] {
        assert!(sixty.contains(whole), "{whole} cut at 60 columns:\n{sixty}");
    }
    // Amounts are right-aligned: the shorter one is padded on the left.
    assert!(sixty.contains("│  8000.00 │"), "{sixty}");

    let thirty = at("30");
    assert!(thirty.starts_with("-[ RECORD 1 ]"), "{thirty}");
    assert!(thirty.contains("total     | 12000.00"), "{thirty}");
    assert!(thirty.lines().all(|l| l.width() <= 30), "{thirty}");
}

#[test]
fn output_taller_than_the_terminal_goes_through_the_pager_and_only_then() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut command = env.command("default");
    // A pager that marks what it shows.
    command
        .env("TERM", "xterm")
        .env("EPICEVENTS_PAGER", "sed s/^/PAGED:/");
    let mut p = rexpect::session::spawn_command(command, Some(crate::pty::TIMEOUT_MS)).unwrap();
    resize(&p, 100, 12);
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "help\r");
    // (rexpect reads the terminal as Latin-1: match the ASCII part of the heading.)
    p.exp_string("PAGED:epicevents ").unwrap();
    p.exp_string("PAGED:Type a menu's name").unwrap();
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "whoami\r");
    let short = p.exp_string("(collaborator 1)").unwrap();
    assert!(!short.contains("PAGED:"), "one line is not paged: {short}");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();

    // Never when standard output is not a terminal, nor with --no-pager.
    let mut piped = env.command("default");
    piped
        .env("EPICEVENTS_PAGER", "sed s/^/PAGED:/")
        .env("LINES", "5")
        .arg("help");
    let out = crate::helpers::pipe(piped, "").ok().to_owned();
    assert!(!out.contains("PAGED:") && out.lines().count() > 10, "{out}");
}

#[test]
fn help_wraps_to_the_width_and_ends_with_examples() {
    let env = TestEnv::demo();
    for columns in ["80", "50"] {
        let mut command = env.command("default");
        command
            .env("COLUMNS", columns)
            .args(["help", "events", "create"]);
        let help = crate::helpers::pipe(command, "").ok().to_owned();
        let width: usize = columns.parse().unwrap();
        assert!(help.lines().all(|l| l.width() <= width), "{help}");
        assert!(help.contains("Examples:\n  events create"), "{help}");
    }
    let mut command = env.command("default");
    command.env("COLUMNS", "50").arg("help");
    let overview = crate::helpers::pipe(command, "").ok().to_owned();
    assert!(overview.lines().all(|l| l.width() <= 50), "{overview}");
}

#[test]
fn recorded_times_read_in_local_time_and_stay_utc_in_json() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let shown_in = |zone: &str| {
        let mut command = env.command("default");
        command.env("TZ", zone).args(["users", "show", "1"]);
        crate::helpers::pipe(command, "").ok().to_owned()
    };
    let mut command = env.command("default");
    command.args(["users", "show", "1", "--format", "json"]);
    let created = json(crate::helpers::pipe(command, "").ok())["created_at"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        created.ends_with('Z'),
        "JSON is ISO-8601 with its offset: {created}"
    );
    // In UTC, the stored minute; three hours later in a zone three hours ahead all year
    // round (a POSIX zone: "EPI-3" is UTC+03:00, without summer time).
    let utc = format!("{} {}", &created[..10], &created[11..16]);
    assert!(shown_in("UTC").contains(&utc), "{}", shown_in("UTC"));
    let hour: u32 = created[11..13].parse().unwrap();
    let ahead = format!("{:02}{}", (hour + 3) % 24, &created[13..16]);
    let shown = shown_in("EPI-3");
    assert!(shown.contains(&ahead), "{ahead} in {shown}");
    assert!(
        !shown.contains(&created),
        "no UTC timestamp on screen: {shown}"
    );
}
