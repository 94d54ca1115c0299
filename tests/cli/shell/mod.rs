//! The shell in a person's hands (PRODUCT.md §2, "Behaviour a user expects"): Ctrl-C cancels
//! the running command and never the shell, forms keep the answers given and re-ask only the
//! one refused, editing keys edit, the prompt names who is logged in and a login in another
//! window is said before anything runs, menus offer each department what it may do, and the
//! messages say what happened and what to do.
//!
//! What only a terminal shows runs in a pseudo-terminal, synchronised on what the terminal
//! shows (never on time); the messages are piped transcripts and one-shot commands. Every
//! test asserts outcomes: the screen, exit codes, the line on standard error, rows in the
//! database. History surviving a `kill -9` is `trust::history`.

mod common;
mod forms;
mod interrupt;
mod menus;
mod messages;
mod prompt;

pub use common::*;
