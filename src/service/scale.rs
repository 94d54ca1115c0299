//! `demo --scale N`: a large, realistic data set for benchmarks.
//!
//! N clients, N contracts (about 70% signed; of those, half paid in full, a quarter partly,
//! the rest not yet, through payment rows) and N events on the signed contracts (about 80%
//! with support), spread over sales and support collaborators added for the purpose (one of
//! each per 10,000 clients). Everything goes in one transaction through prepared statements,
//! with the schema's triggers and constraints in force, and the data is the same on every
//! run (a fixed pseudo-random sequence).

use super::Context;
use super::auth::hash_password;
use super::demo::DEMO_PASSWORD;
use super::session::Session;
use crate::db::{self, Db};
use crate::domain::{
    Attendees, Department, Email, EmployeeNumber, EventTime, Money, Name, NewClient,
    NewCollaborator, NewContract, NewEvent, Notes, Password, Phone, Venue,
};
use crate::error::{Error, Result};
use crate::repo::List as _;
use crate::repo::audit::{self, Changes, Entry};
use crate::repo::postgres::bulk::{self, Table};
use crate::repo::{clients, collaborators, contracts, events, meta};

/// The largest scale accepted.
pub const MAX: u64 = 10_000_000;

const FIRST: [&str; 16] = [
    "Kevin", "Lou", "John", "Gaëlle", "Ana", "Hugo", "Inès", "Léa", "Omar", "Chloé", "Yanis",
    "Zoé", "Nina", "Paul", "Sofia", "Malik",
];
const LAST: [&str; 16] = [
    "Casey", "Bouzin", "Ouick", "Martin", "Ribeiro", "Durand", "Nguyen", "Moreau", "Haddad",
    "Lefèvre", "Rossi", "Dubois", "Keller", "Petit", "Garcia", "Fontaine",
];
const COMPANIES: [&str; 8] = [
    "Startup",
    "Industries",
    "& Co",
    "Studio",
    "Events",
    "Consulting",
    "Labs",
    "Group",
];
const PLACES: [&str; 6] = ["Paris", "Lyon", "Bordeaux", "Nantes", "Lille", "Marseille"];
const EVENTS: [&str; 6] = [
    "Wedding",
    "General Assembly",
    "Launch Party",
    "Seminar",
    "Gala",
    "Conference",
];

/// 16 random letters and digits: the password of logins added to a database in use.
fn random_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::internal(anyhow::anyhow!("no randomness: {e}")))?;
    // 56 symbols: the modulo bias (256 = 4 × 56 + 32) costs a fraction of a bit per symbol.
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// A small deterministic generator (xorshift64*): the same data set on every run.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// What was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub collaborators: u64,
    pub clients: u64,
    pub contracts: u64,
    pub payments: u64,
    pub events: u64,
    /// The password of the logins added: the published demo password on a new database;
    /// on one that has collaborators, a random one, shown once.
    pub password: String,
}

/// What a load is doing, in the order it does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Clients, each with a contract (and its payment).
    Clients,
    /// Events.
    Events,
    /// The indexes, built once the rows are in.
    Indexes,
}

/// How far a load has come: `done` of `total` in `stage`. The service prints nothing; the
/// shell shows this (`src/ui/progress.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

/// How often (in rows) a load checks for Ctrl-C and reports its progress.
const STEP: u64 = 1024;

/// Adds the scaled data set to a new database (tests and benchmarks).
pub fn load(ctx: &mut Context, n: u64) -> Result<Summary> {
    load_as(ctx, n, None, &mut |_| {})
}

/// Adds the scaled data set to a database that has no clients yet. On a database that has
/// collaborators, only a logged-in manager may, and the logins added get a random password
/// rather than the published one. `progress` hears how far it has come, every [`STEP`] rows
/// and once per index.
pub fn load_as(
    ctx: &mut Context,
    n: u64,
    session: Option<&Session>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary> {
    if n == 0 || n > MAX {
        return Err(Error::invalid(
            "scale",
            format!("expected a number from 1 to {MAX}"),
        ));
    }
    let in_use = collaborators::any(ctx.db())?;
    let password = if in_use {
        super::demo::guarded(session)?;
        random_password()?
    } else {
        DEMO_PASSWORD.to_owned()
    };
    // One hash for every account added: they share one password.
    let hash = hash_password(&Password::parse(password.clone())?)?;
    let now = ctx.now().to_sql();
    if let Some(conn) = ctx.db().sqlite() {
        db::use_bulk_cache(conn)?;
    }
    let tx = super::demo::begin(ctx, session, in_use)?;
    if clients::Filter::default().count(&tx)?.counted() > 0 {
        return Err(Error::refused(format!(
            "--scale only goes into a database without clients: {}",
            super::demo::start_afresh(&tx)
        )));
    }
    let teams = n.div_ceil(10_000).clamp(1, 500);
    let mut summary = Summary {
        collaborators: 0,
        clients: 0,
        contracts: 0,
        payments: 0,
        events: 0,
        password,
    };
    let mut add_person = |department: Department, k: u64, tx: &db::Db| -> Result<i64> {
        let tag = department.as_str();
        let new = NewCollaborator {
            employee_number: EmployeeNumber::parse(&format!("SCALE-{}-{k}", &tag[..2]))?,
            full_name: Name::parse(
                "full name",
                &format!("{} {tag} {k}", FIRST[k as usize % FIRST.len()]),
            )?,
            email: Email::parse(&format!("{tag}{k}@scale.epic.com"))?,
            phone: Phone::parse(&format!(
                "+33 1 {:02} {:02} {:02} {:02}",
                k % 100,
                (k / 100) % 100,
                k % 7,
                k % 11
            ))?,
            department,
        };
        summary.collaborators += 1;
        collaborators::insert(tx, &new, &hash, &now)
    };
    if collaborators::count_management(&tx)? == 0 {
        add_person(Department::Management, 1, &tx)?;
    }
    let sales: Vec<i64> = (1..=teams)
        .map(|k| add_person(Department::Sales, k, &tx))
        .collect::<Result<_>>()?;
    let support: Vec<i64> = (1..=teams)
        .map(|k| add_person(Department::Support, k, &tx))
        .collect::<Result<_>>()?;
    // Indexing a million clients for search one by one costs minutes; once at the end, seconds.
    // The same holds, less dramatically, for every other index of the tables filled: each is
    // dropped here and built again from its migrated definition at the end, in this
    // transaction (a Ctrl-C rolls the drops back too).
    let indexes = match &*tx {
        Db::Sqlite(conn) => {
            clients::suspend_search_index(conn)?;
            meta::bulk_loaded_indexes(conn)?
        }
        Db::Postgres(pg) => bulk::indexes(pg)?,
    };
    for (name, _) in &indexes {
        match &*tx {
            Db::Sqlite(conn) => meta::drop_index(conn, name)?,
            Db::Postgres(pg) => bulk::drop_index(pg, name)?,
        }
    }
    let plan = Plan {
        n,
        teams,
        sales: &sales,
        support: &support,
        now: &now,
    };
    summary.payments += match &*tx {
        Db::Sqlite(_) => plan.generate(&mut Inserts(&tx), progress)?,
        Db::Postgres(pg) => copy_passes(pg, &plan, progress)?,
    };
    summary.contracts = n;
    summary.clients = n;
    summary.events = n;
    // The search index counts as one more index to build.
    let total = indexes.len() as u64 + 1;
    if let Some(conn) = tx.sqlite() {
        db::use_index_build_cache(conn)?;
    }
    for (done, (_, sql)) in indexes.iter().enumerate() {
        progress(Progress {
            stage: Stage::Indexes,
            done: done as u64,
            total,
        });
        crate::interrupt::check()?;
        match &*tx {
            Db::Sqlite(conn) => meta::create_index(conn, sql)?,
            Db::Postgres(pg) => bulk::create_index(pg, sql)?,
        }
    }
    progress(Progress {
        stage: Stage::Indexes,
        done: total - 1,
        total,
    });
    crate::interrupt::check()?;
    if let Some(conn) = tx.sqlite() {
        clients::rebuild_search_index(conn)?;
    }
    progress(Progress {
        stage: Stage::Indexes,
        done: total,
        total,
    });
    let changes = Changes::new()
        .field(
            "collaborators",
            serde_json::Value::Null,
            summary.collaborators,
        )
        .field("clients", serde_json::Value::Null, summary.clients)
        .field("contracts", serde_json::Value::Null, summary.contracts)
        .field("events", serde_json::Value::Null, summary.events);
    audit::record(
        &tx,
        &now,
        &Entry {
            actor_id: None,
            action: "demo_scale",
            entity: "database",
            entity_id: None,
            changes,
        },
    )?;
    crate::db::commit(tx)?;
    // Fresh statistics let the planner pick the right index on tables this size.
    db::analyze(ctx.db())?;
    Ok(summary)
}

/// What the generated data set is made of, beside its size: the salespeople and support
/// collaborators added for it, and the time every row is stamped with.
struct Plan<'a> {
    n: u64,
    teams: u64,
    sales: &'a [i64],
    support: &'a [i64],
    now: &'a str,
}

/// Where the generated rows go, in the order they are generated.
trait Sink {
    fn client(&mut self, client: &NewClient, sales: i64, now: &str) -> Result<i64>;
    /// A contract, and what its payment (if any) will pay of it.
    fn contract(&mut self, contract: &NewContract, paid: i64, now: &str) -> Result<i64>;
    fn payment(&mut self, contract_id: i64, amount: Money, by: i64, now: &str) -> Result<()>;
    /// An event, with its client's sales contact (which PostgreSQL's events carry).
    fn event(
        &mut self,
        event: &NewEvent,
        sales: i64,
        support: Option<i64>,
        now: &str,
    ) -> Result<()>;
}

impl Plan<'_> {
    /// Generates the data set into `sink`, the same on every run (a fixed pseudo-random
    /// sequence); returns how many payments it made.
    fn generate(&self, sink: &mut dyn Sink, progress: &mut dyn FnMut(Progress)) -> Result<u64> {
        let Plan {
            n,
            teams,
            sales,
            support,
            now,
        } = *self;
        let mut seq = Sequence(0x5EED_CAFE_F00D_u64 ^ n);
        let mut payments = 0;
        // The signed contracts, each with its client's sales contact.
        let mut signed = Vec::with_capacity(n as usize);
        for i in 1..=n {
            // Ctrl-C between statements (SQLite interrupts only the one running): the whole
            // load rolls back.
            if i % STEP == 0 {
                crate::interrupt::check()?;
                progress(Progress {
                    stage: Stage::Clients,
                    done: i,
                    total: n,
                });
            }
            let (first, last) = (seq.pick(&FIRST), seq.pick(&LAST));
            let client = NewClient {
                full_name: Name::parse("full name", &format!("{first} {last}"))?,
                email: Email::parse(&format!(
                    "client{i}@{}.example.com",
                    last.to_lowercase().replace(['è', 'é'], "e")
                ))?,
                phone: Phone::parse(&format!(
                    "+33 6 {:02} {:02} {:02} {:02}",
                    i % 100,
                    (i / 100) % 100,
                    (i / 10_000) % 100,
                    seq.below(100)
                ))?,
                company_name: Name::parse(
                    "company name",
                    &format!("{last} {}", seq.pick(&COMPANIES)),
                )?,
            };
            let seller = sales[seq.below(teams) as usize];
            let client_id = sink.client(&client, seller, now)?;
            let total = Money::from_cents(100_000 + seq.below(5_000_000) as i64);
            let is_signed = seq.below(10) < 7;
            let contract = NewContract {
                client_id,
                total,
                signed: is_signed,
            };
            let paid = match is_signed.then(|| seq.below(4)) {
                Some(0 | 1) => total.cents(),
                Some(2) => total.cents() / 2,
                _ => 0,
            };
            let contract_id = sink.contract(&contract, paid, now)?;
            if is_signed {
                if paid > 0 {
                    sink.payment(contract_id, Money::from_cents(paid), sales[0], now)?;
                    payments += 1;
                }
                signed.push((contract_id, seller));
            }
        }
        for i in 0..n {
            if i % STEP == 0 {
                crate::interrupt::check()?;
                progress(Progress {
                    stage: Stage::Events,
                    done: i,
                    total: n,
                });
            }
            // Every event goes under a signed contract; some contracts get two.
            let (contract_id, seller) = signed[(i as usize) % signed.len()];
            let day = seq.below(3 * 365);
            let start = start_time(day, 9 + seq.below(12));
            let end = start_time(day, 9 + seq.below(12) + 13);
            let event = NewEvent {
                contract_id,
                name: Name::parse(
                    "name",
                    &format!("{} {}", seq.pick(&LAST), seq.pick(&EVENTS)),
                )?,
                start: EventTime::parse("start", &start)?,
                end: EventTime::parse("end", &end)?,
                venue: Venue::default(),
                location: Name::parse("location", seq.pick(&PLACES))?,
                attendees: Attendees::parse(&seq.below(500).to_string())?,
                notes: Notes::default(),
            };
            let assigned = (seq.below(10) < 8).then(|| support[seq.below(teams) as usize]);
            sink.event(&event, seller, assigned, now)?;
        }
        Ok(payments)
    }
}

/// The SQLite sink: each row through its repository, in the load's transaction (inserts are
/// calls into the same process, prepared once).
struct Inserts<'a, 'c>(&'a db::Tx<'c>);

impl Sink for Inserts<'_, '_> {
    fn client(&mut self, client: &NewClient, sales: i64, now: &str) -> Result<i64> {
        clients::insert(self.0, client, sales, now)
    }

    fn contract(&mut self, contract: &NewContract, _paid: i64, now: &str) -> Result<i64> {
        // The payment's row lowers what remains, through the schema's trigger.
        contracts::insert(self.0, contract, now)
    }

    fn payment(&mut self, contract_id: i64, amount: Money, by: i64, now: &str) -> Result<()> {
        contracts::insert_payment(self.0, contract_id, amount, by, now).map(drop)
    }

    fn event(
        &mut self,
        event: &NewEvent,
        _sales: i64,
        support: Option<i64>,
        now: &str,
    ) -> Result<()> {
        let id = events::insert(self.0, event, now)?;
        if support.is_some() {
            events::set_support(self.0, id, support, now)?;
        }
        Ok(())
    }
}

/// The PostgreSQL sink: the data set is generated once per table, and only that table's rows
/// are streamed through its COPY (one COPY runs at a time on a connection). Ids are reserved
/// up front, so every pass gives each row the same id. What remains of each contract is
/// written with it, the rules its payment's trigger keeps being suspended for the load
/// ([`bulk::suspend_row_rules`]).
struct Copies<'r, 'w> {
    table: Table,
    rows: &'r mut bulk::Rows<'w>,
    clients: i64,
    contracts: i64,
    events: i64,
}

impl Sink for Copies<'_, '_> {
    fn client(&mut self, client: &NewClient, sales: i64, now: &str) -> Result<i64> {
        let id = self.clients;
        self.clients += 1;
        if self.table == Table::Clients {
            self.rows.client(id, client, sales, now)?;
        }
        Ok(id)
    }

    fn contract(&mut self, contract: &NewContract, paid: i64, now: &str) -> Result<i64> {
        let id = self.contracts;
        self.contracts += 1;
        if self.table == Table::Contracts {
            let remaining = contract.total.cents() - paid;
            self.rows.contract(id, contract, remaining, now)?;
        }
        Ok(id)
    }

    fn payment(&mut self, contract_id: i64, amount: Money, by: i64, now: &str) -> Result<()> {
        if self.table == Table::Payments {
            self.rows.payment(contract_id, amount, by, now)?;
        }
        Ok(())
    }

    fn event(
        &mut self,
        event: &NewEvent,
        sales: i64,
        support: Option<i64>,
        now: &str,
    ) -> Result<()> {
        let id = self.events;
        self.events += 1;
        if self.table == Table::Events {
            self.rows.event(id, event, sales, support, now)?;
        }
        Ok(())
    }
}

/// Loads `plan` into PostgreSQL, table by table through COPY; returns the payments made.
/// Progress counts the four passes as one: the first three as clients, the last as events.
fn copy_passes(
    pg: &crate::pg::Conn,
    plan: &Plan<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64> {
    bulk::suspend_row_rules(pg)?;
    let first = |table| bulk::reserve_ids(pg, table, plan.n);
    let (clients, contracts, events) = (
        first(Table::Clients)?,
        first(Table::Contracts)?,
        first(Table::Events)?,
    );
    let mut payments = 0;
    let passes = [
        Table::Clients,
        Table::Contracts,
        Table::Payments,
        Table::Events,
    ];
    for (pass, table) in passes.into_iter().enumerate() {
        let mut report = |p: Progress| match (table, p.stage) {
            (Table::Events, Stage::Events) => progress(p),
            (Table::Events, _) | (_, Stage::Events) => {}
            (_, stage) => progress(Progress {
                stage,
                done: (pass as u64 * plan.n + p.done) / 3,
                total: plan.n,
            }),
        };
        bulk::copy(pg, table, &mut |rows| {
            let mut sink = Copies {
                table,
                rows,
                clients,
                contracts,
                events,
            };
            payments = plan.generate(&mut sink, &mut report)?;
            Ok(())
        })?;
    }
    bulk::resume_row_rules(pg)?;
    Ok(payments)
}

/// `YYYY-MM-DD HH:MM` for `day` days after 2026-01-01 at `hour` (which may run into the next
/// days).
fn start_time(day: u64, hour: u64) -> String {
    let date = time::macros::date!(2026 - 01 - 01) + time::Duration::days((day + hour / 24) as i64);
    format!("{date} {:02}:00", hour % 24)
}

#[cfg(test)]
mod tests;
