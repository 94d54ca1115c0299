//! `epicevents copy --to postgres://…`: a SQLite database copied into an empty PostgreSQL
//! one, in one transaction, every row with its id, then verified table by table.
//!
//! Rows travel as JSON objects (one statement per batch, `json_populate_recordset` giving
//! each value its column's type), read in id order inside one SQLite read transaction, so the
//! copy is a consistent snapshot even while others write. The identity sequences then start
//! after the highest id SQLite ever gave (deleted ones included: ids never come back, on
//! either side). Each table is then read back from PostgreSQL and compared with the source:
//! the same number of rows and the same checksum of their canonical JSON (without the columns
//! only PostgreSQL has, which its triggers fill), or nothing is kept.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use anyhow::Context as _;
use postgres::fallible_iterator::FallibleIterator as _;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The tables copied, parents before children. `departments` is the schema's own (the same
/// three rows on both sides, compared all the same); `instance` keeps its one row, whose id
/// the copy takes over so that sessions issued on the SQLite database stay valid.
pub const TABLES: [&str; 7] = [
    "departments",
    "collaborators",
    "clients",
    "contracts",
    "payments",
    "events",
    "audit_log",
];

/// The tables with an identity column, whose sequence must go on after the copied ids.
const IDENTITIES: [&str; 6] = [
    "collaborators",
    "clients",
    "contracts",
    "payments",
    "events",
    "audit_log",
];

/// Columns PostgreSQL derives from others (its triggers fill them as rows go in), which a
/// SQLite row does not have: left out when a table is read back for comparison.
const DERIVED: [(&str, &str); 1] = [("events", "sales_contact_id")];

/// Rows per INSERT.
const BATCH: usize = 5_000;

/// What a copy moved: each table's rows and checksum, equal on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: BTreeMap<&'static str, (u64, String)>,
}

impl CopyReport {
    pub fn rows(&self, table: &str) -> u64 {
        self.tables.get(table).map_or(0, |(rows, _)| *rows)
    }
}

/// Copies the SQLite database of `from` into the (migrated, empty) database of `to`.
pub fn copy(from: &Connection, to: &mut postgres::Client) -> Result<CopyReport> {
    let snapshot = from
        .unchecked_transaction()
        .context("reading the database to copy")?;
    let mut tx = to.transaction().context("starting the copy")?;
    let taken: i64 = tx
        .query_one(
            "SELECT (SELECT count(*) FROM collaborators) + (SELECT count(*) FROM clients)
                  + (SELECT count(*) FROM audit_log)",
            &[],
        )
        .context("checking that the target is empty")?
        .get(0);
    if taken > 0 {
        return Err(Error::refused(
            "the PostgreSQL database already holds data: copy goes only into an empty one (create it with `createdb`)",
        ));
    }
    // Every table first (a contract's remaining amount is only right once its payments are
    // in), then every table read back and compared.
    let mut sources = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let mut source = Checksum::default();
        let mut batch = Vec::with_capacity(BATCH);
        for_each_row(&snapshot, table, &mut |row| {
            source.add(&row);
            if table != "departments" {
                batch.push(for_insert(table, row));
            }
            if batch.len() == BATCH {
                insert(&mut tx, table, std::mem::take(&mut batch))?;
            }
            Ok(())
        })?;
        insert(&mut tx, table, batch)?;
        sources.push((table, source));
    }
    let mut tables = BTreeMap::new();
    for (table, source) in sources {
        let mut copied = Checksum::default();
        let row = DERIVED
            .iter()
            .filter(|(derived, _)| *derived == table)
            .fold("to_jsonb(t)".to_owned(), |row, (_, column)| {
                format!("{row} - '{column}'")
            });
        // Streamed, a row at a time: a table of a million rows never sits in memory.
        let mut rows = tx
            .query_raw(
                &format!("SELECT ({row})::text FROM {table} t ORDER BY id"),
                std::iter::empty::<&(dyn postgres::types::ToSql + Sync)>(),
            )
            .with_context(|| format!("reading back {table}"))?;
        while let Some(row) = rows
            .next()
            .with_context(|| format!("reading back {table}"))?
        {
            let text: String = row.get(0);
            let value: Value =
                serde_json::from_str(&text).with_context(|| format!("reading back {table}"))?;
            copied.add(&value);
        }
        if copied != source {
            return Err(Error::internal(anyhow::anyhow!(
                "the copy of {table} differs from its source ({} rows and {} against {} and {}); nothing was kept",
                copied.rows,
                copied.hex(),
                source.rows,
                source.hex()
            )));
        }
        tables.insert(table, (source.rows, source.hex()));
    }
    for table in IDENTITIES {
        let highest = highest_id(&snapshot, table)?;
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST($1::bigint, 1), $1::bigint > 0)"
            ),
            &[&highest],
        )
        .with_context(|| format!("moving the ids of {table} on"))?;
    }
    let instance: String = snapshot
        .query_row("SELECT instance_id FROM instance", [], |row| row.get(0))
        .context("reading the database's instance id")?;
    tx.execute("UPDATE instance SET instance_id = $1", &[&instance])
        .context("keeping the database's instance id")?;
    tx.commit().context("committing the copy")?;
    snapshot.commit().context("ending the read of the copy")?;
    Ok(CopyReport { tables })
}

/// Calls `f` with each row of `table`, in id order, as a JSON object of its columns.
fn for_each_row(
    conn: &Connection,
    table: &str,
    f: &mut dyn FnMut(Value) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
        .with_context(|| format!("reading {table}"))?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([]).with_context(|| format!("reading {table}"))?;
    while let Some(row) = rows.next().with_context(|| format!("reading {table}"))? {
        let mut object = Map::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i).with_context(|| format!("reading {table}"))? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(x) => x.into(),
                ValueRef::Text(bytes) => {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    // The audit trail's changes are JSON: a jsonb column on PostgreSQL.
                    if table == "audit_log" && name == "changes" {
                        serde_json::from_str(&text).unwrap_or(Value::String(text))
                    } else {
                        Value::String(text)
                    }
                }
                ValueRef::Blob(_) => {
                    return Err(Error::internal(anyhow::anyhow!(
                        "{table}.{name} holds a blob, which no column of epicevents does"
                    )));
                }
            };
            object.insert(name.clone(), value);
        }
        f(Value::Object(object))?;
    }
    Ok(())
}

/// A row as it is inserted: a contract starts with nothing paid, and the copied payments
/// lower what remains through the schema's own trigger (the verification then compares it
/// with the source).
fn for_insert(table: &str, mut row: Value) -> Value {
    if table == "contracts"
        && let Some(total) = row.get("total_cents").cloned()
    {
        row["remaining_cents"] = total;
    }
    row
}

fn insert(tx: &mut postgres::Transaction<'_>, table: &str, rows: Vec<Value>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let json = Value::Array(rows).to_string();
    tx.execute(
        &format!(
            "INSERT INTO {table} OVERRIDING SYSTEM VALUE
             SELECT * FROM json_populate_recordset(NULL::{table}, $1::text::json)"
        ),
        &[&json],
    )
    .map_err(|err| {
        // A row the schema refuses (a rule the SQLite file broke) says which rule.
        let rule = err
            .as_db_error()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        Error::internal(anyhow::Error::new(err).context(format!("copying {table}: {rule}")))
    })?;
    Ok(())
}

/// The highest id `table` ever gave on SQLite (deleted rows included).
fn highest_id(conn: &Connection, table: &str) -> Result<i64> {
    let given: Option<i64> = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = ?1",
            [table],
            |row| row.get(0),
        )
        .ok();
    let present: i64 = conn
        .query_row(
            &format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
            [],
            |row| row.get(0),
        )
        .with_context(|| format!("reading the ids of {table}"))?;
    Ok(given.unwrap_or(0).max(present))
}

/// `value` as text with every object's keys sorted: the same row reads the same whatever
/// order its store gives the columns in.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            let fields: Vec<String> = sorted
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// The number of rows of a table and a checksum of their canonical JSON (keys sorted), in id
/// order.
#[derive(Default, PartialEq, Eq)]
struct Checksum {
    rows: u64,
    hash: u64,
}

impl Checksum {
    fn add(&mut self, row: &Value) {
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash.hash(&mut hasher);
        canonical(row).hash(&mut hasher);
        self.hash = hasher.finish();
        self.rows += 1;
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}
