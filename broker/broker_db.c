/* broker_db.c: the broker's SQLite side (see broker_db.h, docs/protocol.md,
 * docs/database.md).
 *
 * Guarantees:
 * - One request object in, one reply object out, carrying the request's id;
 *   every failure becomes an "ok":false reply with a code and a message.
 * - Values cross exactly.  Parameters: JSON integer -> int64, real ->
 *   double, string -> TEXT (NUL bytes included), {"$blob": base64} -> BLOB,
 *   null -> NULL.  Results leave as a row set (rowset.h), typed and
 *   byte-exact; text that is not UTF-8 and infinite reals (which JSON
 *   cannot carry, and JavaScript code would meet in JSON) are an error,
 *   never a silent conversion.
 * - Prepared statements are cached (LRU, per connection) and reset with
 *   their bindings cleared as soon as a request is done, so no statement
 *   holds a read transaction open between requests (that would starve WAL
 *   checkpoints).
 * - The writer is only ever used inside a transaction the broker opened;
 *   SQL from workers can never open, end or nest transactions itself (the
 *   authorizer refuses BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE unless
 *   the connection's `internal` is set by broker_db_tx or the group runner).
 * - The authorizer also refuses ATTACH/DETACH, load_extension(),
 *   fts3_tokenizer() (native pointers), TEMP objects and every
 *   PRAGMA outside a read-only allowlist; VACUUM is refused (VACUUM INTO
 *   writes arbitrary files).  So a request leaves nothing in a connection
 *   (only read-only PRAGMAs, no TEMP schema) and only committed rows and
 *   schema of the main database outlive it.  Migrations (trusted, the
 *   operator's files) are exempt: they run on a connection of their own,
 *   closed once they are applied.
 * - Every statement a worker sends runs under the statement time limit
 *   (progress handler) and every query result under the row and byte
 *   limits; each breach is an error naming the limit.
 * Nothing here knows about sockets or libevent: broker.c owns scheduling.
 */
#include "autoconfig.h"

#include "broker_db.h"
#include "broker_json.h"

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

/* sqlite3_limit bounds applied to both connections.  The value limit keeps
 * a base64 blob inside one 64 MiB frame. */
static const struct {
  int id;
  int value;
  const char *name;
} broker_limits[] = {
    {SQLITE_LIMIT_LENGTH, 32 * 1024 * 1024, "SQLITE_LIMIT_LENGTH"},
    {SQLITE_LIMIT_SQL_LENGTH, 1000000, "SQLITE_LIMIT_SQL_LENGTH"},
    {SQLITE_LIMIT_COLUMN, 2000, "SQLITE_LIMIT_COLUMN"},
    {SQLITE_LIMIT_EXPR_DEPTH, 1000, "SQLITE_LIMIT_EXPR_DEPTH"},
    {SQLITE_LIMIT_COMPOUND_SELECT, 500, "SQLITE_LIMIT_COMPOUND_SELECT"},
    {SQLITE_LIMIT_VDBE_OP, 250000, "SQLITE_LIMIT_VDBE_OP"},
    {SQLITE_LIMIT_FUNCTION_ARG, 100, "SQLITE_LIMIT_FUNCTION_ARG"},
    {SQLITE_LIMIT_ATTACHED, 0, "SQLITE_LIMIT_ATTACHED"},
    {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50000, "SQLITE_LIMIT_LIKE_PATTERN_LENGTH"},
    {SQLITE_LIMIT_VARIABLE_NUMBER, 10000, "SQLITE_LIMIT_VARIABLE_NUMBER"},
    {SQLITE_LIMIT_TRIGGER_DEPTH, 100, "SQLITE_LIMIT_TRIGGER_DEPTH"},
};
#define SQL_LENGTH_LIMIT 1000000

/* One cached statement.  The SQL text is the cache key, compared by hash,
 * length then bytes.  128 entries make a linear scan cheaper than any
 * statement execution, so no hash table. */
struct stmt_entry {
  struct list link;               /* in the connection's lru, most recent first */
  uint64_t hash;
  size_t len;
  sqlite3_stmt *stmt;
  char sql[];
};

/* One SQLite connection, its statement cache and the state of the
 * statement it runs.  Only the thread using the connection touches it,
 * except `abandon`. */
struct dbconn {
  struct broker_db *db;       /* for its options (read-only once open) */
  sqlite3 *h;
  struct list lru;            /* cached statements (struct stmt_entry), most recent first */
  unsigned nstmts;
  int internal;               /* broker's own transaction statements are running */
  char denied[320];           /* why the authorizer last refused, for the reply */
  long long deadline_ms;      /* statement time limit (monotonic ms); 0 = none */
  int timed_out;              /* the progress handler interrupted the statement */
  long long slice_end_us;     /* the main reader: past this (monotonic us) the request moves to
                               * a read thread; 0 = never */
  int sliced;                 /* the progress handler interrupted the request for that */
  atomic_int abandon;         /* read threads: stop now (request abandoned, broker stopping) */
  struct broker_db_counts n;  /* what ran here */
  struct rowset_buf rows;     /* the query result being written; kept from query to query */
  struct broker_json json;    /* its writer when it is JSON text (db.queryJSON) */
};

struct broker_db {
  struct dbconn w;            /* writer: read-write, only used inside transactions */
  struct dbconn r;            /* reader: read-only, autocommit reads */
  struct broker_db_options opt;
  struct broker_db_counts readers; /* what ran on read threads, as reported back */
};

/* A read-only connection for a thread of its own (broker_reads.c). */
struct broker_db_reader {
  struct dbconn c;
};

/* ---- result code names ---------------------------------------------- */

const char *broker_code_name(int code) {
  switch (code) {
#define C(x)                                                                                       \
  case x:                                                                                          \
    return #x
    C(SQLITE_OK);
    C(SQLITE_ERROR);
    C(SQLITE_INTERNAL);
    C(SQLITE_PERM);
    C(SQLITE_ABORT);
    C(SQLITE_BUSY);
    C(SQLITE_LOCKED);
    C(SQLITE_NOMEM);
    C(SQLITE_READONLY);
    C(SQLITE_INTERRUPT);
    C(SQLITE_IOERR);
    C(SQLITE_CORRUPT);
    C(SQLITE_NOTFOUND);
    C(SQLITE_FULL);
    C(SQLITE_CANTOPEN);
    C(SQLITE_PROTOCOL);
    C(SQLITE_EMPTY);
    C(SQLITE_SCHEMA);
    C(SQLITE_TOOBIG);
    C(SQLITE_CONSTRAINT);
    C(SQLITE_MISMATCH);
    C(SQLITE_MISUSE);
    C(SQLITE_NOLFS);
    C(SQLITE_AUTH);
    C(SQLITE_FORMAT);
    C(SQLITE_RANGE);
    C(SQLITE_NOTADB);
    C(SQLITE_NOTICE);
    C(SQLITE_WARNING);
    C(SQLITE_ROW);
    C(SQLITE_DONE);
    C(SQLITE_ERROR_MISSING_COLLSEQ);
    C(SQLITE_ERROR_RETRY);
    C(SQLITE_ERROR_SNAPSHOT);
    C(SQLITE_IOERR_READ);
    C(SQLITE_IOERR_SHORT_READ);
    C(SQLITE_IOERR_WRITE);
    C(SQLITE_IOERR_FSYNC);
    C(SQLITE_IOERR_DIR_FSYNC);
    C(SQLITE_IOERR_TRUNCATE);
    C(SQLITE_IOERR_FSTAT);
    C(SQLITE_IOERR_UNLOCK);
    C(SQLITE_IOERR_RDLOCK);
    C(SQLITE_IOERR_DELETE);
    C(SQLITE_IOERR_BLOCKED);
    C(SQLITE_IOERR_NOMEM);
    C(SQLITE_IOERR_ACCESS);
    C(SQLITE_IOERR_CHECKRESERVEDLOCK);
    C(SQLITE_IOERR_LOCK);
    C(SQLITE_IOERR_CLOSE);
    C(SQLITE_IOERR_DIR_CLOSE);
    C(SQLITE_IOERR_SHMOPEN);
    C(SQLITE_IOERR_SHMSIZE);
    C(SQLITE_IOERR_SHMLOCK);
    C(SQLITE_IOERR_SHMMAP);
    C(SQLITE_IOERR_SEEK);
    C(SQLITE_IOERR_DELETE_NOENT);
    C(SQLITE_IOERR_MMAP);
    C(SQLITE_IOERR_GETTEMPPATH);
    C(SQLITE_IOERR_CONVPATH);
    C(SQLITE_IOERR_VNODE);
    C(SQLITE_IOERR_AUTH);
    C(SQLITE_IOERR_BEGIN_ATOMIC);
    C(SQLITE_IOERR_COMMIT_ATOMIC);
    C(SQLITE_IOERR_ROLLBACK_ATOMIC);
    C(SQLITE_IOERR_DATA);
    C(SQLITE_IOERR_CORRUPTFS);
    C(SQLITE_LOCKED_SHAREDCACHE);
    C(SQLITE_LOCKED_VTAB);
    C(SQLITE_BUSY_RECOVERY);
    C(SQLITE_BUSY_SNAPSHOT);
    C(SQLITE_BUSY_TIMEOUT);
    C(SQLITE_CANTOPEN_NOTEMPDIR);
    C(SQLITE_CANTOPEN_ISDIR);
    C(SQLITE_CANTOPEN_FULLPATH);
    C(SQLITE_CANTOPEN_CONVPATH);
    C(SQLITE_CANTOPEN_DIRTYWAL);
    C(SQLITE_CANTOPEN_SYMLINK);
    C(SQLITE_CORRUPT_VTAB);
    C(SQLITE_CORRUPT_SEQUENCE);
    C(SQLITE_CORRUPT_INDEX);
    C(SQLITE_READONLY_RECOVERY);
    C(SQLITE_READONLY_CANTLOCK);
    C(SQLITE_READONLY_ROLLBACK);
    C(SQLITE_READONLY_DBMOVED);
    C(SQLITE_READONLY_CANTINIT);
    C(SQLITE_READONLY_DIRECTORY);
    C(SQLITE_ABORT_ROLLBACK);
    C(SQLITE_CONSTRAINT_CHECK);
    C(SQLITE_CONSTRAINT_COMMITHOOK);
    C(SQLITE_CONSTRAINT_FOREIGNKEY);
    C(SQLITE_CONSTRAINT_FUNCTION);
    C(SQLITE_CONSTRAINT_NOTNULL);
    C(SQLITE_CONSTRAINT_PRIMARYKEY);
    C(SQLITE_CONSTRAINT_TRIGGER);
    C(SQLITE_CONSTRAINT_UNIQUE);
    C(SQLITE_CONSTRAINT_VTAB);
    C(SQLITE_CONSTRAINT_ROWID);
    C(SQLITE_CONSTRAINT_PINNED);
    C(SQLITE_CONSTRAINT_DATATYPE);
    C(SQLITE_NOTICE_RECOVER_WAL);
    C(SQLITE_NOTICE_RECOVER_ROLLBACK);
    C(SQLITE_WARNING_AUTOINDEX);
    C(SQLITE_AUTH_USER);
    C(SQLITE_OK_LOAD_PERMANENTLY);
    C(SQLITE_OK_SYMLINK);
#undef C
  default:
    break;
  }
  if ((code & 0xff) != code)
    return broker_code_name(code & 0xff);
  return "SQLITE_UNKNOWN";
}

/* ---- base64 (RFC 4648, standard alphabet, padded): blob parameters ---- */

static int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Strict decoder: length a multiple of 4, '=' only as final padding, no
 * whitespace.  Returns 0 with *out (sqlite3_malloc64'd, NULL when empty) and
 * *outlen, -1 on bad input, -2 when out of memory. */
static int b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen) {
  *out = NULL;
  *outlen = 0;
  if (n % 4 != 0)
    return -1;
  if (n == 0)
    return 0;
  size_t pad = 0;
  if (s[n - 1] == '=')
    pad = s[n - 2] == '=' ? 2 : 1;
  size_t len = n / 4 * 3 - pad;
  unsigned char *buf = sqlite3_malloc64(len ? len : 1);
  if (buf == NULL)
    return -2;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    int last = i + 4 == n;
    for (int k = 0; k < 4; k++) {
      unsigned char c = (unsigned char)s[i + (size_t)k];
      if (c == '=' && last && k >= 4 - (int)pad) {
        v[k] = 0;
        continue;
      }
      v[k] = b64_value(c);
      if (v[k] < 0) {
        sqlite3_free(buf);
        return -1;
      }
    }
    uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    buf[o++] = (unsigned char)(w >> 16);
    if (o < len)
      buf[o++] = (unsigned char)(w >> 8);
    if (o < len)
      buf[o++] = (unsigned char)w;
  }
  *out = buf;
  *outlen = len;
  return 0;
}

/* ---- replies ----------------------------------------------------------- */

static json_t *reply_new(const json_t *id, int ok) {
  json_t *r = json_object();
  if (r == NULL)
    return NULL;
  json_t *idv = json_is_integer(id) ? json_integer(json_integer_value(id)) : json_null();
  if (json_object_set_new(r, "id", idv) != 0 || json_object_set_new(r, "ok", json_boolean(ok)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

static json_t *error_reply_v(const json_t *id, const char *code, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  json_t *r = reply_new(id, 0);
  if (r == NULL)
    return NULL;
  /* json_string rejects invalid UTF-8, which a message quoting user input
   * could hold; fall back to a fixed text rather than to no reply. */
  json_t *m = json_string(msg);
  if (m == NULL)
    m = json_string("(message is not valid UTF-8)");
  if (json_object_set_new(r, "code", json_string(code)) != 0 ||
      json_object_set_new(r, "message", m) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

json_t *broker_db_error_reply(const json_t *id, const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_t *r = error_reply_v(id, code, fmt, ap);
  va_end(ap);
  return r;
}

#define bad_request(id, ...) broker_db_error_reply(id, DB_ERR_BAD_REQUEST, __VA_ARGS__)

/* {"ok":false, "code": extended name, "primary": primary name,
 *  "errcode": extended number, "message": ...} */
static json_t *sqlite_error_reply(const json_t *id, int rc, const char *msg) {
  json_t *r = broker_db_error_reply(id, broker_code_name(rc), "%s", msg ? msg : sqlite3_errstr(rc));
  if (r == NULL)
    return NULL;
  if (json_object_set_new(r, "primary", json_string(broker_code_name(rc & 0xff))) != 0 ||
      json_object_set_new(r, "errcode", json_integer(rc)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}


json_t *broker_db_ok_reply(const json_t *id) { return reply_new(id, 1); }

/* ---- guards: authorizer, time limit ------------------------------------ */

/* PRAGMAs a worker may run.  READ_ONLY ones only without a value: reading
 * user_version is harmless, setting it is not. */
static const struct {
  const char *name;
  int with_arg; /* an argument (a table name...) is allowed */
} pragma_allow[] = {
    {"table_info", 1},      {"table_xinfo", 1},      {"table_list", 1},  {"index_list", 1},
    {"index_info", 1},      {"index_xinfo", 1},      {"foreign_key_list", 1},
    {"foreign_key_check", 1}, {"integrity_check", 1}, {"quick_check", 1}, {"collation_list", 0},
    {"database_list", 0},   {"function_list", 0},    {"pragma_list", 0}, {"compile_options", 0},
    {"user_version", 0},    {"application_id", 0},   {"data_version", 0}, {"schema_version", 0},
    {"page_count", 0},      {"page_size", 0},        {"freelist_count", 0}, {"foreign_keys", 0},
    {"journal_mode", 0},    {"synchronous", 0},      {"encoding", 0},    {"auto_vacuum", 0},
};

/* TEMP objects live in the connection, not in the database file: on the
 * broker's shared connections one request's TEMP trigger would rewrite or
 * refuse every later request's writes, and its TEMP table would be seen by
 * some later requests (those that land on the same connection) and not by
 * others.  Nothing a request does may outlive it but committed rows. */
static int deny_temp(struct dbconn *c, const char *name) {
  snprintf(c->denied, sizeof c->denied,
           "TEMP tables, views, triggers and indexes are not allowed%s%.60s%s: they would outlive the "
           "request on the broker's shared connection; use a WITH clause (CTE) or a regular table",
           name ? " (" : "", name ? name : "", name ? ")" : "");
  return SQLITE_DENY;
}

static int authorizer(void *arg, int action, const char *a1, const char *a2, const char *dbname,
                      const char *trigger) {
  struct dbconn *c = arg;
  (void)trigger;
  switch (action) {
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    snprintf(c->denied, sizeof c->denied,
             "%s is not allowed: the broker serves exactly one database",
             action == SQLITE_ATTACH ? "ATTACH" : "DETACH");
    return SQLITE_DENY;
  case SQLITE_TRANSACTION:
  case SQLITE_SAVEPOINT:
    if (c->internal)
      return SQLITE_OK;
    snprintf(c->denied, sizeof c->denied,
             "transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed "
             "in SQL: use db.transaction() (protocol ops begin/commit/rollback)");
    return SQLITE_DENY;
  case SQLITE_CREATE_TEMP_TABLE:
  case SQLITE_CREATE_TEMP_INDEX:
  case SQLITE_CREATE_TEMP_TRIGGER:
  case SQLITE_CREATE_TEMP_VIEW:
    return deny_temp(c, a1);
  case SQLITE_INSERT:
  case SQLITE_UPDATE:
  case SQLITE_DELETE:
    /* Every TEMP object is a row written into the TEMP schema, also those
     * with no TEMP action code (CREATE TRIGGER temp.x ON a main table,
     * CREATE VIRTUAL TABLE temp.x). */
    if (dbname && strcasecmp(dbname, "temp") == 0)
      return deny_temp(c, NULL);
    return SQLITE_OK;
  case SQLITE_FUNCTION:
    if (a2 && strcasecmp(a2, "load_extension") == 0) {
      snprintf(c->denied, sizeof c->denied, "load_extension() is not allowed: extension loading is off");
      return SQLITE_DENY;
    }
    /* fts3_tokenizer(name) returns a native pointer (defeats ASLR) and,
     * where enabled, fts3_tokenizer(name, ptr) installs one. */
    if (a2 && strcasecmp(a2, "fts3_tokenizer") == 0) {
      snprintf(c->denied, sizeof c->denied, "fts3_tokenizer() is not allowed: it exposes native pointers");
      return SQLITE_DENY;
    }
    return SQLITE_OK;
  case SQLITE_PRAGMA:
    for (size_t i = 0; a1 && i < sizeof pragma_allow / sizeof pragma_allow[0]; i++) {
      if (strcasecmp(a1, pragma_allow[i].name) == 0 && (a2 == NULL || pragma_allow[i].with_arg))
        return SQLITE_OK;
    }
    snprintf(c->denied, sizeof c->denied,
             "PRAGMA %.60s%s is not allowed through the broker (only read-only PRAGMAs such as "
             "table_info, index_list, foreign_key_list, user_version are)",
             a1 ? a1 : "?", a2 ? " with a value" : "");
    return SQLITE_DENY;
  default:
    return SQLITE_OK;
  }
}

/* Interrupts a statement past its deadline, a request on the main reader
 * past its slice, and an abandoned one.  Returning non-zero makes the step
 * fail with SQLITE_INTERRUPT; timed_out and sliced tell the causes apart. */
static int progress(void *arg) {
  struct dbconn *c = arg;
  if (atomic_load_explicit(&c->abandon, memory_order_relaxed))
    return 1;
  if (c->slice_end_us != 0 && clock_mono_us() >= c->slice_end_us) {
    c->sliced = 1;
    return 1;
  }
  if (c->deadline_ms == 0 || clock_mono_ms() < c->deadline_ms)
    return 0;
  c->timed_out = 1;
  return 1;
}

/* Arms the time limit for one worker statement. */
static void stmt_clock_start(struct dbconn *c) {
  int limit_ms = c->db->opt.statement_timeout_ms;
  c->timed_out = 0;
  c->denied[0] = '\0'; /* a re-prepare inside step consults the authorizer again */
  c->deadline_ms = limit_ms > 0 ? clock_mono_ms() + limit_ms : 0;
}

static void stmt_clock_stop(struct dbconn *c) { c->deadline_ms = 0; }

/* The error reply for RC from C, naming the authorizer's reason or the
 * time limit when they caused it. */
static json_t *stmt_error(struct dbconn *c, const json_t *id, int rc) {
  if ((rc & 0xff) == SQLITE_INTERRUPT && c->timed_out) {
    c->timed_out = 0;
    return broker_db_error_reply(id, DB_ERR_STATEMENT_TIMEOUT,
                                 "the statement ran longer than statement_timeout (%d ms) and was "
                                 "interrupted",
                                 c->db->opt.statement_timeout_ms);
  }
  if (c->denied[0]) {
    /* SQLite reports some denials as SQLITE_ERROR ("not authorized to use
     * function"); they are all the authorizer's. */
    char msg[512];
    snprintf(msg, sizeof msg, "%s (%s)", c->denied, sqlite3_errmsg(c->h));
    c->denied[0] = '\0';
    return sqlite_error_reply(id, SQLITE_AUTH, msg);
  }
  return sqlite_error_reply(id, rc, sqlite3_errmsg(c->h));
}

/* ---- open / close ------------------------------------------------------ */

static int exec_simple(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: %s", broker_code_name(rc), msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* Opens one connection with the settings all share; with C (NULL for
 * migrations), the statement time limit works for it.  Returns NULL with
 * ERR set. */
static sqlite3 *conn_open(struct broker_db *db, struct dbconn *c, int flags, char *err, size_t errlen) {
  const char *path = db->opt.path;
  sqlite3 *h = NULL;
  /* NOMUTEX: each connection is used by one thread at a time (the loop's,
   * or its read thread's; abandoning a read only sets an atomic flag), so
   * SQLite's per-call connection mutex is pure cost: two lock operations
   * per sqlite3_column_* call, 11 % of the broker's CPU on a 100-row
   * result (docs/performance.md). */
  int rc = sqlite3_open_v2(path, &h, flags | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "cannot open %s: %s: %s", path, broker_code_name(rc),
             h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
    sqlite3_close(h);
    return NULL;
  }
  if (sqlite3_extended_result_codes(h, 1) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot enable extended result codes", path);
    goto fail;
  }
  /* Defensive mode: no writable_schema tricks, no direct shadow table
   * writes; the database file must not be corruptible through SQL.
   * Extension loading off: the app must not load native code. */
  int on = -1;
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK || on != 1) {
    snprintf(err, errlen, "%s: cannot enable defensive mode", path);
    goto fail;
  }
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &on) != SQLITE_OK || on != 0) {
    snprintf(err, errlen, "%s: cannot disable extension loading", path);
    goto fail;
  }
  /* Double-quoted strings are identifiers only: a typo must not silently
   * become a string literal. */
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, NULL) != SQLITE_OK ||
      sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot disable double-quoted string literals", path);
    goto fail;
  }
  for (size_t i = 0; i < sizeof broker_limits / sizeof broker_limits[0]; i++)
    sqlite3_limit(h, broker_limits[i].id, broker_limits[i].value);
  if (sqlite3_busy_timeout(h, BROKER_SQLITE_BUSY_MS) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot set the busy timeout", path);
    goto fail;
  }
  if (c != NULL) {
    c->db = db;
    c->h = h;
    sqlite3_progress_handler(h, BROKER_PROGRESS_OPS, progress, c);
  }
  return h;
fail:
  sqlite3_close(h);
  return NULL;
}

/* The per-connection settings of a connection that writes: durability as
 * configured, foreign keys enforced, the WAL bounded after checkpoints.
 * Returns 0, or -1 with ERR set. */
static int writer_setup(struct broker_db *db, sqlite3 *h, char *err, size_t errlen) {
  char sql[96], e[512];
  snprintf(sql, sizeof sql, "PRAGMA synchronous=%d", db->opt.synchronous);
  int rc = exec_simple(h, sql, e, sizeof e);
  if (rc == 0)
    rc = exec_simple(h, "PRAGMA foreign_keys=ON", e, sizeof e);
  /* Bounds the WAL file left behind by a checkpoint that reset it. */
  snprintf(sql, sizeof sql, "PRAGMA journal_size_limit=%lld", BROKER_JOURNAL_SIZE_LIMIT);
  if (rc == 0)
    rc = exec_simple(h, sql, e, sizeof e);
  if (rc != 0)
    snprintf(err, errlen, "%s: %s", db->opt.path, e);
  return rc;
}

/* Opens C as a read-only connection under the authorizer.  Returns 0, or
 * -1 with ERR set (C's connection, if any, still to be closed). */
static int reader_open(struct broker_db *db, struct dbconn *c, char *err, size_t errlen) {
  if (conn_open(db, c, SQLITE_OPEN_READONLY, err, errlen) == NULL)
    return -1;
  char e[512];
  /* Same answer to "PRAGMA foreign_keys" on every connection. */
  if (exec_simple(c->h, "PRAGMA foreign_keys=ON", e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", db->opt.path, e);
    return -1;
  }
  if (sqlite3_set_authorizer(c->h, authorizer, c) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot install the authorizer", db->opt.path);
    return -1;
  }
  return 0;
}

struct broker_db *broker_db_open(const struct broker_db_options *opt, char *err, size_t errlen) {
  const char *path = opt->path;
  if (opt->synchronous < 0 || opt->synchronous > 3) {
    snprintf(err, errlen, "%s: synchronous must be 0..3, not %d", path, opt->synchronous);
    return NULL;
  }
  struct broker_db *db = calloc(1, sizeof *db);
  if (db == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  list_init(&db->w.lru);
  list_init(&db->r.lru);
  db->opt = *opt;
  sqlite3 *h = conn_open(db, &db->w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errlen);
  if (h == NULL)
    goto fail;
  /* journal_mode answers with the mode it ended up in; anything but "wal"
   * (e.g. an in-memory database) means readers would block the writer. */
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    snprintf(err, errlen, "%s: PRAGMA journal_mode=WAL: %s: %s", path, broker_code_name(rc),
             sqlite3_errmsg(h));
    sqlite3_finalize(st);
    goto fail;
  }
  const char *mode = (const char *)sqlite3_column_text(st, 0);
  if (mode == NULL || strcmp(mode, "wal") != 0)
    log_warn("%s: journal mode is %s, not wal", path, mode ? mode : "(unknown)");
  sqlite3_finalize(st);
  if (writer_setup(db, h, err, errlen) != 0)
    goto fail;
  if (sqlite3_set_authorizer(h, authorizer, &db->w) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot install the authorizer", path);
    goto fail;
  }
  /* The reader opens after the writer made the file WAL: a read-only
   * connection cannot change the journal mode. */
  if (reader_open(db, &db->r, err, errlen) != 0)
    goto fail;
  return db;
fail:
  broker_db_close(db);
  return NULL;
}

/* Frees E, a cached statement taken out of its list. */
static void cache_entry_free(struct stmt_entry *e) {
  sqlite3_finalize(e->stmt);
  free(e);
}

static void conn_close(struct dbconn *c, const char *what) {
  rowset_buf_free(&c->rows);
  broker_json_free(&c->json);
  struct list *l, *next;
  list_foreach_safe(l, next, &c->lru) {
    list_remove(l);
    cache_entry_free(list_entry(l, struct stmt_entry, link));
  }
  c->nstmts = 0;
  if (c->h == NULL)
    return;
  /* Every statement is finalized above, so close cannot be left pending;
   * the last connection's clean close also checkpoints and removes the
   * WAL file. */
  int rc = sqlite3_close(c->h);
  if (rc != SQLITE_OK)
    log_error("closing the database (%s): %s: %s", what, broker_code_name(rc), sqlite3_errmsg(c->h));
  c->h = NULL;
}

static void reader_release(struct broker_db *db);

void broker_db_close(struct broker_db *db) {
  if (db == NULL)
    return;
  if (db->w.h && !sqlite3_get_autocommit(db->w.h)) {
    char e[256];
    db->w.internal = 1;
    if (exec_simple(db->w.h, "ROLLBACK", e, sizeof e) != 0)
      log_error("rolling back the open transaction at close: %s", e);
    db->w.internal = 0;
  }
  if (db->r.h)
    reader_release(db);
  conn_close(&db->r, "reader");
  conn_close(&db->w, "writer");
  free(db);
}

static uint64_t sql_hash(const char *s, size_t n) { /* FNV-1a */
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* Skips whitespace and comments from P; returns the first other byte. */
static const char *sql_skip_space(const char *p, const char *end) {
  while (p < end) {
    if (isspace((unsigned char)*p)) {
      p++;
    } else if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
      while (p < end && *p != '\n')
        p++;
    } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
      p += 2;
      while (p < end && !(end - p >= 2 && p[0] == '*' && p[1] == '/'))
        p++;
      p = p < end ? p + 2 : end;
    } else {
      break;
    }
  }
  return p;
}

/* True when [p, end) holds only whitespace, comments and empty statements
 * (';'), i.e. nothing SQLite would execute. */
static int sql_tail_is_empty(const char *p, const char *end) {
  for (p = sql_skip_space(p, end); p < end && *p == ';'; p = sql_skip_space(p + 1, end)) {
  }
  return p >= end;
}

/* True when the statement starts with the keyword VACUUM, which the
 * authorizer has no action code for. */
static int sql_is_vacuum(const char *p, const char *end) {
  p = sql_skip_space(p, end);
  return end - p >= 6 && strncasecmp(p, "vacuum", 6) == 0 &&
         (end - p == 6 || !(isalnum((unsigned char)p[6]) || p[6] == '_'));
}

/* Returns the cached or freshly prepared statement for SQL, or NULL with
 * *errreply set.  The statement is at the head of the LRU list, so it cannot
 * be evicted while the caller uses it. */
static sqlite3_stmt *stmt_get(struct dbconn *c, const json_t *id, const char *op,
                              const char *sql, size_t len, json_t **errreply) {
  uint64_t h = sql_hash(sql, len);
  struct list *l;
  list_foreach(l, &c->lru) {
    struct stmt_entry *e = list_entry(l, struct stmt_entry, link);
    if (e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0) {
      if (l != list_first(&c->lru)) {
        list_remove(l);
        list_push_front(&c->lru, l);
      }
      c->n.cache_hits++;
      return e->stmt;
    }
  }
  c->n.cache_misses++;
  if (len > SQL_LENGTH_LIMIT) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: the SQL text is %zu bytes, over the limit of %d (SQLITE_LIMIT_SQL_LENGTH)",
             op, len, SQL_LENGTH_LIMIT);
    *errreply = sqlite_error_reply(id, SQLITE_TOOBIG, msg);
    return NULL;
  }
  if (sql_is_vacuum(sql, sql + len)) {
    *errreply = sqlite_error_reply(id, SQLITE_AUTH,
                                   "VACUUM is not allowed through the broker (VACUUM INTO writes "
                                   "arbitrary files); run it offline");
    return NULL;
  }
  sqlite3_stmt *st = NULL;
  const char *tail = NULL;
  /* PERSISTENT: the statement is expected to live in the cache for long;
   * SQLite then allocates it outside its lookaside pool. */
  c->denied[0] = '\0';
  int rc = sqlite3_prepare_v3(c->h, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &st, &tail);
  if (rc != SQLITE_OK) {
    *errreply = stmt_error(c, id, rc);
    return NULL;
  }
  if (st == NULL) {
    *errreply = bad_request(id, "%s: the SQL holds no statement", op);
    return NULL;
  }
  if (tail != NULL && !sql_tail_is_empty(tail, sql + len)) {
    sqlite3_finalize(st);
    *errreply = bad_request(id,
                            "%s: the SQL holds more than one statement; send one statement per "
                            "call, or use op \"exec\" for a script without parameters",
                            op);
    return NULL;
  }
  struct stmt_entry *e = malloc(sizeof *e + len + 1);
  if (e == NULL) {
    sqlite3_finalize(st);
    *errreply = NULL;
    return NULL;
  }
  memcpy(e->sql, sql, len);
  e->sql[len] = '\0';
  e->len = len;
  e->hash = h;
  e->stmt = st;
  list_push_front(&c->lru, &e->link);
  if (++c->nstmts > BROKER_STMT_CACHE_SIZE) {
    struct list *oldest = list_last(&c->lru);
    list_remove(oldest);
    cache_entry_free(list_entry(oldest, struct stmt_entry, link));
    c->nstmts--;
  }
  return st;
}

/* ---- values ------------------------------------------------------------ */

/* Binds PARAMS (array, null or absent) to ST.  Returns 0, or -1 with
 * *errreply set (NULL when out of memory).  Text is bound SQLITE_STATIC:
 * PARAMS outlives the statement's use, and bindings are cleared right after. */
static int bind_params(sqlite3_stmt *st, const json_t *id, const char *op, const json_t *params,
                       json_t **errreply) {
  *errreply = NULL;
  if (params != NULL && !json_is_null(params) && !json_is_array(params)) {
    *errreply = bad_request(id, "%s: \"params\" must be an array", op);
    return -1;
  }
  size_t given = json_is_array(params) ? json_array_size(params) : 0;
  int want = sqlite3_bind_parameter_count(st);
  for (int i = 1; i <= want; i++) {
    const char *name = sqlite3_bind_parameter_name(st, i);
    if (name != NULL && name[0] != '?') {
      *errreply = bad_request(id, "%s: named parameter %s is not supported; use positional ?", op, name);
      return -1;
    }
  }
  if (given != (size_t)want) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: the statement takes %d parameter%s but %zu %s given", op, want,
             want == 1 ? "" : "s", given, given == 1 ? "was" : "were");
    *errreply = sqlite_error_reply(id, SQLITE_RANGE, msg);
    return -1;
  }
  for (size_t k = 0; k < given; k++) {
    const json_t *v = json_array_get(params, k);
    int i = (int)k + 1, rc;
    switch (json_typeof(v)) {
    case JSON_NULL:
      rc = sqlite3_bind_null(st, i);
      break;
    case JSON_TRUE:
      rc = sqlite3_bind_int(st, i, 1);
      break;
    case JSON_FALSE:
      rc = sqlite3_bind_int(st, i, 0);
      break;
    case JSON_INTEGER:
      rc = sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v));
      break;
    case JSON_REAL:
      rc = sqlite3_bind_double(st, i, json_real_value(v));
      break;
    case JSON_STRING:
      rc = sqlite3_bind_text64(st, i, json_string_value(v), json_string_length(v), SQLITE_STATIC,
                               SQLITE_UTF8);
      break;
    case JSON_OBJECT: {
      const json_t *b = json_object_get(v, "$blob");
      if (json_object_size(v) != 1 || !json_is_string(b))
        goto unsupported;
      unsigned char *data;
      size_t n;
      int drc = b64_decode(json_string_value(b), json_string_length(b), &data, &n);
      if (drc == -2)
        return -1;
      if (drc != 0) {
        *errreply = bad_request(id, "%s: parameter %zu: \"$blob\" is not valid base64", op, k + 1);
        return -1;
      }
      /* A NULL pointer would bind SQL NULL, so an empty blob is a zeroblob. */
      if (n == 0)
        rc = sqlite3_bind_zeroblob(st, i, 0);
      else
        rc = sqlite3_bind_blob64(st, i, data, n, sqlite3_free); /* frees DATA even on error */
      break;
    }
    default:
    unsupported:
      *errreply = bad_request(id, "%s: parameter %zu: unsupported type (use null, boolean, number, "
                                  "string or {\"$blob\": base64})",
                              op, k + 1);
      return -1;
    }
    if (rc != SQLITE_OK) {
      char msg[160];
      snprintf(msg, sizeof msg, "%s: parameter %zu: %s", op, k + 1, sqlite3_errstr(rc));
      *errreply = sqlite_error_reply(id, rc, msg);
      return -1;
    }
  }
  return 0;
}

/* ---- statements -------------------------------------------------------- */

/* How a statement's result is shaped. */
enum result_shape {
  SHAPE_AUTO,    /* rows when the statement has result columns, else changes */
  SHAPE_ROWS,    /* "query": a row set */
  SHAPE_JSON,    /* "query" with "format": "json": the rows as JSON text */
  SHAPE_CHANGES, /* "execute": changes + lastInsertRowid */
};

/* A query result is written as a row set or, for SHAPE_JSON, as JSON text
 * (broker_json.h), into C's result buffer, through these. */
static int out_begin(struct dbconn *c, enum result_shape shape, uint32_t ncols) {
  return shape == SHAPE_JSON ? broker_json_begin(&c->json, &c->rows, ncols) : rowset_begin(&c->rows, ncols);
}
static int out_name(struct dbconn *c, enum result_shape shape, const char *name, size_t len) {
  return shape == SHAPE_JSON ? broker_json_name(&c->json, name, len) : rowset_put_name(&c->rows, name, len);
}
static int out_rows_begin(struct dbconn *c, enum result_shape shape) {
  return shape == SHAPE_JSON ? 0 : rowset_rows_begin(&c->rows);
}
static int out_null(struct dbconn *c, enum result_shape shape) {
  return shape == SHAPE_JSON ? broker_json_null(&c->json) : rowset_put_null(&c->rows);
}
static int out_int(struct dbconn *c, enum result_shape shape, int64_t v) {
  return shape == SHAPE_JSON ? broker_json_int(&c->json, v) : rowset_put_int(&c->rows, v);
}
static int out_real(struct dbconn *c, enum result_shape shape, double v) {
  return shape == SHAPE_JSON ? broker_json_real(&c->json, v) : rowset_put_real(&c->rows, v);
}
static int out_text(struct dbconn *c, enum result_shape shape, const unsigned char *p, size_t len) {
  return shape == SHAPE_JSON ? broker_json_text(&c->json, p, len) : rowset_put_text(&c->rows, p, len);
}
static int out_blob(struct dbconn *c, enum result_shape shape, const unsigned char *p, size_t len) {
  return shape == SHAPE_JSON ? broker_json_blob(&c->json, p, len) : rowset_put_blob(&c->rows, p, len);
}
static int out_end(struct dbconn *c, enum result_shape shape, uint32_t nrows) {
  if (shape == SHAPE_JSON)
    return broker_json_end(&c->json);
  rowset_rows_end(&c->rows, nrows);
  return 0;
}

/* Adds the size of a value to *BYTES (approximate, for max_result_size:
 * text and blobs their length plus 2, NULL 4, numbers 8); true when the
 * result is then over MAX_BYTES (0: no limit). */
static int result_over(size_t *bytes, size_t value_bytes, long max_bytes) {
  *bytes += value_bytes;
  return max_bytes > 0 && *bytes > (size_t)max_bytes;
}

/* Adds column COL of the current row (row ROW, 0-based) to the result and
 * its size to *BYTES.  Returns 0; 1 if the result would outgrow MAX_BYTES
 * (checked before the value is written: a 32 MB blob as JSON text would
 * take ten times that); or -1 with *ERRREPLY set (NULL when out of memory)
 * if the value cannot be represented. */
static int put_column(struct dbconn *c, enum result_shape shape, sqlite3_stmt *st, int col, size_t *bytes,
                      long max_bytes, const json_t *id, size_t row, json_t **errreply) {
  *errreply = NULL;
  switch (sqlite3_column_type(st, col)) {
  case SQLITE_INTEGER:
    if (result_over(bytes, 8, max_bytes))
      return 1;
    return out_int(c, shape, sqlite3_column_int64(st, col));
  case SQLITE_FLOAT: {
    double d = sqlite3_column_double(st, col);
    if (result_over(bytes, 8, max_bytes))
      return 1;
    if (isfinite(d))
      return out_real(c, shape, d);
    *errreply = broker_db_error_reply(id, DB_ERR_UNREPRESENTABLE,
                                      "row %zu, column \"%s\": the real value %s cannot be "
                                      "represented in JSON",
                                      row + 1, sqlite3_column_name(st, col), d > 0 ? "Inf" : "-Inf");
    return -1;
  }
  case SQLITE_TEXT: {
    const unsigned char *p = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    if (result_over(bytes, n + 2, max_bytes))
      return 1;
    int rc = p ? out_text(c, shape, p, n) : -1; /* NULL: out of memory converting */
    if (rc == -2)
      *errreply = broker_db_error_reply(id, DB_ERR_UNREPRESENTABLE,
                                        "row %zu, column \"%s\": the text is not valid UTF-8 "
                                        "(select it as a blob: CAST(x AS BLOB))",
                                        row + 1, sqlite3_column_name(st, col));
    return rc == 0 ? 0 : -1;
  }
  case SQLITE_BLOB: {
    const unsigned char *p = sqlite3_column_blob(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    if (result_over(bytes, n + 2, max_bytes))
      return 1;
    return out_blob(c, shape, p, n);
  }
  default:
    if (result_over(bytes, 4, max_bytes))
      return 1;
    return out_null(c, shape);
  }
}

/* Steps ST (already bound) to the end, writing its rows into C's result
 * buffer as a row set (SHAPE_ROWS) or JSON text (SHAPE_JSON), and builds
 * the reply: {"id", "ok": true, "$rowset" or "$json": the bytes}. */
static json_t *run_query(struct dbconn *c, sqlite3_stmt *st, const json_t *id, enum result_shape shape) {
  struct rowset_buf *b = &c->rows;
  json_t *err = NULL;
  /* Columns are named after the first step: a cached statement whose
   * schema changed is re-prepared inside sqlite3_step, and "SELECT *" may
   * then have a different shape. */
  int rc = sqlite3_step(st);
  int ncol = sqlite3_column_count(st);
  if (out_begin(c, shape, (uint32_t)ncol) != 0)
    return NULL;
  for (int col = 0; col < ncol; col++) {
    const char *name = sqlite3_column_name(st, col);
    int put = name ? out_name(c, shape, name, strlen(name)) : -1;
    if (put == -2)
      return broker_db_error_reply(id, DB_ERR_UNREPRESENTABLE, "the name of column %d is not valid UTF-8",
                                   col + 1);
    if (put != 0)
      return NULL;
  }
  if (out_rows_begin(c, shape) != 0)
    return NULL;
  size_t nrow = 0, bytes = 0;
  long max_rows = c->db->opt.max_result_rows, max_bytes = c->db->opt.max_result_bytes;
  for (; rc == SQLITE_ROW; rc = sqlite3_step(st), nrow++) {
    if (max_rows > 0 && nrow >= (size_t)max_rows)
      return broker_db_error_reply(id, DB_ERR_RESULT_TOO_LARGE,
                                   "the result has more than max_result_rows (%ld) rows; add a "
                                   "LIMIT or page through it",
                                   max_rows);
    for (int col = 0; col < ncol; col++) {
      int put = put_column(c, shape, st, col, &bytes, max_bytes, id, nrow, &err);
      if (put < 0)
        return err;
      if (put > 0)
        return broker_db_error_reply(id, DB_ERR_RESULT_TOO_LARGE,
                                     "the result exceeds max_result_size (%ld bytes) at row %zu; "
                                     "select less or page through it",
                                     max_bytes, nrow + 1);
    }
    /* Whatever the limits say, a reply never outgrows a frame. */
    if (b->len > FRAME_DEFAULT_MAX_BYTES)
      return broker_db_error_reply(id, DB_ERR_RESULT_TOO_LARGE,
                                   "the result exceeds the frame limit of %u bytes at row %zu; "
                                   "select less or page through it",
                                   FRAME_DEFAULT_MAX_BYTES, nrow + 1);
  }
  if (rc != SQLITE_DONE)
    return stmt_error(c, id, rc);
  if (out_end(c, shape, (uint32_t)nrow) != 0)
    return NULL;
  json_t *r = reply_new(id, 1);
  /* json_object_set_new takes the reference even when it fails. */
  const char *key = shape == SHAPE_JSON ? FRAME_JSON_BYTES : FRAME_ROWSET_BYTES;
  if (r == NULL || json_object_set_new(r, key, json_stringn_nocheck((const char *)b->data, b->len)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

static json_t *run_execute(struct dbconn *c, sqlite3_stmt *st, const json_t *id) {
  sqlite3 *h = c->h;
  sqlite3_int64 before = sqlite3_total_changes64(h);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    ; /* rows a statement returns are not wanted here */
  if (rc != SQLITE_DONE)
    return stmt_error(c, id, rc);
  /* sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE, so a
   * statement that changed nothing (SELECT, DDL) would report a stale
   * count: report 0 for those. */
  sqlite3_int64 changes = 0;
  if (!sqlite3_stmt_readonly(st) && sqlite3_total_changes64(h) != before)
    changes = sqlite3_changes64(h);
  json_t *r = reply_new(id, 1);
  if (r == NULL)
    return NULL;
  if (json_object_set_new(r, "changes", json_integer(changes)) != 0 ||
      json_object_set_new(r, "lastInsertRowid", json_integer(sqlite3_last_insert_rowid(h))) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

/* Checks "sql" of a statement object; returns it or NULL with *reply. */
static const char *req_sql(const json_t *obj, const json_t *id, const char *op, size_t *len,
                           json_t **reply) {
  const json_t *sqlv = json_object_get(obj, "sql");
  if (!json_is_string(sqlv)) {
    *reply = bad_request(id, "%s: \"sql\" must be a string", op);
    return NULL;
  }
  const char *sql = json_string_value(sqlv);
  *len = json_string_length(sqlv);
  /* SQLite stops reading at a NUL byte; the rest would be silently ignored. */
  if (memchr(sql, '\0', *len) != NULL) {
    *reply = bad_request(id, "%s: \"sql\" contains a NUL byte", op);
    return NULL;
  }
  return sql;
}

/* Runs one statement object ({sql, params}) on C: prepare (cached), bind,
 * step under the time limit, reset at once. */
static json_t *run_stmt(struct dbconn *c, const json_t *id, const char *op,
                        const json_t *obj, enum result_shape shape) {
  json_t *reply = NULL;
  size_t len;
  const char *sql = req_sql(obj, id, op, &len, &reply);
  if (sql == NULL)
    return reply;
  sqlite3_stmt *st = stmt_get(c, id, op, sql, len, &reply);
  if (st == NULL)
    return reply;
  c->n.statements++;
  if (bind_params(st, id, op, json_object_get(obj, "params"), &reply) == 0) {
    if (shape == SHAPE_AUTO)
      shape = sqlite3_column_count(st) > 0 ? SHAPE_ROWS : SHAPE_CHANGES;
    stmt_clock_start(c);
    reply = shape == SHAPE_CHANGES ? run_execute(c, st, id) : run_query(c, st, id, shape);
    stmt_clock_stop(c);
  }
  /* Reset at once: a statement left mid-step keeps a read transaction open,
   * which blocks WAL checkpoints.  The step's error is already reported. */
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return reply;
}

static json_t *run_exec(struct dbconn *c, const json_t *req, const json_t *id) {
  json_t *reply = NULL;
  size_t len;
  const char *sql = req_sql(req, id, "exec", &len, &reply);
  if (sql == NULL)
    return reply;
  if (len > SQL_LENGTH_LIMIT)
    return sqlite_error_reply(id, SQLITE_TOOBIG, "exec: the SQL text is over the limit of 1000000 bytes "
                                                 "(SQLITE_LIMIT_SQL_LENGTH)");
  /* sqlite3_exec runs statement after statement, so VACUUM is checked on
   * each one through the authorizer-free path: refuse it anywhere. */
  for (const char *p = sql; p < sql + len; p++) {
    if ((p == sql || p[-1] == ';' || isspace((unsigned char)p[-1])) && sql_is_vacuum(p, sql + len))
      return sqlite_error_reply(id, SQLITE_AUTH,
                                "VACUUM is not allowed through the broker (VACUUM INTO writes "
                                "arbitrary files); run it offline");
  }
  c->n.statements++;
  c->denied[0] = '\0';
  char *msg = NULL;
  stmt_clock_start(c);
  int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
  stmt_clock_stop(c);
  if (rc != SQLITE_OK) {
    json_t *r;
    if (((rc & 0xff) == SQLITE_INTERRUPT && c->timed_out) || c->denied[0])
      r = stmt_error(c, id, rc);
    else
      r = sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(c->h));
    sqlite3_free(msg);
    return r;
  }
  return reply_new(id, 1);
}

/* Runs SQL as the broker's own transaction control (the authorizer lets
 * it through).  Returns SQLite's result code; *msg as sqlite3_exec's. */
static int tx_exec(struct dbconn *c, const char *sql, char **msg) {
  c->internal = 1;
  int rc = sqlite3_exec(c->h, sql, NULL, NULL, msg);
  c->internal = 0;
  return rc;
}

/*
 * The reader keeps one read transaction (one snapshot) open from read to
 * read until the writer next runs: SQLite then takes no lock and checks no
 * WAL index per read (3 of a read's 7 system calls).  Every writer entry
 * point ends it once it has run (reader_release), so a read never sees an
 * older state than the last commit, and checkpoints can reset the WAL.
 */
static void reader_hold(struct broker_db *db) {
  if (!sqlite3_get_autocommit(db->r.h))
    return;
  char *msg = NULL;
  if (tx_exec(&db->r, "BEGIN", &msg) != SQLITE_OK) /* reads then run in autocommit */
    log_warn("reader: BEGIN: %s", msg ? msg : sqlite3_errmsg(db->r.h));
  sqlite3_free(msg);
}

static void reader_release(struct broker_db *db) {
  if (sqlite3_get_autocommit(db->r.h))
    return;
  if (tx_exec(&db->r, "COMMIT", NULL) == SQLITE_OK)
    return;
  log_warn("reader: ending its snapshot: %s", sqlite3_errmsg(db->r.h));
  if (tx_exec(&db->r, "ROLLBACK", NULL) != SQLITE_OK)
    log_error("reader: ROLLBACK of its snapshot: %s", sqlite3_errmsg(db->r.h));
}

json_t *broker_db_tx(struct broker_db *db, const json_t *id, const char *sql) {
  /* A new transaction is a new owner: the last insert rowid of another
   * worker's request must not show in its replies or last_insert_rowid(). */
  if (sqlite3_get_autocommit(db->w.h))
    sqlite3_set_last_insert_rowid(db->w.h, 0);
  char *msg = NULL;
  int rc = tx_exec(&db->w, sql, &msg);
  reader_release(db);
  json_t *r = rc == SQLITE_OK ? reply_new(id, 1) : sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(db->w.h));
  sqlite3_free(msg);
  if (r && rc != SQLITE_OK)
    db->w.n.errors++;
  return r;
}

int broker_db_in_tx(const struct broker_db *db) { return !sqlite3_get_autocommit(db->w.h); }

/* Runs a "batch" request on C.  Atomic: all statements or none (inside a
 * savepoint on the writer, a read transaction on the reader); the reply is
 * the first error, with "index".  Not atomic: one result per statement,
 * each {"ok":true,...} or {"ok":false,"code",...}. */
static json_t *run_batch(struct dbconn *c, const json_t *req, const json_t *id) {
  const json_t *stmts = json_object_get(req, "statements");
  if (!json_is_array(stmts))
    return bad_request(id, "batch: \"statements\" must be an array");
  int atomic = json_is_true(json_object_get(req, "atomic"));
  int on_writer = c == &c->db->w;
  /* On the reader, a held snapshot (reader_hold) already makes the batch
   * one consistent read. */
  int own_tx = atomic && (on_writer || sqlite3_get_autocommit(c->h));
  char *msg = NULL;
  if (own_tx) {
    int rc = tx_exec(c, on_writer ? "SAVEPOINT jsfpm_batch" : "BEGIN", &msg);
    if (rc != SQLITE_OK) {
      json_t *r = sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(c->h));
      sqlite3_free(msg);
      return r;
    }
  }
  json_t *results = json_array(), *fail = NULL;
  if (results == NULL)
    goto out;
  size_t i;
  const json_t *s;
  json_array_foreach(stmts, i, s) {
    json_t *r;
    if (!json_is_object(s)) {
      r = bad_request(NULL, "batch: statement %zu is not an object {sql, params}", i + 1);
    } else {
      const char *sop = json_string_value(json_object_get(s, "op"));
      enum result_shape shape = sop == NULL                       ? SHAPE_AUTO
                                : db_op_parse(sop) == DB_OP_QUERY ? SHAPE_ROWS
                                                                  : SHAPE_CHANGES;
      r = run_stmt(c, NULL, "batch", s, shape);
    }
    if (r == NULL)
      goto out;
    json_object_del(r, "id");
    if (atomic && !json_is_true(json_object_get(r, "ok"))) {
      fail = r;
      const char *m = json_string_value(json_object_get(r, "message"));
      char *pm = NULL;
      if (asprintf(&pm, "batch statement %zu: %s", i + 1, m ? m : "") < 0 ||
          json_object_set_new(fail, "message", json_string(pm)) != 0 ||
          json_object_set_new(fail, "index", json_integer((json_int_t)i)) != 0 ||
          json_object_set_new(fail, "id", json_is_integer(id) ? json_integer(json_integer_value(id)) : json_null()) != 0) {
        free(pm);
        json_decref(fail);
        fail = NULL;
        goto out;
      }
      free(pm);
      break;
    }
    if (json_array_append_new(results, r) != 0)
      goto out;
  }
  if (atomic) {
    /* Undo on failure; release either way so no savepoint outlives the
     * request.  The writer's transaction itself may have been aborted by
     * the failing statement: then there is nothing left to undo. */
    if (own_tx && fail && (!on_writer || !sqlite3_get_autocommit(c->h))) {
      if (tx_exec(c, on_writer ? "ROLLBACK TO jsfpm_batch" : "ROLLBACK", NULL) != SQLITE_OK)
        log_error("batch: rolling back: %s", sqlite3_errmsg(c->h));
    }
    if (own_tx && (on_writer ? !sqlite3_get_autocommit(c->h) : (!fail && !sqlite3_get_autocommit(c->h)))) {
      int rc = tx_exec(c, on_writer ? "RELEASE jsfpm_batch" : "COMMIT", NULL);
      if (rc != SQLITE_OK)
        log_error("batch: ending: %s", sqlite3_errmsg(c->h));
    }
    atomic = own_tx = 0;
    if (fail) {
      json_decref(results);
      return fail;
    }
  }
  json_t *r = reply_new(id, 1);
  if (r == NULL || json_object_set_new(r, "results", results) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
out: /* out of memory */
  if (own_tx && !sqlite3_get_autocommit(c->h)) {
    tx_exec(c, on_writer ? "ROLLBACK TO jsfpm_batch" : "ROLLBACK", NULL);
    if (on_writer)
      tx_exec(c, "RELEASE jsfpm_batch", NULL);
  }
  json_decref(results);
  return NULL;
}

/* Counts an error reply. */
static json_t *counted(struct dbconn *c, json_t *reply) {
  if (reply && !json_is_true(json_object_get(reply, "ok")))
    c->n.errors++;
  return reply;
}

static json_t *run_request(struct dbconn *c, const json_t *req) {
  const json_t *id = json_object_get(req, "id");
  const char *op = json_string_value(json_object_get(req, "op"));
  if (op == NULL)
    return bad_request(id, "\"op\" must be a string");
  switch (db_op_parse(op)) {
  case DB_OP_QUERY: {
    const json_t *format = json_object_get(req, "format");
    if (format != NULL && !(json_is_string(format) && strcmp(json_string_value(format), "json") == 0))
      return bad_request(id, "query: \"format\" must be \"json\" when given");
    return run_stmt(c, id, op, req, format ? SHAPE_JSON : SHAPE_ROWS);
  }
  case DB_OP_EXECUTE:
    return run_stmt(c, id, op, req, SHAPE_CHANGES);
  case DB_OP_BATCH:
    return run_batch(c, req, id);
  case DB_OP_EXEC: {
    const json_t *params = json_object_get(req, "params");
    if (params != NULL && !json_is_null(params) && !(json_is_array(params) && json_array_size(params) == 0))
      return bad_request(id, "exec: takes no \"params\"; use query or execute with ? placeholders");
    if (c != &c->db->w)
      return bad_request(id, "exec: scripts run on the writer only");
    /* A savepoint makes the script all-or-nothing inside an explicit
     * transaction too (a group commit wraps every entry already). */
    if (tx_exec(c, "SAVEPOINT jsfpm_exec", NULL) != SQLITE_OK)
      return sqlite_error_reply(id, sqlite3_extended_errcode(c->h), sqlite3_errmsg(c->h));
    json_t *r = run_exec(c, req, id);
    if (!sqlite3_get_autocommit(c->h)) {
      if ((r == NULL || !json_is_true(json_object_get(r, "ok"))) &&
          tx_exec(c, "ROLLBACK TO jsfpm_exec", NULL) != SQLITE_OK)
        log_error("exec: ROLLBACK TO: %s", sqlite3_errmsg(c->h));
      if (tx_exec(c, "RELEASE jsfpm_exec", NULL) != SQLITE_OK)
        log_error("exec: RELEASE: %s", sqlite3_errmsg(c->h));
    }
    return r;
  }
  default:
    return bad_request(id, "unknown op \"%.64s\"", op);
  }
}

/* Is the statement object OBJ read-only, judged on the reader?  1 yes,
 * 0 no or unknown (it cannot be prepared there), -1 with *reply when the
 * request itself is bad. */
static int stmt_is_read(struct broker_db *db, const json_t *id, const char *op, const json_t *obj,
                        json_t **reply) {
  size_t len;
  const char *sql = req_sql(obj, id, op, &len, reply);
  if (sql == NULL)
    return -1;
  sqlite3_stmt *st = stmt_get(&db->r, id, op, sql, len, reply);
  if (st == NULL)
    return -1;
  return sqlite3_stmt_readonly(st) != 0;
}

enum broker_db_route broker_db_route(struct broker_db *db, const json_t *req, json_t **reply) {
  *reply = NULL;
  const json_t *id = json_object_get(req, "id");
  const char *op = json_string_value(json_object_get(req, "op"));
  if (op == NULL) {
    *reply = counted(&db->r, bad_request(id, "\"op\" must be a string"));
    return BROKER_DB_DONE;
  }
  switch (db_op_parse(op)) {
  case DB_OP_QUERY:
  case DB_OP_EXECUTE: {
    int r = stmt_is_read(db, id, op, req, reply);
    if (r < 0) {
      counted(&db->r, *reply);
      return BROKER_DB_DONE;
    }
    return r ? BROKER_DB_READ : BROKER_DB_WRITE;
  }
  case DB_OP_EXEC:
    return BROKER_DB_WRITE;
  case DB_OP_BATCH: {
    /* A batch reads only if every statement prepares on the reader as
     * read-only; any doubt (a statement that depends on a table an earlier
     * one creates) sends it to the writer, which gives the real errors. */
    const json_t *stmts = json_object_get(req, "statements");
    if (!json_is_array(stmts)) {
      *reply = counted(&db->r, bad_request(id, "batch: \"statements\" must be an array"));
      return BROKER_DB_DONE;
    }
    size_t i;
    const json_t *s;
    json_array_foreach(stmts, i, s) {
      json_t *ignored = NULL;
      int r = json_is_object(s) ? stmt_is_read(db, id, op, s, &ignored) : 0;
      json_decref(ignored);
      if (r != 1)
        return BROKER_DB_WRITE;
    }
    return BROKER_DB_READ;
  }
  default:
    *reply = counted(&db->r, bad_request(id, "unknown op \"%.64s\"", op));
    return BROKER_DB_DONE;
  }
}

json_t *broker_db_read(struct broker_db *db, const json_t *req, int *moved) {
  struct dbconn *c = &db->r;
  reader_hold(db);
  c->sliced = 0;
  c->slice_end_us = clock_mono_us() + BROKER_DB_READ_SLICE_US;
  json_t *reply = run_request(c, req);
  c->slice_end_us = 0;
  *moved = c->sliced;
  if (c->sliced) {
    json_decref(reply); /* the interruption's error: the read runs again elsewhere */
    return NULL;
  }
  return counted(c, reply);
}

struct broker_db_reader *broker_db_reader_open(struct broker_db *db, char *err, size_t errlen) {
  struct broker_db_reader *r = calloc(1, sizeof *r);
  if (r == NULL) {
    snprintf(err, errlen, "%s: out of memory", db->opt.path);
    return NULL;
  }
  list_init(&r->c.lru);
  if (reader_open(db, &r->c, err, errlen) != 0) {
    broker_db_reader_close(r);
    return NULL;
  }
  return r;
}

static void counts_add(struct broker_db_counts *sum, const struct broker_db_counts *n) {
  sum->statements += n->statements;
  sum->errors += n->errors;
  sum->cache_hits += n->cache_hits;
  sum->cache_misses += n->cache_misses;
}

json_t *broker_db_reader_run(struct broker_db_reader *r, const json_t *req, struct broker_db_counts *ran) {
  memset(&r->c.n, 0, sizeof r->c.n); /* what ran before is reported already */
  json_t *reply = counted(&r->c, run_request(&r->c, req));
  counts_add(ran, &r->c.n);
  return reply;
}

void broker_db_reader_abandon(struct broker_db_reader *r, int on) {
  atomic_store(&r->c.abandon, on);
}

void broker_db_reader_close(struct broker_db_reader *r) {
  if (r == NULL)
    return;
  conn_close(&r->c, "read thread");
  free(r);
}

void broker_db_add_counts(struct broker_db *db, const struct broker_db_counts *ran) {
  counts_add(&db->readers, ran);
}

json_t *broker_db_write(struct broker_db *db, const json_t *req) {
  json_t *reply = counted(&db->w, run_request(&db->w, req));
  reader_release(db);
  return reply;
}

/* Error reply to REQ for a group whose transaction could not be opened or
 * committed. */
static json_t *group_error(const json_t *req, int rc, const char *what, const char *msg) {
  char m[600];
  snprintf(m, sizeof m, "%s: %s", what, msg);
  return sqlite_error_reply(json_object_get(req, "id"), rc, m);
}

unsigned broker_db_group(struct broker_db *db, struct broker_db_entry *e, size_t n) {
  unsigned commits = 0;
  for (size_t i = 0; i < n; i++)
    e[i].reply = NULL;
  /* done[i]: entry i has its final reply; ran[i]: it ran in this round. */
  char *done = calloc(n ? 2 * n : 1, 1);
  if (done == NULL)
    return 0; /* every reply NULL: out of memory */
  char *ran = done + n;
  sqlite3 *h = db->w.h;
  size_t left = n;
  while (left > 0) {
    char *msg = NULL;
    int rc = tx_exec(&db->w, "BEGIN IMMEDIATE", &msg);
    if (rc != SQLITE_OK) {
      for (size_t i = 0; i < n; i++)
        if (!done[i])
          e[i].reply = group_error(e[i].req, rc, "BEGIN", msg ? msg : sqlite3_errmsg(h));
      sqlite3_free(msg);
      break;
    }
    memset(ran, 0, n);
    size_t aborted = n;
    for (size_t i = 0; i < n; i++) {
      if (done[i])
        continue;
      ran[i] = 1;
      if (tx_exec(&db->w, "SAVEPOINT jsfpm_group", NULL) != SQLITE_OK) {
        e[i].reply = sqlite_error_reply(json_object_get(e[i].req, "id"), sqlite3_extended_errcode(h),
                                        sqlite3_errmsg(h));
        aborted = i;
        break;
      }
      sqlite3_set_last_insert_rowid(h, 0); /* not the previous member's */
      json_t *r = e[i].reply = run_request(&db->w, e[i].req);
      if (sqlite3_get_autocommit(h)) {
        aborted = i; /* this statement ended the whole transaction */
        break;
      }
      if ((r == NULL || !json_is_true(json_object_get(r, "ok"))) &&
          tx_exec(&db->w, "ROLLBACK TO jsfpm_group", NULL) != SQLITE_OK)
        log_error("group commit: ROLLBACK TO: %s", sqlite3_errmsg(h));
      if (tx_exec(&db->w, "RELEASE jsfpm_group", NULL) != SQLITE_OK)
        log_error("group commit: RELEASE: %s", sqlite3_errmsg(h));
    }
    if (aborted < n) {
      /* Everything this round did is gone.  The culprit keeps its error;
       * the others (errors too: they may have depended on writes now
       * undone) run again in a new round. */
      if (!sqlite3_get_autocommit(h) && tx_exec(&db->w, "ROLLBACK", NULL) != SQLITE_OK)
        log_error("group commit: ROLLBACK: %s", sqlite3_errmsg(h));
      for (size_t i = 0; i < n; i++) {
        if (ran[i] && i != aborted) {
          json_decref(e[i].reply);
          e[i].reply = NULL;
        }
      }
      json_t *r = e[aborted].reply;
      if (r == NULL || json_is_true(json_object_get(r, "ok"))) {
        json_decref(r);
        e[aborted].reply = broker_db_error_reply(json_object_get(e[aborted].req, "id"), "SQLITE_ABORT",
                                                 "the statement aborted its transaction");
      }
      done[aborted] = 1;
      left--;
      continue;
    }
    rc = tx_exec(&db->w, "COMMIT", &msg);
    if (rc != SQLITE_OK) {
      const char *m = msg ? msg : sqlite3_errmsg(h);
      log_error("group commit of %zu writes failed: %s: %s", left, broker_code_name(rc), m);
      for (size_t i = 0; i < n; i++) {
        if (!ran[i] || (e[i].reply && !json_is_true(json_object_get(e[i].reply, "ok"))))
          continue;
        json_decref(e[i].reply);
        e[i].reply = group_error(e[i].req, rc, "COMMIT failed, the write is not applied", m);
      }
      sqlite3_free(msg);
      if (!sqlite3_get_autocommit(h) && tx_exec(&db->w, "ROLLBACK", NULL) != SQLITE_OK)
        log_error("group commit: ROLLBACK after a failed COMMIT: %s", sqlite3_errmsg(h));
    } else {
      commits++;
    }
    break; /* every entry not done ran in this round */
  }
  for (size_t i = 0; i < n; i++)
    counted(&db->w, e[i].reply);
  free(done);
  reader_release(db);
  return commits;
}

void broker_db_checkpoint(struct broker_db *db) {
  if (!sqlite3_get_autocommit(db->w.h))
    return;
  reader_release(db); /* TRUNCATE waits for no reader to use the WAL */
  int nlog = 0, nckpt = 0;
  int rc = sqlite3_wal_checkpoint_v2(db->w.h, NULL, SQLITE_CHECKPOINT_TRUNCATE, &nlog, &nckpt);
  if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
    log_warn("WAL checkpoint: %s: %s", broker_code_name(rc), sqlite3_errmsg(db->w.h));
  else
    log_debug("WAL checkpoint: %d frames, %d checkpointed%s", nlog, nckpt,
              rc == SQLITE_OK ? "" : " (busy: a reader holds an old snapshot)");
}

void broker_db_stats(const struct broker_db *db, json_t *obj) {
  struct broker_db_counts sum = db->w.n;
  counts_add(&sum, &db->r.n);
  counts_add(&sum, &db->readers);
  json_object_set_new(obj, "statements", json_integer((json_int_t)sum.statements));
  json_object_set_new(obj, "errors", json_integer((json_int_t)sum.errors));
  json_object_set_new(obj, "cache_hits", json_integer((json_int_t)sum.cache_hits));
  json_object_set_new(obj, "cache_misses", json_integer((json_int_t)sum.cache_misses));
}

/* ---- migrations -------------------------------------------------------- */

struct migration {
  long long version;
  char *file; /* name inside the migrations directory */
};

static int migration_cmp(const void *a, const void *b) {
  const struct migration *x = a, *y = b;
  return x->version < y->version ? -1 : x->version > y->version;
}

/* Parses "NNN_name.sql"; returns 0 and *version, or -1 if NAME is not a
 * migration file. */
static int migration_parse_name(const char *name, long long *version) {
  size_t digits = strspn(name, "0123456789");
  size_t n = strlen(name);
  if (digits == 0 || digits > 18 || name[digits] != '_' || n < digits + 5 ||
      strcmp(name + n - 4, ".sql") != 0)
    return -1;
  *version = strtoll(name, NULL, 10);
  return 0;
}

/* Reads PATH whole into a NUL-terminated buffer.  Returns NULL with ERR
 * (which does not repeat the path: the caller names the file). */
static char *read_file(const char *path, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open it: %s", strerror(errno));
    return NULL;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    snprintf(err, errlen, "cannot stat it: %s", strerror(errno));
    close(fd);
    return NULL;
  }
  if (!S_ISREG(sb.st_mode)) {
    snprintf(err, errlen, "not a regular file");
    close(fd);
    return NULL;
  }
  size_t cap = (size_t)sb.st_size + 1, len = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    snprintf(err, errlen, "out of memory");
    close(fd);
    return NULL;
  }
  for (;;) {
    if (len + 1 >= cap) { /* the file grew since fstat */
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
      buf = nb;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      snprintf(err, errlen, "cannot read it: %s", strerror(errno));
      goto fail;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = '\0';
  if (memchr(buf, '\0', len) != NULL) {
    snprintf(err, errlen, "the file contains a NUL byte");
    free(buf);
    return NULL;
  }
  return buf;
fail:
  free(buf);
  close(fd);
  return NULL;
}

/* Is VERSION recorded?  1 yes, 0 no, -1 error (ERR set). */
static int migration_recorded(sqlite3 *h, long long version, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(h, "SELECT 1 FROM jsfpm_migrations WHERE version = ?", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 1, version);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  int result = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
  if (result < 0)
    snprintf(err, errlen, "reading jsfpm_migrations: %s: %s", broker_code_name(rc), sqlite3_errmsg(h));
  sqlite3_finalize(st);
  return result;
}

/* Applies one migration file atomically.  Returns 0 or -1 with ERR. */
static int migration_apply(sqlite3 *h, const char *path, const struct migration *m, char *err,
                           size_t errlen) {
  char e[768];
  char *sql = read_file(path, e, sizeof e);
  if (sql == NULL) {
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    return -1;
  }
  /* IMMEDIATE takes the write lock up front, so the migration cannot fail
   * half-way with SQLITE_BUSY on lock upgrade. */
  if (exec_simple(h, "BEGIN IMMEDIATE", e, sizeof e) != 0) {
    free(sql);
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    return -1;
  }
  int rc = -1;
  sqlite3_stmt *st = NULL;
  if (exec_simple(h, sql, e, sizeof e) != 0)
    goto out;
  if (sqlite3_get_autocommit(h)) {
    snprintf(e, sizeof e, "the file ends the transaction itself (remove BEGIN/COMMIT from it)");
    goto out;
  }
  int src = sqlite3_prepare_v2(h, "INSERT INTO jsfpm_migrations (version, name) VALUES (?, ?)", -1, &st,
                               NULL);
  if (src == SQLITE_OK)
    src = sqlite3_bind_int64(st, 1, m->version);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 2, m->file, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_step(st);
  if (src != SQLITE_DONE) {
    snprintf(e, sizeof e, "%s: %s", broker_code_name(src), sqlite3_errmsg(h));
    goto out;
  }
  if (exec_simple(h, "COMMIT", e, sizeof e) != 0)
    goto out;
  rc = 0;
out:
  sqlite3_finalize(st);
  free(sql);
  if (rc != 0) {
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    if (!sqlite3_get_autocommit(h)) {
      char e2[256];
      if (exec_simple(h, "ROLLBACK", e2, sizeof e2) != 0)
        log_error("rolling back migration %s: %s", path, e2);
    }
  }
  return rc;
}

int broker_db_migrate(struct broker_db *db, const char *app_root, char *err, size_t errlen) {
  if (app_root == NULL)
    return 0;
  char dir[PATH_MAX];
  if ((size_t)snprintf(dir, sizeof dir, "%s/migrations", app_root) >= sizeof dir) {
    snprintf(err, errlen, "%s/migrations: path too long", app_root);
    return -1;
  }
  DIR *d = opendir(dir);
  if (d == NULL) {
    if (errno == ENOENT)
      return 0; /* an app without migrations */
    snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
    return -1;
  }
  struct migration *list = NULL;
  size_t n = 0, cap = 0;
  int result = -1;
  sqlite3 *h = NULL;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(d);
    if (de == NULL) {
      if (errno != 0) {
        snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
        goto out;
      }
      break;
    }
    long long version;
    if (de->d_name[0] == '.')
      continue;
    if (migration_parse_name(de->d_name, &version) != 0) {
      size_t l = strlen(de->d_name);
      if (l >= 4 && strcmp(de->d_name + l - 4, ".sql") == 0)
        log_warn("ignoring %s/%s: migration files are named NNN_name.sql", dir, de->d_name);
      continue;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      struct migration *nl = realloc(list, ncap * sizeof *nl);
      if (nl == NULL) {
        snprintf(err, errlen, "%s: out of memory", dir);
        goto out;
      }
      list = nl;
      cap = ncap;
    }
    list[n].version = version;
    list[n].file = strdup(de->d_name);
    if (list[n].file == NULL) {
      snprintf(err, errlen, "%s: out of memory", dir);
      goto out;
    }
    n++;
  }
  if (n > 1) /* qsort(NULL, 0, ...) is undefined */
    qsort(list, n, sizeof *list, migration_cmp);
  for (size_t i = 1; i < n; i++) {
    if (list[i].version == list[i - 1].version) {
      snprintf(err, errlen, "migrations %s/%s and %s share version %lld", dir, list[i - 1].file,
               list[i].file, list[i].version);
      goto out;
    }
  }
  /* The operator's own files run on a connection of their own, without the
   * authorizer, closed when they are done: whatever they leave in a
   * connection (TEMP objects, settings) does not reach the requests. */
  h = conn_open(db, NULL, SQLITE_OPEN_READWRITE, err, errlen);
  if (h == NULL || writer_setup(db, h, err, errlen) != 0)
    goto out;
  char e[512];
  if (exec_simple(h,
                  "CREATE TABLE IF NOT EXISTS jsfpm_migrations ("
                  "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
                  e, sizeof e) != 0) {
    snprintf(err, errlen, "creating jsfpm_migrations: %s", e);
    goto out;
  }
  int applied = 0;
  for (size_t i = 0; i < n; i++) {
    int done = migration_recorded(h, list[i].version, err, errlen);
    if (done < 0)
      goto out;
    if (done)
      continue;
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, list[i].file) >= sizeof path) {
      snprintf(err, errlen, "%s/%s: path too long", dir, list[i].file);
      goto out;
    }
    if (migration_apply(h, path, &list[i], err, errlen) != 0)
      goto out;
    log_info("applied migration %s", path);
    applied++;
  }
  result = applied;
out:
  if (h != NULL && sqlite3_close(h) != SQLITE_OK)
    log_error("closing the migrations' connection: %s", sqlite3_errmsg(h));
  for (size_t i = 0; i < n; i++)
    free(list[i].file);
  free(list);
  if (closedir(d) != 0)
    log_warn("closing %s: %s", dir, strerror(errno));
  return result;
}
