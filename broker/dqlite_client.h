/* dqlite_client.h: a blocking connection to one dqlite node.
 *
 * The I/O half of jsfpm's dqlite client (the codec is dqlite_proto.h).  SQL
 * goes through dqlite's wire protocol even to the node on the same host:
 * the library's public API has no other way in.  Used by the cluster node
 * process to join a cluster, and by the broker in cluster mode.
 *
 * Every call waits at most the client's timeout in total, and returns one
 * of these:
 */
#ifndef JSFPM_DQLITE_CLIENT_H
#define JSFPM_DQLITE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "dqlite_proto.h"

enum dqlite_client_status {
  DQLITE_CLIENT_OK = 0,
  /* The node answered with an error (dqlite_client_errcode: a SQLite
   * extended code such as SQLITE_CONSTRAINT_UNIQUE, or SQLITE_BUSY,
   * SQLITE_IOERR_NOT_LEADER, SQLITE_IOERR_LEADERSHIP_LOST).  The
   * connection stays usable. */
  DQLITE_CLIENT_FAILED = 1,
  /* A rows handler asked to stop; the rest of the rows were drained.  The
   * connection stays usable. */
  DQLITE_CLIENT_STOPPED = 2,
  /* The connection broke, the timeout passed or the node broke the
   * protocol: the connection is closed, and whether the request in flight
   * ran is unknown.  Every later call returns this too. */
  DQLITE_CLIENT_BROKEN = -1,
};

struct dqlite_client;

/* Connects to ADDRESS ("10.0.0.1:9001", "[fd00::1]:9001", or a bare host:
 * port 8080, as dqlite) and sends the protocol version.  Returns NULL with
 * ERR set on failure. */
struct dqlite_client *dqlite_client_connect(const char *address, int timeout_ms, char *err, size_t errlen);
/* Only the TCP connection to ADDRESS (as above), given up after TIMEOUT_MS:
 * a non-blocking socket with TCP_NODELAY, or -1 with ERR set. */
int dqlite_client_dial(const char *address, int timeout_ms, char *err, size_t errlen);
/* A connection to the cluster's leader, found through ADDRESSES: all are
 * asked at once who leads (LEADER), and a leader they name that is not
 * among them is asked too; the first node to name itself is the leader.
 * An unreachable node is given up after a second, and while one has not
 * answered, those that did are asked again every 20 ms (a new leader is
 * found as soon as they know it).  TIMEOUT_MS bounds the whole search.
 * NULL with ERR saying what each address answered when every node has
 * answered or been given up without a leader to be found (no quorum, an
 * election running, every node unreachable). */
struct dqlite_client *dqlite_client_connect_leader(const char *const *addresses, size_t naddresses,
                                                   int timeout_ms, char *err, size_t errlen);
void dqlite_client_close(struct dqlite_client *c);

/* The address this client connected to. */
const char *dqlite_client_address(const struct dqlite_client *c);
/* Bounds each later call (default: the timeout given to connect). */
void dqlite_client_set_timeout(struct dqlite_client *c, int timeout_ms);
/* The last FAILED call's code and message (or, after BROKEN, 0 and what
 * broke). */
uint64_t dqlite_client_errcode(const struct dqlite_client *c);
const char *dqlite_client_errmsg(const struct dqlite_client *c);

/* Who the node thinks leads: ID (0 when it knows no leader) and its
 * ADDRESS (ADDRESS_LEN bytes; "" when none). */
int dqlite_client_leader(struct dqlite_client *c, uint64_t *id, char *address, size_t address_len);
/* Opens database NAME (created when missing) on the leader: *DB_ID. */
int dqlite_client_open(struct dqlite_client *c, const char *name, uint32_t *db_id);

/* What a statement that ran to completion did. */
struct dqlite_client_result {
  int64_t last_insert_id;
  uint64_t rows_affected;
};
/* Receives a query's result.  Either callback may return non-zero to stop
 * the query (the client interrupts it and drains what was already sent:
 * DQLITE_CLIENT_STOPPED). */
struct dqlite_client_rows {
  /* Once, before any row: the column names (valid during the call). */
  int (*columns)(void *arg, unsigned ncolumns, const char *const *names);
  /* Each row; text and blobs point into the message (valid during the
   * call). */
  int (*row)(void *arg, unsigned ncolumns, const struct dqlite_proto_value *values);
};

/* Runs SQL (every statement in it, PARAMS taken in order) to completion.
 * Never a statement that yields rows (INSERT ... RETURNING, a SELECT):
 * dqlite 1.18.6 refuses it, then aborts the node when the connection
 * closes (docs/cluster.md, "Known dqlite issues"); send those as queries. */
int dqlite_client_exec_sql(struct dqlite_client *c, uint32_t db_id, const char *sql,
                           const struct dqlite_proto_value *params, size_t nparams,
                           struct dqlite_client_result *result);
/* Runs one statement of SQL and hands its rows to HANDLER. */
int dqlite_client_query_sql(struct dqlite_client *c, uint32_t db_id, const char *sql,
                            const struct dqlite_proto_value *params, size_t nparams,
                            const struct dqlite_client_rows *handler, void *arg);
/* Prepares one statement: *STMT_ID, and how many parameters it takes. */
int dqlite_client_prepare(struct dqlite_client *c, uint32_t db_id, const char *sql, uint32_t *stmt_id,
                          uint64_t *nparams);
/* Runs a prepared statement to completion (no row-yielding one: see
 * dqlite_client_exec_sql). */
int dqlite_client_exec(struct dqlite_client *c, uint32_t db_id, uint32_t stmt_id,
                       const struct dqlite_proto_value *params, size_t nparams,
                       struct dqlite_client_result *result);
int dqlite_client_query(struct dqlite_client *c, uint32_t db_id, uint32_t stmt_id,
                        const struct dqlite_proto_value *params, size_t nparams,
                        const struct dqlite_client_rows *handler, void *arg);
int dqlite_client_finalize(struct dqlite_client *c, uint32_t db_id, uint32_t stmt_id);

/* One member of the cluster. */
struct dqlite_client_member {
  uint64_t id;
  char address[128];
  enum dqlite_proto_role role;
};
/* The cluster's members as the node knows them: *MEMBERS (malloc'd, the
 * caller frees it) and *COUNT. */
int dqlite_client_cluster(struct dqlite_client *c, struct dqlite_client_member **members, size_t *count);
/* Adds node ID at ADDRESS to the cluster as a spare (asked of the leader). */
int dqlite_client_add(struct dqlite_client *c, uint64_t id, const char *address);
/* Removes node ID from the cluster (asked of the leader; it answers once
 * the new configuration is committed). */
int dqlite_client_remove(struct dqlite_client *c, uint64_t id);
/* Hands the leadership of C's node (the leader) to voter ID; answered once
 * C's node is no longer the leader. */
int dqlite_client_transfer(struct dqlite_client *c, uint64_t id);
/* Receives one file of a dump: its NAME and bytes (valid during the call).
 * Non-zero stops (DQLITE_CLIENT_STOPPED; the connection stays usable). */
typedef int dqlite_client_file_fn(void *arg, const char *name, const unsigned char *data, size_t len);
/* Database NAME's files as of one snapshot on the node C is connected to
 * (dqlite 1.18.6 sends the main file with the WAL folded in, and an empty
 * WAL), each handed to FILE.  The whole dump is one message, held in
 * memory, up to DQLITE_PROTO_MAX_DUMP_BYTES. */
int dqlite_client_dump(struct dqlite_client *c, const char *name, dqlite_client_file_fn *file, void *arg);

#endif
