/* broker_writer.c: the broker's single writer.  At most one connection
 * owns it at a time (an explicit transaction, bounded by tx_timeout); the
 * others wait for it (write_wait); while nobody owns it, queued autocommit
 * writes are committed together as one group (group commit); when writes
 * pause, the WAL is checkpointed. */
#include "autoconfig.h"

#include "broker_internal.h"

/* ---- the writer -------------------------------------------------------- */

/* BEGIN IMMEDIATE for C, which becomes the owner.  Returns the reply. */
json_t *broker_tx_begin(struct broker_conn *c, const json_t *id) {
  struct broker *b = c->b;
  json_t *r = broker_db_tx(b->db, id, "BEGIN IMMEDIATE");
  if (r != NULL && json_is_true(json_object_get(r, "ok"))) {
    b->owner = c;
    c->tx_depth = 1;
    b->transactions++;
    struct timeval tv = clock_timeval(b->cfg->db_tx_timeout_ms);
    if (evtimer_add(b->tx_timer, &tv) != 0) log_error("cannot arm the transaction timeout");
  }
  broker_reply_set_tx(r, c->tx_depth);
  return r;
}

/* OP (commit, release or rollback) for the owner C.  ALL: roll back the
 * whole transaction whatever its depth. */
json_t *broker_tx_end(struct broker_conn *c, const json_t *id, enum db_op op, int all) {
  struct broker *b = c->b;
  int commit = op == DB_OP_COMMIT || op == DB_OP_RELEASE;
  char sql[96];
  json_t *r;
  if (c->tx_depth > 1 && !all) {
    int sp = c->tx_depth - 1;
    if (commit)
      snprintf(sql, sizeof sql, "RELEASE jsfpm_sp%d", sp);
    else
      snprintf(sql, sizeof sql, "ROLLBACK TO jsfpm_sp%d; RELEASE jsfpm_sp%d", sp, sp);
    r = broker_db_tx(b->db, id, sql);
    if (r != NULL && json_is_true(json_object_get(r, "ok"))) c->tx_depth--;
  } else {
    r = broker_db_tx(b->db, id, commit ? "COMMIT" : "ROLLBACK");
    /* A failed COMMIT (deferred foreign key, I/O error) leaves the
     * transaction open: roll it back, so the writer is never stuck. */
    if (broker_db_in_tx(b->db)) {
      json_t *rb = broker_db_tx(b->db, NULL, "ROLLBACK");
      if (rb == NULL || !json_is_true(json_object_get(rb, "ok")))
        log_error("connection from pid %ld: ROLLBACK after a failed COMMIT failed", (long)c->pid);
      json_decref(rb);
      if (r != NULL && json_is_true(json_object_get(r, "ok"))) {
        json_decref(r);
        r = broker_db_error_reply(id, DB_ERR_TRANSACTION, "the transaction could not be ended; rolled back");
      }
    }
    broker_writer_release(b);
  }
  if (b->owner == c && !broker_db_in_tx(b->db)) broker_writer_release(b);
  broker_reply_set_tx(r, c->tx_depth);
  return r;
}

/* Parks C's request REQ behind the writer.  Returns NULL (no reply yet),
 * or the busy reply when write_wait is 0. */
json_t *broker_wait_for_writer(struct broker_conn *c, json_t *req, int begin) {
  struct broker *b = c->b;
  int ms = b->cfg->db_write_wait_ms;
  if (ms <= 0) {
    b->busy_errors++;
    return broker_db_error_reply(json_object_get(req, "id"), DB_ERR_BUSY,
                                 "the database is busy: another worker holds a transaction "
                                 "(write_wait = 0 ms)");
  }
  assert(c->pending == NULL && c->wait == WAIT_NONE); /* one request parked at a time */
  c->pending = json_incref(req);
  c->pending_begin = begin;
  c->wait = WAIT_WRITER;
  list_push_back(&b->waiters, &c->wait_link);
  b->nwaiting++;
  struct timeval tv = clock_timeval(ms);
  if (evtimer_add(c->wait_timer, &tv) != 0) log_error("cannot arm write_wait");
  return NULL;
}

int broker_group_join(struct broker_conn *c, json_t *req) {
  struct broker *b = c->b;
  if (b->ngroup == b->group_cap) {
    size_t cap = b->group_cap ? b->group_cap * 2 : 16;
    struct broker_conn **g = realloc(b->group, cap * sizeof *g);
    if (g == NULL) return -1;
    b->group = g;
    b->group_cap = cap;
  }
  assert(c->pending == NULL && c->wait == WAIT_NONE); /* one request parked at a time */
  b->group[b->ngroup++] = c;
  c->pending = json_incref(req);
  c->pending_begin = 0;
  c->wait = WAIT_GROUP;
  broker_writer_kick(b);
  return 0;
}

void broker_wait_timer_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker_conn *c = arg;
  struct broker *b = c->b;
  (void)fd;
  (void)what;
  if (c->wait != WAIT_WRITER) return;
  broker_waiters_remove(b, c);
  c->wait = WAIT_NONE;
  json_t *req = c->pending;
  c->pending = NULL;
  b->busy_errors++;
  log_info("connection from pid %ld: a write waited write_wait (%d ms) for another worker's "
           "transaction; failing it",
           (long)c->pid, b->cfg->db_write_wait_ms);
  json_t *r = broker_db_error_reply(json_object_get(req, "id"), DB_ERR_BUSY,
                                    "the database is busy: another worker's transaction held the write "
                                    "lock for longer than write_wait (%d ms)",
                                    b->cfg->db_write_wait_ms);
  int alive = broker_conn_reply(c, req, r) == 0;
  json_decref(req);
  if (alive) broker_conn_process(c);
}

void broker_tx_timer_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  struct broker_conn *c = b->owner;
  if (c == NULL) return;
  json_t *r = broker_db_tx(b->db, NULL, "ROLLBACK");
  log_warn("connection from pid %ld held a transaction longer than tx_timeout (%d ms): rolled back%s",
           (long)c->pid, b->cfg->db_tx_timeout_ms,
           r && json_is_true(json_object_get(r, "ok")) ? "" : " (ROLLBACK failed)");
  json_decref(r);
  b->tx_timeouts++;
  c->tx_killed = 1;
  broker_writer_release(b);
}

/* Commits the queued autocommit writes (one transaction, or one each with
 * group_commit = no), replies, then lets the members go on. */
static void group_run(struct broker *b) {
  size_t n = b->ngroup;
  struct broker_conn **members = malloc(n * sizeof *members);
  struct broker_db_entry *e = calloc(n, sizeof *e);
  if (members == NULL || e == NULL) {
    free(members);
    free(e);
    log_error("group commit: out of memory; retrying");
    broker_writer_kick(b);
    return;
  }
  memcpy(members, b->group, n * sizeof *members);
  b->ngroup = 0;
  for (size_t i = 0; i < n; i++) e[i].req = members[i]->pending;
  size_t step = b->cfg->db_group_commit ? n : 1;
  for (size_t i = 0; i < n; i += step) b->group_commits += broker_db_group(b->db, e + i, step);
  b->grouped_writes += n;
  for (size_t i = 0; i < n; i++) {
    struct broker_conn *c = members[i];
    json_t *req = c->pending;
    c->pending = NULL;
    c->wait = WAIT_NONE;
    if (broker_conn_reply(c, req, e[i].reply) != 0) members[i] = NULL;
    json_decref(req);
  }
  for (size_t i = 0; i < n; i++)
    if (members[i]) broker_conn_process(members[i]);
  free(members);
  free(e);
  broker_idle_kick(b);
}

/* Admits waiting connections in arrival order while nobody owns the
 * writer: writes join the group; a begin takes the writer once the group
 * before it is committed. */
static void waiters_admit(struct broker *b) {
  while (!list_empty(&b->waiters) && b->owner == NULL) {
    struct broker_conn *c = list_entry(list_first(&b->waiters), struct broker_conn, wait_link);
    if (c->pending_begin && b->ngroup > 0) {
      broker_writer_kick(b);
      return;
    }
    broker_waiters_remove(b, c);
    c->wait = WAIT_NONE;
    json_t *req = c->pending;
    c->pending = NULL;
    if (c->pending_begin) {
      if (broker_conn_reply(c, req, broker_tx_begin(c, json_object_get(req, "id"))) == 0)
        broker_conn_process(c);
    } else if (broker_group_join(c, req) != 0) {
      broker_conn_reply(c, req, NULL); /* out of memory: closes C */
    }
    json_decref(req);
  }
}

void broker_writer_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  if (b->ngroup > 0 && b->owner == NULL) group_run(b);
  waiters_admit(b);
}

void broker_idle_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  if (b->owner != NULL || b->ngroup > 0) return;
  /* A TRUNCATE checkpoint waits (SQLite's busy handler, in this thread)
   * for readers to leave the WAL: not while read threads run. */
  if (broker_reads_active(b->reads) > 0)
    broker_idle_kick(b);
  else
    broker_db_checkpoint(b->db);
}
