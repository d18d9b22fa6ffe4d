/* broker_cluster.c: requests on the dqlite cluster, on threads of their
 * own (see broker_cluster.h, docs/cluster.md).
 *
 * A request becomes one or more cluster_db statements ("a plan"): a query
 * or an execute one; an exec script one per statement, joined into one
 * unit (all or nothing); a batch one per statement, joined when atomic.
 * Every statement is looked at first (cluster_sql.h): what the single-host
 * authorizer would refuse and what dqlite cannot do safely is refused
 * here, before anything is sent.  Rows come back through a rows handler
 * into the statement's broker_result, under the result limits.
 */
#include "autoconfig.h"

#include "broker_cluster.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "broker_db_internal.h"
#include "broker_result.h"
#include "clock.h"
#include "cluster_db.h"
#include "cluster_sql.h"
#include "db_proto.h"
#include "list.h"
#include "log.h"
#include "migrations_list.h"

struct cluster_job {
  struct list link; /* in a lane's queue, or p->done */
  enum broker_cluster_kind kind;
  json_t *req;   /* a reference, or NULL */
  char sql[96];  /* BROKER_CLUSTER_CONTROL */
  void *cookie;  /* NULL: nobody wants the reply */
  json_t *reply; /* out */
};

/* A thread and its connection. */
struct lane {
  struct broker_cluster *p;
  struct cluster_db *db;
  struct list queued; /* p->mu */
  pthread_cond_t wake;
  pthread_t tid;
  int started;
  struct cluster_job **running; /* what the thread runs now (p->mu), for cancel */
  size_t nrunning;
};

struct broker_cluster {
  pthread_mutex_t mu;
  struct list done; /* p->mu */
  int stopping;     /* p->mu */
  int efd;
  unsigned active; /* event loop only */
  long max_result_rows, max_result_bytes;
  struct lane group, tx;
};

/* ---- replies ---------------------------------------------------------------- */

json_t *broker_cluster_status_reply(const json_t *id, int status, unsigned long long code,
                                    const char *message) {
  switch ((enum cluster_db_status)status) {
  case CLUSTER_DB_OK: return broker_db_ok_reply(id);
  case CLUSTER_DB_UNAVAILABLE:
    return broker_db_error_reply(id, DB_ERR_NO_QUORUM, "the database cluster is unavailable: %s", message);
  case CLUSTER_DB_COMMIT_UNKNOWN: return broker_db_error_reply(id, DB_ERR_COMMIT_UNKNOWN, "%s", message);
  case CLUSTER_DB_BUSY:
    return broker_db_error_reply(id, DB_ERR_BUSY,
                                 "the database is busy: another host's transaction held the cluster's write "
                                 "lock for longer than write_wait: %s",
                                 message);
  case CLUSTER_DB_ERROR: break;
  }
  if (code == 0) /* not from SQLite: the client's or the broker's */
    return broker_db_error_reply(id, DB_ERR_BAD_REQUEST, "%s", message);
  return bdb_sqlite_error_reply(id, (int)code, message);
}

/* ---- plans: requests as cluster statements ------------------------------- */

/* What one cluster statement collects besides its status. */
struct stmt_out {
  struct broker_cluster *p;
  enum broker_result_shape shape; /* AUTO: rows if it has columns, else changes */
  const json_t *id;               /* for its error replies (NULL inside a batch) */
  struct broker_result res;
  uint32_t ncols;
  int columns_seen;
  char **names;  /* the columns' names, for error messages */
  json_t *error; /* the rows handler's error (a limit, an unrepresentable value) */
  int oom;       /* the rows handler ran out of memory */
  char *sql;     /* a script's piece (malloc'd), or NULL */
  struct dqlite_proto_value *params;
  unsigned char **blobs; /* decoded blobs (sqlite3_free) */
  size_t nblobs;
};

/* One request's statements: [first, first + n) of the plan's arrays. */
struct req_plan {
  const json_t *req;
  const json_t *id;
  enum db_op op;
  int atomic;
  size_t first, n;
  json_t *reply; /* decided already (refused, bad request) */
};

struct plan {
  struct cluster_db_stmt *stmts;
  struct stmt_out *outs;
  size_t n, cap;
  struct req_plan *reqs;
  size_t nreqs;
  int oom;
};

static void names_free(struct stmt_out *o) {
  for (uint32_t i = 0; o->names && i < o->ncols; i++) free(o->names[i]);
  free(o->names);
  o->names = NULL;
  o->ncols = 0;
}

static int rows_columns(void *arg, unsigned ncols, const char *const *names) {
  struct stmt_out *o = arg;
  names_free(o);
  json_decref(o->error);
  o->error = NULL;
  o->oom = 0;
  o->columns_seen = 1;
  if (o->shape == BROKER_SHAPE_CHANGES) return 0;
  if (o->shape == BROKER_SHAPE_AUTO && ncols == 0) return 0;
  enum broker_result_shape shape = o->shape == BROKER_SHAPE_JSON ? BROKER_SHAPE_JSON : BROKER_SHAPE_ROWS;
  o->oom = 1; /* until the names are in */
  o->names = calloc(ncols ? ncols : 1, sizeof *o->names);
  if (o->names == NULL || broker_result_begin(&o->res, shape, ncols) != 0) return 1;
  o->ncols = ncols;
  for (unsigned i = 0; i < ncols; i++) {
    int put = broker_result_name(&o->res, names[i], strlen(names[i]));
    if (put == -2) {
      o->error = broker_db_error_reply(o->id, DB_ERR_UNREPRESENTABLE,
                                       "the name of column %u is not valid UTF-8", i + 1);
      o->oom = o->error == NULL;
      return 1;
    }
    if (put != 0 || (o->names[i] = strdup(names[i])) == NULL) return 1;
  }
  o->oom = broker_result_rows_begin(&o->res) != 0;
  return o->oom;
}

static int rows_row(void *arg, unsigned ncols, const struct dqlite_proto_value *v) {
  struct stmt_out *o = arg;
  if (o->ncols == 0 || ncols != o->ncols) return 0; /* changes only */
  if ((o->error = broker_result_row_begin(&o->res, o->id)) != NULL) return 1;
  o->oom = 1; /* until the row is in */
  for (unsigned i = 0; i < ncols; i++) {
    struct rowset_value rv = {.type = ROWSET_NULL};
    switch (v[i].type) {
    case DQLITE_PROTO_INTEGER:
    case DQLITE_PROTO_UNIXTIME:
    case DQLITE_PROTO_BOOLEAN: rv.type = ROWSET_INT, rv.i = v[i].integer; break;
    case DQLITE_PROTO_FLOAT: rv.type = ROWSET_REAL, rv.d = v[i].real; break;
    case DQLITE_PROTO_TEXT:
    case DQLITE_PROTO_ISO8601:
      rv.type = ROWSET_TEXT, rv.bytes = (const unsigned char *)v[i].bytes, rv.len = v[i].len;
      break;
    case DQLITE_PROTO_BLOB:
      rv.type = ROWSET_BLOB, rv.bytes = (const unsigned char *)v[i].bytes, rv.len = v[i].len;
      break;
    case DQLITE_PROTO_NULL: break;
    }
    if (broker_result_put(&o->res, &rv, o->names[i], o->id, &o->error) != 0) {
      o->oom = o->error == NULL;
      return 1;
    }
  }
  o->oom = 0;
  return (o->error = broker_result_row_end(&o->res, o->id)) != NULL;
}

static const struct dqlite_client_rows rows_handler = {.columns = rows_columns, .row = rows_row};

static void out_free(struct stmt_out *o) {
  names_free(o);
  broker_result_free(&o->res);
  json_decref(o->error);
  free(o->sql);
  free(o->params);
  for (size_t i = 0; i < o->nblobs; i++) sqlite3_free(o->blobs[i]);
  free(o->blobs);
}

static void plan_free(struct plan *pl) {
  for (size_t i = 0; i < pl->n; i++) out_free(&pl->outs[i]);
  for (size_t i = 0; i < pl->nreqs; i++) json_decref(pl->reqs[i].reply);
  free(pl->stmts);
  free(pl->outs);
  free(pl->reqs);
}

static int fail_with(json_t **reply, json_t *r) {
  *reply = r;
  return -1;
}

/* Converts PARAMS (array, null or absent) for statement O.  Returns 0, or
 * -1 with *REPLY the error reply (NULL when out of memory). */
static int params_convert(struct stmt_out *o, struct cluster_db_stmt *s, const json_t *id, const char *op,
                          const json_t *params, json_t **reply) {
  if (params != NULL && !json_is_null(params) && !json_is_array(params))
    return fail_with(reply, bad_request(id, "%s: \"params\" must be an array", op));
  size_t n = json_is_array(params) ? json_array_size(params) : 0;
  o->params = calloc(n ? n : 1, sizeof *o->params);
  o->blobs = calloc(n ? n : 1, sizeof *o->blobs);
  if (o->params == NULL || o->blobs == NULL) return -1;
  for (size_t k = 0; k < n; k++) {
    const json_t *v = json_array_get(params, k);
    struct dqlite_proto_value *d = &o->params[k];
    switch (json_typeof(v)) {
    case JSON_NULL: d->type = DQLITE_PROTO_NULL; break;
    case JSON_TRUE:
    case JSON_FALSE: d->type = DQLITE_PROTO_INTEGER, d->integer = json_is_true(v); break;
    case JSON_INTEGER: d->type = DQLITE_PROTO_INTEGER, d->integer = (int64_t)json_integer_value(v); break;
    case JSON_REAL: d->type = DQLITE_PROTO_FLOAT, d->real = json_real_value(v); break;
    case JSON_STRING:
      if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
        return fail_with(reply,
                         bad_request(id,
                                     "%s: parameter %zu: text with a NUL byte cannot be sent to the cluster "
                                     "(dqlite's wire protocol ends text at NUL); send it as a blob",
                                     op, k + 1));
      d->type = DQLITE_PROTO_TEXT, d->bytes = json_string_value(v), d->len = json_string_length(v);
      break;
    case JSON_OBJECT: {
      const json_t *b = json_object_get(v, "$blob");
      if (json_object_size(v) != 1 || !json_is_string(b)) goto unsupported;
      unsigned char *data;
      size_t len;
      int drc = bdb_b64_decode(json_string_value(b), json_string_length(b), &data, &len);
      if (drc == -2) return -1;
      if (drc != 0)
        return fail_with(reply,
                         bad_request(id, "%s: parameter %zu: \"$blob\" is not valid base64", op, k + 1));
      if (data) o->blobs[o->nblobs++] = data;
      d->type = DQLITE_PROTO_BLOB, d->bytes = (const char *)data, d->len = len;
      break;
    }
    default:
    unsupported:
      return fail_with(
          reply, bad_request(id,
                             "%s: parameter %zu: unsupported type (use null, boolean, number, string or "
                             "{\"$blob\": base64})",
                             op, k + 1));
    }
  }
  s->params = o->params;
  s->nparams = n;
  return 0;
}

static int count_one(void *arg, const char *stmt, size_t len) {
  (void)stmt, (void)len;
  ++*(int *)arg;
  return 0;
}

/* Adds one statement (SQL, LEN bytes) to PL.  Returns NULL, or the error
 * reply that refuses the request; out of memory sets PL->oom. */
static json_t *plan_add(struct plan *pl, struct broker_cluster *p, const char *sql, size_t len,
                        enum broker_result_shape shape, const json_t *id, const char *op,
                        const json_t *params, int joined) {
  /* One statement per call, as on one host (and dqlite must never see a
   * tail: see cluster_db.c, masked_refusal); exec scripts come split. */
  int count = 0;
  json_t *reply = NULL;
  if (cluster_sql_split(sql, len, count_one, &count) != 0) goto oom;
  if (count == 0) return bad_request(id, "%s: the SQL holds no statement", op);
  if (count > 1)
    return bad_request(id,
                       "%s: the SQL holds more than one statement; send one statement per call, or use op "
                       "\"exec\" for a script without parameters",
                       op);
  const char *why = cluster_sql_refusal(sql, len);
  if (why != NULL) return bdb_sqlite_error_reply(id, 23 /* SQLITE_AUTH */, why);
  if (pl->n == pl->cap) {
    size_t cap = pl->cap ? pl->cap * 2 : 16;
    struct cluster_db_stmt *s = realloc(pl->stmts, cap * sizeof *s);
    if (s != NULL) pl->stmts = s;
    struct stmt_out *o = realloc(pl->outs, cap * sizeof *o);
    if (o != NULL) pl->outs = o;
    if (s == NULL || o == NULL) goto oom;
    pl->cap = cap;
  }
  struct cluster_db_stmt *s = &pl->stmts[pl->n];
  struct stmt_out *o = &pl->outs[pl->n];
  memset(s, 0, sizeof *s);
  memset(o, 0, sizeof *o);
  pl->n++;
  o->p = p;
  o->shape = shape;
  o->id = id;
  o->res.max_rows = p->max_result_rows;
  o->res.max_bytes = p->max_result_bytes;
  if ((o->sql = strndup(sql, len)) == NULL) goto oom;
  s->sql = o->sql;
  s->rows = &rows_handler;
  s->joined = joined;
  if (params_convert(o, s, id, op, params, &reply) == 0 || reply != NULL) return reply;
oom:
  pl->oom = 1;
  return NULL;
}

struct split_ctx {
  struct plan *pl;
  struct broker_cluster *p;
  const json_t *id;
  int count;
  json_t *reply;
};

static int split_one(void *arg, const char *stmt, size_t len) {
  struct split_ctx *x = arg;
  x->reply = plan_add(x->pl, x->p, stmt, len, BROKER_SHAPE_CHANGES, x->id, "exec", NULL, x->count++ > 0);
  return x->reply != NULL || x->pl->oom;
}

/* Checks "sql" of OBJ; returns it or NULL with *REPLY. */
static const char *obj_sql(const json_t *obj, const json_t *id, const char *op, size_t *len, json_t **reply) {
  const json_t *v = json_object_get(obj, "sql");
  if (!json_is_string(v)) {
    *reply = bad_request(id, "%s: \"sql\" must be a string", op);
    return NULL;
  }
  *len = json_string_length(v);
  if (memchr(json_string_value(v), '\0', *len) != NULL) {
    *reply = bad_request(id, "%s: \"sql\" contains a NUL byte", op);
    return NULL;
  }
  return json_string_value(v);
}

/* Adds request REQ's statements to PL; a request refused at once gets its
 * reply in its req_plan. */
static void plan_request(struct plan *pl, struct broker_cluster *p, const json_t *req) {
  struct req_plan *r = &pl->reqs[pl->nreqs++];
  memset(r, 0, sizeof *r);
  r->req = req;
  r->id = json_object_get(req, "id");
  r->first = pl->n;
  const char *op = json_string_value(json_object_get(req, "op"));
  r->op = db_op_parse(op);
  size_t len;
  const char *sql;
  json_t *reply = NULL;
  switch (r->op) {
  case DB_OP_QUERY:
  case DB_OP_EXECUTE: {
    const json_t *format = json_object_get(req, "format");
    if (r->op == DB_OP_QUERY && format != NULL &&
        !(json_is_string(format) && strcmp(json_string_value(format), "json") == 0)) {
      reply = bad_request(r->id, "query: \"format\" must be \"json\" when given");
      break;
    }
    enum broker_result_shape shape = r->op == DB_OP_EXECUTE ? BROKER_SHAPE_CHANGES
                                     : format               ? BROKER_SHAPE_JSON
                                                            : BROKER_SHAPE_ROWS;
    if ((sql = obj_sql(req, r->id, op, &len, &reply)) == NULL) break;
    reply = plan_add(pl, p, sql, len, shape, r->id, op, json_object_get(req, "params"), 0);
    break;
  }
  case DB_OP_EXEC: {
    const json_t *params = json_object_get(req, "params");
    if (params != NULL && !json_is_null(params) && !(json_is_array(params) && json_array_size(params) == 0)) {
      reply = bad_request(r->id, "exec: takes no \"params\"; use query or execute with ? placeholders");
      break;
    }
    if ((sql = obj_sql(req, r->id, "exec", &len, &reply)) == NULL) break;
    struct split_ctx x = {pl, p, r->id, 0, NULL};
    if (cluster_sql_split(sql, len, split_one, &x) != 0 && x.reply == NULL) pl->oom = 1;
    reply = x.reply;
    break;
  }
  case DB_OP_BATCH: {
    const json_t *stmts = json_object_get(req, "statements");
    if (!json_is_array(stmts)) {
      reply = bad_request(r->id, "batch: \"statements\" must be an array");
      break;
    }
    r->atomic = json_is_true(json_object_get(req, "atomic"));
    size_t i;
    const json_t *st;
    json_array_foreach(stmts, i, st) {
      if (!json_is_object(st)) {
        reply = bad_request(r->id, "batch: statement %zu is not an object {sql, params}", i + 1);
        break;
      }
      const char *sop = json_string_value(json_object_get(st, "op"));
      enum broker_result_shape shape = sop == NULL                       ? BROKER_SHAPE_AUTO
                                       : db_op_parse(sop) == DB_OP_QUERY ? BROKER_SHAPE_ROWS
                                                                         : BROKER_SHAPE_CHANGES;
      if ((sql = obj_sql(st, r->id, "batch", &len, &reply)) == NULL) break;
      reply =
          plan_add(pl, p, sql, len, shape, NULL, "batch", json_object_get(st, "params"), r->atomic && i > 0);
      if (reply != NULL || pl->oom) break;
    }
    break;
  }
  default: reply = bad_request(r->id, "unknown op \"%.64s\"", op ? op : "");
  }
  if (reply != NULL || pl->oom) {
    /* Refused: none of its statements runs. */
    for (size_t i = r->first; i < pl->n; i++) out_free(&pl->outs[i]);
    pl->n = r->first;
    r->reply = reply;
  }
  r->n = pl->n - r->first;
}

/* The reply of statement I of PL (OK or its own error), without an id
 * inside a batch. */
static json_t *stmt_reply(struct plan *pl, size_t i, const json_t *id) {
  struct cluster_db_stmt *s = &pl->stmts[i];
  struct stmt_out *o = &pl->outs[i];
  if (s->status != CLUSTER_DB_OK) {
    if (o->oom) return NULL; /* the connection is closed: out of memory */
    if (o->error) {
      json_t *e = o->error;
      o->error = NULL;
      return e;
    }
    return broker_cluster_status_reply(id, s->status, s->code, s->message);
  }
  int rows = o->shape == BROKER_SHAPE_ROWS || o->shape == BROKER_SHAPE_JSON ||
             (o->shape == BROKER_SHAPE_AUTO && o->ncols > 0);
  if (!rows) return broker_changes_reply(id, s->changes, s->last_insert_id);
  if (!o->columns_seen || o->ncols == 0) { /* no result columns: an empty result */
    enum broker_result_shape shape = o->shape == BROKER_SHAPE_JSON ? BROKER_SHAPE_JSON : BROKER_SHAPE_ROWS;
    if (broker_result_begin(&o->res, shape, 0) != 0 || broker_result_rows_begin(&o->res) != 0) return NULL;
  }
  return broker_result_reply(&o->res, id);
}

/* The unit's failing statement (its own error), or the first that did not
 * end OK. */
static size_t unit_culprit(const struct cluster_db_stmt *s, size_t first, size_t n) {
  for (size_t i = first; i < first + n; i++)
    if (s[i].status != CLUSTER_DB_OK && !s[i].undone) return i;
  for (size_t i = first; i < first + n; i++)
    if (s[i].status != CLUSTER_DB_OK) return i;
  return first + n;
}

/* The reply to request R after its statements ran. */
static json_t *request_reply(struct plan *pl, struct req_plan *r) {
  if (r->reply != NULL || pl->oom) {
    json_t *reply = r->reply;
    r->reply = NULL;
    return reply;
  }
  struct cluster_db_stmt *s = pl->stmts;
  /* The whole request shares the fate of its group's COMMIT. */
  for (size_t i = r->first; i < r->first + r->n; i++)
    if (s[i].status == CLUSTER_DB_UNAVAILABLE || s[i].status == CLUSTER_DB_COMMIT_UNKNOWN ||
        s[i].status == CLUSTER_DB_BUSY)
      return broker_cluster_status_reply(r->id, s[i].status, 0, s[i].message);
  if (r->op == DB_OP_QUERY || r->op == DB_OP_EXECUTE) return stmt_reply(pl, r->first, r->id);
  if (r->op == DB_OP_EXEC) {
    size_t c = unit_culprit(s, r->first, r->n);
    return c < r->first + r->n ? stmt_reply(pl, c, r->id) : broker_db_ok_reply(r->id);
  }
  /* batch */
  if (r->atomic) {
    size_t c = unit_culprit(s, r->first, r->n);
    if (c < r->first + r->n) {
      json_t *e = stmt_reply(pl, c, NULL);
      return e ? broker_batch_failure(e, c - r->first, r->id) : NULL;
    }
  }
  json_t *results = json_array();
  for (size_t i = r->first; results && i < r->first + r->n; i++) {
    json_t *one = stmt_reply(pl, i, NULL);
    if (one != NULL) json_object_del(one, "id");
    if (one == NULL || json_array_append_new(results, one) != 0) {
      json_decref(results);
      return NULL;
    }
  }
  json_t *reply = results ? broker_db_ok_reply(r->id) : NULL;
  if (reply == NULL || json_object_set_new(reply, "results", results) != 0) {
    json_decref(reply);
    return NULL;
  }
  return reply;
}

/* Runs the autocommit requests of JOBS (N) as one group. */
static void run_group(struct lane *lane, struct cluster_job **jobs, size_t n) {
  struct plan pl = {0};
  pl.reqs = calloc(n, sizeof *pl.reqs);
  if (pl.reqs == NULL) return; /* replies NULL: out of memory */
  for (size_t i = 0; i < n; i++) plan_request(&pl, lane->p, jobs[i]->req);
  /* The rows handlers' arguments, now that the arrays stay put. */
  for (size_t i = 0; i < pl.n; i++) pl.stmts[i].arg = &pl.outs[i];
  if (pl.n > 0 && !pl.oom) cluster_db_group(lane->db, pl.stmts, pl.n);
  for (size_t i = 0; i < n; i++) jobs[i]->reply = request_reply(&pl, &pl.reqs[i]);
  plan_free(&pl);
}

/* Runs the statement request REQ inside the open transaction. */
static json_t *run_in_tx(struct lane *lane, const json_t *req) {
  struct plan pl = {0};
  struct req_plan r;
  pl.reqs = &r;
  plan_request(&pl, lane->p, req);
  for (size_t i = 0; i < pl.n; i++) pl.stmts[i].arg = &pl.outs[i];
  if (pl.n > 0 && !pl.oom) cluster_db_run(lane->db, pl.stmts, pl.n);
  json_t *reply = request_reply(&pl, &r);
  pl.reqs = NULL;
  pl.nreqs = 0;
  json_decref(r.reply);
  plan_free(&pl);
  return reply;
}

static json_t *stmt_status_reply(const json_t *id, const struct cluster_db_stmt *s) {
  return broker_cluster_status_reply(id, s->status, s->code, s->message);
}

/* Marks a begin's or a savepoint's reply: "tx" 1 if that level was opened
 * (the event loop reads it, then sets the real depth). */
static json_t *mark_opened(json_t *reply, int opened) {
  if (reply != NULL && json_object_set_new(reply, "tx", json_integer(opened)) != 0) {
    json_decref(reply);
    return NULL;
  }
  return reply;
}

/* Runs one job of the transaction thread. */
static void run_tx_job(struct lane *lane, struct cluster_job *j) {
  const json_t *id = json_object_get(j->req, "id");
  struct cluster_db_stmt s = {.sql = j->sql};
  int statement = db_op_flags(db_op_parse(json_string_value(json_object_get(j->req, "op")))) &
                  (DB_OPF_SQL | DB_OPF_STATEMENTS);
  switch (j->kind) {
  case BROKER_CLUSTER_BEGIN:
  case BROKER_CLUSTER_CONTROL:
    if (j->kind == BROKER_CLUSTER_BEGIN)
      cluster_db_begin(lane->db, &s);
    else
      cluster_db_control(lane->db, &s);
    /* "begin": true on a statement: the statement's reply once begun */
    if (s.status == CLUSTER_DB_OK && statement)
      j->reply = mark_opened(run_in_tx(lane, j->req), 1);
    else
      j->reply = mark_opened(stmt_status_reply(id, &s), s.status == CLUSTER_DB_OK);
    break;
  case BROKER_CLUSTER_TX: j->reply = run_in_tx(lane, j->req); break;
  case BROKER_CLUSTER_COMMIT:
  case BROKER_CLUSTER_ROLLBACK:
    cluster_db_end(lane->db, &s, j->kind == BROKER_CLUSTER_COMMIT);
    j->reply = stmt_status_reply(id, &s);
    break;
  case BROKER_CLUSTER_AUTO: break;
  }
}

/* ---- threads ----------------------------------------------------------------- */

static void job_free(struct cluster_job *j) {
  json_decref(j->req);
  json_decref(j->reply);
  free(j);
}

static void announce(struct broker_cluster *p) {
  uint64_t one = 1;
  while (write(p->efd, &one, sizeof one) < 0) {
    if (errno == EINTR) continue;
    if (errno != EAGAIN) log_error("cluster: cannot wake the event loop: %s", strerror(errno));
    break;
  }
}

static void *lane_main(void *arg) {
  struct lane *lane = arg;
  struct broker_cluster *p = lane->p;
  int grouping = lane == &p->group;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->stopping && list_empty(&lane->queued)) pthread_cond_wait(&lane->wake, &p->mu);
    if (p->stopping) break;
    /* The group thread takes everything queued; the transaction thread
     * one job at a time. */
    size_t n = 0;
    struct list *l;
    list_foreach(l, &lane->queued) n++;
    if (!grouping) n = 1;
    struct cluster_job *one, **jobs = n > 1 ? malloc(n * sizeof *jobs) : NULL;
    if (jobs == NULL) {
      n = 1; /* out of memory for a bigger group: one at a time */
      jobs = &one;
    }
    for (size_t i = 0; i < n; i++) {
      l = list_first(&lane->queued);
      list_remove(l);
      jobs[i] = list_entry(l, struct cluster_job, link);
    }
    lane->running = jobs;
    lane->nrunning = n;
    pthread_mutex_unlock(&p->mu);
    if (grouping)
      run_group(lane, jobs, n);
    else
      run_tx_job(lane, jobs[0]);
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < n; i++) list_push_back(&p->done, &jobs[i]->link);
    lane->nrunning = 0;
    announce(p);
    lane->running = NULL;
    if (jobs != &one) free(jobs);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static int lane_start(struct broker_cluster *p, struct lane *lane, const struct broker_cluster_options *opt,
                      char *err, size_t errlen) {
  list_init(&lane->queued);
  int rc = pthread_cond_init(&lane->wake, NULL);
  if (rc != 0) {
    snprintf(err, errlen, "cluster: pthread_cond_init: %s", strerror(rc));
    return -1;
  }
  lane->p = p; /* from here on lane_stop undoes it */
  lane->db = cluster_db_new(opt->nodes, opt->nnodes, CLUSTER_DB_NAME, opt->timeout_ms, opt->wait_ms);
  /* Signals are the event loop's: the thread starts with all blocked. */
  sigset_t all, old;
  sigfillset(&all);
  if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) == 0) {
    rc = pthread_create(&lane->tid, NULL, lane_main, lane);
    lane->started = rc == 0;
    int rc2 = pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0) rc = rc2;
  }
  if (rc != 0) {
    snprintf(err, errlen, "cluster: starting a thread: %s", strerror(rc));
    return -1;
  }
  return 0;
}

static void lane_stop(struct lane *lane) {
  if (lane->p == NULL) return;
  if (lane->started) {
    int rc = pthread_join(lane->tid, NULL);
    if (rc != 0) log_error("cluster: pthread_join: %s", strerror(rc));
  }
  struct list *l;
  while ((l = list_first(&lane->queued)) != NULL) {
    list_remove(l);
    job_free(list_entry(l, struct cluster_job, link));
  }
  cluster_db_free(lane->db);
  pthread_cond_destroy(&lane->wake);
}

/* ---- migrations ---------------------------------------------------------------- */

struct migrate_ctx {
  struct plan *pl;
  int count;
  const char *refused;
};

static int migrate_piece(void *arg, const char *stmt, size_t len) {
  struct migrate_ctx *x = arg;
  struct plan *pl = x->pl;
  /* Migrations are the operator's, trusted as on one host; what dqlite
   * cannot read safely is refused all the same. */
  const char *why = cluster_sql_refusal(stmt, len);
  if (why != NULL && strstr(why, "dqlite") != NULL) {
    x->refused = why;
    return 1;
  }
  if (pl->n == pl->cap) {
    size_t cap = pl->cap ? pl->cap * 2 : 16;
    struct cluster_db_stmt *s = realloc(pl->stmts, cap * sizeof *s);
    if (s == NULL) return -1;
    pl->stmts = s;
    pl->cap = cap;
  }
  struct cluster_db_stmt *s = &pl->stmts[pl->n];
  memset(s, 0, sizeof *s);
  if ((s->sql = strndup(stmt, len)) == NULL) return -1;
  s->joined = x->count++ > 0;
  pl->n++;
  return 0;
}

static int found_row(void *arg, unsigned n, const struct dqlite_proto_value *v) {
  (void)n, (void)v;
  *(int *)arg = 1;
  return 0;
}

/* Applies migration M (its SQL in TEXT) on DB unless the cluster has it:
 * one transaction that checks jsfpm_migrations first, so two hosts
 * starting at once apply it once.  Returns 1 applied, 0 already there, -1
 * with ERR; UNAVAILABLE sets *RETRY. */
static int migrate_one(struct cluster_db *db, const struct migration *m, const char *text, int *retry,
                       char *err, size_t errlen) {
  static const struct dqlite_client_rows found_rows = {.row = found_row};
  struct cluster_db_stmt s = {0};
  struct plan pl = {0};
  int found = 0, rc = -1;
  *retry = 0;
  cluster_db_begin(db, &s);
  if (s.status != CLUSTER_DB_OK) {
    *retry = s.status == CLUSTER_DB_UNAVAILABLE || s.status == CLUSTER_DB_BUSY;
    snprintf(err, errlen, "BEGIN: %s", s.message);
    return -1;
  }
  struct dqlite_proto_value version = {.type = DQLITE_PROTO_INTEGER, .integer = m->version};
  struct cluster_db_stmt check[2] = {
      {.sql = "CREATE TABLE IF NOT EXISTS jsfpm_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
              "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"},
      {.sql = "SELECT 1 FROM jsfpm_migrations WHERE version = ?",
       .params = &version,
       .nparams = 1,
       .rows = &found_rows,
       .arg = &found},
  };
  cluster_db_run(db, check, 2);
  struct cluster_db_stmt *bad = check[0].status != CLUSTER_DB_OK ? &check[0] : &check[1];
  if (bad->status != CLUSTER_DB_OK) {
    *retry = bad->status == CLUSTER_DB_UNAVAILABLE;
    snprintf(err, errlen, "reading jsfpm_migrations: %s", bad->message);
    goto out;
  }
  if (found) {
    rc = 0;
    goto out;
  }
  struct migrate_ctx x = {&pl, 0, NULL};
  int src = cluster_sql_split(text, strlen(text), migrate_piece, &x);
  if (src != 0) {
    snprintf(err, errlen, "%s", x.refused ? x.refused : "out of memory");
    goto out;
  }
  struct dqlite_proto_value rec[2] = {{.type = DQLITE_PROTO_INTEGER, .integer = m->version},
                                      {.type = DQLITE_PROTO_TEXT, .bytes = m->file, .len = strlen(m->file)}};
  if (migrate_piece(&x, "INSERT INTO jsfpm_migrations (version, name) VALUES (?, ?)", 59) != 0) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  pl.stmts[pl.n - 1].params = rec;
  pl.stmts[pl.n - 1].nparams = 2;
  cluster_db_run(db, pl.stmts, pl.n);
  size_t c = unit_culprit(pl.stmts, 0, pl.n);
  if (c < pl.n) {
    *retry = pl.stmts[c].status == CLUSTER_DB_UNAVAILABLE;
    snprintf(err, errlen, "%s: %s", pl.stmts[c].code ? broker_code_name((int)pl.stmts[c].code) : "",
             pl.stmts[c].message);
    goto out;
  }
  cluster_db_end(db, &s, 1);
  if (s.status != CLUSTER_DB_OK) {
    *retry = s.status == CLUSTER_DB_UNAVAILABLE;
    snprintf(err, errlen, "COMMIT: %s", s.message);
    /* An unknown outcome is found out by the next attempt's check. */
    *retry |= s.status == CLUSTER_DB_COMMIT_UNKNOWN;
    for (size_t i = 0; i < pl.n; i++) free((char *)pl.stmts[i].sql);
    free(pl.stmts);
    return -1;
  }
  rc = 1;
out:
  if (rc != 1) cluster_db_end(db, &s, 0);
  for (size_t i = 0; i < pl.n; i++) free((char *)pl.stmts[i].sql);
  free(pl.stmts);
  return rc;
}

/* Applies the app's migrations not yet on the cluster, in order; waits
 * for the cluster (an election, nodes starting) up to MIGRATE_WAIT_MS.
 * Returns how many were applied, or -1 with ERR. */
static int migrate(struct cluster_db *db, const struct broker_cluster_options *opt, char *err,
                   size_t errlen) {
  struct migrations_list list;
  if (migrations_list_read(opt->app_root, &list, err, errlen) != 0) return -1;
  int applied = 0;
  long long deadline = clock_mono_ms() + opt->migrate_wait_ms;
  for (size_t i = 0; i < list.n && applied >= 0; i++) {
    char path[8192], e[600];
    snprintf(path, sizeof path, "%s/%s", list.dir, list.items[i].file);
    char *text = bdb_read_file(path, e, sizeof e);
    if (text == NULL) {
      snprintf(err, errlen, "migration %s failed: %s", path, e);
      applied = -1;
      break;
    }
    int retry, rc;
    while ((rc = migrate_one(db, &list.items[i], text, &retry, e, sizeof e)) < 0 && retry &&
           clock_mono_ms() < deadline) {
      log_info("migration %s waits for the cluster: %s", list.items[i].file, e);
      clock_sleep_ms(500);
    }
    free(text);
    if (rc < 0) {
      snprintf(err, errlen, "migration %s failed on the cluster: %s", path, e);
      applied = -1;
    } else {
      applied += rc;
    }
  }
  migrations_list_free(&list);
  return applied;
}

/* ---- the event loop's side ------------------------------------------------------ */

struct broker_cluster *broker_cluster_new(const struct broker_cluster_options *opt, int *applied, char *err,
                                          size_t errlen) {
  struct cluster_db *mdb =
      cluster_db_new(opt->nodes, opt->nnodes, CLUSTER_DB_NAME, opt->timeout_ms, opt->wait_ms);
  *applied = migrate(mdb, opt, err, errlen);
  cluster_db_free(mdb);
  if (*applied < 0) return NULL;
  struct broker_cluster *p = calloc(1, sizeof *p);
  if (p == NULL) {
    snprintf(err, errlen, "cluster: out of memory");
    return NULL;
  }
  p->max_result_rows = opt->max_result_rows;
  p->max_result_bytes = opt->max_result_bytes;
  list_init(&p->done);
  int rc = pthread_mutex_init(&p->mu, NULL);
  if (rc != 0) {
    snprintf(err, errlen, "cluster: pthread_mutex_init: %s", strerror(rc));
    free(p);
    return NULL;
  }
  p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (p->efd < 0) {
    snprintf(err, errlen, "cluster: eventfd: %s", strerror(errno));
    goto fail;
  }
  if (lane_start(p, &p->group, opt, err, errlen) != 0 || lane_start(p, &p->tx, opt, err, errlen) != 0)
    goto fail;
  return p;
fail:
  broker_cluster_free(p);
  return NULL;
}

void broker_cluster_free(struct broker_cluster *p) {
  if (p == NULL) return;
  pthread_mutex_lock(&p->mu);
  p->stopping = 1;
  if (p->group.p) pthread_cond_signal(&p->group.wake);
  if (p->tx.p) pthread_cond_signal(&p->tx.wake);
  pthread_mutex_unlock(&p->mu);
  lane_stop(&p->group);
  lane_stop(&p->tx);
  struct list *l;
  while ((l = list_first(&p->done)) != NULL) {
    list_remove(l);
    job_free(list_entry(l, struct cluster_job, link));
  }
  if (p->efd >= 0 && close(p->efd) != 0) log_warn("cluster: closing the eventfd: %s", strerror(errno));
  pthread_mutex_destroy(&p->mu);
  free(p);
}

int broker_cluster_fd(const struct broker_cluster *p) { return p->efd; }

unsigned broker_cluster_active(const struct broker_cluster *p) { return p->active; }

int broker_cluster_submit(struct broker_cluster *p, enum broker_cluster_kind kind, json_t *req,
                          const char *sql, void *cookie) {
  struct cluster_job *j = calloc(1, sizeof *j);
  if (j == NULL) return -1;
  j->kind = kind;
  j->req = json_incref(req);
  j->cookie = cookie;
  if (sql) snprintf(j->sql, sizeof j->sql, "%s", sql);
  struct lane *lane = kind == BROKER_CLUSTER_AUTO ? &p->group : &p->tx;
  pthread_mutex_lock(&p->mu);
  list_push_back(&lane->queued, &j->link);
  pthread_cond_signal(&lane->wake);
  pthread_mutex_unlock(&p->mu);
  p->active++;
  return 0;
}

void broker_cluster_collect(struct broker_cluster *p, broker_cluster_done_fn *fn, void *arg) {
  uint64_t count;
  if (read(p->efd, &count, sizeof count) < 0 && errno != EAGAIN && errno != EINTR)
    log_error("cluster: reading the eventfd: %s", strerror(errno));
  for (;;) {
    /* One at a time: FN may cancel another cookie's job. */
    pthread_mutex_lock(&p->mu);
    struct list *l = list_first(&p->done);
    if (l) list_remove(l);
    pthread_mutex_unlock(&p->mu);
    if (l == NULL) break;
    struct cluster_job *j = list_entry(l, struct cluster_job, link);
    p->active--;
    if (j->cookie != NULL) {
      json_t *reply = j->reply;
      j->reply = NULL;
      fn(j->cookie, reply, arg);
    }
    job_free(j);
  }
}

static void lane_cancel(struct lane *lane, void *cookie) {
  struct list *l;
  list_foreach(l, &lane->queued) {
    struct cluster_job *j = list_entry(l, struct cluster_job, link);
    if (j->cookie == cookie) j->cookie = NULL;
  }
  for (size_t i = 0; i < lane->nrunning; i++)
    if (lane->running[i]->cookie == cookie) lane->running[i]->cookie = NULL;
}

void broker_cluster_cancel(struct broker_cluster *p, void *cookie) {
  pthread_mutex_lock(&p->mu);
  lane_cancel(&p->group, cookie);
  lane_cancel(&p->tx, cookie);
  struct list *l;
  list_foreach(l, &p->done) {
    struct cluster_job *j = list_entry(l, struct cluster_job, link);
    if (j->cookie == cookie) j->cookie = NULL;
  }
  pthread_mutex_unlock(&p->mu);
}
