//! Events, on PostgreSQL: the statements of `repo::events`.

use postgres::Row;

use super::{Conditions, Conn};
use crate::domain::{Event, EventPatch, EventSort, NewEvent, Sort};
use crate::error::Result;
use crate::repo::events::Filter;
use crate::repo::{COUNT_CAP, Total, Window};

const SELECT: &str = r"
    SELECT e.id, e.contract_id, c.full_name AS client_name, c.email AS client_email,
           c.phone AS client_phone, e.name, e.starts_at, e.ends_at, e.venue, e.location, e.attendees,
           e.notes, e.support_contact_id, s.full_name AS support_contact, c.sales_contact_id
    FROM events e
    JOIN contracts ct ON ct.id = e.contract_id
    JOIN clients c ON c.id = ct.client_id
    LEFT JOIN collaborators s ON s.id = e.support_contact_id";

/// An event from a row of `SELECT`, read by column name.
fn from_row(row: &Row) -> std::result::Result<Event, postgres::Error> {
    Ok(Event {
        id: row.try_get("id")?,
        contract_id: row.try_get("contract_id")?,
        client_name: row.try_get("client_name")?,
        client_email: row.try_get("client_email")?,
        client_phone: row.try_get("client_phone")?,
        name: row.try_get("name")?,
        start: row.try_get("starts_at")?,
        end: row.try_get("ends_at")?,
        venue: row.try_get("venue")?,
        location: row.try_get("location")?,
        attendees: row.try_get("attendees")?,
        notes: row.try_get("notes")?,
        support_contact_id: row.try_get("support_contact_id")?,
        support_contact: row.try_get("support_contact")?,
        sales_contact_id: row.try_get("sales_contact_id")?,
    })
}

/// The ORDER BY of each sort, as SQLite's: fixed SQL chosen by key, the id breaking ties.
fn order(sort: Sort<EventSort>) -> &'static str {
    match (sort.key, sort.descending) {
        (EventSort::Start, false) => "e.starts_at, e.id",
        (EventSort::Start, true) => "e.starts_at DESC, e.id DESC",
        // Names whatever their case (events_name).
        (EventSort::Name, false) => "lower(e.name), e.id",
        (EventSort::Name, true) => "lower(e.name) DESC, e.id DESC",
        (EventSort::Attendees, false) => "e.attendees, e.id",
        (EventSort::Attendees, true) => "e.attendees DESC, e.id DESC",
    }
}

/// The WHERE clause of `filter`: the same conditions as SQLite's, without its planner hints.
/// The period's bounds are stored times (`2026-12-01T00:00`), compared as text like SQLite.
fn conditions(filter: &Filter) -> Conditions {
    let mut conditions = Conditions::default();
    if let Some(id) = filter.contract_id {
        conditions.bind("e.contract_id = ?", id);
    }
    if let Some(id) = filter.client_id {
        conditions.bind("ct.client_id = ?", id);
    }
    if let Some(id) = filter.support_contact_id {
        conditions.bind("e.support_contact_id = ?", id);
    }
    if let Some(id) = filter.sales_contact_id {
        // The copy the event carries of its client's (V3): one index read, no joins.
        conditions.bind("e.sales_contact_id = ?", id);
    }
    if filter.no_support {
        conditions.add("e.support_contact_id IS NULL");
    }
    if filter.has_support {
        conditions.add("e.support_contact_id IS NOT NULL");
    }
    if let Some(range) = filter.id_range {
        conditions.id_range("e.id", range);
    }
    if let Some(from) = &filter.from {
        conditions.bind("e.starts_at >= ?", from.clone());
    }
    if let Some(to) = &filter.to {
        conditions.bind("e.starts_at < ?", to.clone());
    }
    conditions
}

/// The tables a count of the events `filter` keeps reads.
fn count_from(filter: &Filter) -> &'static str {
    if filter.client_id.is_some() {
        "FROM events e JOIN contracts ct ON ct.id = e.contract_id"
    } else {
        "FROM events e"
    }
}

/// How many events `filter` keeps (at most [`COUNT_CAP`]).
pub fn count(filter: &Filter, pg: &Conn) -> Result<Total> {
    conditions(filter).count_at_most(pg, count_from(filter), COUNT_CAP, "counting events")
}

/// Calls `f` with each event `filter` keeps within `window`, in the filter's sort.
pub fn for_each(
    filter: &Filter,
    pg: &Conn,
    window: Option<Window>,
    f: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<()> {
    conditions(filter).visit(
        pg,
        "listing events",
        |clause| format!("{SELECT} {clause} ORDER BY {}", order(filter.sort)),
        window,
        from_row,
        f,
    )
}

/// Event `id`, if there is one.
pub fn find(pg: &Conn, id: i64) -> Result<Option<Event>> {
    let sql = format!("{SELECT} WHERE e.id = $1");
    pg.run("reading an event", |client| {
        client
            .query_opt(&sql, &[&id])?
            .map(|row| from_row(&row))
            .transpose()
    })
}

/// Inserts `new`; its id. `new` is destructured whole: a field added to [`NewEvent`] is a
/// compile error here until it is stored.
pub fn insert(pg: &Conn, new: &NewEvent, now: &str) -> Result<i64> {
    let NewEvent {
        contract_id,
        name,
        start,
        end,
        venue,
        location,
        attendees,
        notes,
    } = new;
    let name: &str = name.as_ref();
    let (start, end) = (start.to_sql(), end.to_sql());
    let venue: &str = venue.as_ref();
    let location: &str = location.as_ref();
    let attendees = i64::from(attendees.get());
    let notes: &str = notes.as_ref();
    pg.run("inserting an event", |client| {
        client
            .query_one(
                r"INSERT INTO events (contract_id, name, starts_at, ends_at, venue, location,
                                     attendees, notes, created_at, updated_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                  RETURNING id",
                &[
                    contract_id,
                    &name,
                    &start,
                    &end,
                    &venue,
                    &location,
                    &attendees,
                    &notes,
                    &now,
                ],
            )?
            .try_get("id")
    })
}

/// Sets the fields `patch` gives on event `id`, keeping the others.
pub fn update(pg: &Conn, id: i64, patch: &EventPatch, now: &str) -> Result<()> {
    // Destructured whole: a field added to the patch is a compile error here until stored.
    let EventPatch {
        contract_id,
        name,
        start,
        end,
        venue,
        location,
        attendees,
        notes,
    } = patch;
    let name: Option<&str> = name.as_ref().map(AsRef::as_ref);
    let start = start.map(|t| t.to_sql());
    let end = end.map(|t| t.to_sql());
    let venue: Option<&str> = venue.as_ref().map(AsRef::as_ref);
    let location: Option<&str> = location.as_ref().map(AsRef::as_ref);
    let attendees = attendees.map(|a| i64::from(a.get()));
    let notes: Option<&str> = notes.as_ref().map(AsRef::as_ref);
    pg.run("updating an event", |client| {
        client.execute(
            r"UPDATE events SET
                  contract_id = COALESCE($2, contract_id),
                  name = COALESCE($3, name),
                  starts_at = COALESCE($4, starts_at),
                  ends_at = COALESCE($5, ends_at),
                  venue = COALESCE($6, venue),
                  location = COALESCE($7, location),
                  attendees = COALESCE($8, attendees),
                  notes = COALESCE($9, notes),
                  updated_at = $10
              WHERE id = $1",
            &[
                &id,
                contract_id,
                &name,
                &start,
                &end,
                &venue,
                &location,
                &attendees,
                &notes,
                &now,
            ],
        )
    })?;
    Ok(())
}

/// Assigns event `id` to a support collaborator, or to nobody.
pub fn set_support(pg: &Conn, id: i64, support_contact_id: Option<i64>, now: &str) -> Result<()> {
    pg.run("assigning an event's support contact", |client| {
        client.execute(
            "UPDATE events SET support_contact_id = $2, updated_at = $3 WHERE id = $1",
            &[&id, &support_contact_id, &now],
        )
    })?;
    Ok(())
}

/// Deletes event `id`.
pub fn delete(pg: &Conn, id: i64) -> Result<()> {
    pg.run("deleting an event", |client| {
        client.execute("DELETE FROM events WHERE id = $1", &[&id])
    })?;
    Ok(())
}
