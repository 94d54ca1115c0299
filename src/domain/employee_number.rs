//! The company's staff number of a collaborator, e.g. `EMP-0042`.

use crate::error::{Error, Result};

/// 1 to 32 ASCII letters, digits and dashes, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeNumber(String);

impl EmployeeNumber {
    pub fn parse(input: &str) -> Result<Self> {
        let value = input.trim().to_ascii_uppercase();
        let ok = (1..=32).contains(&value.len())
            && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return Err(Error::invalid(
                "employee number",
                "expected 1 to 32 letters, digits or dashes, like EMP-0042",
            ));
        }
        Ok(EmployeeNumber(value))
    }
}

impl AsRef<str> for EmployeeNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_numbers_are_normalised_to_upper_case() {
        assert_eq!(
            EmployeeNumber::parse(" emp-0042 ").unwrap().as_ref(),
            "EMP-0042"
        );
    }

    #[test]
    fn spaces_symbols_and_overlong_numbers_are_rejected() {
        for bad in ["", "EMP 42", "EMP_42", "é1", &"9".repeat(33)] {
            let err = EmployeeNumber::parse(bad).unwrap_err();
            assert!(
                err.to_string().starts_with("invalid employee number:"),
                "{bad:?}"
            );
        }
    }
}
