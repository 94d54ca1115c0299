-- The whole epicevents schema (PRODUCT.md §3).
--
-- Conventions: ids are INTEGER PRIMARY KEY (rowid aliases); money is integer cents; every
-- timestamp is ISO-8601 text (`YYYY-MM-DDTHH:MM:SSZ` in UTC for record keeping,
-- `YYYY-MM-DDTHH:MM` in the event's local time for event start and end), so text order is time
-- order. The invariants the code checks are restated here as CHECK, FOREIGN KEY, UNIQUE and
-- triggers, so that no code path, present or future, can store a broken record.

-- One row that identifies this database. Session tokens name it, so a token issued for one
-- database is never accepted by another one that happens to share the secret.
CREATE TABLE instance (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    instance_id TEXT NOT NULL CHECK (length(instance_id) = 32)
);
INSERT INTO instance (singleton, instance_id) VALUES (1, lower(hex(randomblob(16))));

-- The three departments. A table rather than a text column so that a typo cannot create a
-- fourth department and so that collaborators reference a key.
CREATE TABLE departments (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name IN ('management', 'sales', 'support'))
);
INSERT INTO departments (id, name) VALUES (1, 'management'), (2, 'sales'), (3, 'support');

CREATE TABLE collaborators (
    id              INTEGER PRIMARY KEY,
    -- The company's own staff number, e.g. `EMP-0042`.
    employee_number TEXT NOT NULL UNIQUE CHECK (length(employee_number) BETWEEN 1 AND 32),
    full_name       TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    -- The login. Stored lower-case; NOCASE makes the uniqueness case-insensitive regardless.
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
    phone           TEXT NOT NULL CHECK (length(phone) BETWEEN 1 AND 32),
    department_id   INTEGER NOT NULL REFERENCES departments (id),
    -- bcrypt (cost >= 12). Never leaves the repository layer.
    password_hash   TEXT NOT NULL CHECK (password_hash LIKE '$2%'),
    -- Bumped by logout, password change, department change: tokens carry the version they
    -- were issued for and stop working as soon as it moves.
    token_version   INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    -- Consecutive failed logins, and the end of the current lock-out if any.
    failed_logins   INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX collaborators_department ON collaborators (department_id, id);

CREATE TABLE clients (
    id               INTEGER PRIMARY KEY,
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
CREATE INDEX clients_sales_contact ON clients (sales_contact_id, id);

CREATE TABLE contracts (
    id              INTEGER PRIMARY KEY,
    -- The contract's sales contact is its client's: it is not stored twice.
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    total_cents     INTEGER NOT NULL CHECK (total_cents >= 0),
    -- total_cents minus the payments: kept by the payments trigger and by total updates.
    remaining_cents INTEGER NOT NULL CHECK (remaining_cents BETWEEN 0 AND total_cents),
    created_at      TEXT NOT NULL,
    -- NULL while unsigned; a contract is signed once and stays signed.
    signed_at       TEXT
);
CREATE INDEX contracts_client ON contracts (client_id, id);
CREATE INDEX contracts_unsigned ON contracts (id) WHERE signed_at IS NULL;
CREATE INDEX contracts_unpaid ON contracts (id) WHERE remaining_cents > 0;

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    contract_id  INTEGER NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_at      TEXT NOT NULL,
    -- Who recorded it. Not a foreign key: the history outlives the collaborator.
    recorded_by  INTEGER
);
CREATE INDEX payments_contract ON payments (contract_id, id);

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
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
CREATE INDEX events_contract ON events (contract_id, id);
CREATE INDEX events_support ON events (support_contact_id, id);
CREATE INDEX events_starts_at ON events (starts_at, id);
CREATE INDEX events_no_support ON events (id) WHERE support_contact_id IS NULL;

-- Every write, in the same transaction as the write. `changes` is a JSON object
-- {"field": [old, new], ...} that never holds a password or a hash.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    -- The collaborator who acted; NULL for set-up, demo data and anonymous login attempts.
    -- Not a foreign key: the trail outlives the collaborator.
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    changes   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(changes))
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_actor ON audit_log (actor_id, id);
CREATE INDEX audit_at ON audit_log (at, id);

-- Department rules that a CHECK cannot express because they look at another table.

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

-- A collaborator cannot leave sales while clients still name them, nor leave support while
-- events still do: the service first releases those records, in the same transaction.
CREATE TRIGGER collaborators_leave_sales BEFORE UPDATE OF department_id ON collaborators
WHEN OLD.department_id = 2 AND NEW.department_id <> 2
 AND EXISTS (SELECT 1 FROM clients WHERE sales_contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a collaborator leaving sales still has clients'); END;

CREATE TRIGGER collaborators_leave_support BEFORE UPDATE OF department_id ON collaborators
WHEN OLD.department_id = 3 AND NEW.department_id <> 3
 AND EXISTS (SELECT 1 FROM events WHERE support_contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a collaborator leaving support still has events'); END;

-- An event needs a signed contract.
CREATE TRIGGER events_need_signed_contract BEFORE INSERT ON events
WHEN (SELECT signed_at FROM contracts WHERE id = NEW.contract_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'an event needs a signed contract'); END;

-- A contract stays signed.
CREATE TRIGGER contracts_stay_signed BEFORE UPDATE OF signed_at ON contracts
WHEN OLD.signed_at IS NOT NULL AND NEW.signed_at IS NOT OLD.signed_at
BEGIN SELECT RAISE(ABORT, 'a signed contract stays signed'); END;

-- Payments: only on a signed contract, and each one lowers what remains. The CHECK on
-- remaining_cents refuses a payment above what remains.
CREATE TRIGGER payments_need_signed_contract BEFORE INSERT ON payments
WHEN (SELECT signed_at FROM contracts WHERE id = NEW.contract_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'a payment needs a signed contract'); END;

CREATE TRIGGER payments_lower_remaining AFTER INSERT ON payments
BEGIN
    UPDATE contracts SET remaining_cents = remaining_cents - NEW.amount_cents
    WHERE id = NEW.contract_id;
END;

-- Payments are a ledger: never edited, never removed.
CREATE TRIGGER payments_are_immutable BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments cannot be changed'); END;
CREATE TRIGGER payments_are_permanent BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments cannot be deleted'); END;
