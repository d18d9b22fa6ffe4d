/* db_proto.h: the vocabulary of the broker protocol (docs/protocol.md),
 * defined once for the broker (broker/), its client
 * (broker/client/db_client.c) and the JavaScript bindings
 * (workers/worker_db.c): the operations a request names in "op", what kind
 * each is, and the codes of the failures that do not come from SQLite.
 * How requests travel (frames of JSON) is frame.h's.
 *
 * Like Redis's command table, one list (DB_OPS) makes the enum, the names
 * and the kinds, so a new operation is added in one place and every switch
 * over enum db_op that lacks it gets a compiler warning.
 */
#ifndef JSFPM_DB_PROTO_H
#define JSFPM_DB_PROTO_H

/* The protocol version the handshake announces (docs/protocol.md): the
 * frame layout's (FRAME_VERSION, frame.h) plus what requests may say.
 * 3: statements may carry "begin": true. */
#define DB_PROTOCOL_VERSION 3

/* What kind of operation it is (flags). */
#define DB_OPF_SQL 1u        /* runs "sql" with "params" */
#define DB_OPF_STATEMENTS 2u /* runs the statement objects in "statements" */
#define DB_OPF_TX 4u         /* transaction control: opens, nests or ends a level */
#define DB_OPF_ENDS_LEVEL 8u /* ends one transaction level */

/* X(ENUM, "name", flags), in the order of docs/protocol.md's table. */
#define DB_OPS(X)                                                                                            \
  X(QUERY, "query", DB_OPF_SQL)                                                                              \
  X(EXECUTE, "execute", DB_OPF_SQL)                                                                          \
  X(EXEC, "exec", DB_OPF_SQL)                                                                                \
  X(BATCH, "batch", DB_OPF_STATEMENTS)                                                                       \
  X(BEGIN, "begin", DB_OPF_TX)                                                                               \
  X(SAVEPOINT, "savepoint", DB_OPF_TX)                                                                       \
  X(COMMIT, "commit", DB_OPF_TX | DB_OPF_ENDS_LEVEL)                                                         \
  X(RELEASE, "release", DB_OPF_TX | DB_OPF_ENDS_LEVEL)                                                       \
  X(ROLLBACK, "rollback", DB_OPF_TX | DB_OPF_ENDS_LEVEL)                                                     \
  X(STATS, "stats", 0)                                                                                       \
  X(PING, "ping", 0)

/* clang-format off: an X-macro list is followed by no comma */
enum db_op {
  DB_OP_UNKNOWN = 0, /* a name the protocol does not have: a bad request */
#define DB_OP_ENUM(e, name, flags) DB_OP_##e,
  DB_OPS(DB_OP_ENUM)
#undef DB_OP_ENUM
      DB_OP_COUNT
};
/* clang-format on */

/* The operation NAME names; DB_OP_UNKNOWN for NULL or an unknown name. */
enum db_op db_op_parse(const char *name);
/* OP's name on the wire ("" for DB_OP_UNKNOWN). */
const char *db_op_name(enum db_op op);
/* OP's DB_OPF_* flags (0 for DB_OP_UNKNOWN). */
unsigned db_op_flags(enum db_op op);

/* Codes ("code") of error replies that do not come from SQLite; SQLite's
 * own are its result code names (broker_code_name). */
#define DB_ERR_BAD_REQUEST "JSFPM_BAD_REQUEST"             /* malformed request, unknown op, ... */
#define DB_ERR_TRANSACTION "JSFPM_TRANSACTION"             /* a COMMIT could not end it: rolled back */
#define DB_ERR_NO_TRANSACTION "JSFPM_NO_TRANSACTION"       /* commit/rollback/... without one */
#define DB_ERR_BUSY "JSFPM_BUSY"                           /* waited write_wait for another's transaction */
#define DB_ERR_TX_TIMEOUT "JSFPM_TX_TIMEOUT"               /* open past tx_timeout: rolled back */
#define DB_ERR_STATEMENT_TIMEOUT "JSFPM_STATEMENT_TIMEOUT" /* ran past statement_timeout */
#define DB_ERR_UNREPRESENTABLE "JSFPM_UNREPRESENTABLE"     /* a value JSON cannot carry */
#define DB_ERR_RESULT_TOO_LARGE "JSFPM_RESULT_TOO_LARGE"   /* over max_result_rows/size or a frame */
#define DB_ERR_NO_QUORUM "JSFPM_NO_QUORUM"                 /* cluster: no leader within write_wait; not run */
#define DB_ERR_COMMIT_UNKNOWN "JSFPM_COMMIT_UNKNOWN" /* cluster: COMMIT's outcome lost with the leader */
#define DB_ERR_PROTOCOL "JSFPM_PROTOCOL"             /* a worker and a broker of other protocol versions */
/* The client's own, never on the wire: the broker could not be reached or
 * did not answer in time (db_client_call failed). */
#define DB_ERR_BROKER_UNAVAILABLE "JSFPM_BROKER_UNAVAILABLE"

#endif
