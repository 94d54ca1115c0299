//! Rebuilds the binary when a migration is added or edited: refinery embeds the SQL files at
//! compile time but cannot tell cargo about new files by itself.
//!
//! Also records the newest migration version, so that start-up can tell whether the schema
//! is current with one query and no migration parsing.

use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=sql/migrations");
    println!("cargo:rerun-if-changed=sql/postgres");
    let latest = fs::read_dir("sql/migrations")
        .expect("sql/migrations exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            name.strip_prefix('V')?
                .split_once("__")?
                .0
                .parse::<u32>()
                .ok()
        })
        .max()
        .expect("at least one migration named V{n}__name.sql");
    println!("cargo:rustc-env=EPICEVENTS_LATEST_MIGRATION={latest}");
}
