/* broker_writer.c: the broker's single writer.  At most one connection
 * owns it at a time (an explicit transaction, bounded by tx_timeout); the
 * others wait for it (write_wait); while nobody owns it, queued autocommit
 * writes are committed together as one group (group commit); when writes
 * pause, the WAL is checkpointed.
 *
 * Commit chains: the commit of an explicit transaction costs an fsync,
 * and while it runs every other connection's transaction waits.  So when a
 * transaction commits while another connection's begin waits for the
 * writer, its COMMIT is put off: its changes stay in the writer's open
 * transaction, its reply waits, and the waiting transaction runs inside
 * that transaction as SAVEPOINT jsfpm_chain; and so on while begins wait
 * (at most BROKER_TX_CHAIN_MAX transactions).  One COMMIT then makes them
 * all durable, and they are all acknowledged after it.  Nobody outside the
 * chain sees its changes before that COMMIT; the transactions of a chain
 * ran one after the other on one connection, so they are serializable as
 * before.  What a transaction of the chain undoes (rollback, tx_timeout,
 * its worker gone) is its own savepoint only. */
#include "autoconfig.h"

#include "broker_internal.h"

/* ---- the writer -------------------------------------------------------- */

/* BEGIN IMMEDIATE for C, which becomes the owner (inside an open commit
 * chain: SAVEPOINT jsfpm_chain).  Returns the reply. */
json_t *broker_tx_begin(struct broker_conn *c, const json_t *id) {
  struct broker *b = c->b;
  int chained = b->chain_open;
  json_t *r = chained ? broker_db_chain_begin(b->db, id) : broker_db_tx(b->db, id, "BEGIN IMMEDIATE");
  if (r != NULL && json_is_true(json_object_get(r, "ok"))) {
    b->owner = c;
    c->tx_depth = 1;
    c->tx_chained = chained;
    b->transactions++;
    struct timeval tv = clock_timeval(b->cfg->db_tx_timeout_ms);
    if (evtimer_add(b->tx_timer, &tv) != 0) log_error("cannot arm the transaction timeout");
  }
  broker_reply_set_tx(r, c->tx_depth);
  return r;
}

/* COMMIT (COMMIT true) or ROLLBACK of the writer's transaction.  A failed
 * COMMIT (deferred foreign key, I/O error) leaves the transaction open:
 * it is rolled back, so the writer is never stuck.  Returns the reply to
 * ID. */
static json_t *tx_finish(struct broker *b, const json_t *id, int commit) {
  json_t *r = broker_db_tx(b->db, id, commit ? "COMMIT" : "ROLLBACK");
  if (broker_db_in_tx(b->db)) {
    json_t *rb = broker_db_tx(b->db, NULL, "ROLLBACK");
    if (rb == NULL || !json_is_true(json_object_get(rb, "ok")))
      log_error("ROLLBACK after a failed COMMIT failed");
    json_decref(rb);
    if (r != NULL && json_is_true(json_object_get(r, "ok"))) {
      json_decref(r);
      r = broker_db_error_reply(id, DB_ERR_TRANSACTION, "the transaction could not be ended; rolled back");
    }
  }
  return r;
}

json_t *broker_tx_undo(struct broker_conn *c) {
  struct broker *b = c->b;
  if (b->cluster) { /* queued behind the transaction's last statement */
    if (broker_cluster_submit(b->cluster, BROKER_CLUSTER_ROLLBACK, NULL, NULL, NULL) != 0) return NULL;
    return broker_db_ok_reply(NULL);
  }
  return c->tx_chained ? broker_db_chain_end(b->db, NULL, 0) : broker_db_tx(b->db, NULL, "ROLLBACK");
}

/* True if a commit now may leave its changes in the open transaction for
 * the next transaction: a begin is first in line for the writer, the
 * chain has room, and the COMMIT would not fail on deferred foreign keys
 * (which the next transactions cannot resolve). */
static int chain_may_grow(struct broker *b) {
  if (!b->cfg->db_group_commit || b->nchain >= BROKER_TX_CHAIN_MAX || list_empty(&b->waiters)) return 0;
  struct broker_conn *next = list_entry(list_first(&b->waiters), struct broker_conn, wait_link);
  return next->pending_begin && !broker_db_fk_pending(b->db);
}

/* Commits the owner C's transaction (whose request is REQ) into the chain:
 * C's request waits for the chain's COMMIT.  Returns NULL (parked), or the
 * error of a chained commit that failed (its changes undone). */
static json_t *chain_join(struct broker_conn *c, json_t *req) {
  struct broker *b = c->b;
  if (c->tx_chained) {
    json_t *r = broker_db_chain_end(b->db, json_object_get(req, "id"), 1);
    if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
      broker_writer_release(b);
      return r;
    }
    json_decref(r);
  }
  assert(b->nchain < BROKER_TX_CHAIN_MAX);
  b->chain[b->nchain++] = c;
  b->chain_open = 1;
  broker_conn_park(c, req, WAIT_COMMIT);
  broker_writer_release(b);
  return NULL;
}

void broker_chain_remove(struct broker *b, struct broker_conn *c) {
  for (size_t i = 0; i < b->nchain; i++) {
    if (b->chain[i] == c) {
      memmove(&b->chain[i], &b->chain[i + 1], (b->nchain - i - 1) * sizeof b->chain[0]);
      b->nchain--;
      return;
    }
  }
}

/* Sends every transaction of the chain, which is over, R (a copy with its
 * request's id; R NULL: out of memory, which closes them); then, if GO_ON,
 * they run what they sent after. */
static void chain_reply(struct broker *b, const json_t *r, int go_on) {
  struct broker_conn *members[BROKER_TX_CHAIN_MAX];
  size_t n = b->nchain;
  memcpy(members, b->chain, n * sizeof *members);
  b->nchain = 0;
  b->chain_open = 0;
  if (n > 1 && r != NULL && json_is_true(json_object_get(r, "ok"))) {
    b->chain_commits++;
    b->chained_transactions += n;
  }
  for (size_t i = 0; i < n; i++) {
    struct broker_conn *c = members[i];
    json_t *req = broker_conn_unpark(c);
    json_t *reply = r ? json_deep_copy(r) : NULL;
    if (reply != NULL && json_object_set(reply, "id", json_object_get(req, "id")) != 0) {
      json_decref(reply);
      reply = NULL;
    }
    broker_reply_set_tx(reply, 0);
    if (broker_conn_reply(c, req, reply) != 0) members[i] = NULL;
    json_decref(req);
  }
  for (size_t i = 0; go_on && i < n; i++)
    if (members[i]) broker_conn_process(members[i]);
  broker_idle_kick(b);
}

/* Ends the chain: its COMMIT, or, if its transaction is gone already (a
 * statement of the last transaction ended it, e.g. ON CONFLICT ROLLBACK,
 * or an I/O error did), the error that says so. */
static void chain_end(struct broker *b, int go_on) {
  json_t *r;
  if (broker_db_in_tx(b->db))
    r = tx_finish(b, NULL, 1);
  else
    r = broker_db_error_reply(NULL, DB_ERR_TRANSACTION,
                              "the transaction was rolled back before it was durable: its commit was "
                              "shared with another connection's transaction (commit chain), whose "
                              "statement ended the shared transaction");
  chain_reply(b, r, go_on);
  json_decref(r);
}

void broker_writer_stop(struct broker *b) {
  if (!b->chain_open) return;
  if (b->owner != NULL) {
    json_decref(broker_tx_undo(b->owner));
    broker_writer_release(b);
  }
  chain_end(b, 0);
}

/* OP (commit, release or rollback) for the owner C, whose request is REQ.
 * ALL: roll back the whole transaction whatever its depth.  Returns the
 * reply, or NULL when the commit waits for its chain (c->pending). */
json_t *broker_tx_end(struct broker_conn *c, json_t *req, enum db_op op, int all) {
  struct broker *b = c->b;
  const json_t *id = json_object_get(req, "id");
  int commit = op == DB_OP_COMMIT || op == DB_OP_RELEASE;
  char sql[96];
  json_t *r;
  if (c->tx_depth > 1 && !all) {
    int sp = c->tx_depth - 1;
    if (commit)
      snprintf(sql, sizeof sql, "RELEASE jsfpm_sp%d", sp);
    else
      snprintf(sql, sizeof sql, "ROLLBACK TO jsfpm_sp%d; RELEASE jsfpm_sp%d", sp, sp);
    if (b->cluster) return broker_cluster_send(c, req, BROKER_CLUSTER_CONTROL, sql, AFTER_RELEASE);
    r = broker_db_tx(b->db, id, sql);
    if (r != NULL && json_is_true(json_object_get(r, "ok"))) c->tx_depth--;
  } else if (b->cluster) { /* no commit chains: each COMMIT is its own Raft entry */
    return broker_cluster_send(c, req, commit ? BROKER_CLUSTER_COMMIT : BROKER_CLUSTER_ROLLBACK, NULL,
                               AFTER_END);
  } else if (commit && (c->tx_chained || chain_may_grow(b))) {
    r = chain_join(c, req);
  } else {
    r = c->tx_chained ? broker_db_chain_end(b->db, id, 0) : tx_finish(b, id, commit);
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
  broker_conn_park(c, req, WAIT_WRITER);
  c->pending_begin = begin;
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
  b->group[b->ngroup++] = c;
  broker_conn_park(c, req, WAIT_GROUP);
  c->pending_begin = 0;
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
  json_t *req = broker_conn_unpark(c);
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
  json_t *r = broker_tx_undo(c);
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
    json_t *req = broker_conn_unpark(c);
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
    json_t *req = broker_conn_unpark(c);
    if (b->cluster) {
      if (c->pending_begin)
        broker_cluster_begin(c, req);
      else
        broker_cluster_send(c, req, BROKER_CLUSTER_AUTO, NULL, AFTER_REPLY);
      if (c->pending == NULL) broker_conn_reply(c, req, NULL); /* out of memory: closes C */
    } else if (c->pending_begin) {
      json_t *r = broker_begun(c, req, broker_tx_begin(c, json_object_get(req, "id")));
      if (broker_conn_reply(c, req, r) == 0) broker_conn_process(c);
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
  if (b->owner == NULL && b->chain_open && (!broker_db_in_tx(b->db) || !chain_may_grow(b))) chain_end(b, 1);
  if (b->owner == NULL && !b->chain_open && b->db != NULL && broker_db_in_tx(b->db)) {
    /* Nobody's transaction, yet open: every write would now fail with
     * "cannot start a transaction within a transaction" until the broker
     * restarts.  Nothing in it was acknowledged, so it is rolled back; said
     * loudly, since it means a path above forgot to end it. */
    log_error("the writer was left inside a transaction nobody owns; rolling it back");
    json_decref(broker_db_tx(b->db, NULL, "ROLLBACK"));
  }
  if (b->ngroup > 0 && b->owner == NULL) group_run(b);
  waiters_admit(b);
}

void broker_idle_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  if (b->db == NULL || b->owner != NULL || b->ngroup > 0 || b->chain_open) return; /* cluster: no WAL here */
  /* A TRUNCATE checkpoint waits (SQLite's busy handler, in this thread)
   * for readers to leave the WAL: not while read threads run. */
  if (broker_reads_active(b->reads) > 0)
    broker_idle_kick(b);
  else
    broker_db_checkpoint(b->db);
}

/* ---- cluster mode ------------------------------------------------------- */

json_t *broker_cluster_send(struct broker_conn *c, json_t *req, enum broker_cluster_kind kind,
                            const char *sql, enum cluster_after after) {
  if (broker_cluster_submit(c->b->cluster, kind, req, sql, c) != 0) return NULL;
  broker_conn_park(c, req, WAIT_CLUSTER);
  c->after = after;
  return NULL;
}

json_t *broker_cluster_begin(struct broker_conn *c, json_t *req) {
  struct broker *b = c->b;
  b->owner = c;
  c->tx_depth = 1;
  c->tx_chained = 0;
  b->transactions++;
  struct timeval tv = clock_timeval(b->cfg->db_tx_timeout_ms);
  if (evtimer_add(b->tx_timer, &tv) != 0) log_error("cannot arm the transaction timeout");
  return broker_cluster_send(c, req, BROKER_CLUSTER_BEGIN, NULL, AFTER_BEGIN);
}

void broker_cluster_replied(struct broker_conn *c, json_t *reply) {
  struct broker *b = c->b;
  json_t *req = broker_conn_unpark(c);
  int ok = reply != NULL && json_is_true(json_object_get(reply, "ok"));
  /* A begin's or savepoint's reply says whether that level opened. */
  int opened = json_integer_value(json_object_get(reply, "tx")) == 1;
  if (b->owner == c) { /* not released meanwhile (tx_timeout) */
    switch (c->after) {
    case AFTER_REPLY: break;
    case AFTER_BEGIN:
      if (!opened) broker_writer_release(b);
      break;
    case AFTER_SAVEPOINT:
      if (opened) c->tx_depth++;
      break;
    case AFTER_RELEASE:
      if (ok) c->tx_depth--;
      break;
    case AFTER_END: broker_writer_release(b); break;
    }
  }
  if (c->after != AFTER_REPLY || b->owner == c) broker_reply_set_tx(reply, b->owner == c ? c->tx_depth : 0);
  int alive = broker_conn_reply(c, req, reply) == 0;
  json_decref(req);
  if (alive) broker_conn_process(c);
}
