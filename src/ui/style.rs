//! Colour, only on a terminal and never when `NO_COLOR` is set.

use std::io::IsTerminal;

/// Whether to colour what goes to standard error (errors) or standard output.
pub fn enabled(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn stderr_enabled() -> bool {
    enabled(std::io::stderr().is_terminal())
}

pub fn stdout_enabled() -> bool {
    enabled(std::io::stdout().is_terminal())
}

/// `text` in red when `on`.
pub fn red(text: &str, on: bool) -> String {
    paint(text, "31", on)
}

/// `text` in bold when `on`.
pub fn bold(text: &str, on: bool) -> String {
    paint(text, "1", on)
}

/// `text` dimmed when `on`.
pub fn dim(text: &str, on: bool) -> String {
    paint(text, "2", on)
}

fn paint(text: &str, code: &str, on: bool) -> String {
    if on {
        format!("\u{1b}[{code}m{text}\u{1b}[0m")
    } else {
        text.to_owned()
    }
}
