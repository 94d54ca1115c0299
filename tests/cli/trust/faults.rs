//! Faults of the machine or the file, not of the command: one sentence that says what to do,
//! exit code 1, and nothing created or half-written.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::helpers::{ALICE, DEMO_PASSWORD, Run, TestEnv, pipe};

/// The files and directories under the environment's root, sorted.
fn listing(env: &TestEnv) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![env.root().to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path.clone());
            }
            found.push(path.strip_prefix(env.root()).unwrap().display().to_string());
        }
    }
    found.sort();
    found
}

fn run_on(env: &TestEnv, db: &std::path::Path, args: &[&str]) -> Run {
    let mut command = env.command("default");
    command.env("EPICEVENTS_DB", db).args(args);
    pipe(command, "")
}

#[test]
fn a_one_shot_read_on_a_missing_database_creates_nothing() {
    let env = TestEnv::new();
    let missing = env.root().join("typo.db");
    let before = listing(&env);
    let run = run_on(&env, &missing, &["whoami"]);
    let line = run.fails(1);
    assert!(
        line.contains(&format!("there is no database at {}", missing.display()))
            && line.contains("setup"),
        "{line}"
    );
    assert!(!missing.exists());
    assert_eq!(listing(&env), before);

    let help = run_on(&env, &missing, &["help"]);
    assert!(help.ok().contains("users"), "{help:?}");
    assert_eq!(listing(&env), before, "help created something");
}

#[test]
fn a_database_migrated_by_a_newer_epicevents_is_refused() {
    let env = TestEnv::demo();
    env.login(ALICE);
    env.db()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES (99, 'future', 'x', '1')",
            [],
        )
        .unwrap();
    let before = env.digest();
    let run = env.run(&["whoami"], "");
    assert!(run.fails(1).contains("newer epicevents"), "{}", run.stderr);
    assert_eq!(env.digest(), before);
}

#[test]
fn a_damaged_database_file_is_reported_as_damaged() {
    let env = TestEnv::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let bytes: Vec<u8> = (0..16_384)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect();
    fs::write(env.db_path(), &bytes).unwrap();
    // Owner-only, as epicevents makes its databases: only the damage is wrong with it.
    fs::set_permissions(env.db_path(), fs::Permissions::from_mode(0o600)).unwrap();
    let run = env.run(&["whoami"], "");
    assert!(run.fails(1).contains("damaged"), "{}", run.stderr);
    assert_eq!(fs::read(env.db_path()).unwrap(), bytes);
}

#[test]
fn a_login_whose_session_cannot_be_saved_changes_nothing() {
    let env = TestEnv::demo();
    fs::create_dir_all(env.home("default").join("session")).unwrap();
    let before = env.digest();
    let run = env.run(&["login", ALICE], &format!("{DEMO_PASSWORD}\n"));
    assert_eq!(env.digest(), before, "the failed login left a trace");
    assert!(
        run.fails(1).contains("your session could not be saved"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.count("SELECT failed_logins FROM collaborators WHERE id = 1"),
        0
    );
}
