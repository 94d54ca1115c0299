//! The end-to-end tests of team mode: the same files as tests/cli, compiled again with
//! [`REMOTE`] true, so every command goes through an `epicevents serve` on the test's
//! database and the shell holds only its token (tests/cli/helpers.rs). The expectations are
//! the very same: identical output, messages and exit codes. Beside them, what only a server
//! has: routes without tokens, limits, TLS, a killed server, many clients at once.

#[path = "../cli/audit.rs"]
mod audit;
#[path = "../cli/filters.rs"]
mod filters;
#[path = "../cli/forged.rs"]
mod forged;
// Some helpers serve only the embedded mode's tests.
#[allow(dead_code)]
#[path = "../cli/helpers.rs"]
mod helpers;
#[path = "../cli/hostile.rs"]
mod hostile;
#[path = "../cli/matrix/mod.rs"]
mod matrix;
#[allow(dead_code)]
#[path = "../cli/pty.rs"]
mod pty;
mod server;
#[path = "../cli/session.rs"]
mod session;
mod shell;
#[path = "../cli/sorting.rs"]
mod sorting;
mod trust;
#[path = "../cli/users.rs"]
mod users;
#[path = "../cli/venue.rs"]
mod venue;
#[path = "../cli/workflow.rs"]
mod workflow;

/// Every command of this binary goes through a server.
pub const REMOTE: bool = true;

/// The store is SQLite (tests/postgres runs the same tests on PostgreSQL).
pub const POSTGRES: bool = false;
