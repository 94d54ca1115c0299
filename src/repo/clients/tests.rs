//! Clients' repository functions against a real database.

use super::*;
use crate::repo::List as _;

#[test]
fn an_update_stores_every_field_of_the_table() {
    let (_dir, db) = crate::repo::testing::scratch();
    let conn = db.sqlite().unwrap();
    conn.execute_batch(
        "INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
         VALUES ('Kevin Casey', 'kevin@startup.io', '0612345678', 'Cool Startup LLC', 't', 't');",
    )
    .unwrap();
    let patch: ClientPatch = crate::repo::testing::patch_of(&[
        "Kevin Changed",
        "kevin@changed.io",
        "+33 6 99 99 99",
        "Changed LLC",
    ]);
    update(&db, 1, &patch, "now").unwrap();
    crate::repo::testing::assert_stored(&patch, &get(&db, 1).unwrap());
}

#[test]
fn a_suspended_search_index_comes_back_exactly_as_migrated() {
    let (_dir, mut db) = crate::repo::testing::scratch();
    let crate::db::Db::Sqlite(conn) = &mut db else {
        unreachable!()
    };
    let trigger = |conn: &Connection| -> String {
        conn.query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'clients_search_insert'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let migrated = trigger(conn);
    let tx = conn.transaction().unwrap();
    suspend_search_index(&tx).unwrap();
    tx.execute(
        "INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
         VALUES ('Kevin Casey', 'kevin@startup.io', '0612345678', 'Cool Startup LLC', 't', 't')",
        [],
    )
    .unwrap();
    rebuild_search_index(&tx).unwrap();
    tx.commit().unwrap();
    assert_eq!(trigger(conn), migrated);
    let found = Filter {
        search: Some("startup".into()),
        ..Default::default()
    }
    .count(&db)
    .unwrap();
    assert_eq!(
        found,
        Total::Exact(1),
        "the client loaded while suspended is found"
    );
}
