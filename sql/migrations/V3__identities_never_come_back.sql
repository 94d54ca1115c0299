-- Identities never come back (issue: trust).
--
-- With a plain INTEGER PRIMARY KEY, SQLite gives a new row the largest id plus one, so
-- deleting the newest collaborator and hiring someone gave the new hire the deleted person's
-- id: their saved session, their history file and their audit trail. AUTOINCREMENT never
-- hands out an id twice, but SQLite cannot add it to an existing table, so every table whose
-- rows can be deleted (or whose ids others record) is rebuilt here with its data, following
-- SQLite's documented procedure (https://www.sqlite.org/lang_altertable.html#otheralter):
-- db::migrate turns foreign keys off around the migration, and checks every reference with
-- `PRAGMA foreign_key_check` before it commits.
--
-- Each table's counter starts above the largest id it ever held: its current rows, and the
-- ids the audit trail recorded for rows deleted before this migration.
--
-- Collaborators also get `identity`, a random value no other collaborator, present or future,
-- will ever have: session tokens carry it, so a token names one person whatever happens to ids.
-- `must_change_password` is set by a management password reset.

-- Every trigger sits on a table rebuilt below and goes with it; they are created again at the
-- end, unchanged, or strengthened where the trust issue asks.

CREATE TABLE collaborators_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Random, never reused: what a session token names (with the id and token version).
    identity             TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16))))
                         CHECK (length(identity) = 32),
    -- The company's own staff number, e.g. `EMP-0042`.
    employee_number      TEXT NOT NULL UNIQUE CHECK (length(employee_number) BETWEEN 1 AND 32),
    full_name            TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    -- The login. Stored lower-case; NOCASE makes the uniqueness case-insensitive regardless.
    email                TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
    phone                TEXT NOT NULL CHECK (length(phone) BETWEEN 1 AND 32),
    department_id        INTEGER NOT NULL REFERENCES departments (id),
    -- bcrypt (cost >= 12). Never leaves the repository layer.
    password_hash        TEXT NOT NULL CHECK (password_hash LIKE '$2%'),
    -- 1 after a management reset: the next login must choose a new password.
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    -- Bumped by logout, password change or reset, department change: tokens carry the version
    -- they were issued for and stop working as soon as it moves.
    token_version        INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    -- Consecutive failed logins, and the end of the current lock-out if any.
    failed_logins        INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until         TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
INSERT INTO collaborators_new
    (id, employee_number, full_name, email, phone, department_id, password_hash,
     token_version, failed_logins, locked_until, created_at, updated_at)
SELECT id, employee_number, full_name, email, phone, department_id, password_hash,
       token_version, failed_logins, locked_until, created_at, updated_at
FROM collaborators;

CREATE TABLE clients_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    full_name        TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email            TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
    phone            TEXT NOT NULL CHECK (length(phone) BETWEEN 1 AND 32),
    company_name     TEXT NOT NULL CHECK (length(company_name) BETWEEN 1 AND 200),
    -- A sales collaborator (enforced by the triggers below); NULL once that collaborator is
    -- deleted, until management reassigns the client.
    sales_contact_id INTEGER REFERENCES collaborators (id) ON DELETE SET NULL,
    -- First contact.
    created_at       TEXT NOT NULL,
    -- Last contact or update.
    updated_at       TEXT NOT NULL
);
INSERT INTO clients_new SELECT id, full_name, email, phone, company_name, sales_contact_id,
    created_at, updated_at FROM clients;

CREATE TABLE contracts_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The contract's sales contact is its client's: it is not stored twice.
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    total_cents     INTEGER NOT NULL CHECK (total_cents >= 0),
    -- total_cents minus the payments: kept by the payments trigger and by total updates.
    remaining_cents INTEGER NOT NULL CHECK (remaining_cents BETWEEN 0 AND total_cents),
    created_at      TEXT NOT NULL,
    -- NULL while unsigned; a contract is signed once and stays signed.
    signed_at       TEXT
);
INSERT INTO contracts_new SELECT id, client_id, total_cents, remaining_cents, created_at,
    signed_at FROM contracts;

CREATE TABLE payments_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id  INTEGER NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_at      TEXT NOT NULL,
    -- Who recorded it. Not a foreign key: the history outlives the collaborator (whose id is
    -- never given to anyone else).
    recorded_by  INTEGER
);
INSERT INTO payments_new SELECT id, contract_id, amount_cents, paid_at, recorded_by
FROM payments;

CREATE TABLE events_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id        INTEGER NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
    name               TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Local time of the event, `YYYY-MM-DDTHH:MM`.
    starts_at          TEXT NOT NULL,
    ends_at            TEXT NOT NULL,
    location           TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 500),
    attendees          INTEGER NOT NULL CHECK (attendees >= 0),
    notes              TEXT NOT NULL DEFAULT '',
    -- A support collaborator (enforced by the triggers below), or none yet.
    support_contact_id INTEGER REFERENCES collaborators (id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (starts_at < ends_at)
);
INSERT INTO events_new SELECT id, contract_id, name, starts_at, ends_at, location, attendees,
    notes, support_contact_id, created_at, updated_at FROM events;

-- Every write, in the same transaction as the write. `changes` is a JSON object
-- {"field": [old, new], ...} that never holds a password or a hash.
CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    -- The collaborator who acted; NULL for set-up, demo data and login attempts.
    -- Not a foreign key: the trail outlives the collaborator (whose id is never reused).
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    changes   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(changes))
);
INSERT INTO audit_log_new SELECT id, at, actor_id, action, entity, entity_id, changes
FROM audit_log;

DROP TABLE audit_log;
DROP TABLE events;
DROP TABLE payments;
DROP TABLE contracts;
DROP TABLE clients;
DROP TABLE collaborators;
ALTER TABLE collaborators_new RENAME TO collaborators;
ALTER TABLE clients_new RENAME TO clients;
ALTER TABLE contracts_new RENAME TO contracts;
ALTER TABLE payments_new RENAME TO payments;
ALTER TABLE events_new RENAME TO events;
ALTER TABLE audit_log_new RENAME TO audit_log;

-- The counters: above every id a table holds or the audit trail saw (rows deleted before this
-- migration). Inserting the copies created a row for each non-empty table.
INSERT INTO sqlite_sequence (name, seq)
SELECT t.name, 0
FROM (SELECT 'collaborators' AS name UNION ALL SELECT 'clients' UNION ALL SELECT 'contracts'
      UNION ALL SELECT 'payments' UNION ALL SELECT 'events' UNION ALL SELECT 'audit_log') t
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = t.name);
UPDATE sqlite_sequence SET seq = max(seq, coalesce((
    SELECT max(entity_id) FROM audit_log
    WHERE entity = CASE sqlite_sequence.name
        WHEN 'collaborators' THEN 'collaborator' WHEN 'clients' THEN 'client'
        WHEN 'contracts' THEN 'contract' WHEN 'events' THEN 'event' END), 0))
WHERE name IN ('collaborators', 'clients', 'contracts', 'events');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((
    SELECT max(CAST(json_extract(changes, '$.payment_id[1]') AS INTEGER)) FROM audit_log
    WHERE entity = 'contract' AND action = 'pay'), 0))
WHERE name = 'payments';

-- The indexes, as V1 and V2 left them.
CREATE INDEX collaborators_department ON collaborators (department_id, id);
CREATE INDEX clients_sales_contact ON clients (sales_contact_id, id);
CREATE INDEX contracts_client ON contracts (client_id, id);
CREATE INDEX contracts_unsigned ON contracts (id) WHERE signed_at IS NULL;
CREATE INDEX contracts_unpaid ON contracts (remaining_cents, id) WHERE remaining_cents > 0;
CREATE INDEX payments_contract ON payments (contract_id, id);
CREATE INDEX events_contract ON events (contract_id, id);
CREATE INDEX events_starts_at ON events (starts_at, id);
CREATE INDEX events_support_start ON events (support_contact_id, starts_at, id);
CREATE INDEX events_no_support_start ON events (starts_at, id) WHERE support_contact_id IS NULL;
CREATE INDEX audit_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_actor ON audit_log (actor_id, id);
CREATE INDEX audit_at ON audit_log (at, id);

-- The triggers of V1 and V2, as they were.

CREATE TRIGGER clients_sales_contact_insert BEFORE INSERT ON clients
WHEN NEW.sales_contact_id IS NOT NULL
 AND (SELECT department_id FROM collaborators WHERE id = NEW.sales_contact_id) IS NOT 2
BEGIN SELECT RAISE(ABORT, 'a client''s sales contact must be in sales'); END;

CREATE TRIGGER clients_sales_contact_update BEFORE UPDATE OF sales_contact_id ON clients
WHEN NEW.sales_contact_id IS NOT NULL
 AND (SELECT department_id FROM collaborators WHERE id = NEW.sales_contact_id) IS NOT 2
BEGIN SELECT RAISE(ABORT, 'a client''s sales contact must be in sales'); END;

CREATE TRIGGER events_support_contact_insert BEFORE INSERT ON events
WHEN NEW.support_contact_id IS NOT NULL
 AND (SELECT department_id FROM collaborators WHERE id = NEW.support_contact_id) IS NOT 3
BEGIN SELECT RAISE(ABORT, 'an event''s support contact must be in support'); END;

CREATE TRIGGER events_support_contact_update BEFORE UPDATE OF support_contact_id ON events
WHEN NEW.support_contact_id IS NOT NULL
 AND (SELECT department_id FROM collaborators WHERE id = NEW.support_contact_id) IS NOT 3
BEGIN SELECT RAISE(ABORT, 'an event''s support contact must be in support'); END;

CREATE TRIGGER collaborators_leave_sales BEFORE UPDATE OF department_id ON collaborators
WHEN OLD.department_id = 2 AND NEW.department_id <> 2
 AND EXISTS (SELECT 1 FROM clients WHERE sales_contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a collaborator leaving sales still has clients'); END;

CREATE TRIGGER collaborators_leave_support BEFORE UPDATE OF department_id ON collaborators
WHEN OLD.department_id = 3 AND NEW.department_id <> 3
 AND EXISTS (SELECT 1 FROM events WHERE support_contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a collaborator leaving support still has events'); END;

CREATE TRIGGER events_need_signed_contract BEFORE INSERT ON events
WHEN (SELECT signed_at FROM contracts WHERE id = NEW.contract_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'an event needs a signed contract'); END;

CREATE TRIGGER contracts_stay_signed BEFORE UPDATE OF signed_at ON contracts
WHEN OLD.signed_at IS NOT NULL AND NEW.signed_at IS NOT OLD.signed_at
BEGIN SELECT RAISE(ABORT, 'a signed contract stays signed'); END;

CREATE TRIGGER payments_need_signed_contract BEFORE INSERT ON payments
WHEN (SELECT signed_at FROM contracts WHERE id = NEW.contract_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'a payment needs a signed contract'); END;

CREATE TRIGGER payments_lower_remaining AFTER INSERT ON payments
BEGIN
    UPDATE contracts SET remaining_cents = remaining_cents - NEW.amount_cents
    WHERE id = NEW.contract_id;
END;

CREATE TRIGGER payments_are_immutable BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments cannot be changed'); END;
CREATE TRIGGER payments_are_permanent BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments cannot be deleted'); END;

-- The client search index follows the rebuilt table (same ids, so its content is unchanged).
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients
BEGIN
    INSERT INTO clients_search (rowid, full_name, email, company_name)
    VALUES (NEW.id, NEW.full_name, NEW.email, NEW.company_name);
END;

CREATE TRIGGER clients_search_delete AFTER DELETE ON clients
BEGIN
    INSERT INTO clients_search (clients_search, rowid, full_name, email, company_name)
    VALUES ('delete', OLD.id, OLD.full_name, OLD.email, OLD.company_name);
END;

CREATE TRIGGER clients_search_update AFTER UPDATE OF full_name, email, company_name ON clients
BEGIN
    INSERT INTO clients_search (clients_search, rowid, full_name, email, company_name)
    VALUES ('delete', OLD.id, OLD.full_name, OLD.email, OLD.company_name);
    INSERT INTO clients_search (rowid, full_name, email, company_name)
    VALUES (NEW.id, NEW.full_name, NEW.email, NEW.company_name);
END;

-- New: there is always a management collaborator. The service refuses first with a sentence;
-- this makes it true of every path, including two managers removing each other at once.
CREATE TRIGGER collaborators_keep_management_on_delete BEFORE DELETE ON collaborators
WHEN OLD.department_id = 1
 AND (SELECT COUNT(*) FROM collaborators WHERE department_id = 1) <= 1
BEGIN SELECT RAISE(ABORT, 'the last management collaborator cannot be removed'); END;

CREATE TRIGGER collaborators_keep_management_on_update BEFORE UPDATE OF department_id ON collaborators
WHEN OLD.department_id = 1 AND NEW.department_id <> 1
 AND (SELECT COUNT(*) FROM collaborators WHERE department_id = 1) <= 1
BEGIN SELECT RAISE(ABORT, 'the last management collaborator cannot be removed'); END;
