/* http.h: HTTP/1.1 requests (RFC 9112) as a strict pure codec (no I/O),
 * and the writing of responses.
 *
 * An http_conn consumes the bytes of one connection as they arrive, split
 * at any byte boundary, and yields one event at a time: a complete request
 * (head and decoded body), or an error after which the connection must be
 * answered with the error's status and closed.  It reads each message one
 * way only: anything RFC 9112 lets a recipient read two ways, or tells it
 * to reject (two Content-Length values, Content-Length with
 * Transfer-Encoding, an unknown coding, whitespace before a colon,
 * obs-fold, bare CR or LF, two Host fields ...) is an error, so no proxy in
 * front can see a different request boundary than we do.
 *
 * The worker owns the sockets; tests and the fuzzer drive this file
 * directly.
 */
#ifndef JSFPM_HTTP_H
#define JSFPM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;

struct http_limits {
  size_t max_head_bytes; /* request line and header section (or trailer section), line ends included */
  size_t max_body_bytes; /* the body, after the chunked coding is removed */
};

/* One header field line.  Both strings are NUL-terminated and owned by the
 * connection; the name is lower case, the value has no surrounding
 * whitespace. */
struct http_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
};

/* A request.  Everything points into the connection's buffers and is valid
 * until the next http_conn_feed. */
struct http_request {
  const char *method; /* a method this server serves (http_conn_feed refuses the others) */
  const char *target; /* origin-form "/path?query" (an absolute-form target reduced to it), or "*" */
  const char *path;   /* the path of the target, percent-decoded (holds no NUL byte) */
  const char *query;  /* what follows '?' in the target (not decoded), or "" */
  const char *host;   /* the authority of an absolute-form target, else the Host field; NULL if none */
  int version_minor;  /* 0 (HTTP/1.0) or 1 (HTTP/1.1) */
  bool keep_alive;    /* the client lets another request follow on this connection */
  const struct http_header *headers; /* in arrival order; an absolute-form target's authority
                                        replaces the Host field's value */
  size_t nheaders;
  const uint8_t *body; /* decoded body, NUL-terminated (terminator not counted) */
  size_t body_len;
};

enum http_event_type {
  HTTP_EV_NONE = 0, /* every byte given was consumed; more are needed */
  HTTP_EV_REQUEST,  /* ev->request is complete: answer it, then feed the rest */
  HTTP_EV_ERROR,    /* ev->status and ev->error say what: answer, then close */
};

struct http_event {
  enum http_event_type type;
  const struct http_request *request; /* HTTP_EV_REQUEST */
  int status;                         /* HTTP_EV_ERROR: 400, 413, 414, 431, 501, 505 (500: out of memory) */
  const char *error;                  /* HTTP_EV_ERROR: static text saying what was wrong */
};

struct http_conn;

struct http_conn *http_conn_new(const struct http_limits *limits);
void http_conn_free(struct http_conn *c);

/* Feeds LEN bytes.  Parses until one event is ready or the input is used
 * up; returns the number of bytes consumed (all of them with HTTP_EV_NONE)
 * and fills *EV.  Call again with the rest after handling an event.  A
 * "100 Continue" interim response the client waits for (Expect:
 * 100-continue, body not sent yet) is appended to OUT.  After HTTP_EV_ERROR
 * the connection is dead: every later feed returns the same error and
 * consumes nothing. */
size_t http_conn_feed(struct http_conn *c, const uint8_t *data, size_t len, struct evbuffer *out,
                      struct http_event *ev);

/* True while no byte of a next request has arrived (between requests). */
bool http_conn_idle(const struct http_conn *c);

/* ---- responses ---- */

#define HTTP_DATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* Formats T as an IMF-fixdate (RFC 9110 5.6.7) into OUT, NUL-terminated. */
void http_format_date(long long t, char out[HTTP_DATE_LEN + 1]);

/* Percent-decodes LEN bytes of IN into OUT (room for LEN + 1 bytes), NUL-
 * terminated, with *OUT_LEN its length.  Invalid escapes stay as they are.
 * Returns -1 for an escaped NUL (OUT then holds no usable string). */
int http_percent_decode(const char *in, size_t len, char *out, size_t *out_len);

/* Appends "HTTP/1.1 STATUS REASON". */
void http_write_status(struct evbuffer *out, int status, const char *reason);
/* Appends one field line.  The caller has checked NAME is a token and
 * VALUE holds no CR, LF or NUL. */
void http_write_field(struct evbuffer *out, const char *name, size_t name_len, const char *value,
                      size_t value_len);

/* The fields the server owns, and the end of the head. */
struct http_framing {
  size_t body_len;   /* sent as Content-Length (not for 204 and 304) */
  bool streamed;     /* instead: chunked (HTTP/1.1) or until the close (HTTP/1.0) */
  const char *date;  /* IMF-fixdate for a Date field, or NULL for none */
  bool close;        /* Connection: close; else keep-alive */
  int version_minor; /* of the request: an HTTP/1.0 client staying is told "keep-alive" */
};
void http_write_framing(struct evbuffer *out, int status, const struct http_framing *f);

/* Whether a response with STATUS carries a body (not 204, not 304). */
bool http_status_has_body(int status);

/* Appends a whole plain-text answer to a request refused with STATUS:
 * "REASON: MESSAGE\n", with Connection: close. */
void http_write_error(struct evbuffer *out, int status, const char *reason, const char *message,
                      const char *date);

#endif
