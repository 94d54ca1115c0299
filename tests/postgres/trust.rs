//! The trust tests on PostgreSQL: two collaborators at once, identities never coming back,
//! never zero managers, demo data never opening a database in use, `.env`, history and the
//! clocks. Backups (pg_dump's business) and damaged files are SQLite's.

#[path = "../cli/trust/actor.rs"]
mod actor;
#[path = "../cli/trust/clocks.rs"]
mod clocks;
#[allow(dead_code)]
#[path = "../cli/trust/common.rs"]
mod common;
#[path = "../cli/trust/demo.rs"]
mod demo;
#[path = "../cli/trust/dotenv.rs"]
mod dotenv;
#[path = "../cli/trust/history.rs"]
mod history;
#[path = "../cli/trust/identity.rs"]
mod identity;
#[path = "../cli/trust/management.rs"]
mod management;

#[allow(unused_imports)]
pub use common::*;
