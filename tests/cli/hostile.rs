//! Hostile input, end to end (issue points 3 and 4).
//!
//! Point 3: a corpus of SQL-injection strings, LIKE and FTS metacharacters, quotes, Unicode
//! (NFD, emoji, right-to-left override), terminal escapes (`ESC[2J`, OSC 52), C1 controls and
//! over-long text goes through every text field and every text filter. Each value is either
//! stored and read back byte for byte (through `show --format json` and `list --format json`,
//! allowing only the documented normalisations: trimming, lower-cased emails, upper-cased
//! employee numbers), or refused with one line `error: invalid <field>: …`, exit 1 and nothing
//! written. The schema never changes, and no raw control byte ever reaches the terminal: stored
//! control characters (put there with SQL, as an older or corrupted database could hold them)
//! are shown escaped (`\u{1b}`) in every human view and exact in JSON.
//!
//! Point 4: malformed numbers and dates (-1, 1e309, NaN, inf, `12,50,1`, i64 overflow,
//! 2026-02-30, 24:00, end before start, empty) through every numeric and date field, id and
//! filter: a field error, exit 1, nothing written.
//!
//! Each test loops over its cases, collects every problem, and fails once with all of them
//! (what was run, with which value, what was expected, what happened), then checks how many
//! cases ran.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Stdio;

use serde_json::{Value, json};

use crate::helpers::{ALICE, BILL, DEMO_PASSWORD, TestEnv};

/// Data directories (sessions) of the two people at the keyboard.
const SALES: &str = "bill";
const MANAGEMENT: &str = "alice";

/// The event that Bill creates in [`hostile_env`]: his own, without support, so he may edit it.
const BILL_EVENT: &str = "4";

// ----------------------------------------------------------------------------------------
// Running the binary, bytes and all.
// ----------------------------------------------------------------------------------------

/// What a run printed, byte for byte (the shared helper decodes lossily, which could hide a
/// stray byte).
struct Outcome {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Outcome {
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// For failure messages.
    fn describe(&self) -> String {
        format!(
            "exit {}, stderr {}, stdout {}",
            self.code,
            short(&self.err()),
            short(&self.out())
        )
    }
}

/// Runs `args` as `who` (one-shot), with `stdin` piped in.
fn run(env: &TestEnv, who: &str, args: &[String], stdin: &str) -> Outcome {
    let mut child = env
        .command(who)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    // The binary may exit before reading everything.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let output = child.wait_with_output().expect("the binary finishes");
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}

/// Runs `args` as one line of a piped script (followed by `more` lines): the way to pass a
/// value larger than Linux accepts as one argument (128 KiB).
fn run_script(env: &TestEnv, who: &str, args: &[String], more: &str) -> Outcome {
    let line = shlex::try_join(args.iter().map(String::as_str)).expect("no NUL in the line");
    run(env, who, &[], &format!("{line}\n{more}"))
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// `flag value` as arguments; `flag=value` when the value starts with a dash, so that the
/// grammar cannot take it for a flag.
fn flag_value(flag: &str, value: &str) -> Vec<String> {
    if value.starts_with('-') {
        vec![format!("{flag}={value}")]
    } else {
        vec![flag.to_owned(), value.to_owned()]
    }
}

/// A demo database with Bill (sales) and Alice (management) logged in, and an event of Bill's
/// without support (id 4) that he may edit.
fn hostile_env() -> TestEnv {
    let env = TestEnv::demo();
    env.login_as(SALES, BILL);
    env.login_as(MANAGEMENT, ALICE);
    let created = run(
        &env,
        SALES,
        &strings(&[
            "events",
            "create",
            "--contract",
            "1",
            "--name",
            "Hostile Test Event",
            "--start",
            "2027-09-01 10:00",
            "--end",
            "2027-09-01 12:00",
            "--location",
            "Paris",
            "--attendees",
            "10",
        ]),
        "",
    );
    assert_eq!(created.code, 0, "setup: {}", created.describe());
    assert_eq!(
        env.count("SELECT MAX(id) FROM events").to_string(),
        BILL_EVENT
    );
    env
}

/// The schema, as the store keeps it: every table, index and trigger with its definition.
fn schema(env: &TestEnv) -> String {
    env.schema()
}

// ----------------------------------------------------------------------------------------
// Collecting problems, and the checks every run goes through.
// ----------------------------------------------------------------------------------------

#[derive(Default)]
struct Findings {
    cases: usize,
    problems: Vec<String>,
}

impl Findings {
    fn case(&mut self) {
        self.cases += 1;
    }

    fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    #[track_caller]
    fn assert(self, expected_cases: usize, title: &str) {
        assert!(
            self.problems.is_empty(),
            "{title}: {} problem(s) in {} case(s):\n  - {}",
            self.problems.len(),
            self.cases,
            self.problems.join("\n  - ")
        );
        assert_eq!(self.cases, expected_cases, "{title}: cases run");
    }
}

/// At most 60 characters of `text`, quoted and escaped, with its size when cut.
fn short(text: &str) -> String {
    let count = text.chars().count();
    if count <= 60 {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(60).collect();
        format!("{head:?}… ({count} chars, {} bytes)", text.len())
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// What must never be stored in one line of text (PRODUCT.md, src/domain/text.rs).
fn forbidden_in_line(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The first raw control in `bytes`: a C0 byte other than new line and tab, DEL, invalid
/// UTF-8, and in human output (tables, messages) also C1 controls and bidirectional overrides.
fn raw_control(bytes: &[u8], human: bool) -> Option<String> {
    let around = |at: usize| {
        let from = at.saturating_sub(24);
        let to = (at + 24).min(bytes.len());
        format!("{:?}", String::from_utf8_lossy(&bytes[from..to]))
    };
    if let Some(at) = bytes
        .iter()
        .position(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
    {
        return Some(format!("raw byte 0x{:02x} in {}", bytes[at], around(at)));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Some(format!("invalid UTF-8 in {}", around(e.valid_up_to()))),
    };
    if human
        && let Some((at, c)) = text
            .char_indices()
            .find(|&(_, c)| ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c))
    {
        return Some(format!("raw U+{:04X} in {}", u32::from(c), around(at)));
    }
    None
}

/// What every run must respect, whatever it did: no raw control byte on either stream (JSON
/// and CSV are data: C1 and bidi characters are only checked in human output), no SQL, panic
/// or internal error, an exit code from the spec.
fn hygiene(findings: &mut Findings, context: &str, outcome: &Outcome, human: bool) {
    if let Some(problem) = raw_control(&outcome.stdout, human) {
        findings.fail(format!("{context}: stdout has a {problem}"));
    }
    if let Some(problem) = raw_control(&outcome.stderr, true) {
        findings.fail(format!("{context}: stderr has a {problem}"));
    }
    let err = outcome.err();
    for leak in [
        "sqlite",
        "SQLITE",
        "constraint failed",
        "panicked",
        "RUST_BACKTRACE",
        "internal error",
    ] {
        if err.contains(leak) {
            findings.fail(format!("{context}: stderr shows {leak:?}: {}", short(&err)));
        }
    }
    if !(0..=2).contains(&outcome.code) {
        findings.fail(format!(
            "{context}: exit code outside the spec: {}",
            outcome.describe()
        ));
    }
}

/// Whether `outcome` is a field error naming `field`: exit 1, nothing on standard output, one
/// line `error: invalid <field>: …` (`line 1: error: …` when the command was a script's line).
fn field_error(outcome: &Outcome, fields: &[&str]) -> Result<(), String> {
    let err = outcome.err();
    let lines: Vec<&str> = err.lines().collect();
    let named = lines.len() == 1 && {
        let error = lines[0].strip_prefix("line 1: ").unwrap_or(lines[0]);
        fields
            .iter()
            .any(|f| error.starts_with(&format!("error: invalid {f}: ")))
    };
    if outcome.code == 1 && named && outcome.stdout.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "expected exit 1 and one line `error: invalid {}: …`; got {}",
            fields.join("|"),
            outcome.describe()
        ))
    }
}

/// Parses JSON output, or says why not.
fn parse_json(context: &str, outcome: &Outcome) -> Result<Value, String> {
    serde_json::from_slice(&outcome.stdout).map_err(|e| {
        format!(
            "{context}: output is not JSON ({e}): {}",
            outcome.describe()
        )
    })
}

/// The record with `id` in a JSON array.
fn by_id(list: &Value, id: i64) -> Option<&Value> {
    list.as_array()?.iter().find(|r| r["id"] == json!(id))
}

// ----------------------------------------------------------------------------------------
// The corpus.
// ----------------------------------------------------------------------------------------

const ESC_CLEAR: &str = "\u{1b}[2J";
const OSC_52: &str = "\u{1b}]52;c;aGk=\u{7}";
const RLO: &str = "\u{202E}";
const CSI_C1: &str = "\u{9b}";

/// Hostile strings that fit in one argument: (label, value).
fn corpus() -> Vec<(&'static str, String)> {
    let mut corpus: Vec<(&'static str, String)> = [
        ("sql or", "' OR '1'='1"),
        ("sql drop", "'; DROP TABLE clients;--"),
        (
            "sql union",
            "' UNION SELECT password_hash FROM collaborators--",
        ),
        ("sql comment", "admin'/*"),
        ("sql stacked", "1; DELETE FROM audit_log"),
        ("like percent", "%"),
        ("like underscore", "_"),
        ("backslash", "\\"),
        ("like mixed", "100%_sure\\ok"),
        ("single quote", "O'Brien"),
        ("double quotes", "\"quoted\""),
        ("backtick", "`id`"),
        ("all quotes", "'\"`;"),
        ("fts syntax", "kevin OR NEAR(a b) \"x\" * ^col:1"),
        ("nfd", "Cafe\u{301} De\u{301}ja\u{300} vu"),
        ("nfc", "Café Déjà vu"),
        ("emoji zwj", "🎉 👩‍👩‍👧 party"),
        ("rtl letters", "東京 שלום مرحبا"),
        ("zero width space", "a\u{200B}b"),
        ("bidi rlo", "evil\u{202E}gpj.exe"),
        ("bidi isolate", "a\u{2066}b\u{2069}"),
        ("bidi lrm", "a\u{200E}b"),
        ("esc clear", "\u{1b}[2J\u{1b}[H"),
        ("osc 52", OSC_52),
        ("c1 csi", "\u{9b}31m red"),
        ("c1 nel", "a\u{85}b"),
        ("del", "a\u{7f}b"),
        ("bell", "ding\u{7}"),
        ("carriage return", "over\rwrite"),
        ("new line and tab", "line 1\n\tline 2"),
        ("trailing new line", "trailing\n"),
        ("padded", "  padded  "),
        ("spaces only", "   "),
        ("empty", ""),
    ]
    .into_iter()
    .map(|(label, value)| (label, value.to_owned()))
    .collect();
    corpus.extend([
        ("200 é", "é".repeat(200)),
        ("201 x", "x".repeat(201)),
        ("5000 emoji", "🎉".repeat(5_000)),
        ("5001 n", "n".repeat(5_001)),
        ("100 KB", "' OR 1=1 -- %_\\ ".repeat(6_250)),
    ]);
    corpus
}

/// A representative part of the corpus, for paths that parse with the same code as one
/// already fed the whole corpus (`create` after `update`, id and date filters after point 4).
fn short_corpus() -> Vec<(&'static str, String)> {
    const LABELS: [&str; 14] = [
        "sql drop",
        "like mixed",
        "all quotes",
        "nfd",
        "emoji zwj",
        "bidi rlo",
        "bidi isolate",
        "bidi lrm",
        "esc clear",
        "c1 csi",
        "new line and tab",
        "padded",
        "201 x",
        "5000 emoji",
    ];
    let short: Vec<_> = corpus()
        .into_iter()
        .filter(|(label, _)| LABELS.contains(label))
        .collect();
    assert_eq!(short.len(), LABELS.len(), "every label is in the corpus");
    short
}

/// A 1 MB hostile string (too long for one argument: it goes through a script line).
fn one_megabyte() -> String {
    "' OR '1'='1 %_\\ \"🎉\" e\u{301} ".repeat(40_000)
}

// ----------------------------------------------------------------------------------------
// Point 3: text fields.
// ----------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Notes,
    Email,
    Phone,
    EmployeeNumber,
}

/// What a value must become.
enum Expect {
    /// Stored as exactly this.
    Stored(String),
    /// Refused with a field error.
    Refused,
    /// Either stored as exactly this, or refused with a field error (the field's own syntax
    /// decides, e.g. an email needs an @).
    Either(String),
}

/// The documented rules: single-line text is trimmed, at most 200 characters, without control
/// characters or bidi overrides; notes may hold new lines and tabs, up to 5,000 characters;
/// emails are trimmed and lower-cased, phones trimmed, employee numbers trimmed and upper-cased.
/// No field may store a control character, a bidi override, or more than its length.
fn expect(kind: Kind, value: &str) -> Expect {
    match kind {
        Kind::Name => {
            let v = value.trim();
            if v.is_empty() || v.chars().count() > 200 || v.chars().any(forbidden_in_line) {
                Expect::Refused
            } else {
                Expect::Stored(v.to_owned())
            }
        }
        Kind::Notes => {
            let bad = |c: char| forbidden_in_line(c) && c != '\n' && c != '\t';
            if value.chars().count() > 5_000 || value.chars().any(bad) {
                Expect::Refused
            } else {
                Expect::Stored(value.trim().to_owned())
            }
        }
        Kind::Email | Kind::Phone | Kind::EmployeeNumber => {
            let (v, limit) = match kind {
                Kind::Email => (value.trim().to_lowercase(), 254),
                Kind::Phone => (value.trim().to_owned(), 32),
                _ => (value.trim().to_ascii_uppercase(), 32),
            };
            if v.is_empty() || v.len() > limit || v.chars().any(forbidden_in_line) {
                Expect::Refused
            } else {
                Expect::Either(v)
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct TextField {
    /// The menu: clients, events or users.
    menu: &'static str,
    /// Who may write it.
    who: &'static str,
    /// The field as errors name it.
    name: &'static str,
    flag: &'static str,
    /// The JSON key it comes back under.
    key: &'static str,
    kind: Kind,
}

const fn field(
    menu: &'static str,
    who: &'static str,
    name: &'static str,
    flag: &'static str,
    key: &'static str,
    kind: Kind,
) -> TextField {
    TextField {
        menu,
        who,
        name,
        flag,
        key,
        kind,
    }
}

const CLIENT_FIELDS: [TextField; 4] = [
    field(
        "clients",
        SALES,
        "full name",
        "--full-name",
        "full_name",
        Kind::Name,
    ),
    field("clients", SALES, "email", "--email", "email", Kind::Email),
    field("clients", SALES, "phone", "--phone", "phone", Kind::Phone),
    field(
        "clients",
        SALES,
        "company name",
        "--company-name",
        "company_name",
        Kind::Name,
    ),
];

const EVENT_FIELDS: [TextField; 3] = [
    field("events", SALES, "name", "--name", "name", Kind::Name),
    field(
        "events",
        SALES,
        "location",
        "--location",
        "location",
        Kind::Name,
    ),
    field("events", SALES, "notes", "--notes", "notes", Kind::Notes),
];

const USER_FIELDS: [TextField; 4] = [
    field(
        "users",
        MANAGEMENT,
        "employee number",
        "--employee-number",
        "employee_number",
        Kind::EmployeeNumber,
    ),
    field(
        "users",
        MANAGEMENT,
        "full name",
        "--full-name",
        "full_name",
        Kind::Name,
    ),
    field(
        "users",
        MANAGEMENT,
        "email",
        "--email",
        "email",
        Kind::Email,
    ),
    field(
        "users",
        MANAGEMENT,
        "phone",
        "--phone",
        "phone",
        Kind::Phone,
    ),
];

/// The record each menu's updates change: Bill's client 1, Bill's event 4, Sophie (3).
fn update_id(menu: &str) -> i64 {
    match menu {
        "clients" => 1,
        "events" => 4,
        _ => 3,
    }
}

fn table_of(menu: &str) -> &'static str {
    match menu {
        "clients" => "clients",
        "events" => "events",
        _ => "collaborators",
    }
}

/// Valid values for every field of a `create`, unique by `n`.
fn create_defaults(menu: &str, n: usize) -> Vec<(&'static str, String)> {
    let pairs: Vec<(&'static str, String)> = match menu {
        "clients" => vec![
            ("--full-name", "Hostile Create".into()),
            ("--email", format!("client{n}@create.example.com")),
            ("--phone", "+33 1 00 00 00 99".into()),
            ("--company-name", "Hostile Co".into()),
        ],
        "events" => vec![
            ("--contract", "1".into()),
            ("--name", "Hostile Event".into()),
            ("--start", "2027-09-02 10:00".into()),
            ("--end", "2027-09-02 12:00".into()),
            ("--location", "Paris".into()),
            ("--attendees", "10".into()),
            ("--notes", "none".into()),
        ],
        _ => vec![
            ("--employee-number", format!("H-{n}")),
            ("--full-name", "Hostile User".into()),
            ("--email", format!("user{n}@create.example.com")),
            ("--phone", "+33 1 00 00 00 98".into()),
            ("--department", "support".into()),
        ],
    };
    pairs
}

/// What a `create` reads after its flags: the new collaborator's password.
fn create_stdin(menu: &str) -> &'static str {
    if menu == "users" {
        "a hostile corpus password 1\n"
    } else {
        ""
    }
}

/// The values a field gets: the corpus, and for emails also the short corpus as the local part
/// of an address (so that hostile text reaches the database, not only the syntax check).
fn values_for(
    kind: Kind,
    corpus: &[(&'static str, String)],
    domain: &str,
) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = corpus
        .iter()
        .map(|(label, value)| ((*label).to_owned(), value.clone()))
        .collect();
    if kind == Kind::Email {
        values.extend(
            short_corpus()
                .iter()
                .map(|(label, value)| (format!("{label}@"), format!("{value}@{domain}"))),
        );
    }
    values
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Update(i64),
    Create(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    Args,
    Script,
}

/// The command line that writes `value` into `field`.
fn write_args(field: &TextField, target: Target, value: &str) -> Vec<String> {
    match target {
        Target::Update(id) => {
            let mut args = strings(&[field.menu, "update", &id.to_string()]);
            args.extend(flag_value(field.flag, value));
            args
        }
        Target::Create(n) => {
            let mut args = strings(&[field.menu, "create"]);
            for (flag, default) in create_defaults(field.menu, n) {
                let v = if flag == field.flag { value } else { &default };
                args.extend(flag_value(flag, v));
            }
            args
        }
    }
}

/// The value of `field` in record `id`, as `show --format json` gives it.
fn shown(env: &TestEnv, findings: &mut Findings, field: &TextField, id: i64) -> Option<Value> {
    let context = format!("{} show {id} --format json", field.menu);
    let args = strings(&[field.menu, "show", &id.to_string(), "--format", "json"]);
    let outcome = run(env, field.who, &args, "");
    hygiene(findings, &context, &outcome, false);
    match parse_json(&context, &outcome) {
        Ok(record) => Some(record[field.key].clone()),
        Err(problem) => {
            findings.fail(problem);
            None
        }
    }
}

/// The whole list as `list --format json` gives it.
fn listed(env: &TestEnv, findings: &mut Findings, menu: &str, who: &str) -> Option<Value> {
    let context = format!("{menu} list --format json");
    let outcome = run(env, who, &strings(&[menu, "list", "--format", "json"]), "");
    hygiene(findings, &context, &outcome, false);
    parse_json(&context, &outcome)
        .map_err(|problem| findings.fail(problem))
        .ok()
}

/// One value into one field: stored exactly, or refused with a field error and nothing
/// written. Returns the id of a record it created.
fn text_case(
    env: &TestEnv,
    findings: &mut Findings,
    field: &TextField,
    (label, value): (&str, &str),
    target: Target,
    delivery: Delivery,
) -> Option<i64> {
    findings.case();
    let verb = match target {
        Target::Update(id) => format!("update {id}"),
        Target::Create(_) => "create".to_owned(),
    };
    let via = match delivery {
        Delivery::Args => "",
        Delivery::Script => " (script line)",
    };
    let context = format!(
        "{} {verb} {} [{label}] {}{via}",
        field.menu,
        field.flag,
        short(value)
    );
    let table = table_of(field.menu);
    let last_id = env.count(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"));
    let before = env.digest();
    let args = write_args(field, target, value);
    let stdin = match target {
        Target::Create(_) => create_stdin(field.menu),
        Target::Update(_) => "",
    };
    let outcome = match delivery {
        Delivery::Args => run(env, field.who, &args, stdin),
        Delivery::Script => run_script(env, field.who, &args, stdin),
    };
    hygiene(findings, &context, &outcome, true);
    let (stored, may_refuse) = match expect(field.kind, value) {
        Expect::Stored(v) => (Some(v), false),
        Expect::Either(v) => (Some(v), true),
        Expect::Refused => (None, true),
    };
    if outcome.code != 0 {
        if !may_refuse {
            findings.fail(format!(
                "{context}: expected it stored as {}; got {}",
                short(stored.as_deref().unwrap_or_default()),
                outcome.describe()
            ));
        } else if let Err(problem) = field_error(&outcome, &[field.name]) {
            findings.fail(format!("{context}: {problem}"));
        }
        if env.digest() != before {
            findings.fail(format!("{context}: refused, yet the database changed"));
        }
        return None;
    }
    let Some(expected) = stored else {
        findings.fail(format!(
            "{context}: expected `error: invalid {}: …` and exit 1; it was accepted: {}",
            field.name,
            outcome.describe()
        ));
        return None;
    };
    let id = match target {
        Target::Update(id) => id,
        Target::Create(_) => {
            let id = env.count(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"));
            if id == last_id {
                findings.fail(format!("{context}: exit 0 but no record was created"));
                return None;
            }
            id
        }
    };
    let want = json!(expected);
    if let Some(got) = shown(env, findings, field, id)
        && got != want
    {
        findings.fail(format!(
            "{context}: show gives {} instead of {}",
            short(&got.to_string()),
            short(&want.to_string())
        ));
    }
    if let Target::Update(_) = target
        && let Some(list) = listed(env, findings, field.menu, field.who)
    {
        let got = by_id(&list, id).map(|r| r[field.key].clone());
        if got.as_ref() != Some(&want) {
            findings.fail(format!(
                "{context}: list gives {} instead of {}",
                short(&format!("{got:?}")),
                short(&want.to_string())
            ));
        }
    }
    matches!(target, Target::Create(_)).then_some(id)
}

/// Every corpus value into every field of `fields` by `update` (plus 1 MB through a script
/// line), the short corpus by `create`; then the created records through `list --format json`.
fn text_fields_suite(fields: &[TextField], title: &str, expected_cases: usize) {
    let env = hostile_env();
    let schema_before = schema(&env);
    let corpus = corpus();
    let representative = short_corpus();
    let big = one_megabyte();
    let mut findings = Findings::default();
    for field in fields {
        let id = update_id(field.menu);
        for (label, value) in values_for(field.kind, &corpus, "update.example.com") {
            text_case(
                &env,
                &mut findings,
                field,
                (label.as_str(), value.as_str()),
                Target::Update(id),
                Delivery::Args,
            );
        }
        text_case(
            &env,
            &mut findings,
            field,
            ("1 MB", big.as_str()),
            Target::Update(id),
            Delivery::Script,
        );
    }
    let mut created = Vec::new();
    let mut n = 0;
    for field in fields {
        for (label, value) in values_for(field.kind, &representative, "create.example.com") {
            n += 1;
            let target = Target::Create(n);
            if let Some(id) = text_case(
                &env,
                &mut findings,
                field,
                (label.as_str(), value.as_str()),
                target,
                Delivery::Args,
            ) && let Expect::Stored(v) | Expect::Either(v) = expect(field.kind, &value)
            {
                created.push((id, *field, v));
            }
        }
    }
    if let Some(field) = fields.first()
        && let Some(list) = listed(&env, &mut findings, field.menu, field.who)
    {
        for (id, field, expected) in &created {
            let got = by_id(&list, *id).map(|r| r[field.key].clone());
            if got != Some(json!(expected)) {
                findings.fail(format!(
                    "{} list --format json: record {id} has {} {} instead of {}",
                    field.menu,
                    field.key,
                    short(&format!("{got:?}")),
                    short(expected)
                ));
            }
        }
    }
    if schema(&env) != schema_before {
        findings.fail("the schema changed".to_owned());
    }
    findings.assert(expected_cases, title);
}

#[test]
fn hostile_text_in_client_fields_is_stored_exactly_or_refused_with_a_field_error() {
    // By update: 4 fields × 39 values, 14 more emails, 4 × 1 MB; by create: 4 × 14 + 14.
    text_fields_suite(&CLIENT_FIELDS, "client fields", 4 * 39 + 14 + 4 + 5 * 14);
}

#[test]
fn hostile_text_in_event_fields_is_stored_exactly_or_refused_with_a_field_error() {
    // By update: 3 fields × 39 values + 3 × 1 MB; by create: 3 × 14.
    text_fields_suite(&EVENT_FIELDS, "event fields", 3 * 39 + 3 + 3 * 14);
}

#[test]
fn hostile_text_in_collaborator_fields_is_stored_exactly_or_refused_with_a_field_error() {
    // By update: 4 fields × 39 values, 14 more emails, 4 × 1 MB; by create: 4 × 14 + 14.
    text_fields_suite(
        &USER_FIELDS,
        "collaborator fields",
        4 * 39 + 14 + 4 + 5 * 14,
    );
}

// ----------------------------------------------------------------------------------------
// Point 3: text filters.
// ----------------------------------------------------------------------------------------

/// Every client's searchable text (name, email, company), by id.
fn searchable(env: &TestEnv) -> Vec<(i64, [String; 3])> {
    let outcome = run(
        env,
        SALES,
        &strings(&["clients", "list", "--format", "json"]),
        "",
    );
    let list: Value = serde_json::from_slice(&outcome.stdout).expect("clients as JSON");
    list.as_array()
        .expect("an array")
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().unwrap_or_default().to_owned();
            (
                c["id"].as_i64().expect("an id"),
                [text("full_name"), text("email"), text("company_name")],
            )
        })
        .collect()
}

/// Searches `text`; checks the result against what the clients contain: every client that
/// contains it literally, and none that does not contain it even ignoring case. Returns the
/// ids found.
fn search_case(
    env: &TestEnv,
    findings: &mut Findings,
    clients: &[(i64, [String; 3])],
    (label, text): (&str, &str),
    delivery: Delivery,
    with_table: bool,
    baseline: &str,
) -> Option<BTreeSet<i64>> {
    findings.case();
    let context = format!("clients list --search [{label}] {}", short(text));
    let mut args = strings(&["clients", "list"]);
    args.extend(flag_value("--search", text));
    let json_args = [args.clone(), strings(&["--format", "json"])].concat();
    let one = |args: &[String]| match delivery {
        Delivery::Args => run(env, SALES, args, ""),
        Delivery::Script => run_script(env, SALES, args, ""),
    };
    let as_json = one(&json_args);
    hygiene(
        findings,
        &format!("{context} --format json"),
        &as_json,
        false,
    );
    if with_table {
        let as_table = one(&args);
        hygiene(findings, &context, &as_table, true);
        if as_table.code != as_json.code {
            findings.fail(format!(
                "{context}: the table exits {} but JSON exits {}",
                as_table.code, as_json.code
            ));
        }
    }
    if env.digest() != baseline {
        findings.fail(format!("{context}: a search changed the database"));
    }
    if as_json.code != 0 {
        if let Err(problem) = field_error(&as_json, &["--search"]) {
            findings.fail(format!("{context}: {problem}"));
        }
        return None;
    }
    let list = match parse_json(&context, &as_json) {
        Ok(list) => list,
        Err(problem) => {
            findings.fail(problem);
            return None;
        }
    };
    let got: BTreeSet<i64> = list
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_i64()).collect())
        .unwrap_or_default();
    let lower = text.to_lowercase();
    let must: BTreeSet<i64> = clients
        .iter()
        .filter(|(_, fields)| fields.iter().any(|f| f.contains(text)))
        .map(|(id, _)| *id)
        .collect();
    let may: BTreeSet<i64> = clients
        .iter()
        .filter(|(_, fields)| fields.iter().any(|f| f.to_lowercase().contains(&lower)))
        .map(|(id, _)| *id)
        .collect();
    if !must.is_subset(&got) || !got.is_subset(&may) {
        findings.fail(format!(
            "{context}: found {got:?}; clients that contain it: {must:?} (ignoring case: {may:?})"
        ));
    }
    Some(got)
}

/// A filter: (who, field in errors, command before the value, flag, whether a value is valid
/// for it). The first two take free text; the others ids and dates.
type Filter = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    fn(&str) -> bool,
);

fn positive_id(value: &str) -> bool {
    value.trim().parse::<i64>().is_ok_and(|n| n > 0)
}

fn never(_: &str) -> bool {
    false
}

const FILTERS: [Filter; 10] = [
    (MANAGEMENT, "entity", &["audit", "list"], "--entity", |v| {
        ["client", "collaborator", "contract", "event"]
            .contains(&v.trim().to_ascii_lowercase().as_str())
    }),
    (
        SALES,
        "department",
        &["users", "list"],
        "--department",
        |v| ["management", "sales", "support"].contains(&v.trim().to_ascii_lowercase().as_str()),
    ),
    (SALES, "--from", &["events", "list"], "--from", never),
    (SALES, "--to", &["events", "list"], "--to", never),
    (
        SALES,
        "--client",
        &["contracts", "list"],
        "--client",
        positive_id,
    ),
    (
        SALES,
        "--client",
        &["events", "list"],
        "--client",
        positive_id,
    ),
    (
        SALES,
        "--support",
        &["events", "list"],
        "--support",
        positive_id,
    ),
    (
        MANAGEMENT,
        "--actor",
        &["audit", "list"],
        "--actor",
        positive_id,
    ),
    (
        MANAGEMENT,
        "--id",
        &["audit", "list", "--entity", "client"],
        "--id",
        positive_id,
    ),
    (MANAGEMENT, "--since", &["audit", "list"], "--since", never),
];

/// Hostile text through a filter other than search: refused with a field error unless valid.
fn filter_case(
    env: &TestEnv,
    findings: &mut Findings,
    (who, name, command, flag, valid): Filter,
    (label, value): (&str, &str),
    delivery: Delivery,
    baseline: &str,
) {
    findings.case();
    let context = format!("{} {flag} [{label}] {}", command.join(" "), short(value));
    let mut args = strings(command);
    args.extend(flag_value(flag, value));
    let outcome = match delivery {
        Delivery::Args => run(env, who, &args, ""),
        Delivery::Script => run_script(env, who, &args, ""),
    };
    hygiene(findings, &context, &outcome, true);
    if valid(value) {
        if outcome.code != 0 {
            findings.fail(format!(
                "{context}: a valid value failed: {}",
                outcome.describe()
            ));
        }
    } else if let Err(problem) = field_error(&outcome, &[name]) {
        findings.fail(format!("{context}: {problem}"));
    }
    if env.digest() != baseline {
        findings.fail(format!("{context}: a list changed the database"));
    }
}

#[test]
fn filters_take_hostile_text_literally_or_refuse_it_with_a_field_error() {
    let env = hostile_env();
    let schema_before = schema(&env);
    let mut findings = Findings::default();

    // The metacharacters of SQL, LIKE and FTS match nothing in the demo data, which holds none.
    let baseline = env.digest();
    let clients = searchable(&env);
    let metacharacters = [
        ("percent", "%"),
        ("underscore", "_"),
        ("backslash", "\\"),
        ("quote", "'"),
        ("double quote", "\""),
        ("two percents", "%%"),
        ("escaped percent", "\\%"),
        ("like pattern, 2 chars", "_e"),
        ("like pattern, 3 chars", "K_vin"),
        ("like pattern, wildcards", "%e%"),
        ("fts or", "kevin OR john"),
        ("fts prefix", "kev*"),
        ("fts column", "email:kevin"),
        ("fts initial", "^kev"),
        ("fts near", "NEAR(kevin casey)"),
        ("sql or", "' OR '1'='1"),
    ];
    for (label, text) in metacharacters {
        let found = search_case(
            &env,
            &mut findings,
            &clients,
            (label, text),
            Delivery::Args,
            false,
            &baseline,
        );
        if found.as_ref().is_some_and(|f| !f.is_empty()) {
            findings.fail(format!(
                "search {text:?} on the demo data: expected nothing, found {found:?}"
            ));
        }
    }

    // Clients that hold them: each search finds exactly the ones that contain it.
    let holders = [
        ("Percent 100% Sure", "pct@literal.example.com"),
        ("Under_Score", "us@literal.example.com"),
        ("Back\\Slash", "bs@literal.example.com"),
        ("Tim O'Neil", "quote@literal.example.com"),
        ("Say \"Hi\"", "dq@literal.example.com"),
        ("' OR '1'='1", "inj@literal.example.com"),
        ("Cafe\u{301} NFD 🎉", "nfd@literal.example.com"),
    ];
    let mut ids = Vec::new();
    for (name, email) in holders {
        let outcome = run(
            &env,
            SALES,
            &strings(&[
                "clients",
                "create",
                "--full-name",
                name,
                "--email",
                email,
                "--phone",
                "0600000000",
                "--company-name",
                "Literal Ltd",
            ]),
            "",
        );
        assert_eq!(outcome.code, 0, "creating {name:?}: {}", outcome.describe());
        ids.push(env.count("SELECT MAX(id) FROM clients"));
    }
    let baseline = env.digest();
    let clients = searchable(&env);
    let exactly: [(&str, &str, Vec<i64>); 12] = [
        ("percent", "%", vec![ids[0]]),
        ("underscore", "_", vec![ids[1]]),
        ("backslash", "\\", vec![ids[2]]),
        ("quote", "'", vec![ids[3], ids[5]]),
        ("double quote", "\"", vec![ids[4]]),
        ("percent, 3 chars", "00%", vec![ids[0]]),
        ("underscore, 3 chars", "r_S", vec![ids[1]]),
        ("backslash, 3 chars", "k\\S", vec![ids[2]]),
        ("quote, 3 chars", "O'N", vec![ids[3]]),
        ("double quotes", "\"Hi\"", vec![ids[4]]),
        ("sql or", "' OR '1'='1", vec![ids[5]]),
        ("nfd", "e\u{301} NFD", vec![ids[6]]),
    ];
    for (label, text, want) in exactly {
        let found = search_case(
            &env,
            &mut findings,
            &clients,
            (label, text),
            Delivery::Args,
            false,
            &baseline,
        );
        let want: BTreeSet<i64> = want.into_iter().collect();
        if found.as_ref() != Some(&want) {
            findings.fail(format!(
                "search {text:?}: expected exactly {want:?}, found {found:?}"
            ));
        }
    }

    // The whole corpus through the text filters (search, entity, department), the short corpus
    // through the id and date filters (point 4 feeds them malformed numbers and dates), and
    // 1 MB through every filter in a script line.
    let big = one_megabyte();
    for &(label, ref value) in &corpus() {
        search_case(
            &env,
            &mut findings,
            &clients,
            (label, value.as_str()),
            Delivery::Args,
            true,
            &baseline,
        );
        for filter in &FILTERS[..2] {
            filter_case(
                &env,
                &mut findings,
                *filter,
                (label, value.as_str()),
                Delivery::Args,
                &baseline,
            );
        }
    }
    for &(label, ref value) in &short_corpus() {
        for filter in &FILTERS[2..] {
            filter_case(
                &env,
                &mut findings,
                *filter,
                (label, value.as_str()),
                Delivery::Args,
                &baseline,
            );
        }
    }
    search_case(
        &env,
        &mut findings,
        &clients,
        ("1 MB", big.as_str()),
        Delivery::Script,
        true,
        &baseline,
    );
    for filter in FILTERS {
        filter_case(
            &env,
            &mut findings,
            filter,
            ("1 MB", big.as_str()),
            Delivery::Script,
            &baseline,
        );
    }
    if schema(&env) != schema_before {
        findings.fail("the schema changed".to_owned());
    }
    // 16 + 12 metacharacter searches; 39 values through search, entity and department; 14
    // through the 8 other filters; 1 MB through all 11.
    findings.assert(16 + 12 + 39 * 3 + 14 * 8 + 11, "filters");
}

// ----------------------------------------------------------------------------------------
// Point 3: stored control characters on display.
// ----------------------------------------------------------------------------------------

/// A tiny RFC 4180 reader (quoted cells, doubled quotes, line breaks in quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Writes control characters and bidi overrides straight into the database, as an older or
/// corrupted database could hold them (the domain refuses them at input).
fn store_hostile_rows(env: &TestEnv, stored: &Stored) {
    let exec = |sql: &str, params: &[&String]| {
        let params: Vec<&str> = params.iter().map(|p| p.as_str()).collect();
        env.execute_with(sql, &params);
    };
    exec(
        "UPDATE clients SET full_name = ?1, company_name = ?2, email = ?3 WHERE id = 1",
        &[
            &stored.client1_name,
            &stored.client1_company,
            &stored.client1_email,
        ],
    );
    exec(
        "UPDATE clients SET full_name = ?1, company_name = ?2 WHERE id = 2",
        &[&stored.client2_name, &stored.client2_company],
    );
    exec(
        "UPDATE clients SET full_name = ?1 WHERE id = 3",
        &[&stored.client3_name],
    );
    exec(
        "UPDATE clients SET full_name = ?1 WHERE id = 5",
        &[&stored.client5_name],
    );
    exec(
        "UPDATE collaborators SET full_name = ?1 WHERE id = 2",
        &[&stored.bill_name],
    );
    exec(
        "UPDATE collaborators SET full_name = ?1, employee_number = ?2 WHERE id = 3",
        &[&stored.sophie_name, &stored.sophie_number],
    );
    exec(
        "UPDATE collaborators SET full_name = ?1 WHERE id = 4",
        &[&stored.kate_name],
    );
    exec(
        "UPDATE events SET name = ?1, location = ?2, notes = ?3 WHERE id = 1",
        &[
            &stored.event1_name,
            &stored.event1_location,
            &stored.event1_notes,
        ],
    );
    exec(
        "UPDATE events SET name = ?1 WHERE id = 2",
        &[&stored.event2_name],
    );
    exec(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, changes)
         VALUES ('2026-01-01T00:00:00Z', 3, ?1, 'client', 1, ?2)",
        &[&stored.audit_action, &stored.audit_changes.to_string()],
    );
}

/// The hostile values [`store_hostile_rows`] writes.
struct Stored {
    client1_name: String,
    client1_company: String,
    client1_email: String,
    client2_name: String,
    client2_company: String,
    client3_name: String,
    client5_name: String,
    bill_name: String,
    sophie_name: String,
    sophie_number: String,
    kate_name: String,
    event1_name: String,
    event1_location: String,
    event1_notes: String,
    event2_name: String,
    audit_action: String,
    audit_changes: Value,
}

impl Stored {
    fn new() -> Stored {
        Stored {
            client1_name: format!("Kevin{ESC_CLEAR} Casey"),
            client1_company: format!("Cool{OSC_52} Startup"),
            client1_email: format!("kevin{CSI_C1}@startup.io"),
            client2_name: format!("John{RLO} Ouick"),
            client2_company: format!("Ouick{CSI_C1} & Co"),
            client3_name: format!("Lou{ESC_CLEAR} Bouzin"),
            client5_name: format!("Ana{CSI_C1} Ribeiro"),
            bill_name: format!("Bill{OSC_52} Boquet"),
            sophie_name: format!("Sophie{ESC_CLEAR} Vendeur"),
            sophie_number: format!("EMP{CSI_C1}3"),
            kate_name: format!("Kate{RLO} Hastroff"),
            event1_name: format!("John{ESC_CLEAR} Wedding"),
            event1_location: format!("Salle{RLO} 1"),
            event1_notes: format!("Line 1{OSC_52}\n\tLine 2{CSI_C1}"),
            event2_name: format!("Lou{CSI_C1} Assembly"),
            audit_action: format!("upd{ESC_CLEAR}ate"),
            audit_changes: {
                let mut changes = serde_json::Map::new();
                changes.insert(
                    "full_name".into(),
                    json!([format!("old{ESC_CLEAR}"), format!("new{RLO}{CSI_C1}")]),
                );
                changes.insert(format!("notes{OSC_52}"), json!([null, "x"]));
                Value::Object(changes)
            },
        }
    }
}

/// How `text` looks once escaped for a terminal (`\u{1b}`).
fn escaped(text: &str) -> String {
    text.chars()
        .map(|c| {
            if forbidden_in_line(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[test]
fn stored_control_characters_are_escaped_on_screen_and_exact_in_json() {
    let env = hostile_env();
    let stored = Stored::new();
    store_hostile_rows(&env, &stored);
    let mut findings = Findings::default();

    // Human views: nothing raw; the escaped form where the value is shown whole.
    let views: Vec<(&str, Vec<&str>, Vec<String>)> = vec![
        (SALES, vec!["clients", "list"], vec!["\\u{".into()]),
        (
            SALES,
            vec!["clients", "show", "1"],
            vec![
                escaped(&stored.client1_name),
                escaped(&stored.client1_company),
                escaped(&stored.client1_email),
            ],
        ),
        (
            SALES,
            vec!["clients", "show", "2"],
            vec![
                escaped(&stored.client2_name),
                escaped(&stored.client2_company),
            ],
        ),
        (
            SALES,
            vec!["events", "show", "1"],
            vec![
                escaped(&stored.event1_name),
                escaped(&stored.event1_location),
                escaped(&stored.client2_name),
                escaped(&stored.kate_name),
                escaped("Line 1\u{1b}]52;c;aGk=\u{7}"),
                escaped(&format!("Line 2{CSI_C1}")),
            ],
        ),
        (SALES, vec!["events", "list"], vec!["\\u{".into()]),
        (SALES, vec!["events", "no-support"], vec!["\\u{".into()]),
        (SALES, vec!["events", "mine"], vec!["\\u{".into()]),
        (SALES, vec!["contracts", "list"], vec!["\\u{".into()]),
        (
            SALES,
            vec!["contracts", "show", "2"],
            vec![escaped(&stored.client2_name)],
        ),
        (SALES, vec!["users", "list"], vec!["\\u{".into()]),
        (
            SALES,
            vec!["users", "show", "3"],
            vec![escaped(&stored.sophie_name), escaped(&stored.sophie_number)],
        ),
        (SALES, vec!["whoami"], vec![escaped(&stored.bill_name)]),
        (
            SALES,
            vec!["clients", "list", "--search", ESC_CLEAR, "--page-size", "1"],
            vec!["\\u{".into()],
        ),
        (MANAGEMENT, vec!["audit", "list"], vec!["\\u{".into()]),
        (
            MANAGEMENT,
            vec!["audit", "list", "--entity", "client", "--id", "1"],
            vec!["\\u{".into()],
        ),
        (
            MANAGEMENT,
            vec!["clients", "show", "1"],
            vec![escaped(&stored.client1_name), "History:".into()],
        ),
        (
            MANAGEMENT,
            vec!["events", "show", "1"],
            vec![escaped(&stored.event1_name)],
        ),
    ];
    for (who, args, shows) in &views {
        findings.case();
        let context = format!("{} (as {who})", short(&args.join(" ")));
        let outcome = run(&env, who, &strings(args), "");
        hygiene(&mut findings, &context, &outcome, true);
        if outcome.code != 0 {
            findings.fail(format!("{context}: failed: {}", outcome.describe()));
        }
        let out = outcome.out();
        for text in shows {
            if !out.contains(text.as_str()) {
                findings.fail(format!(
                    "{context}: expected {} in the output:\n{out}",
                    short(text)
                ));
            }
        }
    }

    // JSON: parses, control characters escaped by JSON itself, values exact. (who, command,
    // the record's id when the command lists several, expected keys and values)
    type JsonView<'a> = (&'a str, Vec<&'a str>, Option<i64>, Vec<(&'a str, Value)>);
    let json_views: Vec<JsonView> = vec![
        (
            SALES,
            vec!["clients", "show", "1"],
            None,
            vec![
                ("full_name", json!(stored.client1_name)),
                ("company_name", json!(stored.client1_company)),
                ("email", json!(stored.client1_email)),
            ],
        ),
        (
            SALES,
            vec!["clients", "list"],
            Some(2),
            vec![
                ("full_name", json!(stored.client2_name)),
                ("company_name", json!(stored.client2_company)),
            ],
        ),
        (
            SALES,
            vec!["events", "show", "1"],
            None,
            vec![
                ("name", json!(stored.event1_name)),
                ("location", json!(stored.event1_location)),
                ("notes", json!(stored.event1_notes)),
                ("client_name", json!(stored.client2_name)),
                ("support_contact", json!(stored.kate_name)),
            ],
        ),
        (
            SALES,
            vec!["events", "list"],
            Some(2),
            vec![("name", json!(stored.event2_name))],
        ),
        (
            SALES,
            vec!["users", "show", "3"],
            None,
            vec![
                ("full_name", json!(stored.sophie_name)),
                ("employee_number", json!(stored.sophie_number)),
            ],
        ),
        (
            SALES,
            vec!["whoami"],
            None,
            vec![("full_name", json!(stored.bill_name))],
        ),
    ];
    for (who, args, in_list, fields) in &json_views {
        findings.case();
        let context = format!("{} --format json", args.join(" "));
        let outcome = run(
            &env,
            who,
            &[strings(args), strings(&["--format", "json"])].concat(),
            "",
        );
        hygiene(&mut findings, &context, &outcome, false);
        let Ok(value) = parse_json(&context, &outcome).map_err(|p| findings.fail(p)) else {
            continue;
        };
        let record = match in_list {
            Some(id) => by_id(&value, *id).cloned().unwrap_or_default(),
            None => value,
        };
        for (key, want) in fields {
            if &record[*key] != want {
                findings.fail(format!(
                    "{context}: {key} is {} instead of {}",
                    short(&record[*key].to_string()),
                    short(&want.to_string())
                ));
            }
        }
    }
    findings.case();
    let outcome = run(
        &env,
        MANAGEMENT,
        &strings(&["audit", "list", "--format", "json"]),
        "",
    );
    hygiene(&mut findings, "audit list --format json", &outcome, false);
    if let Ok(trail) =
        parse_json("audit list --format json", &outcome).map_err(|p| findings.fail(p))
    {
        let entry = trail
            .as_array()
            .and_then(|a| a.iter().find(|e| e["action"] == json!(stored.audit_action)));
        match entry {
            Some(e) if e["changes"] == stored.audit_changes => {}
            other => findings.fail(format!(
                "audit list --format json: the stored entry comes back as {}",
                short(&format!("{other:?}"))
            )),
        }
    }

    // CSV is data for other programs: it must round-trip. It is not escaped for a terminal:
    // whether raw controls may reach one through `--format csv` is reported, not asserted.
    let csv_views: [(&str, &[&str], &str, &str); 3] = [
        (
            SALES,
            &["clients", "list"],
            "full_name",
            &stored.client1_name,
        ),
        (
            SALES,
            &["clients", "show", "1"],
            "company_name",
            &stored.client1_company,
        ),
        (SALES, &["events", "list"], "notes", &stored.event1_notes),
    ];
    for (who, args, key, want) in csv_views {
        findings.case();
        let context = format!("{} --format csv", args.join(" "));
        let outcome = run(
            &env,
            who,
            &[strings(args), strings(&["--format", "csv"])].concat(),
            "",
        );
        if outcome.code != 0 {
            findings.fail(format!("{context}: failed: {}", outcome.describe()));
            continue;
        }
        let rows = csv_rows(&outcome.out());
        let column = rows.first().and_then(|h| h.iter().position(|c| c == key));
        let found = column.is_some_and(|col| {
            rows.iter()
                .skip(1)
                .any(|row| row.get(col).map(String::as_str) == Some(want))
        });
        if !found {
            findings.fail(format!(
                "{context}: no row has {key} = {}:\n{}",
                short(want),
                outcome.out()
            ));
        }
    }

    // Messages that name stored records after a write, or in a refusal, escape them too.
    let bill_password = format!("{DEMO_PASSWORD}\n");
    let writes: Vec<(&str, Vec<&str>, &str, i32)> = vec![
        (
            SALES,
            vec!["clients", "update", "2", "--phone", "+44 20 7946 0958"],
            "",
            0,
        ),
        (SALES, vec!["contracts", "sign", "5"], "", 0),
        (
            SALES,
            vec![
                "events",
                "create",
                "--contract",
                "2",
                "--name",
                "After Party",
                "--start",
                "2027-06-05 02:00",
                "--end",
                "2027-06-05 05:00",
                "--location",
                "Candé",
                "--attendees",
                "30",
            ],
            "",
            0,
        ),
        ("bill-again", vec!["login", BILL], bill_password.as_str(), 0),
        ("bill-again", vec!["logout"], "", 0),
        (MANAGEMENT, vec!["events", "unassign", "1"], "", 0),
        (MANAGEMENT, vec!["events", "assign", "1", "5"], "", 0),
        (MANAGEMENT, vec!["events", "assign", "2", "3"], "", 1),
        (MANAGEMENT, vec!["clients", "reassign", "1", "3"], "", 0),
        (
            MANAGEMENT,
            vec!["users", "update", "3", "--phone", "0611111111"],
            "",
            0,
        ),
        (MANAGEMENT, vec!["clients", "delete", "5", "--yes"], "", 0),
    ];
    for (who, args, stdin, code) in &writes {
        findings.case();
        let context = format!("{} (as {who})", short(&args.join(" ")));
        let outcome = run(&env, who, &strings(args), stdin);
        hygiene(&mut findings, &context, &outcome, true);
        if outcome.code != *code {
            findings.fail(format!(
                "{context}: expected exit {code}; got {}",
                outcome.describe()
            ));
        }
    }
    // 17 views, 6 + 1 JSON, 3 CSV, 11 writes.
    findings.assert(17 + 7 + 3 + 11, "display of stored controls");
}

// ----------------------------------------------------------------------------------------
// Point 4: malformed numbers and dates.
// ----------------------------------------------------------------------------------------

/// Malformed in every numeric and date field (the list).
const MALFORMED: [&str; 10] = [
    "-1",
    "1e309",
    "NaN",
    "inf",
    "12,50,1",
    "9223372036854775808",
    "99999999999999999999",
    "2026-02-30",
    "24:00",
    "",
];

/// A command with `VALUE` where the malformed value goes: (who, fields its error may name,
/// command).
type Template = (&'static str, &'static [&'static str], Vec<&'static str>);

const VALUE: &str = "VALUE";

fn fill(template: &[&str], value: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut words = template.iter().peekable();
    while let Some(word) = words.next() {
        if words.peek() == Some(&&VALUE) && word.starts_with("--") {
            words.next();
            args.extend(flag_value(word, value));
        } else if *word == VALUE {
            args.push(value.to_owned());
        } else {
            args.push((*word).to_owned());
        }
    }
    args
}

/// An event creation by Bill with `flag` set to `VALUE`.
fn event_create_with(flag: &str) -> Vec<&'static str> {
    let mut args = vec!["events", "create"];
    for (f, v) in [
        ("--contract", "1"),
        ("--name", "Malformed"),
        ("--start", "2027-10-01 10:00"),
        ("--end", "2027-10-01 12:00"),
        ("--location", "Paris"),
        ("--attendees", "10"),
    ] {
        args.push(f);
        args.push(if f == flag { VALUE } else { v });
    }
    args
}

/// Runs every template with every value (the common malformed ones and `extra`): a field error
/// naming the field, exit 1, nothing written.
fn malformed_cases(
    env: &TestEnv,
    findings: &mut Findings,
    templates: &[Template],
    extra: &[&str],
    baseline: &mut String,
) {
    for (who, fields, template) in templates {
        for value in MALFORMED.iter().chain(extra) {
            let args = fill(template, value);
            malformed_case(env, findings, who, fields, &args, baseline);
        }
    }
}

fn malformed_case(
    env: &TestEnv,
    findings: &mut Findings,
    who: &str,
    fields: &[&str],
    args: &[String],
    baseline: &mut String,
) {
    findings.case();
    let context = format!("{} (as {who})", short(&args.join(" ")));
    let outcome = run(env, who, args, "");
    hygiene(findings, &context, &outcome, true);
    if let Err(problem) = field_error(&outcome, fields) {
        findings.fail(format!("{context}: {problem}"));
    }
    let now = env.digest();
    if now != *baseline {
        findings.fail(format!("{context}: the database changed"));
        *baseline = now;
    }
}

#[test]
fn malformed_amounts_and_counts_are_field_errors_that_write_nothing() {
    let env = hostile_env();
    let schema_before = schema(&env);
    let mut baseline = env.digest();
    let mut findings = Findings::default();
    let amounts: Vec<Template> = vec![
        (
            SALES,
            &["total"],
            vec!["contracts", "create", "--client", "1", "--total", VALUE],
        ),
        (
            SALES,
            &["total"],
            vec!["contracts", "update", "5", "--total", VALUE],
        ),
        (SALES, &["amount"], vec!["contracts", "pay", "2", VALUE]),
    ];
    let bad_amounts = [
        "1.234",
        "1,",
        ".5",
        "+5",
        "-0",
        "1 500",
        "１５００",
        "0x10",
        "1e3",
        "9223372036854775807",
        "1000000000000.01",
    ];
    malformed_cases(&env, &mut findings, &amounts, &bad_amounts, &mut baseline);
    // A payment of nothing, or of more than what remains (15000.00 on contract 2).
    for amount in ["0", "0.00", "15000.01"] {
        let args = strings(&["contracts", "pay", "2", amount]);
        malformed_case(
            &env,
            &mut findings,
            SALES,
            &["amount"],
            &args,
            &mut baseline,
        );
    }
    let counts: Vec<Template> = vec![
        (SALES, &["attendees"], event_create_with("--attendees")),
        (
            SALES,
            &["attendees"],
            vec!["events", "update", BILL_EVENT, "--attendees", VALUE],
        ),
    ];
    let bad_counts = ["1000001", "1.5", "1e3", "4294967296", "+-1", "٣"];
    malformed_cases(&env, &mut findings, &counts, &bad_counts, &mut baseline);
    if schema(&env) != schema_before {
        findings.fail("the schema changed".to_owned());
    }
    // 3 × (10 + 11) + 3 + 2 × (10 + 6).
    findings.assert(3 * 21 + 3 + 2 * 16, "amounts and counts");
}

#[test]
fn malformed_dates_and_inverted_ranges_are_field_errors_that_write_nothing() {
    let env = hostile_env();
    let mut baseline = env.digest();
    let mut findings = Findings::default();
    let event_times: Vec<Template> = vec![
        (SALES, &["start"], event_create_with("--start")),
        (SALES, &["end"], event_create_with("--end")),
        (
            SALES,
            &["start"],
            vec!["events", "update", BILL_EVENT, "--start", VALUE],
        ),
        (
            SALES,
            &["end"],
            vec!["events", "update", BILL_EVENT, "--end", VALUE],
        ),
    ];
    let bad_times = [
        "2026-02-30 10:00",
        "2027-01-02 24:00",
        "2026-02-29 10:00",
        "2027-13-01 10:00",
        "2027-01-02 23:60",
        "2027-01-02",
        "02/01/2027 10:00",
        "2027-01-02 10:00:00",
        "2027-01-02 10h00",
        "now",
    ];
    malformed_cases(&env, &mut findings, &event_times, &bad_times, &mut baseline);
    let bounds: Vec<Template> = vec![
        (SALES, &["--from"], vec!["events", "list", "--from", VALUE]),
        (SALES, &["--to"], vec!["events", "list", "--to", VALUE]),
        (
            MANAGEMENT,
            &["--since"],
            vec!["audit", "list", "--since", VALUE],
        ),
    ];
    let bad_bounds = [
        "2026-02-29",
        "2027-13-01",
        "2027-01-02 24:00",
        "2027-01-02 23:60",
        "yesterday",
    ];
    malformed_cases(&env, &mut findings, &bounds, &bad_bounds, &mut baseline);

    // End before (or at) start. Event 4 runs 2027-09-01 10:00–12:00.
    let create = |start: &'static str, end: &'static str| {
        let mut args = event_create_with("--start");
        let at = args.iter().position(|a| *a == VALUE).unwrap();
        args[at] = start;
        let at = args.iter().position(|a| *a == "--end").unwrap();
        args[at + 1] = end;
        args
    };
    let inverted: Vec<(&str, &[&str], Vec<&str>)> = vec![
        (
            SALES,
            &["end"],
            create("2027-10-01 10:00", "2027-10-01 09:00"),
        ),
        (
            SALES,
            &["end"],
            create("2027-10-01 10:00", "2027-10-01 10:00"),
        ),
        (
            SALES,
            &["end"],
            create("2027-10-02 00:00", "2027-10-01 23:59"),
        ),
        (
            SALES,
            &["end"],
            vec!["events", "update", BILL_EVENT, "--end", "2027-09-01 09:00"],
        ),
        (
            SALES,
            &["start", "end"],
            vec![
                "events",
                "update",
                BILL_EVENT,
                "--start",
                "2027-09-01 13:00",
            ],
        ),
        (
            SALES,
            &["end"],
            vec![
                "events",
                "update",
                BILL_EVENT,
                "--start",
                "2027-09-03 10:00",
                "--end",
                "2027-09-02 10:00",
            ],
        ),
        // The "end before start" applies to date filters too: an inverted range.
        (
            SALES,
            &["--to", "--from"],
            vec![
                "events",
                "list",
                "--from",
                "2027-06-01",
                "--to",
                "2027-01-01",
            ],
        ),
    ];
    for (who, fields, args) in &inverted {
        malformed_case(
            &env,
            &mut findings,
            who,
            fields,
            &strings(args),
            &mut baseline,
        );
    }
    // 4 × (10 + 10) + 3 × (10 + 5) + 7.
    findings.assert(4 * 20 + 3 * 15 + 7, "dates");
}

#[test]
fn malformed_ids_in_every_command_and_filter_are_field_errors_that_write_nothing() {
    let env = hostile_env();
    let mut baseline = env.digest();
    let mut findings = Findings::default();
    let ids: Vec<Template> = vec![
        (SALES, &["id"], vec!["clients", "show", VALUE]),
        (
            SALES,
            &["id"],
            vec!["clients", "update", VALUE, "--phone", "0611111111"],
        ),
        (SALES, &["id"], vec!["contracts", "show", VALUE]),
        (
            SALES,
            &["id"],
            vec!["contracts", "update", VALUE, "--total", "100"],
        ),
        (SALES, &["id"], vec!["contracts", "sign", VALUE]),
        (SALES, &["id"], vec!["contracts", "pay", VALUE, "10"]),
        (SALES, &["id"], vec!["events", "show", VALUE]),
        (
            SALES,
            &["id"],
            vec!["events", "update", VALUE, "--attendees", "5"],
        ),
        (SALES, &["id"], vec!["users", "show", VALUE]),
        (
            SALES,
            &["client"],
            vec!["contracts", "create", "--client", VALUE, "--total", "100"],
        ),
        (
            SALES,
            &["client"],
            vec!["contracts", "update", "5", "--client", VALUE],
        ),
        (SALES, &["contract"], event_create_with("--contract")),
        (
            SALES,
            &["contract"],
            vec!["events", "update", BILL_EVENT, "--contract", VALUE],
        ),
        (
            SALES,
            &["--client"],
            vec!["contracts", "list", "--client", VALUE],
        ),
        (
            SALES,
            &["--client"],
            vec!["events", "list", "--client", VALUE],
        ),
        (
            SALES,
            &["--support"],
            vec!["events", "list", "--support", VALUE],
        ),
        (
            MANAGEMENT,
            &["id"],
            vec!["clients", "delete", VALUE, "--yes"],
        ),
        (MANAGEMENT, &["id"], vec!["clients", "reassign", VALUE, "2"]),
        (
            MANAGEMENT,
            &["sales id"],
            vec!["clients", "reassign", "1", VALUE],
        ),
        (
            MANAGEMENT,
            &["id"],
            vec!["contracts", "delete", VALUE, "--yes"],
        ),
        (MANAGEMENT, &["id"], vec!["events", "assign", VALUE, "4"]),
        (
            MANAGEMENT,
            &["support id"],
            vec!["events", "assign", "2", VALUE],
        ),
        (MANAGEMENT, &["id"], vec!["events", "unassign", VALUE]),
        (
            MANAGEMENT,
            &["id"],
            vec!["events", "delete", VALUE, "--yes"],
        ),
        (
            MANAGEMENT,
            &["id"],
            vec!["users", "update", VALUE, "--phone", "0611111111"],
        ),
        (MANAGEMENT, &["id"], vec!["users", "delete", VALUE, "--yes"]),
        (
            MANAGEMENT,
            &["--id"],
            vec!["audit", "list", "--entity", "client", "--id", VALUE],
        ),
        (
            MANAGEMENT,
            &["--actor"],
            vec!["audit", "list", "--actor", VALUE],
        ),
    ];
    let bad_ids = ["0", "1.5"];
    malformed_cases(&env, &mut findings, &ids, &bad_ids, &mut baseline);
    // 28 templates × (10 + 2).
    findings.assert(28 * 12, "ids");
}

#[test]
fn malformed_paging_flags_are_refused_in_one_line_and_write_nothing() {
    let env = hostile_env();
    let baseline = env.digest();
    let mut findings = Findings::default();
    let lists: [(&str, &[&str]); 9] = [
        (SALES, &["clients", "list"]),
        (SALES, &["contracts", "list"]),
        (SALES, &["contracts", "unsigned"]),
        (SALES, &["contracts", "unpaid"]),
        (SALES, &["events", "list"]),
        (SALES, &["events", "no-support"]),
        (SALES, &["events", "mine"]),
        (SALES, &["users", "list"]),
        (MANAGEMENT, &["audit", "list"]),
    ];
    // Every list flattens the same paging flags: all values through two of them (sales and
    // management), a few through the others.
    let all: Vec<&str> = MALFORMED
        .iter()
        .chain(&["0", "4294967296", "1.5"])
        .copied()
        .collect();
    let few = ["-1", "NaN", "", "0", "4294967296"];
    for (i, (who, list)) in lists.into_iter().enumerate() {
        let values: &[&str] = if i == 0 || i == 8 { &all } else { &few };
        for flag in ["--page", "--page-size"] {
            for value in values {
                findings.case();
                let args = [strings(list), flag_value(flag, value)].concat();
                let context = format!("{} (as {who})", short(&args.join(" ")));
                let outcome = run(&env, who, &args, "");
                hygiene(&mut findings, &context, &outcome, true);
                // The grammar checks these (clap, u32): a usage error, exit 2, is acceptable
                // here; a field error (exit 1) would be too. Either way one line naming the flag.
                let err = outcome.err();
                let one_line = err.lines().count() == 1 && err.starts_with("error: ");
                if !matches!(outcome.code, 1 | 2) || !one_line || !err.contains(flag) {
                    findings.fail(format!(
                        "{context}: expected exit 1 or 2 and one line naming {flag}; got {}",
                        outcome.describe()
                    ));
                }
                if env.digest() != baseline {
                    findings.fail(format!("{context}: the database changed"));
                }
            }
        }
    }
    // page-size also refuses what is above its maximum.
    for (who, list) in lists {
        findings.case();
        let args = [strings(list), strings(&["--page-size", "1001"])].concat();
        let outcome = run(&env, who, &args, "");
        hygiene(&mut findings, &args.join(" "), &outcome, true);
        if !matches!(outcome.code, 1 | 2) || !outcome.err().contains("--page-size") {
            findings.fail(format!(
                "{}: expected a refusal naming --page-size; got {}",
                args.join(" "),
                outcome.describe()
            ));
        }
    }
    // 2 lists × 2 flags × (10 + 3), 7 lists × 2 flags × 5, 9 × page-size 1001.
    findings.assert(2 * 2 * 13 + 7 * 2 * 5 + 9, "paging");
}
