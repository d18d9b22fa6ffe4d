/* db_client.c: a worker's blocking connection to the broker (see db_client.h).
 *
 * Guarantees:
 * - db_client_call never waits longer than its timeout in total (connect,
 *   write and read share one deadline); a negative timeout waits forever.
 * - A request is sent at most once.  If the connection breaks after the
 *   request may have reached the broker, the call fails ("connection lost
 *   during the call") rather than risk running a statement twice.
 * - Any failure closes the connection, so the next call starts on a fresh
 *   one and no late reply can be taken for another call's.
 * - An idle connection the broker closed (broker restart) is noticed when
 *   the send fails with EPIPE (a Unix socket whose peer is gone refuses the
 *   bytes, so the broker never saw them) and replaced, so a restart costs
 *   callers nothing.
 * - Two system calls per call in the common case: a non-blocking send and a
 *   blocking read bounded by SO_RCVTIMEO (set only when the deadline moves
 *   outside the current setting).
 * - While the broker socket is missing or refusing (master restarting the
 *   broker), connecting is retried every 10-50 ms until the deadline.
 * - SIGPIPE is never raised (MSG_NOSIGNAL).
 */
#include "autoconfig.h"

#include "db_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"

#define DB_CLIENT_RETRY_MIN_MS 10
#define DB_CLIENT_RETRY_MAX_MS 50
/* Both buffers are kept for the life of the client, so a call allocates
 * no buffer: a fresh 64 KiB one per call, freed moments later between the
 * JavaScript heap's long-lived objects, was what fragmented the worker's
 * heap (its RSS crept up by 5-14 % in a 10-minute soak).  One that grew
 * for a big frame goes back to the usual size once that frame is done. */
#define DB_CLIENT_IN_BYTES (64 * 1024)
#define DB_CLIENT_OUT_KEEP_BYTES (64 * 1024)
/* Below this many ms to the deadline, wait with poll (exact) rather than a
 * blocking read under SO_RCVTIMEO (which the kernel rounds up to a tick). */
#define DB_CLIENT_RCVTIMEO_MIN_MS 100

struct db_client {
  char *path;
  int fd;               /* -1 while disconnected */
  json_int_t next_id;   /* ids increase for the life of the client */
  unsigned char *in;    /* bytes read but not yet decoded: in_len of in_cap */
  size_t in_len, in_cap;
  unsigned char *out;   /* the frame being sent */
  size_t out_cap;
  int tx_depth;         /* the broker's "tx" in the last reply; 0 when disconnected */
  int tx_lost;          /* levels of a transaction that died with the connection and the
                           app has not ended yet; statements are refused meanwhile */
  int rcvtimeo_ms;      /* the socket's SO_RCVTIMEO; 0 = none (blocks until data) */
};

struct db_client *db_client_new(const char *socket_path) {
  struct db_client *c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->fd = -1;
  c->next_id = 1;
  c->path = strdup(socket_path);
  c->in = malloc(DB_CLIENT_IN_BYTES);
  c->in_cap = DB_CLIENT_IN_BYTES;
  if (c->path == NULL || c->in == NULL) {
    db_client_free(c);
    return NULL;
  }
  return c;
}

static void client_disconnect(struct db_client *c) {
  if (c->fd >= 0 && close(c->fd) != 0)
    log_warn("closing the broker connection: %s", strerror(errno));
  c->fd = -1;
  /* The broker rolls back what a closed connection held.  Until the app
   * ends those levels (rollback or commit), its statements must fail: on a
   * new connection they would run outside any transaction, and half a
   * transaction would be applied. */
  c->tx_lost += c->tx_depth;
  c->tx_depth = 0;
  /* Whatever was buffered belongs to the old connection. */
  c->in_len = 0;
}

int db_client_tx_depth(const struct db_client *c) { return c->tx_depth + c->tx_lost; }

void db_client_free(struct db_client *c) {
  if (c == NULL)
    return;
  client_disconnect(c);
  free(c->in);
  free(c->out);
  free(c->path);
  free(c);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* Whether OP ends one transaction level. */
static bool ends_level(const char *op) {
  return op && (strcmp(op, "rollback") == 0 || strcmp(op, "commit") == 0 || strcmp(op, "release") == 0);
}

/* A call while a lost transaction is still open in the app: ending a level
 * is acknowledged here (a rollback succeeds, the broker already did it; a
 * commit fails), anything else fails.  Returns the reply, or NULL with ERR. */
static json_t *lost_transaction_call(struct db_client *c, const json_t *req, char *err, size_t errlen) {
  const char *op = json_string_value(json_object_get(req, "op"));
  bool rollback = op && strcmp(op, "rollback") == 0;
  if (rollback && json_is_true(json_object_get(req, "all"))) c->tx_lost = 0;
  else if (ends_level(op)) c->tx_lost--;
  if (rollback) return json_pack("{s:b, s:i}", "ok", 1, "tx", c->tx_lost);
  set_err(err, errlen, "the transaction was rolled back by the database broker (broker restart, "
          "or open longer than tx_timeout); nothing of it was committed");
  return NULL;
}

static long long now_ms(void) {
  struct timespec ts;
  /* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer; keep going
   * with 0 rather than abort if it ever does. */
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before DEADLINE (-1: no deadline), never negative. */
static int remaining_ms(long long deadline) {
  if (deadline < 0)
    return -1;
  long long left = deadline - now_ms();
  if (left <= 0)
    return 0;
  return left > 1000000000 ? 1000000000 : (int)left;
}

/* Waits for EVENTS on FD.  Returns 1 when ready (or in error/hang-up: the
 * following I/O call reports it), 0 at the deadline, -1 on poll failure. */
static int wait_fd(int fd, short events, long long deadline) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = events};
    int r = poll(&p, 1, remaining_ms(deadline));
    if (r > 0)
      return 1;
    if (r == 0)
      return 0;
    if (errno != EINTR)
      return -1;
  }
}

static int sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
    if (errno != EINTR)
      return -1;
  }
  return 0;
}

static int connect_errno_is_transient(int e) {
  /* The socket file is missing (ENOENT), nobody listens on it
   * (ECONNREFUSED), or its backlog is full (EAGAIN): the broker is
   * (re)starting or busy, so retrying makes sense. */
  return e == ENOENT || e == ECONNREFUSED || e == EAGAIN;
}

static int client_connect(struct db_client *c, long long deadline, long long started, char *err,
                          size_t errlen) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(c->path) >= sizeof sa.sun_path) {
    set_err(err, errlen, "database broker unavailable: socket path %s is too long", c->path);
    return -1;
  }
  strcpy(sa.sun_path, c->path);
  int delay = DB_CLIENT_RETRY_MIN_MS;
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      set_err(err, errlen, "database broker unavailable: socket: %s", strerror(errno));
      return -1;
    }
    int e = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
      e = errno;
      if (e == EINPROGRESS || e == EINTR) {
        int w = wait_fd(fd, POLLOUT, deadline);
        socklen_t len = sizeof e;
        if (w < 0)
          e = errno;
        else if (w == 0)
          e = ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
          e = errno;
      }
    }
    /* Connected: blocking from now on, so a reply is waited for by the
     * read itself (sends pass MSG_DONTWAIT). */
    int flags = e == 0 ? fcntl(fd, F_GETFL) : 0;
    if (e == 0 && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0))
      e = errno;
    if (e == 0) {
      c->fd = fd;
      c->rcvtimeo_ms = 0;
      return 0;
    }
    if (close(fd) != 0)
      log_warn("closing a failed broker socket: %s", strerror(errno));
    int left = remaining_ms(deadline);
    if (!connect_errno_is_transient(e) || left == 0) {
      set_err(err, errlen, "database broker unavailable: connect to %s: %s (after %lld ms)", c->path,
              strerror(e), now_ms() - started);
      return -1;
    }
    if (sleep_ms(left >= 0 && left < delay ? left : delay) != 0) {
      set_err(err, errlen, "database broker unavailable: nanosleep: %s", strerror(errno));
      return -1;
    }
    delay = delay * 2 > DB_CLIENT_RETRY_MAX_MS ? DB_CLIENT_RETRY_MAX_MS : delay * 2;
  }
}

/* Reads what the socket has into the free end of c->in, blocking up to the
 * socket's SO_RCVTIMEO.  Returns read(2)'s result. */
static ssize_t client_read(struct db_client *c) {
  ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
  if (n > 0)
    c->in_len += (size_t)n;
  return n;
}

/* Makes c->in hold at least WANT bytes.  Returns 0, or -1 (out of memory). */
static int in_reserve(struct db_client *c, size_t want) {
  if (want <= c->in_cap)
    return 0;
  unsigned char *bigger = realloc(c->in, want);
  if (bigger == NULL)
    return -1;
  c->in = bigger;
  c->in_cap = want;
  return 0;
}

/* Drops the first USED bytes of c->in (one decoded frame); a buffer that
 * grew for a big frame shrinks back once it is empty. */
static void in_consume(struct db_client *c, size_t used) {
  c->in_len -= used;
  if (c->in_len > 0) {
    memmove(c->in, c->in + used, c->in_len);
  } else if (c->in_cap > DB_CLIENT_IN_BYTES) {
    unsigned char *usual = realloc(c->in, DB_CLIENT_IN_BYTES);
    if (usual != NULL) { /* else keep the big one */
      c->in = usual;
      c->in_cap = DB_CLIENT_IN_BYTES;
    }
  }
}

/* Makes the next blocking read return by the deadline LEFT ms away (-1:
 * none), touching SO_RCVTIMEO only when its setting is above LEFT or far
 * below it.  Returns 0, or -1 with errno. */
static int client_bound_read(struct db_client *c, int left) {
  int want;
  if (left < 0) {
    if (c->rcvtimeo_ms == 0)
      return 0;
    want = 0;
  } else {
    if (c->rcvtimeo_ms > 0 && c->rcvtimeo_ms <= left && c->rcvtimeo_ms >= left / 2)
      return 0;
    want = left - left / 8; /* the next calls' deadlines fit it too */
  }
  struct timeval tv = {want / 1000, (want % 1000) * 1000};
  if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
    return -1;
  c->rcvtimeo_ms = want;
  return 0;
}

/* Waits until the reply's next bytes are in c->in.  Returns 1, 0 at the
 * deadline, or -1 with errno (0 for EOF: the broker went away). */
static int client_wait_read(struct db_client *c, long long deadline) {
  for (;;) {
    int left = remaining_ms(deadline);
    if (left == 0)
      return 0;
    if (left > 0 && left < DB_CLIENT_RCVTIMEO_MIN_MS) {
      int w = wait_fd(c->fd, POLLIN, deadline);
      if (w <= 0)
        return w;
    } else if (client_bound_read(c, left) != 0) {
      return -1;
    }
    ssize_t n = client_read(c);
    if (n > 0)
      return 1;
    if (n == 0) {
      errno = 0;
      return -1;
    }
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      return -1;
    /* EAGAIN: SO_RCVTIMEO ran out (or a spurious wake-up); the loop checks
     * the deadline itself. */
  }
}

/* A send buffer that grew for a big request goes back to the usual size. */
static void out_shrink(struct db_client *c) {
  if (c->out_cap <= DB_CLIENT_OUT_KEEP_BYTES)
    return;
  free(c->out);
  c->out = NULL;
  c->out_cap = 0;
}

static json_t *fail_lost(struct db_client *c, char *err, size_t errlen, int e) {
  client_disconnect(c);
  if (e == 0 || e == EPIPE || e == ECONNRESET)
    set_err(err, errlen, "database broker connection lost during the call");
  else
    set_err(err, errlen, "database broker connection lost during the call: %s", strerror(e));
  return NULL;
}

static json_t *fail_timeout(struct db_client *c, char *err, size_t errlen, int timeout_ms) {
  /* The reply may still come; closing makes sure it is never read as the
   * answer to a later call. */
  client_disconnect(c);
  set_err(err, errlen, "database call timed out after %d ms", timeout_ms);
  return NULL;
}

json_t *db_client_call(struct db_client *c, json_t *req, int timeout_ms, char *err, size_t errlen) {
  long long started = now_ms();
  long long deadline = timeout_ms < 0 ? -1 : started + timeout_ms;
  if (!json_is_object(req)) {
    set_err(err, errlen, "database request must be a JSON object");
    return NULL;
  }

  /* A shallow copy: the caller keeps its object, only "id" differs. */
  json_int_t id = c->next_id++;
  json_t *msg = json_copy(req);
  size_t len = 0, off = 0;
  int encoded = msg != NULL && json_object_set_new(msg, "id", json_integer(id)) == 0 &&
                frame_encode_mem(msg, &c->out, &c->out_cap, &len) == 0;
  json_decref(msg);
  if (!encoded) {
    set_err(err, errlen, "database request cannot be encoded (over %u bytes, or out of memory)",
            FRAME_DEFAULT_MAX_BYTES);
    return NULL;
  }
  const unsigned char *p = c->out;
  bool reused = c->fd >= 0; /* an idle connection the broker may have closed since */
send_frame:
  /* Checked after a stale connection is dropped: that is where a broker
   * that died under an open transaction is noticed. */
  if (c->tx_lost > 0)
    return lost_transaction_call(c, req, err, errlen);
  if (c->fd < 0 && client_connect(c, deadline, started, err, errlen) != 0)
    return NULL;

  /* Send the whole frame. */
  while (off < len) {
    ssize_t n = send(c->fd, p + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      off += (size_t)n;
      continue;
    }
    int e = n < 0 ? errno : 0;
    if (e == EINTR)
      continue;
    if (off == 0 && reused && (e == EPIPE || e == ECONNRESET)) {
      /* The broker closed this idle connection (a restart): nothing of the
       * frame reached it, so it is sent once, on a new connection. */
      client_disconnect(c);
      reused = false;
      goto send_frame;
    }
    if (e == EAGAIN || e == EWOULDBLOCK) {
      int w = wait_fd(c->fd, POLLOUT, deadline);
      if (w > 0)
        continue;
      if (w == 0)
        return fail_timeout(c, err, errlen, timeout_ms);
      return fail_lost(c, err, errlen, errno);
    }
    return fail_lost(c, err, errlen, e);
  }
  out_shrink(c);

  /* Read until the reply carrying our id is complete. */
  for (;;) {
    json_t *reply = NULL;
    char ferr[256];
    size_t frame_len;
    int r = frame_decode_mem(c->in, c->in_len, FRAME_DEFAULT_MAX_BYTES, &reply, &frame_len, ferr,
                             sizeof ferr);
    if (r > 0)
      in_consume(c, frame_len);
    if (r < 0) {
      client_disconnect(c);
      set_err(err, errlen, "database broker sent a bad frame: %s", ferr);
      return NULL;
    }
    if (r > 0) {
      json_t *rid = json_object_get(reply, "id");
      if (json_is_integer(rid) && json_integer_value(rid) == id) {
        json_t *tx = json_object_get(reply, "tx");
        int before = c->tx_depth;
        c->tx_depth = json_is_integer(tx) ? (int)json_integer_value(tx) : 0;
        /* The broker rolled the transaction back (tx_timeout): the levels
         * the app still has open are lost, as with a closed connection. */
        const char *code = json_string_value(json_object_get(reply, "code"));
        if (code && strcmp(code, "JSFPM_TX_TIMEOUT") == 0 && before > 0)
          c->tx_lost += before - (ends_level(json_string_value(json_object_get(req, "op"))) ? 1 : 0);
        return reply;
      }
      /* Cannot happen while every failure closes the connection; tolerate
       * it rather than hand the caller someone else's answer. */
      log_warn("database broker reply for id %" JSON_INTEGER_FORMAT " ignored (waiting for %" JSON_INTEGER_FORMAT ")",
               json_is_integer(rid) ? json_integer_value(rid) : (json_int_t)-1, id);
      json_decref(reply);
      continue;
    }
    if (in_reserve(c, frame_len) != 0) {
      client_disconnect(c);
      set_err(err, errlen, "database reply: out of memory for %zu bytes", frame_len);
      return NULL;
    }
    int w = client_wait_read(c, deadline);
    if (w > 0)
      continue;
    if (w == 0)
      return fail_timeout(c, err, errlen, timeout_ms);
    return fail_lost(c, err, errlen, errno); /* errno 0: EOF, the broker went away */
  }
}
