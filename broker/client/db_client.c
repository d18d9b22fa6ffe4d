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
 * - Each new connection starts with the handshake (docs/protocol.md): a
 *   broker of another protocol version is refused with JSFPM_PROTOCOL
 *   before any statement reaches it.
 * - A reply's binary sections stay in the receive buffer, where they
 *   arrived, until the next call: row sets are read in place, not copied.
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
#include <unistd.h>

#include "clock.h"
#include "db_proto.h"
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
  int fd;             /* -1 while disconnected */
  json_int_t next_id; /* ids increase for the life of the client */
  unsigned char *in;  /* bytes read: in_len of in_cap, the first in_used of them the last reply */
  size_t in_len, in_cap, in_used;
  const unsigned char *sections; /* the last reply's sections (inside in), or NULL */
  size_t sections_len;
  unsigned char *out; /* the frame being sent */
  size_t out_cap;
  int tx_depth;      /* the broker's "tx" in the last reply; 0 when disconnected */
  int tx_lost;       /* levels of a transaction that died with the connection and the
                           app has not ended yet; statements are refused meanwhile */
  int begin_pending; /* the app began a transaction and has run no statement in it yet:
                        the begin goes with that statement ("begin": true) */
  int rcvtimeo_ms;   /* the socket's SO_RCVTIMEO; 0 = none (blocks until data) */
};

struct db_client *db_client_new(const char *socket_path) {
  struct db_client *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
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
  if (c->fd >= 0 && close(c->fd) != 0) log_warn("closing the broker connection: %s", strerror(errno));
  c->fd = -1;
  /* The broker rolls back what a closed connection held.  Until the app
   * ends those levels (rollback or commit), its statements must fail: on a
   * new connection they would run outside any transaction, and half a
   * transaction would be applied. */
  c->tx_lost += c->tx_depth;
  c->tx_depth = 0;
  /* Whatever was buffered belongs to the old connection. */
  c->in_len = c->in_used = 0;
  c->sections = NULL;
  c->sections_len = 0;
}

int db_client_tx_depth(const struct db_client *c) { return c->tx_depth + c->tx_lost + c->begin_pending; }

void db_client_free(struct db_client *c) {
  if (c == NULL) return;
  client_disconnect(c);
  free(c->in);
  free(c->out);
  free(c->path);
  free(c);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* The operation REQ names. */
static enum db_op req_op(const json_t *req) {
  return db_op_parse(json_string_value(json_object_get(req, "op")));
}

/* Whether OP ends one transaction level. */
static bool ends_level(enum db_op op) { return (db_op_flags(op) & DB_OPF_ENDS_LEVEL) != 0; }

/* A call while a lost transaction is still open in the app: ending a level
 * is acknowledged here (a rollback succeeds, the broker already did it; a
 * commit fails), anything else fails.  Returns the reply, or NULL with ERR. */
static json_t *lost_transaction_call(struct db_client *c, const json_t *req, char *err, size_t errlen) {
  enum db_op op = req_op(req);
  bool rollback = op == DB_OP_ROLLBACK;
  if (rollback && json_is_true(json_object_get(req, "all")))
    c->tx_lost = 0;
  else if (ends_level(op))
    c->tx_lost--;
  if (rollback) return json_pack("{s:b, s:i}", "ok", 1, "tx", c->tx_lost);
  set_err(err, errlen,
          "the transaction was rolled back by the database broker (broker restart, "
          "or open longer than tx_timeout); nothing of it was committed");
  return NULL;
}

/* Milliseconds left before DEADLINE (-1: no deadline), never negative. */
static int remaining_ms(long long deadline) {
  if (deadline < 0) return -1;
  long long left = deadline - clock_mono_ms();
  if (left <= 0) return 0;
  return left > 1000000000 ? 1000000000 : (int)left;
}

/* Waits for EVENTS on FD.  Returns 1 when ready (or in error/hang-up: the
 * following I/O call reports it), 0 at the deadline, -1 on poll failure. */
static int wait_fd(int fd, short events, long long deadline) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = events};
    int r = poll(&p, 1, remaining_ms(deadline));
    if (r > 0) return 1;
    if (r == 0) return 0;
    if (errno != EINTR) return -1;
  }
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
    if (e == 0 && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)) e = errno;
    if (e == 0) {
      c->fd = fd;
      c->rcvtimeo_ms = 0;
      return 0;
    }
    if (close(fd) != 0) log_warn("closing a failed broker socket: %s", strerror(errno));
    int left = remaining_ms(deadline);
    if (!connect_errno_is_transient(e) || left == 0) {
      set_err(err, errlen, "database broker unavailable: connect to %s: %s (after %lld ms)", c->path,
              strerror(e), clock_mono_ms() - started);
      return -1;
    }
    if (clock_sleep_ms(left >= 0 && left < delay ? left : delay) != 0) {
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
  if (n > 0) c->in_len += (size_t)n;
  return n;
}

/* Makes c->in hold at least WANT bytes.  Returns 0, or -1 (out of memory). */
static int in_reserve(struct db_client *c, size_t want) {
  if (want <= c->in_cap) return 0;
  unsigned char *bigger = realloc(c->in, want);
  if (bigger == NULL) return -1;
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
    if (c->rcvtimeo_ms == 0) return 0;
    want = 0;
  } else {
    if (c->rcvtimeo_ms > 0 && c->rcvtimeo_ms <= left && c->rcvtimeo_ms >= left / 2) return 0;
    want = left - left / 8; /* the next calls' deadlines fit it too */
  }
  struct timeval tv = clock_timeval(want);
  if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) return -1;
  c->rcvtimeo_ms = want;
  return 0;
}

/* Waits until the reply's next bytes are in c->in.  Returns 1, 0 at the
 * deadline, or -1 with errno (0 for EOF: the broker went away). */
static int client_wait_read(struct db_client *c, long long deadline) {
  for (;;) {
    int left = remaining_ms(deadline);
    if (left == 0) return 0;
    if (left > 0 && left < DB_CLIENT_RCVTIMEO_MIN_MS) {
      int w = wait_fd(c->fd, POLLIN, deadline);
      if (w <= 0) return w;
    } else if (client_bound_read(c, left) != 0) {
      return -1;
    }
    ssize_t n = client_read(c);
    if (n > 0) return 1;
    if (n == 0) {
      errno = 0;
      return -1;
    }
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    /* EAGAIN: SO_RCVTIMEO ran out (or a spurious wake-up); the loop checks
     * the deadline itself. */
  }
}

/* A send buffer that grew for a big request goes back to the usual size. */
static void out_shrink(struct db_client *c) {
  if (c->out_cap <= DB_CLIENT_OUT_KEEP_BYTES) return;
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

/* Sends the LEN bytes at P.  Returns 0 when all went out, 1 at the
 * deadline, -1 with *E (errno; 0 for a connection the peer closed) when
 * sending failed; *SENT counts the bytes that went out. */
static int client_send(struct db_client *c, const unsigned char *p, size_t len, long long deadline,
                       size_t *sent, int *e) {
  *sent = 0;
  while (*sent < len) {
    ssize_t n = send(c->fd, p + *sent, len - *sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      *sent += (size_t)n;
      continue;
    }
    *e = n < 0 ? errno : 0;
    if (*e == EINTR) continue;
    if (*e != EAGAIN && *e != EWOULDBLOCK) return -1;
    int w = wait_fd(c->fd, POLLOUT, deadline);
    if (w == 0) return 1;
    if (w < 0) {
      *e = errno;
      return -1;
    }
  }
  return 0;
}

/* Reads until the reply to request ID (of REQ) is complete, and returns
 * it; its bytes stay in c->in (c->in_used) with its sections until
 * client_release_reply.  NULL with ERR set on failure (connection closed). */
static json_t *client_receive(struct db_client *c, json_int_t id, const json_t *req, long long deadline,
                              int timeout_ms, char *err, size_t errlen) {
  for (;;) {
    struct frame_in f;
    char ferr[256];
    size_t frame_len;
    int r = frame_decode_mem(c->in, c->in_len, FRAME_DEFAULT_MAX_BYTES, &f, &frame_len, ferr, sizeof ferr);
    if (r < 0) {
      client_disconnect(c);
      set_err(err, errlen, "database broker sent a bad frame: %s", ferr);
      return NULL;
    }
    if (r > 0) {
      json_t *reply = f.msg, *rid = json_object_get(reply, "id");
      if (json_is_integer(rid) && json_integer_value(rid) == id) {
        c->in_used = frame_len;
        c->sections = f.sections;
        c->sections_len = f.sections_len;
        json_t *tx = json_object_get(reply, "tx");
        int before = c->tx_depth;
        c->tx_depth = json_is_integer(tx) ? (int)json_integer_value(tx) : 0;
        /* The broker rolled the transaction back (tx_timeout): the levels
         * the app still has open are lost, as with a closed connection. */
        const char *code = json_string_value(json_object_get(reply, "code"));
        if (code && strcmp(code, DB_ERR_TX_TIMEOUT) == 0 && before > 0)
          c->tx_lost += before - (ends_level(req_op(req)) ? 1 : 0);
        return reply;
      }
      /* Cannot happen while every failure closes the connection; tolerate
       * it rather than hand the caller someone else's answer. */
      log_warn("database broker reply for id %" JSON_INTEGER_FORMAT
               " ignored (waiting for %" JSON_INTEGER_FORMAT ")",
               json_is_integer(rid) ? json_integer_value(rid) : (json_int_t)-1, id);
      json_decref(reply);
      in_consume(c, frame_len);
      continue;
    }
    if (in_reserve(c, frame_len) != 0) {
      client_disconnect(c);
      set_err(err, errlen, "database reply: out of memory for %zu bytes", frame_len);
      return NULL;
    }
    int w = client_wait_read(c, deadline);
    if (w > 0) continue;
    if (w == 0) return fail_timeout(c, err, errlen, timeout_ms);
    return fail_lost(c, err, errlen, errno); /* errno 0: EOF, the broker went away */
  }
}

/* Drops the last reply's bytes (and so its sections) from c->in. */
static void client_release_reply(struct db_client *c) {
  if (c->in_used > 0) in_consume(c, c->in_used);
  c->in_used = 0;
  c->sections = NULL;
  c->sections_len = 0;
}

/* The handshake on a new connection: a ping in protocol 1, which a broker
 * of any version reads, whose reply names the broker's protocol.  Returns
 * 0 when it is DB_PROTOCOL_VERSION.  Otherwise the connection is closed and -1
 * returned with *REFUSAL (a JSFPM_PROTOCOL error reply for the caller) or,
 * when the handshake itself failed, NULL and ERR set. */
static int client_handshake(struct db_client *c, long long deadline, int timeout_ms, json_t **refusal,
                            char *err, size_t errlen) {
  *refusal = NULL;
  json_int_t id = c->next_id++;
  json_t *ping = json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "op", db_op_name(DB_OP_PING), "protocol",
                           DB_PROTOCOL_VERSION);
  unsigned char *buf = NULL;
  size_t cap = 0, len = 0, sent;
  int e = 0, rc = ping != NULL ? frame_encode_mem(ping, 1, &buf, &cap, &len) : -1;
  if (rc != 0) {
    set_err(err, errlen, "database handshake: out of memory");
  } else if ((rc = client_send(c, buf, len, deadline, &sent, &e)) != 0) {
    if (rc > 0)
      fail_timeout(c, err, errlen, timeout_ms);
    else
      fail_lost(c, err, errlen, e);
    rc = -1;
  }
  free(buf);
  json_t *reply = rc == 0 ? client_receive(c, id, ping, deadline, timeout_ms, err, errlen) : NULL;
  json_decref(ping);
  if (reply == NULL) {
    client_disconnect(c);
    return -1;
  }
  client_release_reply(c);
  json_t *proto = json_object_get(reply, "protocol");
  json_int_t theirs = json_is_integer(proto) ? json_integer_value(proto) : 1;
  if (json_is_true(json_object_get(reply, "ok")) && theirs == DB_PROTOCOL_VERSION) {
    json_decref(reply);
    return 0;
  }
  json_decref(reply);
  client_disconnect(c);
  char msg[320];
  snprintf(msg, sizeof msg,
           "the database broker speaks protocol version %" JSON_INTEGER_FORMAT " and this worker version %d "
           "(a worker and a broker of different jsfpm versions met, e.g. during an upgrade): restart jsfpm",
           theirs, DB_PROTOCOL_VERSION);
  *refusal = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", DB_ERR_PROTOCOL, "message", msg);
  if (*refusal == NULL) set_err(err, errlen, "%s", msg);
  return -1;
}

/* db_client_call's round trip: REQ, with "begin": true when BEGIN. */
static json_t *client_call(struct db_client *c, json_t *req, bool begin, int timeout_ms, char *err,
                           size_t errlen) {
  long long started = clock_mono_ms();
  long long deadline = timeout_ms < 0 ? -1 : started + timeout_ms;
  client_release_reply(c);
  if (!json_is_object(req)) {
    set_err(err, errlen, "database request must be a JSON object");
    return NULL;
  }

  /* A shallow copy: the caller keeps its object, only "id" differs. */
  json_int_t id = c->next_id++;
  json_t *msg = json_copy(req);
  size_t len = 0;
  int encoded = msg != NULL && json_object_set_new(msg, "id", json_integer(id)) == 0 &&
                (!begin || json_object_set_new(msg, "begin", json_true()) == 0) &&
                frame_encode_mem(msg, FRAME_VERSION, &c->out, &c->out_cap, &len) == 0;
  json_decref(msg);
  if (!encoded) {
    set_err(err, errlen, "database request cannot be encoded (over %u bytes, or out of memory)",
            FRAME_DEFAULT_MAX_BYTES);
    return NULL;
  }
  bool reused = c->fd >= 0; /* an idle connection the broker may have closed since */
  for (;;) {
    /* Checked after a stale connection is dropped: that is where a broker
     * that died under an open transaction is noticed. */
    if (c->tx_lost > 0) return lost_transaction_call(c, req, err, errlen);
    if (c->fd < 0) {
      json_t *refusal;
      if (client_connect(c, deadline, started, err, errlen) != 0) return NULL;
      if (client_handshake(c, deadline, timeout_ms, &refusal, err, errlen) != 0) return refusal;
    }
    size_t sent;
    int e = 0, s = client_send(c, c->out, len, deadline, &sent, &e);
    if (s == 0) break;
    if (s > 0) return fail_timeout(c, err, errlen, timeout_ms);
    if (sent == 0 && reused && (e == EPIPE || e == ECONNRESET)) {
      /* The broker closed this idle connection (a restart): nothing of the
       * frame reached it, so it is sent once, on a new connection. */
      client_disconnect(c);
      reused = false;
      continue;
    }
    return fail_lost(c, err, errlen, e);
  }
  out_shrink(c);
  return client_receive(c, id, req, deadline, timeout_ms, err, errlen);
}

/* A success reply made here, at transaction depth DEPTH. */
static json_t *local_ok(int depth) { return json_pack("{s:b, s:i}", "ok", 1, "tx", depth); }

/* Sends the app's pending begin on its own (before an operation it cannot
 * go with).  Returns NULL when it succeeded, else the call's result: its
 * error reply, or NULL with ERR set and *FAILED. */
static json_t *begin_now(struct db_client *c, int timeout_ms, char *err, size_t errlen, bool *failed) {
  c->begin_pending = 0;
  json_t *req = json_pack("{s:s}", "op", db_op_name(DB_OP_BEGIN));
  json_t *r = req ? client_call(c, req, false, timeout_ms, err, errlen) : NULL;
  json_decref(req);
  *failed = r == NULL || !json_is_true(json_object_get(r, "ok"));
  if (!*failed) {
    json_decref(r);
    return NULL;
  }
  if (req == NULL) set_err(err, errlen, "database request: out of memory");
  c->tx_lost++; /* the app's level never began: what it runs in it must fail */
  return r;
}

/*
 * A transaction's begin is sent with its first statement (docs/protocol.md,
 * "begin": true), which saves a round trip per transaction, and the
 * broker holds the writer for one round trip less.  Until then the begin
 * is pending here: a commit or rollback of a transaction that ran nothing
 * is answered here; an operation other than a statement sends it first.
 * If the begin (or the statement that went with it) fails and leaves no
 * transaction open, the app's level is lost (tx_lost) like one the broker
 * rolled back: the app's next statements in it fail instead of running
 * outside any transaction.
 */
json_t *db_client_call(struct db_client *c, json_t *req, int timeout_ms, char *err, size_t errlen) {
  enum db_op op = req_op(req);
  unsigned flags = db_op_flags(op);
  if (op == DB_OP_BEGIN && c->tx_depth == 0 && c->tx_lost == 0 && !c->begin_pending) {
    client_release_reply(c);
    c->begin_pending = 1;
    return local_ok(1);
  }
  bool begin = false;
  if (c->begin_pending) {
    if (op == DB_OP_COMMIT || op == DB_OP_ROLLBACK) {
      client_release_reply(c);
      c->begin_pending = 0;
      return local_ok(0);
    }
    if (flags & (DB_OPF_SQL | DB_OPF_STATEMENTS)) {
      begin = true;
      c->begin_pending = 0;
    } else if (flags & DB_OPF_TX) {
      bool failed;
      json_t *r = begin_now(c, timeout_ms, err, errlen, &failed);
      if (failed) return r;
    }
  }
  json_t *r = client_call(c, req, begin, timeout_ms, err, errlen);
  if (begin && c->tx_depth == 0) c->tx_lost++; /* see above */
  return r;
}

const unsigned char *db_client_sections(const struct db_client *c, size_t *len) {
  *len = c->sections_len;
  return c->sections;
}
