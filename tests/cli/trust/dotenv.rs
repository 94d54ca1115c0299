//! `.env` is read from the current directory only, and only when it is a private file of this
//! user's (PRODUCT.md §7): a `.env` planted in a parent directory, or one another user owns
//! or may write to, must not redirect the database.
//!
//! `TestEnv` sets `EPICEVENTS_DB`, which wins over `.env`, so these runs remove it. The demo
//! lives in `elsewhere.db`, where Alice is logged in, and every `.env` points there: a
//! `whoami` that answers "Alice" read the `.env`; one that did not says there is no database
//! at the default place.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::helpers::{ALICE, DEMO_PASSWORD, Run, Snapshot, TestEnv, pipe};

/// The demo in `elsewhere.db`, Alice logged in: built once, copied per test.
fn elsewhere() -> TestEnv {
    static TEMPLATE: OnceLock<Snapshot> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let env = TestEnv::new();
            let db = env.root().join("elsewhere.db");
            for (args, stdin) in [
                (&["demo"][..], String::new()),
                (&["login", ALICE][..], format!("{DEMO_PASSWORD}\n")),
            ] {
                let mut command = env.command("default");
                command.env("EPICEVENTS_DB", &db).args(args);
                pipe(command, &stdin).ok();
            }
            Snapshot::of(&env)
        })
        .copy()
}

/// Writes a `.env` in `dir` that points the database at `<root>/elsewhere.db`, with `mode`.
fn plant(env: &TestEnv, dir: &Path, mode: u32) -> PathBuf {
    let path = dir.join(".env");
    let elsewhere = env.root().join("elsewhere.db");
    fs::write(&path, format!("EPICEVENTS_DB={}\n", elsewhere.display())).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    path
}

/// `whoami` run from `dir`, with no `EPICEVENTS_DB` in the environment.
fn whoami_in(env: &TestEnv, dir: &Path) -> Run {
    let mut command = env.command("default");
    command
        .env_remove("EPICEVENTS_DB")
        .current_dir(dir)
        .arg("whoami");
    pipe(command, "")
}

/// The one error line of a `whoami` that looked for its database at `db`.
fn looked_at(db: &Path) -> String {
    format!(
        "error: there is no database at {}: run `epicevents setup` to create one (or `epicevents demo` for sample data), or set EPICEVENTS_DB",
        db.display()
    )
}

fn default_db(env: &TestEnv) -> PathBuf {
    env.home("default").join("epicevents.db")
}

#[test]
fn a_dotenv_in_a_parent_directory_is_ignored() {
    let env = elsewhere();
    plant(&env, env.root(), 0o600);
    let below = env.root().join("work");
    fs::create_dir(&below).unwrap();
    let run = whoami_in(&env, &below);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr.trim_end(), looked_at(&default_db(&env)));
}

#[test]
fn a_dotenv_others_can_write_to_is_ignored_with_a_warning() {
    let env = elsewhere();
    plant(&env, env.root(), 0o666);
    let run = whoami_in(&env, env.root());
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "warning: ignoring .env: other users can write to it (`chmod go-w .env`)",
            looked_at(&default_db(&env)).as_str(),
        ]
    );
}

#[test]
fn a_dotenv_of_another_user_is_ignored_with_a_warning() {
    let env = elsewhere();
    let path = plant(&env, env.root(), 0o600);
    // The tests run as root, which may give a file away; 65534 is "nobody".
    std::os::unix::fs::chown(&path, Some(65534), Some(65534))
        .expect("chown needs root, as the tests run");
    let run = whoami_in(&env, env.root());
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "warning: ignoring .env: it belongs to another user",
            looked_at(&default_db(&env)).as_str(),
        ]
    );
}

#[test]
fn a_private_dotenv_in_the_current_directory_is_honoured() {
    let env = elsewhere();
    plant(&env, env.root(), 0o600);
    let run = whoami_in(&env, env.root());
    assert!(run.ok().contains("Alice Manager"), "{run:?}");
    assert_eq!(run.stderr, "");
}
