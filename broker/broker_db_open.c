/* broker_db_open.c: opening and closing the broker's SQLite connections
 * (limits, pragmas, the writer's setup) and their statement caches. */
#include "autoconfig.h"

#include "broker_db_internal.h"

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

/* ---- open / close ------------------------------------------------------ */

int bdb_exec_simple(sqlite3 *db, const char *sql, char *err, size_t errlen) {
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
sqlite3 *bdb_conn_open(struct broker_db *db, struct dbconn *c, int flags, char *err, size_t errlen) {
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
    sqlite3_progress_handler(h, BROKER_PROGRESS_OPS, bdb_progress, c);
  }
  return h;
fail:
  sqlite3_close(h);
  return NULL;
}

/* The per-connection settings of a connection that writes: durability as
 * configured, foreign keys enforced, the WAL bounded after checkpoints.
 * Returns 0, or -1 with ERR set. */
int bdb_writer_setup(struct broker_db *db, sqlite3 *h, char *err, size_t errlen) {
  char sql[96], e[512];
  snprintf(sql, sizeof sql, "PRAGMA synchronous=%d", db->opt.synchronous);
  int rc = bdb_exec_simple(h, sql, e, sizeof e);
  if (rc == 0) rc = bdb_exec_simple(h, "PRAGMA foreign_keys=ON", e, sizeof e);
  /* Bounds the WAL file left behind by a checkpoint that reset it. */
  snprintf(sql, sizeof sql, "PRAGMA journal_size_limit=%lld", BROKER_JOURNAL_SIZE_LIMIT);
  if (rc == 0) rc = bdb_exec_simple(h, sql, e, sizeof e);
  if (rc != 0) snprintf(err, errlen, "%s: %s", db->opt.path, e);
  return rc;
}

/* Opens C as a read-only connection under the authorizer.  Returns 0, or
 * -1 with ERR set (C's connection, if any, still to be closed). */
int bdb_reader_open(struct broker_db *db, struct dbconn *c, char *err, size_t errlen) {
  if (bdb_conn_open(db, c, SQLITE_OPEN_READONLY, err, errlen) == NULL) return -1;
  char e[512];
  /* Same answer to "PRAGMA foreign_keys" on every connection. */
  if (bdb_exec_simple(c->h, "PRAGMA foreign_keys=ON", e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", db->opt.path, e);
    return -1;
  }
  if (sqlite3_set_authorizer(c->h, bdb_authorizer, c) != SQLITE_OK) {
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
  sqlite3 *h = bdb_conn_open(db, &db->w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errlen);
  if (h == NULL) goto fail;
  /* journal_mode answers with the mode it ended up in; anything but "wal"
   * (e.g. an in-memory database) means readers would block the writer. */
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
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
  if (bdb_writer_setup(db, h, err, errlen) != 0) goto fail;
  if (sqlite3_set_authorizer(h, bdb_authorizer, &db->w) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot install the authorizer", path);
    goto fail;
  }
  /* The reader opens after the writer made the file WAL: a read-only
   * connection cannot change the journal mode. */
  if (bdb_reader_open(db, &db->r, err, errlen) != 0) goto fail;
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

void bdb_conn_close(struct dbconn *c, const char *what) {
  broker_result_free(&c->res);
  struct list *l, *next;
  list_foreach_safe(l, next, &c->lru) {
    list_remove(l);
    cache_entry_free(list_entry(l, struct stmt_entry, link));
  }
  c->nstmts = 0;
  if (c->h == NULL) return;
  /* Every statement is finalized above, so close cannot be left pending;
   * the last connection's clean close also checkpoints and removes the
   * WAL file. */
  int rc = sqlite3_close(c->h);
  if (rc != SQLITE_OK)
    log_error("closing the database (%s): %s: %s", what, broker_code_name(rc), sqlite3_errmsg(c->h));
  c->h = NULL;
}

void broker_db_close(struct broker_db *db) {
  if (db == NULL) return;
  if (db->w.h && !sqlite3_get_autocommit(db->w.h)) {
    char e[256];
    db->w.internal = 1;
    if (bdb_exec_simple(db->w.h, "ROLLBACK", e, sizeof e) != 0)
      log_error("rolling back the open transaction at close: %s", e);
    db->w.internal = 0;
  }
  if (db->r.h) bdb_reader_release(db);
  bdb_conn_close(&db->r, "reader");
  bdb_conn_close(&db->w, "writer");
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
      while (p < end && *p != '\n') p++;
    } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
      p += 2;
      while (p < end && !(end - p >= 2 && p[0] == '*' && p[1] == '/')) p++;
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
  for (p = sql_skip_space(p, end); p < end && *p == ';'; p = sql_skip_space(p + 1, end)) {}
  return p >= end;
}

/* True when the statement starts with the keyword VACUUM, which the
 * authorizer has no action code for. */
int bdb_sql_is_vacuum(const char *p, const char *end) {
  p = sql_skip_space(p, end);
  return end - p >= 6 && strncasecmp(p, "vacuum", 6) == 0 &&
         (end - p == 6 || !(isalnum((unsigned char)p[6]) || p[6] == '_'));
}

/* Returns the cached or freshly prepared statement for SQL, or NULL with
 * *errreply set.  The statement is at the head of the LRU list, so it cannot
 * be evicted while the caller uses it. */
sqlite3_stmt *bdb_stmt_get(struct dbconn *c, const json_t *id, const char *op, const char *sql, size_t len,
                           json_t **errreply) {
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
    *errreply = bdb_sqlite_error_reply(id, SQLITE_TOOBIG, msg);
    return NULL;
  }
  if (bdb_sql_is_vacuum(sql, sql + len)) {
    *errreply = bdb_sqlite_error_reply(id, SQLITE_AUTH,
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
    *errreply = bdb_stmt_error(c, id, rc);
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
