/* cluster_remove.h: jsfpm --cluster-remove ID (docs/cluster.md, "Removing
 * a node"). */
#ifndef JSFPM_CLUSTER_REMOVE_H
#define JSFPM_CLUSTER_REMOVE_H

#include <stddef.h>
#include <stdint.h>

struct jsfpm_config;
struct dqlite_client_member;

/* Asks the cluster's leader (found through this host's [cluster] address
 * and peers, as --cluster-status) to remove node ID_ARG.  Refuses, saying
 * what to do instead, to remove the leader, a node that still answers on
 * its address (its jsfpm runs), a node that is not a member, and a voter
 * whose removal would leave fewer voters than the cluster keeps (3, or as
 * many as it has) with no stand-by to promote.  Returns the exit status:
 * 0 removed, 1 refused or failed, 2 ID_ARG is not a node id. */
int cluster_remove_main(const struct jsfpm_config *cfg, const char *id_arg);

/* The refusals decided by the member list alone (the leader's MEMBERS,
 * COUNT of them, and LEADER_ID): ID not a member, ID the leader, ID a
 * voter whose removal would leave fewer voters than the cluster keeps
 * (CLUSTER_VOTERS, or as many as it has) with no stand-by to promote.
 * Returns WHY filled with the reason and what to do instead, or NULL. */
const char *cluster_remove_check(const struct dqlite_client_member *members, size_t count, uint64_t id,
                                 uint64_t leader_id, char *why, size_t whylen);

#endif
