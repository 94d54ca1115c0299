//! Every list and filter at scale, in-process: the first page (25 rows) and the footer's
//! count, through the repositories exactly as the shell runs them.
//!
//! `cargo bench` uses `target/bench/scale-1000000.db` (built by `bench/run.py`, or here on
//! first use, which takes about a minute), or the database named by `EPICEVENTS_BENCH_DB`.
//! The process-level figures (start-up, memory, the sqlite3 floor) come from
//! `bench/run.py`; see docs/performance.md.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use epicevents::config::Config;
use epicevents::db::{Create, Db};
use epicevents::domain::{ClientSort, ContractSort, EventSort, Sort};
use epicevents::repo::List as _;
use epicevents::repo::{Window, audit, clients, contracts, events};
use epicevents::service::{Context, scale};

const PAGE: Option<Window> = Some(Window {
    limit: 25,
    offset: 0,
});
const SALES: i64 = 2;
const SUPPORT: i64 = 150;

/// The million-row database: `EPICEVENTS_BENCH_DB` (a file, or a `postgres://` URL of a
/// database `demo --scale 1000000` filled), else a file built on first use.
fn database() -> Db {
    let path = std::env::var_os("EPICEVENTS_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/scale-1000000.db")
        });
    let is_url = path.to_str().is_some_and(epicevents::pg::is_url);
    if !is_url && !path.exists() {
        let config = Config {
            home: path.with_extension("home"),
            db_path: path.clone(),
            secret: None,
            sentry_dsn: None,
            sentry_environment: None,
            warnings: Vec::new(),
            server: None,
            ca: None,
        };
        let mut ctx = Context::open(config).expect("the bench database opens");
        scale::load(&mut ctx, 1_000_000).expect("the bench data set loads");
    }
    Db::open(&path, Create::No).expect("the bench database opens")
}

/// Takes a row as the shell would, so the optimiser cannot drop the read.
fn consume<T>(row: T) -> epicevents::error::Result<()> {
    black_box(row);
    Ok(())
}

fn lists(c: &mut Criterion) {
    let conn = database();
    let mut group = c.benchmark_group("first page and count");
    let client_filters = [
        ("clients list", clients::Filter::default()),
        (
            "clients list --mine",
            clients::Filter {
                sales_contact_id: Some(SALES),
                ..Default::default()
            },
        ),
        (
            "clients list --unassigned",
            clients::Filter {
                unassigned: true,
                ..Default::default()
            },
        ),
        (
            "clients list --search casey",
            clients::Filter {
                search: Some("casey".into()),
                ..Default::default()
            },
        ),
        (
            "clients list --search ab",
            clients::Filter {
                search: Some("ab".into()),
                ..Default::default()
            },
        ),
        (
            "clients list --sort name",
            clients::Filter {
                sort: Sort::new(ClientSort::Name, false),
                ..Default::default()
            },
        ),
        (
            "clients list --sales --sort name",
            clients::Filter {
                sales_contact_id: Some(SALES),
                sort: Sort::new(ClientSort::Name, false),
                ..Default::default()
            },
        ),
        (
            "clients list --search casey --sort name",
            clients::Filter {
                search: Some("casey".into()),
                sort: Sort::new(ClientSort::Name, false),
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in &client_filters {
        group.bench_function(*name, |b| {
            b.iter(|| {
                filter.for_each(&conn, PAGE, &mut consume).unwrap();
                black_box(filter.count(&conn).unwrap())
            })
        });
    }
    let contract_filters = [
        ("contracts list", contracts::Filter::default()),
        (
            "contracts list --client",
            contracts::Filter {
                client_id: Some(500_000),
                ..Default::default()
            },
        ),
        (
            "contracts list --mine",
            contracts::Filter {
                sales_contact_id: Some(SALES),
                ..Default::default()
            },
        ),
        (
            "contracts unsigned",
            contracts::Filter {
                unsigned: true,
                ..Default::default()
            },
        ),
        (
            "contracts unpaid",
            contracts::Filter {
                unpaid: true,
                ..Default::default()
            },
        ),
        (
            "contracts unpaid --mine",
            contracts::Filter {
                unpaid: true,
                sales_contact_id: Some(SALES),
                ..Default::default()
            },
        ),
        (
            "contracts list --signed",
            contracts::Filter {
                signed: true,
                ..Default::default()
            },
        ),
        (
            "contracts list --sort total --desc",
            contracts::Filter {
                sort: Sort::new(ContractSort::Total, true),
                ..Default::default()
            },
        ),
        (
            "contracts list --sort client",
            contracts::Filter {
                sort: Sort::new(ContractSort::Client, false),
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in &contract_filters {
        group.bench_function(*name, |b| {
            b.iter(|| {
                filter.for_each(&conn, PAGE, &mut consume).unwrap();
                black_box(filter.count(&conn).unwrap())
            })
        });
    }
    let event_filters = [
        ("events list", events::Filter::default()),
        (
            "events list --client",
            events::Filter {
                client_id: Some(500_000),
                ..Default::default()
            },
        ),
        (
            "events list --support",
            events::Filter {
                support_contact_id: Some(SUPPORT),
                ..Default::default()
            },
        ),
        (
            "events no-support",
            events::Filter {
                no_support: true,
                ..Default::default()
            },
        ),
        (
            "events mine (sales)",
            events::Filter {
                sales_contact_id: Some(SALES),
                ..Default::default()
            },
        ),
        (
            "events list --from --to",
            events::Filter {
                from: Some("2027-01-01T00:00".into()),
                to: Some("2027-02-01T00:00".into()),
                ..Default::default()
            },
        ),
        (
            "events list --sort attendees --desc",
            events::Filter {
                sort: Sort::new(EventSort::Attendees, true),
                ..Default::default()
            },
        ),
        (
            "events list --support --sort name",
            events::Filter {
                support_contact_id: Some(SUPPORT),
                sort: Sort::new(EventSort::Name, false),
                ..Default::default()
            },
        ),
        (
            "events list (a month) --sort name",
            events::Filter {
                from: Some("2027-01-01T00:00".into()),
                to: Some("2027-02-01T00:00".into()),
                sort: Sort::new(EventSort::Name, false),
                ..Default::default()
            },
        ),
        (
            "events list (a day) --sort name",
            events::Filter {
                from: Some("2027-01-05T00:00".into()),
                to: Some("2027-01-06T00:00".into()),
                sort: Sort::new(EventSort::Name, false),
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in &event_filters {
        group.bench_function(*name, |b| {
            b.iter(|| {
                filter.for_each(&conn, PAGE, &mut consume).unwrap();
                black_box(filter.count(&conn).unwrap())
            })
        });
    }
    group.bench_function("audit list", |b| {
        let filter = audit::Filter::default();
        b.iter(|| {
            filter.for_each(&conn, PAGE, &mut consume).unwrap();
            black_box(filter.count(&conn).unwrap())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = lists
}
criterion_main!(benches);
