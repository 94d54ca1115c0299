//! Collaborators on PostgreSQL: the statements of `repo::collaborators` and of its login
//! module (credentials, sessions, login throttling). An email is compared through
//! `lower(email)`, as its unique index is, where SQLite's column says `COLLATE NOCASE`; a
//! lock-out's end is compared byte by byte (`COLLATE "C"`), as SQLite compares text.

use postgres::types::{FromSql, Type};

use super::{Conditions, Conn};
use crate::domain::{Claim, Collaborator, CollaboratorPatch, Department, Email, NewCollaborator};
use crate::error::{Error, Result};
use crate::repo::collaborators::{Credentials, Filter, Unique};
use crate::repo::{Total, Window};

const SELECT: &str = r"
    SELECT c.id, c.employee_number, c.full_name, c.email, c.phone, d.name AS department,
           c.created_at, c.updated_at
    FROM collaborators c JOIN departments d ON d.id = c.department_id";

/// A department read from its name (`departments.name`); another name fails the read.
struct DepartmentName(Department);

impl<'a> FromSql<'a> for DepartmentName {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let name = <&str as FromSql>::from_sql(ty, raw)?;
        Department::parse(name)
            .map(DepartmentName)
            .map_err(|_| "unknown department".into())
    }

    fn accepts(ty: &Type) -> bool {
        <&str as FromSql>::accepts(ty)
    }
}

/// A collaborator from a row of [`SELECT`], read by column name.
fn from_row(row: &postgres::Row) -> std::result::Result<Collaborator, postgres::Error> {
    let DepartmentName(department) = row.try_get("department")?;
    Ok(Collaborator {
        id: row.try_get("id")?,
        employee_number: row.try_get("employee_number")?,
        full_name: row.try_get("full_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        department,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The field error for a violation of the unique index `constraint` that a user can cause
/// (the same words as SQLite's), or `None` for any other.
fn unique(constraint: &str) -> Option<Error> {
    match constraint {
        "collaborators_email" => Some(Error::invalid(
            "email",
            "another collaborator already uses this address",
        )),
        "collaborators_employee_number_key" => Some(Error::invalid(
            "employee number",
            "another collaborator already has this number",
        )),
        _ => None,
    }
}

/// How many collaborators there are (of the filter's department, if given), exactly.
pub fn count(filter: &Filter, pg: &Conn) -> Result<Total> {
    let count: i64 = pg.run("counting collaborators", |client| {
        match filter.department {
            None => client.query_one("SELECT COUNT(*) FROM collaborators", &[]),
            Some(d) => client.query_one(
                "SELECT COUNT(*) FROM collaborators
                 WHERE department_id = (SELECT id FROM departments WHERE name = $1)",
                &[&d.as_str()],
            ),
        }
        .and_then(|row| row.try_get(0))
    })?;
    Ok(Total::Exact(u64::try_from(count).unwrap_or(0)))
}

/// Calls `f` for each collaborator (of the filter's department, if given) in id order,
/// within `window` if given.
pub fn for_each(
    filter: &Filter,
    pg: &Conn,
    window: Option<Window>,
    f: &mut dyn FnMut(Collaborator) -> Result<()>,
) -> Result<()> {
    let mut conditions = Conditions::default();
    if let Some(department) = filter.department {
        conditions.bind("d.name = ?", department.as_str());
    }
    conditions.visit(
        pg,
        "listing collaborators",
        |clause| format!("{SELECT} {clause} ORDER BY c.id"),
        window,
        from_row,
        f,
    )
}

/// Inserts a collaborator with the password hash `password_hash`; returns the new id.
pub fn insert(pg: &Conn, new: &NewCollaborator, password_hash: &str, now: &str) -> Result<i64> {
    pg.run_unique(
        "inserting a collaborator",
        |client| {
            client
                .query_one(
                    r"INSERT INTO collaborators
                          (employee_number, full_name, email, phone, department_id, password_hash,
                           created_at, updated_at)
                      VALUES ($1, $2, $3, $4, (SELECT id FROM departments WHERE name = $5), $6,
                              $7, $7)
                      RETURNING id",
                    &[
                        &new.employee_number.as_ref(),
                        &new.full_name.as_ref(),
                        &new.email.as_ref(),
                        &new.phone.as_ref(),
                        &new.department.as_str(),
                        &password_hash,
                        &now,
                    ],
                )
                .and_then(|row| row.try_get("id"))
        },
        unique,
    )
}

/// Whether a collaborator other than `except` already has `value` in the unique column
/// `column` (the email whatever its case, or the employee number exactly).
pub fn taken(pg: &Conn, column: Unique, value: &str, except: Option<i64>) -> Result<bool> {
    let sql = match column {
        Unique::Email => {
            "SELECT EXISTS (SELECT 1 FROM collaborators
                            WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2)"
        }
        Unique::EmployeeNumber => {
            "SELECT EXISTS (SELECT 1 FROM collaborators
                            WHERE employee_number = $1 AND id IS DISTINCT FROM $2)"
        }
    };
    pg.run(
        "checking whether a collaborator's email or number is taken",
        |client| {
            client
                .query_one(sql, &[&value, &except])
                .and_then(|row| row.try_get(0))
        },
    )
}

/// The collaborator `id`, if there is one.
pub fn find(pg: &Conn, id: i64) -> Result<Option<Collaborator>> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    pg.run("reading a collaborator", |client| {
        client
            .query_opt(&sql, &[&id])?
            .as_ref()
            .map(from_row)
            .transpose()
    })
}

/// Applies `patch` to collaborator `id`: each field not given keeps its value.
pub fn update(pg: &Conn, id: i64, patch: &CollaboratorPatch, now: &str) -> Result<()> {
    // Every field is named here: one added to the patch fails to compile until it is written.
    let CollaboratorPatch {
        employee_number,
        full_name,
        email,
        phone,
        department,
    } = patch;
    let employee_number = employee_number.as_ref().map(AsRef::<str>::as_ref);
    let full_name = full_name.as_ref().map(AsRef::<str>::as_ref);
    let email = email.as_ref().map(AsRef::<str>::as_ref);
    let phone = phone.as_ref().map(AsRef::<str>::as_ref);
    let department = department.map(Department::as_str);
    pg.run_unique(
        "updating a collaborator",
        |client| {
            client.execute(
                r"UPDATE collaborators SET
                      employee_number = COALESCE($3, employee_number),
                      full_name = COALESCE($4, full_name),
                      email = COALESCE($5, email),
                      phone = COALESCE($6, phone),
                      department_id = COALESCE((SELECT id FROM departments WHERE name = $7),
                                               department_id),
                      updated_at = $2
                  WHERE id = $1",
                &[
                    &id,
                    &now,
                    &employee_number,
                    &full_name,
                    &email,
                    &phone,
                    &department,
                ],
            )
        },
        unique,
    )?;
    Ok(())
}

/// Deletes collaborator `id`; the schema empties the sales contact of their clients and the
/// support contact of their events.
pub fn delete(pg: &Conn, id: i64) -> Result<()> {
    pg.run("deleting a collaborator", |client| {
        client.execute("DELETE FROM collaborators WHERE id = $1", &[&id])
    })?;
    Ok(())
}

/// Empties the sales contact of the clients of `id`; returns how many there were.
pub fn release_clients(pg: &Conn, id: i64, now: &str) -> Result<usize> {
    let released = pg.run("releasing a collaborator's clients", |client| {
        client.execute(
            "UPDATE clients SET sales_contact_id = NULL, updated_at = $2 WHERE sales_contact_id = $1",
            &[&id, &now],
        )
    })?;
    Ok(usize::try_from(released).unwrap_or(usize::MAX))
}

/// Empties the support contact of the events of `id`; returns how many there were.
pub fn release_events(pg: &Conn, id: i64, now: &str) -> Result<usize> {
    let released = pg.run("releasing a collaborator's events", |client| {
        client.execute(
            "UPDATE events SET support_contact_id = NULL, updated_at = $2 WHERE support_contact_id = $1",
            &[&id, &now],
        )
    })?;
    Ok(usize::try_from(released).unwrap_or(usize::MAX))
}

/// Whether any collaborator exists (set-up is only for an empty database).
pub fn any(pg: &Conn) -> Result<bool> {
    pg.run("checking whether any collaborator exists", |client| {
        client
            .query_one("SELECT EXISTS (SELECT 1 FROM collaborators)", &[])
            .and_then(|row| row.try_get(0))
    })
}

/// The collaborator a session's claim names, if the claim still holds: same id, same random
/// identity, same token version.
pub fn find_for_session(pg: &Conn, claim: &Claim) -> Result<Option<Collaborator>> {
    let sql = format!("{SELECT} WHERE c.id = $1 AND c.identity = $2 AND c.token_version = $3");
    pg.run("reading a session's collaborator", |client| {
        client
            .query_opt(
                &sql,
                &[&claim.collaborator_id, &claim.identity, &claim.version],
            )?
            .as_ref()
            .map(from_row)
            .transpose()
    })
}

/// What a login needs to know about the account of `email` (whatever its case), if any.
pub fn credentials(pg: &Conn, email: &Email) -> Result<Option<Credentials>> {
    pg.run("reading a collaborator's credentials", |client| {
        client
            .query_opt(
                "SELECT id, password_hash, must_change_password FROM collaborators
                 WHERE lower(email) = lower($1)",
                &[&email.as_ref()],
            )?
            .map(|row| {
                Ok(Credentials {
                    id: row.try_get("id")?,
                    password_hash: row.try_get("password_hash")?,
                    must_change_password: row.try_get::<_, i32>("must_change_password")? != 0,
                })
            })
            .transpose()
    })
}

/// The password hash of collaborator `id`.
pub fn password_hash(pg: &Conn, id: i64) -> Result<String> {
    pg.run("reading a collaborator's password hash", |client| {
        client
            .query_opt(
                "SELECT password_hash FROM collaborators WHERE id = $1",
                &[&id],
            )?
            .map(|row| row.try_get(0))
            .transpose()
    })?
    .ok_or(Error::not_found("collaborator", id))
}

/// Stores a password the collaborator chose (which lifts a reset's obligation to choose one).
pub fn set_password_hash(pg: &Conn, id: i64, hash: &str, now: &str) -> Result<()> {
    pg.run("storing a collaborator's password", |client| {
        client.execute(
            "UPDATE collaborators SET password_hash = $2, must_change_password = 0, updated_at = $3
             WHERE id = $1",
            &[&id, &hash, &now],
        )
    })?;
    Ok(())
}

/// Stores a temporary password set by management: the collaborator must choose a new one at
/// their next login, and any lock-out ends.
pub fn reset_password(pg: &Conn, id: i64, hash: &str, now: &str) -> Result<()> {
    pg.run("resetting a collaborator's password", |client| {
        client.execute(
            r"UPDATE collaborators SET password_hash = $2, must_change_password = 1,
                  failed_logins = 0, locked_until = NULL, updated_at = $3
              WHERE id = $1",
            &[&id, &hash, &now],
        )
    })?;
    Ok(())
}

/// Ends the lock-out of collaborator `id` and forgets their failed attempts (whether they
/// were locked out is read before, by the caller).
pub fn unlock(pg: &Conn, id: i64) -> Result<()> {
    pg.run("unlocking a collaborator", |client| {
        client.execute(
            "UPDATE collaborators SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            &[&id],
        )
    })?;
    Ok(())
}

/// When collaborator `id` is locked out at `now`, until when.
pub fn locked_until(pg: &Conn, id: i64, now: &str) -> Result<Option<String>> {
    pg.run("reading a collaborator's lock-out", |client| {
        client
            .query_opt(
                r#"SELECT locked_until FROM collaborators
                   WHERE id = $1 AND locked_until > $2 COLLATE "C""#,
                &[&id, &now],
            )?
            .map(|row| row.try_get(0))
            .transpose()
    })
}

/// Shortens a lock-out that ends after `latest` to end then (a lock set by a clock far ahead
/// must not lock the account for years).
pub fn limit_lock(pg: &Conn, id: i64, latest: &str) -> Result<()> {
    pg.run("limiting a collaborator's lock-out", |client| {
        client.execute(
            r#"UPDATE collaborators SET locked_until = $2
               WHERE id = $1 AND locked_until > $2 COLLATE "C""#,
            &[&id, &latest],
        )
    })?;
    Ok(())
}

/// Ends every session of collaborator `id`; returns the new token version.
pub fn bump_token_version(pg: &Conn, id: i64) -> Result<i64> {
    pg.run("ending a collaborator's sessions", |client| {
        client
            .query_opt(
                "UPDATE collaborators SET token_version = token_version + 1 WHERE id = $1
                 RETURNING token_version",
                &[&id],
            )?
            .map(|row| row.try_get(0))
            .transpose()
    })?
    .ok_or(Error::not_found("collaborator", id))
}

/// After a correct password: clears the failure count unless the account is locked at `now`.
/// Returns what the session token names, or `None` when the account is locked (or gone).
pub fn accept_login(pg: &Conn, id: i64, now: &str) -> Result<Option<Claim>> {
    pg.run("accepting a login", |client| {
        client
            .query_opt(
                r#"UPDATE collaborators SET failed_logins = 0, locked_until = NULL
                   WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2 COLLATE "C")
                   RETURNING identity, token_version"#,
                &[&id, &now],
            )?
            .map(|row| {
                Ok(Claim {
                    collaborator_id: id,
                    identity: row.try_get("identity")?,
                    version: row.try_get("token_version")?,
                })
            })
            .transpose()
    })
}

/// What a new session token of collaborator `id` names, as stored now.
pub fn claim(pg: &Conn, id: i64) -> Result<Claim> {
    pg.run("reading a collaborator's session claim", |client| {
        client
            .query_opt(
                "SELECT identity, token_version FROM collaborators WHERE id = $1",
                &[&id],
            )?
            .map(|row| {
                Ok(Claim {
                    collaborator_id: id,
                    identity: row.try_get("identity")?,
                    version: row.try_get("token_version")?,
                })
            })
            .transpose()
    })?
    .ok_or(Error::not_found("collaborator", id))
}

/// After a wrong password: counts the failure in one statement and locks the account until
/// `lock_until` when it reaches `max_failures`. A lapsed lock starts a fresh count; a current
/// lock is left as it is. Returns whether this failure locked the account.
pub fn count_failed_login(
    pg: &Conn,
    id: i64,
    now: &str,
    lock_until: &str,
    max_failures: i64,
) -> Result<bool> {
    // The SET expressions read the row as it was, as SQLite's do; RETURNING reads it after.
    let locked: Option<bool> = pg.run("counting a failed login", |client| {
        client
            .query_opt(
                r#"UPDATE collaborators SET
                       failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END,
                       locked_until = CASE
                           WHEN (CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END)
                                >= $4::bigint
                           THEN $3 ELSE NULL END
                   WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2 COLLATE "C")
                   RETURNING locked_until IS NOT NULL"#,
                &[&id, &now, &lock_until, &max_failures],
            )?
            .map(|row| row.try_get(0))
            .transpose()
    })?;
    Ok(locked.unwrap_or(false))
}
