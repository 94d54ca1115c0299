//! Clients, on PostgreSQL (see `repo::clients` for what each function does).

use super::{Conditions, Conn, patch_text};
use crate::domain::{Client, ClientPatch, ClientSort, NewClient, Sort};
use crate::error::{Error, Result};
use crate::repo::clients::Filter;
use crate::repo::{COUNT_CAP, Total, Window};

const COLUMNS: &str = r"
    SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id,
           s.full_name AS sales_contact, c.created_at, c.updated_at";

const FROM: &str = "FROM clients c LEFT JOIN collaborators s ON s.id = c.sales_contact_id";

/// A client from a row of [`COLUMNS`].
fn from_row(row: &postgres::Row) -> std::result::Result<Client, postgres::Error> {
    Ok(Client {
        id: row.try_get("id")?,
        full_name: row.try_get("full_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        company_name: row.try_get("company_name")?,
        sales_contact_id: row.try_get("sales_contact_id")?,
        sales_contact: row.try_get("sales_contact")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The UNIQUE violation a user can cause: another client's address.
fn unique(constraint: &str) -> Option<Error> {
    (constraint == "clients_email")
        .then(|| Error::invalid("email", "another client already uses this address"))
}

/// The ORDER BY of each sort, as SQLite's (`lower` folds ASCII as NOCASE does: the columns
/// compare byte by byte, V2).
fn order(sort: Sort<ClientSort>) -> &'static str {
    match (sort.key, sort.descending) {
        (ClientSort::Created, false) => "c.id",
        (ClientSort::Created, true) => "c.id DESC",
        (ClientSort::Updated, false) => "c.updated_at, c.id",
        (ClientSort::Updated, true) => "c.updated_at DESC, c.id DESC",
        (ClientSort::Name, false) => "lower(c.full_name), c.id",
        (ClientSort::Name, true) => "lower(c.full_name) DESC, c.id DESC",
        (ClientSort::Company, false) => "lower(c.company_name), c.id",
        (ClientSort::Company, true) => "lower(c.company_name) DESC, c.id DESC",
    }
}

/// The WHERE clause of `filter`. A search reads the trigram index over the three fields
/// joined (`ILIKE` is what it serves), then checks each field, so that a match never spans
/// two of them (SQLite's full-text phrase does not either).
fn conditions(filter: &Filter) -> Conditions {
    let mut conditions = Conditions::default();
    if let Some(id) = filter.sales_contact_id {
        conditions.bind("c.sales_contact_id = ?", id);
    }
    if filter.unassigned {
        conditions.add("c.sales_contact_id IS NULL");
    }
    if let Some(text) = filter.search.as_deref() {
        conditions.bind(
            r"(c.full_name || ' ' || c.email || ' ' || c.company_name) ILIKE ?
              AND (c.full_name ILIKE ? OR c.email ILIKE ? OR c.company_name ILIKE ?)",
            crate::repo::contains_pattern(text),
        );
    }
    if let Some(range) = filter.id_range {
        conditions.id_range("c.id", range);
    }
    conditions
}

pub fn count(filter: &Filter, pg: &Conn) -> Result<Total> {
    conditions(filter).count_at_most(pg, "FROM clients c", COUNT_CAP, "counting clients")
}

pub fn for_each(
    filter: &Filter,
    pg: &Conn,
    window: Option<Window>,
    f: &mut dyn FnMut(Client) -> Result<()>,
) -> Result<()> {
    const LISTING: &str = "listing clients";
    let conditions = conditions(filter);
    let order = order(filter.sort);
    match filter.search.as_deref() {
        // A page of a search in another order than the id's sorts the first COUNT_CAP
        // matches in id order, the rows the footer's capped count counts (as on SQLite).
        Some(_) if window.is_some() && filter.sort.key != ClientSort::Created => {
            conditions.visit(
                pg,
                LISTING,
                |clause| {
                    format!(
                        "{COLUMNS} FROM (SELECT c.id FROM clients c {clause} ORDER BY c.id LIMIT {COUNT_CAP}) m
                         JOIN clients c ON c.id = m.id
                         LEFT JOIN collaborators s ON s.id = c.sales_contact_id
                         ORDER BY {order}"
                    )
                },
                window,
                from_row,
                f,
            )
        }
        _ => conditions.visit(
            pg,
            LISTING,
            |clause| format!("{COLUMNS} {FROM} {clause} ORDER BY {order}"),
            window,
            from_row,
            f,
        ),
    }
}

pub fn email_taken(pg: &Conn, email: &str, except: Option<i64>) -> Result<bool> {
    pg.run("checking whether a client's email is taken", |client| {
        client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM clients WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2)",
                &[&email, &except],
            )
            .map(|row| row.get(0))
    })
}

pub fn find(pg: &Conn, id: i64) -> Result<Option<Client>> {
    let sql = format!("{COLUMNS} {FROM} WHERE c.id = $1");
    let row = pg.run("reading a client", |client| client.query_opt(&sql, &[&id]))?;
    row.as_ref()
        .map(from_row)
        .transpose()
        .map_err(|err| crate::pg::failed("reading a client", err))
}

pub fn insert(pg: &Conn, new: &NewClient, sales_contact_id: i64, now: &str) -> Result<i64> {
    pg.run_unique(
        "inserting a client",
        |client| {
            client
                .query_one(
                    r"INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id, created_at, updated_at)
                      VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                    &[
                        &new.full_name.as_ref(),
                        &new.email.as_ref(),
                        &new.phone.as_ref(),
                        &new.company_name.as_ref(),
                        &sales_contact_id,
                        &now,
                    ],
                )
                .map(|row| row.get(0))
        },
        unique,
    )
}

pub fn update(pg: &Conn, id: i64, patch: &ClientPatch, now: &str) -> Result<()> {
    let [full_name, email, phone, company_name] =
        ["full_name", "email", "phone", "company_name"].map(|key| patch_text(patch, key));
    pg.run_unique(
        "updating a client",
        |client| {
            client.execute(
                r"UPDATE clients SET
                      full_name = COALESCE($1, full_name),
                      email = COALESCE($2, email),
                      phone = COALESCE($3, phone),
                      company_name = COALESCE($4, company_name),
                      updated_at = $5
                  WHERE id = $6",
                &[&full_name, &email, &phone, &company_name, &now, &id],
            )
        },
        unique,
    )?;
    Ok(())
}

pub fn set_sales_contact(
    pg: &Conn,
    id: i64,
    sales_contact_id: Option<i64>,
    now: &str,
) -> Result<()> {
    pg.run("assigning a client's sales contact", |client| {
        client.execute(
            "UPDATE clients SET sales_contact_id = $2, updated_at = $3 WHERE id = $1",
            &[&id, &sales_contact_id, &now],
        )
    })?;
    Ok(())
}

pub fn delete(pg: &Conn, id: i64) -> Result<()> {
    pg.run("deleting a client", |client| {
        client.execute("DELETE FROM clients WHERE id = $1", &[&id])
    })?;
    Ok(())
}

pub fn contract_count(pg: &Conn, id: i64) -> Result<u64> {
    let n: i64 = pg.run("counting a client's contracts", |client| {
        client
            .query_one(
                "SELECT COUNT(*) FROM contracts WHERE client_id = $1",
                &[&id],
            )
            .map(|row| row.get(0))
    })?;
    Ok(u64::try_from(n).unwrap_or(0))
}
