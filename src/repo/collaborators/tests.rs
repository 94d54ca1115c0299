//! Collaborators' repository functions against a real database.

use super::*;

#[test]
fn an_update_stores_every_field_of_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let conn = crate::db::open(&dir.path().join("t.db"), crate::db::Create::Yes).unwrap();
    conn.execute_batch(
        "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
         VALUES ('E1', 'Ann', 'ann@epic.com', '06', 1, '$2b$x', 't', 't'),
                ('E2', 'Bob', 'bob@epic.com', '06', 1, '$2b$x', 't', 't');",
    )
    .unwrap();
    let patch: CollaboratorPatch = super::super::patch_of(&[
        "support",
        "EMP-9",
        "Bob Changed",
        "bob.changed@epic.com",
        "+33 6 99 99 99",
    ]);
    update(&conn, 2, &patch, "now").unwrap();
    super::super::assert_stored(&patch, &get(&conn, 2).unwrap());
}
