/* cluster_db.c: group commits on a dqlite cluster (see cluster_db.h).
 *
 * One run of a group ("attempt") on the leader's connection:
 *   a lone write that yields no rows (cluster_sql_plain_write), as one
 *   EXEC_SQL whose answer carries its changes and last id, when the
 *   transaction holds the write lock or begins with it (struct tx_state):
 *     [BEGIN IMMEDIATE;]SAVEPOINT jsfpm_group;the statement;RELEASE jsfpm_group
 *   any other unit (a query, RETURNING, a script's or atomic batch's
 *   statements), as queries, one request a line:
 *     [BEGIN]
 *     SAVEPOINT jsfpm_group
 *     per statement, two: the statement; SELECT changes(), last_insert_rowid()
 *     RELEASE jsfpm_group
 *   a unit that failed (either way): ROLLBACK TO jsfpm_group; RELEASE
 *   jsfpm_group -- it alone is an error
 *   COMMIT (alone: its answer must not be mixed with another's)
 * So a group of N plain writes costs N + 1 round trips (it cost 4N + 2 as
 * queries).  A request holding several statements stops at the first
 * that fails and answers with its error; what ran before it is undone by
 * ROLLBACK TO, or was BEGIN IMMEDIATE.
 * Invariants:
 * - A group is run again only when nothing of the attempt can have been
 *   committed: the failure came before the COMMIT was sent (dqlite rolls
 *   the transaction back when its connection closes or its node stops
 *   leading), or the COMMIT was refused before it reached Raft (the node
 *   was not the leader, or busy).
 * - A COMMIT sent and not answered, or answered "leadership lost", is
 *   never sent again: its statements end COMMIT_UNKNOWN.
 * - A statement that ends the whole transaction itself (ON CONFLICT
 *   ROLLBACK, say: its savepoint is gone) fails alone, for good; the group
 *   is run again without it at once, as the single-host broker does.
 * - Once a group is done no transaction is left open on the connection.
 */
#include "autoconfig.h"

#include "cluster_db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cluster_sql.h"
#include "log.h"

/* SQLite's primary result code for "busy", in dqlite's FAILURE codes too. */
#define SQLITE_BUSY_CODE 5
/* Pause between two runs of a group waiting for a leader or for the
 * database: short next to an election (15x network_latency). */
#define CLUSTER_DB_RETRY_PAUSE_MS 20

struct cluster_db {
  char **nodes;
  size_t nnodes;
  char *name;
  int timeout_ms;               /* one request */
  int wait_ms;                  /* a group's wait for a leader and its retries */
  struct dqlite_client *leader; /* NULL until found, and after it is lost */
  uint32_t db_id;               /* the database, open on the leader */
  char why[900];                /* why the last search found no leader */
  bool in_tx;                   /* an explicit transaction is open (cluster_db_begin) */
  bool tx_lost;                 /* ... and was lost with the leader's connection */
  bool busy;                    /* the last refusal (abandon) was "busy" */
  /* For the log line when a leader is found again (operators time
   * failovers by it): when and which leader's connection was lost, and
   * the searches since. */
  long long lost_at_ms; /* 0: none lost since the last one found */
  char lost_address[128];
  unsigned searches;
  long long search_ms; /* time spent in them */
};

/* How one attempt ended. */
enum attempt {
  ATTEMPT_DONE,    /* every statement has its final status */
  ATTEMPT_RETRY,   /* nothing committed; run the group again */
  ATTEMPT_RESTART, /* a statement ended the transaction: it failed for good; run the rest again */
  ATTEMPT_UNKNOWN, /* the COMMIT's outcome is unknown */
};

/* Where an attempt's transaction stands before its next unit.
 *
 * A request holds several statements only when the transaction holds the
 * leader's write lock after its first.  dqlite 1.18.6 runs the first
 * statement of a request at once if SQLite calls it read-only (BEGIN,
 * SAVEPOINT, RELEASE, a SELECT), else queues it behind another
 * connection's write lock for at most the node's busy timeout; but it
 * queues every later statement of the request behind that lock without
 * the timer (leader.c, leader_exec: "a query is about to finish
 * already").  So "BEGIN;SAVEPOINT ...;INSERT ..." waited for another
 * host's whole transaction, past the request's timeout, and so did
 * "BEGIN;SAVEPOINT ..." before a read (cluster_broker.sh's JSFPM_BUSY
 * case, measured).  Hence: a group whose first unit is a plain write
 * opens with BEGIN IMMEDIATE in that request (it waits for the lock with
 * the timer, then "busy"; the rest of the request runs as the lock's
 * holder); one that starts with anything else sends BEGIN and SAVEPOINT
 * alone (reads never wait for the lock), and its plain writes go as
 * queries until one of them has taken the lock.  A failed unit's ROLLBACK
 * TO and RELEASE go alone too (its statement may have ended the
 * transaction, and the lock with it). */
struct tx_state {
  bool begun;  /* BEGIN was sent (else it rides with the next unit) */
  bool locked; /* the transaction holds the write lock */
};

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (d == NULL) abort();
  return d;
}

struct cluster_db *cluster_db_new(const char *const *nodes, size_t nnodes, const char *name, int timeout_ms,
                                  int wait_ms) {
  struct cluster_db *db = calloc(1, sizeof *db);
  if (db == NULL || (db->nodes = calloc(nnodes + 1, sizeof *db->nodes)) == NULL) abort();
  for (size_t i = 0; i < nnodes; i++) db->nodes[i] = xstrdup(nodes[i]);
  db->nnodes = nnodes;
  db->name = xstrdup(name);
  db->timeout_ms = timeout_ms;
  db->wait_ms = wait_ms;
  return db;
}

void cluster_db_free(struct cluster_db *db) {
  if (db == NULL) return;
  dqlite_client_close(db->leader);
  for (size_t i = 0; i < db->nnodes; i++) free(db->nodes[i]);
  free(db->nodes);
  free(db->name);
  free(db);
}

static void drop_leader(struct cluster_db *db) {
  if (db->in_tx) db->tx_lost = true; /* dqlite rolls it back */
  log_info("cluster: lost the leader %s: %s", dqlite_client_address(db->leader),
           dqlite_client_errmsg(db->leader));
  db->lost_at_ms = clock_mono_ms();
  snprintf(db->lost_address, sizeof db->lost_address, "%s", dqlite_client_address(db->leader));
  db->searches = 0;
  db->search_ms = 0;
  dqlite_client_close(db->leader);
  db->leader = NULL;
}

/* A connection to the leader with the database open, found through the
 * nodes; while there is none (an election), tried again until DEADLINE --
 * at least once, whatever the deadline.  Returns 0, or -1 (db->why). */
static int find_leader(struct cluster_db *db, long long deadline) {
  while (db->leader == NULL) {
    long long left = deadline - clock_mono_ms();
    int timeout = left < db->timeout_ms ? (int)left : db->timeout_ms;
    if (timeout < 100) timeout = 100;
    long long started_ms = clock_mono_ms();
    struct dqlite_client *c = dqlite_client_connect_leader((const char *const *)db->nodes, db->nnodes,
                                                           timeout, db->why, sizeof db->why);
    db->searches++;
    db->search_ms += clock_mono_ms() - started_ms;
    if (c != NULL && dqlite_client_open(c, db->name, &db->db_id) == DQLITE_CLIENT_OK) {
      /* The search was bounded by the deadline; each request on the
       * connection gets the full timeout (a statement may wait for the
       * write lock that long). */
      dqlite_client_set_timeout(c, db->timeout_ms);
      db->leader = c;
      if (db->lost_at_ms != 0)
        log_info("cluster: leader %s found %lld ms after %s was lost (%u searches, %lld ms)",
                 dqlite_client_address(c), clock_mono_ms() - db->lost_at_ms, db->lost_address, db->searches,
                 db->search_ms);
      db->lost_at_ms = 0;
      break;
    }
    if (c != NULL) snprintf(db->why, sizeof db->why, "%s", dqlite_client_errmsg(c));
    dqlite_client_close(c);
    if (clock_mono_ms() >= deadline) return -1;
    clock_sleep_ms(CLUSTER_DB_RETRY_PAUSE_MS);
  }
  return 0;
}

static int exec_sql(struct cluster_db *db, const char *sql) {
  return dqlite_client_exec_sql(db->leader, db->db_id, sql, NULL, 0, NULL);
}

/* dqlite 1.18.6 answers a QUERY_SQL whose statement was prepared and then
 * refused by the leader's queue -- busy past the node's busy timeout, not
 * the leader, leadership lost -- with SQLITE_ERROR "nonempty statement
 * tail" instead of the cause (gateway.c, handle_query_sql_done_cb, takes
 * the empty tail sqlite3_prepare_v2 leaves for a non-empty one).  jsfpm
 * sends one statement at a time, so this answer means one of those
 * refusals: the statement did not run. */
static bool masked_refusal(const struct cluster_db *db, int rc) {
  return rc == DQLITE_CLIENT_FAILED && dqlite_client_errcode(db->leader) == 1 /* SQLITE_ERROR */ &&
         strcmp(dqlite_client_errmsg(db->leader), "nonempty statement tail") == 0;
}

static bool code_leader_gone(uint64_t code) {
  return code == DQLITE_PROTO_NOT_LEADER || code == DQLITE_PROTO_LEADERSHIP_LOST;
}

/* Rolls back the transaction open on the leader's connection.  A ROLLBACK
 * the node does not carry out would leave the transaction open, and every
 * later BEGIN on the connection would fail "cannot start a transaction
 * within a transaction": the connection is closed instead, which rolls the
 * transaction back on the node.  dqlite 1.18.6 refuses every EXEC_SQL and
 * QUERY_SQL, ROLLBACK included, with SQLITE_BUSY "checkpoint in progress"
 * while the leader checkpoints (gateway.c, FAIL_IF_CHECKPOINTING), so a
 * statement refused then is followed by a refused ROLLBACK. */
static void rollback(struct cluster_db *db) {
  int rc = exec_sql(db, "ROLLBACK");
  if (rc == DQLITE_CLIENT_OK) return;
  /* SQLite's answer when the refusal ended the transaction already. */
  if (rc == DQLITE_CLIENT_FAILED &&
      strstr(dqlite_client_errmsg(db->leader), "no transaction is active") != NULL)
    return;
  log_warn("cluster: ROLLBACK failed on %s (%s): closing the connection, which rolls the transaction back",
           dqlite_client_address(db->leader), dqlite_client_errmsg(db->leader));
  drop_leader(db);
}

/* After request RC failed inside an attempt: true when the group may run
 * again -- the connection is gone (which rolls the transaction back on the
 * node), the node does not lead (any more), or it was busy (the
 * transaction is rolled back here).  Then WHY says what happened, and the
 * connection is dropped unless it can serve the next attempt.  False for
 * an SQL error: the connection and its transaction stay as they are. */
static bool abandon(struct cluster_db *db, int rc, char *why, size_t whylen) {
  uint64_t code = dqlite_client_errcode(db->leader);
  bool leader_gone = rc == DQLITE_CLIENT_BROKEN || code_leader_gone(code);
  bool masked = masked_refusal(db, rc);
  bool busy = rc == DQLITE_CLIENT_FAILED && ((code & 0xff) == SQLITE_BUSY_CODE || masked);
  if (!leader_gone && !busy) return false;
  /* A masked refusal counts as busy: had the leader gone, the next
   * attempt's BEGIN says so plainly. */
  db->busy = busy;
  snprintf(why, whylen, "%s: %s", dqlite_client_address(db->leader),
           masked ? "refused: busy or not the leader (dqlite said \"nonempty statement tail\")"
                  : dqlite_client_errmsg(db->leader));
  if (leader_gone) {
    drop_leader(db);
    return true;
  }
  rollback(db);
  return true;
}

/* Sets STATUS, CODE and MESSAGE on S. */
static void set_status(struct cluster_db_stmt *s, enum cluster_db_status status, uint64_t code,
                       const char *message) {
  s->status = status;
  s->code = code;
  snprintf(s->message, sizeof s->message, "%.*s", (int)sizeof s->message - 1, message); /* cut if long */
}

/* S before a run: not run yet. */
static void reset(struct cluster_db_stmt *s) {
  set_status(s, CLUSTER_DB_UNAVAILABLE, 0, "");
  s->changes = s->last_insert_id = 0;
  s->undone = 0;
}

/* The two numbers of SELECT changes(), last_insert_rowid(). */
static int take_changes(void *arg, unsigned n, const struct dqlite_proto_value *v) {
  struct cluster_db_stmt *s = arg;
  if (n == 2 && v[0].type == DQLITE_PROTO_INTEGER && v[1].type == DQLITE_PROTO_INTEGER) {
    s->changes = v[0].integer;
    s->last_insert_id = v[1].integer;
  }
  return 0;
}

/* Runs S alone -- a write that yields no rows (cluster_sql_plain_write
 * gave CORE, the length of its text without a trailing ';' or comment) --
 * in one EXEC_SQL: [BEGIN IMMEDIATE;]SAVEPOINT jsfpm_group;S;RELEASE
 * jsfpm_group.
 * dqlite runs the statements in turn, binding S's parameters to S (the
 * others take none), and stops at the first that fails, answering with its
 * error; S failing leaves the savepoint open, as a query would.  The
 * answer's changes and last id are sqlite3_changes() and
 * sqlite3_last_insert_rowid() after RELEASE, which sets neither: S's. */
static int run_plain_write(struct cluster_db *db, struct cluster_db_stmt *s, size_t core, bool begin) {
  static const char savepoint[] = "SAVEPOINT jsfpm_group;", release[] = ";RELEASE jsfpm_group";
  const char *prefix = begin ? "BEGIN IMMEDIATE;" : "";
  size_t plen = strlen(prefix);
  char *sql = malloc(plen + sizeof savepoint - 1 + core + sizeof release);
  if (sql == NULL) abort();
  char *p = sql;
  memcpy(p, prefix, plen);
  memcpy(p += plen, savepoint, sizeof savepoint - 1);
  memcpy(p += sizeof savepoint - 1, s->sql, core);
  memcpy(p + core, release, sizeof release);
  struct dqlite_client_result res = {0};
  int rc = dqlite_client_exec_sql(db->leader, db->db_id, sql, s->params, s->nparams, &res);
  free(sql);
  if (rc == DQLITE_CLIENT_OK) {
    s->changes = (int64_t)res.rows_affected;
    s->last_insert_id = res.last_insert_id;
    set_status(s, CLUSTER_DB_OK, 0, "");
  }
  return rc;
}

/* Runs the N statements of S (one statement, or a request's several that
 * stand or fall together: a unit) as queries in the savepoint, each
 * followed by SELECT changes(), last_insert_rowid(), then RELEASE.  *RAN:
 * how many ran without error.  BEGIN first, when BEGIN: each its own
 * request (see struct tx_state). */
static int run_queries(struct cluster_db *db, struct cluster_db_stmt *s, size_t n, bool begin, size_t *ran) {
  static const struct dqlite_client_rows changes_rows = {.row = take_changes};
  static const struct dqlite_client_rows no_rows = {0};
  int rc = begin ? exec_sql(db, "BEGIN") : DQLITE_CLIENT_OK;
  if (rc == DQLITE_CLIENT_OK) rc = exec_sql(db, "SAVEPOINT jsfpm_group");
  size_t k = 0;
  for (; rc == DQLITE_CLIENT_OK && k < n; k++) {
    rc = dqlite_client_query_sql(db->leader, db->db_id, s[k].sql, s[k].params, s[k].nparams,
                                 s[k].rows ? s[k].rows : &no_rows, s[k].arg);
    if (rc != DQLITE_CLIENT_OK) break;
    rc = dqlite_client_query_sql(db->leader, db->db_id, "SELECT changes(), last_insert_rowid()", NULL, 0,
                                 &changes_rows, &s[k]);
    if (rc == DQLITE_CLIENT_OK) set_status(&s[k], CLUSTER_DB_OK, 0, "");
  }
  *ran = k;
  return rc == DQLITE_CLIENT_OK ? exec_sql(db, "RELEASE jsfpm_group") : rc;
}

/* Runs the N statements of unit S inside the attempt's transaction (TX),
 * in one savepoint; the BEGIN goes with the attempt's first unit.  A
 * lone plain write is one request (run_plain_write) when the transaction
 * holds the write lock or begins with it; anything else goes through
 * run_queries.  Returns ATTEMPT_DONE when they have their (tentative)
 * statuses, else how the attempt must end. */
static enum attempt run_unit(struct cluster_db *db, struct cluster_db_stmt *s, size_t n, struct tx_state *tx,
                             char *why, size_t whylen) {
  size_t core = n == 1 ? cluster_sql_plain_write(s->sql, strlen(s->sql), s->nparams) : 0;
  bool plain = core > 0, begin = !tx->begun;
  if (tx->begun && !tx->locked) core = 0; /* as a query: see struct tx_state */
  tx->begun = true;
  size_t k = 0;
  int rc = core > 0 ? run_plain_write(db, s, core, begin) : run_queries(db, s, n, begin, &k);
  if (rc == DQLITE_CLIENT_OK && plain) tx->locked = true; /* it wrote */
  if (rc == DQLITE_CLIENT_OK) return ATTEMPT_DONE;
  if (abandon(db, rc, why, whylen)) return ATTEMPT_RETRY;
  /* A statement failed (or its rows handler stopped it): undo its unit
   * alone.  (A failing BEGIN or SAVEPOINT -- none is known outside the
   * refusals abandon takes -- lands here too, on the first statement:
   * ROLLBACK TO finds no savepoint, and it fails for good.) */
  size_t culprit = k < n ? k : n - 1;
  if (rc == DQLITE_CLIENT_STOPPED)
    set_status(&s[culprit], CLUSTER_DB_ERROR, 0, "stopped by the rows handler");
  else
    set_status(&s[culprit], CLUSTER_DB_ERROR, dqlite_client_errcode(db->leader),
               dqlite_client_errmsg(db->leader));
  for (size_t j = 0; j < n; j++) {
    if (j == culprit) continue;
    set_status(&s[j], CLUSTER_DB_ERROR, 0,
               j < culprit ? "undone: a later statement of its unit failed"
                           : "not run: an earlier statement of its unit failed");
    s[j].undone = 1;
  }
  rc = exec_sql(db, "ROLLBACK TO jsfpm_group");
  if (rc == DQLITE_CLIENT_OK) rc = exec_sql(db, "RELEASE jsfpm_group");
  if (rc == DQLITE_CLIENT_OK) return ATTEMPT_DONE;
  if (abandon(db, rc, why, whylen)) return ATTEMPT_RETRY;
  /* No such savepoint: the statement ended the whole transaction. */
  if (exec_sql(db, "ROLLBACK") == DQLITE_CLIENT_BROKEN) drop_leader(db);
  return ATTEMPT_RESTART;
}

/* How many statements from S (of N) form one unit: the first and those
 * joined to it. */
static size_t unit_len(const struct cluster_db_stmt *s, size_t n) {
  size_t m = 1;
  while (m < n && s[m].joined) m++;
  return m;
}

/* Sends COMMIT for the statements of S that ran without error. */
static enum attempt commit(struct cluster_db *db, struct cluster_db_stmt *s, size_t n, char *why,
                           size_t whylen) {
  int rc = exec_sql(db, "COMMIT");
  if (rc == DQLITE_CLIENT_OK) return ATTEMPT_DONE;
  uint64_t code = dqlite_client_errcode(db->leader);
  if (rc == DQLITE_CLIENT_BROKEN || code == DQLITE_PROTO_LEADERSHIP_LOST) {
    snprintf(why, whylen, "%s: %s", dqlite_client_address(db->leader), dqlite_client_errmsg(db->leader));
    drop_leader(db);
    return ATTEMPT_UNKNOWN;
  }
  if (abandon(db, rc, why, whylen)) return ATTEMPT_RETRY; /* refused before Raft: not leader, busy */
  /* The COMMIT itself failed (a deferred constraint, say): nothing stays. */
  for (size_t i = 0; i < n; i++)
    if (s[i].status == CLUSTER_DB_OK)
      set_status(&s[i], CLUSTER_DB_ERROR, code, dqlite_client_errmsg(db->leader));
  rollback(db);
  return ATTEMPT_DONE;
}

/* One run of the group: the statements not FINAL yet.  A statement that
 * ends the transaction itself is made FINAL here (ATTEMPT_RESTART).  The
 * BEGIN rides with the first unit run. */
static enum attempt run_once(struct cluster_db *db, struct cluster_db_stmt *s, size_t n, bool *final,
                             char *why, size_t whylen) {
  struct tx_state tx = {false, false};
  for (size_t i = 0, m; i < n; i += m) {
    m = unit_len(s + i, n - i);
    if (final[i]) continue;
    enum attempt a = run_unit(db, s + i, m, &tx, why, whylen);
    for (size_t j = i; j < i + m; j++) final[j] = a == ATTEMPT_RESTART;
    if (a != ATTEMPT_DONE) return a;
  }
  if (!tx.begun) return ATTEMPT_DONE; /* each one failed for good: no transaction was opened */
  return commit(db, s, n, why, whylen);
}

/* Gives every statement not FINAL and not failed on its own STATUS. */
static void settle(struct cluster_db_stmt *s, size_t n, const bool *final, enum cluster_db_status status,
                   const char *message) {
  for (size_t i = 0; i < n; i++)
    if (!final[i] &&
        (s[i].status != CLUSTER_DB_ERROR || status == CLUSTER_DB_UNAVAILABLE || status == CLUSTER_DB_BUSY))
      set_status(&s[i], status, 0, message);
}

unsigned cluster_db_group(struct cluster_db *db, struct cluster_db_stmt *s, size_t n) {
  bool *final = calloc(n + 1, sizeof *final);
  if (final == NULL) abort();
  long long deadline = clock_mono_ms() + db->wait_ms;
  unsigned reruns = 0;
  char why[600] = "", message[800];
  for (;;) {
    for (size_t i = 0; i < n; i++)
      if (!final[i]) reset(&s[i]);
    if (find_leader(db, deadline) != 0) {
      snprintf(message, sizeof message, "no cluster leader within write_wait: %.700s", db->why);
      settle(s, n, final, CLUSTER_DB_UNAVAILABLE, message);
      break;
    }
    enum attempt a = run_once(db, s, n, final, why, sizeof why);
    if (a == ATTEMPT_DONE) break;
    if (a == ATTEMPT_UNKNOWN) {
      snprintf(message, sizeof message, "the leader was lost during COMMIT: committed or not, unknown (%s)",
               why);
      settle(s, n, final, CLUSTER_DB_COMMIT_UNKNOWN, message);
      break;
    }
    reruns++;
    if (a == ATTEMPT_RETRY && clock_mono_ms() >= deadline) {
      snprintf(message, sizeof message, "not run: the cluster kept refusing it for write_wait (%s)", why);
      settle(s, n, final, db->busy ? CLUSTER_DB_BUSY : CLUSTER_DB_UNAVAILABLE, message);
      break;
    }
    if (a == ATTEMPT_RETRY) clock_sleep_ms(CLUSTER_DB_RETRY_PAUSE_MS);
  }
  free(final);
  return reruns;
}

/* ---- explicit transactions ----------------------------------------------- */

void cluster_db_begin(struct cluster_db *db, struct cluster_db_stmt *s) {
  long long deadline = clock_mono_ms() + db->wait_ms;
  char why[600] = "";
  reset(s);
  db->in_tx = db->tx_lost = false;
  for (;;) {
    if (find_leader(db, deadline) != 0) {
      snprintf(s->message, sizeof s->message, "no cluster leader within write_wait: %.150s", db->why);
      return;
    }
    int rc = exec_sql(db, "BEGIN IMMEDIATE");
    if (rc == DQLITE_CLIENT_OK) {
      db->in_tx = true;
      set_status(s, CLUSTER_DB_OK, 0, "");
      return;
    }
    if (!abandon(db, rc, why, sizeof why)) {
      set_status(s, CLUSTER_DB_ERROR, dqlite_client_errcode(db->leader), dqlite_client_errmsg(db->leader));
      return;
    }
    if (clock_mono_ms() >= deadline) {
      if (db->busy) s->status = CLUSTER_DB_BUSY;
      snprintf(s->message, sizeof s->message, "the cluster kept refusing BEGIN for write_wait (%.150s)", why);
      return;
    }
    clock_sleep_ms(CLUSTER_DB_RETRY_PAUSE_MS);
  }
}

/* Inside a transaction that was lost: every statement says so. */
static bool tx_gone(struct cluster_db *db, struct cluster_db_stmt *s, size_t n) {
  if (db->in_tx && !db->tx_lost && db->leader != NULL) return false;
  for (size_t i = 0; i < n; i++) {
    reset(&s[i]);
    set_status(&s[i], CLUSTER_DB_UNAVAILABLE, 0,
               db->in_tx ? "the transaction was lost with the connection to the cluster's leader (a leader "
                           "change or a partition): it is rolled back"
                         : "no transaction is open on the cluster");
  }
  return true;
}

void cluster_db_run(struct cluster_db *db, struct cluster_db_stmt *s, size_t n) {
  char why[600] = "";
  for (size_t i = 0, m; i < n; i += m) {
    if (tx_gone(db, s + i, n - i)) return;
    m = unit_len(s + i, n - i);
    for (size_t j = i; j < i + m; j++) reset(&s[j]);
    struct tx_state tx = {true, true}; /* BEGIN IMMEDIATE (cluster_db_begin) */
    enum attempt a = run_unit(db, s + i, m, &tx, why, sizeof why);
    if (a == ATTEMPT_RETRY) {
      db->tx_lost = true; /* the transaction went with the connection */
      tx_gone(db, s + i, n - i);
      return;
    }
    /* A statement that ended the transaction itself keeps its error; what
     * comes after finds the transaction gone. */
    if (a == ATTEMPT_RESTART) db->tx_lost = true;
  }
}

void cluster_db_control(struct cluster_db *db, struct cluster_db_stmt *s) {
  if (tx_gone(db, s, 1)) return;
  char why[600] = "";
  reset(s);
  int rc = exec_sql(db, s->sql);
  if (rc == DQLITE_CLIENT_OK) {
    set_status(s, CLUSTER_DB_OK, 0, "");
  } else if (abandon(db, rc, why, sizeof why)) {
    db->tx_lost = true;
    tx_gone(db, s, 1);
  } else {
    set_status(s, CLUSTER_DB_ERROR, dqlite_client_errcode(db->leader), dqlite_client_errmsg(db->leader));
  }
}

void cluster_db_end(struct cluster_db *db, struct cluster_db_stmt *s, int commit_it) {
  if (tx_gone(db, s, 1)) {
    if (!commit_it) set_status(s, CLUSTER_DB_OK, 0, ""); /* rolled back already */
    db->in_tx = db->tx_lost = false;
    return;
  }
  reset(s);
  char why[600] = "";
  if (!commit_it) {
    rollback(db);
    set_status(s, CLUSTER_DB_OK, 0, "");
  } else {
    set_status(s, CLUSTER_DB_OK, 0, ""); /* commit() turns it into the COMMIT's error */
    switch (commit(db, s, 1, why, sizeof why)) {
    case ATTEMPT_DONE: break;
    case ATTEMPT_UNKNOWN:
      set_status(s, CLUSTER_DB_COMMIT_UNKNOWN, 0, "");
      snprintf(s->message, sizeof s->message,
               "the leader was lost during COMMIT: committed or not, unknown (%.150s)", why);
      break;
    default:
      set_status(s, CLUSTER_DB_UNAVAILABLE, 0, "");
      snprintf(s->message, sizeof s->message,
               "the COMMIT was refused before it was replicated: rolled back (%.150s)", why);
      break;
    }
  }
  db->in_tx = db->tx_lost = false;
}
