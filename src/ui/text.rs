//! Text made safe for a terminal.
//!
//! Stored text is never printed raw: control characters (which could clear the screen, set
//! the clipboard through OSC 52, or hide what follows) and bidirectional overrides are shown
//! as visible escapes such as `\u{1b}`.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::domain::is_forbidden_in_line;

/// `text` with every control character escaped, except new lines and tabs when `multiline`.
pub fn escape(text: &str, multiline: bool) -> Cow<'_, str> {
    let keep = |c: char| multiline && (c == '\n' || c == '\t');
    if !text.chars().any(|c| is_forbidden_in_line(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_forbidden_in_line(c) && !keep(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of `text`, escaped, for a table cell.
pub fn cell(text: &str) -> String {
    escape(text, false).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_made_visible() {
        assert_eq!(escape("a\u{1b}[2Jb", false), "a\\u{1b}[2Jb");
        assert_eq!(escape("x\u{202E}y", false), "x\\u{202e}y");
        assert_eq!(escape("\u{9b}31m", false), "\\u{9b}31m");
    }

    #[test]
    fn plain_text_is_untouched_and_not_copied() {
        assert!(matches!(escape("Zoë 🎉", false), Cow::Borrowed("Zoë 🎉")));
    }

    #[test]
    fn new_lines_survive_only_in_multiline_text() {
        assert_eq!(escape("a\nb", true), "a\nb");
        assert_eq!(escape("a\nb", false), "a\\u{a}b");
    }
}
