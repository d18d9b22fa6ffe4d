/* fcgi.h: the FastCGI responder protocol as a pure codec (no I/O).
 *
 * A fcgi_conn consumes bytes as they arrive from a connection, split at any
 * byte boundary, and yields events: a complete request (params + body), a
 * FCGI_GET_VALUES query to answer, an abort, or a protocol error after which
 * the connection must be closed.  Replies are appended to an evbuffer by the
 * fcgi_write_* helpers.  The worker owns the sockets; tests drive this file
 * directly.
 */
#ifndef JSFPM_FCGI_H
#define JSFPM_FCGI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct evbuffer;

#define FCGI_VERSION_1 1
#define FCGI_HEADER_LEN 8
#define FCGI_MAX_CONTENT 65535

enum fcgi_record_type {
  FCGI_BEGIN_REQUEST = 1,
  FCGI_ABORT_REQUEST = 2,
  FCGI_END_REQUEST = 3,
  FCGI_PARAMS = 4,
  FCGI_STDIN = 5,
  FCGI_STDOUT = 6,
  FCGI_STDERR = 7,
  FCGI_DATA = 8,
  FCGI_GET_VALUES = 9,
  FCGI_GET_VALUES_RESULT = 10,
  FCGI_UNKNOWN_TYPE = 11,
};

enum fcgi_role { FCGI_RESPONDER = 1, FCGI_AUTHORIZER = 2, FCGI_FILTER = 3 };
enum fcgi_protocol_status {
  FCGI_REQUEST_COMPLETE = 0,
  FCGI_CANT_MPX_CONN = 1,
  FCGI_OVERLOADED = 2,
  FCGI_UNKNOWN_ROLE = 3,
};
#define FCGI_KEEP_CONN 1

/* One name/value pair of the FCGI_PARAMS stream.  Both are NUL-terminated
 * copies owned by the request; value may contain NUL bytes before its end
 * (value_len is authoritative). */
struct fcgi_param {
  char *name;
  size_t name_len;
  char *value;
  size_t value_len;
};

/* A request assembled from BEGIN_REQUEST, PARAMS and STDIN records. */
struct fcgi_request {
  uint16_t id;               /* FastCGI request id */
  uint16_t role;             /* FCGI_RESPONDER ... */
  int keep_conn;             /* FCGI_KEEP_CONN flag: keep the connection after END_REQUEST */
  struct fcgi_param *params; /* decoded params, in arrival order */
  size_t nparams;
  uint8_t *body; /* STDIN bytes, NUL-terminated (terminator not counted) */
  size_t body_len;
};

/* Returns the value of param NAME or NULL; *len (if non-NULL) gets its length. */
const char *fcgi_request_param(const struct fcgi_request *req, const char *name, size_t *len);

enum fcgi_event_type {
  FCGI_EV_NONE = 0,   /* need more bytes */
  FCGI_EV_REQUEST,    /* ev->request is complete; caller must reply then fcgi_request_free */
  FCGI_EV_GET_VALUES, /* ev->reply holds a GET_VALUES_RESULT record to send */
  FCGI_EV_REPLY,      /* ev->reply holds records to send (e.g. END_REQUEST UNKNOWN_ROLE,
                            UNKNOWN_TYPE, CANT_MPX_CONN) */
  FCGI_EV_ABORT,      /* ev->request_id was aborted by the peer before it completed */
  FCGI_EV_TOO_LARGE,  /* ev->request_id's body is over max_body_bytes (its CONTENT_LENGTH, or
                            the STDIN read so far): the request is dropped; answer 413 */
  FCGI_EV_ERROR,      /* protocol violation: ev->error says what; close the connection */
};

struct fcgi_event {
  enum fcgi_event_type type;
  struct fcgi_request *request; /* FCGI_EV_REQUEST: ownership passes to the caller */
  uint16_t request_id;          /* FCGI_EV_ABORT, FCGI_EV_TOO_LARGE */
  const char *error;            /* FCGI_EV_ERROR: static message */
};

struct fcgi_limits {
  size_t max_params_bytes; /* total size of the PARAMS stream of one request */
  size_t max_body_bytes;   /* total STDIN bytes of one request */
  int max_conns;           /* advertised FCGI_MAX_CONNS */
  int max_reqs;            /* advertised FCGI_MAX_REQS */
};

struct fcgi_conn; /* opaque parser state for one connection */

struct fcgi_conn *fcgi_conn_new(const struct fcgi_limits *limits);
void fcgi_conn_free(struct fcgi_conn *c);

/* Feeds LEN bytes.  Parses until one event is ready or the input is used up.
 * Returns the number of bytes consumed (<= len) and fills *ev; call again
 * with the rest of the input after handling an event.  For FCGI_EV_GET_VALUES
 * and FCGI_EV_REPLY, the reply bytes are appended to OUT.  After
 * FCGI_EV_ERROR the conn is dead: further feeds return FCGI_EV_ERROR.
 * Only one request at a time is processed per connection (FCGI_MPXS_CONNS=0):
 * a BEGIN_REQUEST for a second id while one is open is answered with
 * END_REQUEST/FCGI_CANT_MPX_CONN in OUT. */
size_t fcgi_conn_feed(struct fcgi_conn *c, const uint8_t *data, size_t len, struct evbuffer *out,
                      struct fcgi_event *ev);

void fcgi_request_free(struct fcgi_request *req);

/* Appends STDOUT records carrying LEN bytes (split at FCGI_MAX_CONTENT,
 * padded to a multiple of 8).  LEN 0 appends nothing (use fcgi_write_end). */
void fcgi_write_stdout(struct evbuffer *out, uint16_t id, const void *data, size_t len);
/* Same for FCGI_STDERR. */
void fcgi_write_stderr(struct evbuffer *out, uint16_t id, const void *data, size_t len);
/* Appends the empty STDOUT record that closes the stream, then END_REQUEST. */
void fcgi_write_end(struct evbuffer *out, uint16_t id, uint32_t app_status, uint8_t protocol_status);

/* The bytes fcgi_write_end appends: the empty STDOUT record and END_REQUEST. */
#define FCGI_END_LEN (3 * FCGI_HEADER_LEN)
void fcgi_encode_end(uint8_t out[FCGI_END_LEN], uint16_t id, uint32_t app_status, uint8_t protocol_status);

/* STDOUT records as iovecs over the caller's own bytes, for a writev that
 * copies nothing: a big body goes from the JavaScript heap to the socket.
 * Records carry FCGI_IOV_RECORD_CONTENT bytes (the largest multiple of 8
 * a record holds, so only the last one needs padding); one batch frames
 * up to FCGI_IOV_RECORDS of them. */
#define FCGI_IOV_RECORD_CONTENT 65528
#define FCGI_IOV_RECORDS 32
struct fcgi_iov {
  uint8_t headers[FCGI_IOV_RECORDS][FCGI_HEADER_LEN];
  struct iovec iov[FCGI_IOV_RECORDS * 4 + 1]; /* header, head part, body part, padding; room
                                                for one more piece after the last record */
  int n;
};
/* Frames the first bytes of HEAD followed by BODY (HEAD_LEN + BODY_LEN > 0)
 * into F as STDOUT records of request ID; returns how many bytes of the
 * two it framed (all of them when they fit one batch).  F's iovecs point
 * into HEAD, BODY and F itself. */
size_t fcgi_iov_stdout(struct fcgi_iov *f, uint16_t id, const void *head, size_t head_len, const void *body,
                       size_t body_len);

/* Writes into OUT (CAP bytes) what fcgi_write_stdout and fcgi_write_end
 * (application status 0, FCGI_REQUEST_COMPLETE) would append for LEN
 * (1..FCGI_MAX_CONTENT) bytes of DATA, without allocating: safe in a signal
 * handler.  Returns the bytes written, or 0 when they would not fit. */
size_t fcgi_encode_reply(uint8_t *out, size_t cap, uint16_t id, const void *data, size_t len);

/* Decodes a name-value pair stream (FastCGI 1.0 section 3.4) into an array.
 * Returns 0 and sets *params and *nparams, or -1 on a malformed stream (or
 * out of memory).  The array and its strings are one allocation: free(*params). */
int fcgi_params_decode(const uint8_t *data, size_t len, struct fcgi_param **params, size_t *nparams);
/* Appends one encoded name-value pair (used for GET_VALUES_RESULT and by test clients). */
void fcgi_params_encode(struct evbuffer *out, const char *name, size_t name_len, const char *value,
                        size_t value_len);
/* Appends one record header + content + padding. */
void fcgi_write_record(struct evbuffer *out, uint8_t type, uint16_t id, const void *content, size_t len);

#endif
