/* broker_cluster.h: the broker's requests executed on a dqlite cluster
 * (cluster mode, docs/cluster.md), off the event loop.
 *
 * Two threads, each with its own connection to the cluster's leader
 * (cluster_db.h), each taking its jobs in arrival order:
 * - the group thread: autocommit requests (query, execute, exec, batch).
 *   Whatever has queued while it ran the last group is run as the next
 *   group: one transaction, one COMMIT (one Raft entry), each request in
 *   its own savepoint (cluster_db_group).  Reads are among them, so they
 *   are served by the leader (linearizable).
 * - the transaction thread: explicit transactions (begin, the statements
 *   inside, savepoints, commit, rollback), one at a time: the event loop
 *   lets one connection own a transaction at a time, as on one host.
 * Replies are built on the threads (broker_result.h, the broker's own
 * reply objects) and handed to the event loop, which learns of them
 * through an eventfd and collects them.  Every function here but the
 * threads' own is called from the event loop's thread.
 *
 * Ownership: a job belongs to the queue (p->mu), then to its thread while
 * it runs, then to the done list (p->mu), then to the event loop once
 * collected.  Each thread alone touches its cluster_db connection.  A
 * cancelled job (its connection closed) still runs -- a write may be half
 * way through the cluster -- but its reply is dropped.
 */
#ifndef JSFPM_BROKER_CLUSTER_H
#define JSFPM_BROKER_CLUSTER_H

#include <jansson.h>
#include <stddef.h>

struct broker_cluster;

enum broker_cluster_kind {
  BROKER_CLUSTER_AUTO,     /* an autocommit request: the group thread */
  BROKER_CLUSTER_BEGIN,    /* BEGIN IMMEDIATE, then the request if it is a statement ("begin": true) */
  BROKER_CLUSTER_TX,       /* a statement request inside the open transaction */
  BROKER_CLUSTER_CONTROL,  /* SQL: SAVEPOINT x, RELEASE x, ROLLBACK TO x inside it */
  BROKER_CLUSTER_COMMIT,   /* COMMIT */
  BROKER_CLUSTER_ROLLBACK, /* ROLLBACK */
};

struct broker_cluster_options {
  const char *const *nodes; /* the cluster's node addresses */
  size_t nnodes;
  int timeout_ms;        /* one request to a node */
  int wait_ms;           /* waiting for a leader, retrying ([database] write_wait) */
  long max_result_rows;  /* 0 = none */
  long max_result_bytes; /* 0 = none */
  const char *app_root;  /* its migrations/ are applied on the cluster */
  int migrate_wait_ms;   /* how long the migrations wait for the cluster at start */
};

/* Applies the app's migrations on the cluster, then starts the threads.
 * Returns NULL with ERR set on failure. */
struct broker_cluster *broker_cluster_new(const struct broker_cluster_options *opt, int *applied, char *err,
                                          size_t errlen);
/* Lets the running jobs finish (each is bounded by the options'
 * timeouts), drops the rest, joins the threads. */
void broker_cluster_free(struct broker_cluster *p);

/* Readable while finished jobs wait for broker_cluster_collect. */
int broker_cluster_fd(const struct broker_cluster *p);

/* Queues a job: REQ (a reference is taken; NULL for an internal ROLLBACK),
 * SQL (BROKER_CLUSTER_CONTROL only), COOKIE (NULL: no reply wanted).
 * Returns 0, or -1 when out of memory. */
int broker_cluster_submit(struct broker_cluster *p, enum broker_cluster_kind kind, json_t *req,
                          const char *sql, void *cookie);

/* Calls FN(COOKIE, REQ, REPLY (stolen; NULL when out of memory), ARG) for
 * every finished job that has a cookie, oldest first. */
typedef void broker_cluster_done_fn(void *cookie, json_t *reply, void *arg);
void broker_cluster_collect(struct broker_cluster *p, broker_cluster_done_fn *fn, void *arg);
/* COOKIE's jobs will have no reply (its connection closed). */
void broker_cluster_cancel(struct broker_cluster *p, void *cookie);
/* Jobs queued or running. */
unsigned broker_cluster_active(const struct broker_cluster *p);

/* The reply for a statement of the cluster that did not end OK: its error
 * (CLUSTER_DB_ERROR: the SQLite code, as on one host), JSFPM_NO_QUORUM
 * (not run: no leader within write_wait) or JSFPM_COMMIT_UNKNOWN.  STATUS
 * is an enum cluster_db_status.  NULL when out of memory. */
json_t *broker_cluster_status_reply(const json_t *id, int status, unsigned long long code,
                                    const char *message);

#endif
