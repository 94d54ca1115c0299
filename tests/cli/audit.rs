//! The audit trail: one row per write, in the write's transaction; the audit menu.

use serde_json::Value;

use crate::helpers::{ALICE, BILL, KATE, TestEnv, json};

/// The audit rows written since row `after`, as (action, entity, entity_id, changes).
fn rows_after(env: &TestEnv, after: i64) -> Vec<(String, String, Option<i64>, Value)> {
    env.rows(&format!(
        "SELECT action, entity, entity_id, changes FROM audit_log WHERE id > {after} ORDER BY id"
    ))
    .into_iter()
    .map(|row| {
        let text = |i: usize| row[i].clone().unwrap_or_default();
        (
            text(0),
            text(1),
            row[2].as_deref().map(|id| id.parse().unwrap()),
            serde_json::from_str(&text(3)).unwrap(),
        )
    })
    .collect()
}

fn last_id(env: &TestEnv) -> i64 {
    env.count("SELECT COALESCE(MAX(id), 0) FROM audit_log")
}

/// Runs `args` as the logged-in user and returns the audit rows it wrote.
fn audited(env: &TestEnv, args: &[&str], stdin: &str) -> Vec<(String, String, Option<i64>, Value)> {
    let before = last_id(env);
    env.run(args, stdin).ok();
    rows_after(env, before)
}

fn fields(changes: &Value) -> Vec<&str> {
    changes
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn collaborator_writes_leave_one_row_each_without_any_password() {
    let env = TestEnv::demo();
    env.login(ALICE);
    let created = audited(
        &env,
        &[
            "users",
            "create",
            "--employee-number",
            "E9",
            "--full-name",
            "Nina",
            "--email",
            "nina@epic.com",
            "--phone",
            "0612345678",
            "--department",
            "sales",
        ],
        "nina's password!\n",
    );
    assert_eq!(created.len(), 1);
    let (action, entity, id, changes) = &created[0];
    assert_eq!(
        (action.as_str(), entity.as_str(), *id),
        ("create", "collaborator", Some(6))
    );
    assert_eq!(
        fields(changes),
        [
            "department",
            "email",
            "employee_number",
            "full_name",
            "phone"
        ]
    );
    assert_eq!(changes["email"], serde_json::json!([null, "nina@epic.com"]));
    let updated = audited(
        &env,
        &["users", "update", "6", "--department", "support"],
        "",
    );
    assert_eq!(updated.len(), 1);
    assert_eq!(
        updated[0].3["department"],
        serde_json::json!(["sales", "support"])
    );
    let deleted = audited(&env, &["users", "delete", "6"], "");
    assert_eq!(
        (deleted[0].0.as_str(), deleted[0].3["full_name"].clone()),
        ("delete", serde_json::json!(["Nina", null]))
    );
    let leaks = env.count("SELECT COUNT(*) FROM audit_log WHERE changes LIKE '%password%' OR changes LIKE '%$2b$%' OR changes LIKE '%nina''s%'");
    assert_eq!(leaks, 0);
}

#[test]
fn client_writes_leave_one_row_each() {
    let env = TestEnv::demo();
    env.login(BILL);
    let created = audited(
        &env,
        &[
            "clients",
            "create",
            "--full-name",
            "Zoé Roy",
            "--email",
            "zoe@roy.fr",
            "--phone",
            "0612345678",
            "--company-name",
            "Roy SA",
        ],
        "",
    );
    assert_eq!(
        (created[0].0.as_str(), created[0].1.as_str(), created[0].2),
        ("create", "client", Some(6))
    );
    assert_eq!(
        created[0].3["sales_contact_id"],
        serde_json::json!([null, 2])
    );
    let updated = audited(
        &env,
        &["clients", "update", "6", "--phone", "0699999999"],
        "",
    );
    assert_eq!(
        updated[0].3,
        serde_json::json!({"phone": ["0612345678", "0699999999"]})
    );
    env.login(ALICE);
    let reassigned = audited(&env, &["clients", "reassign", "6", "3"], "");
    assert_eq!(
        (reassigned[0].0.as_str(), reassigned[0].3.clone()),
        ("reassign", serde_json::json!({"sales_contact_id": [2, 3]}))
    );
    let deleted = audited(&env, &["clients", "delete", "6"], "");
    assert_eq!((deleted[0].0.as_str(), deleted[0].2), ("delete", Some(6)));
}

#[test]
fn contract_writes_and_payments_leave_one_row_each() {
    let env = TestEnv::demo();
    env.login(BILL);
    let created = audited(
        &env,
        &["contracts", "create", "--client", "1", "--total", "900"],
        "",
    );
    assert_eq!(
        created[0].3,
        serde_json::json!({"client_id": [null, 1], "signed": [null, false], "total_amount": [null, "900.00"]})
    );
    let signed = audited(&env, &["contracts", "sign", "6"], "");
    assert_eq!(
        (signed[0].0.as_str(), fields(&signed[0].3)),
        ("sign", vec!["signed_at"])
    );
    let paid = audited(&env, &["contracts", "pay", "6", "100"], "");
    assert_eq!(paid.len(), 1, "the payment and what remains, in one row");
    assert_eq!(paid[0].0, "pay");
    assert_eq!(paid[0].3["amount"], serde_json::json!([null, "100.00"]));
    assert_eq!(
        paid[0].3["remaining_amount"],
        serde_json::json!(["900.00", "800.00"])
    );
    env.login(ALICE);
    let updated = audited(&env, &["contracts", "update", "6", "--total", "1000"], "");
    assert_eq!(
        updated[0].3["total_amount"],
        serde_json::json!(["900.00", "1000.00"])
    );
    let deleted = audited(&env, &["contracts", "delete", "5", "--yes"], "");
    assert_eq!((deleted[0].0.as_str(), deleted[0].2), ("delete", Some(5)));
}

#[test]
fn event_writes_and_assignments_leave_one_row_each() {
    let env = TestEnv::demo();
    env.login(BILL);
    let created = audited(
        &env,
        &[
            "events",
            "create",
            "--contract",
            "1",
            "--name",
            "Kick-off",
            "--start",
            "2027-01-10 09:00",
            "--end",
            "2027-01-10 12:00",
            "--location",
            "Paris",
            "--attendees",
            "12",
        ],
        "",
    );
    assert_eq!(
        (created[0].0.as_str(), created[0].1.as_str(), created[0].2),
        ("create", "event", Some(4))
    );
    let updated = audited(&env, &["events", "update", "4", "--attendees", "14"], "");
    assert_eq!(updated[0].3, serde_json::json!({"attendees": [12, 14]}));
    env.login(ALICE);
    let assigned = audited(&env, &["events", "assign", "4", "4"], "");
    assert_eq!(
        (assigned[0].0.as_str(), assigned[0].3.clone()),
        (
            "assign",
            serde_json::json!({"support_contact_id": [null, 4]})
        )
    );
    let unassigned = audited(&env, &["events", "unassign", "4"], "");
    assert_eq!(
        unassigned[0].3,
        serde_json::json!({"support_contact_id": [4, null]})
    );
    let deleted = audited(&env, &["events", "delete", "4", "--yes"], "");
    assert_eq!((deleted[0].0.as_str(), deleted[0].2), ("delete", Some(4)));
}

#[test]
fn logins_failures_lockouts_unlocks_logouts_and_password_changes_are_recorded() {
    let env = TestEnv::demo();
    env.login_as("alice", ALICE);
    let before = last_id(&env);
    env.login(KATE);
    env.run(&["password"], "epicevents-demo\na new password here\n")
        .ok();
    for _ in 0..5 {
        env.run(&["login", "kate.hastroff@epic.com"], "wrong password!\n")
            .fails(1);
    }
    env.run(&["login", "nobody.here@epic.com"], "wrong password!\n")
        .fails(1);
    env.run_as("alice", &["users", "unlock", "4"], "").ok();
    env.run(&["logout"], "").ok();
    let rows = rows_after(&env, before);
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "login",
            "password_change",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "lockout",
            "login_failed",
            "unlock",
            "logout"
        ]
    );
    // Attempts name the account tried (or, for an unknown email, only the email), never an
    // actor: whoever typed them is not known.
    let attempts: Vec<(Option<i64>, Option<i64>, String)> = env
        .rows(&format!(
            "SELECT actor_id, entity_id, changes FROM audit_log WHERE id > {before} AND action IN ('login_failed', 'lockout') ORDER BY id"
        ))
        .into_iter()
        .map(|row| {
            let id = |i: usize| row[i].as_deref().map(|id| id.parse().unwrap());
            (id(0), id(1), row[2].clone().unwrap_or_default())
        })
        .collect();
    assert!(attempts.iter().all(|(actor, _, _)| actor.is_none()));
    assert_eq!(attempts[0].1, Some(4));
    assert!(attempts[0].2.contains("kate.hastroff@epic.com"));
    let unknown = attempts.last().unwrap();
    assert_eq!(unknown.1, None);
    assert!(unknown.2.contains("nobody.here@epic.com"));
    assert_eq!(
        env.count("SELECT actor_id FROM audit_log WHERE action = 'unlock'"),
        1
    );
}

#[test]
fn failed_and_refused_commands_leave_no_row() {
    let env = TestEnv::demo();
    env.login(BILL);
    let before = last_id(&env);
    env.run(&["clients", "update", "3", "--phone", "0600000000"], "")
        .fails(1);
    env.run(&["contracts", "pay", "2", "999999"], "").fails(1);
    env.run(&["contracts", "sign", "1"], "").fails(1);
    env.run(&["users", "delete", "3"], "").fails(1);
    env.run(
        &[
            "events",
            "create",
            "--contract",
            "5",
            "--name",
            "X",
            "--start",
            "2027-01-01 10:00",
            "--end",
            "2027-01-01 11:00",
            "--location",
            "P",
            "--attendees",
            "1",
        ],
        "",
    )
    .fails(1);
    assert_eq!(last_id(&env), before);
}

#[test]
fn the_audit_menu_is_for_management_and_filters_by_record_actor_and_date() {
    let env = TestEnv::demo();
    env.login(BILL);
    env.run(&["contracts", "sign", "5"], "").ok();
    assert_eq!(
        env.run(&["audit", "list"], "").fails(1),
        "error: permission denied: only management can read the audit trail"
    );
    env.login(ALICE);
    let of_contract = json(
        env.run(
            &[
                "audit", "list", "--entity", "contract", "--id", "5", "--format", "json",
            ],
            "",
        )
        .ok(),
    );
    let actions: Vec<&str> = of_contract
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["sign", "demo"], "newest first");
    assert_eq!(of_contract[0]["actor_id"], 2);
    assert_eq!(of_contract[0]["actor"], "Bill Boquet");
    let by_bill = json(
        env.run(&["audit", "list", "--actor", "2", "--format", "json"], "")
            .ok(),
    );
    assert!(
        by_bill
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == 2)
    );
    let future = json(
        env.run(
            &["audit", "list", "--since", "2999-01-01", "--format", "json"],
            "",
        )
        .ok(),
    );
    assert_eq!(future, serde_json::json!([]));
    let csv = env
        .run(
            &["audit", "list", "--entity", "contract", "--format", "csv"],
            "",
        )
        .ok()
        .to_owned();
    assert_eq!(
        csv.lines().next(),
        Some("id,at,actor_id,actor,action,entity,entity_id,changes")
    );
    assert!(
        env.run(&["audit", "list", "--entity", "payment"], "")
            .fails(1)
            .starts_with("error: invalid entity")
    );
}

#[test]
fn management_sees_a_records_history_in_its_show_view() {
    let env = TestEnv::demo();
    env.login(ALICE);
    env.run(&["contracts", "update", "4", "--total", "6000"], "")
        .ok();
    let shown = env.run(&["contracts", "show", "4"], "").ok().to_owned();
    assert!(
        shown.contains("History:") && shown.contains("total_amount: 5000.00 → 6000.00"),
        "{shown}"
    );
    env.login(BILL);
    let shown = env.run(&["contracts", "show", "4"], "").ok().to_owned();
    assert!(!shown.contains("History:"), "sales does not read the trail");
}
