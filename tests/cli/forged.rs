//! Forged, damaged and stale session tokens, through the real binary (PRODUCT.md §5).
//!
//! Bill logs in for real; the test reads the token he was given and the key file that signed
//! it, then puts one variant after another where his token was. Each variant must end in the
//! same one line, `you are not logged in`, for a read (`whoami`) and for a write (`clients
//! create`), with exit code 1 (not 3: nothing panics), and the database must not change.
//!
//! Tokens are built here from their parts (base64url by hand, HMAC through `jsonwebtoken`),
//! and a control token minted the same way with nothing wrong in it is accepted: so each
//! refusal is due to what the variant changes, not to how the test builds tokens.
//!
//! The expiry boundary to the second ("refused 1 s after its expiry", with an injected clock)
//! is proved in process by `a_token_is_refused_one_second_after_expiry_and_not_before` in
//! src/service/session.rs; the binary reads the system clock, so here a token that expired one
//! second ago stands for it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{BILL, Run, TestEnv};

const NOT_LOGGED_IN: &str = "error: you are not logged in: run `login` first";

/// What a write attempt would create if a forged session got through.
const WRITE: &[&str] = &[
    "clients",
    "create",
    "--full-name",
    "Forged Client",
    "--email",
    "forged.client@example.org",
    "--phone",
    "+33 6 00 00 99 99",
    "--company-name",
    "Forgery Inc",
];

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding, as in a JWT.
fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

fn unb64(text: &str) -> Vec<u8> {
    let (mut bits, mut count, mut out) = (0u32, 0, Vec::new());
    for c in text.bytes() {
        let value = ALPHABET
            .iter()
            .position(|&a| a == c)
            .unwrap_or_else(|| panic!("not base64url: {text:?}"));
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What gets put where the session token lives.
enum Plant {
    Bytes(Vec<u8>),
    /// A symbolic link to a file holding these bytes.
    Symlink(Vec<u8>),
    Directory,
    Fifo,
    Nothing,
}

fn text(token: impl Into<String>) -> Plant {
    Plant::Bytes(token.into().into_bytes())
}

/// Bill's real token, the key that signed it and what it says.
struct Forge {
    token: String,
    secret: Vec<u8>,
    claims: Value,
}

impl Forge {
    fn parts(&self) -> Vec<&str> {
        self.token.split('.').collect()
    }

    /// The real claims, valid for another hour, with `edit` applied.
    fn claims(&self, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
        let mut claims = self.claims.clone();
        let map = claims.as_object_mut().unwrap();
        map.insert("iat".into(), json!(now() - 60));
        map.insert("exp".into(), json!(now() + 3600));
        edit(map);
        claims
    }

    fn sign(&self, alg: Algorithm, key: &[u8], claims: &Value) -> String {
        jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
    }

    /// HS256 with the right key: only the claims can be wrong.
    fn signed(&self, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        self.sign(Algorithm::HS256, &self.secret, &self.claims(edit))
    }

    /// The real header and signature around edited claims.
    fn edited_payload(&self, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        let mut claims = self.claims.clone();
        edit(claims.as_object_mut().unwrap());
        let parts = self.parts();
        let payload = b64(serde_json::to_string(&claims).unwrap().as_bytes());
        format!("{}.{payload}.{}", parts[0], parts[2])
    }

    fn unsigned(&self, header: &str, signature: &str) -> String {
        let claims = self.claims(|c| {
            c.insert("sub".into(), json!("1"));
        });
        format!(
            "{}.{}.{signature}",
            b64(header.as_bytes()),
            b64(serde_json::to_string(&claims).unwrap().as_bytes())
        )
    }
}

/// Logs Bill in and reads his token, the key file and the claims. He logs out once first,
/// so that his token version has a real past value.
fn forge(env: &TestEnv) -> Forge {
    env.login(BILL);
    env.run(&["logout"], "").ok();
    env.login(BILL);
    let token = fs::read_to_string(env.home("default").join("session")).unwrap();
    let key = fs::read_to_string(env.key_file("default")).unwrap();
    let parts: Vec<&str> = token.trim().split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT: {token}");
    for part in &parts {
        assert_eq!(&b64(&unb64(part)), part, "base64url round trip");
    }
    let claims: Value = serde_json::from_slice(&unb64(parts[1])).unwrap();
    for claim in ["sub", "ver", "db", "iat", "exp"] {
        assert!(claims.get(claim).is_some(), "{claim} in {claims}");
    }
    Forge {
        token: token.trim().to_owned(),
        secret: key.trim().as_bytes().to_vec(),
        claims,
    }
}

/// Replaces whatever is at `path` with `plant`, owner-only as the binary writes it.
fn plant(dir: &Path, path: &Path, plant: &Plant) {
    if let Ok(meta) = fs::symlink_metadata(path) {
        if meta.is_dir() {
            fs::remove_dir_all(path).unwrap();
        } else {
            fs::remove_file(path).unwrap();
        }
    }
    let write = |target: &Path, bytes: &[u8]| {
        let _ = fs::remove_file(target);
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(target)
            .unwrap()
            .write_all(bytes)
            .unwrap();
    };
    match plant {
        Plant::Bytes(bytes) => write(path, bytes),
        Plant::Symlink(bytes) => {
            let target = dir.join("elsewhere-token");
            write(&target, bytes);
            std::os::unix::fs::symlink(&target, path).unwrap();
        }
        Plant::Directory => fs::create_dir(path).unwrap(),
        Plant::Fifo => {
            let status = Command::new("mkfifo").arg(path).status().unwrap();
            assert!(status.success(), "mkfifo");
        }
        Plant::Nothing => {}
    }
}

/// Runs the binary with nothing on standard input, waiting at most 20 seconds: a binary that
/// blocks on what it was given (a FIFO, say) fails the test instead of hanging it.
fn run(env: &TestEnv, args: &[&str]) -> Run {
    let mut command = env.command("default");
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("the binary starts");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(output) => {
            let output = output.unwrap();
            Run {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("`epicevents {}` did not finish in 20 s", args.join(" "));
        }
    }
}

/// What is wrong with a run that should have been refused, if anything.
fn refused(run: &Run) -> Option<String> {
    (run.code != 1 || run.stderr != format!("{NOT_LOGGED_IN}\n") || !run.stdout.is_empty()).then(
        || {
            format!(
                "exit {} stdout {:?} stderr {:?}",
                run.code, run.stdout, run.stderr
            )
        },
    )
}

#[test]
fn every_forged_damaged_or_stale_token_is_refused_with_the_same_line() {
    let env = TestEnv::demo();
    let forge = forge(&env);
    let session = env.home("default").join("session");
    let root = env.root().to_path_buf();
    let parts = forge.parts();
    let (ver, db) = (
        forge.claims["ver"].as_i64().unwrap(),
        forge.claims["db"].as_str().unwrap().to_owned(),
    );
    assert!(
        ver >= 1,
        "Bill's version moved on at logout: {}",
        forge.claims
    );

    // Controls: the real token, and one minted here with nothing wrong, are accepted.
    let minted = forge.signed(|_| {});
    for (name, token) in [
        ("the real token", &forge.token),
        ("a minted token", &minted),
    ] {
        plant(&root, &session, &text(token.as_str()));
        let whoami = run(&env, &["whoami"]);
        assert!(
            whoami.code == 0 && whoami.stdout.contains("Bill Boquet"),
            "{name} should be accepted: {whoami:?}"
        );
    }

    let mut flipped = unb64(parts[2]);
    flipped[0] ^= 1;
    let mut garbage = Vec::with_capacity(1 << 20);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    while garbage.len() < 1 << 20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        garbage.extend_from_slice(&seed.to_le_bytes());
    }
    let mut padded = forge.token.clone().into_bytes();
    padded.extend(std::iter::repeat_n(b' ', 1 << 20));
    let mut not_utf8 = vec![0xff, 0xfe];
    not_utf8.extend_from_slice(forge.token.as_bytes());
    let other_db = format!(
        "{}{}",
        &db[..db.len() - 1],
        if db.ends_with('0') { '1' } else { '0' }
    );
    let set = |key: &'static str, value: Value| {
        move |c: &mut serde_json::Map<String, Value>| {
            c.insert(key.into(), value);
        }
    };
    let remove = |key: &'static str| {
        move |c: &mut serde_json::Map<String, Value>| {
            c.remove(key);
        }
    };

    let variants: Vec<(&str, Plant)> = vec![
        ("no token file at all", Plant::Nothing),
        (
            "a flipped signature bit",
            text(format!("{}.{}.{}", parts[0], parts[1], b64(&flipped))),
        ),
        (
            "an edited payload: department=management",
            text(forge.edited_payload(set("department", json!("management")))),
        ),
        (
            "an edited payload: sub = Alice (management)",
            text(forge.edited_payload(set("sub", json!("1")))),
        ),
        (
            "an edited payload: a later exp",
            text(forge.edited_payload(set("exp", json!(now() + 86_400 * 365)))),
        ),
        (
            "alg none, empty signature",
            text(forge.unsigned(r#"{"alg":"none","typ":"JWT"}"#, "")),
        ),
        (
            "alg none, no signature part",
            text(
                forge
                    .unsigned(r#"{"alg":"none","typ":"JWT"}"#, "")
                    .trim_end_matches('.')
                    .to_owned(),
            ),
        ),
        (
            "alg none, the real signature kept",
            text(forge.unsigned(r#"{"alg":"none","typ":"JWT"}"#, parts[2])),
        ),
        (
            "HS512 with the same secret",
            text(forge.sign(Algorithm::HS512, &forge.secret, &forge.claims(|_| {}))),
        ),
        (
            "HS384 with the same secret",
            text(forge.sign(Algorithm::HS384, &forge.secret, &forge.claims(|_| {}))),
        ),
        (
            "HS256 with another key",
            text(forge.sign(
                Algorithm::HS256,
                b"another key of at least thirty-two bytes",
                &forge.claims(|_| {}),
            )),
        ),
        (
            "HS256 with an empty key",
            text(forge.sign(Algorithm::HS256, b"", &forge.claims(|_| {}))),
        ),
        ("exp missing", text(forge.signed(remove("exp")))),
        (
            "exp as a string",
            text(forge.signed(set("exp", json!((now() + 3600).to_string())))),
        ),
        (
            "exp as a float",
            text(forge.signed(set("exp", json!((now() + 3600) as f64 + 0.5)))),
        ),
        ("exp null", text(forge.signed(set("exp", Value::Null)))),
        ("sub missing", text(forge.signed(remove("sub")))),
        (
            "sub not a number",
            text(forge.signed(set("sub", json!("2 OR 1=1")))),
        ),
        (
            "sub of nobody",
            text(forge.signed(set("sub", json!("999")))),
        ),
        (
            "another database",
            text(forge.signed(set("db", json!(other_db)))),
        ),
        ("db missing", text(forge.signed(remove("db")))),
        ("ver missing", text(forge.signed(remove("ver")))),
        (
            "a stale ver (the one before Bill's logout)",
            text(forge.signed(set("ver", json!(ver - 1)))),
        ),
        (
            "a future ver",
            text(forge.signed(set("ver", json!(ver + 1)))),
        ),
        (
            "truncated: last ten characters cut",
            text(&forge.token[..forge.token.len() - 10]),
        ),
        (
            "truncated: signature part empty",
            text(format!("{}.{}.", parts[0], parts[1])),
        ),
        (
            "truncated: header and payload only",
            text(format!("{}.{}", parts[0], parts[1])),
        ),
        (
            "truncated: half the token",
            text(&forge.token[..forge.token.len() / 2]),
        ),
        ("an empty file", Plant::Bytes(Vec::new())),
        ("a blank line", text("\n")),
        ("1 MB of garbage", Plant::Bytes(garbage)),
        (
            "the real token followed by 1 MB of spaces",
            Plant::Bytes(padded),
        ),
        (
            "invalid UTF-8 before the real token",
            Plant::Bytes(not_utf8),
        ),
        (
            "two tokens on two lines",
            text(format!("{}\n{minted}", forge.token)),
        ),
        (
            "a symlink to a file holding the real token",
            Plant::Symlink(forge.token.clone().into_bytes()),
        ),
        ("a directory", Plant::Directory),
        ("a FIFO", Plant::Fifo),
    ];

    let before = env.digest();
    let mut defects = Vec::new();
    for (name, variant) in &variants {
        for args in [&["whoami"][..], WRITE] {
            plant(&root, &session, variant);
            let attempt = run(&env, args);
            if let Some(wrong) = refused(&attempt) {
                defects.push(format!(
                    "{name}, `{}`: {wrong}",
                    args[..args.len().min(2)].join(" ")
                ));
            }
        }
        if env.digest() != before {
            defects.push(format!("{name}: the database changed"));
        }
    }
    // A genuine token (signed with the key) whose 8 hours are over says so: only the key's
    // holder can mint one, so the different line tells a forger nothing.
    let expired = text(forge.signed(|c| {
        c.insert("iat".into(), json!(now() - 8 * 3600 - 1));
        c.insert("exp".into(), json!(now() - 1));
    }));
    for args in [&["whoami"][..], WRITE] {
        plant(&root, &session, &expired);
        let attempt = run(&env, args);
        if attempt.code != 1 || attempt.stderr != "error: your session expired: log in again\n" {
            defects.push(format!("expired one second ago: {attempt:?}"));
        }
    }
    if env.digest() != before {
        defects.push("expired one second ago: the database changed".to_owned());
    }
    assert!(
        defects.is_empty(),
        "{} of {} variants were not refused as expected:\n{}",
        defects.len(),
        variants.len(),
        defects.join("\n")
    );

    // Nothing above ended Bill's session: his real token still works.
    plant(&root, &session, &text(forge.token.as_str()));
    assert!(run(&env, &["whoami"]).ok().contains("Bill Boquet"));
}
