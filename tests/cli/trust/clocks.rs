//! Clocks and lock-outs (PRODUCT.md §5): a token issued in the future was issued by a wrong
//! clock and would outlive its 8 hours; a lock-out never lasts more than 15 minutes from now,
//! whatever clock set it; management can end a lock-out or reset a forgotten password.

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use super::{BAD_CREDENTIALS, NOT_LOGGED_IN, fails_with, text};
use crate::helpers::{ALICE, BILL, DEMO_PASSWORD, KATE, TestEnv, utc_in};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A session token for Bill, issued at `iat`, valid for 8 hours from then, signed with the
/// key file: everything in it is right but the issue time the test chooses.
fn bills_token(env: &TestEnv, iat: i64) -> String {
    let uid = env.text("SELECT identity FROM collaborators WHERE id = 2");
    let ver = env.count("SELECT token_version FROM collaborators WHERE id = 2");
    let instance = env.text("SELECT instance_id FROM instance");
    let key = fs::read_to_string(env.key_file("default")).unwrap();
    let claims = json!({
        "sub": "2", "uid": uid, "ver": ver, "db": instance, "iat": iat, "exp": iat + 8 * 3600,
    });
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(key.trim().as_bytes()),
    )
    .unwrap()
}

#[test]
fn a_token_issued_in_the_future_is_refused() {
    let env = TestEnv::demo();
    env.login(BILL);
    let session = env.home("default").join("session");
    // Controls: issued now, or by a clock a little ahead, the token is accepted; so the
    // refusal below is due to the issue time alone.
    for iat in [now(), now() + 30] {
        fs::write(&session, bills_token(&env, iat)).unwrap();
        assert!(env.run(&["whoami"], "").ok().contains("Bill Boquet"));
    }
    fs::write(&session, bills_token(&env, now() + 3 * 3600)).unwrap();
    fails_with(&env.run(&["whoami"], ""), NOT_LOGGED_IN);
}

fn lock(env: &TestEnv, id: i64, until: &str) {
    env.execute(&format!(
        "UPDATE collaborators SET failed_logins = 5, locked_until = {until} WHERE id = {id}"
    ));
}

#[test]
fn a_lockout_set_far_ahead_lasts_at_most_fifteen_minutes_from_now() {
    let env = TestEnv::demo();
    lock(&env, 2, "'2036-01-01T00:00:00Z'");
    // The right password learns that the account is locked, and for 15 minutes, not years.
    fails_with(
        &env.run(&["login", BILL], &format!("{DEMO_PASSWORD}\n")),
        "error: this account is locked after too many failed attempts: try again in 15 minutes, or ask management to unlock it",
    );
    assert!(!env.home("default").join("session").exists());
    let still_locked = format!(
        "SELECT CASE WHEN locked_until > '{}' AND locked_until <= '{}' THEN 1 ELSE 0 END \
         FROM collaborators WHERE id = 2",
        utc_in(0),
        utc_in(15)
    );
    assert_eq!(
        env.count(&still_locked),
        1,
        "locked until {}",
        text(&env, "SELECT locked_until FROM collaborators WHERE id = 2")
    );
}

#[test]
fn management_ends_a_lockout_and_only_management() {
    let env = TestEnv::demo();
    lock(&env, 2, &format!("'{}'", utc_in(10)));
    env.login_as("alice", ALICE);
    env.login_as("sophie", "sophie.vendeur@epic.com");
    let locked_out = || env.run_as("bill", &["login", BILL], &format!("{DEMO_PASSWORD}\n"));
    let refused = locked_out();
    assert!(
        refused
            .fails(1)
            .starts_with("error: this account is locked"),
        "{}",
        refused.stderr
    );

    let denied = env.run_as("sophie", &["users", "unlock", "2"], "");
    assert!(
        denied.fails(1).starts_with("error: permission denied"),
        "{}",
        denied.stderr
    );
    let still = locked_out();
    assert!(
        still.fails(1).starts_with("error: this account is locked"),
        "{}",
        still.stderr
    );

    let unlocked = env.run_as("alice", &["users", "unlock", "2"], "");
    assert!(
        unlocked.ok().contains("Unlocked Bill Boquet"),
        "{unlocked:?}"
    );
    env.login_as("bill", BILL);

    let audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'unlock'";
    assert_eq!(env.count(audit), 1);
    let not_locked = env.run_as("alice", &["users", "unlock", "4"], "");
    assert!(
        not_locked
            .ok()
            .contains("was not locked out. Nothing changed."),
        "{not_locked:?}"
    );
    assert_eq!(env.count(audit), 1, "nothing changed, nothing audited");
    env.login_as("kate", KATE);
}

#[test]
fn a_password_reset_ends_the_session_and_asks_for_a_new_password_at_login() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    env.login_as("bill", BILL);
    let temporary = "temporary password 1";
    let chosen = "bill's own new password";
    env.run_as(
        "alice",
        &["users", "reset-password", "2"],
        &format!("{temporary}\n"),
    )
    .ok();
    fails_with(&env.run_as("bill", &["whoami"], ""), NOT_LOGGED_IN);
    let login = |password: &str, then: &str| {
        env.run_as("bill", &["login", BILL], &format!("{password}\n{then}"))
    };
    fails_with(&login(DEMO_PASSWORD, ""), BAD_CREDENTIALS);
    let first = login(temporary, &format!("{chosen}\n"));
    let out = first.ok();
    assert!(
        out.contains("choose a new one") && out.contains("Logged in as Bill Boquet"),
        "{out}"
    );
    assert!(env.run_as("bill", &["whoami"], "").ok().contains("Bill"));
    fails_with(&login(temporary, &format!("{chosen}\n")), BAD_CREDENTIALS);
    login(chosen, "").ok();

    let actions: Vec<String> = env
        .rows(
            "SELECT action FROM audit_log WHERE entity_id = 2 \
             AND action IN ('password_reset', 'password_change') ORDER BY id",
        )
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    assert_eq!(actions, ["password_reset", "password_change"]);

    let own = env.run_as(
        "alice",
        &["users", "reset-password", "1"],
        "a new password!\n",
    );
    assert!(own.fails(1).contains("use `password`"), "{}", own.stderr);
}

/// `who`'s one-shot `args` with "now" at `at` (a local time on a fixed day).
fn at(env: &TestEnv, at: &str, args: &[&str], stdin: &str) -> crate::helpers::Run {
    let mut command = env.command_at("default", &format!("2027-06-04T{at}"));
    command.args(args);
    crate::helpers::pipe(command, stdin)
}

#[test]
fn a_lockout_ends_fifteen_minutes_after_the_fifth_failure() {
    let env = TestEnv::demo();
    for _ in 0..5 {
        fails_with(
            &at(&env, "10:00:00", &["login", BILL], "wrong password 1\n"),
            BAD_CREDENTIALS,
        );
    }
    let right = format!("{DEMO_PASSWORD}\n");
    fails_with(
        &at(&env, "10:14:00", &["login", BILL], &right),
        "error: this account is locked after too many failed attempts: try again in 1 minute, or ask management to unlock it",
    );
    assert!(!env.home("default").join("session").exists());
    let run = at(&env, "10:15:00", &["login", BILL], &right);
    assert!(run.ok().contains("Logged in as Bill Boquet"), "{run:?}");
    assert!(
        at(&env, "10:15:30", &["whoami"], "")
            .ok()
            .contains("Bill Boquet")
    );
}

#[test]
fn a_session_ends_after_its_eight_hours() {
    let env = TestEnv::demo();
    let run = at(
        &env,
        "09:00:00",
        &["login", BILL],
        &format!("{DEMO_PASSWORD}\n"),
    );
    assert!(run.ok().contains("Logged in"), "{run:?}");
    assert!(
        at(&env, "16:59:00", &["whoami"], "")
            .ok()
            .contains("Bill Boquet")
    );
    fails_with(
        &at(&env, "17:00:01", &["whoami"], ""),
        "error: your session expired: log in again",
    );
}
