//! A scaled load leaves the schema as migrated and reports each stage.

use super::*;
use crate::config::Config;

fn schema(ctx: &Context) -> Vec<(String, Option<String>)> {
    let mut stmt = ctx
        .db()
        .sqlite()
        .unwrap()
        .prepare("SELECT name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_load_leaves_every_index_and_trigger_as_migrated_and_reports_each_stage() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = Context::open(Config::in_dir(dir.path())).unwrap();
    let migrated = schema(&ctx);
    let mut seen = Vec::new();
    load_as(&mut ctx, 3_000, None, &mut |p| seen.push(p)).unwrap();
    // ANALYZE adds its statistics table; nothing else may differ.
    let loaded: Vec<_> = schema(&ctx)
        .into_iter()
        .filter(|(name, _)| !name.starts_with("sqlite_stat"))
        .collect();
    assert_eq!(loaded, migrated);
    let stages: Vec<Stage> = seen.iter().map(|p| p.stage).fold(Vec::new(), |mut v, s| {
        if v.last() != Some(&s) {
            v.push(s);
        }
        v
    });
    assert_eq!(stages, [Stage::Clients, Stage::Events, Stage::Indexes]);
    assert!(seen.iter().all(|p| p.done <= p.total), "{seen:?}");
    let last = seen.last().unwrap();
    assert_eq!(last.done, last.total, "the last report is the end");
}
