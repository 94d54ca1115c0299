//! The trust issue, end to end (PRODUCT.md §9 "Identity", §5, §7): ids and sessions never
//! come back as someone else, every write reloads its actor, there is always a manager, demo
//! data never opens a database in use, only a safe `./.env` is read, clocks cannot stretch a
//! session or a lock-out, history keeps commands only, faults are sentences, and backups are
//! consistent while others write.
//!
//! Each test drives the real binary: piped transcripts, one-shot commands, and a
//! pseudo-terminal where only a terminal gives a point to act at (a form waiting for its
//! answer). Outcomes are asserted: exit codes, the one line on standard error, rows in the
//! database. Nothing waits for time to pass.

mod actor;
mod backup;
mod clocks;
mod common;
mod demo;
mod dotenv;
mod faults;
mod history;
mod identity;
mod management;

pub use common::*;
