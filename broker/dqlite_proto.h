/* dqlite_proto.h: the codec of dqlite's client wire protocol, version 1.
 *
 * Pure functions on memory, no I/O (the socket side is dqlite_client.c), so
 * that they are unit-tested (tests/unit/test_dqlite_proto.c) and fuzzed
 * (tests/fuzz/fuzz_dqlite_proto.c) on their own.  The protocol is dqlite's
 * documented one (https://canonical.com/dqlite/docs/reference/wire-protocol;
 * the server side is third_party/dqlite/src/gateway.c, request.h,
 * response.h, tuple.c):
 *
 * - The client opens a connection with one 8-byte word: the protocol
 *   version (1).  The server never answers it; a server that does not
 *   speak version 1 closes the connection.
 * - Then each message, both ways, is an 8-byte header (body size in 8-byte
 *   words: uint32; type: uint8; schema version: uint8; 2 unused bytes) and
 *   the body.  One request, one response, except a query's rows, which may
 *   come as several ROWS messages.
 * - Integers are little endian.  Text is UTF-8 ending in a NUL byte, padded
 *   to a multiple of 8 bytes (so it cannot hold a NUL byte itself).  A blob
 *   is its length (uint64) then its bytes, padded to a multiple of 8.
 * - Statement parameters and row values are tuples: a header of type codes,
 *   then each value (see dqlite_proto_rows_next and the request encoders).
 *
 * Encoders append exactly one whole message to a growing buffer, or nothing.
 * Decoders check every length against the bytes there are and refuse a
 * response that is not exactly what dqlite 1.x sends (unknown type or schema,
 * a truncated or over-long body, an unknown value type): a peer that is not
 * a dqlite node, or speaks another version, gets a clear error, never a
 * guess.
 */
#ifndef JSFPM_DQLITE_PROTO_H
#define JSFPM_DQLITE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define DQLITE_PROTO_VERSION 1      /* the word a client opens with */
#define DQLITE_PROTO_HEADER_BYTES 8 /* of every message */
/* Largest response body accepted: a row bigger than this (one value of
 * 64 MiB, the broker's own frame limit) is refused instead of buffered. */
#define DQLITE_PROTO_MAX_BODY_BYTES (64u * 1024u * 1024u + 4096u)
/* Largest FILES body accepted (a DUMP: the whole database in one message;
 * the node holds it in memory too).  The header can say up to 32 GiB. */
#define DQLITE_PROTO_MAX_DUMP_BYTES ((size_t)4 << 30)
/* Most parameters one statement may have (SQLite's own hard ceiling). */
#define DQLITE_PROTO_MAX_PARAMS 32766u
/* Most columns one row may have (SQLite's own hard ceiling). */
#define DQLITE_PROTO_MAX_COLUMNS 32767u

/* Message types sent by the client. */
enum dqlite_proto_request {
  DQLITE_PROTO_REQ_LEADER = 0,     /* which node leads; answered by SERVER */
  DQLITE_PROTO_REQ_OPEN = 3,       /* open a database; DB */
  DQLITE_PROTO_REQ_PREPARE = 4,    /* prepare one statement; STMT */
  DQLITE_PROTO_REQ_EXEC = 5,       /* run a prepared statement; RESULT */
  DQLITE_PROTO_REQ_QUERY = 6,      /* run a prepared statement for rows; ROWS... */
  DQLITE_PROTO_REQ_FINALIZE = 7,   /* drop a prepared statement; EMPTY */
  DQLITE_PROTO_REQ_EXEC_SQL = 8,   /* run SQL (one or more statements); RESULT */
  DQLITE_PROTO_REQ_QUERY_SQL = 9,  /* run one statement for rows; ROWS... */
  DQLITE_PROTO_REQ_INTERRUPT = 10, /* stop a query's rows; EMPTY */
  DQLITE_PROTO_REQ_ADD = 12,       /* add a node to the cluster (as spare); EMPTY */
  DQLITE_PROTO_REQ_REMOVE = 14,    /* remove a node from the cluster; EMPTY */
  DQLITE_PROTO_REQ_DUMP = 15,      /* a database's files as of one snapshot; FILES */
  DQLITE_PROTO_REQ_CLUSTER = 16,   /* the cluster's members; SERVERS */
  DQLITE_PROTO_REQ_TRANSFER = 17,  /* hand leadership to a voter; EMPTY */
};

/* Message types sent by the server. */
enum dqlite_proto_response {
  DQLITE_PROTO_RESP_FAILURE = 0, /* an error: SQLite (extended) code and message */
  DQLITE_PROTO_RESP_SERVER = 1,  /* a node: id and address */
  DQLITE_PROTO_RESP_SERVERS = 3, /* the members: id, address, role each */
  DQLITE_PROTO_RESP_DB = 4,      /* an open database's id */
  DQLITE_PROTO_RESP_STMT = 5,    /* a prepared statement's id and parameter count */
  DQLITE_PROTO_RESP_RESULT = 6,  /* last insert rowid and rows changed */
  DQLITE_PROTO_RESP_ROWS = 7,    /* column names and rows, then "done" or "more" */
  DQLITE_PROTO_RESP_EMPTY = 8,   /* done, nothing to report */
  DQLITE_PROTO_RESP_FILES = 9,   /* files: name, length and bytes each */
};

/* Value types: SQLite's five, and three dqlite adds for columns declared
 * DATETIME/DATE/TIMESTAMP (UNIXTIME when the value is an integer, ISO8601
 * when text) or BOOLEAN. */
enum dqlite_proto_type {
  DQLITE_PROTO_INTEGER = 1,
  DQLITE_PROTO_FLOAT = 2,
  DQLITE_PROTO_TEXT = 3,
  DQLITE_PROTO_BLOB = 4,
  DQLITE_PROTO_NULL = 5,
  DQLITE_PROTO_UNIXTIME = 9, /* rows only: dqlite refuses it as a parameter */
  DQLITE_PROTO_ISO8601 = 10,
  DQLITE_PROTO_BOOLEAN = 11,
};

/* Codes in FAILURE responses that say which node leads changed: the
 * request was refused by a node that does not lead (nothing done), or the
 * node lost leadership while the request was being replicated (done or
 * not: unknown).  SQLite's SQLITE_IOERR with dqlite's own extensions. */
#define DQLITE_PROTO_NOT_LEADER (10 | (40 << 8))
#define DQLITE_PROTO_LEADERSHIP_LOST (10 | (41 << 8))

/* dqlite's own FAILURE code for a database name it does not have (DUMP of
 * a database nothing ever opened; src/lib/registry.h). */
#define DQLITE_PROTO_NOT_FOUND 1002

/* Node roles in a SERVERS response. */
enum dqlite_proto_role { DQLITE_PROTO_VOTER = 0, DQLITE_PROTO_STANDBY = 1, DQLITE_PROTO_SPARE = 2 };

/* One parameter or row value.  Decoded text and blobs point into the
 * message they came from. */
struct dqlite_proto_value {
  enum dqlite_proto_type type;
  int64_t integer;   /* INTEGER; UNIXTIME (seconds); BOOLEAN (0 or 1) */
  double real;       /* FLOAT */
  const char *bytes; /* TEXT and ISO8601 (NUL-terminated), BLOB */
  size_t len;        /* bytes' length, the terminating NUL not counted */
};

/* A growing output buffer; zero-initialize it, free with _buf_free. */
struct dqlite_proto_buf {
  unsigned char *data;
  size_t len; /* bytes written */
  size_t cap; /* bytes allocated */
};
void dqlite_proto_buf_free(struct dqlite_proto_buf *b);

/* ---- encoding: each appends one message to B and returns 0, or returns
 * -1 with ERR set and B unchanged (out of memory, text with a NUL byte,
 * a parameter dqlite cannot take, too many parameters). */

/* The opening word: the protocol version. */
int dqlite_proto_handshake(struct dqlite_proto_buf *b, char *err, size_t errlen);
int dqlite_proto_leader(struct dqlite_proto_buf *b, char *err, size_t errlen);
/* NAME: the database, one per cluster (dqlite replicates each by name). */
int dqlite_proto_open(struct dqlite_proto_buf *b, const char *name, char *err, size_t errlen);
/* One statement; trailing text other than blanks, comments and ';' is an
 * error the server reports. */
int dqlite_proto_prepare(struct dqlite_proto_buf *b, uint32_t db_id, const char *sql, char *err,
                         size_t errlen);
/* QUERY = 0: EXEC (run to completion), else QUERY (rows). */
int dqlite_proto_run_stmt(struct dqlite_proto_buf *b, int query, uint32_t db_id, uint32_t stmt_id,
                          const struct dqlite_proto_value *params, size_t nparams, char *err, size_t errlen);
int dqlite_proto_finalize(struct dqlite_proto_buf *b, uint32_t db_id, uint32_t stmt_id, char *err,
                          size_t errlen);
/* QUERY = 0: EXEC_SQL (every statement of SQL in turn, each taking the
 * next of PARAMS it needs), else QUERY_SQL (exactly one statement, rows). */
int dqlite_proto_run_sql(struct dqlite_proto_buf *b, int query, uint32_t db_id, const char *sql,
                         const struct dqlite_proto_value *params, size_t nparams, char *err, size_t errlen);
int dqlite_proto_interrupt(struct dqlite_proto_buf *b, uint32_t db_id, char *err, size_t errlen);
int dqlite_proto_add(struct dqlite_proto_buf *b, uint64_t node_id, const char *address, char *err,
                     size_t errlen);
/* Asks for the members with their roles (format 1). */
int dqlite_proto_cluster(struct dqlite_proto_buf *b, char *err, size_t errlen);
/* Removes node NODE_ID from the cluster (asked of the leader). */
int dqlite_proto_remove(struct dqlite_proto_buf *b, uint64_t node_id, char *err, size_t errlen);
/* Asks the leader to hand its leadership to voter NODE_ID. */
int dqlite_proto_transfer(struct dqlite_proto_buf *b, uint64_t node_id, char *err, size_t errlen);
/* Asks for database NAME's files (the main file and its WAL) as of one
 * snapshot of the node it is sent to. */
int dqlite_proto_dump(struct dqlite_proto_buf *b, const char *name, char *err, size_t errlen);

/* ---- decoding ---------------------------------------------------------- */

struct dqlite_proto_header {
  uint32_t words; /* body size in 8-byte words */
  uint8_t type;   /* enum dqlite_proto_response */
  uint8_t schema; /* the body's format version */
};

/* Decodes the 8 bytes at P.  Returns 0, or -1 with ERR set when the body
 * would exceed MAX_BODY_BYTES (the stream must then be closed). */
int dqlite_proto_header_decode(const unsigned char *p, size_t max_body_bytes, struct dqlite_proto_header *h,
                               char *err, size_t errlen);

/* The rows of one ROWS message, read one at a time. */
struct dqlite_proto_rows {
  unsigned ncolumns;
  const unsigned char *p; /* next unread byte of the body */
  size_t left;            /* bytes after p */
  int state;              /* internal: names read yet, end seen */
  int more;               /* at the end: 1 if another ROWS message follows */
};

/* The cluster's members in a SERVERS message, read one at a time. */
struct dqlite_proto_servers {
  uint64_t count;
  const unsigned char *p;
  size_t left;
};

/* The files in a FILES message, read one at a time. */
struct dqlite_proto_files {
  uint64_t count;
  const unsigned char *p;
  size_t left;
};

/* A decoded response.  Strings point into the body. */
struct dqlite_proto_response_body {
  enum dqlite_proto_response type;
  union {
    struct {
      uint64_t code; /* SQLite extended result code (or dqlite's own) */
      const char *message;
    } failure;
    struct {
      uint64_t id;         /* 0: no leader known */
      const char *address; /* "" when id is 0 */
    } server;
    struct dqlite_proto_servers servers;
    struct dqlite_proto_files files;
    struct {
      uint32_t id;
    } db;
    struct {
      uint32_t db_id, id;
      uint64_t nparams;
    } stmt;
    struct {
      uint64_t last_insert_id; /* sqlite3_last_insert_rowid on the leader */
      uint64_t rows_affected;  /* sqlite3_changes */
    } result;
    struct dqlite_proto_rows rows; /* positioned before the column names */
  } u;
};

/* Decodes BODY (H->words * 8 bytes) of a message whose header is H, the
 * answer to a request expecting EXPECTED (or FAILURE, always possible).
 * Every fixed-size response must use its bytes exactly; a ROWS body is
 * checked as it is read.  A FAILURE answering a query may follow what
 * dqlite had already encoded of the rows (a statement that fails while it
 * is stepped); that prefix is checked and skipped.  Returns 0, or -1 with
 * ERR set. */
int dqlite_proto_response_decode(const struct dqlite_proto_header *h, const unsigned char *body,
                                 enum dqlite_proto_response expected, struct dqlite_proto_response_body *out,
                                 char *err, size_t errlen);

/* Reads the column names of R into NAMES (R->ncolumns entries; they point
 * into the body).  Call once, before dqlite_proto_rows_next.  Returns 0 or
 * -1 with ERR set. */
int dqlite_proto_rows_names(struct dqlite_proto_rows *r, const char **names, char *err, size_t errlen);
/* Reads the next row into VALUES (R->ncolumns entries).  Returns 1 for a
 * row, 0 at the end of this message (R->more says whether another ROWS
 * message follows), -1 with ERR set when the body is malformed. */
int dqlite_proto_rows_next(struct dqlite_proto_rows *r, struct dqlite_proto_value *values, char *err,
                           size_t errlen);

/* Reads the next member of S.  Returns 1 with ID, ADDRESS (points into the
 * body) and ROLE, 0 after the last (which must end the body exactly), -1
 * with ERR set. */
int dqlite_proto_servers_next(struct dqlite_proto_servers *s, uint64_t *id, const char **address,
                              uint64_t *role, char *err, size_t errlen);

/* Reads the next file of F.  Returns 1 with NAME, DATA and LEN (both
 * point into the body), 0 after the last (which must end the body
 * exactly), -1 with ERR set. */
int dqlite_proto_files_next(struct dqlite_proto_files *f, const char **name, const unsigned char **data,
                            size_t *len, char *err, size_t errlen);

#endif
