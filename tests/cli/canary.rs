//! The secrets canary (PRODUCT.md §5 and §6): a scripted session with marker values, a failed
//! login, a forced internal error, a panic and an interactive session in a pseudo-terminal,
//! all with Sentry delivered to a local receiver. Then every text the session produced is
//! searched for what must never be in it.
//!
//! Never anywhere (standard output and error of every run, the terminal transcript, the
//! history file, the audit table, every Sentry payload): the passwords typed, the session
//! tokens and their signatures, the signing secret, any bcrypt hash or part of one.
//!
//! Never in what leaves the machine (Sentry): the emails, phones and names of the clients and
//! collaborators involved, and command lines. They do belong in the local outputs: `clients
//! show` prints a client's email, the audit table records changed fields old → new (§6) and
//! the history file holds the commands typed, so those are not searched for them there.
//!
//! Each source is also checked positively (it was collected and holds what the session did),
//! so the test cannot pass on empty texts.

use std::io::Write;
use std::process::{Command, Stdio};

use rexpect::session::{PtySession, spawn_command};

use crate::helpers::{ALICE, DEMO_PASSWORD, KATE, Run, SentryReceiver, TestEnv};

const PASSWORD: &str = "canary-P4ssw0rd-7f3a";
const WRONG_PASSWORD: &str = "canary-Wr0ng-9c1e-guess";
const SECRET: &str = "canary-secret-5b7d-signing-key-4e2a-0c9f";

const COLLAB_NAME: &str = "Ozric Fenwhistle";
const COLLAB_EMAIL: &str = "ozric.fenwhistle@epic.com";
const COLLAB_PHONE: &str = "+33 6 19 28 37 46";

const CLIENT_NAME: &str = "Quilla Marnett";
const CLIENT_EMAIL: &str = "quilla.marnett@canary-mail.example";
const CLIENT_PHONE: &str = "+33 7 61 42 93 58";
const CLIENT_EMAIL_2: &str = "q.marnett.7f3a@canary-mail.example";
const CLIENT_PHONE_2: &str = "+33 7 61 42 93 17";

const TIMEOUT_MS: u64 = 30_000;

/// The database, the Sentry receiver and everything collected so far.
struct Canary {
    env: TestEnv,
    sentry: SentryReceiver,
    /// Every run: what was run, and what it printed.
    runs: Vec<(String, Run)>,
    bodies: Vec<String>,
    tokens: Vec<String>,
}

impl Canary {
    /// The binary for `who`, with the marker secret and Sentry on.
    fn command(&self, who: &str) -> Command {
        let mut command = self.env.command(who);
        command
            .env("EPICEVENTS_SECRET", SECRET)
            .env("SENTRY_DSN", self.sentry.dsn())
            .env("SENTRY_ENVIRONMENT", "canary");
        command
    }

    fn run(&mut self, who: &str, args: &[&str], stdin: &str, panic: bool) -> &Run {
        let mut command = self.command(who);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if panic {
            command.env("EPICEVENTS_TEST_PANIC", "1");
        }
        let mut child = command.spawn().expect("the binary starts");
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        let output = child.wait_with_output().expect("the binary finishes");
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.runs.push((format!("{who}: {}", args.join(" ")), run));
        &self.runs.last().unwrap().1
    }

    /// Logs `who` in and keeps the token they were given.
    fn login(&mut self, who: &str, email: &str, password: &str) {
        let out = self.run(who, &["login", email], &format!("{password}\n"), false);
        assert!(out.ok().starts_with("Logged in as"), "{out:?}");
        self.keep_token(who);
    }

    fn keep_token(&mut self, who: &str) {
        let token = std::fs::read_to_string(self.env.home(who).join("session")).unwrap();
        assert_eq!(token.trim().split('.').count(), 3, "a JWT: {token}");
        self.tokens.push(token.trim().to_owned());
    }

    /// The next Sentry body, which must exist and contain `marker`.
    fn expect_report(&mut self, marker: &str) {
        let body = self
            .sentry
            .next()
            .unwrap_or_else(|| panic!("no Sentry report arrived (expected {marker:?})"));
        assert!(body.contains(marker), "expected {marker:?} in {body}");
        self.bodies.push(body);
    }
}

fn keys(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// Waits for `needle` and returns everything shown up to and including it.
fn shown(session: &mut PtySession, needle: &str) -> String {
    let before = session
        .exp_string(needle)
        .unwrap_or_else(|e| panic!("{needle:?} never showed: {e}"));
    before + needle
}

/// Every row of the audit table, every column, as text.
fn audit_rows(env: &TestEnv) -> String {
    let mut text = String::new();
    for row in env.rows("SELECT * FROM audit_log ORDER BY 1") {
        for cell in row {
            text.push_str(cell.as_deref().unwrap_or("NULL"));
            text.push('|');
        }
        text.push('\n');
    }
    text
}

#[test]
fn no_secret_reaches_any_output_history_audit_or_sentry() {
    let mut canary = Canary {
        env: TestEnv::demo(),
        sentry: SentryReceiver::start(),
        runs: Vec::new(),
        bodies: Vec::new(),
        tokens: Vec::new(),
    };

    // Management creates a collaborator with the marker password: Sentry hears of it.
    canary.login("alice", ALICE, DEMO_PASSWORD);
    let create = [
        "users",
        "create",
        "--employee-number",
        "EMP-0777",
        "--full-name",
        COLLAB_NAME,
        "--email",
        COLLAB_EMAIL,
        "--phone",
        COLLAB_PHONE,
        "--department",
        "sales",
    ];
    let out = canary.run("alice", &create, &format!("{PASSWORD}\n"), false);
    assert!(out.ok().contains(COLLAB_NAME), "{out:?}");
    canary.expect_report("collaborator.created");
    let collab_id = canary.env.count(&format!(
        "SELECT id FROM collaborators WHERE email = '{COLLAB_EMAIL}'"
    ));

    // A failed login with another marker password, then the right one.
    let failed = canary.run(
        "default",
        &["login", COLLAB_EMAIL],
        &format!("{WRONG_PASSWORD}\n"),
        false,
    );
    assert_eq!(failed.fails(1), "error: invalid email or password");
    canary.login("default", COLLAB_EMAIL, PASSWORD);

    // A client with marker contact details, changed once, then shown.
    let client = [
        "clients",
        "create",
        "--full-name",
        CLIENT_NAME,
        "--email",
        CLIENT_EMAIL,
        "--phone",
        CLIENT_PHONE,
        "--company-name",
        "Canary Ltd",
    ];
    canary.run("default", &client, "", false).ok();
    let client_id = canary.env.count(&format!(
        "SELECT id FROM clients WHERE email = '{CLIENT_EMAIL}'"
    ));
    let id = client_id.to_string();
    let update = [
        "clients",
        "update",
        &id,
        "--email",
        CLIENT_EMAIL_2,
        "--phone",
        CLIENT_PHONE_2,
    ];
    canary.run("default", &update, "", false).ok();
    let show = canary.run("default", &["clients", "show", &id], "", false);
    assert!(show.ok().contains(CLIENT_EMAIL_2), "{show:?}");

    // A forced internal error: a stored event time no version of epicevents writes, made of
    // the client's contact details, so the error chain that quotes it carries them.
    canary.login("kate", KATE, DEMO_PASSWORD);
    canary.env.execute_with(
        "UPDATE events SET starts_at = ?1 WHERE id = 1",
        &[&format!("{CLIENT_PHONE_2} {CLIENT_EMAIL_2}")],
    );
    let internal = canary.run(
        "kate",
        &["events", "update", "1", "--attendees", "80"],
        "",
        false,
    );
    assert_eq!(
        internal.fails(3),
        "error: internal error: epicevents could not complete this command and changed nothing"
    );
    canary.expect_report("InternalError");

    // A panic in the middle of a command line full of personal data.
    let panic_line = [
        "clients",
        "update",
        &id,
        "--full-name",
        CLIENT_NAME,
        "--email",
        CLIENT_EMAIL,
        "--phone",
        CLIENT_PHONE,
    ];
    let panicked = canary.run("default", &panic_line, "", true);
    assert_eq!(
        panicked.fails(3),
        "error: internal error: epicevents stopped unexpectedly and changed nothing"
    );
    canary.expect_report("test panic while running");

    // The interactive shell: a login with the marker password and a client command, both
    // written to the history; then the password typed at the prompt by mistake, which must
    // not be.
    let mut command = canary.command("default");
    command.env("TERM", "xterm").env("COLUMNS", "100");
    let mut p = spawn_command(command, Some(TIMEOUT_MS)).expect("the shell starts in a pty");
    let mut transcript = shown(&mut p, "epicevents> ");
    keys(&mut p, &format!("login {COLLAB_EMAIL}\r"));
    transcript += &shown(&mut p, "Password:");
    keys(&mut p, PASSWORD);
    transcript += &shown(&mut p, &"*".repeat(PASSWORD.len()));
    keys(&mut p, "\r");
    transcript += &shown(&mut p, &format!("Logged in as {COLLAB_NAME} (sales)."));
    transcript += &shown(&mut p, "epicevents> ");
    keys(&mut p, &format!("clients show {id}\r"));
    transcript += &shown(&mut p, CLIENT_EMAIL_2);
    transcript += &shown(&mut p, "epicevents> ");
    // From here on the terminal echoes the password as typed: the transcript stops, and
    // only the history file is searched.
    keys(&mut p, &format!("{PASSWORD}\r"));
    p.exp_string("unknown command").unwrap();
    p.exp_string("epicevents> ").unwrap();
    // And the password given as an argument, which is not a command either.
    keys(&mut p, &format!("login {COLLAB_EMAIL} {PASSWORD}\r"));
    p.exp_string("error:").unwrap();
    p.exp_string("epicevents> ").unwrap();
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
    canary.keep_token("default");
    let history_path = canary
        .env
        .home("default")
        .join("history")
        .join(format!("{collab_id}.txt"));
    let history = std::fs::read_to_string(&history_path)
        .unwrap_or_else(|e| panic!("no history file {}: {e}", history_path.display()));

    canary.bodies.extend(canary.sentry.rest());
    let audit = audit_rows(&canary.env);

    // Every source was collected and holds what the session did.
    assert!(canary.runs.len() == 10, "{} runs", canary.runs.len());
    assert!(
        canary
            .runs
            .iter()
            .any(|(_, r)| r.stdout.contains(CLIENT_EMAIL_2)),
        "standard output was collected"
    );
    assert!(
        transcript.contains(&"*".repeat(PASSWORD.len())) && transcript.contains("Logged in as"),
        "{transcript}"
    );
    assert!(
        history.contains(&format!("clients show {id}")) && history.contains("login"),
        "the history holds the session's commands: {history}"
    );
    assert!(canary.bodies.len() >= 3, "{:?}", canary.bodies);
    for action in ["login_failed", "login", "create", "update"] {
        assert!(
            audit.contains(&format!("|{action}|")),
            "the audit table records {action}:\n{audit}"
        );
    }
    assert!(
        audit.contains("employee_number"),
        "the audit table records changed fields:\n{audit}"
    );
    assert!(canary.tokens.len() >= 4, "{:?}", canary.tokens);

    // What must appear nowhere.
    let mut secrets: Vec<(String, String)> = vec![
        ("the marker password".into(), PASSWORD.into()),
        ("the wrong password".into(), WRONG_PASSWORD.into()),
        ("the demo password".into(), DEMO_PASSWORD.into()),
        ("the secret".into(), SECRET.into()),
        ("a bcrypt hash".into(), "$2b$".into()),
        ("a bcrypt hash".into(), "$2a$".into()),
        ("a bcrypt hash".into(), "$2y$".into()),
    ];
    if let Ok(key) = std::fs::read_to_string(canary.env.key_file("default")) {
        secrets.push(("the key file".into(), key.trim().to_owned()));
    }
    if crate::POSTGRES {
        secrets.push((
            "the database password".into(),
            crate::helpers::PG_PASSWORD.into(),
        ));
    }
    for token in &canary.tokens {
        let signature = token.rsplit('.').next().unwrap().to_owned();
        secrets.push(("a token".into(), token.clone()));
        secrets.push(("a token's signature".into(), signature));
    }
    let hashes: Vec<String> = canary
        .env
        .rows("SELECT password_hash FROM collaborators")
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    assert!(!hashes.is_empty());
    for hash in hashes {
        assert!(hash.starts_with("$2b$12$") && hash.len() == 60, "{hash}");
        secrets.push(("a hash's salt".into(), hash[7..29].to_owned()));
        secrets.push(("a hash's digest".into(), hash[29..].to_owned()));
    }

    // What must not leave the machine, on top of that.
    let digits = |phone: &str| {
        phone
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    };
    let mut personal: Vec<(String, String)> = Vec::new();
    for (what, value) in [
        ("a client name", CLIENT_NAME),
        ("a client email", CLIENT_EMAIL),
        ("a client email", CLIENT_EMAIL_2),
        ("a client phone", CLIENT_PHONE),
        ("a client phone", CLIENT_PHONE_2),
        ("a collaborator name", COLLAB_NAME),
        ("a collaborator email", COLLAB_EMAIL),
        ("a collaborator phone", COLLAB_PHONE),
        ("a collaborator name", "Alice Manager"),
        ("a collaborator name", "Kate Hastroff"),
        ("a collaborator email", ALICE),
        ("a collaborator email", KATE),
        ("a command line", "clients update"),
        ("a command line", "events update"),
        ("a command line", "users create"),
        ("a command line", "--email"),
    ] {
        personal.push((what.into(), value.into()));
        if let Some((local, _)) = value.split_once('@') {
            personal.push((format!("{what} (its local part)"), local.into()));
        }
        if what.ends_with("phone") {
            personal.push((format!("{what} (its digits)"), digits(value)));
            personal.push((
                format!("{what} (its last digits)"),
                digits(value)[2..].into(),
            ));
        }
    }

    let mut sources: Vec<(String, &str)> = Vec::new();
    for (line, run) in &canary.runs {
        sources.push((format!("stdout of `{line}`"), &run.stdout));
        sources.push((format!("stderr of `{line}`"), &run.stderr));
    }
    sources.push(("the terminal".into(), &transcript));
    sources.push(("the history file".into(), &history));
    sources.push(("the audit table".into(), &audit));
    let sentry: Vec<(String, &str)> = canary
        .bodies
        .iter()
        .enumerate()
        .map(|(i, body)| (format!("Sentry payload {i}"), body.as_str()))
        .collect();

    let mut leaks = Vec::new();
    for (source, text) in sources.iter().chain(&sentry) {
        for (what, value) in &secrets {
            if text.contains(value.as_str()) {
                leaks.push(format!("{what} ({value}) in {source}"));
            }
        }
    }
    for (source, text) in &sentry {
        for (what, value) in &personal {
            if text.contains(value.as_str()) {
                leaks.push(format!("{what} ({value}) in {source}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "leaks:\n{}\n\nSentry payloads:\n{}",
        leaks.join("\n"),
        canary.bodies.join("\n---\n")
    );
}
