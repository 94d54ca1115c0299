//! The user interface: forms, tables, machine-readable output and terminal-safe text.
//!
//! This is the only code that talks to the terminal besides the REPL's line editor; the
//! terminal's forms ([`terminal`]) live behind the [`Prompter`](prompter::Prompter) trait so
//! that scripts and tests can answer forms without a terminal.

pub mod lines;
pub mod output;
pub mod pager;
pub mod progress;
pub mod prompter;
pub mod style;
pub mod table;
pub mod terminal;
pub mod text;
pub mod time;
