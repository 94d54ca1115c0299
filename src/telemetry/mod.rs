//! Error reporting to Sentry (PRODUCT.md §6), only when `SENTRY_DSN` is set.
//!
//! Without a DSN nothing is initialised and every capture below is a no-op, so commands pay
//! nothing for it. With one, Sentry receives every internal error and panic, and the
//! sensitive actions (collaborator creation, update and deletion; contract signature), tagged
//! with the release and environment. Events name collaborators and records by id only, and
//! every event and breadcrumb passes through [`scrub`] before it leaves, whatever the code
//! that produced it forgot. An unreachable Sentry never fails a command: delivery happens on
//! a background thread, and the flush at exit waits at most [`SHUTDOWN_TIMEOUT`].

pub mod scrub;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use sentry::protocol::{Event, Exception, Level};
use sentry::{ClientInitGuard, ClientOptions};

use crate::config::Config;
use crate::error::{Error, Fault};

/// The longest an exiting command waits for reports to be delivered.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_millis(1500);

/// Starts reporting when a DSN is configured; reporting lasts as long as the guard.
pub fn init(config: &Config) -> Option<ClientInitGuard> {
    let dsn = config.sentry_dsn.as_deref()?;
    let Ok(dsn) = dsn.parse::<sentry::types::Dsn>() else {
        eprintln!("warning: SENTRY_DSN is not a valid Sentry DSN; error reporting is off");
        return None;
    };
    let mut options = options(config);
    options.dsn = Some(dsn);
    Some(sentry::init(options))
}

/// The client options: release and environment, no personal data, the scrubber on every
/// event and breadcrumb, a bounded flush at exit.
pub fn options(config: &Config) -> ClientOptions {
    let secrets: Arc<Vec<String>> = Arc::new(config.secret.iter().cloned().collect());
    let for_breadcrumbs = Arc::clone(&secrets);
    let mut options = ClientOptions::default();
    options.release = sentry::release_name!();
    let environment = config
        .sentry_environment
        .clone()
        .unwrap_or_else(|| "production".to_owned());
    options.environment = Some(Cow::Owned(environment));
    options.send_default_pii = false;
    options.server_name = None;
    options.attach_stacktrace = false;
    options.max_breadcrumbs = 20;
    options.shutdown_timeout = SHUTDOWN_TIMEOUT;
    options.before_send = Some(Arc::new(move |event| Some(scrub::event(event, &secrets))));
    options.before_breadcrumb = Some(Arc::new(move |crumb| {
        Some(scrub::breadcrumb(crumb, &for_breadcrumbs))
    }));
    options
}

/// Reports an internal error, or a fault of the database or the machine (read-only, full,
/// damaged…), tagged with its kind. User errors are not defects and are not reported, and
/// neither is a database that simply is not there yet.
pub fn report(err: &Error) {
    let (ty, message, kind, value) = match err {
        Error::Internal(cause) => (
            "InternalError",
            "internal error",
            kind(cause),
            format!("{cause:#}"),
        ),
        Error::Fault(Fault::NoDatabase(_)) => return,
        // The kind says it all; the sentence would carry nothing more (and no path).
        Error::Fault(fault) => ("Fault", "database fault", fault.kind(), fault.kind().into()),
        _ => return,
    };
    let event = Event {
        level: Level::Error,
        message: Some(message.to_owned()),
        exception: vec![Exception {
            ty: ty.to_owned(),
            value: Some(value),
            ..Default::default()
        }]
        .into(),
        tags: [("kind".to_owned(), kind.to_owned())].into_iter().collect(),
        ..Default::default()
    };
    sentry::capture_event(event);
}

/// A stable tag for where an internal error came from.
fn kind(cause: &anyhow::Error) -> &'static str {
    if cause
        .chain()
        .any(|e| e.is::<rusqlite::Error>() || e.is::<crate::pg::Failure>())
    {
        "database"
    } else if cause
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some())
    {
        "io"
    } else {
        "internal"
    }
}

/// The actions Sentry hears about even when they succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitive {
    CollaboratorCreated,
    CollaboratorUpdated,
    CollaboratorDeleted,
    ContractSigned,
}

impl Sensitive {
    fn tag(self) -> (&'static str, &'static str) {
        match self {
            Sensitive::CollaboratorCreated => ("collaborator.created", "collaborator"),
            Sensitive::CollaboratorUpdated => ("collaborator.updated", "collaborator"),
            Sensitive::CollaboratorDeleted => ("collaborator.deleted", "collaborator"),
            Sensitive::ContractSigned => ("contract.signed", "contract"),
        }
    }
}

/// Reports that collaborator `actor_id` performed `action` on record `record_id`.
pub fn sensitive(action: Sensitive, actor_id: i64, record_id: i64) {
    let (name, entity) = action.tag();
    let tags = [
        ("action", name.to_owned()),
        ("entity", entity.to_owned()),
        ("actor_id", actor_id.to_string()),
        ("record_id", record_id.to_string()),
    ];
    let event = Event {
        level: Level::Info,
        message: Some(name.to_owned()),
        tags: tags.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..Default::default()
    };
    sentry::capture_event(event);
}

#[cfg(test)]
mod tests;
