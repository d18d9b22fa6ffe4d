/* broker_db_internal.h: the state the broker's database files share
 * (broker/broker_db*.c); nothing else includes it, broker_db.h is the
 * public surface.
 *
 * broker_db.c          running requests: statements, transactions, batches,
 *                      routing reads and writes, group commits, statistics
 * broker_db_open.c     opening and closing connections, the statement cache
 * broker_db_guard.c    the authorizer and the statement time limit
 * broker_db_values.c   parameters in: JSON values bound to statements,
 *                      base64 blobs
 * broker_db_reply.c    replies and SQLite result code names
 * broker_db_migrate.c  migrations at start-up
 * Cluster mode's broker_cluster.c shares its replies and values too.
 */
#ifndef JSFPM_BROKER_DB_INTERNAL_H
#define JSFPM_BROKER_DB_INTERNAL_H

#include "broker_db.h"
#include "broker_json.h"
#include "broker_result.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "db_proto.h"
#include "frame.h"
#include "list.h"
#include "log.h"
#include "rowset.h"

#define BROKER_STMT_CACHE_SIZE 128
/* WAL file size kept after a checkpoint (PRAGMA journal_size_limit). */
#define BROKER_JOURNAL_SIZE_LIMIT (64LL * 1024 * 1024)
/* VM instructions between two checks of the statement time limit. */
#define BROKER_PROGRESS_OPS 1000
/* Only the external backup reader can make our connections wait; never
 * block the event loop for long on it. */
#define BROKER_SQLITE_BUSY_MS 1000

#define SQL_LENGTH_LIMIT 1000000

/* One cached statement.  The SQL text is the cache key, compared by hash,
 * length then bytes.  128 entries make a linear scan cheaper than any
 * statement execution, so no hash table. */
struct stmt_entry {
  struct list link; /* in the connection's lru, most recent first */
  uint64_t hash;
  size_t len;
  sqlite3_stmt *stmt;
  char sql[];
};

/* One SQLite connection, its statement cache and the state of the
 * statement it runs.  Only the thread using the connection touches it,
 * except `abandon`. */
struct dbconn {
  struct broker_db *db; /* for its options (read-only once open) */
  sqlite3 *h;
  struct list lru; /* cached statements (struct stmt_entry), most recent first */
  unsigned nstmts;
  int internal;              /* broker's own transaction statements are running */
  char denied[320];          /* why the bdb_authorizer last refused, for the reply */
  long long deadline_ms;     /* statement time limit (monotonic ms); 0 = none */
  int timed_out;             /* the bdb_progress handler interrupted the statement */
  long long slice_end_us;    /* the main reader: past this (monotonic us) the request moves to
                               * a read thread; 0 = never */
  int sliced;                /* the bdb_progress handler interrupted the request for that */
  atomic_int abandon;        /* read threads: stop now (request abandoned, broker stopping) */
  struct broker_db_counts n; /* what ran here */
  struct broker_result res;  /* the query result being written; kept from query to query */
};

struct broker_db {
  struct dbconn w; /* writer: read-write, only used inside transactions */
  struct dbconn r; /* reader: read-only, autocommit reads */
  struct broker_db_options opt;
  struct broker_db_counts readers; /* what ran on read threads, as reported back */
};

/* A read-only connection for a thread of its own (broker_reads.c). */
struct broker_db_reader {
  struct dbconn c;
};

/* broker_db.c */
void bdb_reader_release(struct broker_db *db);

/* broker_db_reply.c */
json_t *bdb_reply_new(const json_t *id, int ok);
json_t *bdb_sqlite_error_reply(const json_t *id, int rc, const char *msg);

/* broker_db_values.c */
int bdb_bind_params(sqlite3_stmt *st, const json_t *id, const char *op, const json_t *params,
                    json_t **errreply);

/* Decodes base64 S (N bytes, padded, standard alphabet): 0 with *OUT
 * (sqlite3_free it; NULL when empty) and *OUTLEN, -1 on bad input, -2 out
 * of memory. */
int bdb_b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen);

/* broker_db_migrate.c: reads PATH whole, NUL-terminated (a NUL inside is
 * an error).  NULL with ERR, which does not repeat the path. */
char *bdb_read_file(const char *path, char *err, size_t errlen);

/* broker_db_guard.c */
int bdb_authorizer(void *arg, int action, const char *a1, const char *a2, const char *dbname,
                   const char *trigger);
int bdb_progress(void *arg);
void bdb_stmt_clock_start(struct dbconn *c);
void bdb_stmt_clock_stop(struct dbconn *c);
json_t *bdb_stmt_error(struct dbconn *c, const json_t *id, int rc);

/* broker_db_open.c */
int bdb_exec_simple(sqlite3 *db, const char *sql, char *err, size_t errlen);
sqlite3 *bdb_conn_open(struct broker_db *db, struct dbconn *c, int flags, char *err, size_t errlen);
int bdb_writer_setup(struct broker_db *db, sqlite3 *h, char *err, size_t errlen);
int bdb_reader_open(struct broker_db *db, struct dbconn *c, char *err, size_t errlen);
void bdb_conn_close(struct dbconn *c, const char *what);
int bdb_sql_is_vacuum(const char *p, const char *end);
sqlite3_stmt *bdb_stmt_get(struct dbconn *c, const json_t *id, const char *op, const char *sql, size_t len,
                           json_t **errreply);

/* A reply refusing a malformed request. */
#define bad_request(id, ...) broker_db_error_reply(id, DB_ERR_BAD_REQUEST, __VA_ARGS__)

#endif
