/* worker_js.h: the JavaScript side of a worker: one Duktape heap, the app
 * loaded into it, and the call of fetch(request, ctx) for each request. */
#ifndef JSFPM_WORKER_JS_H
#define JSFPM_WORKER_JS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "js_fetch.h"

struct jsfpm_config;
struct db_client;
struct js_cache;

/* One module of the jsfpm/ standard library, compiled into the binary
 * (workers/stdlib_js.c in the build tree, generated from js/jsfpm/). */
struct stdlib_module {
  const char *name; /* "jsfpm/router" */
  const char *source;
};
extern const struct stdlib_module stdlib_modules[]; /* ends with {0, 0} */
/* The compiler heap's modules (workers/compiler_js.c, from third_party/): same shape. */
extern const struct stdlib_module compiler_modules[];

struct js_header {
  const char *name; /* lower case for requests; as given for responses */
  size_t name_len;
  const char *value;
  size_t value_len;
};

/* A request as the front doors (FastCGI, HTTP) see it; all strings are
 * borrowed from the door's buffers for the duration of js_handle. */
struct js_request {
  const char *method;
  const char *uri;    /* as received: path + "?" + query */
  const char *path;   /* path the app routes on */
  const char *query;  /* query string without "?", may be "" */
  const char *scheme; /* "http" or "https" */
  const char *host;   /* Host header or server name, may be NULL */
  const char *remote_addr;
  const char *remote_user; /* REMOTE_USER, may be NULL */
  const char *tenant;      /* the FastCGI param named by [app] tenant_param, or NULL */
  const struct js_header *headers;
  size_t nheaders;
  const uint8_t *body;
  size_t body_len;
};

/* A response ready for the wire.  Owned by the runtime; valid until the
 * next js_handle call. */
struct js_response {
  int status;
  const struct js_header *headers; /* none of the fields the server sets itself (Content-Length,
                                      Connection, Status, X-Request-Id ...: worker_js.c) */
  size_t nheaders;
  const uint8_t *body;
  size_t body_len;
  const char *request_id;
  bool streamed;         /* the body comes in pieces from js_stream_next; body_len is 0, then
                    the bytes the door sent */
  long long deadline_ms; /* streamed: the request's deadline (monotonic, coarse clock) */
};

struct js_runtime;

/* Creates the heap and loads the app.  CACHE is the compile cache built by
 * the master (preload = yes), borrowed; NULL makes the runtime build its own.
 * Returns NULL with ERR naming file and line when the app cannot load. */
struct js_runtime *js_runtime_new(const struct jsfpm_config *cfg, struct db_client *db,
                                  struct js_cache *cache, char *err, size_t errlen);
void js_runtime_free(struct js_runtime *rt);
/* dev = yes: why the app did not load (the runtime then answers every
 * request with the error page), else NULL. */
const char *js_runtime_load_error(const struct js_runtime *rt);

struct js_runtime_stats {
  unsigned long cache_hits;     /* modules loaded from the compile cache */
  unsigned long cache_misses;   /* modules compiled on demand (added after start) */
  size_t heap_bytes;            /* bytes the JavaScript heap holds now */
  size_t heap_peak_bytes;       /* most it held during the last request */
  struct js_fetch_counts fetch; /* fetch() calls since the last js_runtime_stats */
};
void js_runtime_stats(const struct js_runtime *rt, struct js_runtime_stats *out);

/* Assigns the id of the request about to run (from [app] request_id_header
 * or generated) and returns it; js_handle then uses that id.  Optional:
 * js_handle assigns one itself when this was not called. */
const char *js_begin_request(struct js_runtime *rt, const struct js_request *req);

/* Runs one request through the app.  Always produces a response: errors in
 * the app become 500 (logged with file:line), time-outs 504; except that a
 * request stuck past its deadline inside one native call ends the process
 * through the overrun handler (js_set_overrun_handler). */
void js_handle(struct js_runtime *rt, const struct js_request *req, struct js_response *res);

/* A streamed response (res->streamed): the next piece of its body, produced
 * by the app under the request's deadline.  Returns 1 with *DATA and *LEN
 * set (valid until the next call; never empty), 0 at the end of the body,
 * or -1 when the app threw, the deadline passed or the memory limit was hit
 * (logged with the request id).  Call js_stream_end after the last call, or
 * to give up early: CANCEL (the client is gone) tells the app's source to
 * stop, as a ReadableStream's cancel or a generator's return (not past the
 * deadline: no JavaScript of the request runs then). */
int js_stream_next(struct js_runtime *rt, const uint8_t **data, size_t *len);
void js_stream_end(struct js_runtime *rt, bool cancel);

/* The body of the 504 a request that exceeded request_timeout gets. */
#define JS_TIMEOUT_BODY "Gateway Timeout: the request exceeded its time limit\n"

/* The time limit stops JavaScript at its next bytecode instruction; one
 * native call (join or sort of a huge array, a big replace) runs no
 * instruction until it returns, which may take seconds or forever.  A
 * request still running this long after its deadline is given up on. */
#define JS_OVERRUN_GRACE_MS 500

/* Called when a request is still running JS_OVERRUN_GRACE_MS after its
 * deadline.  It runs in a signal handler (the deadline timer's) in the
 * middle of whatever the request was doing: it may only make
 * async-signal-safe calls, and must end the process, whose heap cannot be
 * trusted any more.  Without one, such a request runs on. */
typedef void (*js_overrun_fn)(void);
void js_set_overrun_handler(js_overrun_fn fn);

/* Called once for a request that has run SLOWLOG_TIMEOUT_MS, with its
 * JavaScript stack at that moment ("    at fn (file:line:col)" lines,
 * innermost first) and how long it has run.  It runs inside the request
 * (from Duktape's interrupt check, not a signal handler); it must not call
 * into the heap.  Taken at the first bytecode instruction after the moment:
 * for a request waiting in a database call, fetch() or one long native
 * call, when that call returns (the stack then shows the line that made
 * it).  FN NULL turns it off. */
typedef void (*js_slow_fn)(const char *stack, long long elapsed_ms);
void js_set_slow_handler(js_slow_fn fn, long long slowlog_timeout_ms);
#define JS_SLOW_STACK_MAX 2048 /* bytes of stack handed over, the rest cut */

/* HTTP reason phrase for STATUS ("OK", "Not Found", ...). */
const char *js_status_reason(int status);

#endif
