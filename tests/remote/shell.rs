//! The shell's tests that hold in team mode: forms and menus (Ctrl-C during `demo --scale`,
//! and first starts on an empty database, belong to the database's machine).

#[allow(dead_code)]
#[path = "../cli/shell/common.rs"]
mod common;
#[path = "../cli/shell/forms.rs"]
mod forms;
#[path = "../cli/shell/menus.rs"]
mod menus;

#[allow(unused_imports)]
pub use common::*;
