//! Record ids as typed by the user.

use crate::error::{Error, Result};

/// A record id: a positive whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(i64);

impl Id {
    /// Parses `input` as the id field `field` (e.g. "id", "client", "support id").
    pub fn parse(field: &'static str, input: &str) -> Result<Self> {
        match input.trim().parse::<i64>() {
            Ok(id) if id > 0 => Ok(Id(id)),
            _ => Err(Error::invalid(
                field,
                format!("expected a positive whole number, got {:?}", shorten(input)),
            )),
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Echoes at most 20 characters of a bad value back to the user.
pub(crate) fn shorten(input: &str) -> String {
    shorten_to(input, 20)
}

/// At most `max` characters of `input`, with `…` when cut.
pub(crate) fn shorten_to(input: &str, max: usize) -> String {
    let mut out: String = input.chars().take(max).collect();
    if input.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_numbers_are_ids() {
        assert_eq!(Id::parse("id", "42").unwrap().get(), 42);
        assert_eq!(Id::parse("id", " 7 ").unwrap().get(), 7);
    }

    #[test]
    fn zero_negative_words_and_overflow_are_rejected() {
        for bad in ["0", "-1", "abc", "1.5", "", "99999999999999999999"] {
            let err = Id::parse("id", bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid id: expected a positive whole number"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn long_bad_values_are_shortened_in_the_message() {
        let err = Id::parse("id", &"x".repeat(1000)).unwrap_err();
        assert!(err.to_string().len() < 100);
    }
}
