CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, secret TEXT NOT NULL);
INSERT INTO users (name, secret) VALUES ('alice', 'alice-secret'), ('bob', 'bob-secret');
