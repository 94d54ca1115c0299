//! The `venue` field of events, added through the events' field table (issue 12's
//! demonstration): its flag, its place in the form's order, its JSON and CSV key, the `show`
//! view and the audit trail all come from that one description.

use crate::helpers::{ALICE, BILL, TestEnv, json};

const CREATE: &[&str] = &[
    "events",
    "create",
    "--contract",
    "2",
    "--name",
    "Gala",
    "--start",
    "2027-09-01 18:00",
    "--end",
    "2027-09-01 23:00",
    "--location",
    "Paris",
    "--attendees",
    "10",
];

fn bill() -> TestEnv {
    let env = TestEnv::demo();
    env.login_as("bill", BILL);
    env.login_as("alice", ALICE);
    env
}

fn event(env: &TestEnv, id: &str) -> serde_json::Value {
    json(
        env.run_as("bill", &["events", "show", id, "--format", "json"], "")
            .ok(),
    )
}

#[test]
fn a_venue_is_optional_given_by_flag_shown_exported_and_audited() {
    let env = bill();
    // Optional: a script that leaves it out creates the event with none.
    let created = env.run_as("bill", CREATE, "");
    assert!(created.ok().contains("Created event 4"), "{created:?}");
    assert_eq!(event(&env, "4")["venue"], "");

    let mut with_venue = CREATE.to_vec();
    with_venue.extend(["--venue", "  Le Grand Palais "]);
    env.run_as("bill", &with_venue, "").ok();
    assert_eq!(event(&env, "5")["venue"], "Le Grand Palais");

    env.run_as(
        "bill",
        &["events", "update", "4", "--venue", "Château de Blois"],
        "",
    )
    .ok();
    let show = env
        .run_as("bill", &["events", "show", "4"], "")
        .ok()
        .to_owned();
    assert!(
        show.lines()
            .any(|l| l.contains("venue") && l.contains("Château de Blois")),
        "{show}"
    );
    let csv = env
        .run_as("bill", &["events", "list", "--format", "csv"], "")
        .ok()
        .to_owned();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = header
        .iter()
        .position(|k| *k == "venue")
        .expect("a venue column");
    assert_eq!(header[at - 1], "end");
    assert!(csv.contains(",Château de Blois,"), "{csv}");

    // The audit trail has the venue of the creation and of the update.
    let trail = json(
        env.run_as(
            "alice",
            &[
                "audit", "list", "--entity", "event", "--id", "4", "--format", "json",
            ],
            "",
        )
        .ok(),
    );
    let update = &trail[0];
    assert_eq!(update["action"], "update");
    assert_eq!(
        update["changes"]["venue"],
        serde_json::json!(["", "Château de Blois"])
    );
    assert_eq!(trail[1]["action"], "create");
    assert_eq!(trail[1]["changes"]["venue"], serde_json::json!([null, ""]));

    // Cleared with an empty value; an identical one changes nothing.
    env.run_as("bill", &["events", "update", "5", "--venue", ""], "")
        .ok();
    assert_eq!(event(&env, "5")["venue"], "");
    let same = env.run_as("bill", &["events", "update", "5", "--venue", ""], "");
    assert!(same.ok().starts_with("Nothing changed"), "{same:?}");
}

#[test]
fn a_bad_venue_names_the_field_and_changes_nothing() {
    let env = bill();
    let before = env.digest();
    let long = "v".repeat(201);
    let run = env.run_as("bill", &["events", "update", "1", "--venue", &long], "");
    assert!(
        run.fails(1)
            .contains("venue: must be at most 200 characters"),
        "{run:?}"
    );
    let run = env.run_as("bill", &["events", "update", "1", "--venue", "a\u{7}b"], "");
    assert!(run.fails(1).contains("venue"), "{run:?}");
    assert_eq!(env.digest(), before);
}
