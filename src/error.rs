//! The one error type of epicevents.
//!
//! Every failure is one of a few kinds, and the kind alone decides what the user reads and
//! the exit code of a one-shot command (PRODUCT.md §2): user errors (1) are one sentence that
//! says what went wrong and names the field; usage errors (2) come from the grammar; internal
//! errors (3) keep their cause for diagnostics but show the user a fixed sentence, so that no
//! SQL, path or stack trace ever reaches the screen.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use rusqlite::ErrorCode;

pub mod wire;

/// The result type used across the service, repository and shell layers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user gave does not fit its field.
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: String,
    },
    /// A required field was not given and cannot be asked for (input is not a terminal).
    #[error("missing {flag}: give it as a flag, since input is not a terminal")]
    Missing { flag: Cow<'static, str> },
    /// No record with that id.
    #[error("{entity} {id} not found")]
    NotFound { entity: Cow<'static, str>, id: i64 },
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
    /// The stored session is a genuine one whose 8 hours are over.
    #[error("your session expired: log in again")]
    SessionExpired,
    /// The right password for an account locked after failed attempts. Only said once the
    /// password proved right, so it tells nothing to someone guessing.
    #[error("this account is locked after too many failed attempts: try again in {minutes} minute{plural}, or ask management to unlock it", plural = if *minutes == 1 { "" } else { "s" })]
    Locked { minutes: i64 },
    /// The session was valid when the command started and ended before it could write
    /// (logout elsewhere, a department change, a password reset, deletion).
    #[error("your session has ended: log in again")]
    SessionEnded,
    /// The password was right, but management reset it: a new one must be chosen first.
    #[error("your password was reset by management: choose a new one to log in")]
    PasswordChangeRequired,
    /// The database or the machine is in a state the user (or an administrator) must fix.
    #[error("{0}")]
    Fault(Fault),
    /// Unknown email, wrong password or locked account: deliberately indistinguishable.
    #[error("invalid email or password")]
    BadCredentials,
    /// The user cancelled a form or a running command (Ctrl-C or Esc): nothing was written.
    #[error("cancelled")]
    Cancelled,
    /// The line does not follow the grammar.
    #[error("{0}")]
    Usage(String),
    /// Anything the user cannot fix. The cause is kept for reports, never displayed.
    #[error("internal error: epicevents could not complete this command and changed nothing")]
    Internal(#[source] anyhow::Error),
}

/// Something wrong with the database file or the machine, rather than with the command: one
/// sentence on what is wrong and what to do.
#[derive(Debug)]
pub enum Fault {
    /// The file (or its directory) cannot be written.
    ReadOnly,
    /// The disk (or the database's size limit) is full.
    DiskFull,
    /// A newer epicevents migrated this database.
    NewerSchema { found: i32, known: i32 },
    /// Not a database, or a damaged one.
    Damaged,
    /// Another command kept the database locked for longer than the busy timeout.
    Busy,
    /// No database file where one is configured.
    NoDatabase(PathBuf),
    /// Team mode: the server cannot be reached, or stopped answering (`why`).
    Unreachable { url: String, why: String },
    /// Team mode: what answered is not an epicevents server this shell understands.
    Incompatible { url: String, status: u16 },
    /// The PostgreSQL store cannot be reached (`url` without its password).
    DatabaseUnreachable { url: String, why: String },
    /// The connection to the PostgreSQL store went in the middle of a write, which
    /// PostgreSQL rolled back whole; `committing`: it went during the commit, which may
    /// have reached the server first.
    ConnectionLost { committing: bool },
}

impl Fault {
    /// The stable tag of the fault in Sentry reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::ReadOnly => "read_only",
            Fault::DiskFull => "disk_full",
            Fault::NewerSchema { .. } => "newer_schema",
            Fault::Damaged => "damaged",
            Fault::Busy => "busy",
            Fault::NoDatabase(_) => "no_database",
            Fault::Unreachable { .. } => "unreachable",
            Fault::Incompatible { .. } => "incompatible",
            Fault::DatabaseUnreachable { .. } => "database_unreachable",
            Fault::ConnectionLost { committing: false } => "connection_lost",
            Fault::ConnectionLost { committing: true } => "connection_lost_committing",
        }
    }

    /// The fault a SQLite error stands for, if it is one.
    fn of_sqlite(err: &rusqlite::Error) -> Option<Fault> {
        let rusqlite::Error::SqliteFailure(e, _) = err else {
            return None;
        };
        Some(match e.code {
            ErrorCode::ReadOnly => Fault::ReadOnly,
            ErrorCode::DiskFull => Fault::DiskFull,
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => Fault::Damaged,
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Fault::Busy,
            _ => return None,
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::ReadOnly => f.write_str(
                "the database is read-only: epicevents needs to write to it and to its directory (check their permissions); nothing was changed",
            ),
            Fault::DiskFull => f.write_str(
                "the disk holding the database is full: free some space and run the command again; nothing was changed",
            ),
            Fault::NewerSchema { found, known } => write!(
                f,
                "this database was upgraded by a newer epicevents (schema {found}; this one knows up to {known}): install the newer epicevents to use it"
            ),
            Fault::Damaged => f.write_str(
                "the database file is damaged or is not an epicevents database: restore it from a backup (see docs/operations.md)",
            ),
            Fault::Busy => f.write_str(
                "the database stayed busy with other commands for 10 seconds: run the command again; nothing was changed",
            ),
            Fault::NoDatabase(path) => write!(
                f,
                "there is no database at {}: run `epicevents setup` to create one (or `epicevents demo` for sample data), or set EPICEVENTS_DB",
                path.display()
            ),
            Fault::Unreachable { url, why } => {
                write!(f, "cannot reach the server at {url}: {why}")
            }
            Fault::Incompatible { url, status } => write!(
                f,
                "the server at {url} gave an answer this epicevents does not understand (HTTP {status}): is it an epicevents server of the same version?"
            ),
            Fault::DatabaseUnreachable { url, why } => write!(
                f,
                "cannot reach the database at {url}: {why}; nothing was changed"
            ),
            Fault::ConnectionLost { committing: false } => f.write_str(
                "the connection to the database was lost: nothing was changed; run the command again",
            ),
            Fault::ConnectionLost { committing: true } => f.write_str(
                "the connection to the database was lost while the change was being saved: it may have been made; check before running the command again",
            ),
        }
    }
}

impl Error {
    /// `field` does not hold what it should: `reason` says what is expected.
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The required `flag` was not given and cannot be asked for.
    pub fn missing(flag: impl Into<Cow<'static, str>>) -> Self {
        Error::Missing { flag: flag.into() }
    }

    /// No `entity` (client, contract…) has this `id`.
    pub fn not_found(entity: impl Into<Cow<'static, str>>, id: i64) -> Self {
        Error::NotFound {
            entity: entity.into(),
            id,
        }
    }

    pub fn denied(reason: impl Into<String>) -> Self {
        Error::Denied(reason.into())
    }

    pub fn refused(reason: impl Into<String>) -> Self {
        Error::Refused(reason.into())
    }

    /// An internal error, unless its cause is a [`Fault`] the user can act on, or Ctrl-C
    /// interrupting the statement (`SQLITE_INTERRUPT`), which cancels the command.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        let err = err.into();
        let interrupted = err
            .chain()
            .filter_map(|e| e.downcast_ref::<rusqlite::Error>())
            .any(|e| e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted));
        if interrupted {
            return Error::Cancelled;
        }
        let fault = err
            .chain()
            .filter_map(|e| e.downcast_ref::<rusqlite::Error>())
            .find_map(Fault::of_sqlite);
        match fault {
            Some(fault) => Error::Fault(fault),
            None => Error::Internal(err),
        }
    }

    /// The exit code of a one-shot command that failed with this error: 130 when cancelled,
    /// as shells report a command ended by Ctrl-C.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Internal(_) => 3,
            Error::Cancelled => 130,
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

/// Names what a repository function (or a transaction) was doing when SQLite failed: an internal error then
/// reads "inserting a payment: UNIQUE constraint failed: …" in Sentry and under
/// `EPICEVENTS_DEBUG`, never only the SQLite message. The operation is static text (an entity
/// and a verb, never an id or a value), and the SQLite error stays in the chain beneath it,
/// so that faults (disk full, read-only, busy…) and Ctrl-C's interrupt are still recognised.
pub(crate) trait Doing<T> {
    fn doing(self, operation: &'static str) -> Result<T>;
}

impl<T> Doing<T> for rusqlite::Result<T> {
    fn doing(self, operation: &'static str) -> Result<T> {
        self.map_err(|err| failed(operation, err))
    }
}

/// The error of `operation` failing with `err` (see [`Doing`]).
pub(crate) fn failed(operation: &'static str, err: rusqlite::Error) -> Error {
    Error::internal(anyhow::Error::new(err).context(operation))
}

struct DiagnosticChain<'a>(&'a anyhow::Error);

impl fmt::Display for DiagnosticChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl From<anyhow::Error> for Error {
    fn from(err: anyhow::Error) -> Self {
        Error::internal(err)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::internal(err)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::internal(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_product_spec() {
        assert_eq!(Error::invalid("email", "x").exit_code(), 1);
        assert_eq!(Error::not_found("client", 3).exit_code(), 1);
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
    fn database_faults_become_sentences_with_exit_code_1() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        let err = Error::from(anyhow::Error::new(full).context("inserting a payment"));
        assert!(matches!(err, Error::Fault(Fault::DiskFull)), "{err:?}");
        assert_eq!(err.exit_code(), 1);
        assert!(err.to_string().contains("disk"));
        let other = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            None,
        );
        assert!(Error::from(other).is_internal());
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
