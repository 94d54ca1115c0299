//! The trust tests that hold in team mode: two collaborators at once (a demotion, a deletion
//! or a logout while a form waits), identities never coming back, never zero managers,
//! history, and the clock ending sessions and lock-outs (a debug build's test clock travels
//! with each request). Backups, demo data, `.env` and database faults are the database
//! machine's.

#[path = "../cli/trust/actor.rs"]
mod actor;
#[path = "../cli/trust/clocks.rs"]
mod clocks;
#[allow(dead_code)]
#[path = "../cli/trust/common.rs"]
mod common;
#[path = "../cli/trust/history.rs"]
mod history;
#[path = "../cli/trust/identity.rs"]
mod identity;
#[path = "../cli/trust/management.rs"]
mod management;

#[allow(unused_imports)]
pub use common::*;
