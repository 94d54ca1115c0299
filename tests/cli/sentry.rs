//! Sentry from the outside: delivery to a real HTTP receiver on 127.0.0.1, and commands that
//! succeed when Sentry cannot be reached.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::helpers::{ALICE, BILL, TestEnv};

/// A local HTTP server that answers every request with 200 and hands over the bodies.
struct Receiver {
    port: u16,
    bodies: mpsc::Receiver<String>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, bodies) = mpsc::channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let tx = tx.clone();
                thread::spawn(move || serve(stream, &tx));
            }
        });
        Receiver { port, bodies }
    }

    fn dsn(&self) -> String {
        format!("http://public-key@127.0.0.1:{}/1", self.port)
    }

    /// The next body received, waiting at most ten seconds.
    fn next(&self) -> Option<String> {
        self.bodies.recv_timeout(Duration::from_secs(10)).ok()
    }
}

/// Reads HTTP/1.1 requests with a Content-Length from one connection.
fn serve(stream: std::net::TcpStream, tx: &mpsc::Sender<String>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let _ = writer.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}",
        );
        let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
    }
}

#[test]
fn a_contract_signature_is_delivered_to_sentry_without_personal_data() {
    let env = TestEnv::demo();
    env.login(BILL);
    let receiver = Receiver::start();
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
    let receiver = Receiver::start();
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
    env.db()
        .execute(
            "UPDATE events SET starts_at = '2027-06-04 13h00' WHERE id = 1",
            [],
        )
        .unwrap();
    let receiver = Receiver::start();
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
