//! What logging in reads and writes about a collaborator: credentials, the claim a session
//! token names, and login throttling.

use crate::db::Db;
use rusqlite::{OptionalExtension, named_params};

use super::{SELECT, from_row};
use crate::domain::{Claim, Collaborator, Email};
use crate::error::{Error, Result};
use crate::repo::Doing as _;

/// The collaborator a session's claim names, if the claim still holds: same id, same random
/// identity, same token version.
pub fn find_for_session(db: &Db, claim: &Claim) -> Result<Option<Collaborator>> {
    let conn =
        sqlite_or!(db, pg => crate::repo::postgres::collaborators::find_for_session(pg, claim));
    let sql = format!(
        "{SELECT} WHERE c.id = :id AND c.identity = :identity AND c.token_version = :version"
    );
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| {
            stmt.query_row(
                named_params! {
                    ":id": claim.collaborator_id,
                    ":identity": claim.identity,
                    ":version": claim.version,
                },
                from_row,
            )
            .optional()
        })
        .doing("reading a session's collaborator")
}

/// What a login needs to know about an account.
#[derive(Debug)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    /// Set by a management reset: a new password must be chosen before logging in.
    pub must_change_password: bool,
}

pub fn credentials(db: &Db, email: &Email) -> Result<Option<Credentials>> {
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::credentials(pg, email));
    conn.prepare_cached(
        "SELECT id, password_hash, must_change_password FROM collaborators WHERE email = ?1",
    )
    .and_then(|mut stmt| {
        stmt.query_row([email.as_ref()], |row| {
            Ok(Credentials {
                id: row.get("id")?,
                password_hash: row.get("password_hash")?,
                must_change_password: row.get("must_change_password")?,
            })
        })
        .optional()
    })
    .doing("reading a collaborator's credentials")
}

/// The password hash of collaborator `id`.
pub fn password_hash(db: &Db, id: i64) -> Result<String> {
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::password_hash(pg, id));
    conn.prepare_cached("SELECT password_hash FROM collaborators WHERE id = ?1")
        .and_then(|mut stmt| stmt.query_row([id], |row| row.get(0)).optional())
        .doing("reading a collaborator's password hash")?
        .ok_or(Error::not_found("collaborator", id))
}

/// Stores a password the collaborator chose (which lifts a reset's obligation to choose one).
pub fn set_password_hash(db: &Db, id: i64, hash: &str, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::set_password_hash(pg, id, hash, now));
    conn.prepare_cached(
        "UPDATE collaborators SET password_hash = ?2, must_change_password = 0, updated_at = ?3 WHERE id = ?1",
    )
    .and_then(|mut stmt| stmt.execute(rusqlite::params![id, hash, now]))
    .doing("storing a collaborator's password")?;
    Ok(())
}

/// Stores a temporary password set by management: the collaborator must choose a new one at
/// their next login, and any lock-out ends.
pub fn reset_password(db: &Db, id: i64, hash: &str, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::reset_password(pg, id, hash, now));
    conn.prepare_cached(
        r"UPDATE collaborators SET password_hash = ?2, must_change_password = 1,
              failed_logins = 0, locked_until = NULL, updated_at = ?3
          WHERE id = ?1",
    )
    .and_then(|mut stmt| stmt.execute(rusqlite::params![id, hash, now]))
    .doing("resetting a collaborator's password")?;
    Ok(())
}

/// Ends the lock-out of collaborator `id` and forgets their failed attempts; returns whether
/// they were locked out at `now`.
pub fn unlock(db: &Db, id: i64, now: &str) -> Result<bool> {
    let was_locked = locked_until(db, id, now)?.is_some();
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::unlock(pg, id).map(|()| was_locked));
    conn.prepare_cached(
        "UPDATE collaborators SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
    )
    .and_then(|mut stmt| stmt.execute([id]))
    .doing("unlocking a collaborator")?;
    Ok(was_locked)
}

/// When collaborator `id` is locked out at `now`, until when.
pub fn locked_until(db: &Db, id: i64, now: &str) -> Result<Option<String>> {
    let conn =
        sqlite_or!(db, pg => crate::repo::postgres::collaborators::locked_until(pg, id, now));
    conn.prepare_cached(
        "SELECT locked_until FROM collaborators WHERE id = ?1 AND locked_until > ?2",
    )
    .and_then(|mut stmt| {
        stmt.query_row(rusqlite::params![id, now], |row| row.get(0))
            .optional()
    })
    .doing("reading a collaborator's lock-out")
}

/// Shortens a lock-out that ends after `latest` to end then. A lock is set for 15 minutes
/// from the clock of the machine that set it; one set by a clock far ahead must not lock
/// the account for years.
pub fn limit_lock(db: &Db, id: i64, latest: &str) -> Result<()> {
    let conn =
        sqlite_or!(db, pg => crate::repo::postgres::collaborators::limit_lock(pg, id, latest));
    conn.prepare_cached(
        "UPDATE collaborators SET locked_until = ?2 WHERE id = ?1 AND locked_until > ?2",
    )
    .and_then(|mut stmt| stmt.execute(rusqlite::params![id, latest]))
    .doing("limiting a collaborator's lock-out")?;
    Ok(())
}

/// Ends every session of collaborator `id`; returns the new token version.
pub fn bump_token_version(db: &Db, id: i64) -> Result<i64> {
    let conn =
        sqlite_or!(db, pg => crate::repo::postgres::collaborators::bump_token_version(pg, id));
    conn.prepare_cached("UPDATE collaborators SET token_version = token_version + 1 WHERE id = ?1 RETURNING token_version")
        .and_then(|mut stmt| stmt.query_row([id], |row| row.get(0)).optional())
        .doing("ending a collaborator's sessions")?
        .ok_or(Error::not_found("collaborator", id))
}

/// After a correct password: clears the failure count unless the account is locked at `now`.
/// Returns what the session token names, or `None` when the account is locked.
pub fn accept_login(db: &Db, id: i64, now: &str) -> Result<Option<Claim>> {
    let conn =
        sqlite_or!(db, pg => crate::repo::postgres::collaborators::accept_login(pg, id, now));
    conn.prepare_cached(
        r"UPDATE collaborators SET failed_logins = 0, locked_until = NULL
          WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
          RETURNING identity, token_version",
    )
    .and_then(|mut stmt| {
        stmt.query_row(named_params! { ":id": id, ":now": now }, |row| {
            Ok(Claim {
                collaborator_id: id,
                identity: row.get("identity")?,
                version: row.get("token_version")?,
            })
        })
        .optional()
    })
    .doing("accepting a login")
}

/// What a new session token of collaborator `id` names, as stored now.
pub fn claim(db: &Db, id: i64) -> Result<Claim> {
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::claim(pg, id));
    conn.prepare_cached("SELECT identity, token_version FROM collaborators WHERE id = ?1")
        .and_then(|mut stmt| {
            stmt.query_row([id], |row| {
                Ok(Claim {
                    collaborator_id: id,
                    identity: row.get("identity")?,
                    version: row.get("token_version")?,
                })
            })
            .optional()
        })
        .doing("reading a collaborator's session claim")?
        .ok_or(Error::not_found("collaborator", id))
}

/// After a wrong password: counts the failure in one atomic statement and locks the account
/// until `lock_until` when it reaches `max_failures`. A lapsed lock starts a fresh count; a
/// current lock is left as it is. Returns whether this failure locked the account.
pub fn count_failed_login(
    db: &Db,
    id: i64,
    now: &str,
    lock_until: &str,
    max_failures: i64,
) -> Result<bool> {
    let conn = sqlite_or!(db, pg => crate::repo::postgres::collaborators::count_failed_login(pg, id, now, lock_until, max_failures));
    let locked: Option<bool> = conn
        .prepare_cached(
            r"UPDATE collaborators SET
                  failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END,
                  locked_until = CASE
                      WHEN (CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END) >= :max
                      THEN :lock_until ELSE NULL END
              WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
              RETURNING locked_until IS NOT NULL",
        )
        .and_then(|mut stmt| {
            stmt.query_row(
                named_params! { ":id": id, ":now": now, ":lock_until": lock_until, ":max": max_failures },
                |row| row.get(0),
            )
            .optional()
        })
        .doing("counting a failed login")?;
    Ok(locked.unwrap_or(false))
}
