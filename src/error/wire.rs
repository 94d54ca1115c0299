//! Errors as they travel between `epicevents serve` and a shell talking to it: JSON with a
//! stable `kind` per [`Error`] variant and the fields that variant carries, so that the
//! client rebuilds the same error and prints the same sentence with the same exit code as
//! the local product would. An internal error travels without its cause (the server keeps
//! that for its logs and Sentry); a server's database path never travels.
//!
//! ```json
//! {"error": {"kind": "invalid", "field": "email", "reason": "expected …", "message": "invalid email: expected …"}}
//! ```

use serde::{Deserialize, Serialize};

use super::{Error, Fault};

/// The body of a failed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub error: Wire,
}

/// One error: its kind and fields, and the sentence the user reads (for clients that only
/// print it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wire {
    #[serde(flatten)]
    pub kind: Kind,
    pub message: String,
}

/// The stable kinds, one per variant of [`Error`], with what the client needs to rebuild it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Invalid {
        field: String,
        reason: String,
    },
    Missing {
        flag: String,
    },
    NotFound {
        entity: String,
        id: i64,
    },
    Denied {
        reason: String,
    },
    Refused {
        reason: String,
    },
    NotLoggedIn,
    SessionExpired,
    SessionEnded,
    Locked {
        minutes: i64,
    },
    PasswordChangeRequired,
    BadCredentials,
    /// `fault` is [`Fault::kind`]; a newer schema says which.
    Fault {
        fault: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        found: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        known: Option<i32>,
    },
    Cancelled,
    /// The line does not follow the grammar: the message is the whole sentence.
    Usage,
    Internal,
    /// A kind this client does not know (a newer server): read as an internal error.
    #[serde(other)]
    Unknown,
}

impl Error {
    /// The error as it travels.
    pub fn to_wire(&self) -> Wire {
        let kind = match self {
            Error::Invalid { field, reason } => Kind::Invalid {
                field: field.to_string(),
                reason: reason.clone(),
            },
            Error::Missing { flag } => Kind::Missing {
                flag: flag.to_string(),
            },
            Error::NotFound { entity, id } => Kind::NotFound {
                entity: entity.to_string(),
                id: *id,
            },
            Error::Denied(reason) => Kind::Denied {
                reason: reason.clone(),
            },
            Error::Refused(reason) => Kind::Refused {
                reason: reason.clone(),
            },
            Error::NotLoggedIn => Kind::NotLoggedIn,
            Error::SessionExpired => Kind::SessionExpired,
            Error::SessionEnded => Kind::SessionEnded,
            Error::Locked { minutes } => Kind::Locked { minutes: *minutes },
            Error::PasswordChangeRequired => Kind::PasswordChangeRequired,
            Error::BadCredentials => Kind::BadCredentials,
            Error::Fault(fault) => {
                let (found, known) = match fault {
                    Fault::NewerSchema { found, known } => (Some(*found), Some(*known)),
                    _ => (None, None),
                };
                Kind::Fault {
                    fault: fault.kind().to_owned(),
                    found,
                    known,
                }
            }
            Error::Cancelled => Kind::Cancelled,
            Error::Usage(_) => Kind::Usage,
            Error::Internal(_) => Kind::Internal,
        };
        let message = match &kind {
            // The server's own path stays on the server.
            Kind::Fault { fault, .. } if fault == "no_database" => no_database().to_string(),
            // So does the address of its database.
            Kind::Fault { fault, .. } if fault == "database_unreachable" => {
                database_unreachable().to_string()
            }
            _ => self.to_string(),
        };
        Wire { kind, message }
    }

    /// The HTTP status of a request that failed with this error.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::Invalid { .. } | Error::Missing { .. } => 422,
            Error::NotFound { .. } => 404,
            Error::Denied(_) | Error::PasswordChangeRequired => 403,
            Error::Refused(_) => 409,
            Error::NotLoggedIn
            | Error::SessionExpired
            | Error::SessionEnded
            | Error::BadCredentials => 401,
            Error::Locked { .. } => 423,
            Error::Fault(
                Fault::Busy | Fault::DatabaseUnreachable { .. } | Fault::ConnectionLost { .. },
            )
            | Error::Cancelled => 503,
            Error::Fault(_) | Error::Internal(_) => 500,
            Error::Usage(_) => 400,
        }
    }
}

impl From<Wire> for Error {
    /// The error a client rebuilds: the same sentence and exit code as the server's.
    fn from(wire: Wire) -> Self {
        match wire.kind {
            Kind::Invalid { field, reason } => Error::invalid(field, reason),
            Kind::Missing { flag } => Error::missing(flag),
            Kind::NotFound { entity, id } => Error::not_found(entity, id),
            Kind::Denied { reason } => Error::Denied(reason),
            Kind::Refused { reason } => Error::Refused(reason),
            Kind::NotLoggedIn => Error::NotLoggedIn,
            Kind::SessionExpired => Error::SessionExpired,
            Kind::SessionEnded => Error::SessionEnded,
            Kind::Locked { minutes } => Error::Locked { minutes },
            Kind::PasswordChangeRequired => Error::PasswordChangeRequired,
            Kind::BadCredentials => Error::BadCredentials,
            Kind::Fault {
                fault,
                found,
                known,
            } => match (fault.as_str(), found, known) {
                ("read_only", ..) => Error::Fault(Fault::ReadOnly),
                ("disk_full", ..) => Error::Fault(Fault::DiskFull),
                ("damaged", ..) => Error::Fault(Fault::Damaged),
                ("busy", ..) => Error::Fault(Fault::Busy),
                ("newer_schema", Some(found), Some(known)) => {
                    Error::Fault(Fault::NewerSchema { found, known })
                }
                ("no_database", ..) => no_database(),
                ("database_unreachable", ..) => database_unreachable(),
                ("connection_lost", ..) => {
                    Error::Fault(Fault::ConnectionLost { committing: false })
                }
                ("connection_lost_committing", ..) => {
                    Error::Fault(Fault::ConnectionLost { committing: true })
                }
                _ => unknown(&format!("fault {fault}")),
            },
            Kind::Cancelled => Error::Cancelled,
            Kind::Usage => Error::Usage(wire.message),
            Kind::Internal => {
                Error::Internal(anyhow::anyhow!("the server failed: {}", wire.message))
            }
            Kind::Unknown => unknown(&wire.message),
        }
    }
}

/// What a client reads when the server has no database.
fn no_database() -> Error {
    Error::Refused(
        "the server has no database yet: run `epicevents setup` on the server's machine".into(),
    )
}

/// What a client reads when the server cannot reach its PostgreSQL database.
fn database_unreachable() -> Error {
    Error::Refused(
        "the server cannot reach its database: nothing was changed; try again in a moment, or tell whoever runs the server".into(),
    )
}

/// An error this client cannot rebuild: internal (exit 3), with what the server said kept
/// for diagnostics.
fn unknown(what: &str) -> Error {
    Error::Internal(anyhow::anyhow!(
        "an error this epicevents does not know: {}",
        crate::domain::shorten_to(what, 200)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant the product raises, once.
    fn every_error() -> Vec<Error> {
        vec![
            Error::invalid("email", "expected an address like name@example.com"),
            Error::missing("--total"),
            Error::not_found("client", 12),
            Error::denied("only management can delete clients"),
            Error::refused("client 5 still has 2 contract(s)"),
            Error::NotLoggedIn,
            Error::SessionExpired,
            Error::SessionEnded,
            Error::Locked { minutes: 1 },
            Error::Locked { minutes: 15 },
            Error::PasswordChangeRequired,
            Error::BadCredentials,
            Error::Fault(Fault::ReadOnly),
            Error::Fault(Fault::DiskFull),
            Error::Fault(Fault::Damaged),
            Error::Fault(Fault::Busy),
            Error::Fault(Fault::NewerSchema { found: 7, known: 6 }),
            Error::Fault(Fault::ConnectionLost { committing: false }),
            Error::Fault(Fault::ConnectionLost { committing: true }),
            Error::Cancelled,
            Error::Usage("unknown command 'frobnicate'; see `help`".into()),
        ]
    }

    #[test]
    fn every_error_reads_and_exits_the_same_after_the_trip() {
        for err in every_error() {
            let json = serde_json::to_string(&Body {
                error: err.to_wire(),
            })
            .unwrap();
            let back: Body = serde_json::from_str(&json).unwrap();
            let rebuilt = Error::from(back.error);
            assert_eq!(rebuilt.to_string(), err.to_string(), "{json}");
            assert_eq!(rebuilt.exit_code(), err.exit_code(), "{json}");
            assert_eq!(rebuilt.http_status(), err.http_status(), "{json}");
        }
    }

    #[test]
    fn the_kind_is_stable_text() {
        let json = serde_json::to_value(Error::invalid("email", "taken").to_wire()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "invalid",
                "field": "email",
                "reason": "taken",
                "message": "invalid email: taken",
            })
        );
        let json = serde_json::to_value(Error::SessionExpired.to_wire()).unwrap();
        assert_eq!(json["kind"], "session_expired");
    }

    #[test]
    fn an_internal_error_travels_without_its_cause() {
        let err = Error::internal(anyhow::anyhow!("UNIQUE constraint failed: clients.email"));
        let json = serde_json::to_string(&err.to_wire()).unwrap();
        assert!(!json.contains("UNIQUE"), "{json}");
        let rebuilt = Error::from(serde_json::from_str::<Wire>(&json).unwrap());
        assert_eq!(rebuilt.exit_code(), 3);
        assert_eq!(rebuilt.to_string(), err.to_string());
    }

    #[test]
    fn the_servers_database_address_stays_on_the_server() {
        let err = Error::Fault(Fault::DatabaseUnreachable {
            url: "postgres://crm:***@db.internal/crm".into(),
            why: "the connection was refused".into(),
        });
        let json = serde_json::to_string(&err.to_wire()).unwrap();
        assert!(!json.contains("db.internal"), "{json}");
        let rebuilt = Error::from(serde_json::from_str::<Wire>(&json).unwrap());
        assert!(
            rebuilt.to_string().contains("cannot reach its database"),
            "{rebuilt}"
        );
        assert_eq!(rebuilt.exit_code(), 1);
    }

    #[test]
    fn the_servers_database_path_stays_on_the_server() {
        let err = Error::Fault(Fault::NoDatabase("/srv/epicevents/crm.db".into()));
        let json = serde_json::to_string(&err.to_wire()).unwrap();
        assert!(!json.contains("/srv"), "{json}");
        let rebuilt = Error::from(serde_json::from_str::<Wire>(&json).unwrap());
        assert!(
            rebuilt.to_string().contains("on the server's machine"),
            "{rebuilt}"
        );
        assert_eq!(rebuilt.exit_code(), 1);
    }

    #[test]
    fn a_kind_from_a_newer_server_is_an_internal_error() {
        let wire: Wire = serde_json::from_str(
            r#"{"kind": "quota_exceeded", "message": "too many exports today"}"#,
        )
        .unwrap();
        let err = Error::from(wire);
        assert_eq!(err.exit_code(), 3);
        assert!(
            err.diagnostic()
                .unwrap()
                .to_string()
                .contains("too many exports today")
        );
    }
}
