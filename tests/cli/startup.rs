//! Many processes starting together on a new database.

use std::process::Stdio;

use crate::helpers::TestEnv;

#[test]
fn eight_processes_on_a_new_database_all_start_and_migrate_once() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            // A script (like the interactive shell) creates the database it is pointed at.
            env.command(&format!("p{i}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary starts")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "a process failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let db = env.db();
    let versions: Vec<(i64, i64)> = db
        .prepare("SELECT version, COUNT(*) FROM refinery_schema_history GROUP BY version")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!versions.is_empty());
    assert!(
        versions.iter().all(|(_, applied)| *applied == 1),
        "{versions:?}"
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM departments"),
        3,
        "the seed rows were inserted once"
    );
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}
