//! An email address: the login of a collaborator and the contact of a client.

use crate::error::{Error, Result};

/// A syntactically plausible email address, trimmed and lower-cased (emails are unique
/// case-insensitively, so one spelling is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

const EXPECTED: &str = "expected an address like name@example.com";

impl Email {
    pub fn parse(input: &str) -> Result<Self> {
        let value = input.trim().to_lowercase();
        let invalid = || Error::invalid("email", EXPECTED);
        if value.len() > 254
            || value
                .chars()
                .any(|c| c.is_whitespace() || super::is_forbidden_in_line(c))
        {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Email(value))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_is_accepted_and_lower_cased() {
        assert_eq!(
            Email::parse("  Kevin@Startup.IO ").unwrap().as_ref(),
            "kevin@startup.io"
        );
    }

    #[test]
    fn malformed_addresses_are_rejected_with_the_field_named() {
        for bad in [
            "",
            "kevin",
            "kevin@",
            "@startup.io",
            "kevin@startup",
            "a b@c.d",
            "a@b@c.d",
            "a@b..c",
            "a@.b",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid email: {EXPECTED}"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn overlong_addresses_are_rejected() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
    }
}
