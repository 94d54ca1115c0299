//! Authentication: set-up, login, the current session, logout, password change
//! (PRODUCT.md §5).

use time::Duration;

use super::Context;
use super::permissions::{self, Action, Target};
use super::session::{self, Claimed};
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
    // Over-long input is an error for the non-truncating verifier: it is simply not a match.
    bcrypt::non_truncating_verify(password, hash).unwrap_or(false)
}

/// Whether the database has no collaborator yet, so `setup` is needed.
pub fn needs_setup(ctx: &Context) -> Result<bool> {
    Ok(!collaborators::any(ctx.conn())?)
}

/// Creates the first management collaborator; refused once anyone exists.
pub fn setup(
    ctx: &mut Context,
    mut new: NewCollaborator,
    password: &Password,
) -> Result<Collaborator> {
    new.department = Department::Management;
    let hash = hash_password(password)?;
    let now = ctx.now().to_sql();
    let tx = db::write(ctx.conn_mut())?;
    if collaborators::any(&tx)? {
        return Err(Error::refused(
            "set-up is only for an empty database: log in and use `users create` instead",
        ));
    }
    let id = collaborators::insert(&tx, &new, &hash, &now)?;
    let changes = super::users::creation_changes(&new);
    audit::record(
        &tx,
        &now,
        &Entry {
            actor_id: None,
            action: "setup",
            entity: "collaborator",
            entity_id: Some(id),
            changes,
        },
    )?;
    let created = collaborators::get(&tx, id)?;
    tx.commit()?;
    Ok(created)
}

/// Checks the credentials, counts failures and locks the account after
/// [`MAX_FAILED_LOGINS`]; on success stores a new session token. Every failure (unknown
/// email, wrong password, locked account) is the same `BadCredentials`.
pub fn login(ctx: &mut Context, email: &Email, password: &str) -> Result<Collaborator> {
    let credentials = collaborators::credentials(ctx.conn(), email)?;
    let hash = credentials
        .as_ref()
        .map_or(DUMMY_HASH, |c| c.password_hash.as_str());
    let matches = verify_password(password, hash);
    let Some(credentials) = credentials else {
        return Err(Error::BadCredentials);
    };
    let now = ctx.now();
    let id = credentials.id;
    let tx = db::write(ctx.conn_mut())?;
    let entry = |action| Entry {
        actor_id: Some(id),
        action,
        entity: "collaborator",
        entity_id: Some(id),
        changes: Changes::new(),
    };
    if !matches {
        let lock_until = now.plus(LOCK_DURATION).to_sql();
        let locked = collaborators::count_failed_login(
            &tx,
            id,
            &now.to_sql(),
            &lock_until,
            MAX_FAILED_LOGINS,
        )?;
        audit::record(&tx, &now.to_sql(), &entry("login_failed"))?;
        if locked {
            audit::record(&tx, &now.to_sql(), &entry("lockout"))?;
        }
        tx.commit()?;
        return Err(Error::BadCredentials);
    }
    let Some(version) = collaborators::accept_login(&tx, id, &now.to_sql())? else {
        audit::record(&tx, &now.to_sql(), &entry("login_refused_locked"))?;
        tx.commit()?;
        return Err(Error::BadCredentials);
    };
    audit::record(&tx, &now.to_sql(), &entry("login"))?;
    let me = collaborators::get(&tx, id)?;
    tx.commit()?;
    start_session(
        ctx,
        Claimed {
            collaborator_id: id,
            version,
        },
        now,
    )?;
    Ok(me)
}

fn start_session(ctx: &Context, claimed: Claimed, now: Timestamp) -> Result<()> {
    let instance = meta::instance_id(ctx.conn())?;
    let token = session::issue(ctx.secret()?, &instance, claimed, now)?;
    session::store(&ctx.config.session_path(), &token)
}

/// The collaborator of the stored session, as stored now; `NotLoggedIn` unless the token is
/// valid and its version is still the collaborator's.
pub fn current(ctx: &Context) -> Result<Collaborator> {
    let token = session::load(&ctx.config.session_path())?;
    let instance = meta::instance_id(ctx.conn())?;
    let claimed = session::verify(ctx.secret()?, &instance, &token, ctx.now())?;
    let version = collaborators::token_version(ctx.conn(), claimed.collaborator_id)?;
    if version != Some(claimed.version) {
        return Err(Error::NotLoggedIn);
    }
    collaborators::find(ctx.conn(), claimed.collaborator_id)?.ok_or(Error::NotLoggedIn)
}

/// Ends the session everywhere (the token version moves on) and removes the stored token.
/// Returns who was logged out, if anyone.
pub fn logout(ctx: &mut Context) -> Result<Option<Collaborator>> {
    let me = match current(ctx) {
        Ok(me) => me,
        Err(Error::NotLoggedIn) => {
            session::forget(&ctx.config.session_path())?;
            return Ok(None);
        }
        Err(err) => return Err(err),
    };
    let now = ctx.now().to_sql();
    let tx = db::write(ctx.conn_mut())?;
    collaborators::bump_token_version(&tx, me.id)?;
    let entry = Entry {
        actor_id: Some(me.id),
        action: "logout",
        entity: "collaborator",
        entity_id: Some(me.id),
        changes: Changes::new(),
    };
    audit::record(&tx, &now, &entry)?;
    tx.commit()?;
    session::forget(&ctx.config.session_path())?;
    Ok(Some(me))
}

/// Changes the actor's own password after checking the current one. Every other session of
/// the actor ends; this one continues with a new token.
pub fn change_password(
    ctx: &mut Context,
    actor: &Collaborator,
    current: &str,
    new: &Password,
) -> Result<()> {
    permissions::check(actor, Action::ChangeOwnPassword, Target::none())?;
    if !verify_password(
        current,
        &collaborators::password_hash(ctx.conn(), actor.id)?,
    ) {
        return Err(Error::invalid(
            "current password",
            "it does not match; your password is unchanged",
        ));
    }
    let hash = hash_password(new)?;
    let now = ctx.now();
    let tx = db::write(ctx.conn_mut())?;
    collaborators::set_password_hash(&tx, actor.id, &hash, &now.to_sql())?;
    let version = collaborators::bump_token_version(&tx, actor.id)?;
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "password_change",
        entity: "collaborator",
        entity_id: Some(actor.id),
        changes: Changes::new(),
    };
    audit::record(&tx, &now.to_sql(), &entry)?;
    tx.commit()?;
    start_session(
        ctx,
        Claimed {
            collaborator_id: actor.id,
            version,
        },
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_costs_as_much_as_a_real_one() {
        let cost: u32 = DUMMY_HASH[4..6].parse().unwrap();
        assert_eq!(cost, BCRYPT_COST);
        assert!(!verify_password("anything", DUMMY_HASH));
    }
}
