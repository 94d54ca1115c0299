//! The end-to-end suite on the PostgreSQL store: the same files as tests/cli, compiled again
//! with [`POSTGRES`] true, so every test gets a database of its own on the server
//! `EPICEVENTS_TEST_POSTGRES` names (dropped after) and every command runs on it. The
//! expectations are the very same: identical output, messages and exit codes. What reads or
//! damages the SQLite file itself, and the first starts that create one, stay in tests/cli.
//!
//! The variable is read when the tests are built (build.rs): without it, this binary holds
//! one test, which says the suite was skipped, and fails if `EPICEVENTS_REQUIRE_POSTGRES` is
//! set (`.ci/run` sets it, so a CI run that skipped the suite is red).

#[cfg(postgres_suite)]
#[path = "../cli/audit.rs"]
mod audit;
#[cfg(postgres_suite)]
#[path = "../cli/canary.rs"]
mod canary;
#[cfg(postgres_suite)]
#[path = "../cli/filters.rs"]
mod filters;
#[cfg(postgres_suite)]
#[path = "../cli/forged.rs"]
mod forged;
#[cfg(postgres_suite)]
#[path = "../cli/grammar.rs"]
mod grammar;
#[cfg(postgres_suite)]
#[allow(dead_code)]
#[path = "../cli/helpers.rs"]
mod helpers;
#[cfg(postgres_suite)]
#[path = "../cli/hostile.rs"]
mod hostile;
#[cfg(postgres_suite)]
#[path = "../cli/limits.rs"]
mod limits;
#[cfg(postgres_suite)]
#[path = "../cli/matrix/mod.rs"]
mod matrix;
#[cfg(postgres_suite)]
mod pg;
#[cfg(postgres_suite)]
#[path = "../cli/progress.rs"]
mod progress;
#[cfg(postgres_suite)]
#[allow(dead_code)]
#[path = "../cli/pty.rs"]
mod pty;
#[cfg(postgres_suite)]
#[path = "../cli/sentry.rs"]
mod sentry;
#[cfg(postgres_suite)]
#[path = "../cli/session.rs"]
mod session;
#[cfg(postgres_suite)]
mod shell;
#[cfg(postgres_suite)]
#[path = "../cli/sorting.rs"]
mod sorting;
#[cfg(postgres_suite)]
#[path = "../cli/terminal.rs"]
mod terminal;
#[cfg(postgres_suite)]
mod trust;
#[cfg(postgres_suite)]
#[path = "../cli/users.rs"]
mod users;
#[cfg(postgres_suite)]
#[path = "../cli/venue.rs"]
mod venue;
#[cfg(postgres_suite)]
#[path = "../cli/workflow.rs"]
mod workflow;

/// Every test runs on a PostgreSQL database of its own.
pub const POSTGRES: bool = true;

/// Commands run on the machine that holds the store (team mode is tests/remote's).
pub const REMOTE: bool = false;

#[cfg(not(postgres_suite))]
#[test]
fn postgres_suite_skipped_set_epicevents_test_postgres_to_run_it() {
    eprintln!(
        "the PostgreSQL suite was skipped: set EPICEVENTS_TEST_POSTGRES to a server where tests may create databases"
    );
    assert!(
        std::env::var_os("EPICEVENTS_REQUIRE_POSTGRES").is_none(),
        "EPICEVENTS_REQUIRE_POSTGRES is set, but the PostgreSQL suite was skipped (EPICEVENTS_TEST_POSTGRES was not set when the tests were built)"
    );
}
