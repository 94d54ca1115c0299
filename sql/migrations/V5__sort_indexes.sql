-- Indexes whose order is a list's sort order (issue: sort keys), so that `--sort KEY` reads
-- its first page in that order, forwards or backwards for `--desc`, instead of sorting every
-- row of a million. Each ends with the id, the tiebreaker that keeps paging stable when
-- values repeat. Names sort ignoring ASCII case, as a reader expects ("bob" beside "Bob").
-- docs/performance.md ("Indexes") gives each one's size and what the load paid for it;
-- `src/repo/plans/indexes.rs` pins each to the sort it serves.
--
-- The sorts that need none: a client's or contract's creation is its id's order (ids are
-- given as records are created and never reused, V3), events already have
-- events_starts_at, and contracts sorted by client name walk clients_name and each
-- client's contracts through contracts_client.

-- clients list --sort name | company | updated
CREATE INDEX clients_name ON clients (full_name COLLATE NOCASE, id);
CREATE INDEX clients_company ON clients (company_name COLLATE NOCASE, id);
CREATE INDEX clients_updated ON clients (updated_at, id);

-- contracts list --sort total | remaining | signed.
CREATE INDEX contracts_total ON contracts (total_cents, id);

-- contracts_signed also counts the `--signed` list (signed_at IS NOT NULL, a range of it), and
-- serves the unsigned list as V1's partial index did: unsigned is its NULL key, whose entries
-- come in id order, so `contracts unsigned` reads its page in order and counts that key.
-- The partial index goes (the query-plan test found that no plan read it any more).
DROP INDEX contracts_unsigned;
CREATE INDEX contracts_signed ON contracts (signed_at, id);

-- contracts list --sort remaining needs every contract in remaining order, paid ones too. The
-- same index, read from remaining_cents > 0, counts the unpaid list as V2's partial index
-- did, so that one goes: one index instead of two, and one write less per payment.
DROP INDEX contracts_unpaid;
CREATE INDEX contracts_remaining ON contracts (remaining_cents, id);

-- events list --sort name | attendees
CREATE INDEX events_name ON events (name COLLATE NOCASE, id);
CREATE INDEX events_attendees ON events (attendees, id);
