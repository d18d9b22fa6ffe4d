/* cluster_remove.c: removing a node from the cluster (see cluster_remove.h).
 *
 * Why the refusals:
 * - The leader: dqlite's REMOVE of the leader itself makes it step down
 *   once the change commits, and the cluster then goes through an election
 *   (writes stop for seconds).  Stopping its jsfpm first hands leadership
 *   over at once (cluster_node.c, on SIGTERM), without one.
 * - A running node: it would stay up outside the cluster, its host's
 *   broker still serving, and its next start would add it back (a node
 *   not among the members joins).  Its jsfpm must be stopped first.
 * - Voters: role management keeps 3 voters, promoting stand-bys; removing
 *   a voter when no stand-by can take its place leaves the cluster one
 *   failure from losing its quorum.  Adding a host first is the safe
 *   order.  (With a leader and the removed node down, the remaining
 *   voters always hold a quorum of the new configuration: the leader's
 *   quorum was among them.)
 */
#include "autoconfig.h"

#include "cluster_remove.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_node.h"
#include "config.h"
#include "dqlite_client.h"

/* Finding the leader; the removal itself waits for a Raft commit. */
#define CLUSTER_REMOVE_TIMEOUT_MS 5000
/* Whether the node to remove still answers: it runs on a private network. */
#define CLUSTER_REMOVE_PROBE_MS 1000

static int parse_id(const char *s, uint64_t *id) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v == 0 || s[0] == '-') return -1;
  *id = v;
  return 0;
}

/* Whether a dqlite node answers at ADDRESS. */
static int node_answers(const char *address) {
  char err[256];
  uint64_t id;
  char leader[128];
  struct dqlite_client *c = dqlite_client_connect(address, CLUSTER_REMOVE_PROBE_MS, err, sizeof err);
  int answers = c != NULL && dqlite_client_leader(c, &id, leader, sizeof leader) == DQLITE_CLIENT_OK;
  dqlite_client_close(c);
  return answers;
}

const char *cluster_remove_check(const struct dqlite_client_member *members, size_t count, uint64_t id,
                                 uint64_t leader_id, char *why, size_t whylen) {
  const struct dqlite_client_member *target = NULL;
  size_t voters = 0, standbys = 0;
  for (size_t i = 0; i < count; i++) {
    if (members[i].id == id) target = &members[i];
    voters += members[i].role == DQLITE_PROTO_VOTER;
    standbys += members[i].role == DQLITE_PROTO_STANDBY;
  }
  if (target == NULL) {
    snprintf(why, whylen, "node %llu is not a member of the cluster", (unsigned long long)id);
    return why;
  }
  if (id == leader_id) {
    snprintf(why, whylen,
             "node %llu at %s leads the cluster: stop jsfpm on that host first (on SIGTERM it hands "
             "leadership over to another voter), then run --cluster-remove again",
             (unsigned long long)id, target->address);
    return why;
  }
  size_t keep = voters < CLUSTER_VOTERS ? voters : CLUSTER_VOTERS;
  if (target->role == DQLITE_PROTO_VOTER && voters - 1 + standbys < keep) {
    snprintf(why, whylen,
             "node %llu is a voter and no stand-by can take its vote: the cluster would keep %zu "
             "voter%s of %zu; add a host first (a new node_id: it joins as a stand-by), then remove this one",
             (unsigned long long)id, voters - 1, voters - 1 == 1 ? "" : "s", keep);
    return why;
  }
  return NULL;
}

/* Why removing ID is refused (in WHY), or NULL: cluster_remove_check,
 * then whether the node still answers on its address. */
static const char *refusal(const struct dqlite_client_member *members, size_t count, uint64_t id,
                           uint64_t leader_id, char *why, size_t whylen) {
  if (cluster_remove_check(members, count, id, leader_id, why, whylen) != NULL) return why;
  for (size_t i = 0; i < count; i++)
    if (members[i].id == id && node_answers(members[i].address)) {
      snprintf(why, whylen,
               "node %llu at %s is running: stop jsfpm on that host first (a running node would stay up "
               "outside the cluster and add itself back at its next start)",
               (unsigned long long)id, members[i].address);
      return why;
    }
  return NULL;
}

int cluster_remove_main(const struct jsfpm_config *cfg, const char *id_arg) {
  uint64_t id;
  if (parse_id(id_arg, &id) != 0) {
    fprintf(stderr, "jsfpm: --cluster-remove: '%s' is not a node id (a number from 1)\n", id_arg);
    return 2;
  }
  if (cfg->cluster_address == NULL) {
    fprintf(stderr, "jsfpm: %s: cluster mode is off ([cluster] address is not set)\n", cfg->file);
    return 1;
  }
  size_t nnodes;
  char **nodes = config_cluster_nodes(cfg, &nnodes);
  char err[1024];
  struct dqlite_client *c = dqlite_client_connect_leader((const char *const *)nodes, nnodes,
                                                         CLUSTER_REMOVE_TIMEOUT_MS, err, sizeof err);
  config_nodes_free(nodes);
  if (c == NULL) {
    fprintf(stderr, "jsfpm: --cluster-remove: no leader found in the cluster: %s\n", err);
    return 1;
  }
  struct dqlite_client_member *members = NULL;
  size_t count = 0;
  uint64_t leader_id = 0;
  char leader[128], why[512];
  int status = 1, rc;
  if (dqlite_client_leader(c, &leader_id, leader, sizeof leader) != DQLITE_CLIENT_OK ||
      dqlite_client_cluster(c, &members, &count) != DQLITE_CLIENT_OK) {
    fprintf(stderr, "jsfpm: --cluster-remove: the leader %s: %s\n", dqlite_client_address(c),
            dqlite_client_errmsg(c));
  } else if (refusal(members, count, id, leader_id, why, sizeof why) != NULL) {
    fprintf(stderr, "jsfpm: --cluster-remove: refused: %s\n", why);
  } else if ((rc = dqlite_client_remove(c, id)) != DQLITE_CLIENT_OK) {
    /* A lost answer (the leader changed meanwhile): the change may have
     * been committed all the same. */
    fprintf(stderr, "jsfpm: --cluster-remove: the leader %s did not remove node %llu: %s%s\n",
            dqlite_client_address(c), (unsigned long long)id, dqlite_client_errmsg(c),
            rc == DQLITE_CLIENT_BROKEN ? " (whether it was removed is unknown: see --cluster-status)" : "");
  } else {
    fprintf(stderr,
            "jsfpm: node %llu removed from the cluster (by the leader %s); role management promotes a "
            "stand-by if a vote is missing\n",
            (unsigned long long)id, dqlite_client_address(c));
    status = 0;
  }
  free(members);
  dqlite_client_close(c);
  return status;
}
