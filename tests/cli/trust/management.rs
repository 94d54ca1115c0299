//! There is always a management collaborator (PRODUCT.md §9 "Identity"): the last one can
//! neither leave management nor be deleted, two managers removing each other at the same
//! moment leave one, and the schema refuses it on any other path.

use std::process::{Child, Stdio};
use std::sync::OnceLock;

use super::{NOT_LOGGED_IN, SESSION_ENDED, hire};
use crate::helpers::{ALICE, Run, Snapshot, TestEnv};

const ROUNDS: usize = 10;

#[test]
fn the_last_manager_cannot_leave_management() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let before = env.digest();
    let run = env.run(&["users", "update", "1", "--department", "sales"], "");
    assert!(
        run.fails(1).contains("last management collaborator"),
        "{}",
        run.stderr
    );
    assert_eq!(env.digest(), before);
}

#[test]
fn the_schema_refuses_to_remove_the_last_manager() {
    let env = TestEnv::demo();
    for sql in [
        "DELETE FROM collaborators WHERE department_id = 1",
        "UPDATE collaborators SET department_id = 2 WHERE department_id = 1",
    ] {
        let refused = env.try_execute(sql);
        assert!(refused.is_err(), "accepted: {sql}");
    }
    assert_eq!(
        env.count("SELECT COUNT(*) FROM collaborators WHERE department_id = 1"),
        1
    );
}

/// The demo with a second manager, Mo, and both logged in ("alice", "mo"): built once, since
/// it costs bcrypt hashes, and copied per round.
fn two_managers() -> &'static (Snapshot, i64) {
    static TEMPLATE: OnceLock<(Snapshot, i64)> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let env = TestEnv::demo();
        env.login_as("alice", ALICE);
        let mo = hire(&env, "alice", "Mo Manager", "mo@epic.com", "management");
        env.login_as("mo", "mo@epic.com");
        (Snapshot::of(&env), mo)
    })
}

fn start(env: &TestEnv, who: &str, args: &[String]) -> Child {
    let mut command = env.command(who);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().expect("the binary starts")
}

fn finish(child: Child) -> Run {
    Run::from(child.wait_with_output().expect("the binary finishes"))
}

/// Alice and Mo each run `action` on the other at the same moment, `ROUNDS` times on fresh
/// copies: every round, exactly one of them succeeds, the other is refused with a sentence,
/// and a manager remains. Which sentence depends on when the loser's process read its
/// session: before the winner's write ("your session has ended", from inside its own write
/// transaction) or after it ("not logged in").
fn race(action: impl Fn(&str) -> Vec<String>) {
    let (template, mo) = two_managers();
    let mut defects = Vec::new();
    for round in 1..=ROUNDS {
        let env = template.copy();
        let alice = start(&env, "alice", &action(&mo.to_string()));
        let mo_run = start(&env, "mo", &action("1"));
        let (alice, mo_run) = (finish(alice), finish(mo_run));
        let managers = env.count("SELECT COUNT(*) FROM collaborators WHERE department_id = 1");
        let succeeded = [&alice, &mo_run].iter().filter(|r| r.code == 0).count();
        let loser = if alice.code == 0 { &mo_run } else { &alice };
        let refused = loser.code == 1
            && loser.stderr.lines().count() == 1
            && [
                SESSION_ENDED,
                NOT_LOGGED_IN,
                "not found",
                "last management collaborator",
            ]
            .iter()
            .any(|m| loser.stderr.contains(m));
        if managers != 1 || succeeded != 1 || !refused {
            defects.push(format!(
                "round {round}: {managers} managers left; alice {alice:?}; mo {mo_run:?}"
            ));
        }
    }
    assert!(defects.is_empty(), "{}", defects.join("\n"));
}

#[test]
fn two_managers_deleting_each_other_at_once_leave_one() {
    race(|other| {
        ["users", "delete", other, "--yes"]
            .map(String::from)
            .to_vec()
    });
}

#[test]
fn two_managers_demoting_each_other_at_once_leave_one() {
    race(|other| {
        ["users", "update", other, "--department", "sales"]
            .map(String::from)
            .to_vec()
    });
}
