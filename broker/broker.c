/* broker.c: the database broker's event loop (see broker.h, docs/protocol.md).
 *
 * Guarantees:
 * - Only peers running as the broker's own uid (or root) are served
 *   (SO_PEERCRED); others are logged and closed.
 * - Each connection's frames are executed in arrival order and their replies
 *   written in the same order; a client may pipeline.  Every statement runs
 *   in this (the loop's) thread, except reads that outlast a slice: those
 *   move to read threads (broker_reads.c) with their connection parked, so
 *   no read holds up other connections for more than the slice.
 * - At most one connection owns the writer (an explicit transaction,
 *   BEGIN IMMEDIATE) at a time; it is released by commit/rollback, by
 *   tx_timeout, or at once when that connection closes (rolled back).
 * - Reads from other connections run on the read-only connection at once
 *   and see the last committed state; their writes wait in FIFO order for
 *   at most write_wait, then fail JSFPM_BUSY.  SQLite never busy-waits.
 * - Autocommit writes that are ready in the same loop iteration are
 *   committed together (broker_db_group); no reply to them is written
 *   before their COMMIT returned.
 * - A connection's head request that waits keeps every later frame of that
 *   connection unread (in its input buffer), so replies stay in order.
 * - A bad frame closes that connection only, after the replies to the
 *   frames before it are written.
 * - SIGTERM/SIGINT/SIGQUIT stop the loop between statements (a running
 *   statement in the loop's thread always completes; reads on read threads
 *   are interrupted, their callers see the connection close); replies
 *   already produced are flushed as far as the sockets accept without
 *   blocking, then the database is closed cleanly and broker_main returns 0.
 * - A client that stops reading cannot make the broker buffer without
 *   bound: reading from it pauses while its unsent replies exceed a limit.
 *
 * The writer (transactions, waiting for it, group commits) is
 * broker_writer.c's; broker_internal.h holds what the two share.
 */
#include "autoconfig.h"

#include "broker.h"

#include <assert.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "broker_db.h"
#include "broker_reads.h"
#include "clock.h"
#include "config.h"
#include "db_proto.h"
#include "frame.h"
#include "list.h"
#include "log.h"
#include "broker_internal.h"
#include "proctitle.h"

static const int broker_stop_signals[3] = {SIGTERM, SIGINT, SIGQUIT};

/* Arms the scheduler for the end of this loop iteration. */
void broker_writer_kick(struct broker *b) {
  struct timeval zero = {0, 0};
  if (!evtimer_pending(b->writer_ev, NULL) && evtimer_add(b->writer_ev, &zero) != 0)
    log_error("cannot schedule the writer");
}

void broker_idle_kick(struct broker *b) {
  struct timeval tv = clock_timeval(BROKER_CHECKPOINT_IDLE_MS);
  if (evtimer_add(b->idle_ev, &tv) != 0) log_error("cannot schedule the WAL checkpoint");
}

/* "tx": DEPTH on a reply, so the client always knows whether it is inside
 * a transaction (absent means 0). */
void broker_reply_set_tx(json_t *reply, int depth) {
  if (reply != NULL && json_object_set_new(reply, "tx", json_integer(depth)) != 0)
    log_error("cannot add the transaction depth to a reply");
}

void broker_waiters_remove(struct broker *b, struct broker_conn *c) {
  if (list_linked(&c->wait_link)) {
    list_remove(&c->wait_link);
    b->nwaiting--;
  }
  if (c->wait_timer) evtimer_del(c->wait_timer);
}

static void group_remove(struct broker *b, struct broker_conn *c) {
  for (size_t i = 0; i < b->ngroup; i++) {
    if (b->group[i] == c) {
      memmove(&b->group[i], &b->group[i + 1], (b->ngroup - i - 1) * sizeof b->group[0]);
      b->ngroup--;
      return;
    }
  }
}

/* Ends the owner's hold on the writer (its transaction is over). */
void broker_writer_release(struct broker *b) {
  if (b->owner) b->owner->tx_depth = b->owner->tx_chained = 0;
  b->owner = NULL;
  evtimer_del(b->tx_timer);
  broker_writer_kick(b); /* waiters may go */
  broker_idle_kick(b);
}

static void conn_free(struct broker_conn *c) {
  struct broker *b = c->b;
  if (b->owner == c) {
    /* A worker that crashed or was killed mid-transaction: nothing it did
     * may survive, and nobody else may wait for it. */
    json_t *r = broker_tx_undo(c);
    if (r == NULL || !json_is_true(json_object_get(r, "ok")))
      log_error("connection from pid %ld closed inside a transaction; ROLLBACK failed: %s", (long)c->pid,
                r ? json_string_value(json_object_get(r, "message")) : "out of memory");
    else
      log_warn("connection from pid %ld closed inside a transaction: rolled back", (long)c->pid);
    json_decref(r);
    broker_writer_release(b);
  }
  if (c->wait == WAIT_WRITER)
    broker_waiters_remove(b, c);
  else if (c->wait == WAIT_GROUP)
    group_remove(b, c);
  else if (c->wait == WAIT_READ)
    broker_reads_cancel(b->reads, c);
  else if (c->wait == WAIT_COMMIT)
    broker_chain_remove(b, c);
  else if (c->wait == WAIT_CLUSTER)
    broker_cluster_cancel(b->cluster, c);
  json_decref(c->pending);
  b->nconns--;
  if (c->wait_timer) event_free(c->wait_timer);
  list_remove(&c->link);
  bufferevent_free(c->bev); /* closes the socket (BEV_OPT_CLOSE_ON_FREE) */
  free(c);
}

/* Stops reading C and closes it once the replies to the frames before the
 * bad one are written (or after BROKER_CLOSE_FLUSH_MS).  Returns 0 if C is
 * still alive (closing), -1 if it was freed. */
static int conn_close_after_flush(struct broker_conn *c) {
  c->closing = 1;
  struct evbuffer *out = bufferevent_get_output(c->bev);
  if (evbuffer_get_length(out) == 0 || bufferevent_disable(c->bev, EV_READ) != 0) {
    conn_free(c);
    return -1;
  }
  /* Nothing more will be read; drop what the client sent after the bad
   * frame. */
  struct evbuffer *in = bufferevent_get_input(c->bev);
  evbuffer_drain(in, evbuffer_get_length(in));
  struct timeval tv = clock_timeval(BROKER_CLOSE_FLUSH_MS);
  if (bufferevent_set_timeouts(c->bev, NULL, &tv) != 0) {
    conn_free(c);
    return -1;
  }
  return 0; /* conn_write_cb frees it once the output is empty */
}

/* Writes C's pending replies now, in this turn of the loop: no write event
 * to register and no extra loop turn per reply (measured: 11 % less CPU per
 * /read, /write unchanged with group commit).  What the socket cannot take
 * at once, and a write error, are left to the bufferevent's write event
 * (conn_write_cb, conn_event_cb). */
static void conn_flush(struct broker_conn *c) {
  struct evbuffer *out = bufferevent_get_output(c->bev);
  if (evbuffer_get_length(out) == 0) return;
  evbuffer_unfreeze(out, 1); /* a bufferevent freezes its output's start */
  int n = evbuffer_write(out, bufferevent_getfd(c->bev));
  evbuffer_freeze(out, 1);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    log_debug("connection from pid %ld: write: %s (the write event reports it)", (long)c->pid,
              strerror(errno));
  if (evbuffer_get_length(out) > 0 && bufferevent_enable(c->bev, EV_WRITE) != 0)
    log_error("connection from pid %ld: cannot watch it for writing", (long)c->pid);
}

/* Appends REPLY (stolen) to C's output as a frame of protocol VERSION and
 * writes it.  Returns 0, or -1 after freeing C (out of memory). */
static int conn_reply_version(struct broker_conn *c, const json_t *req, json_t *reply, int version) {
  struct evbuffer *out = bufferevent_get_output(c->bev);
  if (reply != NULL && !json_is_true(json_object_get(reply, "ok"))) c->b->errors++;
  if (broker_reply_encode(out, req, &reply, version) != 0) {
    log_error("connection from pid %ld: cannot build a reply (out of memory); closing it", (long)c->pid);
    conn_free(c);
    return -1;
  }
  json_decref(reply);
  conn_flush(c);
  return 0;
}

int broker_conn_reply(struct broker_conn *c, const json_t *req, json_t *reply) {
  return conn_reply_version(c, req, reply, FRAME_VERSION);
}

void broker_conn_park(struct broker_conn *c, json_t *req, enum conn_wait wait) {
  assert(c->pending == NULL && c->wait == WAIT_NONE);
  c->pending = json_incref(req);
  c->wait = wait;
}

json_t *broker_conn_unpark(struct broker_conn *c) {
  json_t *req = c->pending;
  c->pending = NULL;
  c->wait = WAIT_NONE;
  return req;
}

/* ---- slow reads --------------------------------------------------------- */

/* Parks C on REQ, a read that ran past its slice, while a read thread runs
 * it; frames behind it stay unread, so replies keep their order.  Returns
 * NULL (no reply yet; c->pending unset when out of memory). */
static json_t *read_move(struct broker_conn *c, json_t *req) {
  struct broker *b = c->b;
  if (broker_reads_submit(b->reads, req, c) != 0) return NULL;
  broker_conn_park(c, req, WAIT_READ);
  b->slow_reads++;
  return NULL;
}

/* A read thread's reply for connection COOKIE: send it, then go on with
 * the frames behind it. */
static void read_done(void *cookie, struct evbuffer *frame, int error, void *arg) {
  struct broker_conn *c = cookie;
  (void)arg;
  json_decref(broker_conn_unpark(c));
  if (frame == NULL || evbuffer_add_buffer(bufferevent_get_output(c->bev), frame) != 0) {
    log_error("connection from pid %ld: cannot build a reply (out of memory); closing it", (long)c->pid);
    conn_free(c);
    return;
  }
  if (error) c->b->errors++;
  conn_flush(c);
  broker_conn_process(c);
}

static void reads_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  broker_reads_collect(b->reads, read_done, b);
}

static void cluster_done(void *cookie, json_t *reply, void *arg) {
  (void)arg;
  broker_cluster_replied(cookie, reply);
}

static void cluster_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  broker_cluster_collect(b->cluster, cluster_done, b);
}

/* ---- requests ---------------------------------------------------------- */

static json_t *stats_reply(struct broker *b, const json_t *id) {
  json_t *r = broker_db_ok_reply(id);
  if (r == NULL) return NULL;
  if (b->db) broker_db_stats(b->db, r);
  json_object_set_new(r, "errors", json_integer((json_int_t)b->errors));
  json_object_set_new(r, "open_transactions", json_integer(b->owner ? 1 : 0));
  json_object_set_new(r, "queue_depth", json_integer((json_int_t)(b->nwaiting + b->ngroup + b->nchain)));
  json_object_set_new(r, "group_commits", json_integer((json_int_t)b->group_commits));
  json_object_set_new(r, "grouped_writes", json_integer((json_int_t)b->grouped_writes));
  json_object_set_new(r, "transactions", json_integer((json_int_t)b->transactions));
  json_object_set_new(r, "chain_commits", json_integer((json_int_t)b->chain_commits));
  json_object_set_new(r, "chained_transactions", json_integer((json_int_t)b->chained_transactions));
  json_object_set_new(r, "tx_timeouts", json_integer((json_int_t)b->tx_timeouts));
  json_object_set_new(r, "busy_errors", json_integer((json_int_t)b->busy_errors));
  json_object_set_new(r, "connections", json_integer((json_int_t)b->nconns));
  json_object_set_new(r, "slow_reads", json_integer((json_int_t)b->slow_reads));
  if (b->reads)
    json_object_set_new(r, "slow_reads_active", json_integer((json_int_t)broker_reads_active(b->reads)));
  if (b->cluster)
    json_object_set_new(r, "cluster_jobs_active",
                        json_integer((json_int_t)broker_cluster_active(b->cluster)));
  return r;
}

/* A frame of protocol 1 from C, answered in protocol 1 and without running
 * anything.  A ping is the handshake by which a client learns this broker's
 * protocol ("protocol": DB_PROTOCOL_VERSION; a broker of protocol 1 answers
 * without it).  Anything else comes from a client of an older jsfpm (an
 * upgrade under a running broker?): it gets an error it can read. */
static json_t *conn_handle_old(struct broker_conn *c, const json_t *req) {
  const json_t *id = json_object_get(req, "id");
  const char *op = json_string_value(json_object_get(req, "op"));
  if (db_op_parse(op) == DB_OP_PING) {
    json_t *r = broker_db_ok_reply(id);
    if (r != NULL && json_object_set_new(r, "protocol", json_integer(DB_PROTOCOL_VERSION)) != 0) {
      json_decref(r);
      return NULL;
    }
    return r;
  }
  if (!c->warned_old_protocol) {
    c->warned_old_protocol = 1;
    log_warn("connection from pid %ld speaks protocol version 1, this broker %d (a worker of another jsfpm "
             "version?): its requests are refused",
             (long)c->pid, DB_PROTOCOL_VERSION);
  }
  return broker_db_error_reply(id, DB_ERR_PROTOCOL,
                               "the database broker speaks protocol version %d and this worker version 1 "
                               "(a worker and a broker of different jsfpm versions met, e.g. during an "
                               "upgrade): restart jsfpm",
                               DB_PROTOCOL_VERSION);
}

/* Runs the statement request REQ of C, which owns the writer.  Returns
 * the reply. */
static json_t *conn_run_owned(struct broker_conn *c, json_t *req) {
  struct broker *b = c->b;
  if (b->cluster) return broker_cluster_send(c, req, BROKER_CLUSTER_TX, NULL, AFTER_REPLY);
  /* Everything inside the transaction runs on the writer, so the owner
   * reads its own uncommitted writes. */
  json_t *r = broker_db_write(b->db, req);
  if (!broker_db_in_tx(b->db)) {
    log_warn("connection from pid %ld: a statement ended its transaction (e.g. ON CONFLICT ROLLBACK)",
             (long)c->pid);
    broker_writer_release(b);
  }
  broker_reply_set_tx(r, c->tx_depth);
  return r;
}

json_t *broker_begun(struct broker_conn *c, json_t *req, json_t *begin_reply) {
  enum db_op op = db_op_parse(json_string_value(json_object_get(req, "op")));
  if (begin_reply == NULL || op == DB_OP_BEGIN || op == DB_OP_SAVEPOINT ||
      !json_is_true(json_object_get(begin_reply, "ok")))
    return begin_reply;
  json_decref(begin_reply);
  return conn_run_owned(c, req);
}

/* Begin (OP begin or savepoint) for C's request REQ.  Returns the reply,
 * or NULL when REQ waits for the writer (c->pending; unset when out of
 * memory). */
static json_t *conn_begin(struct broker_conn *c, json_t *req, enum db_op op) {
  struct broker *b = c->b;
  const json_t *id = json_object_get(req, "id");
  if (b->owner == c) {
    char sql[64];
    snprintf(sql, sizeof sql, "SAVEPOINT jsfpm_sp%d", c->tx_depth);
    if (b->cluster) return broker_cluster_send(c, req, BROKER_CLUSTER_CONTROL, sql, AFTER_SAVEPOINT);
    json_t *r = broker_db_tx(b->db, id, sql);
    if (r != NULL && json_is_true(json_object_get(r, "ok"))) c->tx_depth++;
    broker_reply_set_tx(r, c->tx_depth);
    return r;
  }
  if (op == DB_OP_SAVEPOINT)
    return broker_db_error_reply(id, DB_ERR_NO_TRANSACTION, "savepoint: no transaction is open");
  if (b->owner == NULL && b->ngroup == 0 && !b->chain_open && list_empty(&b->waiters))
    return b->cluster ? broker_cluster_begin(c, req) : broker_tx_begin(c, id);
  return broker_wait_for_writer(c, req, 1);
}

/* Handles one request of C.  Returns its reply, or NULL when the request
 * was parked (c->pending holds it) - or when out of memory, which the
 * caller tells apart by c->pending. */
static json_t *conn_handle(struct broker_conn *c, json_t *req) {
  struct broker *b = c->b;
  const json_t *id = json_object_get(req, "id");
  if (!json_is_integer(id))
    return broker_db_error_reply(NULL, DB_ERR_BAD_REQUEST, "\"id\" must be an integer");
  const char *name = json_string_value(json_object_get(req, "op"));
  if (name == NULL) return broker_db_error_reply(id, DB_ERR_BAD_REQUEST, "\"op\" must be a string");
  enum db_op op = db_op_parse(name);
  if (op == DB_OP_PING) return broker_db_ok_reply(id);
  if (op == DB_OP_STATS) return stats_reply(b, id);
  if (c->tx_killed) {
    c->tx_killed = 0;
    json_t *r = broker_db_error_reply(id, DB_ERR_TX_TIMEOUT,
                                      "the transaction was open longer than tx_timeout (%d ms) and was "
                                      "rolled back by the broker",
                                      b->cfg->db_tx_timeout_ms);
    broker_reply_set_tx(r, 0);
    return r;
  }
  if (op == DB_OP_BEGIN || op == DB_OP_SAVEPOINT) return conn_begin(c, req, op);
  const json_t *begin = json_object_get(req, "begin");
  if (begin != NULL && !json_is_false(begin)) {
    if (!json_is_true(begin) || !(db_op_flags(op) & (DB_OPF_SQL | DB_OPF_STATEMENTS)))
      return broker_db_error_reply(id, DB_ERR_BAD_REQUEST,
                                   "\"begin\" must be true or false, on query, execute, exec or batch");
    return broker_begun(c, req, conn_begin(c, req, DB_OP_BEGIN));
  }
  if (db_op_flags(op) & DB_OPF_ENDS_LEVEL) {
    if (b->owner != c) {
      json_t *r = broker_db_error_reply(id, DB_ERR_NO_TRANSACTION, "%s: no transaction is open", name);
      broker_reply_set_tx(r, 0);
      return r;
    }
    if (op == DB_OP_RELEASE && c->tx_depth < 2) {
      json_t *r = broker_db_error_reply(id, DB_ERR_NO_TRANSACTION, "release: no savepoint is open");
      broker_reply_set_tx(r, c->tx_depth);
      return r;
    }
    return broker_tx_end(c, req, op, json_is_true(json_object_get(req, "all")));
  }
  if (b->owner == c) return conn_run_owned(c, req);
  if (b->cluster) {
    /* Without the schema the broker cannot tell a read from a write: every
     * autocommit request waits while another connection holds a
     * transaction (docs/cluster.md). */
    if (!(db_op_flags(op) & (DB_OPF_SQL | DB_OPF_STATEMENTS)))
      return broker_db_error_reply(id, DB_ERR_BAD_REQUEST, "unknown op \"%.64s\"", name);
    if (b->owner == NULL && list_empty(&b->waiters))
      return broker_cluster_send(c, req, BROKER_CLUSTER_AUTO, NULL, AFTER_REPLY);
    return broker_wait_for_writer(c, req, 0);
  }
  json_t *reply = NULL;
  switch (broker_db_route(b->db, req, &reply)) {
  case BROKER_DB_DONE: return reply;
  case BROKER_DB_READ: {
    /* The reader sees the last committed state, whoever holds the writer. */
    int moved;
    json_t *r = broker_db_read(b->db, req, &moved);
    return moved ? read_move(c, req) : r;
  }
  case BROKER_DB_WRITE: break;
  }
  if (b->owner == NULL && !b->chain_open && list_empty(&b->waiters)) {
    (void)broker_group_join(c, req); /* NULL reply: parked, or out of memory (no pending) */
    return NULL;
  }
  return broker_wait_for_writer(c, req, 0);
}

/* Decodes and executes every complete frame buffered on C, appending the
 * replies in order, until a request has to wait for the writer.  Returns
 * 0, or -1 after freeing C. */
int broker_conn_process(struct broker_conn *c) {
  struct evbuffer *in = bufferevent_get_input(c->bev);
  struct evbuffer *out = bufferevent_get_output(c->bev);
  while (c->pending == NULL && !c->closing) {
    if (evbuffer_get_length(out) > BROKER_OUTPUT_HIGH_BYTES) {
      /* The write callback resumes us once the peer has read its replies. */
      if (!c->paused) {
        c->paused = 1;
        if (bufferevent_disable(c->bev, EV_READ) != 0) {
          log_error("connection from pid %ld: cannot pause reading; closing it", (long)c->pid);
          conn_free(c);
          return -1;
        }
      }
      return 0;
    }
    json_t *req = NULL;
    char err[256];
    int version, r = frame_decode(in, FRAME_DEFAULT_MAX_BYTES, &req, &version, err, sizeof err);
    if (r == 0) return 0;
    if (r < 0) {
      log_warn("connection from pid %ld: bad frame: %s; closing the connection", (long)c->pid, err);
      return conn_close_after_flush(c);
    }
    c->nrequests++;
    c->b->frames++;
    if (version != FRAME_VERSION) {
      int rc = conn_reply_version(c, req, conn_handle_old(c, req), version);
      json_decref(req);
      if (rc != 0) return -1;
      continue;
    }
    json_t *reply = conn_handle(c, req);
    if (reply == NULL && c->pending != NULL) {
      json_decref(req);
      return 0; /* parked: resumed when the writer is free */
    }
    if (c->tx_depth > 0)
      broker_reply_set_tx(reply, c->tx_depth); /* every reply inside a transaction says so */
    int rc = broker_conn_reply(c, req, reply);
    json_decref(req);
    if (rc != 0) return -1;
  }
  return 0;
}

static void conn_read_cb(struct bufferevent *bev, void *arg) {
  (void)bev;
  broker_conn_process(arg);
}

static void conn_write_cb(struct bufferevent *bev, void *arg) {
  struct broker_conn *c = arg;
  bufferevent_disable(bev, EV_WRITE); /* drained: conn_flush writes directly again */
  if (c->closing) {
    conn_free(c); /* the last replies are out */
    return;
  }
  if (!c->paused) return;
  /* Output fully flushed (low watermark 0): run what is already buffered,
   * then read again. */
  c->paused = 0;
  if (bufferevent_enable(c->bev, EV_READ) != 0) {
    log_error("connection from pid %ld: cannot resume reading; closing it", (long)c->pid);
    conn_free(c);
    return;
  }
  broker_conn_process(c);
}

static void conn_event_cb(struct bufferevent *bev, short events, void *arg) {
  struct broker_conn *c = arg;
  (void)bev;
  if (events & BEV_EVENT_ERROR)
    log_info("connection from pid %ld: %s; closing it", (long)c->pid, strerror(errno));
  else if (events & BEV_EVENT_EOF)
    log_debug("connection from pid %ld closed after %llu requests", (long)c->pid, c->nrequests);
  else if (events & BEV_EVENT_TIMEOUT)
    log_info("connection from pid %ld: did not read its last replies; closing it", (long)c->pid);
  if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) conn_free(c);
}

static void close_fd(int fd) {
  if (close(fd) != 0) log_warn("close(%d): %s", fd, strerror(errno));
}

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int socklen,
                      void *arg) {
  struct broker *b = arg;
  (void)lis;
  (void)sa;
  (void)socklen;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
    log_warn("refusing a connection: cannot read its credentials (SO_PEERCRED): %s", strerror(errno));
    close_fd(fd);
    return;
  }
  /* The socket is 0600 in a private directory already; this also stops a
   * process that was handed the path some other way. */
  uid_t me = geteuid();
  if (cred.uid != me && cred.uid != 0) {
    log_warn("refusing a connection from pid %ld uid %lu: only uid %lu (or root) may use the broker",
             (long)cred.pid, (unsigned long)cred.uid, (unsigned long)me);
    close_fd(fd);
    return;
  }
  struct broker_conn *c = calloc(1, sizeof *c);
  if (c == NULL) {
    log_error("refusing a connection from pid %ld: out of memory", (long)cred.pid);
    close_fd(fd);
    return;
  }
  c->b = b;
  list_init(&c->link);
  list_init(&c->wait_link);
  c->pid = cred.pid;
  c->uid = cred.uid;
  c->bev = bufferevent_socket_new(b->base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (c->bev == NULL) {
    log_error("refusing a connection from pid %ld: cannot create its buffer", (long)cred.pid);
    close_fd(fd);
    free(c);
    return;
  }
  c->wait_timer = evtimer_new(b->base, broker_wait_timer_cb, c);
  if (c->wait_timer == NULL) {
    log_error("refusing a connection from pid %ld: cannot create its timer", (long)cred.pid);
    bufferevent_free(c->bev);
    free(c);
    return;
  }
  b->nconns++;
  list_push_front(&b->conns, &c->link);
  bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
  /* While a request waits for the writer, the frames behind it stay in
   * the input buffer: stop reading at one maximal frame. */
  bufferevent_setwatermark(c->bev, EV_READ, 0, FRAME_DEFAULT_MAX_BYTES + FRAME_HEADER_LEN);
  bufferevent_disable(c->bev, EV_WRITE);
  if (bufferevent_enable(c->bev, EV_READ) != 0) {
    log_error("refusing a connection from pid %ld: cannot enable it", (long)cred.pid);
    conn_free(c);
    return;
  }
  log_debug("connection from pid %ld", (long)cred.pid);
}

static void accept_retry_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  if (evconnlistener_enable(b->listener) != 0) log_error("cannot re-enable the listener");
}

static void accept_error_cb(struct evconnlistener *lis, void *arg) {
  struct broker *b = arg;
  int e = EVUTIL_SOCKET_ERROR();
  log_error("accept on the broker socket: %s; pausing %d ms", evutil_socket_error_to_string(e),
            BROKER_ACCEPT_RETRY_MS);
  struct timeval tv = clock_timeval(BROKER_ACCEPT_RETRY_MS);
  if (evconnlistener_disable(lis) != 0 || evtimer_add(b->accept_retry, &tv) != 0)
    log_error("cannot pause the listener");
}

static void reopen_log_cb(evutil_socket_t sig, short what, void *arg) {
  (void)sig, (void)what, (void)arg;
  log_reopen(); /* it logs a failure */
}

static void signal_cb(evutil_socket_t sig, short what, void *arg) {
  struct broker *b = arg;
  (void)what;
  b->stop_signal = (int)sig;
  /* loopbreak acts after this callback: no statement is ever cut short. */
  event_base_loopbreak(b->base);
}

/* Best effort at shutdown: hand the kernel the replies already computed,
 * without blocking on a peer that does not read. */
static void flush_replies(struct broker *b) {
  struct list *l;
  list_foreach(l, &b->conns) {
    struct broker_conn *c = list_entry(l, struct broker_conn, link);
    struct evbuffer *out = bufferevent_get_output(c->bev);
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    while (fd >= 0 && evbuffer_get_length(out) > 0) {
      if (evbuffer_write(out, fd) <= 0) break; /* EAGAIN or the peer is gone: nothing more to do */
    }
  }
}

/* Runs the event loop until a stop.  Returns 0, or -1 if the loop failed.
 *
 * Busy polling: after a wake-up that served a request, the loop keeps
 * polling without blocking for [database] busy_poll_us, yielding the CPU
 * between polls, before it sleeps again.  Every database call is a round
 * trip, and under load the next request (the same worker's next statement,
 * or another worker's) comes within microseconds; sleeping in between costs
 * a context switch and a cross-CPU wake-up per request, which on a VM cost
 * more than the SQLite lookup itself.  sched_yield gives the CPU to any
 * task waiting for it, so polling only uses time the CPU would otherwise
 * idle.  Measured (bench/ab.sh, 2 workers, 32 connections, 50 us): /read
 * +15 % requests/s (8 rounds) at the same CPU per request, /mixed +14 %. */
static int broker_run(struct broker *b) {
  long long poll_until = -1; /* busy polling until this clock_mono_us(); -1: sleep when idle */
  for (;;) {
    unsigned long long served = b->frames;
    int r = event_base_loop(b->base, poll_until < 0 ? EVLOOP_ONCE : EVLOOP_NONBLOCK);
    if (r < 0) return -1;
    if (r > 0 || event_base_got_break(b->base) || event_base_got_exit(b->base)) return 0;
    if (b->cfg->db_busy_poll_us == 0) continue;
    if (b->frames != served) {
      poll_until = clock_mono_us() + b->cfg->db_busy_poll_us; /* busy: poll on */
    } else if (poll_until >= 0) {
      if (clock_mono_us() >= poll_until || sched_yield() != 0)
        poll_until = -1; /* the window passed (or sched_yield failed): sleep */
    }
  }
}

/* One host: opens the database, applies the migrations, starts the read
 * threads.  Returns how many migrations were applied, or -1 (logged). */
static int db_open(struct broker *b) {
  const struct jsfpm_config *cfg = b->cfg;
  char err[1024];
  if (cfg->db_path == NULL) {
    log_error("no database path configured");
    return -1;
  }
  /* The database is the app's data: what we create (the database, its WAL
   * and shared-memory files, backups) is for our user only.  SQLite gives
   * the WAL and -shm files the database file's mode. */
  umask(077);
  struct broker_db_options opt = {
      .path = cfg->db_path,
      .synchronous = cfg->db_synchronous,
      .statement_timeout_ms = cfg->db_statement_timeout_ms,
      .max_result_rows = cfg->db_max_result_rows,
      .max_result_bytes = cfg->db_max_result_bytes,
  };
  b->db = broker_db_open(&opt, err, sizeof err);
  if (b->db == NULL) {
    log_error("%s", err);
    return -1;
  }
  int applied = broker_db_migrate(b->db, cfg->app_root, err, sizeof err);
  if (applied < 0) {
    log_error("%s", err);
    return -1;
  }
  b->reads = broker_reads_new(b->db, (unsigned)cfg->db_read_threads, err, sizeof err);
  if (b->reads == NULL) {
    log_error("%s", err);
    return -1;
  }
  b->reads_ev = event_new(b->base, broker_reads_fd(b->reads), EV_READ | EV_PERSIST, reads_cb, b);
  if (b->reads_ev == NULL || event_add(b->reads_ev, NULL) != 0) {
    log_error("cannot watch the read threads");
    return -1;
  }
  return applied;
}

/* Cluster mode: no local database; the migrations are applied on the
 * cluster and the threads that run requests there are started.  Returns
 * how many migrations were applied, or -1 (logged). */
static int cluster_open(struct broker *b) {
  const struct jsfpm_config *cfg = b->cfg;
  char err[1024];
  size_t nnodes;
  char **nodes = config_cluster_nodes(cfg, &nnodes);
  /* A statement may wait write_wait for the leader's write lock (the
   * node's busy timeout): a request to a node counts as lost a little
   * beyond that. */
  struct broker_cluster_options opt = {
      .nodes = (const char *const *)nodes,
      .nnodes = nnodes,
      .timeout_ms = cfg->db_write_wait_ms + BROKER_CLUSTER_REQUEST_SLACK_MS,
      .wait_ms = cfg->db_write_wait_ms,
      .max_result_rows = cfg->db_max_result_rows,
      .max_result_bytes = cfg->db_max_result_bytes,
      .app_root = cfg->app_root,
      .migrate_wait_ms = BROKER_CLUSTER_MIGRATE_WAIT_MS,
  };
  int applied;
  b->cluster = broker_cluster_new(&opt, &applied, err, sizeof err);
  config_nodes_free(nodes);
  if (b->cluster == NULL) {
    log_error("%s", err);
    return -1;
  }
  b->cluster_ev = event_new(b->base, broker_cluster_fd(b->cluster), EV_READ | EV_PERSIST, cluster_cb, b);
  if (b->cluster_ev == NULL || event_add(b->cluster_ev, NULL) != 0) {
    log_error("cannot watch the cluster threads");
    return -1;
  }
  return applied;
}

int broker_main(const struct jsfpm_config *cfg, int listen_fd) {
  log_set_role("broker");
  proctitle_set("jsfpm: broker (%s)", cfg->cluster_address ? "cluster" : cfg->db_path);
  struct broker b = {.cfg = cfg};
  list_init(&b.conns);
  list_init(&b.waiters);
  int status = 1;

  /* A worker that disconnects while its reply is written must not kill us. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  if (sigaction(SIGPIPE, &sa, NULL) != 0) {
    log_error("sigaction(SIGPIPE): %s", strerror(errno));
    return 1;
  }
  /* The master may fork us with signals blocked. */
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < 3; i++) sigaddset(&set, broker_stop_signals[i]);
  sigaddset(&set, SIGUSR1);

  b.base = event_base_new();
  if (b.base == NULL || event_base_priority_init(b.base, PRIO_COUNT) != 0) {
    log_error("cannot create the event base");
    if (b.base) event_base_free(b.base);
    return 1;
  }
  /* Signal events go in before the database is opened, so a stop request
   * during a long migration is honoured (the loop exits at once) instead of
   * killing the process mid-transaction. */
  for (size_t i = 0; i < 3; i++) {
    b.signals[i] = evsignal_new(b.base, broker_stop_signals[i], signal_cb, &b);
    if (b.signals[i] == NULL || evsignal_add(b.signals[i], NULL) != 0) {
      log_error("cannot install the handler for signal %d", broker_stop_signals[i]);
      goto out;
    }
  }
  b.usr1_ev = evsignal_new(b.base, SIGUSR1, reopen_log_cb, &b);
  if (b.usr1_ev == NULL || evsignal_add(b.usr1_ev, NULL) != 0) {
    log_error("cannot install the handler for SIGUSR1");
    goto out;
  }
  if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0) {
    log_error("sigprocmask: %s", strerror(errno));
    goto out;
  }
  int applied = cfg->cluster_address ? cluster_open(&b) : db_open(&b);
  if (applied < 0) goto out;
  b.accept_retry = evtimer_new(b.base, accept_retry_cb, &b);
  b.writer_ev = evtimer_new(b.base, broker_writer_cb, &b);
  b.tx_timer = evtimer_new(b.base, broker_tx_timer_cb, &b);
  b.idle_ev = evtimer_new(b.base, broker_idle_cb, &b);
  if (b.accept_retry == NULL || b.writer_ev == NULL || b.tx_timer == NULL || b.idle_ev == NULL ||
      event_priority_set(b.writer_ev, PRIO_WRITER) != 0) {
    log_error("cannot create the broker's timers");
    goto out;
  }
  /* evconnlistener accepts until EAGAIN, so the socket must not block.
   * backlog 0: the master already called listen() with its own backlog. */
  if (evutil_make_socket_nonblocking(listen_fd) != 0) {
    log_error("cannot make the broker socket non-blocking: %s", strerror(errno));
    goto out;
  }
  b.listener =
      evconnlistener_new(b.base, accept_cb, &b, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, listen_fd);
  if (b.listener == NULL) {
    log_error("cannot listen on the broker socket: %s", strerror(errno));
    goto out;
  }
  evconnlistener_set_error_cb(b.listener, accept_error_cb);
  log_info("serving %s (%d migration%s applied)", cfg->cluster_address ? "the dqlite cluster" : cfg->db_path,
           applied, applied == 1 ? "" : "s");

  if (broker_run(&b) < 0) {
    log_error("the event loop failed");
    goto out;
  }
  if (b.stop_signal) log_info("stopping on signal %d", b.stop_signal);
  status = 0;

out:
  if (b.db != NULL) broker_writer_stop(&b);
  flush_replies(&b);
  while (!list_empty(&b.conns)) conn_free(list_entry(list_first(&b.conns), struct broker_conn, link));
  if (b.listener) evconnlistener_free(b.listener);
  if (b.accept_retry) event_free(b.accept_retry);
  if (b.writer_ev) event_free(b.writer_ev);
  if (b.tx_timer) event_free(b.tx_timer);
  if (b.idle_ev) event_free(b.idle_ev);
  free(b.group);
  if (b.reads_ev) event_free(b.reads_ev);
  broker_reads_free(b.reads);
  if (b.cluster_ev) event_free(b.cluster_ev);
  broker_cluster_free(b.cluster);
  for (size_t i = 0; i < 3; i++)
    if (b.signals[i]) event_free(b.signals[i]);
  if (b.usr1_ev) event_free(b.usr1_ev);
  broker_db_close(b.db);
  event_base_free(b.base);
  return status;
}
