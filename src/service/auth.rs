//! Authentication: set-up, login, the current session, logout, password change
//! (PRODUCT.md §5).

use serde_json::Value;
use time::Duration;

use super::Context;
use super::permissions::{self, Action, Target};
use super::session::{self, Session};
use crate::db;
use crate::domain::{Collaborator, Department, Email, NewCollaborator, Password, Timestamp};
use crate::error::{Error, Result};
use crate::repo::audit::{self, Changes, Entry};
use crate::repo::{collaborators, meta};

pub const BCRYPT_COST: u32 = 12;
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCK_DURATION: Duration = Duration::minutes(15);

/// A valid cost-12 hash of a password nobody has. Unknown emails are verified against it so
/// that they cost the same time as a wrong password.
const DUMMY_HASH: &str = "$2b$12$ArGLiBpmfJLdNdi83mM08.q9ZtTcxvWj.OLMS.7/YiO6IADNaUtfa";

/// Hashes a new password with bcrypt's non-truncating function.
pub fn hash_password(password: &Password) -> Result<String> {
    bcrypt::non_truncating_hash(password.expose(), BCRYPT_COST).map_err(Error::internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    #[cfg(test)]
    tests::VERIFIED.with(|hashes| hashes.borrow_mut().push(hash.to_owned()));
    // Over-long input is an error for the non-truncating verifier: it is simply not a match.
    bcrypt::non_truncating_verify(password, hash).unwrap_or(false)
}

/// Whether the database has no collaborator yet, so `setup` is needed.
pub fn needs_setup(ctx: &Context) -> Result<bool> {
    Ok(!collaborators::any(ctx.db())?)
}

/// Creates the first management collaborator, refused once anyone exists, and logs them in
/// (they just chose the password).
pub fn setup(
    ctx: &mut Context,
    mut new: NewCollaborator,
    password: &Password,
) -> Result<Collaborator> {
    new.department = Department::Management;
    let hash = hash_password(password)?;
    let now = ctx.now();
    let secret = ctx.secret()?.clone();
    let stamp = now.to_sql();
    let now_sql = &stamp;
    let (tx, tokens) = ctx.write_keeping_tokens()?;
    if collaborators::any(&tx)? {
        return Err(Error::refused(
            "set-up is only for an empty database: log in and use `users create` instead",
        ));
    }
    let id = collaborators::insert(&tx, &new, &hash, now_sql)?;
    let changes = super::users::creation_changes(&new);
    audit::record(
        &tx,
        now_sql,
        &Entry {
            actor_id: None,
            action: "setup",
            entity: "collaborator",
            entity_id: Some(id),
            changes,
        },
    )?;
    audit::record(&tx, now_sql, &own(id, "login"))?;
    let created = collaborators::get(&tx, id)?;
    let claim = collaborators::claim(&tx, id)?;
    commit_with_session(tx, tokens, &secret, &claim, now)?;
    Ok(created)
}

/// Checks the credentials, counts failures and locks the account after
/// [`MAX_FAILED_LOGINS`]; on success stores a new session token. An unknown email and a wrong
/// password are the same `BadCredentials`, audited with no actor and the attempted email; the
/// right password on a locked account says it is locked, and for how long.
///
/// After a management reset, the right password alone is not enough: without `new_password`
/// the login fails with `PasswordChangeRequired` (changing nothing), and the caller asks for
/// one and tries again.
pub fn login(
    ctx: &mut Context,
    email: &Email,
    password: &str,
    new_password: Option<&Password>,
) -> Result<Collaborator> {
    let credentials = collaborators::credentials(ctx.db(), email)?;
    let hash = credentials
        .as_ref()
        .map_or(DUMMY_HASH, |c| c.password_hash.as_str());
    let matches = verify_password(password, hash);
    let now = ctx.now();
    let stamp = now.to_sql();
    let attempt = Changes::new().field("email", Value::Null, email.as_ref());
    let Some(credentials) = credentials else {
        let tx = db::write(ctx.db_mut())?;
        audit::record(&tx, &stamp, &anonymous("login_failed", None, attempt))?;
        crate::db::commit(tx)?;
        return Err(Error::BadCredentials);
    };
    let id = credentials.id;
    if matches && credentials.must_change_password && new_password.is_none() {
        return Err(Error::PasswordChangeRequired);
    }
    // Everything that can fail before the write is done before it, so that a login that
    // cannot save its session leaves no trace.
    let new_hash = match new_password.filter(|_| credentials.must_change_password) {
        Some(new) => Some(hash_password(new)?),
        None => None,
    };
    let secret = ctx.secret()?.clone();
    let (tx, tokens) = ctx.write_keeping_tokens()?;
    collaborators::limit_lock(&tx, id, &now.plus(LOCK_DURATION).to_sql())?;
    if !matches {
        let lock_until = now.plus(LOCK_DURATION).to_sql();
        let locked =
            collaborators::count_failed_login(&tx, id, &stamp, &lock_until, MAX_FAILED_LOGINS)?;
        audit::record(&tx, &stamp, &anonymous("login_failed", Some(id), attempt))?;
        if locked {
            audit::record(&tx, &stamp, &anonymous("lockout", Some(id), Changes::new()))?;
        }
        crate::db::commit(tx)?;
        return Err(Error::BadCredentials);
    }
    let Some(mut claim) = collaborators::accept_login(&tx, id, &stamp)? else {
        audit::record(
            &tx,
            &stamp,
            &anonymous("login_refused_locked", Some(id), attempt),
        )?;
        let until = collaborators::locked_until(&tx, id, &stamp)?;
        crate::db::commit(tx)?;
        // The password was right: saying the account is locked tells a guesser nothing.
        let minutes = until
            .as_deref()
            .and_then(Timestamp::from_sql)
            .map_or(1, |until| now.minutes_until(until).max(1));
        return Err(Error::Locked { minutes });
    };
    if let Some(hash) = &new_hash {
        collaborators::set_password_hash(&tx, id, hash, &stamp)?;
        claim.version = collaborators::bump_token_version(&tx, id)?;
        audit::record(&tx, &stamp, &own(id, "password_change"))?;
    }
    audit::record(&tx, &stamp, &own(id, "login"))?;
    let me = collaborators::get(&tx, id)?;
    commit_with_session(tx, tokens, &secret, &claim, now)?;
    ctx.note_acting(me.id);
    Ok(me)
}

/// Issues a session token for `claim`, keeps it where this context's tokens go, then commits
/// `tx`. A write that does not commit leaves no token behind: the one kept is forgotten.
fn commit_with_session(
    tx: crate::db::Tx<'_>,
    tokens: &mut super::Tokens,
    secret: &crate::secret::Secret,
    claim: &crate::domain::Claim,
    now: Timestamp,
) -> Result<()> {
    let instance = meta::instance_id(&tx)?;
    let token = session::issue(secret, &instance, claim, now)?;
    tokens.keep(&token)?;
    db::commit(tx).inspect_err(|_| {
        let _ = tokens.forget();
    })
}

/// An audit entry about collaborator `id` (if known) with no actor: login attempts are made
/// by whoever typed them, not by the account they name.
fn anonymous(action: &'static str, id: Option<i64>, changes: Changes) -> Entry<'static> {
    Entry {
        actor_id: None,
        action,
        entity: "collaborator",
        entity_id: id,
        changes,
    }
}

/// An audit entry about collaborator `id`, acting on their own account.
fn own(id: i64, action: &'static str) -> Entry<'static> {
    Entry {
        actor_id: Some(id),
        action,
        entity: "collaborator",
        entity_id: Some(id),
        changes: Changes::new(),
    }
}

/// The collaborator of the stored session, as stored now; `NotLoggedIn` unless the token is
/// valid and still names them (same identity, same token version).
pub fn current(ctx: &Context) -> Result<Session> {
    session_of(ctx, Error::NotLoggedIn)
}

/// The collaborator a command acts as: [`actor`], but a genuine token whose session ended
/// since (logout elsewhere, department change, password reset, deletion) is `SessionEnded`.
/// The shell asked who is logged in before the command (and its form) started; a session that
/// is gone now ended while the command waited.
pub fn acting(ctx: &Context) -> Result<Session> {
    match session_of(ctx, Error::SessionEnded) {
        Err(Error::NotLoggedIn) if needs_setup(ctx)? => actor(ctx),
        other => other,
    }
}

/// The session of the token presented; `ended` when the token is genuine but no longer
/// names the collaborator as stored.
fn session_of(ctx: &Context, ended: Error) -> Result<Session> {
    let token = ctx.presented_token()?;
    let instance = meta::instance_id(ctx.db())?;
    let claim = session::verify(ctx.secret()?, &instance, &token, ctx.now())?;
    let who = collaborators::find_for_session(ctx.db(), &claim)?.ok_or(ended)?;
    ctx.note_acting(who.id);
    Ok(Session::new(who, claim))
}

/// [`current`], but on a database nobody was set up on yet, where "not logged in" would send
/// the user to a `login` that cannot work, says what to do instead.
pub fn actor(ctx: &Context) -> Result<Session> {
    match current(ctx) {
        Err(Error::NotLoggedIn) if needs_setup(ctx)? => Err(Error::refused(
            "this database has no collaborators yet: run `epicevents setup` to create the first management account, or `epicevents demo` for sample data",
        )),
        other => other,
    }
}

/// Who is logged in, if anyone: `None` when nobody is (no session, an expired or ended one, a
/// database nobody was set up on). A lookup that did not finish is an error rather than
/// "nobody": Ctrl-C interrupting it, or a fault of the database.
pub fn current_if_any(ctx: &Context) -> Result<Option<Session>> {
    match current(ctx) {
        Ok(session) => Ok(Some(session)),
        Err(err @ (Error::Cancelled | Error::Fault(_) | Error::Internal(_))) => Err(err),
        Err(_) => Ok(None),
    }
}

/// The session collaborator `id` would get by logging in now, without a password (tests that
/// act as someone without paying for bcrypt).
#[cfg(test)]
pub(crate) fn session_for(ctx: &Context, id: i64) -> Result<Session> {
    let claim = collaborators::claim(ctx.db(), id)?;
    Ok(Session::new(collaborators::get(ctx.db(), id)?, claim))
}

/// Ends the session everywhere (the token version moves on) and removes the stored token.
/// Returns who was logged out, if anyone.
pub fn logout(ctx: &mut Context) -> Result<Option<Collaborator>> {
    let me = match current(ctx) {
        Ok(me) => me,
        Err(Error::NotLoggedIn | Error::SessionExpired) => {
            ctx.forget_token()?;
            return Ok(None);
        }
        Err(err) => return Err(err),
    };
    let now = ctx.now().to_sql();
    match ctx.write_as_keeping_tokens(&me) {
        Ok((tx, actor, tokens)) => {
            collaborators::bump_token_version(&tx, actor.id)?;
            audit::record(&tx, &now, &own(actor.id, "logout"))?;
            crate::db::commit(tx)?;
            tokens.forget()?;
            return Ok(Some(actor));
        }
        // Ended meanwhile: there is nothing left to end but the stored token.
        Err(Error::SessionEnded) => {}
        Err(err) => return Err(err),
    }
    ctx.forget_token()?;
    Ok(None)
}

/// Changes the actor's own password after checking the current one. A wrong current password
/// counts toward the same lock-out as a wrong login, and is audited. Every other session of
/// the actor ends; this one continues with a new token.
pub fn change_password(
    ctx: &mut Context,
    session: &Session,
    current: &str,
    new: &Password,
) -> Result<()> {
    permissions::check(&session.who, Action::ChangeOwnPassword, Target::none())?;
    let stored = collaborators::password_hash(ctx.db(), session.who.id)?;
    let matches = verify_password(current, &stored);
    let hash = if matches {
        Some(hash_password(new)?)
    } else {
        None
    };
    let now = ctx.now();
    let stamp = now.to_sql();
    let secret = ctx.secret()?.clone();
    let (tx, actor, tokens) = ctx.write_as_keeping_tokens(session)?;
    permissions::check(&actor, Action::ChangeOwnPassword, Target::none())?;
    collaborators::limit_lock(&tx, actor.id, &now.plus(LOCK_DURATION).to_sql())?;
    if let Some(until) = collaborators::locked_until(&tx, actor.id, &stamp)? {
        let minutes =
            Timestamp::from_sql(&until).map_or(1, |until| now.minutes_until(until).max(1));
        return Err(Error::Locked { minutes });
    }
    let Some(hash) = hash else {
        let lock_until = now.plus(LOCK_DURATION).to_sql();
        let locked = collaborators::count_failed_login(
            &tx,
            actor.id,
            &stamp,
            &lock_until,
            MAX_FAILED_LOGINS,
        )?;
        audit::record(&tx, &stamp, &own(actor.id, "password_change_failed"))?;
        if locked {
            audit::record(
                &tx,
                &stamp,
                &anonymous("lockout", Some(actor.id), Changes::new()),
            )?;
        }
        crate::db::commit(tx)?;
        return Err(Error::invalid(
            "current password",
            "it does not match; your password is unchanged",
        ));
    };
    collaborators::set_password_hash(&tx, actor.id, &hash, &stamp)?;
    collaborators::bump_token_version(&tx, actor.id)?;
    audit::record(&tx, &stamp, &own(actor.id, "password_change"))?;
    let claim = collaborators::claim(&tx, actor.id)?;
    commit_with_session(tx, tokens, &secret, &claim, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::config::Config;
    use crate::service::demo;

    thread_local! {
        /// The hashes bcrypt verified against, in this test's thread.
        pub(super) static VERIFIED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    fn demo_context(dir: &tempfile::TempDir) -> Context {
        let config = Config {
            secret: Some("a test secret of at least thirty-two bytes".into()),
            ..Config::in_dir(dir.path())
        };
        let mut ctx = Context::open(config).unwrap();
        demo::load(&mut ctx).unwrap();
        ctx
    }

    /// An unknown email must cost what a wrong password costs: a real bcrypt verification,
    /// against the cost-12 dummy hash. If the dummy verification were skipped, this fails.
    #[test]
    fn an_unknown_email_still_runs_bcrypt_against_the_dummy_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = demo_context(&dir);
        VERIFIED.with(|v| v.borrow_mut().clear());
        let email = Email::parse("nobody@epic.com").unwrap();
        let err = login(&mut ctx, &email, "some password", None).unwrap_err();
        assert!(matches!(err, Error::BadCredentials));
        assert_eq!(VERIFIED.with(|v| v.borrow().clone()), [DUMMY_HASH]);
        let known = Email::parse("bill.boquet@epic.com").unwrap();
        let err = login(&mut ctx, &known, "some password", None).unwrap_err();
        assert!(matches!(err, Error::BadCredentials));
        let verified = VERIFIED.with(|v| v.borrow().clone());
        assert_eq!(verified.len(), 2);
        assert_ne!(
            verified[1], DUMMY_HASH,
            "a known email is verified against its hash"
        );
    }

    #[test]
    fn a_reset_password_must_be_replaced_before_the_login_completes() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = demo_context(&dir);
        let alice = session_for(&ctx, 1).unwrap();
        let temporary = Password::parse("a temporary password".into()).unwrap();
        super::super::users::reset_password(&mut ctx, &alice, 2, &temporary).unwrap();
        let bill = Email::parse("bill.boquet@epic.com").unwrap();
        let err = login(&mut ctx, &bill, "a temporary password", None).unwrap_err();
        assert!(matches!(err, Error::PasswordChangeRequired), "{err:?}");
        assert!(current(&ctx).is_err(), "no session yet");
        let chosen = Password::parse("bill's very own password".into()).unwrap();
        login(&mut ctx, &bill, "a temporary password", Some(&chosen)).unwrap();
        assert_eq!(current(&ctx).unwrap().who.id, 2);
        assert!(login(&mut ctx, &bill, "a temporary password", None).is_err());
        login(&mut ctx, &bill, "bill's very own password", None).unwrap();
    }

    #[test]
    fn the_dummy_hash_costs_as_much_as_a_real_one() {
        let cost: u32 = DUMMY_HASH[4..6].parse().unwrap();
        assert_eq!(cost, BCRYPT_COST);
        assert!(!verify_password("anything", DUMMY_HASH));
    }
}
