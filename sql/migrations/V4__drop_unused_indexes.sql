-- Indexes that no query reads and no foreign key needs (issue: pin the indexes, drop the
-- others). `src/repo/plans/indexes.rs` fails on any index that no recorded statement's plan
-- names and that does not lead with a foreign key's child column; these are the ones it
-- found. Every other index is pinned to the query it serves (docs/performance.md, "Indexes").

-- The no-support list (`events no-support`, and the no-support filters) reads its first page
-- from events_support_start instead: `support_contact_id IS NULL` is one key of
-- (support_contact_id, starts_at, id), whose entries come in start order, and its count
-- reads the same key. SQLite chose that index at 30,000 and at 1,000,000 events, with the
-- bundled library and with the 3.40 shell, so this one only cost space (6 MB at a million
-- events) and a write on every event insert and on every support or start change.
DROP INDEX events_no_support_start;
