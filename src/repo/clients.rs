//! Clients.

use crate::db::Db;
use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::{Conditions, Doing as _, Total, Window, contains_pattern, unique_violation};
use crate::domain::{Client, ClientPatch, ClientSort, NewClient, Sort};
use crate::error::{Error, Result};

/// The columns of a client, written once for both ways of reading clients.
macro_rules! columns {
    () => {
        r"
        SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id,
               s.full_name AS sales_contact,
               c.created_at, c.updated_at"
    };
}

const COLUMNS: &str = columns!();
const SELECT: &str = concat!(
    columns!(),
    r"
    FROM clients c LEFT JOIN collaborators s ON s.id = c.sales_contact_id"
);

/// A search of three characters or more starts from the trigram index, whose matches come
/// in id order, so the first page streams instead of waiting for every match.
const FROM_SEARCH: &str = r"
    FROM clients_search f JOIN clients c ON c.id = f.rowid
    LEFT JOIN collaborators s ON s.id = c.sales_contact_id";

/// The matches alone, when no other condition needs the client's row: every row of the index
/// is a client (its triggers follow the table), so counting or capping matches need not read
/// the clients (at a million clients, 10,000 matches counted in 4 ms instead of 12).
const FROM_MATCHES: &str = "FROM clients_search f";

/// A client from a row of `SELECT`, read by column name.
fn from_row(row: &Row<'_>) -> rusqlite::Result<Client> {
    Ok(Client {
        id: row.get("id")?,
        full_name: row.get("full_name")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        company_name: row.get("company_name")?,
        sales_contact_id: row.get("sales_contact_id")?,
        sales_contact: row.get("sales_contact")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

/// Turns the UNIQUE violations a user can cause into field errors; any other failure names
/// `operation` (see [`Doing`](super::Doing)).
fn map_unique(operation: &'static str) -> impl Fn(rusqlite::Error) -> Error {
    move |err| match unique_violation(&err) {
        Some("clients.email") => {
            Error::invalid("email", "another client already uses this address")
        }
        _ => super::failed(operation, err),
    }
}

/// Filters of `clients list`; all given ones apply.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(default)]
pub struct Filter {
    /// Only the clients of this sales collaborator.
    pub sales_contact_id: Option<i64>,
    /// Only the clients without a sales contact.
    pub unassigned: bool,
    /// Only the clients whose name, email or company contains this text.
    pub search: Option<String>,
    /// Only the ids in this range (completion, never on the wire).
    #[serde(skip)]
    pub id_range: Option<(i64, i64)>,
    /// The order of the rows.
    #[schema(schema_with = crate::domain::sort_schema::<ClientSort>)]
    pub sort: Sort<ClientSort>,
}

/// The ORDER BY of each sort: fixed SQL chosen by key, never built from input. Each but the
/// id's reads its own index of V5 (forwards, or backwards for `--desc`); the id breaks ties.
fn order(sort: Sort<ClientSort>) -> &'static str {
    match (sort.key, sort.descending) {
        // Ids are given in the order clients are recorded and never reused (V3): their order
        // is the order of first contact, with no index of its own.
        (ClientSort::Created, false) => "c.id",
        (ClientSort::Created, true) => "c.id DESC",
        (ClientSort::Updated, false) => "c.updated_at, c.id",
        (ClientSort::Updated, true) => "c.updated_at DESC, c.id DESC",
        (ClientSort::Name, false) => "c.full_name COLLATE NOCASE, c.id",
        (ClientSort::Name, true) => "c.full_name COLLATE NOCASE DESC, c.id DESC",
        (ClientSort::Company, false) => "c.company_name COLLATE NOCASE, c.id",
        (ClientSort::Company, true) => "c.company_name COLLATE NOCASE DESC, c.id DESC",
    }
}

impl Filter {
    /// The WHERE clause; `walk_in_order` keeps the planner off the sales-contact index, so
    /// that a page sorted by another key walks that key's index (see `walk_in_order_for`).
    fn conditions(&self, walk_in_order: bool) -> Conditions {
        let mut conditions = Conditions::default();
        if let Some(id) = self.sales_contact_id {
            let fragment = if walk_in_order {
                "+c.sales_contact_id = :sales"
            } else {
                "c.sales_contact_id = :sales"
            };
            conditions.bind(fragment, ":sales", id);
        }
        if self.unassigned {
            conditions.add("c.sales_contact_id IS NULL");
        }
        if let Some(text) = self.search.as_deref().filter(|t| !uses_index(t)) {
            // Fewer than three characters cannot form a trigram: those scan, with % and _
            // escaped so that they match themselves.
            conditions.bind(
                r"(c.full_name LIKE :search ESCAPE '\' OR c.email LIKE :search ESCAPE '\' OR c.company_name LIKE :search ESCAPE '\')",
                ":search",
                contains_pattern(text),
            );
        }
        if let Some(text) = self.search.as_deref().filter(|t| uses_index(t)) {
            // A phrase of the trigram index matches the text anywhere, literally.
            conditions.bind(
                "clients_search MATCH :search",
                ":search",
                format!("\"{}\"", text.replace('"', "\"\"")),
            );
        }
        if let Some(range) = self.id_range {
            conditions.id_range("c.id BETWEEN :id_lo AND :id_hi", range);
        }
        conditions
    }
}

/// Whether a search goes through the trigram index (three characters or more).
fn uses_index(text: &str) -> bool {
    text.chars().count() >= 3
}

impl Filter {
    /// Where a trigram search's matches are counted or capped from: the index alone when no
    /// other condition reads the client.
    fn matches_from(&self) -> &'static str {
        if self.sales_contact_id.is_none() && !self.unassigned && self.id_range.is_none() {
            FROM_MATCHES
        } else {
            FROM_SEARCH
        }
    }
}

impl super::List for Filter {
    type Row = Client;

    fn count(&self, db: &Db) -> Result<Total> {
        let conn = sqlite_or!(db, pg => super::postgres::clients::count(self, pg));
        let filter = self;
        const COUNTING: &str = "counting clients";
        let conditions = filter.conditions(false);
        match filter.search.as_deref() {
            Some(text) if uses_index(text) => {
                conditions.count_at_most(conn, filter.matches_from(), super::COUNT_CAP, COUNTING)
            }
            _ => conditions.count_at_most(conn, "FROM clients c", super::COUNT_CAP, COUNTING),
        }
    }

    fn for_each(
        &self,
        db: &Db,
        window: Option<Window>,
        f: &mut dyn FnMut(Client) -> Result<()>,
    ) -> Result<()> {
        let conn = sqlite_or!(db, pg => super::postgres::clients::for_each(self, pg, window, f));
        let filter = self;
        const LISTING: &str = "listing clients";
        let sort = filter.sort;
        // A salesperson's clients in another order than the id's: walk that order's index when
        // they own a good share of the clients, else gather theirs and sort them. Only a page
        // walks: an export reads every row of theirs anyway.
        let walk = match filter.sales_contact_id {
            Some(id)
                if window.is_some()
                    && sort.key != ClientSort::Created
                    && filter.search.is_none() =>
            {
                super::walk_in_order_for(conn, id).doing(LISTING)?
            }
            _ => false,
        };
        let conditions = filter.conditions(walk);
        match filter.search.as_deref() {
            // The trigram index gives its matches in id order, either way: the page streams.
            Some(text) if uses_index(text) && sort.key == ClientSort::Created => {
                let select = format!("{COLUMNS} {FROM_SEARCH}");
                let order = if sort.descending {
                    "f.rowid DESC"
                } else {
                    "f.rowid"
                };
                conditions.visit(conn, LISTING, &select, order, window, from_row, f)
            }
            // Another order sorts the matches. A page sorts the first super::COUNT_CAP of them (in
            // id order), the rows the footer's capped count counts: a bounded sort whatever the
            // search, and beyond the cap the footer says "more than 10000" and asks to narrow it.
            // An export sorts every match (SQLite's sorter spills to disk, memory stays bounded).
            Some(text) if uses_index(text) && window.is_some() => {
                let (order, matches) = (order(sort), filter.matches_from());
                conditions.visit_with(
                    conn,
                    LISTING,
                    |clause| {
                        let cap = super::COUNT_CAP;
                        format!(
                            "{COLUMNS} FROM (SELECT f.rowid AS id {matches} {clause} ORDER BY f.rowid LIMIT {cap}) m
                             JOIN clients c ON c.id = m.id LEFT JOIN collaborators s ON s.id = c.sales_contact_id
                             ORDER BY {order}"
                        )
                    },
                    window,
                    from_row,
                    f,
                )
            }
            Some(text) if uses_index(text) => {
                let select = format!("{COLUMNS} {FROM_SEARCH}");
                conditions.visit(conn, LISTING, &select, order(sort), window, from_row, f)
            }
            _ => conditions.visit(conn, LISTING, SELECT, order(sort), window, from_row, f),
        }
    }
}

/// Whether a client other than `except` already uses `email` (case-insensitively, as the
/// UNIQUE constraint compares).
pub fn email_taken(db: &Db, email: &str, except: Option<i64>) -> Result<bool> {
    let conn = sqlite_or!(db, pg => super::postgres::clients::email_taken(pg, email, except));
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE email = ?1 AND id IS NOT ?2)")
        .and_then(|mut stmt| stmt.query_row(rusqlite::params![email, except], |row| row.get(0)))
        .doing("checking whether a client's email is taken")
}

pub fn find(db: &Db, id: i64) -> Result<Option<Client>> {
    let conn = sqlite_or!(db, pg => super::postgres::clients::find(pg, id));
    let sql = format!("{SELECT} WHERE c.id = ?1");
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.query_row([id], from_row).optional())
        .doing("reading a client")
}

pub fn get(db: &Db, id: i64) -> Result<Client> {
    find(db, id)?.ok_or(Error::not_found("client", id))
}

pub fn insert(db: &Db, new: &NewClient, sales_contact_id: i64, now: &str) -> Result<i64> {
    let conn =
        sqlite_or!(db, pg => super::postgres::clients::insert(pg, new, sales_contact_id, now));
    conn.prepare_cached(
        r"INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id, created_at, updated_at)
          VALUES (:full_name, :email, :phone, :company_name, :sales, :now, :now)",
    )
    .and_then(|mut stmt| {
        stmt.execute(named_params! {
            ":full_name": new.full_name.as_ref(),
            ":email": new.email.as_ref(),
            ":phone": new.phone.as_ref(),
            ":company_name": new.company_name.as_ref(),
            ":sales": sales_contact_id,
            ":now": now,
        })
    })
    .map_err(map_unique("inserting a client"))?;
    Ok(conn.last_insert_rowid())
}

pub fn update(db: &Db, id: i64, patch: &ClientPatch, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::clients::update(pg, id, patch, now));
    super::execute_named(
        conn,
        r"UPDATE clients SET
              full_name = COALESCE(:full_name, full_name),
              email = COALESCE(:email, email),
              phone = COALESCE(:phone, phone),
              company_name = COALESCE(:company_name, company_name),
              updated_at = :now
          WHERE id = :id",
        &super::field_params(patch),
        &[(":now", &now), (":id", &id)],
    )
    .map_err(map_unique("updating a client"))?;
    Ok(())
}

pub fn set_sales_contact(db: &Db, id: i64, sales_contact_id: Option<i64>, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::clients::set_sales_contact(pg, id, sales_contact_id, now));
    conn.prepare_cached("UPDATE clients SET sales_contact_id = ?2, updated_at = ?3 WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![id, sales_contact_id, now]))
        .doing("assigning a client's sales contact")?;
    Ok(())
}

pub fn delete(db: &Db, id: i64) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::clients::delete(pg, id));
    conn.prepare_cached("DELETE FROM clients WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute([id]))
        .doing("deleting a client")?;
    Ok(())
}

/// The search index's insert trigger, exactly as `V2__list_indexes.sql` creates it.
const SEARCH_INSERT_TRIGGER: &str = "CREATE TRIGGER clients_search_insert AFTER INSERT ON clients
BEGIN
    INSERT INTO clients_search (rowid, full_name, email, company_name)
    VALUES (NEW.id, NEW.full_name, NEW.email, NEW.company_name);
END";

/// For a bulk load, inside its transaction: stops indexing new clients for search one by
/// one. [`rebuild_search_index`] must follow in the same transaction.
pub fn suspend_search_index(conn: &Connection) -> Result<()> {
    conn.execute_batch("DROP TRIGGER clients_search_insert")
        .doing("suspending the client search index")?;
    Ok(())
}

/// Rebuilds the search index in one pass (for a million clients, seconds rather than the
/// minute and a half that row-by-row indexing costs) and resumes indexing new clients.
pub fn rebuild_search_index(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "INSERT INTO clients_search (clients_search) VALUES ('rebuild'); {SEARCH_INSERT_TRIGGER};"
    ))
    .doing("rebuilding the client search index")?;
    Ok(())
}

/// How many contracts client `id` has.
pub fn contract_count(db: &Db, id: i64) -> Result<u64> {
    let conn = sqlite_or!(db, pg => super::postgres::clients::contract_count(pg, id));
    let count: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM contracts WHERE client_id = ?1")
        .and_then(|mut stmt| stmt.query_row([id], |r| r.get(0)))
        .doing("counting a client's contracts")?;
    Ok(u64::try_from(count).unwrap_or(0))
}

#[cfg(test)]
mod tests;
