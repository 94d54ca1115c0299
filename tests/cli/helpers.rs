//! A hermetic environment around the real binary: its own data directory, database and key
//! file, no inherited configuration, and helpers to read the database directly.
//!
//! The same tests run in both modes: the `cli` test binary drives the embedded database, the
//! `remote` one (tests/remote) compiles these files again with `crate::REMOTE` true, and every
//! command then goes through an `epicevents serve` started on the environment's database, the
//! shell holding only its token. What only the server's machine does (`setup`, `demo`) and
//! direct reads of the database stay local in both.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use rusqlite::Connection;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_epicevents");
pub const DEMO_PASSWORD: &str = "epicevents-demo";
pub const ALICE: &str = "alice.manager@epic.com";
pub const BILL: &str = "bill.boquet@epic.com";
pub const KATE: &str = "kate.hastroff@epic.com";

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts success and returns standard output.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts a failure with `code` and exactly one line on standard error; returns it.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "expected exit code {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line of error expected:\n{}",
            self.stderr
        );
        self.stderr.trim_end()
    }
}

pub struct TestEnv {
    dir: TempDir,
    server: std::cell::RefCell<Option<Server>>,
    /// The environment's PostgreSQL database, when the suite runs on PostgreSQL
    /// ([`crate::POSTGRES`], tests/postgres).
    postgres: Option<PgDatabase>,
}

/// The password the PostgreSQL suite puts in `EPICEVENTS_DB` (see [`PgDatabase::url`]).
pub const PG_PASSWORD: &str = "pg-canary-7c1e-password";

/// A database of its own on the PostgreSQL server `EPICEVENTS_TEST_POSTGRES` names (a URL
/// where tests may create databases), dropped with the environment.
pub struct PgDatabase {
    admin: String,
    name: String,
}

impl PgDatabase {
    /// A new empty database, or `None` when no server is named: the test then says it was
    /// skipped (and fails if `EPICEVENTS_REQUIRE_POSTGRES` is set, as in `.ci/run`).
    pub fn try_create() -> Option<PgDatabase> {
        if std::env::var_os("EPICEVENTS_TEST_POSTGRES").is_none() {
            assert!(
                std::env::var_os("EPICEVENTS_REQUIRE_POSTGRES").is_none(),
                "EPICEVENTS_REQUIRE_POSTGRES is set but EPICEVENTS_TEST_POSTGRES is not"
            );
            eprintln!("skipped: set EPICEVENTS_TEST_POSTGRES to run the PostgreSQL tests");
            return None;
        }
        Some(Self::create(None))
    }

    /// A new empty database, or one cloned from the database `template`.
    fn create(template: Option<&str>) -> PgDatabase {
        let admin = std::env::var("EPICEVENTS_TEST_POSTGRES")
            .expect("the PostgreSQL suite runs with EPICEVENTS_TEST_POSTGRES set");
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).unwrap();
        // The test process's id in the name: what a finished run left behind (the
        // snapshots its statics hold are never dropped, a killed run drops nothing) is
        // recognised and dropped by the next run.
        let name: String = std::iter::once(format!("epicevents_e2e_{}_", std::process::id()))
            .chain(random.iter().map(|b| format!("{b:02x}")))
            .collect();
        let template = template
            .map(|t| format!(" TEMPLATE {t}"))
            .unwrap_or_default();
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .expect("the PostgreSQL test server answers");
        static SWEPT: std::sync::Once = std::sync::Once::new();
        SWEPT.call_once(|| drop_left_behind(&mut client));
        client
            .batch_execute(&format!("CREATE DATABASE {name}{template}"))
            .expect("a test database can be created");
        PgDatabase { admin, name }
    }

    /// The URL of the database: the admin URL with its database name replaced and, when it
    /// has no password, [`PG_PASSWORD`] added (a server that trusts the test user ignores
    /// it), so that every test runs with a password in `EPICEVENTS_DB` that must never show.
    pub fn url(&self) -> String {
        let base = match self.admin.rsplit_once('/') {
            Some((base, db)) if !db.contains('@') && !base.ends_with('/') => base.to_owned(),
            _ => self.admin.trim_end_matches('/').to_owned(),
        };
        let base = match base.split_once("://") {
            Some((scheme, rest)) => match rest.split_once('@') {
                Some((user, host)) if !user.contains(':') => {
                    format!("{scheme}://{user}:{PG_PASSWORD}@{host}")
                }
                _ => base,
            },
            None => base,
        };
        format!("{base}/{}", self.name)
    }

    /// The database's name on the server.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).expect("the test database opens")
    }
}

/// Drops the test databases of test processes that are gone.
fn drop_left_behind(client: &mut postgres::Client) {
    let names: Vec<String> = client
        .query(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'epicevents\\_e2e\\_%'",
            &[],
        )
        .map(|rows| rows.iter().map(|row| row.get(0)).collect())
        .unwrap_or_default();
    for name in names {
        let pid = name
            .strip_prefix("epicevents_e2e_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        let gone = pid.is_none_or(|pid| !Path::new(&format!("/proc/{pid}")).exists());
        if gone {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// An `epicevents serve` on a free loopback port, on a test environment's database.
pub struct Server {
    child: std::process::Child,
    pub url: String,
}

impl Server {
    /// Starts the server of `env` with `extra` arguments (TLS, say) and waits until it listens.
    pub fn start(env: &TestEnv, extra: &[&str]) -> Server {
        Server::start_with(env.local_command("server"), env, extra)
    }

    /// [`Server::start`] from `command` (the binary configured for the server's machine).
    pub fn start_with(mut command: Command, env: &TestEnv, extra: &[&str]) -> Server {
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the server starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server says where it listens")
                .unwrap();
            if let Some(url) = line.strip_prefix("epicevents serve: listening on ") {
                break url.trim().to_owned();
            }
        };
        // The access log goes on being read, so the server never blocks on a full pipe.
        let log = env.root().join("server.log");
        thread::spawn(move || {
            let mut file = fs::File::create(log).unwrap();
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(file, "{line}");
            }
        });
        Server { child, url }
    }

    /// Stops it as `kill -9` would.
    #[allow(dead_code, reason = "tests/remote only")]
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops it as systemd would (SIGTERM), and waits for it to exit.
    #[allow(dead_code, reason = "tests/remote only")]
    pub fn stop(mut self) -> std::process::ExitStatus {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestEnv {
    /// An empty database.
    pub fn new() -> TestEnv {
        Self::on(crate::POSTGRES.then(|| PgDatabase::create(None)))
    }

    fn on(postgres: Option<PgDatabase>) -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("a temporary directory"),
            server: std::cell::RefCell::new(None),
            postgres,
        }
    }

    /// What `EPICEVENTS_DB` names: the database file, or the PostgreSQL database's URL.
    pub fn db_location(&self) -> std::ffi::OsString {
        match &self.postgres {
            Some(db) => db.url().into(),
            None => self.db_path().into(),
        }
    }

    /// The demo data set, loaded.
    pub fn demo() -> TestEnv {
        let env = TestEnv::new();
        pipe(
            {
                let mut c = env.local_command("default");
                c.arg("demo");
                c
            },
            "",
        )
        .ok();
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn db_path(&self) -> PathBuf {
        self.root().join("crm.db")
    }

    /// The data directory of one person at the keyboard. Everybody shares the database;
    /// each has their own session and history.
    pub fn home(&self, who: &str) -> PathBuf {
        self.root().join("home").join(who)
    }

    /// The binary, configured for `who`: on the environment's database, or in team mode
    /// ([`crate::REMOTE`]) on its server, with no database of its own.
    pub fn command(&self, who: &str) -> Command {
        let mut command = self.local_command(who);
        if crate::REMOTE {
            command.env("EPICEVENTS_SERVER", self.server_url()).env(
                "EPICEVENTS_DB",
                self.root().join("no-database-on-this-machine.db"),
            );
        }
        command
    }

    /// The environment's server, handed over (to be stopped or killed), if it started.
    #[allow(dead_code, reason = "tests/remote only")]
    pub fn take_server(&self) -> Option<Server> {
        self.server.borrow_mut().take()
    }

    /// The environment's server (started at its first use).
    pub fn server_url(&self) -> String {
        self.server
            .borrow_mut()
            .get_or_insert_with(|| Server::start(self, &[]))
            .url
            .clone()
    }

    /// The binary on the database itself, as on the server's machine, with nothing
    /// inherited from the developer's environment.
    pub fn local_command(&self, who: &str) -> Command {
        let mut command = Command::new(BIN);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("EPICEVENTS_")
                || key.starts_with("SENTRY_")
                || key.starts_with("XDG_")
            {
                command.env_remove(&key);
            }
        }
        command
            .current_dir(self.root())
            .env("HOME", self.root())
            .env("EPICEVENTS_HOME", self.home(who))
            .env("EPICEVENTS_DB", self.db_location())
            .env("NO_COLOR", "1");
        command
    }

    /// [`command`](Self::command) with "now" fixed at `now`, a local date and time such as
    /// `2027-06-04T10:00:00`. Debug builds of the binary read `EPICEVENTS_TEST_NOW` for every
    /// rule that reads the time (src/clock.rs: sessions, lockouts, `events list --period`), so
    /// that such tests neither wait nor depend on the day they run; release builds do not
    /// contain that code.
    pub fn command_at(&self, who: &str, now: &str) -> Command {
        let mut command = self.command(who);
        command.env("EPICEVENTS_TEST_NOW", now);
        command
    }

    /// Runs one line as arguments (one-shot use) with `stdin` piped in, as `default`.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        self.run_as("default", args, stdin)
    }

    pub fn run_as(&self, who: &str, args: &[&str], stdin: &str) -> Run {
        let mut command = self.command(who);
        command.args(args);
        pipe(command, stdin)
    }

    /// Pipes a script into the shell on the database itself (the server's machine).
    pub fn local_script(&self, stdin: &str) -> Run {
        pipe(self.local_command("default"), stdin)
    }

    /// Pipes a script into the shell, as `default`.
    pub fn script(&self, stdin: &str) -> Run {
        self.run(&[], stdin)
    }

    /// Logs `who` in with `email` and the demo password.
    pub fn login_as(&self, who: &str, email: &str) {
        self.run_as(who, &["login", email], &format!("{DEMO_PASSWORD}\n"))
            .ok();
    }

    /// [`login_as`](Self::login_as) with "now" fixed at `now` (see [`command_at`](Self::command_at)):
    /// the session is issued then, and lasts eight hours from then.
    pub fn login_at(&self, who: &str, email: &str, now: &str) {
        let mut command = self.command_at(who, now);
        command.args(["login", email]);
        pipe(command, &format!("{DEMO_PASSWORD}\n")).ok();
    }

    pub fn login(&self, email: &str) {
        self.login_as("default", email);
    }

    /// The SQLite database, read directly (the tests that need SQLite's own API check
    /// [`crate::POSTGRES`] first).
    pub fn db(&self) -> Connection {
        assert!(
            self.postgres.is_none(),
            "this test reads the SQLite file: it cannot run on PostgreSQL"
        );
        Connection::open(self.db_path()).expect("the test database opens")
    }

    /// One number from the database (`sql` in the SQL both stores speak; on PostgreSQL the
    /// `changes` of the audit trail compare as text).
    pub fn count(&self, sql: &str) -> i64 {
        match &self.postgres {
            Some(db) => {
                let sql = sql.replace("changes LIKE", "changes::text LIKE");
                db.client()
                    .query_one(&format!("SELECT (({sql}))::bigint"), &[])
                    .map(|row| row.get::<_, Option<i64>>(0).expect(&sql))
                    .expect(&sql)
            }
            None => self.db().query_row(sql, [], |row| row.get(0)).expect(sql),
        }
    }

    /// Runs `sql` (statements in the SQL both stores speak, values written in it) on the
    /// database directly, as an older or damaged database could hold it.
    #[track_caller]
    pub fn execute(&self, sql: &str) {
        if let Err(err) = self.try_execute(sql) {
            panic!("{sql}: {err}");
        }
    }

    /// Runs the statement `sql` with the text values `params` bound to `?1`, `?2`…
    #[track_caller]
    pub fn execute_with(&self, sql: &str, params: &[&str]) {
        let done = match &self.postgres {
            Some(db) => {
                // Written as literals, whose type PostgreSQL takes from the column (text or
                // jsonb alike).
                let mut literal = sql.to_owned();
                for (n, param) in params.iter().enumerate().rev() {
                    literal = literal.replace(
                        &format!("?{}", n + 1),
                        &format!("'{}'", param.replace('\'', "''")),
                    );
                }
                db.client()
                    .batch_execute(&literal)
                    .map_err(|e| e.to_string())
            }
            None => self
                .db()
                .execute(sql, rusqlite::params_from_iter(params))
                .map(drop)
                .map_err(|e| e.to_string()),
        };
        if let Err(err) = done {
            panic!("{sql}: {err}");
        }
    }

    /// [`execute`](Self::execute), handing back the store's refusal.
    pub fn try_execute(&self, sql: &str) -> Result<(), String> {
        match &self.postgres {
            Some(db) => db.client().batch_execute(sql).map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |db| db.message().to_owned())
            }),
            None => self.db().execute_batch(sql).map_err(|e| e.to_string()),
        }
    }

    /// Every row `sql` reads, each value as text (`None` for NULL).
    pub fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match &self.postgres {
            Some(db) => db
                .client()
                .simple_query(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .filter_map(|message| match message {
                    postgres::SimpleQueryMessage::Row(row) => Some(
                        (0..row.len())
                            .map(|i| row.get(i).map(str::to_owned))
                            .collect(),
                    ),
                    _ => None,
                })
                .collect(),
            None => {
                use rusqlite::types::ValueRef;
                let db = self.db();
                let mut stmt = db.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let columns = stmt.column_count();
                stmt.query_map([], |row| {
                    Ok((0..columns)
                        .map(|i| match row.get_ref(i).unwrap() {
                            ValueRef::Null => None,
                            ValueRef::Integer(n) => Some(n.to_string()),
                            ValueRef::Real(x) => Some(x.to_string()),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                Some(String::from_utf8_lossy(t).into_owned())
                            }
                        })
                        .collect())
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
            }
        }
    }

    /// The database's schema, one line per column, index, trigger and function with its
    /// definition (and a trigger's state): equal before and after means nothing changed it.
    pub fn schema(&self) -> String {
        let sql = if self.postgres.is_some() {
            "SELECT 'column', table_name || '.' || column_name, data_type || ' ' || coalesce(column_default, '')
               FROM information_schema.columns WHERE table_schema = 'public'
             UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
             UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) || ' ' || tgenabled::text
               FROM pg_trigger WHERE NOT tgisinternal
             UNION ALL SELECT 'function', proname, md5(prosrc) FROM pg_proc
               WHERE pronamespace = 'public'::regnamespace
             ORDER BY 1, 2"
        } else {
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        };
        self.rows(sql)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(Option::unwrap_or_default)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The key file that signs `who`'s session tokens: beside the database file, or in their
    /// home directory on PostgreSQL.
    pub fn key_file(&self, who: &str) -> PathBuf {
        match &self.postgres {
            Some(_) => self.home(who).join("postgres.key"),
            None => self.root().join("crm.db.key"),
        }
    }

    /// The environment's PostgreSQL database (tests/postgres only).
    #[allow(dead_code, reason = "tests/postgres only")]
    pub fn postgres(&self) -> &PgDatabase {
        self.postgres
            .as_ref()
            .expect("this test runs on PostgreSQL only")
    }

    /// One text value from the database (`sql` in the SQL both stores speak).
    pub fn text(&self, sql: &str) -> String {
        match &self.postgres {
            Some(db) => db
                .client()
                .query_one(&format!("SELECT (({sql}))::text"), &[])
                .map(|row| row.get(0))
                .expect(sql),
            None => self.db().query_row(sql, [], |row| row.get(0)).expect(sql),
        }
    }

    /// Every row of every table, as text: equal digests mean nothing changed. SQLite's id
    /// counters (`sqlite_sequence`) are left out: they move only with rows the digest shows.
    pub fn digest(&self) -> String {
        if let Some(db) = &self.postgres {
            let mut client = db.client();
            let tables: Vec<String> = client
                .query(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect();
            let mut digest = String::new();
            for table in tables {
                for row in client
                    .query(
                        &format!("SELECT t::text FROM \"{table}\" t ORDER BY 1"),
                        &[],
                    )
                    .unwrap()
                {
                    digest.push_str(&format!("{table}: {}\n", row.get::<_, String>(0)));
                }
            }
            return digest;
        }
        let db = self.db();
        let tables: Vec<String> = db
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut digest = String::new();
        for table in tables {
            let mut stmt = db
                .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1"))
                .unwrap();
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                digest.push_str(&format!("{table}: {}\n", values.join(" | ")));
            }
        }
        digest
    }
}

/// Every directory and file of a [`TestEnv`] (database, key file, sessions), held in memory so
/// that a state which cost bcrypt hashes to build is built once and copied per case. Sessions
/// stay valid in a copy: they are bound to the database's instance id and key file, both
/// copied.
pub struct Snapshot {
    dirs: Vec<(PathBuf, fs::Permissions)>,
    files: Vec<(PathBuf, Vec<u8>, fs::Permissions)>,
    /// On PostgreSQL, the database, cloned (a copy is cloned from it in turn).
    postgres: Option<PgDatabase>,
}

impl Snapshot {
    /// Takes the snapshot; no process may be using `env` (SQLite folds its write-ahead log
    /// into the database file when the last connection closes).
    pub fn of(env: &TestEnv) -> Snapshot {
        let root = env.root();
        let (mut dirs, mut files) = (Vec::new(), Vec::new());
        let mut pending = vec![PathBuf::new()];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(root.join(&dir)).unwrap() {
                let entry = entry.unwrap();
                let path = dir.join(entry.file_name());
                let meta = entry.metadata().unwrap();
                if meta.is_dir() {
                    dirs.push((path.clone(), meta.permissions()));
                    pending.push(path);
                } else {
                    files.push((path, fs::read(entry.path()).unwrap(), meta.permissions()));
                }
            }
        }
        let postgres = env
            .postgres
            .as_ref()
            .map(|db| PgDatabase::create(Some(&db.name)));
        Snapshot {
            dirs,
            files,
            postgres,
        }
    }

    /// Whether the snapshot holds the file at `path` (relative to the environment's root).
    pub fn holds(&self, path: &Path) -> bool {
        self.files.iter().any(|(p, _, _)| p == path)
    }

    /// A fresh copy in its own directory.
    pub fn copy(&self) -> TestEnv {
        let env = TestEnv::on(
            self.postgres
                .as_ref()
                .map(|db| PgDatabase::create(Some(&db.name))),
        );
        for (path, permissions) in &self.dirs {
            let path = env.root().join(path);
            fs::create_dir_all(&path).unwrap();
            fs::set_permissions(&path, permissions.clone()).unwrap();
        }
        for (path, bytes, permissions) in &self.files {
            let path = env.root().join(path);
            fs::write(&path, bytes).unwrap();
            fs::set_permissions(&path, permissions.clone()).unwrap();
        }
        env
    }
}

/// The time `minutes` from now as the database keeps instants, `2026-12-03T17:00:00Z`.
pub fn utc_in(minutes: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes))
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap()
}

/// Runs `command` with `stdin` piped in.
pub fn pipe(mut command: Command, stdin: &str) -> Run {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    // The binary may exit before reading everything (e.g. at the first failing line).
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    Run::from(child.wait_with_output().expect("the binary finishes"))
}

/// Parses JSON output.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// A local HTTP server that answers every request with 200 and hands over the bodies
/// (the receiver of tests/cli/sentry.rs).
pub struct SentryReceiver {
    port: u16,
    bodies: mpsc::Receiver<String>,
}

impl SentryReceiver {
    pub fn start() -> SentryReceiver {
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
        SentryReceiver { port, bodies }
    }

    pub fn dsn(&self) -> String {
        format!("http://public-key@127.0.0.1:{}/1", self.port)
    }

    /// The next body received, waiting at most ten seconds.
    pub fn next(&self) -> Option<String> {
        self.bodies.recv_timeout(Duration::from_secs(10)).ok()
    }

    /// Whatever else arrives, until nothing has for half a second.
    pub fn rest(&self) -> Vec<String> {
        std::iter::from_fn(|| self.bodies.recv_timeout(Duration::from_millis(500)).ok()).collect()
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
