//! Collaborators, their credentials, sessions and login throttling.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, ToSql, named_params};

use super::{Window, unique_violation};
use crate::domain::Claim;
use crate::domain::field::{Field as _, Values as _};
use crate::domain::{
    Collaborator, CollaboratorField, CollaboratorPatch, Department, Email, NewCollaborator,
};
use crate::error::{Error, Result};

const SELECT: &str = r"
    SELECT c.id, c.employee_number, c.full_name, c.email, c.phone, d.name AS department,
           c.created_at, c.updated_at
    FROM collaborators c JOIN departments d ON d.id = c.department_id";

/// A collaborator from a row of [`SELECT`], read by column name.
fn from_row(row: &Row<'_>) -> rusqlite::Result<Collaborator> {
    let department: String = row.get("department")?;
    Ok(Collaborator {
        id: row.get("id")?,
        employee_number: row.get("employee_number")?,
        full_name: row.get("full_name")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        department: Department::parse(&department).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                "unknown department".into(),
            )
        })?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

/// Turns the UNIQUE violations a user can cause into field errors.
fn map_unique(err: rusqlite::Error) -> Error {
    match unique_violation(&err) {
        Some("collaborators.email") => {
            Error::invalid("email", "another collaborator already uses this address")
        }
        Some("collaborators.employee_number") => Error::invalid(
            "employee number",
            "another collaborator already has this number",
        ),
        _ => err.into(),
    }
}

pub fn insert(
    conn: &Connection,
    new: &NewCollaborator,
    password_hash: &str,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        r"INSERT INTO collaborators
              (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
          VALUES (:employee_number, :full_name, :email, :phone,
                  (SELECT id FROM departments WHERE name = :department), :hash, :now, :now)",
    )?
    .execute(named_params! {
        ":employee_number": new.employee_number.as_ref(),
        ":full_name": new.full_name.as_ref(),
        ":email": new.email.as_ref(),
        ":phone": new.phone.as_ref(),
        ":department": new.department.as_str(),
        ":hash": password_hash,
        ":now": now,
    })
    .map_err(map_unique)?;
    Ok(conn.last_insert_rowid())
}

/// Whether a collaborator other than `except` already has `value` in the unique column
/// `column` (the login, or the employee number).
pub fn taken(conn: &Connection, column: Unique, value: &str, except: Option<i64>) -> Result<bool> {
    let sql = match column {
        Unique::Email => {
            "SELECT EXISTS (SELECT 1 FROM collaborators WHERE email = ?1 AND id IS NOT ?2)"
        }
        Unique::EmployeeNumber => {
            "SELECT EXISTS (SELECT 1 FROM collaborators WHERE employee_number = ?1 AND id IS NOT ?2)"
        }
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row(rusqlite::params![value, except], |row| row.get(0))?)
}

/// The columns no two collaborators share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    Email,
    EmployeeNumber,
}

pub fn find(conn: &Connection, id: i64) -> Result<Option<Collaborator>> {
    let sql = format!("{SELECT} WHERE c.id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

/// The collaborator `id`, or `NotFound`.
pub fn get(conn: &Connection, id: i64) -> Result<Collaborator> {
    find(conn, id)?.ok_or(Error::NotFound {
        entity: "collaborator",
        id,
    })
}

pub fn count(conn: &Connection, department: Option<Department>) -> Result<u64> {
    let count: i64 = match department {
        None => conn.prepare_cached("SELECT COUNT(*) FROM collaborators")?.query_row([], |r| r.get(0))?,
        Some(d) => conn
            .prepare_cached(
                "SELECT COUNT(*) FROM collaborators WHERE department_id = (SELECT id FROM departments WHERE name = ?1)",
            )?
            .query_row([d.as_str()], |r| r.get(0))?,
    };
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Calls `f` for each collaborator (of `department`, if given) in id order, within `window`
/// if given, reading one row at a time.
pub fn for_each(
    conn: &Connection,
    department: Option<Department>,
    window: Option<Window>,
    f: &mut dyn FnMut(Collaborator) -> Result<()>,
) -> Result<()> {
    let filter = if department.is_some() {
        "WHERE d.name = :department"
    } else {
        "WHERE :department IS NULL"
    };
    let sql = format!("{SELECT} {filter} ORDER BY c.id LIMIT :limit OFFSET :offset");
    let (limit, offset) = window.map_or((-1, 0), |w| {
        (
            i64::from(w.limit),
            i64::try_from(w.offset).unwrap_or(i64::MAX),
        )
    });
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(named_params! {
        ":department": department.map(Department::as_str),
        ":limit": limit,
        ":offset": offset,
    })?;
    while let Some(row) = rows.next()? {
        f(from_row(row)?)?;
    }
    Ok(())
}

/// Applies `patch` to collaborator `id`. The caller handles what a department change implies.
pub fn update(conn: &Connection, id: i64, patch: &CollaboratorPatch, now: &str) -> Result<()> {
    // Each field of the table is bound to its `:key`; `COALESCE` keeps what the patch leaves.
    let mut params: Vec<(&str, Value)> =
        vec![(":now", Value::Text(now.to_owned())), (":id", id.into())];
    for field in CollaboratorField::ALL {
        let given = patch
            .value(*field)
            .and_then(|v| v.as_str().map(str::to_owned));
        let name = match field {
            CollaboratorField::Department => ":department",
            CollaboratorField::EmployeeNumber => ":employee_number",
            CollaboratorField::FullName => ":full_name",
            CollaboratorField::Email => ":email",
            CollaboratorField::Phone => ":phone",
        };
        params.push((name, given.map_or(Value::Null, Value::Text)));
    }
    let bound: Vec<(&str, &dyn ToSql)> =
        params.iter().map(|(n, v)| (*n, v as &dyn ToSql)).collect();
    conn.prepare_cached(
        r"UPDATE collaborators SET
              employee_number = COALESCE(:employee_number, employee_number),
              full_name = COALESCE(:full_name, full_name),
              email = COALESCE(:email, email),
              phone = COALESCE(:phone, phone),
              department_id = COALESCE((SELECT id FROM departments WHERE name = :department), department_id),
              updated_at = :now
          WHERE id = :id",
    )?
    .execute(bound.as_slice())
    .map_err(map_unique)?;
    Ok(())
}

/// Deletes collaborator `id`; the schema empties the sales contact of their clients and the
/// support contact of their events.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM collaborators WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Empties the sales contact of the clients of `id`; returns how many there were.
pub fn release_clients(conn: &Connection, id: i64, now: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE clients SET sales_contact_id = NULL, updated_at = ?2 WHERE sales_contact_id = ?1")?
        .execute(rusqlite::params![id, now])?)
}

/// Empties the support contact of the events of `id`; returns how many there were.
pub fn release_events(conn: &Connection, id: i64, now: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE events SET support_contact_id = NULL, updated_at = ?2 WHERE support_contact_id = ?1")?
        .execute(rusqlite::params![id, now])?)
}

/// How many collaborators there are in management.
pub fn count_management(conn: &Connection) -> Result<u64> {
    count(conn, Some(Department::Management))
}

/// The collaborator a session's claim names, if the claim still holds: same id, same random
/// identity, same token version.
pub fn find_for_session(conn: &Connection, claim: &Claim) -> Result<Option<Collaborator>> {
    let sql = format!(
        "{SELECT} WHERE c.id = :id AND c.identity = :identity AND c.token_version = :version"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            named_params! {
                ":id": claim.collaborator_id,
                ":identity": claim.identity,
                ":version": claim.version,
            },
            from_row,
        )
        .optional()?)
}

/// What a login needs to know about an account.
#[derive(Debug)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    /// Set by a management reset: a new password must be chosen before logging in.
    pub must_change_password: bool,
}

pub fn credentials(conn: &Connection, email: &Email) -> Result<Option<Credentials>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, password_hash, must_change_password FROM collaborators WHERE email = ?1",
        )?
        .query_row([email.as_ref()], |row| {
            Ok(Credentials {
                id: row.get("id")?,
                password_hash: row.get("password_hash")?,
                must_change_password: row.get("must_change_password")?,
            })
        })
        .optional()?)
}

/// The password hash of collaborator `id`.
pub fn password_hash(conn: &Connection, id: i64) -> Result<String> {
    conn.prepare_cached("SELECT password_hash FROM collaborators WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?
        .ok_or(Error::NotFound {
            entity: "collaborator",
            id,
        })
}

/// Stores a password the collaborator chose (which lifts a reset's obligation to choose one).
pub fn set_password_hash(conn: &Connection, id: i64, hash: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE collaborators SET password_hash = ?2, must_change_password = 0, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(rusqlite::params![id, hash, now])?;
    Ok(())
}

/// Stores a temporary password set by management: the collaborator must choose a new one at
/// their next login, and any lock-out ends.
pub fn reset_password(conn: &Connection, id: i64, hash: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        r"UPDATE collaborators SET password_hash = ?2, must_change_password = 1,
              failed_logins = 0, locked_until = NULL, updated_at = ?3
          WHERE id = ?1",
    )?
    .execute(rusqlite::params![id, hash, now])?;
    Ok(())
}

/// Ends the lock-out of collaborator `id` and forgets their failed attempts; returns whether
/// they were locked out at `now`.
pub fn unlock(conn: &Connection, id: i64, now: &str) -> Result<bool> {
    let was_locked = locked_until(conn, id, now)?.is_some();
    conn.prepare_cached(
        "UPDATE collaborators SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(was_locked)
}

/// When collaborator `id` is locked out at `now`, until when.
pub fn locked_until(conn: &Connection, id: i64, now: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT locked_until FROM collaborators WHERE id = ?1 AND locked_until > ?2",
        )?
        .query_row(rusqlite::params![id, now], |row| row.get(0))
        .optional()?)
}

/// Shortens a lock-out that ends after `latest` to end then. A lock is set for 15 minutes
/// from the clock of the machine that set it; one set by a clock far ahead must not lock
/// the account for years.
pub fn limit_lock(conn: &Connection, id: i64, latest: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE collaborators SET locked_until = ?2 WHERE id = ?1 AND locked_until > ?2",
    )?
    .execute(rusqlite::params![id, latest])?;
    Ok(())
}

/// Ends every session of collaborator `id`; returns the new token version.
pub fn bump_token_version(conn: &Connection, id: i64) -> Result<i64> {
    conn.prepare_cached("UPDATE collaborators SET token_version = token_version + 1 WHERE id = ?1 RETURNING token_version")?
        .query_row([id], |row| row.get(0))
        .optional()?
        .ok_or(Error::NotFound { entity: "collaborator", id })
}

/// After a correct password: clears the failure count unless the account is locked at `now`.
/// Returns what the session token names, or `None` when the account is locked.
pub fn accept_login(conn: &Connection, id: i64, now: &str) -> Result<Option<Claim>> {
    Ok(conn
        .prepare_cached(
            r"UPDATE collaborators SET failed_logins = 0, locked_until = NULL
              WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
              RETURNING identity, token_version",
        )?
        .query_row(named_params! { ":id": id, ":now": now }, |row| {
            Ok(Claim {
                collaborator_id: id,
                identity: row.get("identity")?,
                version: row.get("token_version")?,
            })
        })
        .optional()?)
}

/// What a new session token of collaborator `id` names, as stored now.
pub fn claim(conn: &Connection, id: i64) -> Result<Claim> {
    conn.prepare_cached("SELECT identity, token_version FROM collaborators WHERE id = ?1")?
        .query_row([id], |row| {
            Ok(Claim {
                collaborator_id: id,
                identity: row.get("identity")?,
                version: row.get("token_version")?,
            })
        })
        .optional()?
        .ok_or(Error::NotFound {
            entity: "collaborator",
            id,
        })
}

/// After a wrong password: counts the failure in one atomic statement and locks the account
/// until `lock_until` when it reaches `max_failures`. A lapsed lock starts a fresh count; a
/// current lock is left as it is. Returns whether this failure locked the account.
pub fn count_failed_login(
    conn: &Connection,
    id: i64,
    now: &str,
    lock_until: &str,
    max_failures: i64,
) -> Result<bool> {
    let locked: Option<bool> = conn
        .prepare_cached(
            r"UPDATE collaborators SET
                  failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END,
                  locked_until = CASE
                      WHEN (CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END) >= :max
                      THEN :lock_until ELSE NULL END
              WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
              RETURNING locked_until IS NOT NULL",
        )?
        .query_row(
            named_params! { ":id": id, ":now": now, ":lock_until": lock_until, ":max": max_failures },
            |row| row.get(0),
        )
        .optional()?;
    Ok(locked.unwrap_or(false))
}

/// Whether any collaborator exists (set-up is only for an empty database).
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM collaborators)")?
        .query_row([], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_stores_every_field_of_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("t.db"), crate::db::Create::Yes).unwrap();
        conn.execute_batch(
            "INSERT INTO collaborators (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
             VALUES ('E1', 'Ann', 'ann@epic.com', '06', 1, '$2b$x', 't', 't'),
                    ('E2', 'Bob', 'bob@epic.com', '06', 1, '$2b$x', 't', 't');",
        )
        .unwrap();
        let patch: CollaboratorPatch = super::super::patch_of(&[
            "support",
            "EMP-9",
            "Bob Changed",
            "bob.changed@epic.com",
            "+33 6 99 99 99",
        ]);
        update(&conn, 2, &patch, "now").unwrap();
        super::super::assert_stored(&patch, &get(&conn, 2).unwrap());
    }
}
