/* broker_internal.h: the broker process's state, shared by its files only
 * (broker.c: the loop, connections, requests, slow reads; broker_writer.c:
 * the writer: explicit transactions, waiting for the writer, group
 * commits, checkpoints when writes pause).  broker.h is the public surface.
 */
#ifndef JSFPM_BROKER_INTERNAL_H
#define JSFPM_BROKER_INTERNAL_H

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

#include "broker_cluster.h"
#include "broker_db.h"
#include "broker_reads.h"
#include "clock.h"
#include "config.h"
#include "db_proto.h"
#include "frame.h"
#include "list.h"
#include "log.h"

/* Unsent reply bytes above which a connection's input is left unread. */
#define BROKER_OUTPUT_HIGH_BYTES (16u * 1024u * 1024u)
/* How long a connection being closed may take to read its last replies. */
#define BROKER_CLOSE_FLUSH_MS 5000
/* Pause after accept() fails for lack of resources (EMFILE...), so the loop
 * does not spin on a listener that stays readable. */
#define BROKER_ACCEPT_RETRY_MS 500

/* Cluster mode: a request to a node may take write_wait (the leader's
 * busy timeout) and this much more before it counts as lost. */
#define BROKER_CLUSTER_REQUEST_SLACK_MS 1000
/* Cluster mode: how long the start waits for the cluster to apply the
 * migrations (nodes starting, an election). */
#define BROKER_CLUSTER_MIGRATE_WAIT_MS 60000

/* Idle time after the last commit before the WAL is checkpointed. */
#define BROKER_CHECKPOINT_IDLE_MS 1000
/* Event priorities: sockets first, then the writer scheduler, so that one
 * loop iteration collects the writes of every ready connection before they
 * are committed together. */
#define PRIO_COUNT 3
#define PRIO_IO 1 /* libevent's default: PRIO_COUNT / 2 */
#define PRIO_WRITER 2
/* Most transactions in one commit chain (broker_writer.c): each waits for
 * the ones after it, so the chain is kept short. */
#define BROKER_TX_CHAIN_MAX 8

struct broker;

/* Why a connection's head request is parked. */
enum conn_wait {
  WAIT_NONE,
  WAIT_GROUP,   /* an autocommit write in the next group commit */
  WAIT_WRITER,  /* in the FIFO b->waiters: another connection holds the writer */
  WAIT_READ,    /* a read running on a read thread (broker_reads) */
  WAIT_COMMIT,  /* its transaction's commit, in the chain's shared COMMIT (b->chain) */
  WAIT_CLUSTER, /* cluster mode: its request runs on a cluster thread (b->cluster) */
};

/* Cluster mode: what the reply to a connection's request on the cluster
 * changes in its transaction. */
enum cluster_after {
  AFTER_REPLY,     /* nothing */
  AFTER_BEGIN,     /* the transaction began, or did not (the owner is released) */
  AFTER_SAVEPOINT, /* one level more, if the savepoint was made */
  AFTER_RELEASE,   /* one level less, if it was released or rolled back */
  AFTER_END,       /* the transaction is over (committed, rolled back, or failed) */
};

/* One worker connection. */
struct broker_conn {
  struct broker *b;
  struct bufferevent *bev;
  struct list link; /* in b->conns */
  pid_t pid;        /* peer, from SO_PEERCRED, for log lines */
  uid_t uid;
  unsigned long long nrequests;
  int paused;  /* input left unread until the output drains */
  int closing; /* after a bad frame: flush replies already made, then close */
  /* The request that cannot run yet; frames after it stay in the input
   * buffer, so replies keep request order. */
  json_t *pending;
  int pending_begin; /* it begins a transaction (op begin, or "begin": true) */
  enum conn_wait wait;
  struct list wait_link;    /* in b->waiters while WAIT_WRITER */
  struct event *wait_timer; /* write_wait expiry while WAIT_WRITER */
  int tx_depth;             /* > 0: this connection owns the writer's transaction */
  int tx_chained;           /* its transaction is SAVEPOINT jsfpm_chain in a commit chain */
  int tx_killed;            /* its transaction was rolled back (tx_timeout): the next call says so */
  int warned_old_protocol;  /* its protocol 1 frames are logged once */
  enum cluster_after after; /* WAIT_CLUSTER: what its reply changes */
};

struct broker {
  const struct jsfpm_config *cfg;
  struct event_base *base;
  struct broker_db *db;           /* one host: the SQLite database (NULL in cluster mode) */
  struct broker_cluster *cluster; /* cluster mode: the threads that run requests on the cluster */
  struct event *cluster_ev;       /* their replies are ready */
  struct broker_reads *reads;     /* threads for reads longer than a slice (one host) */
  struct event *reads_ev;         /* their replies are ready */
  struct evconnlistener *listener;
  struct event *accept_retry;
  struct event *signals[3];
  struct event *usr1_ev; /* SIGUSR1: reopen the log (rotation) */
  struct list conns;     /* struct broker_conn, newest first */
  int stop_signal;
  /* The writer: at most one owner (explicit transaction) at a time; when
   * there is none, queued autocommit writes are committed as a group. */
  struct broker_conn *owner;
  struct event *tx_timer; /* tx_timeout of the owner's transaction */
  struct list waiters;    /* WAIT_WRITER connections (wait_link), arrival order */
  size_t nwaiting;
  struct broker_conn **group; /* WAIT_GROUP connections, arrival order */
  size_t ngroup, group_cap;
  /* The commit chain: transactions whose commit is done inside the
   * writer's transaction, still open for the transactions that were
   * waiting for the writer; one COMMIT (one fsync) acknowledges them all. */
  struct broker_conn *chain[BROKER_TX_CHAIN_MAX]; /* WAIT_COMMIT, commit order */
  size_t nchain;
  /* From the first commit put off until the chain's COMMIT: the writer's
   * transaction holds commits.  Not nchain > 0: a member whose worker dies
   * leaves the chain, but its changes stay in the transaction, which must
   * still be ended when the last member is gone. */
  int chain_open;
  struct event *writer_ev; /* runs the group and admits waiters (PRIO_WRITER) */
  struct event *idle_ev;   /* WAL checkpoint when writes pause */
  unsigned long long group_commits, grouped_writes, transactions, tx_timeouts, busy_errors, nconns;
  unsigned long long chain_commits, chained_transactions; /* COMMITs of chains of 2 or more, their members */
  unsigned long long slow_reads;                          /* reads moved to a read thread */
  unsigned long long frames;                              /* requests decoded, for busy polling */
  unsigned long long errors;                              /* error replies sent, whatever their cause */
};

/* broker.c */
void broker_writer_kick(struct broker *b);
void broker_idle_kick(struct broker *b);
void broker_reply_set_tx(json_t *reply, int depth);
void broker_waiters_remove(struct broker *b, struct broker_conn *c);
void broker_writer_release(struct broker *b);
int broker_conn_reply(struct broker_conn *c, const json_t *req, json_t *reply);
/* Parks REQ (a new reference) as C's head request until WAIT ends; one at
 * a time.  broker_conn_unpark hands it back (the caller's reference). */
void broker_conn_park(struct broker_conn *c, json_t *req, enum conn_wait wait);
json_t *broker_conn_unpark(struct broker_conn *c);
int broker_conn_process(struct broker_conn *c);
/* The reply to C's request REQ once its begin was answered BEGIN_REPLY
 * (stolen): that reply for a begin or a failed begin; for a statement
 * with "begin": true, whose begin succeeded, the statement's. */
json_t *broker_begun(struct broker_conn *c, json_t *req, json_t *begin_reply);

/* broker_writer.c */
json_t *broker_tx_begin(struct broker_conn *c, const json_t *id);
json_t *broker_tx_end(struct broker_conn *c, json_t *req, enum db_op op, int all);
/* Undoes the owner C's whole transaction (its own savepoint only, in a
 * commit chain); returns the reply (NULL: out of memory).  The caller
 * releases the writer. */
json_t *broker_tx_undo(struct broker_conn *c);
/* C, closed while its commit waits in the chain, leaves it (the commit
 * stands). */
void broker_chain_remove(struct broker *b, struct broker_conn *c);
/* At stop: the owner's part of a commit chain is undone and the chain's
 * transactions committed, their replies queued. */
void broker_writer_stop(struct broker *b);
json_t *broker_wait_for_writer(struct broker_conn *c, json_t *req, int begin);
int broker_group_join(struct broker_conn *c, json_t *req);
void broker_wait_timer_cb(evutil_socket_t fd, short what, void *arg);
void broker_tx_timer_cb(evutil_socket_t fd, short what, void *arg);
void broker_writer_cb(evutil_socket_t fd, short what, void *arg);
void broker_idle_cb(evutil_socket_t fd, short what, void *arg);
/* Cluster mode: hands C's request REQ to the cluster (KIND, SQL: see
 * broker_cluster_submit); C waits for the reply.  Returns NULL (parked;
 * c->pending unset when out of memory). */
json_t *broker_cluster_send(struct broker_conn *c, json_t *req, enum broker_cluster_kind kind,
                            const char *sql, enum cluster_after after);
/* Cluster mode: C takes the writer and its BEGIN (and the statement of a
 * request with "begin": true) goes to the cluster.  NULL (parked). */
json_t *broker_cluster_begin(struct broker_conn *c, json_t *req);
/* Cluster mode: the reply to C's request on the cluster (stolen). */
void broker_cluster_replied(struct broker_conn *c, json_t *reply);

#endif
