-- Indexes so that every list reads its first page from an index at a million rows
-- (issue: fast at a million rows).

-- Event lists come in start order. A filter on the support contact, or on its absence, then
-- reads its first page straight from these instead of sorting every matching event.
DROP INDEX events_support;
CREATE INDEX events_support_start ON events (support_contact_id, starts_at, id);
DROP INDEX events_no_support;
CREATE INDEX events_no_support_start ON events (starts_at, id) WHERE support_contact_id IS NULL;

-- The unpaid list counts its rows (the footer) from this covering index, whatever the
-- statistics say; its first page walks contracts in id order, or, when few are unpaid, reads
-- them from here and sorts them.
DROP INDEX contracts_unpaid;
CREATE INDEX contracts_unpaid ON contracts (remaining_cents, id) WHERE remaining_cents > 0;

-- Client search finds text anywhere in the name, email or company. A B-tree cannot serve
-- "contains", so a trigram full-text index does, for searches of three characters or more
-- (shorter ones are scanned). It stores no text of its own (content='clients') and follows
-- the table through the triggers below.
CREATE VIRTUAL TABLE clients_search USING fts5(
    full_name, email, company_name,
    content = 'clients', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO clients_search (clients_search) VALUES ('rebuild');

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
