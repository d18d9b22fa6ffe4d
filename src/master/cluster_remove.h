/* cluster_remove.h: jsfpm --cluster-remove ID (docs/cluster.md, "Removing
 * a node"). */
#ifndef JSFPM_CLUSTER_REMOVE_H
#define JSFPM_CLUSTER_REMOVE_H

struct jsfpm_config;

/* Asks the cluster's leader (found through this host's [cluster] address
 * and peers, as --cluster-status) to remove node ID_ARG.  Refuses, saying
 * what to do instead, to remove the leader, a node that still answers on
 * its address (its jsfpm runs), a node that is not a member, and a voter
 * whose removal would leave fewer voters than the cluster keeps (3, or as
 * many as it has) with no stand-by to promote.  Returns the exit status:
 * 0 removed, 1 refused or failed, 2 ID_ARG is not a node id. */
int cluster_remove_main(const struct jsfpm_config *cfg, const char *id_arg);

#endif
