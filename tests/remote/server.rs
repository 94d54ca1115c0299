//! What only a server has: its routes without a token, another server's tokens, oversized
//! and slow requests, TLS, a server killed or down, and many clients at once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::{ALICE, BILL, DEMO_PASSWORD, Server, TestEnv, json, pipe};
use crate::pty::{TIMEOUT_MS, keys, prompt};

const CERT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/server-cert.pem"
);
const KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/server-key.pem");

/// `host:port` of a server's URL.
fn address(url: &str) -> String {
    url.split("://").nth(1).unwrap().to_owned()
}

/// One raw HTTP/1.1 exchange (the answer's status and body).
fn raw(url: &str, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address(url)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

fn get(url: &str, path: &str) -> (u16, String) {
    raw(
        url,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

fn send(url: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    raw(
        url,
        &format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[test]
fn every_route_of_the_openapi_document_refuses_a_request_without_a_token() {
    let env = TestEnv::demo();
    let url = env.server_url();
    let (status, body) = get(&url, "/api/v1/openapi.json");
    assert_eq!(status, 200);
    let doc = json(&body);
    let public = ["login", "logout", "health", "openapi"];
    let mut checked = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            if public.contains(&id) {
                assert_eq!(operation["security"], serde_json::json!([]), "{id}");
                continue;
            }
            let path = path.replace("{id}", "1");
            let (status, body) = send(&url, &method.to_ascii_uppercase(), &path, "{}");
            assert_eq!(status, 401, "{method} {path}: {body}");
            assert_eq!(
                json(&body)["error"]["kind"],
                "not_logged_in",
                "{method} {path}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} routes checked");
    // Nothing was written by any of them.
    assert_eq!(env.count("SELECT COUNT(*) FROM clients"), 5);
    let (status, body) = get(&url, "/api/v1/health");
    assert_eq!(status, 200);
    assert_eq!(json(&body)["status"], "ok");
    let (status, body) = get(&url, "/no/such/route");
    assert_eq!(status, 400, "{body}");
}

#[test]
fn a_token_of_another_server_is_refused() {
    let ours = TestEnv::demo();
    let theirs = TestEnv::demo();
    theirs.login_as("mallory", ALICE);
    let stolen = std::fs::read(theirs.home("mallory").join("session")).unwrap();
    std::fs::create_dir_all(ours.home("mallory")).unwrap();
    std::fs::write(ours.home("mallory").join("session"), stolen).unwrap();
    let refused = ours.run_as("mallory", &["whoami"], "");
    assert_eq!(
        refused.fails(1),
        "error: you are not logged in: run `login` first"
    );
}

#[test]
fn an_oversized_body_and_a_malformed_one_are_refused_in_json() {
    let env = TestEnv::demo();
    let url = env.server_url();
    let big = format!(r#"{{"email": "{}", "password": "x"}}"#, "a".repeat(200_000));
    let (status, body) = send(&url, "POST", "/api/v1/login", &big);
    assert_eq!(status, 413, "{body}");
    assert_eq!(json(&body)["error"]["kind"], "usage");
    let (status, body) = send(&url, "POST", "/api/v1/login", "{not json");
    assert_eq!(status, 400, "{body}");
    assert!(
        json(&body)["error"]["message"]
            .as_str()
            .unwrap()
            .contains("JSON")
    );
    // Still serving.
    assert_eq!(get(&url, "/api/v1/health").0, 200);
}

#[test]
fn a_slow_client_is_cut_off_and_holds_nobody_up() {
    let env = TestEnv::demo();
    let mut command = env.local_command("server");
    command.env("EPICEVENTS_TEST_SERVER_TIMEOUT_MS", "300");
    let server = Server::start_with(command, &env, &[]);
    // Headers that never end, and a body that never comes.
    let mut slow = TcpStream::connect(address(&server.url)).unwrap();
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut slow_body = TcpStream::connect(address(&server.url)).unwrap();
    slow_body
        .write_all(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    // Others are served meanwhile.
    assert_eq!(get(&server.url, "/api/v1/health").0, 200);
    // The slow ones are answered and closed (the read ends) instead of waiting forever.
    for (mut stream, expected) in [(slow, "408"), (slow_body, "408")] {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut answer = String::new();
        let started = Instant::now();
        let _ = stream.read_to_string(&mut answer);
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(answer.is_empty() || answer.contains(expected), "{answer:?}");
    }
}

#[test]
fn a_killed_server_loses_no_acknowledged_write_and_comes_back() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    let server = Server::start(&env, &[]);
    let client = |args: &[&str]| {
        let mut c = env.command("bill");
        c.env("EPICEVENTS_SERVER", &server.url).args(args);
        pipe(c, "")
    };
    let mut acknowledged = 0;
    for i in 0..10 {
        let run = client(&[
            "clients",
            "create",
            "--full-name",
            &format!("Client {i}"),
            "--email",
            &format!("c{i}@x.io"),
            "--phone",
            "+33 6 00 00 00 00",
            "--company-name",
            "X",
        ]);
        if run.code == 0 {
            acknowledged += 1;
        }
    }
    assert_eq!(acknowledged, 10);
    let url = server.url.clone();
    server.kill();
    // Down: one line, exit 1, quickly.
    let mut c = env.command("bill");
    c.env("EPICEVENTS_SERVER", &url).arg("whoami");
    let started = Instant::now();
    let down = pipe(c, "");
    assert!(started.elapsed() < Duration::from_secs(6));
    let line = down.fails(1).to_owned();
    assert!(
        line.starts_with(&format!("error: cannot reach the server at {url}")),
        "{line}"
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM clients WHERE email LIKE 'c%@x.io'"),
        10
    );
    let check: String = env
        .db()
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn eight_clients_paying_fifty_cents_each_lose_nothing() {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    // Contract 2 is John Ouick's, Bill's client: signed, with money left to pay.
    let before: i64 = env.count("SELECT remaining_cents FROM contracts WHERE id = 2");
    assert!(before >= 400);
    let url = env.server_url();
    let script = "contracts pay 2 0.01\n".repeat(50);
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let mut c = env.command("bill");
            c.env("EPICEVENTS_SERVER", &url);
            let script = script.clone();
            std::thread::spawn(move || pipe(c, &script))
        })
        .collect();
    for client in clients {
        let run = client.join().unwrap();
        assert_eq!(run.code, 0, "{run:?}");
    }
    let after: i64 = env.count("SELECT remaining_cents FROM contracts WHERE id = 2");
    assert_eq!(before - after, 400);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM payments WHERE contract_id = 2 AND amount_cents = 1"),
        400
    );
}

#[test]
fn tls_with_a_self_signed_certificate_works_with_its_ca_and_is_refused_without() {
    let env = TestEnv::demo();
    let server = Server::start(&env, &["--tls-cert", CERT, "--tls-key", KEY]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let url = server.url.replace("127.0.0.1", "localhost");
    let login = |ca: Option<&str>| {
        let mut c = env.command("alice");
        c.env("EPICEVENTS_SERVER", &url).args(["login", ALICE]);
        if let Some(ca) = ca {
            c.env("EPICEVENTS_CA", ca);
        }
        pipe(c, &format!("{DEMO_PASSWORD}\n"))
    };
    let refused = login(None);
    let line = refused.fails(1).to_owned();
    assert!(line.contains("cannot reach the server"), "{line}");
    assert!(line.contains("EPICEVENTS_CA"), "{line}");
    let ok = login(Some(CERT));
    assert!(ok.ok().contains("Logged in as Alice Manager"), "{ok:?}");
}

#[test]
fn plain_http_goes_only_to_this_machine_and_serve_needs_tls_beyond_it() {
    let env = TestEnv::demo();
    let mut c = env.command("alice");
    c.env("EPICEVENTS_SERVER", "http://192.0.2.1:8470")
        .arg("whoami");
    let started = Instant::now();
    let run = pipe(c, "");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused before connecting"
    );
    assert!(
        run.fails(1)
            .starts_with("error: invalid server: plain http:// is only for this machine"),
        "{run:?}"
    );
    let mut serve = env.local_command("server");
    serve.args(["serve", "--listen", "0.0.0.0:0"]);
    let refused = pipe(serve, "");
    assert!(
        refused
            .fails(1)
            .contains("give --tls-cert and --tls-key, or --plain-http"),
        "{refused:?}"
    );
}

#[test]
fn the_access_log_names_routes_and_collaborators_never_secrets() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    env.run_as("alice", &["clients", "show", "1"], "").ok();
    env.run_as("alice", &["users", "reset-password", "2"], "")
        .fails(1);
    let mut c = env.command("alice");
    c.args(["users", "reset-password", "3"]);
    // Not a terminal: the temporary password comes from standard input, twice.
    pipe(c, "a temporary secret 1\na temporary secret 1\n");
    let token = std::fs::read_to_string(env.home("alice").join("session")).unwrap();
    let server = env.take_server().unwrap();
    assert!(server.stop().success(), "SIGTERM stops the server cleanly");
    let log = std::fs::read_to_string(env.root().join("server.log")).unwrap();
    assert!(
        log.contains("route=/api/v1/clients/{id} status=200"),
        "{log}"
    );
    assert!(
        log.contains("collaborator=\"1\"") || log.contains("collaborator=1"),
        "{log}"
    );
    for secret in [DEMO_PASSWORD, token.trim(), "a temporary secret 1", ALICE] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
}

#[test]
fn a_server_that_is_not_there_is_one_line_within_five_seconds() {
    let env = TestEnv::demo();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c: Command = env.command("alice");
    c.env("EPICEVENTS_SERVER", format!("http://127.0.0.1:{port}"))
        .args(["clients", "list"]);
    let started = Instant::now();
    let run = pipe(c, "");
    assert!(started.elapsed() < Duration::from_secs(6));
    assert!(
        run.fails(1).starts_with(&format!(
            "error: cannot reach the server at http://127.0.0.1:{port}: the connection was refused"
        )),
        "{run:?}"
    );
}

#[test]
fn connections_over_the_cap_are_answered_503_while_the_others_are_served() {
    let env = TestEnv::demo();
    let url = env.server_url();
    // As many idle connections as the server serves at once (src/server: MAX_CONNECTIONS).
    // They wait in the listener's queue in order, so the next one comes after all of them.
    let mut held: Vec<TcpStream> = (0..256)
        .map(|_| TcpStream::connect(address(&url)).unwrap())
        .collect();
    let (status, body) = get(&url, "/api/v1/health");
    assert_eq!(status, 503, "{body}");
    assert_eq!(json(&body)["error"]["kind"], "fault");
    // The connections within the cap are served.
    let first = &mut held[0];
    first
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    first.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_server_that_never_answers_is_one_line_after_five_seconds_and_a_write_says_it_may_be_done() {
    let env = TestEnv::demo();
    let url = mute_server();
    let run = |args: &[&str]| {
        let mut c = env.command("bill");
        c.env("EPICEVENTS_SERVER", &url).args(args);
        let started = Instant::now();
        let run = pipe(c, "");
        assert!(started.elapsed() < Duration::from_secs(8), "{args:?}");
        run
    };
    let read = run(&["clients", "list"]);
    assert_eq!(
        read.fails(1),
        format!("error: cannot reach the server at {url}: no answer within 5 s")
    );
    let write = run(&["contracts", "pay", "2", "1"]);
    assert_eq!(
        write.fails(1),
        format!(
            "error: cannot reach the server at {url}: no answer within 5 s; the change may have been made: check it (`show`, `list`) before running the command again"
        )
    );
}

/// A server that answers who is logged in (Bill), so that a command goes on to send its
/// request, and then never answers anything else.
fn mute_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut head = [0u8; 4096];
            let n = stream.read(&mut head).unwrap_or(0);
            if head[..n].starts_with(b"GET /api/v1/whoami") {
                let bill = r#"{"id":2,"employee_number":"EMP-0002","full_name":"Bill Boquet","email":"bill.boquet@epic.com","phone":"+33 1 00 00 00 02","department":"sales","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{bill}",
                    bill.len()
                );
            }
            held.push(stream);
        }
    });
    url
}

#[test]
fn tab_on_a_server_that_never_answers_offers_nothing_and_the_line_goes_on() {
    let env = TestEnv::demo();
    let url = mute_server();
    let mut command = env.command("bill");
    command
        .env("EPICEVENTS_SERVER", &url)
        .env("TERM", "xterm")
        .env("COLUMNS", "100");
    let mut p = rexpect::session::spawn_command(command, Some(TIMEOUT_MS)).unwrap();
    prompt(&mut p, "epicevents> ");
    // The ids Tab would offer never come: it gives up (1.5 s) and the editing goes on.
    keys(&mut p, "clients show \t");
    keys(&mut p, "7");
    // The bell says Tab found nothing; the 7 typed after it is on the line.
    p.exp_string("clients show \u{7}7").unwrap();
    keys(&mut p, "\r");
    p.exp_string("no answer within 5 s").unwrap();
    prompt(&mut p, "epicevents> ");
    keys(&mut p, "exit\r");
    p.exp_eof().unwrap();
}
