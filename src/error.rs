//! The one error type of epicevents.
//!
//! Every failure is one of a few kinds, and the kind alone decides what the user reads and
//! the exit code of a one-shot command (PRODUCT.md §2): user errors (1) are one sentence that
//! says what went wrong and names the field; usage errors (2) come from the grammar; internal
//! errors (3) keep their cause for diagnostics but show the user a fixed sentence, so that no
//! SQL, path or stack trace ever reaches the screen.

use std::fmt;

/// The result type used across the service, repository and shell layers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user gave does not fit its field.
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A required field was not given and cannot be asked for (input is not a terminal).
    #[error("missing {flag}: give it as a flag, since input is not a terminal")]
    Missing { flag: &'static str },
    /// No record with that id.
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: i64 },
    /// The permission table refused the action.
    #[error("permission denied: {0}")]
    Denied(String),
    /// The action is allowed but the record's state forbids it (e.g. deleting a client that
    /// still has contracts, signing a signed contract).
    #[error("{0}")]
    Refused(String),
    /// No valid session: none stored, expired, forged, or ended by logout.
    #[error("you are not logged in: run `login` first")]
    NotLoggedIn,
    /// Unknown email, wrong password or locked account: deliberately indistinguishable.
    #[error("invalid email or password")]
    BadCredentials,
    /// The user cancelled a form (Ctrl-C or Esc).
    #[error("cancelled")]
    Cancelled,
    /// The line does not follow the grammar.
    #[error("{0}")]
    Usage(String),
    /// Anything the user cannot fix. The cause is kept for reports, never displayed.
    #[error("internal error: epicevents could not complete this command and changed nothing")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field,
            reason: reason.into(),
        }
    }

    pub fn denied(reason: impl Into<String>) -> Self {
        Error::Denied(reason.into())
    }

    pub fn refused(reason: impl Into<String>) -> Self {
        Error::Refused(reason.into())
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Error::Internal(err.into())
    }

    /// The exit code of a one-shot command that failed with this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Internal(_) => 3,
            _ => 1,
        }
    }

    /// Whether this error is a defect rather than something the user can fix.
    pub fn is_internal(&self) -> bool {
        matches!(self, Error::Internal(_))
    }

    /// The internal cause, for diagnostics; `None` for user errors.
    pub fn diagnostic(&self) -> Option<impl fmt::Display + '_> {
        match self {
            Error::Internal(cause) => Some(DiagnosticChain(cause)),
            _ => None,
        }
    }
}

struct DiagnosticChain<'a>(&'a anyhow::Error);

impl fmt::Display for DiagnosticChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl From<anyhow::Error> for Error {
    fn from(err: anyhow::Error) -> Self {
        Error::Internal(err)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::Internal(err.into())
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Internal(err.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_product_spec() {
        assert_eq!(Error::invalid("email", "x").exit_code(), 1);
        assert_eq!(
            Error::NotFound {
                entity: "client",
                id: 3
            }
            .exit_code(),
            1
        );
        assert_eq!(Error::denied("no").exit_code(), 1);
        assert_eq!(Error::NotLoggedIn.exit_code(), 1);
        assert_eq!(Error::BadCredentials.exit_code(), 1);
        assert_eq!(Error::Usage("bad flag".into()).exit_code(), 2);
        assert_eq!(Error::internal(anyhow::anyhow!("disk full")).exit_code(), 3);
    }

    #[test]
    fn internal_errors_never_display_their_cause() {
        let err = Error::internal(anyhow::anyhow!("UNIQUE constraint failed: clients.email"));
        assert!(!err.to_string().contains("UNIQUE"));
        assert!(err.diagnostic().unwrap().to_string().contains("UNIQUE"));
    }

    #[test]
    fn invalid_names_the_field() {
        let err = Error::invalid("email", "expected an address like name@example.com");
        assert_eq!(
            err.to_string(),
            "invalid email: expected an address like name@example.com"
        );
    }
}
