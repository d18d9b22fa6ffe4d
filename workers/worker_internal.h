/* worker_internal.h: a worker's state, shared by the worker's own files
 * only (worker.c: the loop, connections, reading and writing, life cycle;
 * worker_doors.c: the FastCGI and HTTP doors, which turn what their codecs
 * decode into requests for the runtime and write its responses).
 */
#ifndef JSFPM_WORKER_INTERNAL_H
#define JSFPM_WORKER_INTERNAL_H

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fcgi.h"
#include "http.h"
#include "list.h"
#include "worker_handoff.h"

struct js_runtime;
struct static_files;
struct js_request;
struct js_response;
struct db_client;
struct scoreboard;
struct accept_pause;
struct jsfpm_config;

struct worker {
  const struct jsfpm_config *cfg;
  struct event_base *base;
  struct js_runtime *js;
  struct static_files *static_files; /* [server] http_static_dir, or NULL */
  struct static_files *accel_files;  /* [server] http_accel_dir (X-Accel-Redirect), or NULL */
  struct db_client *db;
  int fcgi_fd;
  bool fcgi_unix; /* the FastCGI door is a unix socket (not TCP) */
  struct event *accept_ev;
  int handoff_send_fd;          /* the hand-off queue (worker_handoff.h) */
  struct event *handoff_ev;     /* its receiving end, watched while accepting */
  struct event *http_accept_ev; /* NULL without an HTTP door */
  struct event *http_resume_ev; /* resumes HTTP accepting HTTP_ACCEPT_PAUSE_MS after an accept */
  struct event *grace_ev;       /* graceful stop: closes idle connections when it fires */
  struct event *term_ev, *quit_ev, *usr1_ev;
  struct accept_pause *pause; /* accepting paused while out of descriptors */
  struct fcgi_limits limits;
  struct http_limits http_limits;
  struct js_header *http_headers; /* the current HTTP request's headers, as the runtime takes them */
  size_t http_headers_cap;
  long long date_s;             /* the second `date` was formatted for */
  char date[HTTP_DATE_LEN + 1]; /* Date field of HTTP responses */
  struct list conns;            /* open connections (struct conn), newest first */
  /* Idle connections the hand-off timer may pass on during the current
   * request (worker_handoff.h). */
  struct conn *watched[HANDOFF_WATCH_MAX];
  size_t nwatched;
  bool quitting;
  bool handing_off;           /* quitting for a replacement: idle FastCGI connections go to the queue */
  bool accepting;             /* listening sockets and the hand-off queue still watched */
  unsigned long requests;     /* requests served by this worker */
  unsigned long max_requests; /* 0 = no limit */
  int master_fd;              /* our pipe to the master (WORKER_NOTE_*) */
  struct scoreboard *sb;
  int sb_slot;
  char title_prefix[48]; /* "jsfpm: worker N gen G", the start of the process title */
  pid_t pid;
};

enum conn_door { CONN_FCGI, CONN_HTTP };

/* One accepted connection, at either door.  Plain events and buffers
 * rather than a bufferevent: we read with read(2) into the input buffer (a
 * bufferevent asks ioctl(FIONREAD) first, one more system call per request)
 * and write replies in the same wake-up. */
struct conn {
  struct worker *w;
  enum conn_door door;
  int fd;
  struct event *read_ev;  /* persistent, with the client_timeout; off while replies wait */
  struct event *write_ev; /* added only while a reply waits for room */
  struct evbuffer *in, *out;
  struct fcgi_conn *fcgi;             /* CONN_FCGI: the codec */
  struct http_conn *http;             /* CONN_HTTP: the codec */
  char remote_addr[INET6_ADDRSTRLEN]; /* CONN_HTTP: the client's address, or "" */
  bool close_after_write;             /* no keep-alive, or a protocol error */
  bool busy;                          /* a request has begun and not been answered */
  bool handoff_refused;      /* CONN_FCGI: the hand-off queue refused it: closed like on a server stop */
  long long linger_until_ms; /* CONN_HTTP, closing: our side is shut; reading until then (0 = not) */
  struct list link;          /* in w->conns */
};

/* Where the request in progress is answered. */
struct reply_route {
  int fd;            /* the client's connection; -1 when a reply cannot be written safely */
  bool fcgi;         /* FastCGI records (else HTTP/1.1) */
  uint16_t fcgi_id;  /* FastCGI request id */
  bool head_only;    /* HTTP HEAD: no body */
  bool keep_alive;   /* HTTP: the client lets another request follow */
  int version_minor; /* HTTP: of the request */
};

/* worker.c */
/* Runs REQ through the runtime into RES, with the scoreboard, the logs, the
 * overrun backstop (ROUTE: where its 504 would go) and max_requests around it. */
/* CGI-style header names from HTTP_* params: HTTP_X_FORWARDED_FOR ->
 * x-forwarded-for, written into BUF (at least LEN + 1 bytes) (worker_doors.c). */
size_t header_name_from_param(const char *param, size_t len, char *buf);
void worker_handle(struct worker *w, struct conn *c, const struct js_request *req,
                   const struct reply_route *route, struct js_response *res);

/* Sends what C's output buffer holds and then the N (<= CONN_SEND_IOV_MAX)
 * pieces of IOV: in one writev straight from the caller's memory while
 * little is queued, so a big body is not copied on its way out.  What the
 * socket does not take at once is copied into the buffer and written as
 * room appears (worker_conn_flush, which also finds a broken connection).
 * Out of memory, the connection is closed after what was queued. */
#define CONN_SEND_IOV_MAX (FCGI_IOV_RECORDS * 4 + 1) /* a struct fcgi_iov's */
void worker_conn_send(struct conn *c, const struct iovec *iov, int n);

/* Sends like worker_conn_send and then waits until the socket has taken
 * all of C's output: the back-pressure of a streamed response.  Returns 0,
 * or -1 with *WHY set when the connection broke, DEADLINE_MS (monotonic,
 * coarse clock) passed or the client took nothing for client_timeout. */
int worker_conn_send_wait(struct conn *c, const struct iovec *iov, int n, long long deadline_ms,
                          const char **why);

/* worker_doors.c */
/* Writes the streamed response RES (res->streamed) on C as the app
 * produces it, and sets res->body_len to the bytes sent; or, when its
 * first piece fails, turns RES into a plain 500 for the door to send. */
void door_stream(struct conn *c, const struct reply_route *route, struct js_response *res);
/* Decodes C's input and serves the requests in it, at its door. */
void door_fcgi_process_input(struct conn *c);
void door_http_process_input(struct conn *c);
/* The HTTP door's accepting rhythm: paused after an accept, resumed by a
 * timer (door_on_http_resume) or an answer. */
void door_http_accept_pause(struct worker *w);
void door_on_http_resume(evutil_socket_t fd, short what, void *arg);

#endif
