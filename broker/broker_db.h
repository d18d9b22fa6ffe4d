/* broker_db.h: the broker's SQLite side, independent of the event loop.
 *
 * A struct broker_db holds two SQLite connections to one WAL database, each
 * with its own prepared-statement cache:
 * - the writer (read-write): every write, and every statement of an
 *   explicit transaction, runs here, always inside a transaction the broker
 *   opened (a group commit or a worker's BEGIN IMMEDIATE);
 * - the reader (read-only): reads from workers that hold no transaction.
 *   In WAL mode it sees the last committed state and is never blocked by
 *   the writer's open transaction.
 * Both are used by the event loop's thread only.  A read that runs longer
 * than a slice there is moved to one of the extra readers
 * (broker_db_reader), each used by a thread of its own (broker_reads.c).
 * Scheduling (who may use the writer when) belongs to broker.c.  Every
 * function here turns requests into reply objects (docs/protocol.md) and
 * never fails to produce one except when out of memory (NULL).
 */
#ifndef JSFPM_BROKER_DB_H
#define JSFPM_BROKER_DB_H

#include <jansson.h>
#include <stddef.h>

struct broker_db;
struct broker_db_reader;

/* What ran on a connection, for the stats op. */
struct broker_db_counts {
  unsigned long long statements, errors, cache_hits, cache_misses;
};

/* How long a read may run on the event loop's thread (microseconds)
 * before it moves to a read thread. */
#define BROKER_DB_READ_SLICE_US 2000

struct broker_db_options {
  const char *path;         /* database file, created if missing */
  int synchronous;          /* 0 off, 1 normal, 2 full, 3 extra */
  int statement_timeout_ms; /* one statement's run time limit; 0 = none */
  long max_result_rows;     /* rows per query result; 0 = none */
  long max_result_bytes;    /* approximate value bytes per query result; 0 = none */
};

/* Opens the writer (WAL, synchronous, foreign keys, journal_size_limit) and
 * the reader, both with defensive mode, extension loading off, the
 * authorizer, sqlite3_limit bounds and the statement time limit.  Returns
 * NULL with ERR set on failure. */
struct broker_db *broker_db_open(const struct broker_db_options *opt, char *err, size_t errlen);
/* Rolls back any open transaction, finalizes cached statements, closes. */
void broker_db_close(struct broker_db *db);

/* Applies APP_ROOT/migrations/NNN_name.sql files not yet recorded in
 * jsfpm_migrations, in numeric order, each in its own transaction.
 * Returns the number applied, or -1 with ERR set ("migration FILE failed:
 * CODE: message"); a failed migration leaves no trace. */
int broker_db_migrate(struct broker_db *db, const char *app_root, char *err, size_t errlen);

/* Where a statement request (query, execute, exec, batch) must run. */
enum broker_db_route {
  BROKER_DB_READ,  /* read-only: the reader, at once */
  BROKER_DB_WRITE, /* writes: the writer, inside a transaction */
  BROKER_DB_DONE,  /* answered already (bad request, SQL error): *reply */
};
/* Classifies REQ (ops query/execute/exec/batch; anything else is a bad
 * request) by preparing its statements on the reader. */
enum broker_db_route broker_db_route(struct broker_db *db, const json_t *req, json_t **reply);

/* Runs REQ on the reader (ROUTE_READ requests only).  A request still
 * running after BROKER_DB_READ_SLICE_US is interrupted: NULL is returned
 * with *MOVED set, nothing of it is answered, and it must run again on a
 * read thread (broker_db_reader_run).  Otherwise *MOVED is 0 and the reply
 * returned. */
json_t *broker_db_read(struct broker_db *db, const json_t *req, int *moved);

/* An extra read-only connection (same settings, authorizer and limits as
 * the reader, its own statement cache) for one thread of its own: after
 * open, only that thread calls run, any thread may call abandon.  Reads
 * there run in autocommit (each sees the last commit when it starts) and
 * without a time slice; statement_timeout applies.  Open returns NULL with
 * ERR set. */
struct broker_db_reader *broker_db_reader_open(struct broker_db *db, char *err, size_t errlen);
/* Runs REQ (a request broker_db_read moved); adds what ran to *RAN. */
json_t *broker_db_reader_run(struct broker_db_reader *r, const json_t *req, struct broker_db_counts *ran);
/* ON: the statement running on R now (and any started until it is cleared)
 * stops with SQLITE_INTERRUPT; its reply is to be dropped. */
void broker_db_reader_abandon(struct broker_db_reader *r, int on);
void broker_db_reader_close(struct broker_db_reader *r);
/* Adds counts a read thread reported to the stats (event loop's thread). */
void broker_db_add_counts(struct broker_db *db, const struct broker_db_counts *ran);
/* Runs REQ on the writer; the caller has opened a transaction there. */
json_t *broker_db_write(struct broker_db *db, const json_t *req);

/* One member of a group commit. */
struct broker_db_entry {
  const json_t *req; /* a BROKER_DB_WRITE request */
  json_t *reply;     /* out: its reply (NULL only when out of memory) */
};
/* Runs N autocommit write requests as one transaction (one COMMIT, one
 * fsync), each in its own savepoint so that a failing one is undone alone.
 * Replies are set once the COMMIT succeeded; if it fails, every reply that
 * would have been a success is the COMMIT's error instead.  A statement
 * that aborts the whole transaction (e.g. ON CONFLICT ROLLBACK) fails alone
 * and the others run again.  Returns the number of commits made. */
unsigned broker_db_group(struct broker_db *db, struct broker_db_entry *e, size_t n);

/* Runs one transaction-control statement (BEGIN IMMEDIATE, COMMIT,
 * ROLLBACK, SAVEPOINT x, RELEASE x, ROLLBACK TO x) on the writer; returns
 * the reply to request ID. */
json_t *broker_db_tx(struct broker_db *db, const json_t *id, const char *sql);
/* True while the writer is inside a transaction. */
int broker_db_in_tx(const struct broker_db *db);

/* A transaction that joins the writer's transaction still open for the
 * transactions committed before it (broker_writer.c: a commit chain) runs
 * as SAVEPOINT jsfpm_chain.  broker_db_chain_begin starts it (without the
 * last insert rowid of the transactions before it); broker_db_chain_end
 * ends it: COMMIT (RELEASE, which keeps its changes in the open
 * transaction) or not (everything it did is undone, nothing of the
 * others).  A RELEASE inside a transaction does not check deferred foreign
 * keys as a COMMIT does, so broker_db_chain_end does, and fails the commit
 * (and undoes the level) as a COMMIT would. */
json_t *broker_db_chain_begin(struct broker_db *db, const json_t *id);
json_t *broker_db_chain_end(struct broker_db *db, const json_t *id, int commit);
/* True while the writer's transaction has unresolved deferred foreign
 * keys (its COMMIT would fail). */
int broker_db_fk_pending(const struct broker_db *db);

/* WAL checkpoint (TRUNCATE) when nothing is open; logs failures. */
void broker_db_checkpoint(struct broker_db *db);

/* Adds statements, errors (failed statements), cache_hits, cache_misses
 * to OBJ. */
void broker_db_stats(const struct broker_db *db, json_t *obj);

/* Builds an error reply {"id", "ok":false, "code", "message"} for failures
 * outside SQLite (bad request, busy, timeouts).  ID may be NULL.  Returns
 * NULL only when out of memory. */
json_t *broker_db_error_reply(const json_t *id, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A success reply {"id", "ok":true}; NULL when out of memory. */
json_t *broker_db_ok_reply(const json_t *id);

/* True if a worker may run PRAGMA NAME (WITH_ARG: with a value or an
 * argument): the read-only ones (broker_db_guard.c). */
int broker_pragma_allowed(const char *name, int with_arg);

/* Name of a SQLite (extended) result code, e.g. "SQLITE_CONSTRAINT_UNIQUE";
 * unknown extended codes fall back to their primary code's name. */
const char *broker_code_name(int extended_code);

#endif
