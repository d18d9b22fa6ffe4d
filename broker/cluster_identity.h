/* cluster_identity.h: which cluster and which node a node's data_dir
 * belongs to (docs/cluster.md, "Cluster identity").
 *
 * Raft messages carry no cluster identity: a node started on another
 * cluster's data (or on another node's) takes part in this cluster's Raft
 * with a log that is not this cluster's.  So the node that starts a
 * cluster gives it a random 128-bit identity, kept replicated in the
 * cluster (database CLUSTER_IDENTITY_DB) and by every node in a file of
 * its data_dir beside its node id and address; a node whose file says
 * another node or another cluster refuses to start (broker/cluster_node.c).
 * This file holds the file's format and its safe reading and writing.
 */
#ifndef JSFPM_CLUSTER_IDENTITY_H
#define JSFPM_CLUSTER_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

/* The file in data_dir. */
#define CLUSTER_IDENTITY_FILE "jsfpm-cluster-identity"
/* The dqlite database holding the cluster's identity: jsfpm's own, beside
 * the app's (CLUSTER_DB_NAME), which the app, the broker's SQL and
 * --backup never reach. */
#define CLUSTER_IDENTITY_DB "jsfpm-cluster"
/* An identity: 128 random bits as 32 lowercase hex digits. */
#define CLUSTER_IDENTITY_HEX 32
/* The longest file accepted. */
#define CLUSTER_IDENTITY_MAX_BYTES 1024

struct cluster_identity {
  char cluster[CLUSTER_IDENTITY_HEX + 1]; /* "" while the node has not learned it */
  uint64_t node_id;
  char address[256];
};

/* Parses the file's text (LEN bytes).  Returns 0, or -1 with WHY. */
int cluster_identity_parse(const char *text, size_t len, struct cluster_identity *id, char *why,
                           size_t whylen);
/* The file's text for ID into BUF.  Returns its length, or -1 when BUF is
 * too small. */
int cluster_identity_format(const struct cluster_identity *id, char *buf, size_t buflen);
/* Whether TEXT is an identity (32 lowercase hex digits). */
int cluster_identity_valid(const char *text);
/* A new random identity into OUT (getrandom).  Returns 0, or -1 (errno). */
int cluster_identity_generate(char out[CLUSTER_IDENTITY_HEX + 1]);

/* Reads DIR's file, never through a link.  Returns 1 with *ID, 0 when
 * there is none, -1 with WHY (unreadable, not a plain file, malformed). */
int cluster_identity_read(const char *dir, struct cluster_identity *id, char *why, size_t whylen);
/* Writes DIR's file (mode 0600) through a new temporary file renamed over
 * it, synced with its directory: after a crash it holds the old text or
 * the new, whole.  Returns 0, or -1 with WHY. */
int cluster_identity_write(const char *dir, const struct cluster_identity *id, char *why, size_t whylen);

/* Whether the data directory open as FD holds no Raft state: nothing but
 * dqlite's lock file and the identity file (and its temporary file).  A
 * new node's, or one that never got as far as writing Raft state: it is
 * still a new node, whatever its identity file says.  FD is closed.
 * Returns 1 when it holds none, 0 when it does, -1 with errno set. */
int cluster_identity_dir_fresh(int fd);

/* Whether the file ID names this node (NODE_ID at ADDRESS).  Returns 0, or
 * -1 with WHY saying what it found, what was expected and what to do. */
int cluster_identity_check_node(const struct cluster_identity *id, const char *dir, uint64_t node_id,
                                const char *address, char *why, size_t whylen);

/* DIR's file (cluster_identity_read), which must name this node
 * (cluster_identity_check_node).  Returns 1, 0 when there is none, or -1
 * with WHY. */
int cluster_identity_read_node(const char *dir, uint64_t node_id, const char *address,
                               struct cluster_identity *id, char *why, size_t whylen);

#endif
