/* worker_js_internal.h: the JavaScript runtime's state, shared by its
 * files only (workers/worker_js*.c); worker_js.h is the public surface.
 *
 * worker_js.c           the runtime, the allocator, requests: the raw
 *                       request in, the response out
 * worker_js_deadline.c  the time limit's timer and its signal handler
 * worker_js_modules.c   the CommonJS loader (require, the module registry)
 * worker_js_env.c       a heap's environment: the natives of the standard
 *                       library, the sandbox, hardening, building a heap
 */
#ifndef JSFPM_WORKER_JS_INTERNAL_H
#define JSFPM_WORKER_JS_INTERNAL_H

#include "worker_js.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "db_client.h"
#include "dev_page.h"
#include "duktape/duktape.h"
#include "js_compile.h"
#include "js_fetch.h"
#include "js_platform.h"
#include "js_raw_request.h"
#include "js_resolve.h"
#include "lazy_timer.h"
#include "log.h"
#include "utf8.h"
#include "worker_db.h"

#define REQUEST_ID_MAX 64
#define ALLOC_HEADER 16 /* keeps max_align_t alignment for Duktape */

struct js_runtime {
  const struct jsfpm_config *cfg;
  struct db_client *db;
  struct js_cache *cache;
  bool own_cache;
  duk_context *ctx; /* the heap's main thread */
  const char *root; /* realpath of the app root (the cache's) */
  size_t root_len;
  long long deadline_ms;      /* monotonic; 0 = no limit (between requests) */
  long long request_start_ms; /* monotonic start of the request in js_handle */
  long long slow_at_ms;       /* monotonic; when to take the slow log's stack; 0 = taken or off */
  bool timed_out;             /* the exec-timeout check fired, or native.timedOut ran */
  char timeout_why[256];      /* what native.timedOut said; "" for the exec-timeout check */
  size_t heap_bytes;          /* bytes Duktape holds through our allocator */
  size_t heap_peak_bytes;     /* most heap_bytes since the current request began */
  bool over_limit;            /* an allocation was refused for memory_limit */
  bool rebuild;               /* the heap must be rebuilt before the next request */
  int db_calls;               /* database calls in the current request */
  const uint8_t *body; /* the current request's body (native.requestBody reads it); NULL between requests */
  size_t body_len;
  char request_id[REQUEST_ID_MAX + 1];
  bool request_id_assigned; /* js_begin_request ran for the coming request */
  uint32_t id_prefix;       /* random per process, so ids differ across workers */
  unsigned long long id_counter;
  char **locales; /* configured locales; [0] is the default */
  size_t nlocales;
  struct js_header *headers; /* response headers of the last request */
  size_t headers_cap;
  bool have_timer;      /* this runtime owns the process's deadline timer (deadline_timer) */
  char *load_error;     /* dev = yes: why the app did not load; every request gets the error page */
  struct dev_page page; /* dev = yes: the last error page */
  struct js_header page_headers[2];
  /* A streamed response (js_stream_next): the thread its pull function is
   * on, at index stream_fn; the request's deadline and the request. */
  duk_context *stream_env;
  duk_idx_t stream_fn;
  long long stream_deadline_ms;
  const struct js_request *stream_req;
};

/* worker_js.c */
void *jsrt_rt_alloc(void *udata, duk_size_t size);
void jsrt_rt_free(void *udata, void *ptr);
void *jsrt_rt_realloc(void *udata, void *ptr, duk_size_t size);
struct js_runtime *jsrt_get_rt(duk_context *ctx);
void jsrt_on_fatal(void *udata, const char *msg);

/* worker_js_deadline.c */
int jsrt_deadline_timer_init(struct js_runtime *rt);
void jsrt_deadline_arm(struct js_runtime *rt, long long deadline_ms, long long slow_ms);
/* The request crossed slowlog_timeout: hands its stack to the slow handler. */
void jsrt_take_slow_stack(struct js_runtime *rt, long long now_ms);
/* The slow handler's slowlog_timeout; 0 = off. */
long long jsrt_slow_period_ms(void);
void jsrt_deadline_disarm(struct js_runtime *rt);
void jsrt_deadline_timer_free(struct js_runtime *rt);

/* worker_js_env.c: the request's body goes out of reach (a Request kept
 * past its request cannot read the next one's). */
void jsrt_body_request_end(struct js_runtime *rt, duk_context *ctx);

/* worker_js_modules.c */
bool jsrt_inside_root(const struct js_runtime *rt, const char *path);
void jsrt_push_registry(duk_context *ctx);
void jsrt_load_module(duk_context *ctx, const char *key);

/* worker_js_env.c */
duk_ret_t jsrt_setup_environment(duk_context *ctx, void *udata);
int jsrt_build_heap(struct js_runtime *rt, char *err, size_t errlen);

#endif
