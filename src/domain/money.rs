//! Money, in integer cents.

use std::fmt;

use super::id::shorten;
use crate::error::{Error, Result};

/// An amount of money in cents, never negative. Parsed from `1500`, `1500.5` or `1500,50`;
/// displayed as `1500.00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    /// The largest amount accepted: one thousand billion, far above any event budget and far
    /// below where cent arithmetic could overflow.
    pub const MAX: Money = Money(100_000_000_000_000);

    /// Parses `input` as the amount field `field` (e.g. "total", "amount").
    pub fn parse(field: &'static str, input: &str) -> Result<Self> {
        let value = input.trim();
        let invalid = || {
            Error::invalid(
                field,
                format!(
                    "expected an amount like 1500, 1500.5 or 1500,50, got {:?}",
                    shorten(input)
                ),
            )
        };
        let (units, decimals) = match value.find(['.', ',']) {
            Some(at) => (&value[..at], &value[at + 1..]),
            None => (value, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if units.is_empty() || !digits_only(units) || !digits_only(decimals) || decimals.len() > 2 {
            return Err(invalid());
        }
        if value.contains(['.', ',']) && decimals.is_empty() {
            return Err(invalid());
        }
        let too_large = || Error::invalid(field, format!("must be at most {}", Money::MAX));
        let units: i64 = units.parse().map_err(|_| too_large())?;
        let cents: i64 = format!("{decimals:0<2}").parse().map_err(|_| invalid())?;
        let total = units
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .ok_or_else(too_large)?;
        if total > Money::MAX.0 {
            return Err(too_large());
        }
        Ok(Money(total))
    }

    pub fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    pub fn cents(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(input: &str) -> i64 {
        Money::parse("total", input).unwrap().cents()
    }

    #[test]
    fn the_three_documented_notations_are_accepted() {
        assert_eq!(cents("1500"), 150_000);
        assert_eq!(cents("1500.5"), 150_050);
        assert_eq!(cents("1500,50"), 150_050);
        assert_eq!(cents("0"), 0);
        assert_eq!(cents("0.01"), 1);
    }

    #[test]
    fn negative_malformed_and_non_finite_amounts_are_rejected() {
        for bad in [
            "-1", "", "abc", "1e309", "NaN", "inf", "12,50,1", "1.234", "1.", ".5", "+5", "1 500",
            "١٢",
        ] {
            let err = Money::parse("total", bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid total: expected an amount"),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn amounts_beyond_the_maximum_are_rejected_without_overflow() {
        for bad in [
            "9223372036854775807",
            "99999999999999999999999",
            "1000000000001",
        ] {
            let err = Money::parse("amount", bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid amount: must be at most"),
                "{bad:?}: {err}"
            );
        }
        assert_eq!(cents("1000000000000"), Money::MAX.cents());
    }

    #[test]
    fn display_always_has_two_decimals() {
        assert_eq!(Money::from_cents(150_000).to_string(), "1500.00");
        assert_eq!(Money::from_cents(5).to_string(), "0.05");
        assert_eq!(Money::from_cents(-250).to_string(), "-2.50");
    }
}
