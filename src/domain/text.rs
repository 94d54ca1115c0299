//! Free text: single-line names (people, companies, events, places), multi-line notes, and
//! the text a list is searched for.

use super::{is_bidi_control, is_forbidden_in_line};
use crate::error::{Error, Result};

/// A single line of human text (a person's, company's or event's name, a location):
/// trimmed, not empty, at most 200 characters, no control characters. Anything else (accents,
/// combining marks, emoji, quotes) is kept byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 200;

    /// Parses `input` as the field `field` (named in the error).
    pub fn parse(field: &'static str, input: &str) -> Result<Self> {
        let value = input.trim();
        if value.is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(Error::invalid(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if value.chars().any(is_forbidden_in_line) {
            return Err(Error::invalid(field, "must not contain control characters"));
        }
        Ok(Name(value.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Free notes: several lines allowed (newlines and tabs), at most 5,000 characters, no other
/// control characters. May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes(String);

impl Notes {
    pub const MAX_CHARS: usize = 5_000;

    pub fn parse(input: &str) -> Result<Self> {
        if input.chars().count() > Self::MAX_CHARS {
            return Err(Error::invalid(
                "notes",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        let forbidden = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
        if input.chars().any(forbidden) {
            return Err(Error::invalid(
                "notes",
                "must not contain control characters other than new lines and tabs",
            ));
        }
        Ok(Notes(input.trim().to_owned()))
    }
}

impl AsRef<str> for Notes {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The name of the place an event is held in ("Château de Candé"): one line, optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Venue(String);

impl Venue {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self> {
        let input = input.trim();
        if input.chars().count() > Self::MAX_CHARS {
            return Err(Error::invalid(
                "venue",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if input.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(Error::invalid(
                "venue",
                "must be one line without control characters",
            ));
        }
        Ok(Venue(input.to_owned()))
    }
}

impl AsRef<str> for Venue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The text `clients list --search` looks for, matched literally. It may hold anything a
/// stored value could (control characters included: an older database may hold some), but
/// not a NUL, which ends text for SQLite's full-text index, and at most 1,000 characters:
/// more than any field it looks in, and a search's cost grows with its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub const MAX_CHARS: usize = 1_000;

    pub fn parse(input: &str) -> Result<Self> {
        if input.chars().nth(Self::MAX_CHARS).is_some() {
            return Err(Error::invalid(
                "--search",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if input.contains('\0') {
            return Err(Error::invalid(
                "--search",
                "must not contain a NUL character",
            ));
        }
        Ok(SearchText(input.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_unicode_byte_for_byte() {
        for good in [
            "Kevin Casey",
            "Zoë O'Brien",
            "Cafe\u{301} Déjà",
            "🎉 Party",
            "Robert'); DROP TABLE clients;--",
        ] {
            assert_eq!(Name::parse("full name", good).unwrap().as_ref(), good);
        }
    }

    #[test]
    fn whitespace_only_names_are_rejected() {
        let err = Name::parse("full name", "   ").unwrap_err();
        assert_eq!(err.to_string(), "invalid full name: must not be empty");
    }

    #[test]
    fn overlong_names_are_rejected() {
        assert!(Name::parse("company name", &"x".repeat(200)).is_ok());
        let err = Name::parse("company name", &"x".repeat(201)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid company name: must be at most 200 characters"
        );
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_rejected() {
        for bad in ["a\u{1b}[2Jb", "line\nbreak", "evil\u{202E}txt", "nul\0"] {
            let err = Name::parse("full name", bad).unwrap_err();
            assert!(err.to_string().contains("control characters"), "{bad:?}");
        }
    }

    #[test]
    fn notes_allow_lines_and_tabs_but_not_escapes() {
        assert_eq!(
            Notes::parse("line 1\n\tline 2").unwrap().as_ref(),
            "line 1\n\tline 2"
        );
        assert!(Notes::parse("").is_ok());
        assert!(Notes::parse("\u{1b}]52;c;aGk=\u{7}").is_err());
        assert!(Notes::parse(&"n".repeat(5_001)).is_err());
        assert_eq!(
            Venue::parse("  Château de Candé ").unwrap().as_ref(),
            "Château de Candé"
        );
        assert!(Venue::parse("").is_ok());
        assert!(Venue::parse("two\nlines").is_err());
        assert!(Venue::parse(&"v".repeat(201)).is_err());
    }

    #[test]
    fn searches_refuse_nul_and_overlong_text_only() {
        for good in ["kev", "%_\\", "\u{1b}[2J", "", &"é".repeat(1_000)] {
            assert_eq!(SearchText::parse(good).unwrap().into_inner(), good);
        }
        let err = SearchText::parse("a\0b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid --search: must not contain a NUL character"
        );
        let err = SearchText::parse(&"x".repeat(1_001)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid --search: must be at most 1000 characters"
        );
    }
}
