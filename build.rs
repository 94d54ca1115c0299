//! Rebuilds the binary when a migration is added or edited: refinery embeds the SQL files at
//! compile time but cannot tell cargo about new files by itself.
//!
//! Also records the newest migration version of each store, so that start-up can tell whether the schema
//! is current with one query and no migration parsing.

use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=sql/migrations");
    println!("cargo:rerun-if-changed=sql/postgres");
    let sqlite = latest("sql/migrations");
    println!("cargo:rustc-env=EPICEVENTS_LATEST_MIGRATION={sqlite}");
    let postgres = latest("sql/postgres");
    println!("cargo:rustc-env=EPICEVENTS_LATEST_POSTGRES_MIGRATION={postgres}");
    // tests/postgres runs the end-to-end suite on the PostgreSQL server this names; without
    // it, that test binary holds one test that says the suite was skipped.
    println!("cargo:rerun-if-env-changed=EPICEVENTS_TEST_POSTGRES");
    println!("cargo:rustc-check-cfg=cfg(postgres_suite)");
    if std::env::var_os("EPICEVENTS_TEST_POSTGRES").is_some_and(|url| !url.is_empty()) {
        println!("cargo:rustc-cfg=postgres_suite");
    }
}

/// The newest migration version in `dir`.
fn latest(dir: &str) -> u32 {
    fs::read_dir(dir)
        .expect("the migrations directory exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            name.strip_prefix('V')?
                .split_once("__")?
                .0
                .parse::<u32>()
                .ok()
        })
        .max()
        .expect("at least one migration named V{n}__name.sql")
}
