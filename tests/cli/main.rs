//! End-to-end tests of the real `epicevents` binary.
//!
//! Each test gets a fresh temporary data directory and database ([`helpers::TestEnv`]),
//! drives the binary through piped standard input or arguments (and, for what only a
//! terminal shows, through a pseudo-terminal), and asserts outcomes: output lines, exit
//! codes and rows in the database.

mod audit;
mod canary;
mod copy;
mod filters;
mod forged;
mod grammar;
mod helpers;
mod hostile;
mod limits;
mod matrix;
mod progress;
mod pty;
mod robustness;
mod sentry;
mod session;
mod shell;
mod sorting;
mod startup;
mod terminal;
mod trust;
mod users;
mod venue;
mod workflow;

/// This binary drives the embedded database (tests/remote runs the same tests through a server).
pub const REMOTE: bool = false;

/// The store is SQLite (tests/postgres runs the same tests on PostgreSQL).
pub const POSTGRES: bool = false;
