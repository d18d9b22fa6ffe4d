/* cluster_node.h: the dqlite node process of cluster mode (docs/cluster.md).
 *
 * One per host, in a process of its own, so that an assertion inside the
 * dqlite library kills only that process.  The master
 * (src/master/master_children.c), or the tests' driver
 * tests/cluster/cluster_driver.c, calls cluster_node_main in a child of
 * its own and exits with its status.
 */
#ifndef JSFPM_CLUSTER_NODE_H
#define JSFPM_CLUSTER_NODE_H

struct jsfpm_config;

/* The target roles (go-dqlite's defaults): voters decide, stand-bys
 * replicate and are promoted when a voter is lost; the rest are spares.
 * (--cluster-remove checks against them too.) */
#define CLUSTER_VOTERS 3
#define CLUSTER_STANDBYS 3

/* The exit status of a node that refuses to run on its data_dir or in the
 * cluster it found (another node's or another cluster's data, a node id or
 * address the cluster gives another node): starting it again would be
 * refused again, so the master stops instead of restarting it, and exits
 * with it too (the systemd unit's RestartPreventExitStatus). */
#define CLUSTER_NODE_EXIT_REFUSED 3

/* Runs this host's node as [cluster] says (address, node_id, peers,
 * data_dir, network_latency) until SIGTERM, SIGINT or SIGQUIT, then hands
 * its leadership and vote over and stops.  Returns 0 after such a stop,
 * non-zero when the node cannot run (its error is logged): an unusable
 * data directory, or CLUSTER_NODE_EXIT_REFUSED (a node id or address the
 * cluster knows as another node's, another node's or another cluster's
 * data, a new node 1 whose peers already form a cluster). */
int cluster_node_main(const struct jsfpm_config *cfg);

#endif
