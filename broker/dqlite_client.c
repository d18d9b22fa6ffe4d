/* dqlite_client.c: a blocking connection to one dqlite node (see
 * dqlite_client.h).
 *
 * Guarantees:
 * - No call waits longer than the client's timeout: connect, send and
 *   every read share one deadline (poll on a non-blocking socket).
 * - One request at a time, and its whole answer is read before the call
 *   returns (a query's every ROWS message, or after a stop the interrupt's
 *   EMPTY), so no late message can be taken for the next call's.
 * - Anything unexpected on the wire, a timeout or a lost connection closes
 *   the connection at once (DQLITE_CLIENT_BROKEN); it is never reused, so a
 *   half-read stream is never misread.
 * - SIGPIPE is never raised (MSG_NOSIGNAL); small requests are not delayed
 *   (TCP_NODELAY).
 */
#include "autoconfig.h"

#include "dqlite_client.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "netaddr.h"

/* dqlite's default port for an address without one. */
#define DQLITE_DEFAULT_PORT "8080"

struct dqlite_client {
  int fd; /* -1 once broken */
  char address[128];
  int timeout_ms;
  size_t max_body_bytes;       /* of the answer being read */
  long long deadline_ms;       /* of the call in progress (CLOCK_MONOTONIC) */
  struct dqlite_proto_buf out; /* the request being sent */
  unsigned char *in;           /* the body of the message being read */
  size_t in_cap;
  uint64_t errcode;
  char errmsg[512];
};

/* Closes C's connection for good and records why.  Returns BROKEN. */
static int broken(struct dqlite_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int broken(struct dqlite_client *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
  va_end(ap);
  c->errcode = 0;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  return DQLITE_CLIENT_BROKEN;
}

/* Waits until C's socket is ready for EVENTS or the deadline passes.
 * Returns 0, or BROKEN. */
static int wait_ready(struct dqlite_client *c, short events, const char *doing) {
  for (;;) {
    long long left = c->deadline_ms - clock_mono_ms();
    if (left <= 0) return broken(c, "%s: timed out %s", c->address, doing);
    struct pollfd p = {.fd = c->fd, .events = events};
    int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
    if (n > 0) return 0;
    if (n < 0 && errno != EINTR) return broken(c, "%s: poll: %s", c->address, strerror(errno));
  }
}

static int send_all(struct dqlite_client *c, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_ready(c, POLLOUT, "sending") != 0) return DQLITE_CLIENT_BROKEN;
    } else if (w < 0 && errno != EINTR) {
      return broken(c, "%s: send: %s", c->address, strerror(errno));
    }
  }
  return 0;
}

static int recv_exact(struct dqlite_client *c, unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t r = recv(c->fd, p, n, 0);
    if (r > 0) {
      p += r;
      n -= (size_t)r;
    } else if (r == 0) {
      return broken(c, "%s: connection closed by the node", c->address);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (wait_ready(c, POLLIN, "waiting for the answer") != 0) return DQLITE_CLIENT_BROKEN;
    } else if (errno != EINTR) {
      return broken(c, "%s: recv: %s", c->address, strerror(errno));
    }
  }
  return 0;
}

/* Starts a call: everything it does must be over by the deadline. */
static void call_begin(struct dqlite_client *c) { c->deadline_ms = clock_mono_ms() + c->timeout_ms; }

/* Sends the request an encoder just wrote to C->out; ENCODED is that
 * encoder's result.  An encoding error (a value dqlite cannot carry) fails
 * the request without touching the connection.  C->out is empty again
 * afterwards, ready for the next encoder. */
static int send_request(struct dqlite_client *c, int encoded, const char *why) {
  int rc;
  if (c->fd < 0) {
    rc = DQLITE_CLIENT_BROKEN; /* errmsg says why already */
  } else if (encoded != 0) {
    c->errcode = 0;
    snprintf(c->errmsg, sizeof c->errmsg, "%s", why);
    rc = DQLITE_CLIENT_FAILED;
  } else {
    rc = send_all(c, c->out.data, c->out.len);
  }
  c->out.len = 0;
  return rc;
}

static int read_header(struct dqlite_client *c, struct dqlite_proto_header *h) {
  unsigned char hdr[DQLITE_PROTO_HEADER_BYTES];
  char err[256];
  if (recv_exact(c, hdr, sizeof hdr) != 0) return DQLITE_CLIENT_BROKEN;
  if (dqlite_proto_header_decode(hdr, c->max_body_bytes, h, err, sizeof err) != 0)
    return broken(c, "%s: %s", c->address, err);
  return 0;
}

/* Reads the body of the message whose header is H into C->in. */
static int read_body(struct dqlite_client *c, const struct dqlite_proto_header *h) {
  size_t len = (size_t)h->words * DQLITE_PROTO_HEADER_BYTES;
  if (len > c->in_cap) {
    unsigned char *bigger = realloc(c->in, len);
    if (bigger == NULL) return broken(c, "%s: out of memory for a %zu-byte answer", c->address, len);
    c->in = bigger;
    c->in_cap = len;
  }
  return recv_exact(c, c->in, len);
}

/* Decodes the body in C->in.  OK with *OUT; FAILED when the node answered
 * FAILURE (its code and message kept); BROKEN on anything else. */
static int decode_body(struct dqlite_client *c, const struct dqlite_proto_header *h,
                       enum dqlite_proto_response expected, struct dqlite_proto_response_body *out) {
  char err[256];
  if (dqlite_proto_response_decode(h, c->in, expected, out, err, sizeof err) != 0)
    return broken(c, "%s: %s", c->address, err);
  if (out->type == DQLITE_PROTO_RESP_FAILURE) {
    c->errcode = out->u.failure.code;
    snprintf(c->errmsg, sizeof c->errmsg, "%s", out->u.failure.message);
    return DQLITE_CLIENT_FAILED;
  }
  return DQLITE_CLIENT_OK;
}

/* Reads one message, the answer to a request expecting EXPECTED. */
static int read_response(struct dqlite_client *c, enum dqlite_proto_response expected,
                         struct dqlite_proto_response_body *out) {
  struct dqlite_proto_header h;
  int rc = read_header(c, &h);
  if (rc == 0) rc = read_body(c, &h);
  return rc != 0 ? rc : decode_body(c, &h, expected, out);
}

/* One call: sends the request in C->out (ENCODED and WHY from its
 * encoder) and reads the answer, by one deadline. */
static int call(struct dqlite_client *c, int encoded, const char *why, enum dqlite_proto_response expected,
                struct dqlite_proto_response_body *out) {
  call_begin(c);
  int rc = send_request(c, encoded, why);
  return rc != 0 ? rc : read_response(c, expected, out);
}

/* The outcome of FD's connect, once poll found it writable: 0 or an errno
 * value. */
static int connect_result(int fd) {
  int soerr = 0;
  socklen_t len = sizeof soerr;
  return getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 ? errno : soerr;
}

/* Waits until FD's connect (in progress) ends or DEADLINE_MS passes.
 * Returns 0 or an errno value (ETIMEDOUT at the deadline). */
static int connect_wait(int fd, long long deadline_ms) {
  for (;;) {
    long long left = deadline_ms - clock_mono_ms();
    if (left <= 0) return ETIMEDOUT;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
    if (n < 0 && errno != EINTR) return errno;
    if (n > 0) return connect_result(fd);
  }
}

/* Starts connecting a non-blocking socket to ADDRESS.  Returns it (the
 * connect done or in progress), or -1 with ERR set. */
static int dial_start(const char *address, char *err, size_t errlen) {
  struct sockaddr_storage sa;
  socklen_t salen;
  char why[128];
  if (netaddr_parse(address, DQLITE_DEFAULT_PORT, &sa, &salen, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: %s", address, why);
    return -1;
  }
  int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "socket: %s", strerror(errno));
    return -1;
  }
  if (connect(fd, (struct sockaddr *)&sa, salen) != 0 && errno != EINPROGRESS) {
    snprintf(err, errlen, "%s: connect: %s", address, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

/* Ends dialing FD, whose connect ended with RC (0 or an errno value):
 * returns FD with TCP_NODELAY, or closes it and returns -1 with ERR set. */
static int dial_finish(int fd, int rc, const char *address, char *err, size_t errlen) {
  const char *doing = "connect";
  int one = 1;
  if (rc == 0 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
    rc = errno, doing = "setsockopt(TCP_NODELAY)";
  if (rc == 0) return fd;
  if (rc == ETIMEDOUT)
    snprintf(err, errlen, "%s: timed out connecting", address);
  else
    snprintf(err, errlen, "%s: %s: %s", address, doing, strerror(rc));
  close(fd);
  return -1;
}

int dqlite_client_dial(const char *address, int timeout_ms, char *err, size_t errlen) {
  long long deadline_ms = clock_mono_ms() + timeout_ms;
  int fd = dial_start(address, err, errlen);
  return fd < 0 ? -1 : dial_finish(fd, connect_wait(fd, deadline_ms), address, err, errlen);
}

/* How long this client's connection to a node may go without a word from
 * the node's TCP stack before it counts as lost.  A node's kernel
 * acknowledges a request at once, and keepalive probes while the client
 * waits for an answer, however long the statement then takes (the write
 * lock, up to write_wait; a COMMIT being replicated), so only an
 * unreachable node -- a partition, a host gone -- lets it run out.  Without
 * this, a request to a leader cut off from the others was found lost only
 * when the whole request timeout (write_wait + 1 s) had passed, while the
 * others had elected a new leader after 1.5-3 s: a majority host's writes
 * waited ~4 s.  A second covers several retransmissions on a private
 * network. */
#define DQLITE_CLIENT_SILENCE_MS 1000

/* Unacknowledged data (TCP_USER_TIMEOUT) and, while waiting for an answer,
 * keepalive probes every second (whose failure TCP_USER_TIMEOUT then
 * times) end the connection after DQLITE_CLIENT_SILENCE_MS of silence.
 * Returns 0 or the errno, with DOING set. */
static int watch_liveness(int fd, const char **doing) {
  unsigned int silence_ms = DQLITE_CLIENT_SILENCE_MS;
  int one = 1, idle_s = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &silence_ms, sizeof silence_ms) != 0)
    return *doing = "setsockopt(TCP_USER_TIMEOUT)", errno;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) != 0)
    return *doing = "setsockopt(SO_KEEPALIVE)", errno;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s) != 0)
    return *doing = "setsockopt(TCP_KEEPIDLE)", errno;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle_s, sizeof idle_s) != 0)
    return *doing = "setsockopt(TCP_KEEPINTVL)", errno;
  return 0;
}

/* Watches C's freshly connected socket (watch_liveness).  Returns 0, or
 * BROKEN. */
static int watch_socket(struct dqlite_client *c) {
  const char *doing = "";
  int rc = watch_liveness(c->fd, &doing);
  return rc == 0 ? 0 : broken(c, "%s: %s: %s", c->address, doing, strerror(rc));
}

/* A client for ADDRESS, not connected yet, or NULL with ERR set. */
static struct dqlite_client *client_new(const char *address, int timeout_ms, char *err, size_t errlen) {
  struct dqlite_client *c = calloc(1, sizeof *c);
  if (c == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  c->fd = -1;
  c->timeout_ms = timeout_ms;
  c->max_body_bytes = DQLITE_PROTO_MAX_BODY_BYTES;
  c->deadline_ms = clock_mono_ms() + timeout_ms;
  if (strlen(address) >= sizeof c->address) {
    snprintf(err, errlen, "%.40s...: node address too long", address);
    free(c);
    return NULL;
  }
  strcpy(c->address, address);
  return c;
}

/* Sends the protocol version on C's new connection.  Returns 0 or BROKEN. */
static int handshake(struct dqlite_client *c) {
  char why[256];
  return send_request(c, dqlite_proto_handshake(&c->out, why, sizeof why), why);
}

struct dqlite_client *dqlite_client_connect(const char *address, int timeout_ms, char *err, size_t errlen) {
  struct dqlite_client *c = client_new(address, timeout_ms, err, errlen);
  if (c == NULL) return NULL;
  char why[sizeof c->errmsg];
  c->fd = dqlite_client_dial(c->address, c->timeout_ms, why, sizeof why);
  int rc = c->fd < 0 ? broken(c, "%s", why) : watch_socket(c);
  if (rc == 0) rc = handshake(c);
  if (rc != 0) {
    snprintf(err, errlen, "%s", c->errmsg);
    dqlite_client_close(c);
    return NULL;
  }
  return c;
}

void dqlite_client_close(struct dqlite_client *c) {
  if (c == NULL) return;
  if (c->fd >= 0) close(c->fd);
  dqlite_proto_buf_free(&c->out);
  free(c->in);
  free(c);
}

const char *dqlite_client_address(const struct dqlite_client *c) { return c->address; }
void dqlite_client_set_timeout(struct dqlite_client *c, int timeout_ms) { c->timeout_ms = timeout_ms; }
uint64_t dqlite_client_errcode(const struct dqlite_client *c) { return c->errcode; }
const char *dqlite_client_errmsg(const struct dqlite_client *c) { return c->errmsg; }

int dqlite_client_leader(struct dqlite_client *c, uint64_t *id, char *address, size_t address_len) {
  char why[256];
  struct dqlite_proto_response_body r;
  int rc = call(c, dqlite_proto_leader(&c->out, why, sizeof why), why, DQLITE_PROTO_RESP_SERVER, &r);
  if (rc != 0) return rc;
  *id = r.u.server.id;
  snprintf(address, address_len, "%s", r.u.server.address);
  return 0;
}

/* Appends one finding, "; " separated, to the search report in ERR. */
static void report(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(char *err, size_t errlen, const char *fmt, ...) {
  size_t used = strlen(err);
  if (used + 2 >= errlen) return;
  if (used > 0) strcpy(err + used, "; "), used += 2;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + used, errlen - used, fmt, ap);
  va_end(ap);
}

/* The leader search asks every node at once, so that an unreachable one
 * -- often the old leader, still named by the others until they have
 * elected a new one -- holds up no other.  One node being asked: */
struct ask {
  char address[128];
  struct dqlite_client *c; /* NULL once done with */
  bool connecting;         /* else its question is in flight, or due at reask_at_ms */
  bool answered;           /* once: it no longer holds the search up */
  long long reask_at_ms;   /* 0: the question is in flight */
};

/* How long a search gives one node to connect and answer: a reachable
 * node does both in milliseconds (LEADER is answered from memory). */
#define DQLITE_CLIENT_ASK_MS DQLITE_CLIENT_SILENCE_MS
/* While a node that has not answered holds the search up, those that
 * answered without a leader to be found are asked again this often: the
 * new leader is found as soon as they know it, not when the silent node
 * times out. */
#define DQLITE_CLIENT_REASK_MS 20
/* Nodes a search may ask beyond its addresses: leaders the nodes name that
 * are not among them (a node added since the configuration was written). */
#define DQLITE_CLIENT_MAX_NAMED 4

static long long ask_deadline(long long search_deadline_ms) {
  long long d = clock_mono_ms() + DQLITE_CLIENT_ASK_MS;
  return d < search_deadline_ms ? d : search_deadline_ms;
}

static void ask_drop(struct ask *a) {
  dqlite_client_close(a->c);
  a->c = NULL;
}

/* A's connection broke: reported (the message names the address). */
static void ask_fail(struct ask *a, char *err, size_t errlen) {
  report(err, errlen, "%s", a->c->errmsg);
  ask_drop(a);
}

/* Starts connecting to ADDRESS, bounded by DEADLINE_MS. */
static void ask_start(struct ask *a, const char *address, long long deadline_ms, char *err, size_t errlen) {
  char why[256];
  snprintf(a->address, sizeof a->address, "%s", address);
  a->connecting = true;
  a->c = client_new(address, DQLITE_CLIENT_ASK_MS, why, sizeof why);
  if (a->c == NULL) {
    report(err, errlen, "%s", why);
    return;
  }
  a->c->deadline_ms = deadline_ms;
  a->c->fd = dial_start(address, why, sizeof why);
  if (a->c->fd < 0) {
    report(err, errlen, "%s", why);
    ask_drop(a);
  }
}

/* Sends A its question (LEADER), to be answered by DEADLINE_MS. */
static void ask_send(struct ask *a, long long deadline_ms, char *err, size_t errlen) {
  char why[256];
  a->c->deadline_ms = deadline_ms;
  a->reask_at_ms = 0;
  if (send_request(a->c, dqlite_proto_leader(&a->c->out, why, sizeof why), why) != 0)
    ask_fail(a, err, errlen);
}

/* A's connect ended: on success, the protocol version and the question go. */
static void ask_connected(struct ask *a, char *err, size_t errlen) {
  char why[256];
  struct dqlite_client *c = a->c;
  c->fd = dial_finish(c->fd, connect_result(c->fd), c->address, why, sizeof why);
  if (c->fd < 0) {
    report(err, errlen, "%s", why);
    ask_drop(a);
    return;
  }
  a->connecting = false;
  if (watch_socket(c) != 0 || handshake(c) != 0)
    ask_fail(a, err, errlen);
  else
    ask_send(a, c->deadline_ms, err, errlen);
}

static bool asked(const struct ask *asks, size_t n, const char *address) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(asks[i].address, address) == 0) return true;
  return false;
}

/* Reads A's answer.  True when A's node leads; else A is asked again after
 * a pause, and a leader it names that no one asked yet is asked (appended
 * to ASKS, *N of CAP). */
static bool ask_answer(struct ask *a, struct ask *asks, size_t *n, size_t cap, long long search_deadline_ms,
                       char *err, size_t errlen) {
  struct dqlite_proto_response_body r;
  if (read_response(a->c, DQLITE_PROTO_RESP_SERVER, &r) != 0) {
    ask_fail(a, err, errlen);
    return false;
  }
  uint64_t id = r.u.server.id;
  if (id != 0 && strcmp(r.u.server.address, a->c->address) == 0) return true;
  if (!a->answered) { /* the first answer is worth reporting; the same again is not */
    if (id == 0)
      report(err, errlen, "%s: knows no leader", a->address);
    else
      report(err, errlen, "%s: names %s", a->address, r.u.server.address);
  }
  a->answered = true;
  a->reask_at_ms = clock_mono_ms() + DQLITE_CLIENT_REASK_MS;
  if (id != 0 && *n < cap && !asked(asks, *n, r.u.server.address)) {
    ask_start(&asks[*n], r.u.server.address, ask_deadline(search_deadline_ms), err, errlen);
    ++*n;
  }
  return false;
}

/* True while a node being asked has not answered yet. */
static bool search_held(const struct ask *asks, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (asks[i].c != NULL && !asks[i].answered) return true;
  return false;
}

/* One round of the search: questions due go again, nodes past their time
 * are given up, and poll waits for the others.  Returns the leader's
 * client once one says it leads, else NULL. */
static struct dqlite_client *search_round(struct ask *asks, size_t *n, size_t cap, struct pollfd *fds,
                                          size_t *which, long long deadline_ms, char *err, size_t errlen) {
  long long now = clock_mono_ms(), wake = deadline_ms;
  size_t nfds = 0;
  for (size_t i = 0; i < *n; i++) {
    struct ask *a = &asks[i];
    if (a->c != NULL && a->reask_at_ms != 0) {
      if (a->reask_at_ms > now) {
        if (a->reask_at_ms < wake) wake = a->reask_at_ms;
        continue;
      }
      ask_send(a, ask_deadline(deadline_ms), err, errlen);
    }
    if (a->c == NULL) continue;
    if (a->c->deadline_ms <= now) {
      if (!a->answered)
        report(err, errlen, "%s: timed out %s", a->address,
               a->connecting ? "connecting" : "waiting for the answer");
      ask_drop(a);
      continue;
    }
    if (a->c->deadline_ms < wake) wake = a->c->deadline_ms;
    fds[nfds] = (struct pollfd){.fd = a->c->fd, .events = a->connecting ? POLLOUT : POLLIN};
    which[nfds++] = i;
  }
  if (!search_held(asks, *n)) return NULL;
  int ready = poll(fds, nfds, wake > now ? (int)(wake - now) : 0);
  if (ready < 0 && errno != EINTR) {
    report(err, errlen, "poll: %s", strerror(errno));
    for (size_t i = 0; i < *n; i++) ask_drop(&asks[i]);
    return NULL;
  }
  for (size_t k = 0; ready > 0 && k < nfds; k++) {
    struct ask *a = &asks[which[k]];
    if (fds[k].revents == 0 || a->c == NULL) continue;
    if (a->connecting) {
      ask_connected(a, err, errlen);
    } else if (ask_answer(a, asks, n, cap, deadline_ms, err, errlen)) {
      struct dqlite_client *leader = a->c;
      a->c = NULL;
      return leader;
    }
  }
  return NULL;
}

struct dqlite_client *dqlite_client_connect_leader(const char *const *addresses, size_t naddresses,
                                                   int timeout_ms, char *err, size_t errlen) {
  long long deadline = clock_mono_ms() + timeout_ms;
  size_t cap = naddresses + DQLITE_CLIENT_MAX_NAMED, n = 0;
  struct ask *asks = calloc(cap, sizeof *asks);
  struct pollfd *fds = calloc(cap, sizeof *fds);
  size_t *which = calloc(cap, sizeof *which);
  struct dqlite_client *leader = NULL;
  err[0] = '\0';
  if (asks == NULL || fds == NULL || which == NULL) {
    snprintf(err, errlen, "out of memory");
  } else {
    for (size_t i = 0; i < naddresses; i++)
      if (!asked(asks, n, addresses[i]))
        ask_start(&asks[n++], addresses[i], ask_deadline(deadline), err, errlen);
    while (leader == NULL && search_held(asks, n))
      leader = search_round(asks, &n, cap, fds, which, deadline, err, errlen);
    for (size_t i = 0; i < n; i++) ask_drop(&asks[i]);
  }
  free(asks);
  free(fds);
  free(which);
  if (leader != NULL) dqlite_client_set_timeout(leader, timeout_ms);
  return leader;
}

int dqlite_client_open(struct dqlite_client *c, const char *name, uint32_t *db_id) {
  char why[256];
  struct dqlite_proto_response_body r;
  int rc = call(c, dqlite_proto_open(&c->out, name, why, sizeof why), why, DQLITE_PROTO_RESP_DB, &r);
  if (rc == 0) *db_id = r.u.db.id;
  return rc;
}

static void set_result(const struct dqlite_proto_response_body *r, struct dqlite_client_result *out) {
  if (out == NULL) return;
  out->last_insert_id = (int64_t)r->u.result.last_insert_id;
  out->rows_affected = r->u.result.rows_affected;
}

int dqlite_client_exec_sql(struct dqlite_client *c, uint32_t db_id, const char *sql,
                           const struct dqlite_proto_value *params, size_t nparams,
                           struct dqlite_client_result *result) {
  char why[256];
  struct dqlite_proto_response_body r;
  int rc = call(c, dqlite_proto_run_sql(&c->out, 0, db_id, sql, params, nparams, why, sizeof why), why,
                DQLITE_PROTO_RESP_RESULT, &r);
  if (rc == 0) set_result(&r, result);
  return rc;
}

int dqlite_client_exec(struct dqlite_client *c, uint32_t db_id, uint32_t stmt_id,
                       const struct dqlite_proto_value *params, size_t nparams,
                       struct dqlite_client_result *result) {
  char why[256];
  struct dqlite_proto_response_body r;
  int rc = call(c, dqlite_proto_run_stmt(&c->out, 0, db_id, stmt_id, params, nparams, why, sizeof why), why,
                DQLITE_PROTO_RESP_RESULT, &r);
  if (rc == 0) set_result(&r, result);
  return rc;
}

/* After a rows handler stopped a query whose rows were still coming:
 * interrupts it.  The node finishes what it was sending, then answers
 * EMPTY; the rows before are dropped.  Returns STOPPED or BROKEN. */
static int interrupt_and_drain(struct dqlite_client *c, uint32_t db_id) {
  char why[256];
  int rc = send_request(c, dqlite_proto_interrupt(&c->out, db_id, why, sizeof why), why);
  if (rc == DQLITE_CLIENT_FAILED) return broken(c, "%s: cannot interrupt a query: %s", c->address, why);
  if (rc != 0) return rc;
  for (;;) {
    struct dqlite_proto_header h;
    struct dqlite_proto_response_body r;
    if (read_header(c, &h) != 0 || read_body(c, &h) != 0) return DQLITE_CLIENT_BROKEN;
    if (h.type == DQLITE_PROTO_RESP_ROWS) continue;
    /* EMPTY ends it; so does a FAILURE (the query failed meanwhile). */
    if (decode_body(c, &h, DQLITE_PROTO_RESP_EMPTY, &r) == DQLITE_CLIENT_BROKEN) return DQLITE_CLIENT_BROKEN;
    return DQLITE_CLIENT_STOPPED;
  }
}

/* Receives the ROWS messages of a query sent on C, handing them to
 * HANDLER.  NAMES and VALUES are sized when the first message says how
 * many columns there are; each later one must say the same. */
static int receive_rows(struct dqlite_client *c, uint32_t db_id, const struct dqlite_client_rows *handler,
                        void *arg) {
  const char **names = NULL;
  struct dqlite_proto_value *values = NULL;
  unsigned ncolumns = 0;
  int first = 1, stopped = 0, rc;
  char why[256];
  for (;;) {
    struct dqlite_proto_response_body r;
    rc = read_response(c, DQLITE_PROTO_RESP_ROWS, &r);
    if (rc != 0) break;
    struct dqlite_proto_rows *rows = &r.u.rows;
    if (first) {
      ncolumns = rows->ncolumns;
      names = calloc(ncolumns + 1, sizeof *names);
      values = calloc(ncolumns + 1, sizeof *values);
      if (names == NULL || values == NULL) {
        rc = broken(c, "%s: out of memory for %u columns", c->address, ncolumns);
        break;
      }
    } else if (rows->ncolumns != ncolumns) {
      rc = broken(c, "%s: a later ROWS message has %u columns, the first had %u", c->address, rows->ncolumns,
                  ncolumns);
      break;
    }
    if (dqlite_proto_rows_names(rows, names, why, sizeof why) != 0) {
      rc = broken(c, "%s: %s", c->address, why);
      break;
    }
    if (first && handler->columns != NULL && handler->columns(arg, ncolumns, names) != 0) stopped = 1;
    first = 0;
    int got;
    while ((got = dqlite_proto_rows_next(rows, values, why, sizeof why)) == 1)
      if (!stopped && handler->row != NULL && handler->row(arg, ncolumns, values) != 0) stopped = 1;
    if (got < 0) {
      rc = broken(c, "%s: %s", c->address, why);
      break;
    }
    if (!rows->more) {
      rc = stopped ? DQLITE_CLIENT_STOPPED : DQLITE_CLIENT_OK;
      break;
    }
    if (stopped) {
      rc = interrupt_and_drain(c, db_id);
      break;
    }
  }
  free(names);
  free(values);
  return rc;
}

int dqlite_client_query_sql(struct dqlite_client *c, uint32_t db_id, const char *sql,
                            const struct dqlite_proto_value *params, size_t nparams,
                            const struct dqlite_client_rows *handler, void *arg) {
  char why[256];
  call_begin(c);
  int rc =
      send_request(c, dqlite_proto_run_sql(&c->out, 1, db_id, sql, params, nparams, why, sizeof why), why);
  return rc != 0 ? rc : receive_rows(c, db_id, handler, arg);
}

int dqlite_client_query(struct dqlite_client *c, uint32_t db_id, uint32_t stmt_id,
                        const struct dqlite_proto_value *params, size_t nparams,
                        const struct dqlite_client_rows *handler, void *arg) {
  char why[256];
  call_begin(c);
  int rc = send_request(
      c, dqlite_proto_run_stmt(&c->out, 1, db_id, stmt_id, params, nparams, why, sizeof why), why);
  return rc != 0 ? rc : receive_rows(c, db_id, handler, arg);
}

int dqlite_client_prepare(struct dqlite_client *c, uint32_t db_id, const char *sql, uint32_t *stmt_id,
                          uint64_t *nparams) {
  char why[256];
  struct dqlite_proto_response_body r;
  int rc =
      call(c, dqlite_proto_prepare(&c->out, db_id, sql, why, sizeof why), why, DQLITE_PROTO_RESP_STMT, &r);
  if (rc == 0) {
    *stmt_id = r.u.stmt.id;
    *nparams = r.u.stmt.nparams;
  }
  return rc;
}

int dqlite_client_finalize(struct dqlite_client *c, uint32_t db_id, uint32_t stmt_id) {
  char why[256];
  struct dqlite_proto_response_body r;
  return call(c, dqlite_proto_finalize(&c->out, db_id, stmt_id, why, sizeof why), why,
              DQLITE_PROTO_RESP_EMPTY, &r);
}

int dqlite_client_add(struct dqlite_client *c, uint64_t id, const char *address) {
  char why[256];
  struct dqlite_proto_response_body r;
  return call(c, dqlite_proto_add(&c->out, id, address, why, sizeof why), why, DQLITE_PROTO_RESP_EMPTY, &r);
}

int dqlite_client_cluster(struct dqlite_client *c, struct dqlite_client_member **members, size_t *count) {
  char why[256];
  struct dqlite_proto_response_body r;
  *members = NULL;
  *count = 0;
  int rc = call(c, dqlite_proto_cluster(&c->out, why, sizeof why), why, DQLITE_PROTO_RESP_SERVERS, &r);
  if (rc != 0) return rc;
  struct dqlite_client_member *m = calloc(r.u.servers.count + 1, sizeof *m);
  if (m == NULL)
    return broken(c, "%s: out of memory for %llu members", c->address, (unsigned long long)r.u.servers.count);
  size_t n = 0;
  uint64_t id, role;
  const char *address;
  int got;
  while ((got = dqlite_proto_servers_next(&r.u.servers, &id, &address, &role, why, sizeof why)) == 1) {
    if (strlen(address) >= sizeof m[n].address) {
      free(m);
      return broken(c, "%s: member %llu has an address over %zu bytes", c->address, (unsigned long long)id,
                    sizeof m[n].address - 1);
    }
    m[n].id = id;
    strcpy(m[n].address, address);
    m[n].role = (enum dqlite_proto_role)role;
    n++;
  }
  if (got < 0) {
    free(m);
    return broken(c, "%s: %s", c->address, why);
  }
  *members = m;
  *count = n;
  return 0;
}

int dqlite_client_remove(struct dqlite_client *c, uint64_t id) {
  char why[256];
  struct dqlite_proto_response_body r;
  return call(c, dqlite_proto_remove(&c->out, id, why, sizeof why), why, DQLITE_PROTO_RESP_EMPTY, &r);
}

int dqlite_client_transfer(struct dqlite_client *c, uint64_t id) {
  char why[256];
  struct dqlite_proto_response_body r;
  return call(c, dqlite_proto_transfer(&c->out, id, why, sizeof why), why, DQLITE_PROTO_RESP_EMPTY, &r);
}

int dqlite_client_dump(struct dqlite_client *c, const char *name, dqlite_client_file_fn *file, void *arg) {
  char why[256];
  struct dqlite_proto_response_body r;
  c->max_body_bytes = DQLITE_PROTO_MAX_DUMP_BYTES; /* for this answer only */
  int rc = call(c, dqlite_proto_dump(&c->out, name, why, sizeof why), why, DQLITE_PROTO_RESP_FILES, &r);
  c->max_body_bytes = DQLITE_PROTO_MAX_BODY_BYTES;
  if (rc != 0) return rc;
  const char *fname;
  const unsigned char *data;
  size_t len;
  int got;
  while ((got = dqlite_proto_files_next(&r.u.files, &fname, &data, &len, why, sizeof why)) == 1)
    if (file(arg, fname, data, len) != 0) return DQLITE_CLIENT_STOPPED;
  return got < 0 ? broken(c, "%s: %s", c->address, why) : DQLITE_CLIENT_OK;
}
