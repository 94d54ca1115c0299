//! The expected number of people at an event.

use super::id::shorten;
use crate::error::{Error, Result};

/// A whole number from 0 to 1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendees(u32);

impl Attendees {
    pub const MAX: u32 = 1_000_000;

    pub fn parse(input: &str) -> Result<Self> {
        match input.trim().parse::<u32>() {
            Ok(n) if n <= Self::MAX => Ok(Attendees(n)),
            _ => Err(Error::invalid(
                "attendees",
                format!(
                    "expected a whole number from 0 to {}, got {:?}",
                    Self::MAX,
                    shorten(input)
                ),
            )),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_accepted() {
        assert_eq!(Attendees::parse("0").unwrap().get(), 0);
        assert_eq!(Attendees::parse(" 75 ").unwrap().get(), 75);
    }

    #[test]
    fn negative_fractional_and_huge_counts_are_rejected() {
        for bad in [
            "-1",
            "1.5",
            "",
            "many",
            "1e3",
            "1000001",
            "99999999999999999999",
        ] {
            let err = Attendees::parse(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid attendees: expected a whole number"),
                "{bad:?}"
            );
        }
    }
}
