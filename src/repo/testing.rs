//! What the repositories' tests share: a scratch database, and the checks every table's
//! UPDATE must pass.

use crate::domain::field::{Field as _, Fielded, Values};

/// A migrated SQLite database of its own, in a directory dropped with it.
pub(crate) fn scratch() -> (tempfile::TempDir, crate::db::Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::db::Db::open(&dir.path().join("t.db"), crate::db::Create::Yes).unwrap();
    (dir, db)
}

/// Every field `patch` gave reads back from `stored` as given (a field the
/// UPDATE forgot would be accepted and silently not stored).
pub(crate) fn assert_stored<V: Values, R: Fielded<Field = V::Field>>(patch: &V, stored: &R) {
    for field in V::Field::ALL {
        assert_eq!(
            Some(stored.value(*field)),
            patch.value(*field),
            "{field:?} was not stored"
        );
    }
}

/// `patch` with each field of its table set from `inputs`, in form order.
pub(crate) fn patch_of<V: Values>(inputs: &[&str]) -> V {
    assert_eq!(inputs.len(), V::Field::ALL.len(), "one input per field");
    let mut patch = V::default();
    for (field, input) in V::Field::ALL.iter().zip(inputs) {
        patch.set(*field, input).unwrap();
    }
    patch
}
