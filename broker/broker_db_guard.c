/* broker_db_guard.c: what a statement may do (the authorizer) and how
 * long it may run (the progress handler's time limit). */
#include "autoconfig.h"

#include "broker_db_internal.h"

/* ---- guards: authorizer, time limit ------------------------------------ */

/* PRAGMAs a worker may run.  READ_ONLY ones only without a value: reading
 * user_version is harmless, setting it is not. */
static const struct {
  const char *name;
  int with_arg; /* an argument (a table name...) is allowed */
} pragma_allow[] = {
    {"table_info", 1},      {"table_xinfo", 1},    {"table_list", 1},       {"index_list", 1},
    {"index_info", 1},      {"index_xinfo", 1},    {"foreign_key_list", 1}, {"foreign_key_check", 1},
    {"integrity_check", 1}, {"quick_check", 1},    {"collation_list", 0},   {"database_list", 0},
    {"function_list", 0},   {"pragma_list", 0},    {"compile_options", 0},  {"user_version", 0},
    {"application_id", 0},  {"data_version", 0},   {"schema_version", 0},   {"page_count", 0},
    {"page_size", 0},       {"freelist_count", 0}, {"foreign_keys", 0},     {"journal_mode", 0},
    {"synchronous", 0},     {"encoding", 0},       {"auto_vacuum", 0},
};

int broker_pragma_allowed(const char *name, int with_arg) {
  for (size_t i = 0; i < sizeof pragma_allow / sizeof pragma_allow[0]; i++)
    if (strcasecmp(name, pragma_allow[i].name) == 0 && (!with_arg || pragma_allow[i].with_arg)) return 1;
  return 0;
}

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

int bdb_authorizer(void *arg, int action, const char *a1, const char *a2, const char *dbname,
                   const char *trigger) {
  struct dbconn *c = arg;
  (void)trigger;
  switch (action) {
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    snprintf(c->denied, sizeof c->denied, "%s is not allowed: the broker serves exactly one database",
             action == SQLITE_ATTACH ? "ATTACH" : "DETACH");
    return SQLITE_DENY;
  case SQLITE_TRANSACTION:
  case SQLITE_SAVEPOINT:
    if (c->internal) return SQLITE_OK;
    snprintf(c->denied, sizeof c->denied,
             "transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed "
             "in SQL: use db.transaction() (protocol ops begin/commit/rollback)");
    return SQLITE_DENY;
  case SQLITE_CREATE_TEMP_TABLE:
  case SQLITE_CREATE_TEMP_INDEX:
  case SQLITE_CREATE_TEMP_TRIGGER:
  case SQLITE_CREATE_TEMP_VIEW: return deny_temp(c, a1);
  case SQLITE_INSERT:
  case SQLITE_UPDATE:
  case SQLITE_DELETE:
    /* Every TEMP object is a row written into the TEMP schema, also those
     * with no TEMP action code (CREATE TRIGGER temp.x ON a main table,
     * CREATE VIRTUAL TABLE temp.x). */
    if (dbname && strcasecmp(dbname, "temp") == 0) return deny_temp(c, NULL);
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
    if (a1 && broker_pragma_allowed(a1, a2 != NULL)) return SQLITE_OK;
    snprintf(c->denied, sizeof c->denied,
             "PRAGMA %.60s%s is not allowed through the broker (only read-only PRAGMAs such as "
             "table_info, index_list, foreign_key_list, user_version are)",
             a1 ? a1 : "?", a2 ? " with a value" : "");
    return SQLITE_DENY;
  default: return SQLITE_OK;
  }
}

/* Interrupts a statement past its deadline, a request on the main reader
 * past its slice, and an abandoned one.  Returning non-zero makes the step
 * fail with SQLITE_INTERRUPT; timed_out and sliced tell the causes apart. */
int bdb_progress(void *arg) {
  struct dbconn *c = arg;
  if (atomic_load_explicit(&c->abandon, memory_order_relaxed)) return 1;
  if (c->slice_end_us != 0 && clock_mono_us() >= c->slice_end_us) {
    c->sliced = 1;
    return 1;
  }
  if (c->deadline_ms == 0 || clock_mono_ms() < c->deadline_ms) return 0;
  c->timed_out = 1;
  return 1;
}

/* Arms the time limit for one worker statement. */
void bdb_stmt_clock_start(struct dbconn *c) {
  int limit_ms = c->db->opt.statement_timeout_ms;
  c->timed_out = 0;
  c->denied[0] = '\0'; /* a re-prepare inside step consults the bdb_authorizer again */
  c->deadline_ms = limit_ms > 0 ? clock_mono_ms() + limit_ms : 0;
}

void bdb_stmt_clock_stop(struct dbconn *c) { c->deadline_ms = 0; }

/* The error reply for RC from C, naming the authorizer's reason or the
 * time limit when they caused it. */
json_t *bdb_stmt_error(struct dbconn *c, const json_t *id, int rc) {
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
    return bdb_sqlite_error_reply(id, SQLITE_AUTH, msg);
  }
  return bdb_sqlite_error_reply(id, rc, sqlite3_errmsg(c->h));
}
