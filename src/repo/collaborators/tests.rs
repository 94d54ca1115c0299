//! Collaborators' repository functions against a real database.

use super::*;
use crate::domain::{Email, EmployeeNumber, Name, Phone};

#[test]
fn an_update_stores_every_field_of_the_table() {
    let (_dir, db) = crate::repo::testing::scratch();
    let conn = db.sqlite().unwrap();
    conn.execute_batch(
        "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
         VALUES ('E1', 'Ann', 'ann@epic.com', '06', 1, '$2b$x', 't', 't'),
                ('E2', 'Bob', 'bob@epic.com', '06', 1, '$2b$x', 't', 't');",
    )
    .unwrap();
    let patch: CollaboratorPatch = crate::repo::testing::patch_of(&[
        "support",
        "EMP-9",
        "Bob Changed",
        "bob.changed@epic.com",
        "+33 6 99 99 99",
    ]);
    update(&db, 2, &patch, "now").unwrap();
    crate::repo::testing::assert_stored(&patch, &get(&db, 2).unwrap());
}

#[test]
fn a_taken_email_stays_a_field_error_and_other_failures_name_the_operation() {
    let (_dir, db) = crate::repo::testing::scratch();
    let conn = db.sqlite().unwrap();
    let new = |email: &str, number: &str| NewCollaborator {
        employee_number: EmployeeNumber::parse(number).unwrap(),
        full_name: Name::parse("full name", "Ann Smith").unwrap(),
        email: Email::parse(email).unwrap(),
        phone: Phone::parse("0612345678").unwrap(),
        department: Department::Sales,
    };
    insert(&db, &new("ann@epic.com", "EMP-0001"), "$2b$x", "t").unwrap();
    let taken = insert(&db, &new("ann@epic.com", "EMP-0002"), "$2b$x", "t").unwrap_err();
    assert!(
        matches!(&taken, Error::Invalid { field, .. } if field == "email"),
        "{taken:?}"
    );
    conn.execute_batch(
        "CREATE TRIGGER refuse_collaborators BEFORE INSERT ON collaborators
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    )
    .unwrap();
    let failed = insert(&db, &new("bob@epic.com", "EMP-0003"), "$2b$x", "t").unwrap_err();
    let diagnostic = failed.diagnostic().expect("an internal error").to_string();
    assert!(
        diagnostic.starts_with("inserting a collaborator: ")
            && diagnostic.contains("injected failure"),
        "{diagnostic}"
    );
}
