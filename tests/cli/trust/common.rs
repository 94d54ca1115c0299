//! What the trust tests share (tests/remote includes the ones that hold in team mode too).

use crate::helpers::{DEMO_PASSWORD, Run, TestEnv};

pub const NOT_LOGGED_IN: &str = "error: you are not logged in: run `login` first";
pub const SESSION_ENDED: &str = "error: your session has ended: log in again";
pub const BAD_CREDENTIALS: &str = "error: invalid email or password";

/// `boss` (a manager, logged in as that home) creates a collaborator whose password is the
/// demo password (so that [`TestEnv::login_as`] logs them in); returns their id.
pub fn hire(env: &TestEnv, boss: &str, name: &str, email: &str, department: &str) -> i64 {
    let number = format!("T-{}", email.split('@').next().unwrap());
    let run = env.run_as(
        boss,
        &[
            "users",
            "create",
            "--employee-number",
            &number,
            "--full-name",
            name,
            "--email",
            email,
            "--phone",
            "+33 6 00 00 00 77",
            "--department",
            department,
        ],
        &format!("{DEMO_PASSWORD}\n"),
    );
    number_after(run.ok(), "(collaborator ")
}

/// The number that follows `marker` in `text` ("Created client 6: …" → 6 after "client ").
pub fn number_after(text: &str, marker: &str) -> i64 {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {text:?}"))
        + marker.len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {marker:?} in {text:?}"))
}

/// One text value from the database.
pub fn text(env: &TestEnv, sql: &str) -> String {
    env.text(sql)
}

/// Asserts a failure with exit code 1 and exactly `line` on standard error.
#[track_caller]
pub fn fails_with(run: &Run, line: &str) {
    assert_eq!(run.fails(1), line, "stdout: {}", run.stdout);
}
