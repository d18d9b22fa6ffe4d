/* broker.c: the database broker's event loop (see broker.h, docs/protocol.md).
 *
 * Guarantees:
 * - Only peers running as the broker's own uid (or root) are served
 *   (SO_PEERCRED); others are logged and closed.
 * - Each connection's frames are executed in arrival order and their replies
 *   written in the same order; a client may pipeline.  Statements from all
 *   connections are serialized (one SQLite connection, one thread).
 * - A bad frame closes that connection only, after the replies to the
 *   frames before it are written.
 * - SIGTERM/SIGINT/SIGQUIT stop the loop between statements (a running
 *   statement always completes); replies already produced are flushed as far
 *   as the sockets accept without blocking, then the database is closed
 *   cleanly and broker_main returns 0.
 * - A client that stops reading cannot make the broker buffer without
 *   bound: reading from it pauses while its unsent replies exceed a limit.
 */
#include "autoconfig.h"

#include "broker.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "broker_db.h"
#include "config.h"
#include "frame.h"
#include "log.h"

/* Unsent reply bytes above which a connection's input is left unread. */
#define BROKER_OUTPUT_HIGH_BYTES (16u * 1024u * 1024u)
/* How long a connection being closed may take to read its last replies. */
#define BROKER_CLOSE_FLUSH_MS 5000
/* Pause after accept() fails for lack of resources (EMFILE...), so the loop
 * does not spin on a listener that stays readable. */
#define BROKER_ACCEPT_RETRY_MS 500

struct broker;

/* One worker connection.  Per-connection state lives here; explicit
 * transactions, a place in the queue of waiting writers and group-commit
 * membership will be added to this struct. */
struct broker_conn {
  struct broker *b;
  struct bufferevent *bev;
  struct broker_conn *prev, *next;
  pid_t pid; /* peer, from SO_PEERCRED, for log lines */
  uid_t uid;
  unsigned long long nrequests;
  int paused;  /* input left unread until the output drains */
  int closing; /* after a bad frame: flush replies already made, then close */
};

struct broker {
  const struct jsfpm_config *cfg;
  struct event_base *base;
  struct broker_db *db;
  struct evconnlistener *listener;
  struct event *accept_retry;
  struct event *signals[3];
  struct broker_conn *conns;
  int stop_signal;
};

static const int broker_stop_signals[3] = {SIGTERM, SIGINT, SIGQUIT};

static void conn_free(struct broker_conn *c) {
  struct broker *b = c->b;
  if (c->prev)
    c->prev->next = c->next;
  else
    b->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  bufferevent_free(c->bev); /* closes the socket (BEV_OPT_CLOSE_ON_FREE) */
  free(c);
}

/* Stops reading C and closes it once the replies to the frames before the
 * bad one are written (or after BROKER_CLOSE_FLUSH_MS).  Returns 0 if C is
 * still alive (closing), -1 if it was freed. */
static int conn_close_after_flush(struct broker_conn *c) {
  c->closing = 1;
  struct evbuffer *out = bufferevent_get_output(c->bev);
  if (evbuffer_get_length(out) == 0 || bufferevent_disable(c->bev, EV_READ) != 0) {
    conn_free(c);
    return -1;
  }
  /* Nothing more will be read; drop what the client sent after the bad
   * frame. */
  struct evbuffer *in = bufferevent_get_input(c->bev);
  evbuffer_drain(in, evbuffer_get_length(in));
  struct timeval tv = {BROKER_CLOSE_FLUSH_MS / 1000, (BROKER_CLOSE_FLUSH_MS % 1000) * 1000};
  if (bufferevent_set_timeouts(c->bev, NULL, &tv) != 0) {
    conn_free(c);
    return -1;
  }
  return 0; /* conn_write_cb frees it once the output is empty */
}

/* Decodes and executes every complete frame buffered on C, appending the
 * replies in order.  Returns 0, or -1 after freeing C. */
static int conn_process(struct broker_conn *c) {
  struct evbuffer *in = bufferevent_get_input(c->bev);
  struct evbuffer *out = bufferevent_get_output(c->bev);
  for (;;) {
    if (evbuffer_get_length(out) > BROKER_OUTPUT_HIGH_BYTES) {
      /* The write callback resumes us once the peer has read its replies. */
      if (!c->paused) {
        c->paused = 1;
        if (bufferevent_disable(c->bev, EV_READ) != 0) {
          log_error("connection from pid %ld: cannot pause reading; closing it", (long)c->pid);
          conn_free(c);
          return -1;
        }
      }
      return 0;
    }
    json_t *req = NULL;
    char err[256];
    int r = frame_decode(in, FRAME_DEFAULT_MAX_BYTES, &req, err, sizeof err);
    if (r == 0)
      return 0;
    if (r < 0) {
      log_warn("connection from pid %ld: bad frame: %s; closing the connection", (long)c->pid, err);
      return conn_close_after_flush(c);
    }
    c->nrequests++;
    json_t *reply = broker_db_execute(c->b->db, req);
    if (reply != NULL && frame_encode(out, reply) != 0) {
      /* Too large for one frame: the client still gets an answer for this
       * id, so its call fails clearly instead of hanging. */
      json_decref(reply);
      reply = broker_db_error_reply(json_object_get(req, "id"), "JSFPM_RESULT_TOO_LARGE",
                                    "the reply exceeds the frame limit of %u bytes",
                                    FRAME_DEFAULT_MAX_BYTES);
      if (reply != NULL && frame_encode(out, reply) != 0) {
        json_decref(reply);
        reply = NULL;
      }
    }
    json_decref(req);
    if (reply == NULL) {
      log_error("connection from pid %ld: cannot build a reply (out of memory); closing it",
                (long)c->pid);
      conn_free(c);
      return -1;
    }
    json_decref(reply);
  }
}

static void conn_read_cb(struct bufferevent *bev, void *arg) {
  (void)bev;
  conn_process(arg);
}

static void conn_write_cb(struct bufferevent *bev, void *arg) {
  struct broker_conn *c = arg;
  (void)bev;
  if (c->closing) {
    conn_free(c); /* the last replies are out */
    return;
  }
  if (!c->paused)
    return;
  /* Output fully flushed (low watermark 0): run what is already buffered,
   * then read again. */
  c->paused = 0;
  if (bufferevent_enable(c->bev, EV_READ) != 0) {
    log_error("connection from pid %ld: cannot resume reading; closing it", (long)c->pid);
    conn_free(c);
    return;
  }
  conn_process(c);
}

static void conn_event_cb(struct bufferevent *bev, short events, void *arg) {
  struct broker_conn *c = arg;
  (void)bev;
  if (events & BEV_EVENT_ERROR)
    log_info("connection from pid %ld: %s; closing it", (long)c->pid, strerror(errno));
  else if (events & BEV_EVENT_EOF)
    log_debug("connection from pid %ld closed after %llu requests", (long)c->pid, c->nrequests);
  else if (events & BEV_EVENT_TIMEOUT)
    log_info("connection from pid %ld: did not read its last replies; closing it", (long)c->pid);
  if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
    conn_free(c);
}

static void close_fd(int fd) {
  if (close(fd) != 0)
    log_warn("close(%d): %s", fd, strerror(errno));
}

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int socklen,
                      void *arg) {
  struct broker *b = arg;
  (void)lis;
  (void)sa;
  (void)socklen;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
    log_warn("refusing a connection: cannot read its credentials (SO_PEERCRED): %s", strerror(errno));
    close_fd(fd);
    return;
  }
  /* The socket is 0600 in a private directory already; this also stops a
   * process that was handed the path some other way. */
  uid_t me = geteuid();
  if (cred.uid != me && cred.uid != 0) {
    log_warn("refusing a connection from pid %ld uid %lu: only uid %lu (or root) may use the broker",
             (long)cred.pid, (unsigned long)cred.uid, (unsigned long)me);
    close_fd(fd);
    return;
  }
  struct broker_conn *c = calloc(1, sizeof *c);
  if (c == NULL) {
    log_error("refusing a connection from pid %ld: out of memory", (long)cred.pid);
    close_fd(fd);
    return;
  }
  c->b = b;
  c->pid = cred.pid;
  c->uid = cred.uid;
  c->bev = bufferevent_socket_new(b->base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (c->bev == NULL) {
    log_error("refusing a connection from pid %ld: cannot create its buffer", (long)cred.pid);
    close_fd(fd);
    free(c);
    return;
  }
  c->next = b->conns;
  if (b->conns)
    b->conns->prev = c;
  b->conns = c;
  bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
  if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) != 0) {
    log_error("refusing a connection from pid %ld: cannot enable it", (long)cred.pid);
    conn_free(c);
    return;
  }
  log_debug("connection from pid %ld", (long)cred.pid);
}

static void accept_retry_cb(evutil_socket_t fd, short what, void *arg) {
  struct broker *b = arg;
  (void)fd;
  (void)what;
  if (evconnlistener_enable(b->listener) != 0)
    log_error("cannot re-enable the listener");
}

static void accept_error_cb(struct evconnlistener *lis, void *arg) {
  struct broker *b = arg;
  int e = EVUTIL_SOCKET_ERROR();
  log_error("accept on the broker socket: %s; pausing %d ms", evutil_socket_error_to_string(e),
            BROKER_ACCEPT_RETRY_MS);
  struct timeval tv = {BROKER_ACCEPT_RETRY_MS / 1000, (BROKER_ACCEPT_RETRY_MS % 1000) * 1000};
  if (evconnlistener_disable(lis) != 0 || evtimer_add(b->accept_retry, &tv) != 0)
    log_error("cannot pause the listener");
}

static void signal_cb(evutil_socket_t sig, short what, void *arg) {
  struct broker *b = arg;
  (void)what;
  b->stop_signal = (int)sig;
  /* loopbreak acts after this callback: no statement is ever cut short. */
  event_base_loopbreak(b->base);
}

/* Best effort at shutdown: hand the kernel the replies already computed,
 * without blocking on a peer that does not read. */
static void flush_replies(struct broker *b) {
  for (struct broker_conn *c = b->conns; c; c = c->next) {
    struct evbuffer *out = bufferevent_get_output(c->bev);
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    while (fd >= 0 && evbuffer_get_length(out) > 0) {
      if (evbuffer_write(out, fd) <= 0)
        break; /* EAGAIN or the peer is gone: nothing more to do */
    }
  }
}

int broker_main(const struct jsfpm_config *cfg, int listen_fd) {
  log_set_role("broker");
  struct broker b = {.cfg = cfg};
  int status = 1;
  char err[1024];

  /* A worker that disconnects while its reply is written must not kill us. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  if (sigaction(SIGPIPE, &sa, NULL) != 0) {
    log_error("sigaction(SIGPIPE): %s", strerror(errno));
    return 1;
  }
  /* The master may fork us with signals blocked. */
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < 3; i++)
    sigaddset(&set, broker_stop_signals[i]);

  b.base = event_base_new();
  if (b.base == NULL) {
    log_error("cannot create the event base");
    return 1;
  }
  /* Signal events go in before the database is opened, so a stop request
   * during a long migration is honoured (the loop exits at once) instead of
   * killing the process mid-transaction. */
  for (size_t i = 0; i < 3; i++) {
    b.signals[i] = evsignal_new(b.base, broker_stop_signals[i], signal_cb, &b);
    if (b.signals[i] == NULL || evsignal_add(b.signals[i], NULL) != 0) {
      log_error("cannot install the handler for signal %d", broker_stop_signals[i]);
      goto out;
    }
  }
  if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0) {
    log_error("sigprocmask: %s", strerror(errno));
    goto out;
  }
  if (cfg->db_path == NULL) {
    log_error("no database path configured");
    goto out;
  }
  b.db = broker_db_open(cfg->db_path, cfg->db_synchronous, err, sizeof err);
  if (b.db == NULL) {
    log_error("%s", err);
    goto out;
  }
  int applied = broker_db_migrate(b.db, cfg->app_root, err, sizeof err);
  if (applied < 0) {
    log_error("%s", err);
    goto out;
  }
  b.accept_retry = evtimer_new(b.base, accept_retry_cb, &b);
  if (b.accept_retry == NULL) {
    log_error("cannot create the accept retry timer");
    goto out;
  }
  /* evconnlistener accepts until EAGAIN, so the socket must not block.
   * backlog 0: the master already called listen() with its own backlog. */
  if (evutil_make_socket_nonblocking(listen_fd) != 0) {
    log_error("cannot make the broker socket non-blocking: %s", strerror(errno));
    goto out;
  }
  b.listener = evconnlistener_new(b.base, accept_cb, &b, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
                                  0, listen_fd);
  if (b.listener == NULL) {
    log_error("cannot listen on the broker socket: %s", strerror(errno));
    goto out;
  }
  evconnlistener_set_error_cb(b.listener, accept_error_cb);
  log_info("serving %s (%d migration%s applied)", cfg->db_path, applied, applied == 1 ? "" : "s");

  if (event_base_dispatch(b.base) < 0) {
    log_error("the event loop failed");
    goto out;
  }
  if (b.stop_signal)
    log_info("stopping on signal %d", b.stop_signal);
  status = 0;

out:
  flush_replies(&b);
  while (b.conns)
    conn_free(b.conns);
  if (b.listener)
    evconnlistener_free(b.listener);
  if (b.accept_retry)
    event_free(b.accept_retry);
  for (size_t i = 0; i < 3; i++)
    if (b.signals[i])
      event_free(b.signals[i]);
  broker_db_close(b.db);
  event_base_free(b.base);
  return status;
}
