//! Collaborators, their credentials, sessions and login throttling (the last three in
//! `collaborators/login.rs`).

use crate::db::Db;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, ToSql, named_params};

use super::{Doing as _, Total, Window, unique_violation};
use crate::domain::field::{Field as _, Values as _};
use crate::domain::{
    Collaborator, CollaboratorField, CollaboratorPatch, Department, NewCollaborator,
};
use crate::error::{Error, Result};

mod login;

pub use login::{
    Credentials, accept_login, bump_token_version, claim, count_failed_login, credentials,
    find_for_session, limit_lock, locked_until, password_hash, reset_password, set_password_hash,
    unlock,
};

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

/// Turns the UNIQUE violations a user can cause into field errors; any other failure names
/// `operation` (see [`Doing`](super::Doing)).
fn map_unique(operation: &'static str) -> impl Fn(rusqlite::Error) -> Error {
    move |err| match unique_violation(&err) {
        Some("collaborators.email") => {
            Error::invalid("email", "another collaborator already uses this address")
        }
        Some("collaborators.employee_number") => Error::invalid(
            "employee number",
            "another collaborator already has this number",
        ),
        _ => super::failed(operation, err),
    }
}

pub fn insert(db: &Db, new: &NewCollaborator, password_hash: &str, now: &str) -> Result<i64> {
    let conn =
        sqlite_or!(db, pg => super::postgres::collaborators::insert(pg, new, password_hash, now));
    conn.prepare_cached(
        r"INSERT INTO collaborators
              (employee_number, full_name, email, phone, department_id, password_hash, created_at, updated_at)
          VALUES (:employee_number, :full_name, :email, :phone,
                  (SELECT id FROM departments WHERE name = :department), :hash, :now, :now)",
    )
    .and_then(|mut stmt| {
        stmt.execute(named_params! {
            ":employee_number": new.employee_number.as_ref(),
            ":full_name": new.full_name.as_ref(),
            ":email": new.email.as_ref(),
            ":phone": new.phone.as_ref(),
            ":department": new.department.as_str(),
            ":hash": password_hash,
            ":now": now,
        })
    })
    .map_err(map_unique("inserting a collaborator"))?;
    Ok(conn.last_insert_rowid())
}

/// Whether a collaborator other than `except` already has `value` in the unique column
/// `column` (the login, or the employee number).
pub fn taken(db: &Db, column: Unique, value: &str, except: Option<i64>) -> Result<bool> {
    let conn =
        sqlite_or!(db, pg => super::postgres::collaborators::taken(pg, column, value, except));
    let sql = match column {
        Unique::Email => {
            "SELECT EXISTS (SELECT 1 FROM collaborators WHERE email = ?1 AND id IS NOT ?2)"
        }
        Unique::EmployeeNumber => {
            "SELECT EXISTS (SELECT 1 FROM collaborators WHERE employee_number = ?1 AND id IS NOT ?2)"
        }
    };
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row(rusqlite::params![value, except], |row| row.get(0)))
        .doing("checking whether a collaborator's email or number is taken")
}

/// The columns no two collaborators share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    Email,
    EmployeeNumber,
}

pub fn find(db: &Db, id: i64) -> Result<Option<Collaborator>> {
    let conn = sqlite_or!(db, pg => super::postgres::collaborators::find(pg, id));
    let sql = format!("{SELECT} WHERE c.id = ?1");
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.query_row([id], from_row).optional())
        .doing("reading a collaborator")
}

/// The collaborator `id`, or `NotFound`.
pub fn get(db: &Db, id: i64) -> Result<Collaborator> {
    find(db, id)?.ok_or(Error::not_found("collaborator", id))
}

/// Filters of `users list`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(default)]
pub struct Filter {
    pub department: Option<Department>,
}

impl super::List for Filter {
    type Row = Collaborator;

    fn count(&self, db: &Db) -> Result<Total> {
        let conn = sqlite_or!(db, pg => super::postgres::collaborators::count(self, pg));
        let department = self.department;
        let count: i64 = match department {
            None => conn.prepare_cached("SELECT COUNT(*) FROM collaborators").and_then(|mut s| s.query_row([], |r| r.get(0))),
            Some(d) => conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM collaborators WHERE department_id = (SELECT id FROM departments WHERE name = ?1)",
                )
                .and_then(|mut s| s.query_row([d.as_str()], |r| r.get(0))),
        }
        .doing("counting collaborators")?;
        Ok(Total::Exact(u64::try_from(count).unwrap_or(0)))
    }

    /// Calls `f` for each collaborator (of `department`, if given) in id order, within `window`
    /// if given, reading one row at a time.
    fn for_each(
        &self,
        db: &Db,
        window: Option<Window>,
        f: &mut dyn FnMut(Collaborator) -> Result<()>,
    ) -> Result<()> {
        let conn =
            sqlite_or!(db, pg => super::postgres::collaborators::for_each(self, pg, window, f));
        let department = self.department;
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
        const LISTING: &str = "listing collaborators";
        let mut stmt = conn.prepare_cached(&sql).doing(LISTING)?;
        let mut rows = stmt
            .query(named_params! {
                ":department": department.map(Department::as_str),
                ":limit": limit,
                ":offset": offset,
            })
            .doing(LISTING)?;
        while let Some(row) = rows.next().doing(LISTING)? {
            f(from_row(row).doing(LISTING)?)?;
        }
        Ok(())
    }
}

/// Applies `patch` to collaborator `id`. The caller handles what a department change implies.
pub fn update(db: &Db, id: i64, patch: &CollaboratorPatch, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::collaborators::update(pg, id, patch, now));
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
    )
    .and_then(|mut stmt| stmt.execute(bound.as_slice()))
    .map_err(map_unique("updating a collaborator"))?;
    Ok(())
}

/// Deletes collaborator `id`; the schema empties the sales contact of their clients and the
/// support contact of their events.
pub fn delete(db: &Db, id: i64) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::collaborators::delete(pg, id));
    conn.prepare_cached("DELETE FROM collaborators WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute([id]))
        .doing("deleting a collaborator")?;
    Ok(())
}

/// Empties the sales contact of the clients of `id`; returns how many there were.
pub fn release_clients(db: &Db, id: i64, now: &str) -> Result<usize> {
    let conn = sqlite_or!(db, pg => super::postgres::collaborators::release_clients(pg, id, now));
    conn.prepare_cached(
        "UPDATE clients SET sales_contact_id = NULL, updated_at = ?2 WHERE sales_contact_id = ?1",
    )
    .and_then(|mut stmt| stmt.execute(rusqlite::params![id, now]))
    .doing("releasing a collaborator's clients")
}

/// Empties the support contact of the events of `id`; returns how many there were.
pub fn release_events(db: &Db, id: i64, now: &str) -> Result<usize> {
    let conn = sqlite_or!(db, pg => super::postgres::collaborators::release_events(pg, id, now));
    conn.prepare_cached("UPDATE events SET support_contact_id = NULL, updated_at = ?2 WHERE support_contact_id = ?1")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![id, now]))
        .doing("releasing a collaborator's events")
}

/// How many collaborators there are in management.
pub fn count_management(db: &Db) -> Result<u64> {
    let management = Filter {
        department: Some(Department::Management),
    };
    Ok(super::List::count(&management, db)?.counted())
}

/// Whether any collaborator exists (set-up is only for an empty database).
pub fn any(db: &Db) -> Result<bool> {
    let conn = sqlite_or!(db, pg => super::postgres::collaborators::any(pg));
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM collaborators)")
        .and_then(|mut stmt| stmt.query_row([], |r| r.get(0)))
        .doing("checking whether any collaborator exists")
}

#[cfg(test)]
mod tests;
