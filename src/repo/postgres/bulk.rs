//! Bulk loads on PostgreSQL (`demo --scale`): rows streamed through `COPY … FROM STDIN`, one
//! table at a time, with ids reserved from each table's identity sequence beforehand, and
//! the secondary indexes dropped for the load and built again once at the end (one sort per
//! index instead of a million scattered inserts into each). Every CHECK and foreign key stays
//! in force; the triggers that keep a rule row by row (a payment lowers what remains, an
//! event needs a signed contract and carries its client's sales contact, contacts are in
//! the right department) are suspended for the load, whose generator keeps those rules
//! itself, and resumed before it commits: they cost more than half the load (a plpgsql call,
//! a read and an update per row), and suspending them takes a lock that blocks writes to
//! those tables, never reads.

use std::io::Write;

use super::Conn;
use crate::domain::{Money, NewClient, NewContract, NewEvent};
use crate::error::{Error, Result};

/// A table a bulk load fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Clients,
    Contracts,
    Payments,
    Events,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Clients => "clients",
            Table::Contracts => "contracts",
            Table::Payments => "payments",
            Table::Events => "events",
        }
    }

    fn copy(self) -> &'static str {
        match self {
            Table::Clients => {
                "COPY clients (id, full_name, email, phone, company_name, sales_contact_id, created_at, updated_at) FROM STDIN"
            }
            Table::Contracts => {
                "COPY contracts (id, client_id, total_cents, remaining_cents, created_at, signed_at) FROM STDIN"
            }
            Table::Payments => {
                "COPY payments (contract_id, amount_cents, paid_at, recorded_by) FROM STDIN"
            }
            Table::Events => {
                "COPY events (id, contract_id, name, starts_at, ends_at, venue, location, attendees, notes, support_contact_id, sales_contact_id, created_at, updated_at) FROM STDIN"
            }
        }
    }
}

/// The row triggers a bulk load suspends (see the module's documentation).
const ROW_RULES: [(&str, &str); 5] = [
    ("clients", "clients_sales_contact"),
    ("payments", "payments_record"),
    ("events", "events_need_signed_contract"),
    ("events", "events_support_contact"),
    ("events", "events_sales_contact"),
];

/// Suspends [`ROW_RULES`] inside the load's transaction (a rollback restores them).
pub fn suspend_row_rules(pg: &Conn) -> Result<()> {
    let sql: String = ROW_RULES
        .iter()
        .map(|(table, trigger)| format!("ALTER TABLE {table} DISABLE TRIGGER {trigger};"))
        .collect();
    pg.run("suspending row triggers for a bulk load", |client| {
        client.batch_execute(&sql)
    })
}

/// Resumes [`ROW_RULES`] before the load commits.
pub fn resume_row_rules(pg: &Conn) -> Result<()> {
    let sql: String = ROW_RULES
        .iter()
        .map(|(table, trigger)| format!("ALTER TABLE {table} ENABLE TRIGGER {trigger};"))
        .collect();
    pg.run("resuming row triggers after a bulk load", |client| {
        client.batch_execute(&sql)
    })
}

/// Reserves `n` ids of `table` (its identity sequence moves past them) and returns the first:
/// the load gives them itself, and no one else can be given them.
pub fn reserve_ids(pg: &Conn, table: Table, n: u64) -> Result<i64> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT nextval(pg_get_serial_sequence('{0}', 'id')),
                setval(pg_get_serial_sequence('{0}', 'id'),
                       currval(pg_get_serial_sequence('{0}', 'id')) + $1 - 1)",
        table.name()
    );
    pg.run("reserving ids for a bulk load", |client| {
        client.query_one(&sql, &[&n]).map(|row| row.get(0))
    })
}

/// The secondary indexes of the tables a bulk load fills, with their definitions.
pub fn indexes(pg: &Conn) -> Result<Vec<(String, String)>> {
    pg.run("listing the indexes a bulk load rebuilds", |client| {
        let rows = client.query(
            "SELECT i.indexname::text, i.indexdef
             FROM pg_indexes i
             WHERE i.schemaname = current_schema()
               AND i.tablename IN ('clients', 'contracts', 'payments', 'events')
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                               WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))
             ORDER BY 1",
            &[],
        )?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    })
}

/// Drops the index `name` (a name [`indexes`] gave).
pub fn drop_index(pg: &Conn, name: &str) -> Result<()> {
    let sql = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
    pg.run("dropping an index", |client| client.batch_execute(&sql))
}

/// Creates an index again from its definition (from [`indexes`]), sorting in up to 256 MiB
/// of the server's memory (PostgreSQL's default 64 MiB makes the trigram index of a million
/// clients spill to disk). The setting ends with the load's transaction.
pub fn create_index(pg: &Conn, definition: &str) -> Result<()> {
    pg.run("creating an index", |client| {
        client.batch_execute(&format!(
            "SET LOCAL maintenance_work_mem = '256MB'; {definition}"
        ))
    })
}

/// Streams rows of `table`: `fill` writes them through [`Rows`]. Returns how many went in.
pub fn copy(
    pg: &Conn,
    table: Table,
    fill: &mut dyn FnMut(&mut Rows<'_>) -> Result<()>,
) -> Result<u64> {
    pg.copy_in("loading rows in bulk", table.copy(), &mut |out| {
        let mut rows = Rows {
            out,
            line: String::new(),
        };
        fill(&mut rows)
    })
}

/// The rows of one `COPY`, in its text format.
pub struct Rows<'a> {
    out: &'a mut dyn Write,
    line: String,
}

impl Rows<'_> {
    pub fn client(&mut self, id: i64, new: &NewClient, sales: i64, now: &str) -> Result<()> {
        self.field(&id.to_string());
        self.field(new.full_name.as_ref());
        self.field(new.email.as_ref());
        self.field(new.phone.as_ref());
        self.field(new.company_name.as_ref());
        self.field(&sales.to_string());
        self.field(now);
        self.field(now);
        self.end()
    }

    pub fn contract(
        &mut self,
        id: i64,
        new: &NewContract,
        remaining_cents: i64,
        now: &str,
    ) -> Result<()> {
        self.field(&id.to_string());
        self.field(&new.client_id.to_string());
        self.field(&new.total.cents().to_string());
        self.field(&remaining_cents.to_string());
        self.field(now);
        self.nullable(new.signed.then_some(now));
        self.end()
    }

    pub fn payment(&mut self, contract_id: i64, amount: Money, by: i64, now: &str) -> Result<()> {
        self.field(&contract_id.to_string());
        self.field(&amount.cents().to_string());
        self.field(now);
        self.field(&by.to_string());
        self.end()
    }

    /// An event; `sales` is its client's sales contact, which the event carries.
    pub fn event(
        &mut self,
        id: i64,
        new: &NewEvent,
        sales: i64,
        support: Option<i64>,
        now: &str,
    ) -> Result<()> {
        self.field(&id.to_string());
        self.field(&new.contract_id.to_string());
        self.field(new.name.as_ref());
        self.field(&new.start.to_sql());
        self.field(&new.end.to_sql());
        self.field(new.venue.as_ref());
        self.field(new.location.as_ref());
        self.field(&new.attendees.get().to_string());
        self.field(new.notes.as_ref());
        self.nullable(support.map(|id| id.to_string()).as_deref());
        self.field(&sales.to_string());
        self.field(now);
        self.field(now);
        self.end()
    }

    /// One value, escaped as COPY's text format reads it.
    fn field(&mut self, value: &str) {
        if !self.line.is_empty() {
            self.line.push('\t');
        }
        for c in value.chars() {
            match c {
                '\\' => self.line.push_str("\\\\"),
                '\t' => self.line.push_str("\\t"),
                '\n' => self.line.push_str("\\n"),
                '\r' => self.line.push_str("\\r"),
                c => self.line.push(c),
            }
        }
    }

    fn nullable(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.field(value),
            None => {
                if !self.line.is_empty() {
                    self.line.push('\t');
                }
                self.line.push_str("\\N");
            }
        }
    }

    fn end(&mut self) -> Result<()> {
        self.line.push('\n');
        let written = self.out.write_all(self.line.as_bytes());
        self.line.clear();
        written.map_err(|err| Error::internal(anyhow::Error::new(err).context("streaming rows")))
    }
}
