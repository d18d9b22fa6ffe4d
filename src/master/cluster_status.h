/* cluster_status.h: what this host's cluster node says about the cluster,
 * for the status page's cluster section and jsfpm --cluster-status. */
#ifndef JSFPM_CLUSTER_STATUS_H
#define JSFPM_CLUSTER_STATUS_H

#include "status.h"

struct jsfpm_config;

/* Asks the node at C->address who leads (LEADER) and which members it
 * knows with their roles (CLUSTER), everything within TIMEOUT_MS.  Sets
 * C->answered, the leader and C->members; or C->error saying why not. */
void cluster_status_ask(struct status_cluster *c, int timeout_ms);
void cluster_status_free(struct status_cluster *c);

/* jsfpm --cluster-status: prints the cluster as this host's node sees it.
 * Returns the exit status: 0 when the node names a leader, 1 otherwise
 * (cluster mode off, the node unreachable, no leader known). */
int cluster_status_main(const struct jsfpm_config *cfg);

#endif
