SELECT id, body FROM notes WHERE id = ?;
