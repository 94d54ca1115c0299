//! The end-to-end tests of team mode: the same files as tests/cli, compiled again with
//! [`REMOTE`] true, so every command goes through an `epicevents serve` on the test's
//! database and the shell holds only its token (tests/cli/helpers.rs). The expectations are
//! the very same: identical output, messages and exit codes. Beside them, what only a server
//! has: routes without tokens, limits, TLS, a killed server, many clients at once.

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
mod server;
#[path = "../cli/workflow.rs"]
mod workflow;

/// Every command of this binary goes through a server.
pub const REMOTE: bool = true;
