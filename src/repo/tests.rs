use super::*;
use crate::error::Error;

#[test]
fn id_prefixes_become_ranges_in_numeric_order() {
    assert_eq!(
        prefix_ranges("12")[..3],
        [(12, 12), (120, 129), (1200, 1299)]
    );
    assert_eq!(
        prefix_ranges("9").last(),
        Some(&(900_000_000_000_000_000, 999_999_999_999_999_999))
    );
    assert!(
        prefix_ranges("0").is_empty()
            && prefix_ranges("x").is_empty()
            && prefix_ranges("-1").is_empty()
    );
}

/// A SQLite failure with the primary code `code` (and no message).
fn sqlite(code: std::ffi::c_int) -> rusqlite::Result<()> {
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(code),
        None,
    ))
}

#[test]
fn a_named_operation_hides_no_fault_and_no_interrupt() {
    let full = sqlite(rusqlite::ffi::SQLITE_FULL).doing("inserting a payment");
    assert!(
        matches!(full, Err(Error::Fault(crate::error::Fault::DiskFull))),
        "{full:?}"
    );
    let read_only = sqlite(rusqlite::ffi::SQLITE_READONLY).doing("updating a client");
    assert!(
        matches!(read_only, Err(Error::Fault(crate::error::Fault::ReadOnly))),
        "{read_only:?}"
    );
    let interrupted = sqlite(rusqlite::ffi::SQLITE_INTERRUPT).doing("listing events");
    assert!(
        matches!(interrupted, Err(Error::Cancelled)),
        "{interrupted:?}"
    );
}

#[test]
fn an_internal_error_names_its_operation_for_diagnostics_only() {
    let err = Err::<(), _>(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
        Some("UNIQUE constraint failed: payments.id".into()),
    ))
    .doing("inserting a payment")
    .unwrap_err();
    assert!(err.is_internal(), "{err:?}");
    let diagnostic = err.diagnostic().unwrap().to_string();
    assert!(
        diagnostic.starts_with("inserting a payment: UNIQUE constraint failed: payments.id"),
        "{diagnostic}"
    );
    assert!(!err.to_string().contains("payment"), "{err}");
}

#[test]
fn like_wildcards_match_themselves() {
    assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
}
