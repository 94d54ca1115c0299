//! epicevents: a CRM shell for Epic Events.
//!
//! Data flows one way: `shell` (grammar, REPL, printing) → `service` (rules, permission
//! checks, transactions) → `repo` (hand-written SQL) → SQLite. `domain` holds the types that
//! parse user input at the edge; `ui` the forms, tables and messages.

pub mod backend;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
#[cfg(test)]
mod fuzz;
pub mod interrupt;
pub mod pg;
pub mod private_files;
pub mod repo;
pub mod secret;
pub mod server;
pub mod service;
pub mod shell;
pub mod telemetry;
pub mod ui;
