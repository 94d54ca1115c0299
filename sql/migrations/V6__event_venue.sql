-- An event's venue: the place's name ("Château de Candé"), beside its address (`location`).
-- Optional: events recorded before it have none.
ALTER TABLE events ADD COLUMN venue TEXT NOT NULL DEFAULT '' CHECK (length(venue) <= 200);
