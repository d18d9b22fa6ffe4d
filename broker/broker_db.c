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
 * This file runs requests; broker_db_internal.h lists the files that open
 * connections, guard statements, convert values, reply and migrate.
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
#include "broker_db_internal.h"

/* ---- statements -------------------------------------------------------- */

/* Adds column COL of ST's current row to C's result.  Returns 0, or -1
 * with *ERRREPLY set (NULL when out of memory). */
static int put_column(struct dbconn *c, sqlite3_stmt *st, int col, const json_t *id, json_t **errreply) {
  struct rowset_value v = {.type = ROWSET_NULL};
  switch (sqlite3_column_type(st, col)) {
  case SQLITE_INTEGER:
    v.type = ROWSET_INT;
    v.i = sqlite3_column_int64(st, col);
    break;
  case SQLITE_FLOAT:
    v.type = ROWSET_REAL;
    v.d = sqlite3_column_double(st, col);
    break;
  case SQLITE_TEXT:
    v.type = ROWSET_TEXT;
    v.bytes = sqlite3_column_text(st, col);
    v.len = (size_t)sqlite3_column_bytes(st, col);
    break;
  case SQLITE_BLOB:
    v.type = ROWSET_BLOB;
    v.bytes = sqlite3_column_blob(st, col);
    v.len = (size_t)sqlite3_column_bytes(st, col);
    break;
  default: break;
  }
  return broker_result_put(&c->res, &v, sqlite3_column_name(st, col), id, errreply);
}

/* Steps ST (already bound) to the end, writing its rows into C's result
 * as a row set (BROKER_SHAPE_ROWS) or JSON text (BROKER_SHAPE_JSON), and
 * builds the reply: {"id", "ok": true, "$rowset" or "$json": the bytes}. */
static json_t *run_query(struct dbconn *c, sqlite3_stmt *st, const json_t *id,
                         enum broker_result_shape shape) {
  struct broker_result *res = &c->res;
  json_t *err = NULL;
  /* Columns are named after the first step: a cached statement whose
   * schema changed is re-prepared inside sqlite3_step, and "SELECT *" may
   * then have a different shape. */
  int rc = sqlite3_step(st);
  int ncol = sqlite3_column_count(st);
  res->max_rows = c->db->opt.max_result_rows;
  res->max_bytes = c->db->opt.max_result_bytes;
  if (broker_result_begin(res, shape, (uint32_t)ncol) != 0) return NULL;
  for (int col = 0; col < ncol; col++) {
    const char *name = sqlite3_column_name(st, col);
    int put = name ? broker_result_name(res, name, strlen(name)) : -1;
    if (put == -2)
      return broker_db_error_reply(id, DB_ERR_UNREPRESENTABLE, "the name of column %d is not valid UTF-8",
                                   col + 1);
    if (put != 0) return NULL;
  }
  if (broker_result_rows_begin(res) != 0) return NULL;
  for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
    if ((err = broker_result_row_begin(res, id)) != NULL) return err;
    for (int col = 0; col < ncol; col++)
      if (put_column(c, st, col, id, &err) != 0) return err;
    if ((err = broker_result_row_end(res, id)) != NULL) return err;
  }
  if (rc != SQLITE_DONE) return bdb_stmt_error(c, id, rc);
  return broker_result_reply(res, id);
}

static json_t *run_execute(struct dbconn *c, sqlite3_stmt *st, const json_t *id) {
  sqlite3 *h = c->h;
  sqlite3_int64 before = sqlite3_total_changes64(h);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    ; /* rows a statement returns are not wanted here */
  if (rc != SQLITE_DONE) return bdb_stmt_error(c, id, rc);
  /* sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE, so a
   * statement that changed nothing (SELECT, DDL) would report a stale
   * count: report 0 for those. */
  sqlite3_int64 changes = 0;
  if (!sqlite3_stmt_readonly(st) && sqlite3_total_changes64(h) != before) changes = sqlite3_changes64(h);
  return broker_changes_reply(id, changes, sqlite3_last_insert_rowid(h));
}

/* Checks "sql" of a statement object; returns it or NULL with *reply. */
static const char *req_sql(const json_t *obj, const json_t *id, const char *op, size_t *len, json_t **reply) {
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
static json_t *run_stmt(struct dbconn *c, const json_t *id, const char *op, const json_t *obj,
                        enum broker_result_shape shape) {
  json_t *reply = NULL;
  size_t len;
  const char *sql = req_sql(obj, id, op, &len, &reply);
  if (sql == NULL) return reply;
  sqlite3_stmt *st = bdb_stmt_get(c, id, op, sql, len, &reply);
  if (st == NULL) return reply;
  c->n.statements++;
  if (bdb_bind_params(st, id, op, json_object_get(obj, "params"), &reply) == 0) {
    if (shape == BROKER_SHAPE_AUTO)
      shape = sqlite3_column_count(st) > 0 ? BROKER_SHAPE_ROWS : BROKER_SHAPE_CHANGES;
    bdb_stmt_clock_start(c);
    reply = shape == BROKER_SHAPE_CHANGES ? run_execute(c, st, id) : run_query(c, st, id, shape);
    bdb_stmt_clock_stop(c);
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
  if (sql == NULL) return reply;
  if (len > SQL_LENGTH_LIMIT)
    return bdb_sqlite_error_reply(id, SQLITE_TOOBIG,
                                  "exec: the SQL text is over the limit of 1000000 bytes "
                                  "(SQLITE_LIMIT_SQL_LENGTH)");
  /* sqlite3_exec runs statement after statement, so VACUUM is checked on
   * each one through the authorizer-free path: refuse it anywhere. */
  for (const char *p = sql; p < sql + len; p++) {
    if ((p == sql || p[-1] == ';' || isspace((unsigned char)p[-1])) && bdb_sql_is_vacuum(p, sql + len))
      return bdb_sqlite_error_reply(id, SQLITE_AUTH,
                                    "VACUUM is not allowed through the broker (VACUUM INTO writes "
                                    "arbitrary files); run it offline");
  }
  c->n.statements++;
  c->denied[0] = '\0';
  char *msg = NULL;
  bdb_stmt_clock_start(c);
  int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
  bdb_stmt_clock_stop(c);
  if (rc != SQLITE_OK) {
    json_t *r;
    if (((rc & 0xff) == SQLITE_INTERRUPT && c->timed_out) || c->denied[0])
      r = bdb_stmt_error(c, id, rc);
    else
      r = bdb_sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(c->h));
    sqlite3_free(msg);
    return r;
  }
  return bdb_reply_new(id, 1);
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
 * point ends it once it has run (bdb_reader_release), so a read never sees an
 * older state than the last commit, and checkpoints can reset the WAL.
 */
static void reader_hold(struct broker_db *db) {
  if (!sqlite3_get_autocommit(db->r.h)) return;
  char *msg = NULL;
  if (tx_exec(&db->r, "BEGIN", &msg) != SQLITE_OK) /* reads then run in autocommit */
    log_warn("reader: BEGIN: %s", msg ? msg : sqlite3_errmsg(db->r.h));
  sqlite3_free(msg);
}

void bdb_reader_release(struct broker_db *db) {
  if (sqlite3_get_autocommit(db->r.h)) return;
  if (tx_exec(&db->r, "COMMIT", NULL) == SQLITE_OK) return;
  log_warn("reader: ending its snapshot: %s", sqlite3_errmsg(db->r.h));
  if (tx_exec(&db->r, "ROLLBACK", NULL) != SQLITE_OK)
    log_error("reader: ROLLBACK of its snapshot: %s", sqlite3_errmsg(db->r.h));
}

json_t *broker_db_tx(struct broker_db *db, const json_t *id, const char *sql) {
  /* A new transaction is a new owner: the last insert rowid of another
   * worker's request must not show in its replies or last_insert_rowid(). */
  if (sqlite3_get_autocommit(db->w.h)) sqlite3_set_last_insert_rowid(db->w.h, 0);
  char *msg = NULL;
  int rc = tx_exec(&db->w, sql, &msg);
  bdb_reader_release(db);
  json_t *r = rc == SQLITE_OK ? bdb_reply_new(id, 1)
                              : bdb_sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(db->w.h));
  sqlite3_free(msg);
  if (r && rc != SQLITE_OK) db->w.n.errors++;
  return r;
}

int broker_db_in_tx(const struct broker_db *db) { return !sqlite3_get_autocommit(db->w.h); }

int broker_db_fk_pending(const struct broker_db *db) {
  int now = 0, highwater = 0;
  return sqlite3_db_status(db->w.h, SQLITE_DBSTATUS_DEFERRED_FKS, &now, &highwater, 0) != SQLITE_OK ||
         now != 0;
}

json_t *broker_db_chain_begin(struct broker_db *db, const json_t *id) {
  sqlite3_set_last_insert_rowid(db->w.h, 0);
  return broker_db_tx(db, id, "SAVEPOINT jsfpm_chain");
}

json_t *broker_db_chain_end(struct broker_db *db, const json_t *id, int commit) {
  static const char undo[] = "ROLLBACK TO jsfpm_chain; RELEASE jsfpm_chain";
  if (commit && broker_db_fk_pending(db)) {
    json_t *rb = broker_db_tx(db, NULL, undo);
    if (rb == NULL || !json_is_true(json_object_get(rb, "ok")))
      log_error("undoing a transaction whose commit failed (deferred foreign keys) failed");
    json_decref(rb);
    db->w.n.errors++;
    return bdb_sqlite_error_reply(id, SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed");
  }
  return broker_db_tx(db, id, commit ? "RELEASE jsfpm_chain" : undo);
}

/* Runs a "batch" request on C.  Atomic: all statements or none (inside a
 * savepoint on the writer, a read transaction on the reader); the reply is
 * the first error, with "index".  Not atomic: one result per statement,
 * each {"ok":true,...} or {"ok":false,"code",...}. */
static json_t *run_batch(struct dbconn *c, const json_t *req, const json_t *id) {
  const json_t *stmts = json_object_get(req, "statements");
  if (!json_is_array(stmts)) return bad_request(id, "batch: \"statements\" must be an array");
  int atomic = json_is_true(json_object_get(req, "atomic"));
  int on_writer = c == &c->db->w;
  /* On the reader, a held snapshot (reader_hold) already makes the batch
   * one consistent read. */
  int own_tx = atomic && (on_writer || sqlite3_get_autocommit(c->h));
  char *msg = NULL;
  if (own_tx) {
    int rc = tx_exec(c, on_writer ? "SAVEPOINT jsfpm_batch" : "BEGIN", &msg);
    if (rc != SQLITE_OK) {
      json_t *r = bdb_sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(c->h));
      sqlite3_free(msg);
      return r;
    }
  }
  json_t *results = json_array(), *fail = NULL;
  if (results == NULL) goto out;
  size_t i;
  const json_t *s;
  json_array_foreach(stmts, i, s) {
    json_t *r;
    if (!json_is_object(s)) {
      r = bad_request(NULL, "batch: statement %zu is not an object {sql, params}", i + 1);
    } else {
      const char *sop = json_string_value(json_object_get(s, "op"));
      enum broker_result_shape shape = sop == NULL                       ? BROKER_SHAPE_AUTO
                                       : db_op_parse(sop) == DB_OP_QUERY ? BROKER_SHAPE_ROWS
                                                                         : BROKER_SHAPE_CHANGES;
      r = run_stmt(c, NULL, "batch", s, shape);
    }
    if (r == NULL) goto out;
    json_object_del(r, "id");
    if (atomic && !json_is_true(json_object_get(r, "ok"))) {
      if ((fail = broker_batch_failure(r, i, id)) == NULL) goto out;
      break;
    }
    if (json_array_append_new(results, r) != 0) goto out;
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
      if (rc != SQLITE_OK) log_error("batch: ending: %s", sqlite3_errmsg(c->h));
    }
    atomic = own_tx = 0;
    if (fail) {
      json_decref(results);
      return fail;
    }
  }
  json_t *r = bdb_reply_new(id, 1);
  if (r == NULL || json_object_set_new(r, "results", results) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
out: /* out of memory */
  if (own_tx && !sqlite3_get_autocommit(c->h)) {
    tx_exec(c, on_writer ? "ROLLBACK TO jsfpm_batch" : "ROLLBACK", NULL);
    if (on_writer) tx_exec(c, "RELEASE jsfpm_batch", NULL);
  }
  json_decref(results);
  return NULL;
}

/* Counts an error reply. */
static json_t *counted(struct dbconn *c, json_t *reply) {
  if (reply && !json_is_true(json_object_get(reply, "ok"))) c->n.errors++;
  return reply;
}

static json_t *run_request(struct dbconn *c, const json_t *req) {
  const json_t *id = json_object_get(req, "id");
  const char *op = json_string_value(json_object_get(req, "op"));
  if (op == NULL) return bad_request(id, "\"op\" must be a string");
  switch (db_op_parse(op)) {
  case DB_OP_QUERY: {
    const json_t *format = json_object_get(req, "format");
    if (format != NULL && !(json_is_string(format) && strcmp(json_string_value(format), "json") == 0))
      return bad_request(id, "query: \"format\" must be \"json\" when given");
    return run_stmt(c, id, op, req, format ? BROKER_SHAPE_JSON : BROKER_SHAPE_ROWS);
  }
  case DB_OP_EXECUTE: return run_stmt(c, id, op, req, BROKER_SHAPE_CHANGES);
  case DB_OP_BATCH: return run_batch(c, req, id);
  case DB_OP_EXEC: {
    const json_t *params = json_object_get(req, "params");
    if (params != NULL && !json_is_null(params) && !(json_is_array(params) && json_array_size(params) == 0))
      return bad_request(id, "exec: takes no \"params\"; use query or execute with ? placeholders");
    if (c != &c->db->w) return bad_request(id, "exec: scripts run on the writer only");
    /* A savepoint makes the script all-or-nothing inside an explicit
     * transaction too (a group commit wraps every entry already). */
    if (tx_exec(c, "SAVEPOINT jsfpm_exec", NULL) != SQLITE_OK)
      return bdb_sqlite_error_reply(id, sqlite3_extended_errcode(c->h), sqlite3_errmsg(c->h));
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
  default: return bad_request(id, "unknown op \"%.64s\"", op);
  }
}

/* Is the statement object OBJ read-only, judged on the reader?  1 yes,
 * 0 no or unknown (it cannot be prepared there), -1 with *reply when the
 * request itself is bad. */
static int stmt_is_read(struct broker_db *db, const json_t *id, const char *op, const json_t *obj,
                        json_t **reply) {
  size_t len;
  const char *sql = req_sql(obj, id, op, &len, reply);
  if (sql == NULL) return -1;
  sqlite3_stmt *st = bdb_stmt_get(&db->r, id, op, sql, len, reply);
  if (st == NULL) return -1;
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
  case DB_OP_EXEC: return BROKER_DB_WRITE;
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
      if (r != 1) return BROKER_DB_WRITE;
    }
    return BROKER_DB_READ;
  }
  default: *reply = counted(&db->r, bad_request(id, "unknown op \"%.64s\"", op)); return BROKER_DB_DONE;
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
  if (bdb_reader_open(db, &r->c, err, errlen) != 0) {
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

void broker_db_reader_abandon(struct broker_db_reader *r, int on) { atomic_store(&r->c.abandon, on); }

void broker_db_reader_close(struct broker_db_reader *r) {
  if (r == NULL) return;
  bdb_conn_close(&r->c, "read thread");
  free(r);
}

void broker_db_add_counts(struct broker_db *db, const struct broker_db_counts *ran) {
  counts_add(&db->readers, ran);
}

json_t *broker_db_write(struct broker_db *db, const json_t *req) {
  json_t *reply = counted(&db->w, run_request(&db->w, req));
  bdb_reader_release(db);
  return reply;
}

/* Error reply to REQ for a group whose transaction could not be opened or
 * committed. */
static json_t *group_error(const json_t *req, int rc, const char *what, const char *msg) {
  char m[600];
  snprintf(m, sizeof m, "%s: %s", what, msg);
  return bdb_sqlite_error_reply(json_object_get(req, "id"), rc, m);
}

unsigned broker_db_group(struct broker_db *db, struct broker_db_entry *e, size_t n) {
  unsigned commits = 0;
  for (size_t i = 0; i < n; i++) e[i].reply = NULL;
  /* done[i]: entry i has its final reply; ran[i]: it ran in this round. */
  char *done = calloc(n ? 2 * n : 1, 1);
  if (done == NULL) return 0; /* every reply NULL: out of memory */
  char *ran = done + n;
  sqlite3 *h = db->w.h;
  size_t left = n;
  while (left > 0) {
    char *msg = NULL;
    int rc = tx_exec(&db->w, "BEGIN IMMEDIATE", &msg);
    if (rc != SQLITE_OK) {
      for (size_t i = 0; i < n; i++)
        if (!done[i]) e[i].reply = group_error(e[i].req, rc, "BEGIN", msg ? msg : sqlite3_errmsg(h));
      sqlite3_free(msg);
      break;
    }
    memset(ran, 0, n);
    size_t aborted = n;
    for (size_t i = 0; i < n; i++) {
      if (done[i]) continue;
      ran[i] = 1;
      if (tx_exec(&db->w, "SAVEPOINT jsfpm_group", NULL) != SQLITE_OK) {
        e[i].reply = bdb_sqlite_error_reply(json_object_get(e[i].req, "id"), sqlite3_extended_errcode(h),
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
        if (!ran[i] || (e[i].reply && !json_is_true(json_object_get(e[i].reply, "ok")))) continue;
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
  for (size_t i = 0; i < n; i++) counted(&db->w, e[i].reply);
  free(done);
  bdb_reader_release(db);
  return commits;
}

void broker_db_checkpoint(struct broker_db *db) {
  if (!sqlite3_get_autocommit(db->w.h)) return;
  bdb_reader_release(db); /* TRUNCATE waits for no reader to use the WAL */
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
