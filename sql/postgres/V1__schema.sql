-- The schema of epicevents on PostgreSQL: the same tables, columns and rules as the SQLite
-- schema at its latest migration (sql/migrations, V1 to V6), in PostgreSQL's own terms.
--
-- * Ids are identity columns: a sequence never gives a number twice, even after a deletion
--   or a rolled-back insert (SQLite's AUTOINCREMENT, the trust issue's "ids never come back").
-- * Emails are unique whatever their case (a unique index on lower(email)).
-- * Every rule SQLite keeps in a trigger is a PL/pgSQL trigger here, raising the same message.
-- * A client search reads a pg_trgm index (SQLite's FTS5 trigram table).
-- * Times stay text in the same forms as SQLite's (`2026-12-03T17:00:00Z` for instants, the
--   event's local `2027-06-04T13:00`): both stores read and write the same values, and a copy
--   from one to the other is exact.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE instance (
    singleton   integer PRIMARY KEY CHECK (singleton = 1),
    instance_id text NOT NULL CHECK (length(instance_id) = 32)
);
INSERT INTO instance (singleton, instance_id)
VALUES (1, md5(random()::text || clock_timestamp()::text));

CREATE TABLE departments (
    id   integer PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name IN ('management', 'sales', 'support'))
);
INSERT INTO departments (id, name) VALUES (1, 'management'), (2, 'sales'), (3, 'support');

CREATE TABLE collaborators (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Random, never reused: what a session token names (with the id and token version).
    identity             text NOT NULL UNIQUE DEFAULT md5(random()::text || clock_timestamp()::text)
                         CHECK (length(identity) = 32),
    employee_number      text NOT NULL UNIQUE CHECK (length(employee_number) BETWEEN 1 AND 32),
    full_name            text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email                text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone                text NOT NULL CHECK (length(phone) BETWEEN 1 AND 32),
    department_id        integer NOT NULL REFERENCES departments (id),
    password_hash        text NOT NULL CHECK (password_hash LIKE '$2%'),
    must_change_password integer NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    token_version        bigint NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    failed_logins        integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until         text,
    created_at           text NOT NULL,
    updated_at           text NOT NULL
);
CREATE UNIQUE INDEX collaborators_email ON collaborators (lower(email));
CREATE INDEX collaborators_department ON collaborators (department_id, id);

CREATE TABLE clients (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    full_name        text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone            text NOT NULL CHECK (length(phone) BETWEEN 1 AND 32),
    company_name     text NOT NULL CHECK (length(company_name) BETWEEN 1 AND 200),
    -- A sales collaborator (enforced by a trigger); NULL once that collaborator is deleted,
    -- until management reassigns the client.
    sales_contact_id bigint REFERENCES collaborators (id) ON DELETE SET NULL,
    created_at       text NOT NULL,
    updated_at       text NOT NULL
);
CREATE UNIQUE INDEX clients_email ON clients (lower(email));
CREATE INDEX clients_sales_contact ON clients (sales_contact_id, id);
CREATE INDEX clients_updated ON clients (updated_at, id);
CREATE INDEX clients_name ON clients (lower(full_name), id);
CREATE INDEX clients_company ON clients (lower(company_name), id);
-- `clients list --search`: one trigram index over the three searched fields.
CREATE INDEX clients_search ON clients
    USING gin ((full_name || ' ' || email || ' ' || company_name) gin_trgm_ops);

CREATE TABLE contracts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id       bigint NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    total_cents     bigint NOT NULL CHECK (total_cents >= 0),
    -- total_cents minus the payments: kept by the payments trigger and by total updates.
    remaining_cents bigint NOT NULL CHECK (remaining_cents BETWEEN 0 AND total_cents),
    created_at      text NOT NULL,
    -- NULL while unsigned; a contract is signed once and stays signed.
    signed_at       text
);
CREATE INDEX contracts_client ON contracts (client_id, id);
CREATE INDEX contracts_signed ON contracts (signed_at, id);
CREATE INDEX contracts_total ON contracts (total_cents, id);
CREATE INDEX contracts_remaining ON contracts (remaining_cents, id);

CREATE TABLE payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id  bigint NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    paid_at      text NOT NULL,
    -- Who recorded it. Not a foreign key: the history outlives the collaborator.
    recorded_by  bigint
);
CREATE INDEX payments_contract ON payments (contract_id, id);

CREATE TABLE events (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id        bigint NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Local time of the event, `YYYY-MM-DDTHH:MM`.
    starts_at          text NOT NULL,
    ends_at            text NOT NULL,
    location           text NOT NULL CHECK (length(location) BETWEEN 1 AND 500),
    attendees          bigint NOT NULL CHECK (attendees >= 0),
    notes              text NOT NULL DEFAULT '',
    support_contact_id bigint REFERENCES collaborators (id) ON DELETE SET NULL,
    created_at         text NOT NULL,
    updated_at         text NOT NULL,
    venue              text NOT NULL DEFAULT '' CHECK (length(venue) <= 200),
    CHECK (starts_at < ends_at)
);
CREATE INDEX events_contract ON events (contract_id, id);
CREATE INDEX events_support_start ON events (support_contact_id, starts_at, id);
CREATE INDEX events_starts_at ON events (starts_at, id);
CREATE INDEX events_name ON events (lower(name), id);
CREATE INDEX events_attendees ON events (attendees, id);

CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        text NOT NULL,
    -- The collaborator who acted; NULL for set-up, demo data and login attempts. Not a
    -- foreign key: the trail outlives the collaborator (whose id is never reused).
    actor_id  bigint,
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id bigint,
    changes   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_actor ON audit_log (actor_id, id);
CREATE INDEX audit_at ON audit_log (at, id);

-- The rules of the records, as SQLite's triggers keep them, with the same messages.

CREATE FUNCTION refuse(message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'check_violation';
END $$;

CREATE FUNCTION clients_sales_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sales_contact_id IS NOT NULL AND (
        SELECT department_id FROM collaborators WHERE id = NEW.sales_contact_id
    ) IS DISTINCT FROM 2 THEN
        PERFORM refuse('a client''s sales contact must be in sales');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER clients_sales_contact BEFORE INSERT OR UPDATE OF sales_contact_id ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_sales_contact();

CREATE FUNCTION events_support_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.support_contact_id IS NOT NULL AND (
        SELECT department_id FROM collaborators WHERE id = NEW.support_contact_id
    ) IS DISTINCT FROM 3 THEN
        PERFORM refuse('an event''s support contact must be in support');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_support_contact BEFORE INSERT OR UPDATE OF support_contact_id ON events
    FOR EACH ROW EXECUTE FUNCTION events_support_contact();

CREATE FUNCTION events_need_signed_contract() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT signed_at FROM contracts WHERE id = NEW.contract_id) IS NULL THEN
        PERFORM refuse('an event needs a signed contract');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_need_signed_contract BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_need_signed_contract();

CREATE FUNCTION contracts_stay_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL AND NEW.signed_at IS DISTINCT FROM OLD.signed_at THEN
        PERFORM refuse('a signed contract stays signed');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER contracts_stay_signed BEFORE UPDATE OF signed_at ON contracts
    FOR EACH ROW EXECUTE FUNCTION contracts_stay_signed();

-- A payment needs a signed contract, lowers what remains (the CHECK on remaining_cents
-- refuses one larger than that), and is never changed nor deleted. The contract's row is
-- locked by the UPDATE, so concurrent payments on one contract take turns.
CREATE FUNCTION payments_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT signed_at FROM contracts WHERE id = NEW.contract_id) IS NULL THEN
        PERFORM refuse('a payment needs a signed contract');
    END IF;
    UPDATE contracts SET remaining_cents = remaining_cents - NEW.amount_cents
    WHERE id = NEW.contract_id;
    RETURN NEW;
END $$;
CREATE TRIGGER payments_record BEFORE INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_record();

CREATE FUNCTION payments_are_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM refuse('payments cannot be changed');
    END IF;
    PERFORM refuse('payments cannot be deleted');
    RETURN NULL;
END $$;
CREATE TRIGGER payments_are_permanent BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_are_permanent();

-- Never zero managers, and nobody leaves sales or support with records still naming them.
-- The management rows are locked first, so that two managers removing each other at once
-- take turns and the second sees the first's change.
CREATE FUNCTION collaborators_keep_departments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    leaving integer := OLD.department_id;
    managers bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.department_id = OLD.department_id THEN
        RETURN NEW;
    END IF;
    IF leaving = 1 THEN
        PERFORM 1 FROM collaborators WHERE department_id = 1 FOR UPDATE;
        SELECT count(*) INTO managers FROM collaborators WHERE department_id = 1;
        IF managers <= 1 THEN
            PERFORM refuse('the last management collaborator cannot be removed');
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF leaving = 2 AND EXISTS (SELECT 1 FROM clients WHERE sales_contact_id = OLD.id) THEN
            PERFORM refuse('a collaborator leaving sales still has clients');
        END IF;
        IF leaving = 3 AND EXISTS (SELECT 1 FROM events WHERE support_contact_id = OLD.id) THEN
            PERFORM refuse('a collaborator leaving support still has events');
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER collaborators_keep_departments
    BEFORE UPDATE OF department_id OR DELETE ON collaborators
    FOR EACH ROW EXECUTE FUNCTION collaborators_keep_departments();
