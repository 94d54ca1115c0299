//! A password on its way to bcrypt.

use std::fmt;

use crate::error::{Error, Result};

/// A new password: at least 12 characters and at most 72 bytes, since bcrypt reads no further
/// and we refuse to let it silently ignore the rest. `Debug` never shows the value.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_BYTES: usize = 72;

    pub fn parse(input: String) -> Result<Self> {
        if input.chars().count() < Self::MIN_CHARS {
            return Err(Error::invalid(
                "password",
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if input.len() > Self::MAX_BYTES {
            return Err(Error::invalid(
                "password",
                format!("must be at most {} bytes", Self::MAX_BYTES),
            ));
        }
        Ok(Password(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_rejected() {
        let err = Password::parse("eleven chr!".into()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid password: must be at least 12 characters"
        );
        assert!(Password::parse("twelve chars".into()).is_ok());
    }

    #[test]
    fn passwords_bcrypt_would_truncate_are_rejected() {
        assert!(Password::parse("a".repeat(72)).is_ok());
        let err = Password::parse("a".repeat(73)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid password: must be at most 72 bytes"
        );
        // 25 three-byte characters: enough characters, too many bytes.
        assert!(Password::parse("€".repeat(25)).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse("correct horse battery".into()).unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
