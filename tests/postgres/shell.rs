//! The shell's tests on PostgreSQL: forms, menus, the prompt, Ctrl-C (a cancel request to
//! the server) and the messages. First starts on an empty database are SQLite's file.

#[allow(dead_code)]
#[path = "../cli/shell/common.rs"]
mod common;
#[path = "../cli/shell/forms.rs"]
mod forms;
#[path = "../cli/shell/interrupt.rs"]
mod interrupt;
#[path = "../cli/shell/menus.rs"]
mod menus;
#[path = "../cli/shell/messages.rs"]
mod messages;
#[path = "../cli/shell/prompt.rs"]
mod prompt;

#[allow(unused_imports)]
pub use common::*;
