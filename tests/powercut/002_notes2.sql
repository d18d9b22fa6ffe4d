-- Added by powercut.py while the load runs (the broker is restarted to
-- apply it).  Whole means: version 2 recorded, notes2 with its three seed
-- rows, and the index on writes; the check accepts all of it or none.
CREATE TABLE notes2 (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
INSERT INTO notes2 (token, body) VALUES ('seed-1', 'from migration 002'), ('seed-2', 'from migration 002'),
  ('seed-3', 'from migration 002');
CREATE INDEX writes_by_part ON writes (part, token);
