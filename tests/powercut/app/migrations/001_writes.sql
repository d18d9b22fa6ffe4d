CREATE TABLE writes (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL,
  part INTEGER NOT NULL,
  UNIQUE (token, part)
);
