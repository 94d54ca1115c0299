//! Rebuilds the binary when a migration is added or edited: refinery embeds the SQL files at
//! compile time but cannot tell cargo about new files by itself.
fn main() {
    println!("cargo:rerun-if-changed=sql/migrations");
}
