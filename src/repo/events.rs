//! Events.

use crate::db::Db;
use rusqlite::{Connection, OptionalExtension, Row};

use super::{Conditions, Doing as _, Total, Window};
use crate::domain::{Event, EventPatch, EventSort, NewEvent, Sort};
use crate::error::{Error, Result};

/// The columns of an event and the tables they come from, after `FROM events e`.
macro_rules! select {
    ($events:literal) => {
        concat!(
            r"
    SELECT e.id, e.contract_id, c.full_name AS client_name, c.email AS client_email,
           c.phone AS client_phone, e.name, e.starts_at, e.ends_at, e.venue, e.location, e.attendees,
           e.notes, e.support_contact_id, s.full_name AS support_contact, c.sales_contact_id
    FROM events e",
            $events,
            r"
    JOIN contracts ct ON ct.id = e.contract_id
    JOIN clients c ON c.id = ct.client_id
    LEFT JOIN collaborators s ON s.id = e.support_contact_id"
        )
    };
}

const SELECT: &str = select!("");

/// A date range read through the start index, whatever the statistics say. Given a range
/// alone, SQLite may prefer a skip-scan of events_support_start (one range under each support
/// collaborator) and then sort what it found: 570 ms for December 2026 at a million events,
/// against a quarter of a millisecond for 25 entries of this index read in order.
const SELECT_BY_START: &str = select!(" INDEXED BY events_starts_at");

/// An event from a row of `SELECT`, read by column name.
fn from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get("id")?,
        contract_id: row.get("contract_id")?,
        client_name: row.get("client_name")?,
        client_email: row.get("client_email")?,
        client_phone: row.get("client_phone")?,
        name: row.get("name")?,
        start: row.get("starts_at")?,
        end: row.get("ends_at")?,
        venue: row.get("venue")?,
        location: row.get("location")?,
        attendees: row.get("attendees")?,
        notes: row.get("notes")?,
        support_contact_id: row.get("support_contact_id")?,
        support_contact: row.get("support_contact")?,
        sales_contact_id: row.get("sales_contact_id")?,
    })
}

/// Filters of the event lists; all given ones apply.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(default)]
pub struct Filter {
    pub contract_id: Option<i64>,
    pub client_id: Option<i64>,
    pub support_contact_id: Option<i64>,
    /// Only the events of this sales collaborator's clients.
    pub sales_contact_id: Option<i64>,
    pub no_support: bool,
    pub has_support: bool,
    /// Only the ids in this range (completion, never on the wire).
    #[serde(skip)]
    pub id_range: Option<(i64, i64)>,
    /// Events starting at or after this stored time (`YYYY-MM-DDTHH:MM`).
    pub from: Option<String>,
    /// Events starting before this stored time.
    pub to: Option<String>,
    /// The order of the rows.
    #[schema(schema_with = crate::domain::sort_schema::<EventSort>)]
    pub sort: Sort<EventSort>,
}

/// The ORDER BY of each sort: fixed SQL chosen by key, never built from input. Each reads an
/// index in its order (events_starts_at, V5's), forwards or backwards; the id breaks ties.
fn order(sort: Sort<EventSort>) -> &'static str {
    match (sort.key, sort.descending) {
        (EventSort::Start, false) => "e.starts_at, e.id",
        (EventSort::Start, true) => "e.starts_at DESC, e.id DESC",
        (EventSort::Name, false) => "e.name COLLATE NOCASE, e.id",
        (EventSort::Name, true) => "e.name COLLATE NOCASE DESC, e.id DESC",
        (EventSort::Attendees, false) => "e.attendees, e.id",
        (EventSort::Attendees, true) => "e.attendees DESC, e.id DESC",
    }
}

impl Filter {
    /// The WHERE clause. `walk_in_order`: a page walks its order's index and skips the rows
    /// the filter leaves out, so the unary + keeps the planner off the filter's own index (the
    /// sales-contact index; the support and start indexes too when the order is another).
    fn conditions(&self, walk_in_order: bool) -> Conditions {
        // Under the start order, the support and start indexes are the walk itself.
        let walk_other = walk_in_order && self.sort.key != EventSort::Start;
        let mut conditions = Conditions::default();
        if let Some(id) = self.contract_id {
            conditions.bind("e.contract_id = :contract", ":contract", id);
        }
        if let Some(id) = self.client_id {
            conditions.bind("ct.client_id = :client", ":client", id);
        }
        if let Some(id) = self.support_contact_id {
            let fragment = if walk_other {
                "+e.support_contact_id = :support"
            } else {
                "e.support_contact_id = :support"
            };
            conditions.bind(fragment, ":support", id);
        }
        if let Some(id) = self.sales_contact_id {
            // The unary + keeps the planner off the sales-contact index (see
            // `walk_in_order_for`).
            let fragment = if walk_in_order {
                "+c.sales_contact_id = :sales"
            } else {
                "c.sales_contact_id = :sales"
            };
            conditions.bind(fragment, ":sales", id);
        }
        if self.no_support {
            conditions.add("e.support_contact_id IS NULL");
        }
        if self.has_support {
            conditions.add("e.support_contact_id IS NOT NULL");
        }
        if let Some(range) = self.id_range {
            conditions.id_range("e.id BETWEEN :id_lo AND :id_hi", range);
        }
        if let Some(from) = &self.from {
            let fragment = if walk_other {
                "+e.starts_at >= :from"
            } else {
                "e.starts_at >= :from"
            };
            conditions.bind(fragment, ":from", from.clone());
        }
        if let Some(to) = &self.to {
            let fragment = if walk_other {
                "+e.starts_at < :to"
            } else {
                "e.starts_at < :to"
            };
            conditions.bind(fragment, ":to", to.clone());
        }
        conditions
    }
}

impl super::List for Filter {
    type Row = Event;

    fn count(&self, db: &Db) -> Result<Total> {
        let conn = sqlite_or!(db, pg => super::postgres::events::count(self, pg));
        let filter = self;
        filter.conditions(false).count_at_most(
            conn,
            count_from(filter),
            super::COUNT_CAP,
            "counting events",
        )
    }

    /// Events in the order they happen, or in the filter's sort.
    fn for_each(
        &self,
        db: &Db,
        window: Option<Window>,
        f: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<()> {
        let conn = sqlite_or!(db, pg => super::postgres::events::for_each(self, pg, window, f));
        let filter = self;
        const LISTING: &str = "listing events";
        // Only a page walks: an export reads every row of theirs anyway.
        let walk = match filter.sales_contact_id {
            Some(id)
                if window.is_some()
                    && filter.client_id.is_none()
                    && filter.contract_id.is_none()
                    && filter.support_contact_id.is_none() =>
            {
                super::walk_in_order_for(conn, id).doing(LISTING)?
            }
            // A support collaborator's events or a period in another order than the start's: the
            // footer's count (through events_support_start or events_starts_at) decides whether
            // the page walks that order's index or gathers the events and sorts them.
            None if window.is_some()
                && filter.sort.key != EventSort::Start
                && filter.client_id.is_none()
                && filter.contract_id.is_none()
                && (filter.support_contact_id.is_some()
                    || filter.from.is_some()
                    || filter.to.is_some()) =>
            {
                let matching = filter
                    .conditions(false)
                    .count(conn, count_from(filter), LISTING)?;
                super::walk_rather_than_gather(matching, largest_id(conn).doing(LISTING)?)
            }
            _ => false,
        };
        // A range with no other filter that has an index of its own reads the start index (a
        // walk of another key's index leaves the range to the rows it visits).
        let by_start = (filter.from.is_some() || filter.to.is_some())
            && filter.client_id.is_none()
            && filter.contract_id.is_none()
            && filter.support_contact_id.is_none()
            && (filter.sales_contact_id.is_none() || walk)
            && !(walk && filter.sort.key != EventSort::Start);
        let select = if by_start { SELECT_BY_START } else { SELECT };
        filter.conditions(walk).visit(
            conn,
            LISTING,
            select,
            order(filter.sort),
            window,
            from_row,
            f,
        )
    }
}

/// The tables a count of the events `filter` keeps reads.
fn count_from(filter: &Filter) -> &'static str {
    if filter.client_id.is_some() || filter.sales_contact_id.is_some() {
        "FROM events e JOIN contracts ct ON ct.id = e.contract_id JOIN clients c ON c.id = ct.client_id"
    } else {
        "FROM events e"
    }
}

/// The largest event id: about how many events there are, read from the end of the table.
fn largest_id(conn: &Connection) -> rusqlite::Result<u64> {
    let id: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM events")?
        .query_row([], |row| row.get(0))?;
    Ok(u64::try_from(id).unwrap_or(0))
}

pub fn find(db: &Db, id: i64) -> Result<Option<Event>> {
    let conn = sqlite_or!(db, pg => super::postgres::events::find(pg, id));
    let sql = format!("{SELECT} WHERE e.id = ?1");
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.query_row([id], from_row).optional())
        .doing("reading an event")
}

pub fn get(db: &Db, id: i64) -> Result<Event> {
    find(db, id)?.ok_or(Error::not_found("event", id))
}

/// Inserts `new`, every field bound by its table's key (a column the SQL forgot is an
/// unknown parameter, caught by the tests).
pub fn insert(db: &Db, new: &NewEvent, now: &str) -> Result<i64> {
    let conn = sqlite_or!(db, pg => super::postgres::events::insert(pg, new, now));
    super::execute_named(
        conn,
        r"INSERT INTO events (contract_id, name, starts_at, ends_at, venue, location, attendees,
                             notes, created_at, updated_at)
          VALUES (:contract_id, :name, :start, :end, :venue, :location, :attendees, :notes,
                  :now, :now)",
        &super::field_params(&EventPatch::from(new)),
        &[(":now", &now)],
    )
    .doing("inserting an event")?;
    Ok(conn.last_insert_rowid())
}

pub fn update(db: &Db, id: i64, patch: &EventPatch, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::events::update(pg, id, patch, now));
    super::execute_named(
        conn,
        r"UPDATE events SET
              contract_id = COALESCE(:contract_id, contract_id),
              name = COALESCE(:name, name),
              starts_at = COALESCE(:start, starts_at),
              ends_at = COALESCE(:end, ends_at),
              venue = COALESCE(:venue, venue),
              location = COALESCE(:location, location),
              attendees = COALESCE(:attendees, attendees),
              notes = COALESCE(:notes, notes),
              updated_at = :now
          WHERE id = :id",
        &super::field_params(patch),
        &[(":now", &now), (":id", &id)],
    )
    .doing("updating an event")?;
    Ok(())
}

pub fn set_support(db: &Db, id: i64, support_contact_id: Option<i64>, now: &str) -> Result<()> {
    let conn =
        sqlite_or!(db, pg => super::postgres::events::set_support(pg, id, support_contact_id, now));
    conn.prepare_cached("UPDATE events SET support_contact_id = ?2, updated_at = ?3 WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![id, support_contact_id, now]))
        .doing("assigning an event's support contact")?;
    Ok(())
}

pub fn delete(db: &Db, id: i64) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::events::delete(pg, id));
    conn.prepare_cached("DELETE FROM events WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute([id]))
        .doing("deleting an event")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_stores_every_field_of_the_table() {
        let (_dir, db) = crate::repo::testing::scratch();
        let conn = db.sqlite().unwrap();
        conn.execute_batch(
            "INSERT INTO clients (full_name, email, phone, company_name, created_at, updated_at)
             VALUES ('Kevin Casey', 'kevin@startup.io', '06', 'Cool Startup LLC', 't', 't');
             INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at, signed_at)
             VALUES (1, 100, 100, 't', 't'), (1, 200, 200, 't', 't');
             INSERT INTO events (contract_id, name, starts_at, ends_at, location, attendees, notes, created_at, updated_at)
             VALUES (1, 'Gala', '2027-06-04T13:00', '2027-06-04T18:00', 'Paris', 10, '', 't', 't');",
        )
        .unwrap();
        let patch: EventPatch = crate::repo::testing::patch_of(&[
            "2",
            "Wedding",
            "2027-07-01 10:00",
            "2027-07-02 02:00",
            "Château de Candé",
            "Candé-sur-Beuvron",
            "75",
            "DJ at 11PM",
        ]);
        update(&db, 1, &patch, "now").unwrap();
        crate::repo::testing::assert_stored(&patch, &get(&db, 1).unwrap());
    }
}
