/* worker.c: a worker process.
 *
 * One libevent loop serves the FastCGI door and the optional HTTP door.
 * Both accept one connection per wake-up (so an idle worker takes new
 * connections and a busy one leaves them to its siblings) and share one
 * connection machinery (struct conn: read, write, time-outs, back-pressure,
 * graceful close); each has its own codec kept apart from I/O (fcgi.c,
 * http.c) and its own mapping of requests and responses (worker_doors.c).  Requests run to completion one at a time in the single Duktape
 * heap: the loop is not re-entered while JavaScript runs, so nothing here
 * needs locking.
 *
 * Stopping: SIGTERM ends the loop at once (the master's fast stop); SIGQUIT
 * stops accepting and lets the current request finish.  When the worker
 * stops for a replacement (reload, recycling), its idle kept-alive FastCGI
 * connections go to the hand-off queue (worker_handoff.h), each as soon as
 * it is idle, so that a request nginx writes into one at that moment is
 * served by another worker instead of lost; HTTP connections, and every
 * connection when the whole server stops, are closed after a short grace
 * period.
 */
#include "autoconfig.h"

#include "worker.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <malloc.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "accept_pause.h"
#include "clock.h"
#include "config.h"
#include "db_client.h"
#include "fcgi.h"
#include "http.h"
#include "list.h"
#include "log.h"
#include "proctitle.h"
#include "scoreboard.h"
#include "worker_handoff.h"
#include "static_files.h"
#include "worker_js.h"
#include "worker_internal.h"
#include "worker_log.h"

#define GRACE_MS 200 /* graceful stop: how long just-accepted connections get to send a request */

/* Stops taking new connections (graceful stop, or max_requests reached);
 * connections already open are served on. */
static void stop_accepting(struct worker *w) {
  if (!w->accepting) return;
  w->accepting = false;
  if (w->accept_ev) event_del(w->accept_ev);
  if (w->handoff_ev) event_del(w->handoff_ev);
  if (w->http_accept_ev) event_del(w->http_accept_ev);
  if (w->http_resume_ev) event_del(w->http_resume_ev);
}

/* accept_pause's hook: stops or resumes watching the listening sockets
 * while out of descriptors.  A worker that stopped accepting for good
 * leaves them alone. */
static void doors_watch(void *arg, bool watch) {
  struct worker *w = arg;
  if (!w->accepting) return;
  if (watch ? event_add(w->accept_ev, NULL) < 0 : event_del(w->accept_ev) < 0)
    log_error("FastCGI door: cannot %s accepting", watch ? "resume" : "pause");
  if (watch ? event_add(w->handoff_ev, NULL) < 0 : event_del(w->handoff_ev) < 0)
    log_error("hand-off queue: cannot %s watching it", watch ? "resume" : "pause");
  /* The HTTP door's own short pause (door_http_accept_pause) may be running:
   * resuming early only lets this worker take one more connection. */
  if (w->http_accept_ev != NULL &&
      (watch ? event_add(w->http_accept_ev, NULL) : event_del(w->http_accept_ev)) < 0)
    log_error("HTTP door: cannot %s accepting", watch ? "resume" : "pause");
}

/* Tells the master NOTE (a WORKER_NOTE_* byte) over our pipe: unlike a
 * signal, it reaches a master running as another user (root). */
static void notify_master(struct worker *w, char note) {
  ssize_t n;
  do n = write(w->master_fd, &note, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) log_warn("cannot notify the master: %s", n < 0 ? strerror(errno) : "nothing written");
}

/* ---- the overrun backstop ------------------------------------------------
 *
 * A request stuck inside one native call JS_OVERRUN_GRACE_MS past its
 * deadline (new Array(2e7).join('x') runs no bytecode for seconds, or for
 * ever) is answered here, from the deadline timer's signal handler: the
 * 504 is written straight to the client's connection and the process ends
 * (the heap is in the middle of that call; nothing in this process can be
 * trusted).  Only async-signal-safe calls: the reply is put together from
 * what the door recorded before the request began, with no allocation,
 * formatting or logging; the master logs it, from our exit status and the
 * scoreboard, and starts a replacement. */

/* The request in progress, for on_overrun: set before overrun_armed is
 * raised and left alone while it is. */
static struct reply_route overrun_route;
static const char *overrun_request_id;
static volatile sig_atomic_t overrun_armed;

/* Appends S to BUF (CAP bytes) at *AT, as much as fits. */
static void put_text(char *buf, size_t cap, size_t *at, const char *s) {
  size_t n = strlen(s);
  if (n > cap - *at) n = cap - *at;
  memcpy(buf + *at, s, n);
  *at += n;
}

static void put_decimal(char *buf, size_t cap, size_t *at, size_t v) {
  char digits[24];
  size_t i = sizeof digits;
  digits[--i] = '\0';
  do digits[--i] = (char)('0' + v % 10);
  while ((v /= 10) > 0);
  put_text(buf, cap, at, digits + i);
}

/* The overrun handler (see above); never returns. */
static void on_overrun(void) {
  const struct reply_route *r = &overrun_route;
  if (overrun_armed && r->fd >= 0) {
    char head[512];
    size_t n = 0;
    put_text(head, sizeof head, &n,
             r->fcgi ? "Status: 504 Gateway Timeout\r\n" : "HTTP/1.1 504 Gateway Timeout\r\n");
    put_text(head, sizeof head, &n, "Content-Type: text/plain;charset=UTF-8\r\nX-Request-Id: ");
    put_text(head, sizeof head, &n, overrun_request_id);
    put_text(head, sizeof head, &n, "\r\nContent-Length: ");
    put_decimal(head, sizeof head, &n, sizeof JS_TIMEOUT_BODY - 1);
    put_text(head, sizeof head, &n, r->fcgi ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
    if (!r->head_only) put_text(head, sizeof head, &n, JS_TIMEOUT_BODY);
    uint8_t records[sizeof head + 64];
    const void *out = head;
    if (r->fcgi) {
      n = fcgi_encode_reply(records, sizeof records, r->fcgi_id, head, n);
      out = records;
    }
    ssize_t written;
    do written = write(r->fd, out, n);
    while (written < 0 && errno == EINTR);
    /* Our end is closed before the exit: the reply arrives with a FIN. */
    shutdown(r->fd, SHUT_WR);
  }
  _exit(WORKER_EXIT_OVERRUN);
}

/* ---- connections, both doors --------------------------------------------- */

static const char *worker_door_name(const struct conn *c) {
  return c->door == CONN_HTTP ? "HTTP" : "FastCGI";
}

static void conn_free(struct conn *c) {
  struct worker *w = c->w;
  list_remove(&c->link);
  if (c->read_ev) event_free(c->read_ev);
  if (c->write_ev) event_free(c->write_ev);
  if (c->in) evbuffer_free(c->in);
  if (c->out) evbuffer_free(c->out);
  if (c->fd >= 0 && close(c->fd) < 0)
    log_debug("closing a %s connection: %s", worker_door_name(c), strerror(errno));
  fcgi_conn_free(c->fcgi);
  http_conn_free(c->http);
  free(c);
  scoreboard_connections(w->sb, w->sb_slot, -1);
  accept_pause_descriptor_freed(w->pause);
}

/* The client_timeout: how long a connection may send nothing (or take
 * nothing of a reply) before it is closed. */
static struct timeval conn_timeout(const struct conn *c) {
  return clock_timeval(c->w->cfg->client_timeout_ms);
}

/* Writes what the socket takes of c->out.  While the rest waits for room,
 * the connection is not read either: a client that sends requests without
 * taking the replies cannot make us buffer without bound.  Returns 0, or
 * -1 when the connection is broken (and freed). */
static int worker_conn_flush(struct conn *c) {
  while (evbuffer_get_length(c->out) > 0) {
    int n = evbuffer_write(c->out, c->fd);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    log_debug("%s connection: write: %s", worker_door_name(c), n < 0 ? strerror(errno) : "nothing written");
    conn_free(c);
    return -1;
  }
  if (evbuffer_get_length(c->out) > 0) {
    /* Only what the socket cannot take at once waits for a write event. */
    struct timeval tv = conn_timeout(c);
    if (event_add(c->write_ev, &tv) < 0 || event_del(c->read_ev) < 0) {
      log_error("cannot watch a %s connection for writing", worker_door_name(c));
      conn_free(c);
      return -1;
    }
  } else if (event_del(c->write_ev) < 0) {
    log_warn("cannot stop watching a %s connection for writing", worker_door_name(c));
  }
  return 0;
}

/* Replies waiting beyond this many bytes are a backlog the socket has no
 * room for: worker_conn_send then only appends. */
#define CONN_SEND_PENDING_MAX (64 * 1024)

void worker_conn_send(struct conn *c, const struct iovec *iov, int n) {
  struct iovec v[1 + CONN_SEND_IOV_MAX];
  size_t pending = evbuffer_get_length(c->out);
  ssize_t written = 0;
  if (pending <= CONN_SEND_PENDING_MAX && n <= CONN_SEND_IOV_MAX) {
    int k = 0;
    if (pending > 0) v[k++] = (struct iovec){evbuffer_pullup(c->out, -1), pending};
    if (pending == 0 || v[0].iov_base != NULL) {
      memcpy(v + k, iov, (size_t)n * sizeof *iov);
      do written = writev(c->fd, v, k + n);
      while (written < 0 && errno == EINTR);
      if (written < 0) written = 0; /* EAGAIN, or an error worker_conn_flush finds again */
    }
  }
  size_t from_out = (size_t)written < pending ? (size_t)written : pending;
  if (from_out > 0) evbuffer_drain(c->out, from_out);
  size_t skip = (size_t)written - from_out;
  for (int i = 0; i < n; i++) {
    if (skip >= iov[i].iov_len) {
      skip -= iov[i].iov_len;
      continue;
    }
    if (evbuffer_add(c->out, (const char *)iov[i].iov_base + skip, iov[i].iov_len - skip) < 0) {
      log_error("out of memory queueing a reply on a %s connection; closing it", worker_door_name(c));
      c->close_after_write = true;
      return;
    }
    skip = 0;
  }
}

int worker_conn_send_wait(struct conn *c, const struct iovec *iov, int n, long long deadline_ms,
                          const char **why) {
  worker_conn_send(c, iov, n);
  long long progress_ms = clock_coarse_ms();
  while (evbuffer_get_length(c->out) > 0) {
    int written = evbuffer_write(c->out, c->fd);
    if (written > 0) {
      progress_ms = clock_coarse_ms();
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      *why = written == 0 ? "the connection took nothing" : strerror(errno);
      return -1;
    }
    long long now = clock_coarse_ms(), idle_end = progress_ms + c->w->cfg->client_timeout_ms;
    long long wait_ms = (deadline_ms < idle_end ? deadline_ms : idle_end) - now;
    if (wait_ms <= 0) {
      *why = deadline_ms <= idle_end ? "the request's time limit passed with the client not reading"
                                     : "the client took nothing for client_timeout";
      return -1;
    }
    struct pollfd p = {.fd = c->fd, .events = POLLOUT};
    if (poll(&p, 1, wait_ms > INT_MAX ? INT_MAX : (int)wait_ms) < 0 && errno != EINTR) {
      *why = strerror(errno);
      return -1;
    }
  }
  return c->close_after_write ? (*why = "out of memory", -1) : 0;
}

/* How long the HTTP door reads on after its last reply to a connection it
 * closes, at most. */
#define HTTP_LINGER_MS 1000

/* Closes C, whose last reply is out.  An HTTP client may still be sending
 * (a refused body, requests pipelined behind a refused one): closing a
 * socket with unread bytes makes the kernel send a reset, and a reset can
 * destroy the reply before the client has read it.  So the HTTP door shuts
 * its sending side (the client sees the end of the reply) and reads on,
 * discarding, until the client closes or HTTP_LINGER_MS pass; nginx's
 * lingering close does the same. */
static void worker_conn_close(struct conn *c) {
  if (c->door != CONN_HTTP || c->linger_until_ms != 0) {
    conn_free(c);
    return;
  }
  struct timeval tv = clock_timeval(HTTP_LINGER_MS);
  if (shutdown(c->fd, SHUT_WR) < 0 || event_add(c->read_ev, &tv) < 0) {
    conn_free(c);
    return;
  }
  c->linger_until_ms = clock_mono_ms() + HTTP_LINGER_MS;
  c->busy = false;
}

/* A FastCGI connection with nothing of a request read and nothing of a
 * reply unsent can change hands between requests without the client
 * noticing, unless the queue refused it before.  (The connection whose
 * request is running looks so too: the caller knows which it is.) */
static bool conn_handoff_ready(const struct conn *c) {
  return c->door == CONN_FCGI && !c->busy && !c->close_after_write && !c->handoff_refused &&
         evbuffer_get_length(c->in) == 0 && evbuffer_get_length(c->out) == 0;
}

/* Quitting for a replacement: passes C to the hand-off queue if it is an
 * idle FastCGI connection (and frees our side of it).  Returns true when C
 * is gone. */
static bool worker_conn_hand_off_if_idle(struct conn *c) {
  if (!c->w->handing_off || !conn_handoff_ready(c)) return false;
  if (handoff_send(c->w->handoff_send_fd, c->fd) < 0) {
    log_warn("cannot pass a kept-alive connection to another worker (%s): closing it when idle",
             strerror(errno));
    c->handoff_refused = true;
    return false;
  }
  conn_free(c);
  return true;
}

/* Before a request on connection SERVING: should it run long, the
 * hand-off timer passes the worker's other idle FastCGI connections to
 * other workers (worker_handoff.h).  Not when the whole server stops:
 * nobody would take them. */
static void watch_idle_conns(struct worker *w, const struct conn *serving) {
  int fds[HANDOFF_WATCH_MAX];
  w->nwatched = 0;
  if (w->quitting && !w->handing_off) return;
  struct list *l;
  list_foreach(l, &w->conns) {
    if (w->nwatched == HANDOFF_WATCH_MAX) break;
    struct conn *c = list_entry(l, struct conn, link);
    if (c == serving || !conn_handoff_ready(c)) continue;
    fds[w->nwatched] = c->fd;
    w->watched[w->nwatched++] = c;
  }
  handoff_watch_begin(fds, w->nwatched);
}

/* After the request: the connections the timer passed on are no longer
 * ours.  (The loop did not run meanwhile: the watched ones are all still
 * open, untouched.) */
static void forget_passed_conns(struct worker *w, long long duration_ms) {
  bool passed[HANDOFF_WATCH_MAX];
  size_t n = handoff_watch_end(passed, w->nwatched);
  for (size_t i = 0; i < w->nwatched; i++)
    if (passed[i]) conn_free(w->watched[i]);
  w->nwatched = 0;
  if (n > 0)
    log_debug("passed %zu idle connections to other workers during a %lld ms request", n, duration_ms);
}

/* ---- the request's log fields -------------------------------------------- */

/* The request and response %{NAME}e and %{Name}o look in. */
struct log_lookup {
  const struct js_request *req;
  const struct js_response *res; /* NULL while the request runs */
};

static const char *find_header(const struct js_header *h, size_t n, const char *name, size_t *len) {
  size_t name_len = strlen(name);
  for (size_t i = 0; i < n; i++) {
    if (h[i].name_len == name_len && strncasecmp(h[i].name, name, name_len) == 0) {
      *len = h[i].value_len;
      return h[i].value;
    }
  }
  return NULL;
}

/* %{NAME}e: a FastCGI parameter as nginx sends it; HTTP_* are the request's
 * headers (at either door).  %{Name}o: a header of the response. */
static const char *lookup_for_log(const void *arg, char kind, const char *name, size_t *len) {
  const struct log_lookup *l = arg;
  if (kind == 'o') return l->res ? find_header(l->res->headers, l->res->nheaders, name, len) : NULL;
  const struct js_request *req = l->req;
  if (strncmp(name, "HTTP_", 5) == 0 && strlen(name) < 128) {
    char header[128];
    header_name_from_param(name + 5, strlen(name + 5), header);
    return find_header(req->headers, req->nheaders, header, len);
  }
  static const char *const params[] = {"REMOTE_ADDR", "REMOTE_USER",  "REQUEST_METHOD",
                                       "REQUEST_URI", "QUERY_STRING", "REQUEST_SCHEME"};
  const char *values[] = {req->remote_addr, req->remote_user, req->method, req->uri, req->query, req->scheme};
  for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
    if (strcmp(name, params[i]) == 0 && values[i] != NULL) {
      *len = strlen(values[i]);
      return values[i];
    }
  }
  return NULL;
}

/* The request in progress, for the slow log's stack (on_slow). */
static const struct access_fields *slow_fields;

static void on_slow(const char *stack, long long elapsed_ms) {
  if (slow_fields) worker_log_slow_stack(slow_fields, elapsed_ms, stack);
}

static long long timeval_us(struct timeval tv) { return (long long)tv.tv_sec * 1000000 + tv.tv_usec; }

/* CPU time of the worker's thread so far, for the status page's last
 * request CPU (php-fpm's "last request cpu"); -1 when the status page never
 * asked for it (?full): a CPU clock is a system call, about 0.5 us here, 2 %
 * of a small request twice. */
static long long request_cpu_us(const struct worker *w) {
  struct timespec ts;
  if (!scoreboard_request_cpu_wanted(w->sb) || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0) return -1;
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The process title while the worker runs REQ: "jsfpm: worker 0 gen 1 GET
 * /path?query", the target escaped as in the logs (ps shows the bytes of a
 * client's %0a or escape sequence otherwise), cut to the length of the
 * scoreboard's request_path. */
static void title_request(const struct worker *w, const struct js_request *req) {
  char target[sizeof((struct sb_slot *)0)->request_path];
  bool cut;
  target[log_escape(target, sizeof target - 1, req->uri, strlen(req->uri), &cut)] = '\0';
  proctitle_set("%s %s %s", w->title_prefix, req->method, target);
}

/* Runs one request, which came on connection C, through the app with the
 * scoreboard saying "busy" for exactly that long: request_terminate_timeout
 * counts from here, and an idle keep-alive connection never shows as a
 * running request.  ROUTE says where the backstop's 504 would go (C, or
 * nowhere); the hand-off timer may pass any other idle connection meanwhile,
 * never C, so no connection gets both. */
void worker_handle(struct worker *w, struct conn *c, const struct js_request *req,
                   const struct reply_route *route, struct js_response *res) {
  const char *path = req->path ? req->path : req->uri;
  /* The id is assigned before the scoreboard says busy, so a kill by
   * request_terminate_timeout can name the request it cut off. */
  const char *request_id = js_begin_request(w->js, req);
  struct sb_request_info info = {.request_id = request_id,
                                 .method = req->method,
                                 .path = path,
                                 .query = req->query,
                                 .content_length = (long long)req->body_len};
  scoreboard_request_begin(w->sb, w->sb_slot, &info, w->cfg->workers);
  title_request(w, req);
  long long cpu_start_us = request_cpu_us(w);
  long long start_ms = clock_mono_ms();
  struct log_lookup lookup = {.req = req};
  struct access_fields e = {.request_id = request_id,
                            .remote_addr = req->remote_addr,
                            .remote_user = req->remote_user,
                            .method = req->method,
                            .path = path,
                            .query = req->query,
                            .request_bytes = (long long)req->body_len,
                            .cpu_user_us = -1,
                            .cpu_system_us = -1,
                            .pid = w->pid,
                            .lookup = lookup_for_log,
                            .lookup_arg = &lookup};
  bool measure_cpu = (worker_log_needs() & ACCESS_NEEDS_CPU) != 0;
  struct rusage ru0, ru1;
  if (measure_cpu && getrusage(RUSAGE_SELF, &ru0) < 0) measure_cpu = false;
  slow_fields = &e;
  overrun_route = *route;
  overrun_request_id = request_id;
  atomic_signal_fence(memory_order_seq_cst);
  overrun_armed = 1;
  watch_idle_conns(w, c);
  js_handle(w->js, req, res);
  overrun_armed = 0;
  if (res->streamed) door_stream(c, route, res);
  slow_fields = NULL;
  long long duration_ms = clock_mono_ms() - start_ms;
  forget_passed_conns(w, duration_ms);
  w->requests++;
  bool slow = worker_log_is_slow(duration_ms);
  scoreboard_request_end(w->sb, w->sb_slot, res->request_id, res->status, duration_ms, slow);
  struct js_runtime_stats rs;
  js_runtime_stats(w->js, &rs);
  struct sb_runtime_stats st = {.cache_hits = rs.cache_hits,
                                .cache_misses = rs.cache_misses,
                                .heap_bytes = (long long)rs.heap_bytes,
                                .last_memory_bytes = (long long)rs.heap_peak_bytes,
                                .last_cpu_us = -1};
  long long cpu_end_us = cpu_start_us >= 0 ? request_cpu_us(w) : -1;
  if (cpu_end_us >= 0) st.last_cpu_us = cpu_end_us - cpu_start_us;
  scoreboard_runtime_stats(w->sb, w->sb_slot, &st);
  scoreboard_fetch_add(w->sb, rs.fetch.calls, rs.fetch.errors, rs.fetch.time_ms);
  if (measure_cpu && getrusage(RUSAGE_SELF, &ru1) == 0) {
    e.cpu_user_us = timeval_us(ru1.ru_utime) - timeval_us(ru0.ru_utime);
    e.cpu_system_us = timeval_us(ru1.ru_stime) - timeval_us(ru0.ru_stime);
  }
  e.request_id = res->request_id;
  /* %t: the clock is read only for a format that shows it. */
  if (worker_log_needs() & ACCESS_NEEDS_START) e.start_unix_ms = clock_unix_ms() - duration_ms;
  e.status = res->status;
  e.body_bytes = (long long)res->body_len;
  e.duration_ms = duration_ms;
  e.memory_bytes = (long long)rs.heap_peak_bytes;
  lookup.res = res;
  worker_log_request(&e);
  proctitle_set("%s idle", w->title_prefix);
  if (w->max_requests > 0 && w->requests == w->max_requests) {
    /* php-fpm semantics: exactly max_requests, then no more.  The master
     * starts our replacement and sends QUIT once it is ready; meanwhile
     * open keep-alive connections are still served. */
    log_info("served max_requests (%lu): asking the master for a replacement", w->max_requests);
    stop_accepting(w);
    notify_master(w, WORKER_NOTE_MAX_REQUESTS);
  }
}

/* ---- reading, writing, accepting: both doors ----------------------------- */

static void conn_process_input(struct conn *c) {
  for (;;) {
    if (c->door == CONN_HTTP)
      door_http_process_input(c);
    else
      door_fcgi_process_input(c);
    /* Write the replies now, in this wake-up: no extra loop turn per request. */
    if (worker_conn_flush(c) < 0) return;
    /* Input left over means the door stopped at its output limit; the
     * output is gone now, so go on with it. */
    if (c->close_after_write || evbuffer_get_length(c->out) > 0 || evbuffer_get_length(c->in) == 0) break;
  }
  if (c->close_after_write) {
    if (event_del(c->read_ev) < 0) log_warn("cannot stop reading a %s connection", worker_door_name(c));
    if (evbuffer_get_length(c->out) == 0) worker_conn_close(c);
  } else {
    worker_conn_hand_off_if_idle(c);
  }
}

/* Bytes read per wake-up: a request from nginx is far smaller; a large body
 * takes several wake-ups, which lets other connections in between.  One
 * buffer for all connections (the worker is single-threaded): reserving
 * this much in each connection's evbuffer would keep 64 KiB per idle
 * keep-alive connection. */
#define CONN_READ_BYTES (64 * 1024)
static unsigned char conn_read_buf[CONN_READ_BYTES];

/* A closing HTTP connection (worker_conn_close): what arrives is dropped, and the
 * end of the client's stream, or of HTTP_LINGER_MS, frees it. */
static void conn_linger(struct conn *c, short what) {
  ssize_t n = 0;
  if (!(what & EV_TIMEOUT)) {
    do n = read(c->fd, conn_read_buf, sizeof conn_read_buf);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) n = 1;
  }
  if (n <= 0 || clock_mono_ms() >= c->linger_until_ms) conn_free(c);
}

static void on_conn_readable(evutil_socket_t fd, short what, void *arg) {
  struct conn *c = arg;
  if (c->linger_until_ms != 0) {
    conn_linger(c, what);
    return;
  }
  if (what & EV_TIMEOUT) {
    if (c->busy)
      log_info("%s connection closed: a request stalled for client_timeout", worker_door_name(c));
    else
      log_debug("%s connection closed: idle for client_timeout", worker_door_name(c));
    conn_free(c);
    return;
  }
  ssize_t n;
  do n = read(fd, conn_read_buf, sizeof conn_read_buf);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) { /* the peer closed (nginx drops idle upstream connections), or an error */
    if (n < 0) log_debug("%s connection: read: %s", worker_door_name(c), strerror(errno));
    conn_free(c);
    return;
  }
  if (evbuffer_add(c->in, conn_read_buf, (size_t)n) < 0) {
    log_error("out of memory reading a %s connection", worker_door_name(c));
    conn_free(c);
    return;
  }
  conn_process_input(c);
}

static void on_conn_writable(evutil_socket_t fd, short what, void *arg) {
  (void)fd;
  struct conn *c = arg;
  if (what & EV_TIMEOUT) {
    log_info("%s connection closed: the client took nothing of a reply for client_timeout",
             worker_door_name(c));
    conn_free(c);
    return;
  }
  if (worker_conn_flush(c) < 0) return;
  if (evbuffer_get_length(c->out) > 0) return;
  if (c->close_after_write) {
    worker_conn_close(c);
    return;
  }
  if (worker_conn_hand_off_if_idle(c)) return;
  if (c->w->quitting && !c->busy && evbuffer_get_length(c->in) == 0) {
    conn_free(c);
    return;
  }
  /* All written: read again, and serve what came in meanwhile. */
  struct timeval tv = conn_timeout(c);
  if (event_add(c->read_ev, &tv) < 0) {
    log_error("cannot watch a %s connection for reading", worker_door_name(c));
    conn_free(c);
    return;
  }
  if (evbuffer_get_length(c->in) > 0) conn_process_input(c);
}

/* Takes one connection from listening socket FD of DOOR; returns it
 * (non-blocking, close-on-exec) or -1.  The client's address goes to ADDR
 * (INET6_ADDRSTRLEN bytes; "" for a unix socket) when ADDR is not NULL. */
static int door_accept(struct worker *w, int fd, enum conn_door door, char *addr) {
  struct sockaddr_storage ss;
  socklen_t ss_len = sizeof ss;
  int cfd =
      accept4(fd, addr ? (struct sockaddr *)&ss : NULL, addr ? &ss_len : NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (cfd < 0) {
    /* EAGAIN: a sibling took it.  EMFILE and friends: pause (accept_pause.h). */
    const char *what = door == CONN_HTTP ? "HTTP door: accept" : "FastCGI door: accept";
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED &&
        !accept_pause_refused(w->pause, what, errno))
      log_error("%s: %s", what, strerror(errno));
    return -1;
  }
  if (addr == NULL) return cfd;
  addr[0] = '\0';
  if (ss.ss_family == AF_INET)
    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, INET6_ADDRSTRLEN);
  else if (ss.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, INET6_ADDRSTRLEN);
  return cfd;
}

/* Sets up accepted connection CFD at DOOR; returns it, or NULL (CFD closed). */
static struct conn *conn_new(struct worker *w, int cfd, enum conn_door door) {
  struct conn *c = calloc(1, sizeof *c);
  if (c == NULL) {
    log_error("out of memory accepting a connection");
    if (close(cfd) < 0) log_debug("close: %s", strerror(errno));
    return NULL;
  }
  c->w = w;
  c->door = door;
  c->fd = cfd;
  list_push_front(&w->conns, &c->link);
  scoreboard_connections(w->sb, w->sb_slot, 1);
  if (door == CONN_HTTP)
    c->http = http_conn_new(&w->http_limits);
  else
    c->fcgi = fcgi_conn_new(&w->limits);
  c->in = evbuffer_new();
  c->out = evbuffer_new();
  c->read_ev = event_new(w->base, cfd, EV_READ | EV_PERSIST, on_conn_readable, c);
  c->write_ev = event_new(w->base, cfd, EV_WRITE | EV_PERSIST, on_conn_writable, c);
  struct timeval tv = conn_timeout(c);
  if ((c->http == NULL && c->fcgi == NULL) || c->in == NULL || c->out == NULL || c->read_ev == NULL ||
      c->write_ev == NULL || event_add(c->read_ev, &tv) < 0) {
    log_error("out of memory accepting a connection");
    conn_free(c);
    return NULL;
  }
  return c;
}

/* A unix-socket connection from nginx gets a send buffer big enough for a
 * few hundred KiB of reply at once (the kernel caps it at net.core.wmem_max,
 * 208 KiB on a stock system, doubled): a big body then goes out in one
 * writev straight from the JavaScript heap, where the default buffer took
 * 200 KiB and left the rest to be copied and sent in more wake-ups.  It
 * costs memory only while a reply waits in it.  TCP tunes its own. */
#define FCGI_UNIX_SNDBUF_BYTES (1024 * 1024)

static void fcgi_conn_sndbuf(const struct worker *w, int cfd) {
  int size = FCGI_UNIX_SNDBUF_BYTES;
  if (w->fcgi_unix && setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) < 0)
    log_debug("FastCGI door: SO_SNDBUF: %s", strerror(errno));
}

static void on_fcgi_accept(evutil_socket_t fd, short what, void *arg) {
  (void)what;
  struct worker *w = arg;
  int cfd = door_accept(w, fd, CONN_FCGI, NULL);
  if (cfd < 0) return;
  fcgi_conn_sndbuf(w, cfd);
  conn_new(w, cfd, CONN_FCGI);
}

/* A connection another worker passed on (worker_handoff.h): served like a
 * new one; what its client already sent is waiting in the socket. */
static void on_handoff_readable(evutil_socket_t fd, short what, void *arg) {
  (void)what;
  struct worker *w = arg;
  int cfd = handoff_receive(fd);
  if (cfd < 0) {
    /* EAGAIN: a sibling took it.  Out of descriptors: it stays queued. */
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
        !accept_pause_refused(w->pause, "hand-off queue", errno))
      log_error("hand-off queue: %s", strerror(errno));
    return;
  }
  fcgi_conn_sndbuf(w, cfd);
  conn_new(w, cfd, CONN_FCGI);
}

static void on_http_accept(evutil_socket_t fd, short what, void *arg) {
  (void)what;
  struct worker *w = arg;
  char addr[INET6_ADDRSTRLEN];
  int cfd = door_accept(w, fd, CONN_HTTP, addr);
  if (cfd < 0) return;
  door_http_accept_pause(w);
  struct conn *c = conn_new(w, cfd, CONN_HTTP);
  if (c) memcpy(c->remote_addr, addr, sizeof addr);
}

/* ---- signals and life cycle --------------------------------------------- */

/* End of the graceful-stop grace period: close every connection with
 * nothing in progress.  A FastCGI connection with a request in progress
 * closes after its reply (or, handing off, goes to the queue then); an
 * HTTP one gets its answer with "Connection: close" (http_serve), and one
 * closing already is freed. */
static void on_grace_end(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct worker *w = arg;
  struct list *l, *next;
  list_foreach_safe(l, next, &w->conns) {
    struct conn *c = list_entry(l, struct conn, link);
    if (w->handing_off && c->door == CONN_FCGI && !c->handoff_refused) continue;
    if (c->linger_until_ms != 0 ||
        (!c->busy && evbuffer_get_length(c->in) == 0 && evbuffer_get_length(c->out) == 0))
      conn_free(c);
    else if (c->door == CONN_FCGI)
      c->close_after_write = true;
  }
}

/* Graceful stop (QUIT, recycling, reload): no new connections.  A
 * connection accepted just before may not have sent its request yet, and
 * closing it would fail that request: so connections stay open for a short
 * grace period, in which requests that arrive are served (and their
 * connections closed after the reply, "Connection: close" on HTTP); then
 * whatever is idle is closed. */
static void begin_graceful_stop(struct worker *w) {
  if (w->quitting) return;
  w->quitting = true;
  /* Some worker of this or the next generation takes passed connections,
   * unless the whole server is stopping. */
  w->handing_off = !scoreboard_stopping(w->sb);
  stop_accepting(w);
  struct list *l, *next;
  list_foreach_safe(l, next, &w->conns) worker_conn_hand_off_if_idle(list_entry(l, struct conn, link));
  struct timeval grace = clock_timeval(GRACE_MS);
  w->grace_ev = evtimer_new(w->base, on_grace_end, w);
  if (w->grace_ev == NULL || evtimer_add(w->grace_ev, &grace) < 0) on_grace_end(-1, 0, w);
}

static void on_signal(evutil_socket_t sig, short what, void *arg) {
  (void)what;
  struct worker *w = arg;
  if (sig == SIGTERM) {
    event_base_loopbreak(w->base);
  } else if (sig == SIGQUIT) {
    begin_graceful_stop(w);
    /* The loop ends by itself when no connection or event is left but the
     * signal events; check that each time. */
  } else if (sig == SIGUSR1) {
    log_reopen(); /* it logs a failure */
    worker_log_reopen();
  }
}

static void worker_free(struct worker *w) {
  handoff_timer_free();
  static_files_close(w->static_files);
  static_files_close(w->accel_files);
  accept_pause_free(w->pause);
  w->pause = NULL; /* closing the connections below must not resume accepting */
  while (!list_empty(&w->conns)) conn_free(list_entry(list_first(&w->conns), struct conn, link));
  if (w->http_accept_ev) event_free(w->http_accept_ev);
  if (w->http_resume_ev) event_free(w->http_resume_ev);
  free(w->http_headers);
  if (w->grace_ev) event_free(w->grace_ev);
  if (w->accept_ev) event_free(w->accept_ev);
  if (w->handoff_ev) event_free(w->handoff_ev);
  if (w->term_ev) event_free(w->term_ev);
  if (w->quit_ev) event_free(w->quit_ev);
  if (w->usr1_ev) event_free(w->usr1_ev);
  if (w->js) js_runtime_free(w->js);
  if (w->db) db_client_free(w->db);
  if (w->base) event_base_free(w->base);
  if (w->master_fd >= 0) close(w->master_fd);
  worker_log_close();
}

#define WORKER_MMAP_THRESHOLD_BYTES (16 * 1024)

/* [server] worker_cpu_affinity = auto: worker SLOT runs only on the
 * (SLOT mod n)th of the n CPUs the server was allowed (its cgroup's or
 * taskset's set), like nginx's worker_cpu_affinity auto.  A worker spends
 * most of a database call asleep waiting for the broker; unpinned, the
 * scheduler wakes it wherever a CPU looks free, so both workers and the
 * broker chase each other across CPUs, each wake-up a migration with cold
 * caches.  Pinned, /read gained 21 % (bench/ab.sh, 2 workers on 2 CPUs).  The
 * broker, the master and nginx stay free to run anywhere.  Failing to pin
 * is logged and harmless. */
static void pin_to_cpu(int slot) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    log_warn("worker_cpu_affinity: sched_getaffinity: %s; not pinned", strerror(errno));
    return;
  }
  int n = CPU_COUNT(&allowed);
  if (n < 2) return; /* nowhere else to go */
  int want = slot % n, cpu = -1;
  for (int i = 0, seen = 0; i < CPU_SETSIZE && cpu < 0; i++)
    if (CPU_ISSET(i, &allowed) && seen++ == want) cpu = i;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0)
    log_warn("worker_cpu_affinity: cannot pin to CPU %d: %s; not pinned", cpu, strerror(errno));
  else
    log_debug("pinned to CPU %d of %d", cpu, n);
}

int worker_main(const struct worker_args *args) {
  static char role[32];
  snprintf(role, sizeof role, "worker %d", args->slot);
  log_set_role(role);
  const struct jsfpm_config *cfg = args->cfg;
  struct worker w = {.cfg = cfg,
                     .fcgi_fd = args->fcgi_fd,
                     .handoff_send_fd = args->handoff_send_fd,
                     .sb = args->sb,
                     .sb_slot = args->sb_slot,
                     .max_requests = args->max_requests,
                     .master_fd = args->master_fd,
                     .accepting = true};
  list_init(&w.conns);
  w.limits = (struct fcgi_limits){.max_params_bytes = (size_t)cfg->max_params_bytes,
                                  .max_body_bytes = (size_t)cfg->max_body_bytes,
                                  .max_conns = cfg->workers,
                                  .max_reqs = cfg->workers};
  w.http_limits = (struct http_limits){.max_head_bytes = (size_t)cfg->max_params_bytes,
                                       .max_body_bytes = (size_t)cfg->max_body_bytes};
  int status = 1;
  char err[1024];
  w.pid = getpid();
  snprintf(w.title_prefix, sizeof w.title_prefix, "jsfpm: worker %d gen %u", args->slot,
           args->sb->slots[args->sb_slot].generation);
  proctitle_set("%s starting", w.title_prefix);

  if (cfg->worker_cpu_affinity == AFFINITY_AUTO) pin_to_cpu(args->slot);
  /* Blocks of 16 KiB and up (big response bodies, JSON texts, long query
   * results) are mapped for themselves and unmapped when freed.  Left on
   * the heap, each one freed between the JavaScript heap's long-lived
   * objects left a hole malloc never gave back, and glibc's default (a
   * threshold that rises to the largest block freed) keeps them there: a
   * worker's RSS crept up 5-14 % over a 10-minute soak.  With the fixed
   * threshold it stays flat; no ordinary request allocates a block this
   * big, so the bench's request paths pay nothing for it. */
  if (mallopt(M_MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD_BYTES) != 1)
    /* Expected under ASan, whose allocator has no such setting. */
    log_debug("mallopt(M_MMAP_THRESHOLD) refused; big blocks stay on the heap");

  struct sockaddr_storage fcgi_addr;
  socklen_t fcgi_addr_len = sizeof fcgi_addr;
  w.fcgi_unix = getsockname(w.fcgi_fd, (struct sockaddr *)&fcgi_addr, &fcgi_addr_len) == 0 &&
                fcgi_addr.ss_family == AF_UNIX;
  w.base = event_base_new();
  w.db = db_client_new(args->broker_path);
  if (w.base == NULL || w.db == NULL) {
    log_oom("creating the worker");
    goto out;
  }
  if (worker_log_open(cfg) < 0) goto out;
  w.js = js_runtime_new(cfg, w.db, args->js_cache, err, sizeof err);
  if (w.js == NULL) {
    log_error("cannot load the app: %s", err);
    status = WORKER_EXIT_APP_LOAD;
    goto out;
  }
  js_set_overrun_handler(on_overrun); /* from here on: loading the app is not a request */
  js_set_slow_handler(on_slow, cfg->slowlog_timeout_ms);

  w.term_ev = evsignal_new(w.base, SIGTERM, on_signal, &w);
  w.quit_ev = evsignal_new(w.base, SIGQUIT, on_signal, &w);
  w.usr1_ev = evsignal_new(w.base, SIGUSR1, on_signal, &w);
  w.accept_ev = event_new(w.base, w.fcgi_fd, EV_READ | EV_PERSIST, on_fcgi_accept, &w);
  w.handoff_ev = event_new(w.base, args->handoff_receive_fd, EV_READ | EV_PERSIST, on_handoff_readable, &w);
  w.pause = accept_pause_new(w.base, args->http_fd >= 0 ? "FastCGI and HTTP doors" : "FastCGI door",
                             doors_watch, &w);
  if (!w.term_ev || !w.quit_ev || !w.usr1_ev || !w.accept_ev || !w.handoff_ev || !w.pause ||
      event_add(w.term_ev, NULL) < 0 || event_add(w.quit_ev, NULL) < 0 || event_add(w.usr1_ev, NULL) < 0 ||
      event_add(w.accept_ev, NULL) < 0 || event_add(w.handoff_ev, NULL) < 0) {
    log_error("cannot set up the event loop");
    goto out;
  }
  if (args->http_fd >= 0 && cfg->http_static_dir) w.static_files = static_files_open(cfg->http_static_dir);
  if (args->http_fd >= 0 && cfg->http_accel_dir) w.accel_files = static_files_open(cfg->http_accel_dir);
  if (args->http_fd >= 0) {
    w.http_accept_ev = event_new(w.base, args->http_fd, EV_READ | EV_PERSIST, on_http_accept, &w);
    w.http_resume_ev = evtimer_new(w.base, door_on_http_resume, &w);
    if (w.http_accept_ev == NULL || w.http_resume_ev == NULL || event_add(w.http_accept_ev, NULL) < 0) {
      log_error("cannot serve HTTP on the inherited socket");
      goto out;
    }
  }

  if (handoff_timer_init(args->handoff_send_fd) < 0)
    log_warn("no hand-off timer (%s): a long request holds up its worker's other connections",
             strerror(errno));

  /* Tell the master we are ready; it counts us as serving from now on. */
  scoreboard_worker_ready(w.sb, w.sb_slot);
  notify_master(&w, WORKER_NOTE_READY);
  proctitle_set("%s idle", w.title_prefix);

  log_debug("serving");
  while (event_base_loop(w.base, EVLOOP_ONCE) == 0) {
    if (event_base_got_break(w.base)) break;
    if (w.quitting && list_empty(&w.conns) && (w.grace_ev == NULL || !evtimer_pending(w.grace_ev, NULL)))
      break;
  }
  status = WORKER_EXIT_OK;
  log_debug("exiting after %lu requests", w.requests);
out:
  worker_free(&w);
  return status;
}
