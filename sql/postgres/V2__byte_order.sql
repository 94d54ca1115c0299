-- Text compares and sorts byte by byte, as SQLite's BINARY does, whatever collation the
-- server's databases default to (en_US.UTF-8 would ignore punctuation and sort "Zoé" before
-- "zoe"): every list sorts the same on both stores, and `lower()` folds ASCII only, as
-- SQLite's NOCASE does. The indexes on these columns are rebuilt with them.

ALTER TABLE collaborators
    ALTER COLUMN employee_number TYPE text COLLATE "C",
    ALTER COLUMN full_name TYPE text COLLATE "C",
    ALTER COLUMN email TYPE text COLLATE "C",
    ALTER COLUMN phone TYPE text COLLATE "C",
    ALTER COLUMN locked_until TYPE text COLLATE "C",
    ALTER COLUMN created_at TYPE text COLLATE "C",
    ALTER COLUMN updated_at TYPE text COLLATE "C";

ALTER TABLE clients
    ALTER COLUMN full_name TYPE text COLLATE "C",
    ALTER COLUMN email TYPE text COLLATE "C",
    ALTER COLUMN phone TYPE text COLLATE "C",
    ALTER COLUMN company_name TYPE text COLLATE "C",
    ALTER COLUMN created_at TYPE text COLLATE "C",
    ALTER COLUMN updated_at TYPE text COLLATE "C";

-- The trigger that keeps a signature names signed_at: it goes while the column changes.
DROP TRIGGER contracts_stay_signed ON contracts;
ALTER TABLE contracts
    ALTER COLUMN created_at TYPE text COLLATE "C",
    ALTER COLUMN signed_at TYPE text COLLATE "C";
CREATE TRIGGER contracts_stay_signed BEFORE UPDATE OF signed_at ON contracts
    FOR EACH ROW EXECUTE FUNCTION contracts_stay_signed();
-- SQLite sorts NULL first: unsigned contracts come first in the signing order, and the
-- index gives that order (backwards for --desc) without a sort.
DROP INDEX contracts_signed;
CREATE INDEX contracts_signed ON contracts (signed_at NULLS FIRST, id);

ALTER TABLE payments
    ALTER COLUMN paid_at TYPE text COLLATE "C";

ALTER TABLE events
    ALTER COLUMN name TYPE text COLLATE "C",
    ALTER COLUMN starts_at TYPE text COLLATE "C",
    ALTER COLUMN ends_at TYPE text COLLATE "C",
    ALTER COLUMN location TYPE text COLLATE "C",
    ALTER COLUMN notes TYPE text COLLATE "C",
    ALTER COLUMN venue TYPE text COLLATE "C",
    ALTER COLUMN created_at TYPE text COLLATE "C",
    ALTER COLUMN updated_at TYPE text COLLATE "C";

ALTER TABLE audit_log
    ALTER COLUMN at TYPE text COLLATE "C",
    ALTER COLUMN action TYPE text COLLATE "C",
    ALTER COLUMN entity TYPE text COLLATE "C";
