/* cluster_node.c: the dqlite node process (see cluster_node.h).
 *
 * Membership is managed as dqlite's own tooling (go-dqlite's app package,
 * dqlite_server_*) does it:
 *   1. The data directory is created (mode 0700) when missing; a symlink
 *      is refused.  An empty one means a new node.
 *   2. A new node 1 bootstraps a one-node cluster (dqlite_node_start does
 *      it for node id 1 without Raft state) -- unless one of its peers
 *      already belongs to a cluster: node 1 with a lost data directory
 *      would otherwise start a second cluster beside the first.
 *   3. dqlite_node_start: the node serves clients and Raft on its address,
 *      from its own thread.  Role management is on: the leader keeps 3
 *      voters and up to 3 stand-bys among the nodes that answer, promoting
 *      and demoting them (dqlite's roles.c).  dqlite reaches its peers
 *      through node_connect, which gives up on an unreachable one.
 *   4. Until the node finds itself among the members, every second it asks
 *      the leader (found through any node) for the member list and, if it
 *      is missing, to add it (as a spare; the leader promotes it).  A node
 *      id or an address the cluster already gives another node is refused
 *      for good.
 *   5. Cluster identity (cluster_identity.h): before a node with Raft data
 *      starts, its data_dir's identity file must name this node and, when
 *      a leader among its peers answers, the cluster that leader keeps; a
 *      new node's file is written before dqlite writes anything.  Once a
 *      member, the node learns the cluster's identity from the leader (the
 *      first member to ask records one) and records it in its file, or,
 *      having started with no leader to ask, refuses then.
 *   6. On SIGTERM, SIGINT or SIGQUIT it hands its leadership and vote over
 *      to the others (dqlite_node_handover), then stops.
 * Signals are blocked in every thread and taken with sigtimedwait, so no
 * handler runs inside the library; SIGPIPE is ignored (a peer that aborts
 * mid-write must not kill the node).
 */
#include "autoconfig.h"

#include "cluster_node.h"

#include <dqlite.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cluster_identity.h"
#include "config.h"
#include "dqlite_client.h"
#include "log.h"

/* How often a node that is not a member yet tries to join. */
#define CLUSTER_JOIN_RETRY_MS 1000

/* The stop signals, and where to wait for them. */
static const int cluster_stop_signals[] = {SIGTERM, SIGINT, SIGQUIT};

/* How long one request to a node may take: Raft's own election timeout
 * (15x the latency) plus room for a loaded host. */
static int request_timeout_ms(const struct jsfpm_config *cfg) {
  return 15 * cfg->cluster_network_latency_ms + 2000;
}

/* Opens (creating when missing, mode 0700) the data directory; sets *FRESH
 * when it holds no Raft state (cluster_identity_dir_fresh: a new node;
 * a node 1 asks its peers before it bootstraps).  Returns 0, or -1
 * (logged). */
static int data_dir_prepare(const char *path, bool *fresh) {
  if (mkdir(path, 0700) != 0 && errno != EEXIST) {
    log_error("cluster data_dir %s: cannot create it: %s", path, strerror(errno));
    return -1;
  }
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    log_error("cluster data_dir %s: %s", path,
              errno == ELOOP ? "is a symbolic link (refused: point data_dir at the real directory)"
                             : strerror(errno));
    return -1;
  }
  int rc = cluster_identity_dir_fresh(fd);
  if (rc < 0) {
    log_error("cluster data_dir %s: %s", path, strerror(errno));
    return -1;
  }
  *fresh = rc == 1;
  return 0;
}

/* For a new node 1: whether a peer already lists members (belongs to a
 * cluster).  Peers that do not answer, or know no cluster yet (new nodes
 * starting together), do not count.  Returns true with WHO naming it. */
static bool peer_has_cluster(char **nodes, size_t nnodes, int timeout_ms, char *who, size_t wholen) {
  for (size_t i = 1; i < nnodes; i++) { /* nodes[0] is this node */
    char err[256];
    struct dqlite_client *c = dqlite_client_connect(nodes[i], timeout_ms, err, sizeof err);
    if (c == NULL) continue;
    struct dqlite_client_member *members;
    size_t count = 0;
    if (dqlite_client_cluster(c, &members, &count) == DQLITE_CLIENT_OK) free(members);
    dqlite_client_close(c);
    if (count > 0) {
      snprintf(who, wholen, "%s (a cluster of %zu)", nodes[i], count);
      return true;
    }
  }
  return false;
}

enum join_state {
  JOIN_PENDING, /* not a member yet, or not known: try again */
  JOIN_MEMBER,  /* the cluster lists this node with its address */
  JOIN_REFUSED, /* the cluster gives this id or address to another node */
};

/* Whether MEMBERS list this node (ID at ADDRESS); REFUSED with WHY when the
 * id or the address is another node's. */
static enum join_state find_self(const struct dqlite_client_member *members, size_t count, uint64_t id,
                                 const char *address, char *why, size_t whylen) {
  for (size_t i = 0; i < count; i++) {
    bool same_id = members[i].id == id, same_address = strcmp(members[i].address, address) == 0;
    if (same_id && same_address) return JOIN_MEMBER;
    if (same_id || same_address) {
      snprintf(why, whylen,
               "the cluster has node %llu at %s, this node is %llu at %s: node ids and addresses "
               "are never reused (give a new node a new node_id; see docs/cluster.md)",
               (unsigned long long)members[i].id, members[i].address, (unsigned long long)id, address);
      return JOIN_REFUSED;
    }
  }
  return JOIN_PENDING;
}

/* One attempt to confirm or obtain membership, through the leader.  WHY
 * says what stood in the way. */
static enum join_state join_step(const struct jsfpm_config *cfg, char **nodes, size_t nnodes, char *why,
                                 size_t whylen) {
  char err[900];
  uint64_t id = (uint64_t)cfg->cluster_node_id;
  struct dqlite_client *c = dqlite_client_connect_leader((const char *const *)nodes, nnodes,
                                                         request_timeout_ms(cfg), err, sizeof err);
  if (c == NULL) {
    snprintf(why, whylen, "no leader found: %s", err);
    return JOIN_PENDING;
  }
  struct dqlite_client_member *members = NULL;
  size_t count = 0;
  enum join_state state = JOIN_PENDING;
  if (dqlite_client_cluster(c, &members, &count) != DQLITE_CLIENT_OK) {
    snprintf(why, whylen, "leader %s: member list: %s", dqlite_client_address(c), dqlite_client_errmsg(c));
  } else {
    state = find_self(members, count, id, cfg->cluster_address, why, whylen);
    if (state == JOIN_PENDING) {
      if (dqlite_client_add(c, id, cfg->cluster_address) == DQLITE_CLIENT_OK) {
        log_notice("joined the cluster through leader %s (as a spare; the leader assigns roles)",
                   dqlite_client_address(c));
        state = JOIN_MEMBER;
      } else {
        snprintf(why, whylen, "leader %s refused to add this node: %s", dqlite_client_address(c),
                 dqlite_client_errmsg(c));
      }
    }
  }
  free(members);
  dqlite_client_close(c);
  return state;
}

/* Whether the cluster's leader lists this node as a voter.  Hand-over is
 * for voters only: dqlite_node_handover never returns on a node whose own
 * Raft configuration is empty (a spare gets no log entries; a node that
 * has not joined has none): pollCluster (roles.c) then starts no poll and
 * never calls back. */
static bool is_voter(const struct jsfpm_config *cfg, char **nodes, size_t nnodes) {
  char err[900];
  struct dqlite_client *c = dqlite_client_connect_leader((const char *const *)nodes, nnodes,
                                                         request_timeout_ms(cfg), err, sizeof err);
  if (c == NULL) return false;
  struct dqlite_client_member *members = NULL;
  size_t count = 0;
  bool voter = false;
  if (dqlite_client_cluster(c, &members, &count) == DQLITE_CLIENT_OK)
    for (size_t i = 0; i < count; i++)
      voter |= members[i].id == (uint64_t)cfg->cluster_node_id && members[i].role == DQLITE_PROTO_VOTER;
  free(members);
  dqlite_client_close(c);
  return voter;
}

/* A row of the identity query: its value into ARG when it is one. */
static int identity_row(void *arg, unsigned ncolumns, const struct dqlite_proto_value *values) {
  char *out = arg;
  if (ncolumns == 1 && values[0].type == DQLITE_PROTO_TEXT && values[0].len == CLUSTER_IDENTITY_HEX) {
    memcpy(out, values[0].bytes, CLUSTER_IDENTITY_HEX);
    out[CLUSTER_IDENTITY_HEX] = '\0';
    if (!cluster_identity_valid(out)) out[0] = '\0';
  }
  return 0;
}

/* The cluster's identity as leader C keeps it (database
 * CLUSTER_IDENTITY_DB) into OUT, "" when it keeps none; with PROPOSED,
 * recorded first if there is none (the first node to ask sets it for good:
 * a single row).  Returns 0, or -1 with WHY. */
static int identity_on_leader(struct dqlite_client *c, const char *proposed, char *out, char *why,
                              size_t whylen) {
  const struct dqlite_client_rows rows = {.row = identity_row};
  struct dqlite_proto_value value = {.type = DQLITE_PROTO_TEXT, .bytes = proposed};
  struct dqlite_client_result result;
  uint32_t db;
  out[0] = '\0';
  int rc = dqlite_client_open(c, CLUSTER_IDENTITY_DB, &db);
  if (rc == DQLITE_CLIENT_OK)
    rc = dqlite_client_exec_sql(c, db,
                                "CREATE TABLE IF NOT EXISTS identity("
                                "k INTEGER PRIMARY KEY CHECK (k = 1), cluster TEXT NOT NULL)",
                                NULL, 0, &result);
  if (rc == DQLITE_CLIENT_OK && proposed != NULL) {
    value.len = strlen(proposed);
    rc = dqlite_client_exec_sql(c, db, "INSERT OR IGNORE INTO identity VALUES (1, ?)", &value, 1, &result);
  }
  if (rc == DQLITE_CLIENT_OK)
    rc = dqlite_client_query_sql(c, db, "SELECT cluster FROM identity WHERE k = 1", NULL, 0, &rows, out);
  if (rc != DQLITE_CLIENT_OK) {
    snprintf(why, whylen, "leader %s: the cluster's identity: %s", dqlite_client_address(c),
             dqlite_client_errmsg(c));
    return -1;
  }
  return 0;
}

/* The refusal of a node whose data_dir holds MINE's cluster, not THEIRS
 * (the cluster leader C keeps), into WHY. */
static void identity_mismatch(const struct jsfpm_config *cfg, const char *mine, const char *theirs,
                              struct dqlite_client *c, char *why, size_t whylen) {
  snprintf(why, whylen,
           "data_dir %s holds the data of cluster %s, but the cluster of this node's peers is %s (its "
           "leader %s says): a node never runs on another cluster's data; to join this cluster, stop "
           "jsfpm, empty data_dir (move its files away) and start again as a new node (a node_id and an "
           "address the cluster never had), or point data_dir at this node's own data "
           "(docs/cluster.md, \"Cluster identity\")",
           cfg->cluster_data_dir, mine, theirs, dqlite_client_address(c));
}

/* The cluster's identity from the leader, against MINE's: REFUSED when it
 * is another.  With RECORD (once a member), MINE's or a new one is
 * recorded first if the cluster has none, and the cluster's recorded in
 * data_dir's file if MINE did not know it; without (before asking to be
 * added), a cluster that has none is no obstacle.  WHY says what stood in
 * the way. */
static enum join_state identity_step(const struct jsfpm_config *cfg, char **nodes, size_t nnodes, bool record,
                                     struct cluster_identity *mine, char *why, size_t whylen) {
  char err[900], proposed[CLUSTER_IDENTITY_HEX + 1], theirs[CLUSTER_IDENTITY_HEX + 1];
  if (mine->cluster[0] != '\0')
    memcpy(proposed, mine->cluster, sizeof proposed);
  else if (record && cluster_identity_generate(proposed) != 0)
    return snprintf(why, whylen, "getrandom: %s", strerror(errno)), JOIN_PENDING;
  struct dqlite_client *c = dqlite_client_connect_leader((const char *const *)nodes, nnodes,
                                                         request_timeout_ms(cfg), err, sizeof err);
  if (c == NULL) return snprintf(why, whylen, "no leader found: %s", err), JOIN_PENDING;
  enum join_state state = JOIN_PENDING;
  if (identity_on_leader(c, record ? proposed : NULL, theirs, why, whylen) != 0) {
    /* WHY says it; asked again in a second */
  } else if (theirs[0] == '\0') {
    if (record)
      snprintf(why, whylen, "leader %s: no cluster identity recorded", dqlite_client_address(c));
    else
      state = JOIN_MEMBER;
  } else if (mine->cluster[0] == '\0') {
    memcpy(mine->cluster, theirs, sizeof mine->cluster);
    if (cluster_identity_write(cfg->cluster_data_dir, mine, why, whylen) == 0) {
      log_notice("cluster node %d: cluster identity %s recorded in %s/%s", cfg->cluster_node_id, theirs,
                 cfg->cluster_data_dir, CLUSTER_IDENTITY_FILE);
      state = JOIN_MEMBER;
    } else {
      mine->cluster[0] = '\0'; /* written at the next attempt */
    }
  } else if (strcmp(theirs, mine->cluster) != 0) {
    identity_mismatch(cfg, mine->cluster, theirs, c, why, whylen);
    state = JOIN_REFUSED;
  } else {
    state = JOIN_MEMBER;
  }
  dqlite_client_close(c);
  return state;
}

/* Before the node starts: MINE from data_dir's identity file, which must
 * name this node; a new data_dir (FRESH), or one without the file (written
 * before jsfpm kept one), gets one, the cluster unknown.  When the file knows the cluster,
 * a leader among the peers, if one answers, must keep the same one.  Returns 0 to start, else the exit status (logged):
 * CLUSTER_NODE_EXIT_REFUSED, or 1 when the file cannot be written. */
static int identity_check_start(const struct jsfpm_config *cfg, bool fresh, char **nodes, size_t nnodes,
                                struct cluster_identity *mine) {
  char why[1500];
  uint64_t id = (uint64_t)cfg->cluster_node_id;
  /* Without Raft state the file describes nothing yet (a first start that
   * failed, say, before the address was corrected): written anew. */
  int found = fresh ? 0
                    : cluster_identity_read_node(cfg->cluster_data_dir, id, cfg->cluster_address, mine, why,
                                                 sizeof why);
  if (found < 0) {
    log_error("cluster node %d refused: %s", cfg->cluster_node_id, why);
    return CLUSTER_NODE_EXIT_REFUSED;
  }
  if (found == 0) {
    if (!fresh)
      log_notice("cluster node %d: data_dir %s has Raft data but no %s (written before jsfpm kept one): "
                 "this node takes the identity of the cluster it finds",
                 cfg->cluster_node_id, cfg->cluster_data_dir, CLUSTER_IDENTITY_FILE);
    *mine = (struct cluster_identity){.node_id = id};
    snprintf(mine->address, sizeof mine->address, "%s", cfg->cluster_address);
    if (cluster_identity_write(cfg->cluster_data_dir, mine, why, sizeof why) != 0) {
      log_error("cluster node %d: cannot write its identity: %s", cfg->cluster_node_id, why);
      return 1;
    }
    return 0;
  }
  if (mine->cluster[0] == '\0' || nnodes < 2) return 0;
  /* nodes[0] is this node, not started yet: its peers are asked. */
  switch (identity_step(cfg, nodes + 1, nnodes - 1, false, mine, why, sizeof why)) {
  case JOIN_REFUSED:
    log_error("cluster node %d refused: %s", cfg->cluster_node_id, why);
    return CLUSTER_NODE_EXIT_REFUSED;
  case JOIN_PENDING:
    log_info("cluster node %d: %s: the cluster's identity is checked once a leader answers",
             cfg->cluster_node_id, why);
    return 0;
  default: return 0;
  }
}

/* dqlite's connect function (dqlite_node_set_connect_func): a TCP
 * connection to a peer, given up after request_timeout_ms.  dqlite's own
 * makes a blocking connect() with no timeout, from libuv's thread pool
 * (role management's polls, Raft's connections); to a peer cut off by a
 * partition each such call held a pool thread for minutes (SYN retries),
 * and with the pool's threads all held the leader's disk writes and
 * commits waited behind them: the majority side stopped answering SQL
 * (docs/cluster.md, "A voter cut off by a partition").  Returns 0 with a
 * blocking socket in *FD, as dqlite's (it writes its handshake with plain
 * write()s), or 1. */
static int node_connect(void *arg, const char *address, int *fd) {
  const struct jsfpm_config *cfg = arg;
  char err[256];
  int s = dqlite_client_dial(address, request_timeout_ms(cfg), err, sizeof err);
  if (s < 0) return 1;
  int flags = fcntl(s, F_GETFL);
  if (flags < 0 || fcntl(s, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    close(s);
    return 1;
  }
  *fd = s;
  return 0;
}

/* Creates and starts the node.  Returns it, or NULL (logged). */
static dqlite_node *node_start(const struct jsfpm_config *cfg) {
  dqlite_node *node = NULL;
  int rc = dqlite_node_create((dqlite_node_id)cfg->cluster_node_id, cfg->cluster_address,
                              cfg->cluster_data_dir, &node);
  const char *step = "dqlite_node_create";
  if (rc == 0) step = "set_bind_address", rc = dqlite_node_set_bind_address(node, cfg->cluster_address);
  if (rc == 0)
    step = "set_network_latency_ms",
    rc = dqlite_node_set_network_latency_ms(node, (unsigned)cfg->cluster_network_latency_ms);
  /* Writes from the brokers of several hosts queue on the leader for up to
   * write_wait instead of failing "database is locked" at once. */
  if (rc == 0)
    step = "set_busy_timeout", rc = dqlite_node_set_busy_timeout(node, (unsigned)cfg->db_write_wait_ms);
  if (rc == 0) step = "set_connect_func", rc = dqlite_node_set_connect_func(node, node_connect, (void *)cfg);
  if (rc == 0) step = "enable_role_management", rc = dqlite_node_enable_role_management(node);
  if (rc == 0) step = "set_target_voters", rc = dqlite_node_set_target_voters(node, CLUSTER_VOTERS);
  if (rc == 0) step = "set_target_standbys", rc = dqlite_node_set_target_standbys(node, CLUSTER_STANDBYS);
  if (rc == 0) step = "dqlite_node_start", rc = dqlite_node_start(node);
  if (rc != 0) {
    const char *why = node ? dqlite_node_errmsg(node) : "out of memory";
    if (why[0] == '\0' && strcmp(step, "set_bind_address") == 0)
      why = "cannot listen there (the port is taken, or the address is not one of this host's)";
    log_error("cluster node %d at %s: %s failed: %s", cfg->cluster_node_id, cfg->cluster_address, step, why);
    dqlite_node_destroy(node);
    return NULL;
  }
  return node;
}

/* Waits up to TIMEOUT_MS for a signal of SET.  Returns the signal, or 0. */
static int wait_signal(const sigset_t *set, int timeout_ms) {
  struct timespec ts = clock_timespec(timeout_ms);
  int sig = sigtimedwait(set, NULL, &ts);
  if (sig < 0 && errno != EAGAIN && errno != EINTR) log_error("sigtimedwait: %s", strerror(errno));
  return sig < 0 ? 0 : sig;
}

/* The steps of a node until it runs as a member of its cluster. */
enum serve_step {
  STEP_CHECK,  /* a node that knows its cluster checks it before it asks to be added */
  STEP_JOIN,   /* join_step */
  STEP_RECORD, /* identity_step, recording */
  STEP_DONE,
};

/* Serves until a stop signal; meanwhile checks the cluster's identity
 * (MINE), joins, then learns or records it.  Returns the exit status. */
static int node_serve(const struct jsfpm_config *cfg, const sigset_t *set, char **nodes, size_t nnodes,
                      struct cluster_identity *mine) {
  enum serve_step step = mine->cluster[0] != '\0' ? STEP_CHECK : STEP_JOIN;
  char why[1500] = "", last[1500] = "";
  for (;;) {
    if (step != STEP_DONE) {
      enum join_state state =
          step == STEP_JOIN ? join_step(cfg, nodes, nnodes, why, sizeof why)
                            : identity_step(cfg, nodes, nnodes, step == STEP_RECORD, mine, why, sizeof why);
      if (state == JOIN_REFUSED) {
        log_error("cluster node %d refused: %s", cfg->cluster_node_id, why);
        return CLUSTER_NODE_EXIT_REFUSED;
      }
      if (state == JOIN_PENDING) {
        if (strcmp(why, last) != 0) /* each new reason once, not every second */
          log_info("cluster node %d waiting to join: %s", cfg->cluster_node_id, why);
        snprintf(last, sizeof last, "%s", why);
      } else {
        if (step == STEP_JOIN) log_info("cluster node %d is a member", cfg->cluster_node_id);
        step++;
        continue; /* the next step at once */
      }
    }
    int sig = wait_signal(set, CLUSTER_JOIN_RETRY_MS);
    if (sig == SIGUSR1) {
      if (log_reopen() != 0) log_error("cannot reopen the log: %s", strerror(errno));
    } else if (sig != 0) {
      log_info("stopping on signal %d", sig);
      return 0;
    }
  }
}

int cluster_node_main(const struct jsfpm_config *cfg) {
  log_set_role("cluster");
  struct sigaction ign = {.sa_handler = SIG_IGN};
  sigemptyset(&ign.sa_mask);
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof cluster_stop_signals / sizeof cluster_stop_signals[0]; i++)
    sigaddset(&set, cluster_stop_signals[i]);
  sigaddset(&set, SIGUSR1);
  /* Blocked before dqlite starts its threads, so they inherit the mask. */
  if (sigaction(SIGPIPE, &ign, NULL) != 0 || sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
    log_error("cannot set up signals: %s", strerror(errno));
    return 1;
  }
  bool fresh;
  if (data_dir_prepare(cfg->cluster_data_dir, &fresh) != 0) return 1;
  size_t nnodes;
  char **nodes = config_cluster_nodes(cfg, &nnodes);
  char who[300];
  if (fresh && cfg->cluster_node_id == 1 &&
      peer_has_cluster(nodes, nnodes, request_timeout_ms(cfg), who, sizeof who)) {
    log_error("cluster node 1: data_dir %s is empty but peer %s already forms a cluster: "
              "bootstrapping would start a second, separate cluster; restore this node's data_dir, "
              "or give it a new node_id so that it joins (docs/cluster.md)",
              cfg->cluster_data_dir, who);
    config_nodes_free(nodes);
    return CLUSTER_NODE_EXIT_REFUSED;
  }
  struct cluster_identity mine;
  int refused = identity_check_start(cfg, fresh, nodes, nnodes, &mine);
  if (refused != 0) {
    config_nodes_free(nodes);
    return refused;
  }
  dqlite_node *node = node_start(cfg);
  if (node == NULL) {
    config_nodes_free(nodes);
    return 1;
  }
  log_notice("cluster node %d serving on %s (%s data in %s, dqlite %s)", cfg->cluster_node_id,
             cfg->cluster_address, fresh ? "new" : "existing", cfg->cluster_data_dir, dqlite_version_string);
  int status = node_serve(cfg, &set, nodes, nnodes, &mine);
  /* A voter hands over first, so the others need no election timeout to
   * go on. */
  int rc = status == 0 && is_voter(cfg, nodes, nnodes) ? dqlite_node_handover(node) : 0;
  config_nodes_free(nodes);
  /* Not an error as such: without a stand-by or spare to take this node's
   * vote (three nodes), dqlite passes leadership on and reports failure. */
  if (rc != 0)
    log_info("cluster node %d: handover incomplete (dqlite returns %d): leadership passed on if this "
             "node had it; no online stand-by could take its vote",
             cfg->cluster_node_id, rc);
  rc = dqlite_node_stop(node);
  if (rc != 0) log_error("cluster node %d: stop failed (%d)", cfg->cluster_node_id, rc);
  dqlite_node_destroy(node);
  return rc != 0 ? 1 : status;
}
