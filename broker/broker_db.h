/* broker_db.h: the broker's SQLite side, independent of the event loop.
 *
 * A struct broker_db is one SQLite connection with its own prepared
 * statement cache.  broker_db_execute turns one protocol request object into
 * one reply object (docs/protocol.md); it never fails to produce a reply.
 */
#ifndef JSFPM_BROKER_DB_H
#define JSFPM_BROKER_DB_H

#include <jansson.h>
#include <stddef.h>

struct broker_db;

/* Opens (creating if needed) PATH read-write, sets WAL, synchronous
 * (0 off, 1 normal, 2 full, 3 extra), foreign keys, defensive mode, and turns
 * extension loading off.  Returns NULL with ERR set on failure. */
struct broker_db *broker_db_open(const char *path, int synchronous, char *err, size_t errlen);
/* Finalizes cached statements and closes the connection. */
void broker_db_close(struct broker_db *db);

/* Applies APP_ROOT/migrations/NNN_name.sql files not yet recorded in
 * jsfpm_migrations, in numeric order, each in its own transaction.
 * Returns the number applied, or -1 with ERR set ("migration FILE failed:
 * CODE: message"); a failed migration leaves no trace. */
int broker_db_migrate(struct broker_db *db, const char *app_root, char *err, size_t errlen);

/* Executes REQ ({"id":..,"op":..}) and returns the reply (new reference),
 * which carries the same "id"; errors are replies with "ok":false.  Returns
 * NULL only when out of memory.  Statements are reset before returning. */
json_t *broker_db_execute(struct broker_db *db, const json_t *req);

/* Builds an error reply {"id", "ok":false, "code", "message"} for failures
 * outside SQLite (bad request, oversized result).  ID may be NULL.  Returns
 * NULL only when out of memory. */
json_t *broker_db_error_reply(const json_t *id, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Name of a SQLite (extended) result code, e.g. "SQLITE_CONSTRAINT_UNIQUE";
 * unknown extended codes fall back to their primary code's name. */
const char *broker_code_name(int extended_code);

#endif
