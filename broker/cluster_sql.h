/* cluster_sql.h: what the broker decides about a worker's SQL text by
 * itself in cluster mode.  On one host every statement is prepared on a
 * local SQLite connection whose authorizer refuses what a worker may not
 * do; on the cluster the statements are prepared on a dqlite node, which
 * has no authorizer, and the broker holds no copy of the schema.  So the
 * text is looked at here, statement by statement (docs/cluster.md,
 * "What is enforced"): pure functions, unit-tested. */
#ifndef JSFPM_CLUSTER_SQL_H
#define JSFPM_CLUSTER_SQL_H

#include <stddef.h>

/* Calls FN for each statement of the script SQL (LEN bytes; statements end
 * at a ';' that completes them, as sqlite3_complete says: not one inside a
 * string, a comment or a trigger's body), with its text (the ';'
 * included; the last one may lack it) and length; statements that are
 * only blanks and comments are skipped.  Returns 0, -1 when out of memory,
 * or the first non-zero value FN returned. */
int cluster_sql_split(const char *sql, size_t len, int (*fn)(void *arg, const char *stmt, size_t len),
                      void *arg);

/* Why the one statement STMT (LEN bytes) may not run on the cluster, or
 * NULL: transaction control (the broker's own), ATTACH/DETACH, VACUUM, a
 * PRAGMA outside the read-only allowlist, TEMP objects, load_extension()
 * and fts3_tokenizer(), and columns declared BOOLEAN, DATETIME, DATE or
 * TIMESTAMP (dqlite 1.18.6 aborts the node that reads a value of another
 * storage class from them).  The message is static. */
const char *cluster_sql_refusal(const char *stmt, size_t len);

/* When the one statement STMT (LEN bytes), bound to NPARAMS parameters,
 * may run between others in one multi-statement request (dqlite's
 * EXEC_SQL, cluster_db.c): the length of its text up to the end of its
 * last token (no trailing ';', blank or comment -- a "--" comment would
 * swallow what follows), so that ";" and the next statement can be
 * appended.  0 when it may not: it does not start with INSERT, UPDATE,
 * DELETE, REPLACE, CREATE, DROP or ALTER, or it holds RETURNING (a
 * statement that yields rows must go through a query: docs/cluster.md,
 * "Known dqlite issues"), TRIGGER, a ';' before its end (a second
 * statement), an unterminated string, quoted name or comment, a
 * named or numbered parameter, or not exactly NPARAMS '?' (a query
 * refuses too many; EXEC_SQL would not). */
size_t cluster_sql_plain_write(const char *stmt, size_t len, size_t nparams);

#endif
