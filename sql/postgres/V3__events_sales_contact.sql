-- A salesperson's events (`events mine` in sales, `events list --sales N`) are the events of
-- their clients' contracts, two joins away from the event. At a million events PostgreSQL
-- walked the start order and looked up each event's contract and client, about a hundred
-- other people's events for each one of theirs, and counted them the same way (129 ms for a
-- first page). Each event now carries its client's sales contact, so that list and its count
-- are one index read. The column is derived, never written by the application: the triggers
-- below keep it equal to the client's wherever that can change (an event inserted or moved
-- to another contract, a contract moved to another client, a client reassigned or its sales
-- contact deleted). SQLite keeps the joins: its plan is fast already (docs/performance.md).

ALTER TABLE events ADD COLUMN sales_contact_id bigint;
UPDATE events e SET sales_contact_id = c.sales_contact_id
FROM contracts ct JOIN clients c ON c.id = ct.client_id
WHERE ct.id = e.contract_id;
CREATE INDEX events_sales_start ON events (sales_contact_id, starts_at, id);

-- Whatever a statement gives the column, the event takes its client's sales contact.
CREATE FUNCTION events_sales_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sales_contact_id := (
        SELECT c.sales_contact_id
        FROM contracts ct JOIN clients c ON c.id = ct.client_id
        WHERE ct.id = NEW.contract_id
    );
    RETURN NEW;
END $$;
CREATE TRIGGER events_sales_contact
    BEFORE INSERT OR UPDATE OF contract_id, sales_contact_id ON events
    FOR EACH ROW EXECUTE FUNCTION events_sales_contact();

-- A contract moved to another client: its events follow that client's sales contact (any
-- write of the column makes events_sales_contact compute it again).
CREATE FUNCTION contracts_events_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events SET sales_contact_id = NULL WHERE contract_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER contracts_events_follow AFTER UPDATE OF client_id ON contracts
    FOR EACH ROW WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id)
    EXECUTE FUNCTION contracts_events_follow();

-- A client reassigned (or left without a contact when theirs is deleted, which the foreign
-- key does as an update): the events of its contracts follow.
CREATE FUNCTION clients_events_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events e SET sales_contact_id = NEW.sales_contact_id
    FROM contracts ct
    WHERE ct.client_id = NEW.id AND e.contract_id = ct.id;
    RETURN NULL;
END $$;
CREATE TRIGGER clients_events_follow AFTER UPDATE OF sales_contact_id ON clients
    FOR EACH ROW WHEN (OLD.sales_contact_id IS DISTINCT FROM NEW.sales_contact_id)
    EXECUTE FUNCTION clients_events_follow();
