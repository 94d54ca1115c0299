//! Services: the rules of the product.
//!
//! A service function loads what it needs, checks the permission table against the acting
//! collaborator as stored now, validates the state of the records, and performs the write and
//! its audit row in one `BEGIN IMMEDIATE` transaction. The acting collaborator is reloaded
//! inside that transaction ([`Context::write_as`]): whatever happened while the command waited
//! for a form, a confirmation or the write lock, the check is made against the collaborator as
//! they are when the write happens. Services never print.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod clients;
pub mod completion;
pub mod contracts;
pub mod copy;
pub mod demo;
pub mod events;
pub mod permissions;
pub mod scale;
pub mod session;
pub mod users;

use std::cell::OnceCell;

use crate::config::Config;
use crate::db::{self, Create, Db, Tx};
use crate::domain::{Collaborator, Department, Timestamp};
use crate::error::{Error, Result};
use crate::repo::audit::{Changes, Entry};
pub use crate::repo::{List, Total, Window};
use crate::secret::Secret;
use session::Session;

/// Everything a service needs: the database, the configuration, the signing secret (loaded
/// on first use, so commands that need no session never create a key file), where session
/// tokens come from and go to. The time comes from [`crate::clock`].
pub struct Context {
    pub config: Config,
    db: Db,
    secret: OnceCell<Secret>,
    tokens: Tokens,
    /// The collaborator the last session resolved (or login) named: the server's access log.
    acting: std::cell::Cell<Option<i64>>,
}

impl Tokens {
    fn presented(&self) -> Result<String> {
        match self {
            Tokens::File(path) => session::load(path),
            Tokens::Bearer { presented, .. } => presented.clone().ok_or(Error::NotLoggedIn),
        }
    }

    /// Keeps a newly issued token, before the login that issued it commits: a login whose
    /// session cannot be kept leaves no trace.
    pub(crate) fn keep(&mut self, token: &str) -> Result<()> {
        match self {
            Tokens::File(path) => session::store(path, token).map_err(|_| {
                let place = path.parent().unwrap_or(path);
                Error::refused(format!(
                    "your session could not be saved in {}: check that this directory is yours and writable; nothing was changed",
                    place.display()
                ))
            }),
            Tokens::Bearer { issued, .. } => {
                *issued = Some(token.to_owned());
                Ok(())
            }
        }
    }

    /// Forgets the kept token (a logout, or a login that could not commit).
    pub(crate) fn forget(&mut self) -> Result<()> {
        match self {
            Tokens::File(path) => session::forget(path),
            Tokens::Bearer { issued, .. } => {
                *issued = None;
                Ok(())
            }
        }
    }
}

/// Where the session token of the collaborator acting comes from, and where a new one goes.
#[derive(Debug)]
pub enum Tokens {
    /// The local token file of the data directory (the shell on this machine).
    File(std::path::PathBuf),
    /// A request's bearer token, and the token a login issued, handed back to the caller
    /// (`epicevents serve`: the token never touches the server's disk).
    Bearer {
        presented: Option<String>,
        issued: Option<String>,
    },
}

impl Context {
    /// Opens the configured database, creating and migrating it if needed.
    pub fn open(config: Config) -> Result<Context> {
        Self::open_with(config, Create::Yes)
    }

    /// Opens the configured database, which must exist; migrates it if needed.
    pub fn open_existing(config: Config) -> Result<Context> {
        Self::open_with(config, Create::No)
    }

    /// An empty database in memory, for what needs no data (help on a machine without a
    /// database).
    pub fn in_memory(config: Config) -> Result<Context> {
        Ok(Self::with_db(config, Db::Sqlite(db::open_in_memory()?)))
    }

    fn with_db(config: Config, db: Db) -> Context {
        let tokens = Tokens::File(config.session_path());
        Context {
            config,
            db,
            secret: OnceCell::new(),
            tokens,
            acting: std::cell::Cell::new(None),
        }
    }

    /// Serves requests: sessions come from bearer tokens, and new tokens are handed back.
    pub fn with_bearer_tokens(mut self) -> Self {
        self.tokens = Tokens::Bearer {
            presented: None,
            issued: None,
        };
        self
    }

    /// The bearer token of the request about to be served (none: not logged in).
    pub fn present(&mut self, token: Option<String>) {
        if let Tokens::Bearer { presented, issued } = &mut self.tokens {
            *presented = token;
            *issued = None;
        }
    }

    /// The token a login (or password change) of this request issued, if any.
    pub fn take_issued(&mut self) -> Option<String> {
        match &mut self.tokens {
            Tokens::Bearer { issued, .. } => issued.take(),
            Tokens::File(_) => None,
        }
    }

    /// Notes who acts (a session resolved, a login), for [`Context::take_acting`].
    pub(crate) fn note_acting(&self, id: i64) {
        self.acting.set(Some(id));
    }

    /// Who acted since the last call, if a session or a login named someone.
    pub fn take_acting(&self) -> Option<i64> {
        self.acting.take()
    }

    /// The token presented by whoever acts: the stored one, or the request's.
    pub(crate) fn presented_token(&self) -> Result<String> {
        self.tokens.presented()
    }

    /// Starts a write transaction, with where a token it issues goes.
    pub(crate) fn write_keeping_tokens(&mut self) -> Result<(Tx<'_>, &mut Tokens)> {
        let Context { db, tokens, .. } = self;
        Ok((db::write(db)?, tokens))
    }

    /// [`Context::write_as`], with where a token it issues goes.
    pub(crate) fn write_as_keeping_tokens(
        &mut self,
        session: &Session,
    ) -> Result<(Tx<'_>, Collaborator, &mut Tokens)> {
        let Context { db, tokens, .. } = self;
        let tx = db::write(db)?;
        crate::interrupt::check()?;
        let actor = crate::repo::collaborators::find_for_session(&tx, session.claim())?
            .ok_or(Error::SessionEnded)?;
        Ok((tx, actor, tokens))
    }

    /// Forgets the kept token (a logout).
    pub(crate) fn forget_token(&mut self) -> Result<()> {
        self.tokens.forget()
    }

    fn open_with(config: Config, create: Create) -> Result<Context> {
        let db = Db::open(&config.db_path, create)?;
        Ok(Self::with_db(config, db))
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::new(crate::clock::now())
    }

    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    /// What interrupts this context's statement in progress (Ctrl-C, [`crate::interrupt`]).
    pub fn interrupter(&self) -> crate::interrupt::Interrupter {
        self.db.interrupter()
    }

    pub(crate) fn db_mut(&mut self) -> &mut Db {
        &mut self.db
    }

    /// Starts a write for `session`: takes the write lock (`BEGIN IMMEDIATE`), then reloads the
    /// acting collaborator inside the transaction. A session that ended meanwhile (logout,
    /// department change, password reset, deletion) fails with `SessionEnded`, and nothing is
    /// written. Permission checks use the collaborator returned here.
    pub(crate) fn write_as(&mut self, session: &Session) -> Result<(Tx<'_>, Collaborator)> {
        let tx = db::write(&mut self.db)?;
        let actor = crate::repo::collaborators::find_for_session(&tx, session.claim())?
            .ok_or(Error::SessionEnded)?;
        Ok((tx, actor))
    }

    pub(crate) fn secret(&self) -> Result<&Secret> {
        if let Some(secret) = self.secret.get() {
            return Ok(secret);
        }
        let secret = Secret::load(self.config.secret.as_deref(), &self.config.key_path())?;
        Ok(self.secret.get_or_init(|| secret))
    }
}

/// The collaborator `id`, who must be in `department` to become the record's `field` (a
/// client's sales contact, an event's support contact).
pub(crate) fn contact_in(
    db: &Db,
    id: i64,
    department: Department,
    field: &'static str,
) -> Result<Collaborator> {
    let contact = crate::repo::collaborators::find(db, id)?
        .ok_or_else(|| Error::invalid(field, format!("there is no collaborator {id}")))?;
    if contact.department != department {
        return Err(Error::invalid(
            field,
            format!(
                "{} is in {}, not {department}",
                contact.full_name, contact.department
            ),
        ));
    }
    Ok(contact)
}

/// What an update did: the record as it is now, and whether anything changed. An update that
/// changes nothing writes nothing: no audit row, no new `updated_at`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Updated<T> {
    pub record: T,
    pub changed: bool,
}

impl<T> Updated<T> {
    /// Ends the update of `entity` `id` inside its transaction `tx`: `changes` empty rolls
    /// the transaction back (the new `updated_at` with it) and keeps `before`; otherwise the
    /// audit row is written and the change committed.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        tx: Tx<'_>,
        now: &str,
        actor: &Collaborator,
        entity: &str,
        id: i64,
        changes: Changes,
        before: T,
        after: T,
    ) -> Result<Self> {
        if changes.is_empty() {
            return Ok(Updated::unchanged(before));
        }
        record(&tx, now, actor, "update", entity, id, changes)?;
        crate::db::commit(tx)?;
        Ok(Updated::changed(after))
    }

    fn unchanged(record: T) -> Self {
        Updated {
            record,
            changed: false,
        }
    }

    fn changed(record: T) -> Self {
        Updated {
            record,
            changed: true,
        }
    }
}

/// How many rows the list `list` keeps. Every collaborator may read every list but the
/// audit trail's (see `audit`).
pub fn count<L: List>(ctx: &Context, list: &L) -> Result<Total> {
    list.count(ctx.db())
}

/// Calls `f` with each row of `window` of the list `list` (every row without one).
pub fn for_each<L: List>(
    ctx: &Context,
    list: &L,
    window: Option<Window>,
    f: &mut dyn FnMut(L::Row) -> Result<()>,
) -> Result<()> {
    list.for_each(ctx.db(), window, f)
}

/// Deletes `entity` `id` in one transaction: `deletion` (the check a confirmation runs
/// first) refuses or gives the record, `delete` removes it, and the audit row keeps every
/// field it had.
fn delete_checked<R: crate::domain::field::Fielded>(
    ctx: &mut Context,
    session: &Session,
    entity: &str,
    id: i64,
    deletion: impl FnOnce(&Db, &Collaborator) -> Result<R>,
    delete: impl FnOnce(&Db) -> Result<()>,
) -> Result<R> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = deletion(&tx, &actor)?;
    delete(&tx)?;
    let changes = crate::domain::field::deleted(&before);
    record(&tx, &now, &actor, "delete", entity, id, changes)?;
    crate::db::commit(tx)?;
    Ok(before)
}

/// The refusal of an update that names no field.
pub(crate) fn nothing_to_update() -> Error {
    Error::Usage("nothing to update: give at least one field to change".into())
}

/// Records `actor`'s `action` on `entity` `id` in the audit trail (inside the write's
/// transaction).
pub(crate) fn record(
    db: &Db,
    now: &str,
    actor: &Collaborator,
    action: &str,
    entity: &str,
    id: i64,
    changes: Changes,
) -> Result<()> {
    crate::repo::audit::record(
        db,
        now,
        &Entry {
            actor_id: Some(actor.id),
            action,
            entity,
            entity_id: Some(id),
            changes,
        },
    )
}
