//! Sentry from the outside: delivery to a real HTTP receiver on 127.0.0.1
//! ([`SentryReceiver`]), and commands that
//! succeed when Sentry cannot be reached.

use std::net::TcpListener;

use crate::helpers::{ALICE, BILL, Run, SentryReceiver, TestEnv};

#[test]
fn a_contract_signature_is_delivered_to_sentry_without_personal_data() {
    let env = TestEnv::demo();
    env.login(BILL);
    let receiver = SentryReceiver::start();
    let mut command = env.command("default");
    command
        .env("SENTRY_DSN", receiver.dsn())
        .env("SENTRY_ENVIRONMENT", "ci")
        .args(["contracts", "sign", "5"]);
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let envelope = receiver.next().expect("an envelope reached the receiver");
    assert!(
        envelope.contains(r#""action":"contract.signed""#),
        "{envelope}"
    );
    assert!(
        envelope.contains(r#""actor_id":"2""#) && envelope.contains(r#""record_id":"5""#),
        "{envelope}"
    );
    assert!(envelope.contains(r#""environment":"ci""#), "{envelope}");
    assert!(
        envelope.contains(concat!("epicevents@", env!("CARGO_PKG_VERSION"))),
        "{envelope}"
    );
    for leaked in [
        "Bill",
        "bill.boquet",
        "Kevin",
        "kevin@startup.io",
        "+678",
        "server_name",
        "contracts sign",
    ] {
        assert!(!envelope.contains(leaked), "{leaked} leaked: {envelope}");
    }
}

#[test]
fn a_panic_is_delivered_scrubbed_and_the_user_sees_one_sentence() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let receiver = SentryReceiver::start();
    let mut command = env.command("default");
    command
        .env("SENTRY_DSN", receiver.dsn())
        .env("EPICEVENTS_TEST_PANIC", "1")
        .args(["clients", "list", "--search", "kevin@startup.io"]);
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        "error: internal error: epicevents stopped unexpectedly and changed nothing"
    );
    let envelope = receiver.next().expect("the panic reached the receiver");
    assert!(envelope.contains("test panic while running"), "{envelope}");
    assert!(!envelope.contains("kevin"), "{envelope}");
}

#[test]
fn an_internal_error_is_delivered_with_its_kind() {
    let env = TestEnv::demo();
    env.login(crate::helpers::KATE);
    // A stored time no version of epicevents writes: reading it back is a defect.
    env.execute("UPDATE events SET starts_at = '2027-06-04 13h00' WHERE id = 1");
    let receiver = SentryReceiver::start();
    let mut command = env.command("default");
    command
        .env("SENTRY_DSN", receiver.dsn())
        .args(["events", "update", "1", "--attendees", "80"]);
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let envelope = receiver.next().expect("the error reached the receiver");
    assert!(
        envelope.contains(r#""kind":"internal""#) && envelope.contains("InternalError"),
        "{envelope}"
    );
}

/// A SQLite failure names the statement it met (issue 12 point 4): the user reads the fixed
/// sentence, while `EPICEVENTS_DEBUG` and the Sentry report read "inserting a payment: …"
/// rather than the SQLite message alone. A trigger refuses the payment on the real code path.
#[test]
fn a_database_error_names_its_operation_in_sentry_and_under_debug_only() {
    let env = TestEnv::demo();
    env.login(ALICE);
    env.execute(if crate::POSTGRES {
        "CREATE FUNCTION refuse_payments() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'injected failure'; END $$;
         CREATE TRIGGER refuse_payments BEFORE INSERT ON payments
         FOR EACH ROW EXECUTE FUNCTION refuse_payments();"
    } else {
        "CREATE TRIGGER refuse_payments BEFORE INSERT ON payments
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
    });
    let before = env.digest();
    let receiver = SentryReceiver::start();
    let mut command = env.command("default");
    command
        .env("SENTRY_DSN", receiver.dsn())
        .args(["contracts", "pay", "2", "0,01"]);
    let run = Run::from(command.stdin(std::process::Stdio::null()).output().unwrap());
    assert_eq!(
        run.fails(3),
        "error: internal error: epicevents could not complete this command and changed nothing"
    );
    let envelope = receiver.next().expect("the error reached the receiver");
    assert!(
        envelope.contains("inserting a payment: injected failure")
            && envelope.contains(r#""kind":"database""#)
            && envelope.contains("InternalError"),
        "{envelope}"
    );

    let mut command = env.command("default");
    command
        .env("EPICEVENTS_DEBUG", "1")
        .args(["contracts", "pay", "2", "0,01"]);
    let debug = Run::from(command.stdin(std::process::Stdio::null()).output().unwrap());
    assert_eq!(debug.code, 3, "{}", debug.stderr);
    assert!(
        debug
            .stderr
            .contains("cause: inserting a payment: injected failure"),
        "{}",
        debug.stderr
    );
    assert_eq!(env.digest(), before, "nothing was paid");
}

#[test]
fn an_unreachable_sentry_does_not_fail_the_command() {
    let env = TestEnv::demo();
    env.login(ALICE);
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = env.command("default");
    command
        .env("SENTRY_DSN", format!("http://key@127.0.0.1:{port}/1"))
        .args(["contracts", "sign", "4"]);
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("Contract 4 with Gaëlle Martin is signed.")
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM contracts WHERE id = 4 AND signed_at IS NOT NULL"),
        1
    );
}

#[test]
fn an_invalid_dsn_warns_and_the_command_still_runs() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let mut command = env.command("default");
    command.env("SENTRY_DSN", "not a dsn").args(["whoami"]);
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("SENTRY_DSN is not a valid Sentry DSN")
    );
}
