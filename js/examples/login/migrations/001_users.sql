-- Users and their sessions, for the sign-up/login example.  Applied once, at start, by the broker.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,                   -- 32 random bytes, base64url; the cookie holds it signed
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
