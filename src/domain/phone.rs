//! A phone number as people write it: `+678 123 456 78`, `(555) 010-0199`.

use crate::error::{Error, Result};

/// A phone number: digits with the usual separators, 6 to 20 digits, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self> {
        let value = input.trim();
        let allowed =
            |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')');
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let plus_ok = value.rfind('+').is_none_or(|at| at == 0);
        if !value.chars().all(allowed)
            || !(6..=20).contains(&digits)
            || !plus_ok
            || value.len() > 32
        {
            return Err(Error::invalid(
                "phone",
                "expected 6 to 20 digits, optionally with a leading + and spaces, dots, dashes or parentheses",
            ));
        }
        Ok(Phone(value.to_owned()))
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_notations_are_accepted_as_written() {
        for good in [
            "+678 123 456 78",
            "(555) 010-0199",
            "06.12.34.56.78",
            "0612345678",
        ] {
            assert_eq!(Phone::parse(good).unwrap().as_ref(), good);
        }
    }

    #[test]
    fn letters_short_numbers_and_misplaced_plus_are_rejected() {
        for bad in [
            "",
            "call me",
            "12345",
            "1234567890123456789012",
            "12+345678",
            "06 12 34 56 78\u{1b}",
        ] {
            let err = Phone::parse(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid phone: expected 6 to 20 digits"),
                "{bad:?}"
            );
        }
    }
}
