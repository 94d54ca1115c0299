//! Sentry events captured in-process (sentry's test transport) with the real options, so the
//! scrubber runs exactly as in production.

use sentry::protocol::Event;

use super::*;
use crate::domain::{
    CollaboratorPatch, Department, Email, EmployeeNumber, Name, NewCollaborator, Password, Phone,
};
use crate::service::{Context, contracts, demo, users};

fn config(dir: &tempfile::TempDir) -> Config {
    Config {
        secret: Some("a-secret-that-is-long-enough-to-be-used".to_owned()),
        sentry_environment: Some("staging".to_owned()),
        ..Config::in_dir(dir.path())
    }
}

fn captured(config: &Config, f: impl FnOnce()) -> Vec<Event<'static>> {
    sentry::test::with_captured_events_options(f, options(config))
}

/// Everything in an event, as JSON, to look for what must not be there.
fn payload(events: &[Event<'static>]) -> String {
    serde_json::to_string(events).unwrap()
}

fn tag<'e>(event: &'e Event<'static>, key: &str) -> Option<&'e str> {
    event.tags.get(key).map(String::as_str)
}

#[test]
fn internal_errors_are_reported_with_release_environment_and_a_stable_kind() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let events = captured(&config, || {
        let sql = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(19),
            Some("constraint failed for kevin@startup.io".into()),
        );
        report(&Error::from(sql));
        report(&Error::invalid("email", "user errors are not defects"));
    });
    assert_eq!(events.len(), 1, "only the internal error is reported");
    let event = &events[0];
    assert_eq!(tag(event, "kind"), Some("database"));
    assert_eq!(
        event.release.as_deref(),
        Some(concat!("epicevents@", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(event.environment.as_deref(), Some("staging"));
    let json = payload(&events);
    assert!(json.contains("constraint failed for [email]"), "{json}");
    assert!(!json.contains("kevin"));
}

#[test]
fn collaborator_changes_and_signatures_are_reported_by_id_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let mut ctx = Context::open(config.clone()).unwrap();
    demo::load(&mut ctx).unwrap();
    let alice = crate::service::auth::session_for(&ctx, 1).unwrap();
    let events = captured(&config, || {
        let new = NewCollaborator {
            employee_number: EmployeeNumber::parse("EMP-0042").unwrap(),
            full_name: Name::parse("full name", "Nina Martin").unwrap(),
            email: Email::parse("nina.martin@epic.com").unwrap(),
            phone: Phone::parse("+33 6 98 76 54 32").unwrap(),
            department: Department::Sales,
        };
        let password = Password::parse("nina's secret password".into()).unwrap();
        let nina = users::create(&mut ctx, &alice, &new, &password).unwrap();
        let patch = CollaboratorPatch {
            department: Some(Department::Support),
            ..Default::default()
        };
        users::update(&mut ctx, &alice, nina.id, &patch).unwrap();
        users::delete(&mut ctx, &alice, nina.id).unwrap();
        contracts::sign(&mut ctx, &alice, 4).unwrap();
    });
    let actions: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                tag(e, "action").unwrap(),
                tag(e, "actor_id").unwrap(),
                tag(e, "record_id").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("collaborator.created", "1", "6"),
            ("collaborator.updated", "1", "6"),
            ("collaborator.deleted", "1", "6"),
            ("contract.signed", "1", "4"),
        ]
    );
    let json = payload(&events);
    for leaked in [
        "Nina", "nina", "98 76", "EMP-0042", "Alice", "alice", "Gaëlle", "secret", "$2b$",
    ] {
        assert!(!json.contains(leaked), "{leaked} leaked: {json}");
    }
    assert!(
        events
            .iter()
            .all(|e| e.user.is_none() && e.server_name.is_none())
    );
}

#[test]
fn nothing_is_set_up_without_a_dsn() {
    let dir = tempfile::tempdir().unwrap();
    assert!(init(&config(&dir)).is_none());
}
