/* cluster_db.h: the broker's writes when the database is on a dqlite
 * cluster (docs/cluster.md): group commits on the cluster's leader, through
 * dqlite's wire protocol (dqlite_client.h), across leader changes.
 *
 * A group is run as the single-host broker runs one (broker_db_group): one
 * transaction, each statement in its own savepoint so a failing one is
 * undone alone, one COMMIT -- on dqlite one Raft entry, replicated to a
 * quorum before the COMMIT returns.  What the cluster adds:
 * - The leader is found through any node, and found again when it changes;
 *   while there is none (an election) the group waits, up to WAIT_MS.
 * - A group that failed before its COMMIT was sent, or whose COMMIT the
 *   node refused before it reached Raft (not the leader, busy), left nothing
 *   behind: it is run again from the start, on the new leader if there is
 *   one, until WAIT_MS has passed (then UNAVAILABLE: not run).
 * - A COMMIT whose answer was lost (connection lost, leadership lost while
 *   it was being replicated) may or may not have been committed:
 *   COMMIT_UNKNOWN, never retried (it could run twice).
 * A lone write that yields no rows (cluster_sql_plain_write) runs with its
 * savepoint in one EXEC_SQL, whose answer has its changes; every other
 * statement runs as a query (QUERY_SQL) and its changes are read with
 * SELECT changes(), last_insert_rowid(): dqlite 1.18.6 aborts the node
 * when a connection closes after a row-yielding statement was sent as EXEC.
 * (cluster_db.c says how many round trips that makes.)
 */
#ifndef JSFPM_CLUSTER_DB_H
#define JSFPM_CLUSTER_DB_H

#include <stddef.h>
#include <stdint.h>

#include "dqlite_client.h"

/* The database every jsfpm node serves, on the cluster: dqlite replicates
 * databases by name, and every host's broker (broker_cluster.c), --backup
 * (cluster_backup.c) and the tests' driver must use the same one. */
#define CLUSTER_DB_NAME "jsfpm.db"

struct cluster_db;

/* NODES: the cluster's node addresses (copied).  NAME: the database.
 * TIMEOUT_MS bounds each request to a node; WAIT_MS how long a group waits
 * for a leader and retries ([database] write_wait). */
struct cluster_db *cluster_db_new(const char *const *nodes, size_t nnodes, const char *name, int timeout_ms,
                                  int wait_ms);
void cluster_db_free(struct cluster_db *db);

enum cluster_db_status {
  CLUSTER_DB_OK = 0,         /* committed */
  CLUSTER_DB_ERROR,          /* the statement (or the COMMIT) failed: code and message; nothing of it stays */
  CLUSTER_DB_UNAVAILABLE,    /* not run: no leader within WAIT_MS, or it kept refusing */
  CLUSTER_DB_COMMIT_UNKNOWN, /* the COMMIT's answer was lost: committed or not, unknown */
  CLUSTER_DB_BUSY,           /* not run: the leader's write lock stayed taken (another host's
                              * transaction) for WAIT_MS */
};

/* One statement of a group. */
struct cluster_db_stmt {
  const char *sql; /* one statement */
  const struct dqlite_proto_value *params;
  size_t nparams;
  /* Receives its result rows, or NULL.  Its columns callback starts a
   * result: when a group is run again, it comes again and the rows before
   * it are void.  Rows count only if the status ends OK. */
  const struct dqlite_client_rows *rows;
  void *arg;
  /* Runs in the savepoint of the statement before it: the two stand or
   * fall together (a script, an atomic batch: a unit). */
  int joined;
  /* out */
  enum cluster_db_status status;
  uint64_t code;     /* CLUSTER_DB_ERROR: the SQLite extended code */
  char message[256]; /* not OK: what happened */
  int64_t changes;   /* OK: sqlite3_changes() after the statement */
  int64_t last_insert_id;
  /* CLUSTER_DB_ERROR because another statement of its unit failed (it was
   * undone, or not run): that one has the error. */
  int undone;
};

/* Runs the N statements of S as one transaction (see above) and sets each
 * one's status.  Returns how many times the group was run again (after a
 * leader change or a refusal). */
unsigned cluster_db_group(struct cluster_db *db, struct cluster_db_stmt *s, size_t n);

/* An explicit transaction, on the leader's connection (no group may run
 * while it is open).  cluster_db_begin: BEGIN IMMEDIATE, waiting for a
 * leader and retried while the node refuses it (busy, not the leader) up
 * to WAIT_MS; S->status OK, ERROR or UNAVAILABLE.  Inside it,
 * cluster_db_run runs N statements (units, each in its savepoint, as in a
 * group) and cluster_db_control one transaction-control statement (S->sql:
 * SAVEPOINT x, RELEASE x, ROLLBACK TO x).  When the connection to the
 * leader is lost the transaction is gone (dqlite rolls it back): every
 * later statement is UNAVAILABLE, saying so, until cluster_db_end.
 * cluster_db_end: COMMIT (COMMIT_IT) -- OK, ERROR (rolled back),
 * UNAVAILABLE (lost or refused before it was replicated: rolled back),
 * COMMIT_UNKNOWN -- or ROLLBACK (always OK: the transaction is gone). */
void cluster_db_begin(struct cluster_db *db, struct cluster_db_stmt *s);
void cluster_db_run(struct cluster_db *db, struct cluster_db_stmt *s, size_t n);
void cluster_db_control(struct cluster_db *db, struct cluster_db_stmt *s);
void cluster_db_end(struct cluster_db *db, struct cluster_db_stmt *s, int commit_it);

#endif
