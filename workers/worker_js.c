/* worker_js.c: one Duktape heap per worker.
 *
 * A "global environment" here is the runtime module (Headers, Request,
 * Response, console, the dispatcher) plus the app's modules, loaded from the
 * compile cache (js_compile.h) into one set of globals.  Its module registry,
 * app exports and dispatcher live in the stash of the thread that owns it.
 *
 *   isolation = worker: one environment per heap, loaded at start; then every
 *     intrinsic reachable from the global object, the global object itself
 *     and the jsfpm/ modules are frozen, so a request cannot leave anything
 *     behind through them.  Module-level variables persist, by design.
 *   isolation = request: a new thread with fresh globals and built-ins
 *     (duk_push_thread_new_globalenv) per request, the app instantiated from
 *     bytecode into it; nothing survives the request.
 *
 * Limits: an execution deadline (Duktape's exec-timeout check, 504), a heap
 * byte cap (our allocator; 500 and a fresh heap before the next request),
 * database calls per request, response size.  The response's strings are
 * borrowed from the heap and stay valid until the next js_handle.
 */
#include "autoconfig.h"

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
  duk_context *ctx;           /* the heap's main thread */
  const char *root;           /* realpath of the app root (the cache's) */
  size_t root_len;
  long long deadline_ms;      /* monotonic; 0 = no limit (between requests) */
  bool timed_out;             /* the exec-timeout check fired, or native.timedOut ran */
  char timeout_why[256];      /* what native.timedOut said; "" for the exec-timeout check */
  size_t heap_bytes;          /* bytes Duktape holds through our allocator */
  bool over_limit;            /* an allocation was refused for memory_limit */
  bool rebuild;               /* the heap must be rebuilt before the next request */
  int db_calls;               /* database calls in the current request */
  char request_id[REQUEST_ID_MAX + 1];
  bool request_id_assigned;   /* js_begin_request ran for the coming request */
  uint32_t id_prefix;         /* random per process, so ids differ across workers */
  unsigned long long id_counter;
  char **locales;             /* configured locales; [0] is the default */
  size_t nlocales;
  struct js_header *headers;  /* response headers of the last request */
  size_t headers_cap;
  bool have_timer;            /* this runtime owns the process's deadline timer (deadline_timer) */
};

#define DEADLINE_REPEAT_MS 5

/*
 * The deadline timer, shared with its signal handler (one runtime per
 * process uses it at a time).  It is armed lazily (lazy_timer.h): a
 * request's deadline is later than any earlier request's.  It fires about
 * once per request_timeout.
 */
static struct lazy_timer deadline_timer;
static const struct js_runtime *deadline_timer_owner; /* the runtime that created it */
/* The heap the timer interrupts and the deadline in force; NULL and 0
 * between requests. */
static duk_context *volatile deadline_heap;
static _Atomic long long deadline_at_ms;
static js_overrun_fn deadline_overrun; /* set once at start, before any request */
#if ATOMIC_LLONG_LOCK_FREE != 2
#error "the signal handler needs a lock-free long long"
#endif

/* ---- clocks and the execution time limit ------------------------------- */

/* Called by Duktape every few hundred thousand bytecode instructions (see
 * src/duktape/duk_config.h).  Returning 1 throws a RangeError; Duktape keeps
 * throwing at each check while we keep returning 1, so a script that catches
 * the error cannot run on. */
int jsfpm_duk_exec_timeout(void *udata);
int jsfpm_duk_exec_timeout(void *udata) {
  struct js_runtime *rt = udata;
  if (rt == NULL || rt->deadline_ms == 0) return 0;
  if (clock_coarse_ms() < rt->deadline_ms) return 0;
  rt->timed_out = true;
  return 1;
}

/* ---- the allocator: byte accounting for memory_limit ------------------ */

static void *rt_alloc(void *udata, duk_size_t size) {
  struct js_runtime *rt = udata;
  long limit = rt->cfg->memory_limit_bytes;
  if (limit > 0 && rt->heap_bytes + size > (size_t)limit) {
    rt->over_limit = true; /* Duktape collects garbage and retries before giving up */
    return NULL;
  }
  unsigned char *p = malloc(size + ALLOC_HEADER);
  if (p == NULL) return NULL;
  *(size_t *)p = size;
  rt->heap_bytes += size;
  return p + ALLOC_HEADER;
}

static void rt_free(void *udata, void *ptr) {
  struct js_runtime *rt = udata;
  if (ptr == NULL) return;
  unsigned char *p = (unsigned char *)ptr - ALLOC_HEADER;
  rt->heap_bytes -= *(size_t *)p;
  free(p);
}

static void *rt_realloc(void *udata, void *ptr, duk_size_t size) {
  struct js_runtime *rt = udata;
  if (ptr == NULL) return rt_alloc(udata, size);
  if (size == 0) {
    rt_free(udata, ptr);
    return NULL;
  }
  unsigned char *p = (unsigned char *)ptr - ALLOC_HEADER;
  size_t old = *(size_t *)p;
  long limit = rt->cfg->memory_limit_bytes;
  if (limit > 0 && size > old && rt->heap_bytes + (size - old) > (size_t)limit) {
    rt->over_limit = true;
    return NULL;
  }
  unsigned char *q = realloc(p, size + ALLOC_HEADER);
  if (q == NULL) return NULL;
  *(size_t *)q = size;
  rt->heap_bytes = rt->heap_bytes - old + size;
  return q + ALLOC_HEADER;
}

/* SIGALRM from the deadline timer.  Past the deadline: force the interrupt
 * check, which sees it, and fire again in DEADLINE_REPEAT_MS in case the
 * store raced the executor's own counter update; JS_OVERRUN_GRACE_MS past
 * it, the request is stuck in a native call: the overrun handler ends the
 * process.  Before it (the timer was armed for an earlier request): re-arm
 * for the deadline.  Between requests: let the timer lapse.
 * Async-signal-safe: clock_gettime and timer_settime are, the rest is loads
 * and stores (and the overrun handler, which must be). */
static void on_deadline_signal(int sig) {
  (void)sig;
  int saved_errno = errno;
  duk_context *ctx = deadline_heap;
  long long deadline = atomic_load_explicit(&deadline_at_ms, memory_order_relaxed);
  if (ctx == NULL || deadline == 0) {
    lazy_timer_lapse(&deadline_timer);
  } else {
    long long left = deadline - clock_coarse_ms();
    if (left <= -JS_OVERRUN_GRACE_MS && deadline_overrun != NULL) deadline_overrun();
    if (left <= 0) {
      jsfpm_duk_force_interrupt(ctx);
      left = DEADLINE_REPEAT_MS;
    }
    lazy_timer_again(&deadline_timer, left); /* should it fail, the counter check still runs */
  }
  errno = saved_errno;
}

void js_set_overrun_handler(js_overrun_fn fn) { deadline_overrun = fn; }

static int deadline_timer_init(struct js_runtime *rt) {
  if (deadline_timer_owner != NULL) { /* a second live runtime: the counter check only */
    errno = EBUSY;
    return -1;
  }
  if (lazy_timer_init(&deadline_timer, SIGALRM, on_deadline_signal) < 0) return -1;
  deadline_timer_owner = rt;
  rt->have_timer = true;
  return 0;
}

/* Starts the time limit: the counter-based check, and the timer that
 * backs it up for time spent inside natives.  The deadline is published
 * before the timer is armed, so a signal in between re-arms for it. */
static void deadline_arm(struct js_runtime *rt, long long deadline_ms) {
  rt->deadline_ms = deadline_ms;
  atomic_store_explicit(&deadline_at_ms, deadline_ms, memory_order_relaxed);
  deadline_heap = rt->ctx;
  atomic_signal_fence(memory_order_seq_cst);
  if (rt->have_timer) lazy_timer_arm(&deadline_timer, deadline_ms - clock_coarse_ms(), "the deadline timer");
}

/* Ends the time limit.  The timer stays armed (see deadline_timer). */
static void deadline_disarm(struct js_runtime *rt) {
  deadline_heap = NULL;
  atomic_store_explicit(&deadline_at_ms, 0, memory_order_relaxed);
  rt->deadline_ms = 0;
}

static struct js_runtime *get_rt(duk_context *ctx) {
  duk_memory_functions funcs;
  duk_get_memory_functions(ctx, &funcs);
  return funcs.udata;
}

const struct jsfpm_config *js_runtime_config(duk_context *ctx) { return get_rt(ctx)->cfg; }
long long js_runtime_deadline_ms(duk_context *ctx) { return get_rt(ctx)->deadline_ms; }

static void on_fatal(void *udata, const char *msg) {
  (void)udata;
  /* Duktape's state is unusable after a fatal error; the master restarts us. */
  log_error("fatal JavaScript engine error: %s", msg ? msg : "(no message)");
  abort();
}

/* ---- modules ----------------------------------------------------------- */

static bool inside_root(const struct js_runtime *rt, const char *path) {
  return strncmp(path, rt->root, rt->root_len) == 0 && path[rt->root_len] == '/';
}

static duk_ret_t js_require(duk_context *ctx);

/* Pushes this environment's module registry (in its thread's stash). */
static void push_registry(duk_context *ctx) {
  duk_push_thread_stash(ctx, ctx);
  if (!duk_get_prop_literal(ctx, -1, "modules")) {
    duk_pop(ctx);
    duk_push_object(ctx);
    duk_dup(ctx, -1);
    duk_put_prop_literal(ctx, -3, "modules");
  }
  duk_remove(ctx, -2);
}

/* Gives the require function on top of CTX's stack the set of specifiers
 * CODE imports (import, import()), which its lowered code requires too:
 * those resolve with the "import" condition, as at start. */
static void put_import_specs(duk_context *ctx, const struct js_module_code *code) {
  bool any = false;
  for (size_t i = 0; code->deps && i < code->deps_len; i += strlen(code->deps + i) + 1) {
    const char *spec = code->deps + i + 1;
    if (!js_module_imports(code, spec)) continue;
    if (!any) duk_push_object(ctx);
    any = true;
    duk_push_true(ctx);
    duk_put_prop_string(ctx, -2, spec);
  }
  if (any) duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("imports"));
}

/* Loads module KEY (cached in this environment, else from the compile
 * cache, else compiled now) and pushes its exports.  Throws on failure. */
static void load_module(duk_context *ctx, const char *key) {
  struct js_runtime *rt = get_rt(ctx);
  push_registry(ctx);
  if (duk_get_prop_string(ctx, -1, key)) {
    /* Loaded, or loading right now (a cycle): Node returns the partial exports. */
    duk_get_prop_literal(ctx, -1, "exports");
    duk_replace(ctx, -3);
    duk_pop(ctx);
    return;
  }
  duk_pop(ctx);

  bool stdlib = strncmp(key, "jsfpm/", 6) == 0;
  const struct js_module_code *code = js_cache_lookup(rt->cache, key);
  if (code == NULL && !stdlib) {
    char err[PATH_MAX + 256];
    code = js_cache_add_file(rt->cache, key, key + rt->root_len + 1, err, sizeof err);
    if (code == NULL) (void)duk_error(ctx, DUK_ERR_ERROR, "%s", err);
  }
  if (code == NULL) (void)duk_error(ctx, DUK_ERR_ERROR, "Cannot find module '%s'", key);

  /* module = {id, filename, exports, loaded}, registered before it runs so
   * cyclic requires see the partial exports. */
  duk_push_object(ctx);
  duk_push_string(ctx, key);
  duk_put_prop_literal(ctx, -2, "id");
  duk_push_string(ctx, code->display);
  duk_put_prop_literal(ctx, -2, "filename");
  duk_push_object(ctx);
  duk_put_prop_literal(ctx, -2, "exports");
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, "loaded");
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, -3, key);
  /* stack: registry module */

  if (code->kind == JS_MODULE_JSON) {
    duk_push_lstring(ctx, code->data, code->len);
    duk_json_decode(ctx, -1);
    duk_put_prop_literal(ctx, -2, "exports");
  } else {
    /* The bytecode is read in place from the (possibly shared) cache. */
    duk_push_external_buffer(ctx);
    duk_config_buffer(ctx, -1, code->data, code->len);
    duk_load_function(ctx);
    /* fn.call(module.exports, exports, require, module, __filename, __dirname[, native]) */
    duk_get_prop_literal(ctx, -2, "exports");
    duk_dup(ctx, -1);
    char dir[PATH_MAX] = "";
    if (!stdlib) {
      snprintf(dir, sizeof dir, "%s", key);
      char *slash = strrchr(dir, '/');
      if (slash) *slash = '\0';
    }
    duk_push_c_function(ctx, js_require, 1);
    duk_push_string(ctx, dir);
    duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("dir"));
    put_import_specs(ctx, code);
    duk_dup(ctx, -5); /* module */
    duk_push_string(ctx, code->display);
    /* __dirname relative to the app root: the app never learns server paths. */
    duk_push_string(ctx, stdlib || strlen(dir) <= rt->root_len ? "" : dir + rt->root_len + 1);
    int nargs = 5;
    if (stdlib) {
      duk_push_heap_stash(ctx);
      duk_get_prop_literal(ctx, -1, "native");
      duk_remove(ctx, -2);
      nargs = 6;
    }
    duk_call_method(ctx, nargs);
    duk_pop(ctx);
  }
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, "loaded");
  duk_get_prop_literal(ctx, -1, "exports");
  /* stack: registry module exports */
  duk_replace(ctx, -3);
  duk_pop(ctx);
}

struct load_request {
  const char *key;
};

static duk_ret_t load_module_safe(duk_context *ctx, void *udata) {
  load_module(ctx, ((const struct load_request *)udata)->key);
  return 1;
}

/* A module that fails to load is dropped from the registry (as Node does)
 * so a later require tries again instead of getting half-made exports. */
static duk_ret_t require_load(duk_context *ctx, const char *key) {
  struct load_request r = {key};
  if (duk_safe_call(ctx, load_module_safe, &r, 0, 1) == DUK_EXEC_SUCCESS) return 1;
  push_registry(ctx);
  if (duk_get_prop_string(ctx, -1, key)) {
    duk_get_prop_literal(ctx, -1, "loaded");
    bool loaded = duk_get_boolean_default(ctx, -1, false);
    duk_pop_2(ctx);
    if (!loaded) duk_del_prop_string(ctx, -1, key);
  } else {
    duk_pop(ctx);
  }
  duk_pop(ctx);
  return duk_throw(ctx);
}

static duk_ret_t js_require(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  const char *id = duk_require_string(ctx, 0);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, DUK_HIDDEN_SYMBOL("dir"));
  const char *dir = duk_get_string_default(ctx, -1, "");
  bool imported = duk_get_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("imports")) && duk_has_prop_string(ctx, -1, id);
  duk_pop_3(ctx);

  if (strncmp(id, "jsfpm/", 6) == 0) {
    /* jsfpm/internal/... is the runtime library's, for the standard library only. */
    bool hidden = strcmp(id, "jsfpm/runtime") == 0 || (strncmp(id, "jsfpm/internal/", 15) == 0 && dir[0]);
    if (hidden || js_cache_lookup(rt->cache, id) == NULL)
      return duk_error(ctx, DUK_ERR_ERROR,
                       "Cannot find module '%s': the standard library has jsfpm/router, jsfpm/db, "
                       "jsfpm/password and jsfpm/cookies", id);
    return require_load(ctx, id);
  }
  if (dir[0] == '\0')
    return duk_error(ctx, DUK_ERR_ERROR, "require('%s'): not allowed from a standard-library module", id);
  char path[PATH_MAX], err[PATH_MAX + 512];
  if (js_resolve(rt->root, dir, id, imported ? JS_RESOLVE_IMPORT : JS_RESOLVE_REQUIRE, path, err, sizeof err) < 0)
    return duk_error(ctx, DUK_ERR_ERROR, "%s", err);
  return require_load(ctx, path);
}

/* ---- natives for the standard library ------------------------------- */

static duk_ret_t js_native_log(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  int lvl = log_level_parse(duk_require_string(ctx, 0));
  if (lvl < 0) lvl = LOG_LVL_INFO;
  if (!log_enabled((enum log_level)lvl)) return 0;
  duk_size_t len;
  const char *text = duk_safe_to_lstring(ctx, 1, &len);
  /* The log escapes control characters; a NUL would end the text first. */
  char escaped[LOG_LINE_MAX];
  if (memchr(text, '\0', len)) {
    bool cut = false;
    escaped[log_escape(escaped, sizeof escaped - 1, text, len, &cut)] = '\0';
    text = escaped;
  }
  if (rt->request_id[0]) log_msg((enum log_level)lvl, "[%s] %s", rt->request_id, text);
  else log_msg((enum log_level)lvl, "%s", text);
  return 0;
}

static duk_ret_t js_native_now(duk_context *ctx) {
  duk_push_number(ctx, (double)clock_coarse_ms());
  return 1;
}

/* native.sleep(ms): blocks the worker (jsfpm/internal/async waits for a
 * timer this way; the request holds the worker anyway).  The deadline
 * timer's signal does not cut it short: it sleeps to an absolute time. */
static duk_ret_t js_native_sleep(duk_context *ctx) {
  double ms = duk_require_number(ctx, 0);
  if (!(ms > 0)) return 0;
  if (ms > 3600000) ms = 3600000;
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  long long ns = until.tv_nsec + (long long)(ms * 1e6);
  until.tv_sec += (time_t)(ns / 1000000000);
  until.tv_nsec = (long)(ns % 1000000000);
  int rc;
  while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)) == EINTR) {}
  if (rc != 0) return duk_error(ctx, DUK_ERR_ERROR, "sleep: %s", strerror(rc));
  return 0;
}

/* native.deadline(): the current time limit (monotonic ms), 0 for none. */
static duk_ret_t js_native_deadline(duk_context *ctx) {
  duk_push_number(ctx, (double)get_rt(ctx)->deadline_ms);
  return 1;
}

/* native.timedOut(why): ends the request as if its time limit had passed
 * (504): what is left to run could not finish before it. */
static duk_ret_t js_native_timed_out(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  snprintf(rt->timeout_why, sizeof rt->timeout_why, "%s", duk_safe_to_string(ctx, 0));
  rt->timed_out = true;
  return duk_error(ctx, DUK_ERR_RANGE_ERROR, "%s", rt->timeout_why);
}

/* native.db(op, sql, params): one round trip to the broker, bounded by the
 * request's deadline as well as the configured busy timeout. */
static duk_ret_t js_native_db(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  int max = rt->cfg->max_db_calls;
  if (max > 0 && ++rt->db_calls > max)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR,
                     "max_db_calls exceeded: a request may make at most %d database calls", max);
  int timeout = rt->cfg->db_busy_timeout_ms;
  if (rt->deadline_ms) {
    long long left = rt->deadline_ms - clock_coarse_ms();
    if (left < timeout) timeout = left > 0 ? (int)left : 1;
  }
  return worker_db_call(ctx, rt->db, timeout);
}

static duk_ret_t js_eval_denied(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_EVAL_ERROR,
                   "eval() and new Function() are disabled (set allow_eval = yes in [app] to allow them)");
}

/* ---- environments ------------------------------------------------------- */

/* Removes what apps must not reach: Duktape's internals object, and
 * (unless allowed) every door to runtime code generation. */
static void sandbox_globals(duk_context *ctx, const struct jsfpm_config *cfg) {
  duk_push_global_object(ctx);
  duk_del_prop_literal(ctx, -1, "Duktape");
  /* Duktape's Node.js Buffer is a partial one of Node 6 (no Buffer.from,
   * toString ignores its encoding): code probing for Node would be misled. */
  duk_del_prop_literal(ctx, -1, "Buffer");
  if (!cfg->allow_eval) {
    duk_push_c_function(ctx, js_eval_denied, DUK_VARARGS);
    duk_dup(ctx, -1);
    duk_put_prop_literal(ctx, -3, "eval");
    /* (function(){}).constructor reaches Function through its prototype.
     * The stand-in keeps Function.prototype, so Function.prototype.call
     * and `f instanceof Function` still work. */
    duk_get_prop_literal(ctx, -2, "Function");
    duk_get_prop_literal(ctx, -1, "prototype");
    duk_dup(ctx, -3);
    duk_put_prop_literal(ctx, -2, "constructor");
    duk_push_string(ctx, "prototype");
    duk_dup(ctx, -2);
    duk_def_prop(ctx, -5, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                              DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_CLEAR_CONFIGURABLE);
    duk_pop_2(ctx);
    duk_put_prop_literal(ctx, -2, "Function");
  }
  duk_pop(ctx);
}

/* Loads the runtime and the app into the current thread's globals; leaves
 * the app exports and the dispatcher in the thread's stash.  For
 * duk_safe_call. */
static duk_ret_t setup_environment(duk_context *ctx, void *udata) {
  (void)udata;
  struct js_runtime *rt = get_rt(ctx);
  sandbox_globals(ctx, rt->cfg);
  /* The runtime library, for apps with lowered code (js_compile.h): once
   * per heap in worker isolation, into every request's globals in request
   * isolation. */
  if (js_cache_has_lowered(rt->cache)) {
    load_module(ctx, "jsfpm/internal/library");
    duk_pop(ctx);
  }
  duk_push_thread_stash(ctx, ctx);
  load_module(ctx, "jsfpm/runtime");
  duk_push_global_object(ctx);
  static const char *const globals[] = {"Headers", "Request", "Response", "console"};
  for (int i = 0; i < 4; i++) {
    duk_get_prop_string(ctx, -2, globals[i]);
    duk_put_prop_string(ctx, -2, globals[i]);
  }
  duk_pop(ctx);
  duk_put_prop_literal(ctx, -2, "runtime");
  js_platform_put_globals(ctx);

  char main_path[PATH_MAX];
  snprintf(main_path, sizeof main_path, "%s/%s", rt->root, rt->cfg->app_main);
  char resolved[PATH_MAX];
  if (realpath(main_path, resolved) == NULL)
    return duk_error(ctx, DUK_ERR_ERROR, "main module %s: %s", rt->cfg->app_main, strerror(errno));
  if (!inside_root(rt, resolved))
    return duk_error(ctx, DUK_ERR_ERROR, "main module %s is outside the app folder", rt->cfg->app_main);
  load_module(ctx, resolved);
  /* An ES module's app is its default export: `export default { fetch }`. */
  duk_get_prop_literal(ctx, -1, "__esModule");
  bool esm = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  if (esm) {
    duk_get_prop_literal(ctx, -1, "default");
    duk_remove(ctx, -2);
  }
  duk_get_prop_literal(ctx, -1, "fetch");
  if (!duk_is_function(ctx, -1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "%s: the app has no fetch(request, ctx) function (export default { fetch }, or module.exports = a Router or { fetch })",
                     rt->cfg->app_main);
  duk_pop(ctx);
  duk_put_prop_literal(ctx, -2, "app");
  /* The jobs the modules' top-level code queued run now, at start. */
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "drain");
  duk_call(ctx, 0);
  duk_pop_3(ctx);
  return 0;
}

/* isolation = worker: freeze the global object, every intrinsic reachable
 * from it, and the loaded jsfpm/ modules.  For duk_safe_call. */
static duk_ret_t harden_environment(duk_context *ctx, void *udata) {
  (void)udata;
  /* Load every public jsfpm/ module now, so one an app requires lazily
   * (inside a handler) is frozen like the rest; the internal ones the
   * runtime uses are loaded already. */
  for (const struct stdlib_module *m = stdlib_modules; m->name; m++) {
    if (strncmp(m->name, "jsfpm/internal/", 15) == 0) continue;
    load_module(ctx, m->name);
    duk_pop(ctx);
  }
  duk_push_thread_stash(ctx, ctx);
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "harden");
  duk_push_array(ctx);
  duk_push_global_object(ctx);
  duk_put_prop_index(ctx, -2, 0);
  duk_uarridx_t n = 1;
  push_registry(ctx);
  duk_enum(ctx, -1, 0);
  while (duk_next(ctx, -1, 1)) {
    const char *key = duk_get_string(ctx, -2);
    if (key && strncmp(key, "jsfpm/", 6) == 0) {
      duk_get_prop_literal(ctx, -1, "exports");
      duk_put_prop_index(ctx, -6, n++);
    }
    duk_pop_2(ctx);
  }
  duk_pop_2(ctx);
  duk_call(ctx, 1);
  return 0;
}

static void put_heap_objects(struct js_runtime *rt) {
  static const duk_function_list_entry natives[] = {
      {"log", js_native_log, 2},         {"now", js_native_now, 0},
      {"db", js_native_db, 3},           {"sleep", js_native_sleep, 1},
      {"deadline", js_native_deadline, 0}, {"timedOut", js_native_timed_out, 1},
      {NULL, NULL, 0}};
  duk_context *ctx = rt->ctx;
  duk_push_heap_stash(ctx);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, natives);
  for (const duk_function_list_entry *const *list = js_platform_natives; *list; list++)
    duk_put_function_list(ctx, -1, *list);
  duk_push_boolean(ctx, js_cache_has_lowered(rt->cache));
  duk_put_prop_literal(ctx, -2, "library");
  duk_freeze(ctx, -1);
  duk_put_prop_literal(ctx, -2, "native");
  /* ctx.env: one frozen object shared by every request and environment; the
   * heap stash, unlike the global stash, is shared by all global environments. */
  duk_push_object(ctx);
  for (size_t i = 0; i < rt->cfg->nenv; i++) {
    duk_push_string(ctx, rt->cfg->env[i].value);
    duk_put_prop_string(ctx, -2, rt->cfg->env[i].name);
  }
  duk_freeze(ctx, -1);
  duk_put_prop_literal(ctx, -2, "env");
  duk_pop(ctx);
}

/* Runs FN in CTX with the start-up deadline; formats a failure into ERR. */
static int run_setup(struct js_runtime *rt, duk_context *ctx, duk_safe_call_function fn, char *err,
                     size_t errlen) {
  deadline_arm(rt, clock_coarse_ms() + rt->cfg->request_timeout_ms);
  int rc = duk_safe_call(ctx, fn, NULL, 0, 1);
  deadline_disarm(rt);
  js_fetch_request_end(); /* a fetch() the modules' top-level code left running */
  if (rc != DUK_EXEC_SUCCESS) js_format_error(ctx, rt->cache, err, errlen, false);
  duk_pop(ctx);
  return rc == DUK_EXEC_SUCCESS ? 0 : -1;
}

/* Creates the heap; in worker mode loads and hardens the app, in request
 * mode loads it once into a throw-away environment to prove it loads. */
static int build_heap(struct js_runtime *rt, char *err, size_t errlen) {
  rt->heap_bytes = 0;
  rt->over_limit = false;
  rt->ctx = duk_create_heap(rt_alloc, rt_realloc, rt_free, rt, on_fatal);
  if (rt->ctx == NULL) {
    snprintf(err, errlen, "cannot create a JavaScript heap (memory_limit too small?)");
    return -1;
  }
  /* Every heap (each worker's, after the fork, and each rebuilt one) draws
   * its own Math.random sequence from the kernel, never from time or
   * addresses, which forked siblings share. */
  uint64_t seed[2];
  if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
    snprintf(err, errlen, "cannot seed Math.random: getrandom: %s", strerror(errno));
    return -1;
  }
  jsfpm_duk_seed_random(rt->ctx, seed);
  put_heap_objects(rt);
  if (rt->cfg->isolation == ISOLATION_WORKER) {
    if (run_setup(rt, rt->ctx, setup_environment, err, errlen) < 0) return -1;
    return run_setup(rt, rt->ctx, harden_environment, err, errlen);
  }
  duk_push_thread_new_globalenv(rt->ctx);
  int rc = run_setup(rt, duk_get_context(rt->ctx, -1), setup_environment, err, errlen);
  duk_pop(rt->ctx);
  return rc;
}

static void split_locales(struct js_runtime *rt) {
  const char *s = rt->cfg->locales ? rt->cfg->locales : "en";
  for (;;) {
    while (*s == ' ' || *s == ',') s++;
    if (*s == '\0') break;
    const char *end = s;
    while (*end && *end != ',' && *end != ' ') end++;
    char **grown = realloc(rt->locales, (rt->nlocales + 1) * sizeof *grown);
    char *one = strndup(s, (size_t)(end - s));
    if (grown == NULL || one == NULL) {
      free(one);
      if (grown) rt->locales = grown;
      break;
    }
    rt->locales = grown;
    rt->locales[rt->nlocales++] = one;
    s = end;
  }
}

struct js_runtime *js_runtime_new(const struct jsfpm_config *cfg, struct db_client *db,
                                  struct js_cache *cache, char *err, size_t errlen) {
  struct js_runtime *rt = calloc(1, sizeof *rt);
  if (rt == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  rt->cfg = cfg;
  rt->db = db;
  if (getrandom(&rt->id_prefix, sizeof rt->id_prefix, 0) != sizeof rt->id_prefix)
    rt->id_prefix = (uint32_t)getpid() * 2654435761u;
  split_locales(rt);
  if (deadline_timer_init(rt) < 0)
    log_warn("no deadline timer (%s): loops inside natives may outlive request_timeout",
             strerror(errno));
  rt->cache = cache;
  if (cache == NULL) {
    rt->cache = js_cache_build(cfg, err, errlen);
    rt->own_cache = true;
    if (rt->cache == NULL) {
      js_runtime_free(rt);
      return NULL;
    }
  }
  rt->root = js_cache_root(rt->cache);
  rt->root_len = strlen(rt->root);
  if (build_heap(rt, err, errlen) < 0) {
    js_runtime_free(rt);
    return NULL;
  }
  return rt;
}

void js_runtime_free(struct js_runtime *rt) {
  if (rt == NULL) return;
  if (rt->ctx) duk_destroy_heap(rt->ctx);
  if (rt->have_timer) {
    lazy_timer_free(&deadline_timer);
    deadline_timer_owner = NULL;
  }
  if (rt->own_cache) js_cache_free(rt->cache);
  for (size_t i = 0; i < rt->nlocales; i++) free(rt->locales[i]);
  free(rt->locales);
  free(rt->headers);
  free(rt);
}

void js_runtime_stats(const struct js_runtime *rt, struct js_runtime_stats *out) {
  js_cache_stats(rt->cache, &out->cache_hits, &out->cache_misses);
  out->heap_bytes = rt->heap_bytes;
  js_fetch_take_counts(&out->fetch);
}

/* ---- requests ----------------------------------------------------------- */

const char *js_status_reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 206: return "Partial Content";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 307: return "Temporary Redirect";
  case 308: return "Permanent Redirect";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default:
    return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
  }
}

static const struct js_header *find_header(const struct js_request *req, const char *name) {
  if (name == NULL) return NULL;
  for (size_t i = 0; i < req->nheaders; i++)
    if (strlen(name) == req->headers[i].name_len &&
        strncasecmp(req->headers[i].name, name, req->headers[i].name_len) == 0)
      return &req->headers[i];
  return NULL;
}

/* A request id from a client header is used only if it is short and plain,
 * since it goes into logs and a response header. */
static bool valid_request_id(const char *s, size_t len) {
  if (len == 0 || len > REQUEST_ID_MAX) return false;
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)s[i]) && !strchr("-_.:", s[i])) return false;
  return true;
}

/* Best match of an Accept-Language value against the configured locales:
 * highest q first; an exact tag beats its primary language ("de-CH" -> "de"). */
static const char *match_locale(const struct js_runtime *rt, const struct js_header *h) {
  const char *fallback = rt->nlocales ? rt->locales[0] : "en";
  if (h == NULL) return fallback;
  const char *best = NULL;
  double best_q = 0;
  const char *p = h->value, *end = h->value + h->value_len;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) p++;
    const char *tag = p;
    while (p < end && *p != ',' && *p != ';' && *p != ' ') p++;
    size_t tag_len = (size_t)(p - tag);
    double q = 1.0;
    while (p < end && *p != ',') {
      if (*p == 'q' && p + 1 < end && p[1] == '=') q = strtod(p + 2, NULL);
      p++;
    }
    if (tag_len == 0 || q <= best_q) continue;
    for (int pass = 0; pass < 2; pass++) {
      for (size_t i = 0; i < rt->nlocales; i++) {
        const char *loc = rt->locales[i];
        size_t n = pass == 0 ? tag_len : strcspn(loc, "-_");
        size_t t = pass == 0 ? tag_len : (size_t)(strcspn(tag, "-_,;") < tag_len ? strcspn(tag, "-_,;") : tag_len);
        if (pass == 1 && n != t) continue;
        if (strlen(loc) >= n && strncasecmp(loc, tag, n) == 0 && (pass == 1 || strlen(loc) == tag_len)) {
          best = loc;
          best_q = q;
          goto next_tag;
        }
      }
    }
  next_tag:;
  }
  return best ? best : fallback;
}


/* Pushes bytes from the network as a string: valid UTF-8 as it is, each
 * invalid byte as U+FFFD.  Raw bytes must never reach Duktape unchecked: a
 * string whose first byte is 0x80-0x82 or 0xFF is one of its Symbols. */
void js_push_wire_string(duk_context *ctx, const char *value, size_t len) {
  const unsigned char *s = (const unsigned char *)value;
  size_t i = 0;
  while (i < len && s[i] < 0x80) i++; /* the common case: ASCII */
  if (i == len) {
    duk_push_lstring(ctx, value, len);
    return;
  }
  unsigned char *out = duk_push_fixed_buffer(ctx, len * 3);
  memcpy(out, s, i);
  size_t o = i;
  while (i < len) {
    size_t n = utf8_sequence(s + i, len - i);
    if (n == 0) {
      memcpy(out + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
    } else {
      memcpy(out + o, s + i, n);
      o += n;
      i += n;
    }
  }
  duk_push_lstring(ctx, (const char *)out, o);
  duk_remove(ctx, -2);
}

/* Whether S holds a UTF-16 surrogate as a 3-byte sequence (ED A0..BF ..). */
static bool has_surrogate(const unsigned char *s, size_t len) {
  for (const unsigned char *p = s; (p = memchr(p, 0xED, len - (size_t)(p - s))) != NULL; p++)
    if ((size_t)(p - s) + 2 < len && (p[1] & 0xE0) == 0xA0) return true;
  return false;
}

/* The code unit of the surrogate sequence at S (ED A0..BF 80..BF). */
static unsigned surrogate_at(const unsigned char *s) {
  return 0xD000u | (unsigned)(s[1] & 0x3F) << 6 | (unsigned)(s[2] & 0x3F);
}

/* The string on top of CTX's stack as UTF-8 for the wire.  Duktape keeps a
 * character outside the BMP made in JavaScript (a surrogate pair, say from
 * String.fromCodePoint or a string iterator) as two 3-byte sequences
 * (CESU-8), which is not UTF-8: each pair becomes its 4-byte form and a
 * lone surrogate U+FFFD, as Node.js writes them.  A converted copy is
 * pushed (kept until the next request); plain strings cost one memchr. */
const uint8_t *js_push_utf8(duk_context *ctx, duk_size_t *len) {
  const unsigned char *s = (const unsigned char *)duk_get_lstring(ctx, -1, len);
  if (s == NULL || !has_surrogate(s, *len)) return s;
  size_t n = *len, o = 0;
  unsigned char *out = duk_push_fixed_buffer(ctx, n); /* never longer: 6 bytes become 4, 3 stay 3 */
  for (size_t i = 0; i < n;) {
    if (s[i] == 0xED && i + 2 < n && (s[i + 1] & 0xE0) == 0xA0) {
      unsigned hi = surrogate_at(s + i);
      if (hi < 0xDC00 && i + 5 < n && s[i + 3] == 0xED && (s[i + 4] & 0xF0) == 0xB0) {
        unsigned cp = 0x10000 + ((hi - 0xD800) << 10) + (surrogate_at(s + i + 3) - 0xDC00);
        out[o++] = (unsigned char)(0xF0 | cp >> 18);
        out[o++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (unsigned char)(0x80 | (cp & 0x3F));
        i += 6;
      } else {
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
        i += 3;
      }
    } else {
      out[o++] = s[i++];
    }
  }
  *len = o;
  return out;
}

static void push_raw(duk_context *ctx, const char *value, size_t len) {
  if (value) js_push_wire_string(ctx, value, len);
  else duk_push_null(ctx);
}

/* Pushes the raw request: a dense array (far cheaper to fill than named
 * properties) that the runtime wraps in a Request and a ctx.  The fields go
 * on the value stack in index order and are packed into arrays of their
 * final size at once. */
static void push_raw_request(struct js_runtime *rt, duk_context *ctx, const struct js_request *req,
                             long long deadline) {
  const struct jsfpm_config *cfg = rt->cfg;
  /* RAW_COUNT fields, then the header strings on top of them. */
  duk_require_stack(ctx, (duk_idx_t)(RAW_COUNT + 2 * req->nheaders + 4));
  duk_idx_t base = duk_get_top(ctx);
  push_raw(ctx, req->method, strlen(req->method));
  char *url = NULL;
  int url_len = asprintf(&url, "%s://%s%s", req->scheme, req->host ? req->host : "localhost", req->uri);
  if (url_len < 0) (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  js_push_wire_string(ctx, url, (size_t)url_len);
  free(url);
  if (req->path) {
    push_raw(ctx, req->path, strlen(req->path));
  } else { /* the URI up to "?" */
    const char *q = strchr(req->uri, '?');
    push_raw(ctx, req->uri, q ? (size_t)(q - req->uri) : strlen(req->uri));
  }
  push_raw(ctx, req->query ? req->query : "", req->query ? strlen(req->query) : 0);
  push_raw(ctx, req->remote_addr, strlen(req->remote_addr));
  push_raw(ctx, rt->request_id, strlen(rt->request_id));

  const struct js_header *h = find_header(req, cfg->user_header);
  if (cfg->user_header) push_raw(ctx, h ? h->value : NULL, h ? h->value_len : 0);
  else push_raw(ctx, req->remote_user, req->remote_user ? strlen(req->remote_user) : 0);
  h = find_header(req, cfg->tenant_header);
  if (h) push_raw(ctx, h->value, h->value_len);
  else push_raw(ctx, req->tenant, req->tenant ? strlen(req->tenant) : 0);
  const char *locale = match_locale(rt, find_header(req, "accept-language"));
  push_raw(ctx, locale, strlen(locale));
  duk_push_number(ctx, (double)deadline);
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, "env");
  duk_remove(ctx, -2);

  for (size_t i = 0; i < req->nheaders; i++) {
    js_push_wire_string(ctx, req->headers[i].name, req->headers[i].name_len);
    js_push_wire_string(ctx, req->headers[i].value, req->headers[i].value_len);
  }
  jsfpm_duk_pack(ctx, (duk_idx_t)(2 * req->nheaders));

  if (req->body_len > 0) { /* most requests have none: no buffer then */
    void *body = duk_push_fixed_buffer(ctx, req->body_len);
    memcpy(body, req->body, req->body_len);
    duk_push_buffer_object(ctx, -1, 0, req->body_len, DUK_BUFOBJ_UINT8ARRAY);
    duk_remove(ctx, -2);
  } else {
    duk_push_null(ctx);
  }
  if (duk_get_top(ctx) - base != RAW_COUNT) /* a field added to JS_RAW_FIELDS but not pushed here */
    (void)duk_error(ctx, DUK_ERR_ERROR, "internal: raw request has %d fields, not %d",
                    (int)(duk_get_top(ctx) - base), (int)RAW_COUNT);
  jsfpm_duk_pack(ctx, RAW_COUNT);
}

/* Sets RES to a plain-text response whose body is kept on CTX's stack. */
static void text_response(duk_context *ctx, struct js_response *res, int status, const char *body) {
  static const struct js_header text = {"Content-Type", 12, "text/plain;charset=UTF-8", 24};
  duk_push_string(ctx, body);
  duk_size_t len;
  res->body = (const uint8_t *)duk_get_lstring(ctx, -1, &len);
  res->body_len = len;
  res->status = status;
  res->headers = &text;
  res->nheaders = 1;
}

static bool has_ctl(const char *s, size_t len) {
  return memchr(s, '\r', len) || memchr(s, '\n', len) || memchr(s, '\0', len);
}

/* An HTTP token (RFC 9110 5.6.2): what a header name may be made of. */
static bool is_token(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0 || (!isalnum(c) && !strchr("!#$%&'*+-.^_`|~", c))) return false; /* strchr finds the NUL too */
  }
  return len > 0;
}

/* Response fields the server writes itself, whatever the app says: the
 * framing (Content-Length, Transfer-Encoding and the connection-specific
 * fields of RFC 9110 7.6.1), FastCGI's Status line and the X-Request-Id the
 * server adds.  From the app they would contradict the server's own: a
 * second Content-Length (nginx answers 502), a length that is not the
 * body's (a keep-alive client reads the rest as the next response or
 * waits forever), "chunked" on a body that is not.  So they are dropped. */
static bool server_owned_field(const char *name, size_t len) {
  static const char *const owned[] = {"content-length", "transfer-encoding", "connection",
                                      "keep-alive", "proxy-connection", "upgrade", "te",
                                      "status", "x-request-id"};
  for (size_t i = 0; i < sizeof owned / sizeof *owned; i++)
    if (strlen(owned[i]) == len && strncasecmp(owned[i], name, len) == 0) return true;
  return false;
}

/* Reads [status, flatHeaders, body] at the top of CTX's stack into RES.
 * Returns NULL, or what is wrong with it (in WHY). */
static const char *read_result(struct js_runtime *rt, duk_context *ctx, struct js_response *res,
                               char *why, size_t whylen) {
  duk_idx_t top = duk_get_top_index(ctx);
  duk_get_prop_index(ctx, top, 0);
  double status = duk_get_number_default(ctx, -1, 0);
  duk_pop(ctx);
  if (status != floor(status) || status < 200 || status > 599) {
    snprintf(why, whylen, "Response status %g is not an integer from 200 to 599", status);
    return why;
  }
  res->status = (int)status;

  duk_get_prop_index(ctx, top, 1);
  size_t n = duk_get_length(ctx, -1) / 2;
  if (n > rt->headers_cap) {
    struct js_header *grown = realloc(rt->headers, n * sizeof *grown);
    if (grown == NULL) return "out of memory for response headers";
    rt->headers = grown;
    rt->headers_cap = n;
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    struct js_header *h = &rt->headers[kept];
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)(2 * i));
    duk_get_prop_index(ctx, -2, (duk_uarridx_t)(2 * i + 1));
    duk_size_t nl = 0, vl = 0;
    /* The strings stay alive: the result array holds them. */
    h->name = duk_get_lstring(ctx, -2, &nl);
    h->value = duk_get_lstring(ctx, -1, &vl);
    h->name_len = nl;
    h->value_len = vl;
    duk_pop_2(ctx);
    if (h->name == NULL || h->value == NULL || nl == 0) return "a response header is not a string";
    if (!is_token(h->name, nl) || has_ctl(h->value, vl)) {
      snprintf(why, whylen, "response header %.*s: a name must be an HTTP token and a value must not contain CR, LF or NUL",
               (int)(nl > 64 ? 64 : nl), h->name);
      return why;
    }
    if (server_owned_field(h->name, nl))
      log_warn("[%s] response header %s dropped: the server sets it itself", rt->request_id, h->name);
    else kept++;
  }
  duk_pop(ctx);
  res->headers = rt->headers;
  res->nheaders = kept;

  duk_get_prop_index(ctx, top, 2); /* stays on the stack until the next request */
  duk_size_t blen = 0;
  if (duk_is_string(ctx, -1)) res->body = js_push_utf8(ctx, &blen);
  else if (duk_is_buffer_data(ctx, -1)) res->body = duk_get_buffer_data(ctx, -1, &blen);
  else return "Response body is neither a string nor bytes";
  if (res->body == NULL) res->body = (const uint8_t *)"";
  res->body_len = blen;
  if ((long)blen > rt->cfg->max_response_bytes) {
    snprintf(why, whylen, "response body of %zu bytes exceeds max_response_size (%ld bytes)",
             (size_t)blen, rt->cfg->max_response_bytes);
    return why;
  }
  return NULL;
}

/* After a failed call: the 5xx/4xx response for the error on CTX's stack. */
static void error_result(struct js_runtime *rt, duk_context *ctx, const struct js_request *req,
                         struct js_response *res) {
  const char *id = rt->request_id;
  if (rt->timed_out) {
    log_error("[%s] %s %s: execution time limit of %d ms exceeded%s%s", id, req->method, req->uri,
              rt->cfg->request_timeout_ms, rt->timeout_why[0] ? ": " : "", rt->timeout_why);
    text_response(ctx, res, 504, JS_TIMEOUT_BODY);
    return;
  }
  if (rt->over_limit) {
    /* Duktape gave up after collecting garbage: the heap is at the cap. */
    log_error("[%s] %s %s: memory limit of %ld bytes reached; the heap will be rebuilt", id,
              req->method, req->uri, rt->cfg->memory_limit_bytes);
    rt->rebuild = true;
    text_response(ctx, res, 500, "Internal Server Error: memory limit\n");
    return;
  }
  /* Errors that carry an HTTP status and a message meant for the client:
   * 4xx from the client's input (bad JSON), 500 for a broken Response. */
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "status");
    duk_get_prop_literal(ctx, -2, "expose");
    int status = duk_get_int_default(ctx, -2, 0);
    bool expose = duk_get_boolean_default(ctx, -1, false);
    duk_pop_2(ctx);
    if (expose && status >= 400 && status <= 599) {
      duk_get_prop_literal(ctx, -1, "message");
      const char *msg = duk_safe_to_string(ctx, -1);
      if (status >= 500) {
        char where[1024];
        duk_dup(ctx, -2);
        js_format_error(ctx, rt->cache, where, sizeof where, false);
        duk_pop(ctx);
        log_error("[%s] %s %s: %s", id, req->method, req->uri, where);
      } else {
        log_info("[%s] %s %s: %d: %s", id, req->method, req->uri, status, msg);
      }
      duk_push_sprintf(ctx, "%s%s%s\n", status >= 500 ? js_status_reason(status) : "",
                       status >= 500 ? ": " : "", msg);
      text_response(ctx, res, status, duk_get_string(ctx, -1));
      return;
    }
  }
  char msg[8192];
  js_format_error(ctx, rt->cache, msg, sizeof msg, true);
  log_error("[%s] %s %s: uncaught %s", id, req->method, req->uri, msg);
  if (rt->cfg->dev) {
    duk_push_sprintf(ctx, "Internal Server Error\n\n%s\n", msg);
    text_response(ctx, res, 500, duk_get_string(ctx, -1));
  } else {
    text_response(ctx, res, 500, "Internal Server Error\n");
  }
}

static duk_ret_t call_dispatch(duk_context *ctx, void *udata) {
  (void)udata;
  /* stack: raw */
  duk_push_thread_stash(ctx, ctx);
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "dispatch");
  duk_get_prop_literal(ctx, -3, "app");
  duk_dup(ctx, 0);
  duk_call(ctx, 2);
  return 1;
}

const char *js_begin_request(struct js_runtime *rt, const struct js_request *req) {
  const struct js_header *idh = find_header(req, rt->cfg->request_id_header);
  if (idh && valid_request_id(idh->value, idh->value_len))
    snprintf(rt->request_id, sizeof rt->request_id, "%.*s", (int)idh->value_len, idh->value);
  else
    snprintf(rt->request_id, sizeof rt->request_id, "%08x%08llx", rt->id_prefix, ++rt->id_counter);
  rt->request_id_assigned = true;
  return rt->request_id;
}

void js_handle(struct js_runtime *rt, const struct js_request *req, struct js_response *res) {
  if (rt->rebuild) {
    char err[1024];
    duk_destroy_heap(rt->ctx);
    rt->ctx = NULL;
    rt->rebuild = false;
    if (build_heap(rt, err, sizeof err) < 0) {
      /* The app loaded before; if it cannot now, this process is unfit. */
      log_error("cannot rebuild the JavaScript heap: %s", err);
      exit(1);
    }
    log_notice("JavaScript heap rebuilt");
  }
  duk_context *ctx = rt->ctx;
  duk_set_top(ctx, 0); /* drop the previous request's result (or environment) */
  memset(res, 0, sizeof *res);

  if (!rt->request_id_assigned) js_begin_request(rt, req);
  rt->request_id_assigned = false;
  res->request_id = rt->request_id;

  long long deadline = clock_coarse_ms() + rt->cfg->request_timeout_ms;
  rt->timed_out = false;
  rt->timeout_why[0] = '\0';
  rt->over_limit = false;
  rt->db_calls = 0;
  deadline_arm(rt, deadline);

  duk_context *env = ctx;
  int rc = DUK_EXEC_SUCCESS;
  if (rt->cfg->isolation == ISOLATION_REQUEST) {
    duk_push_thread_new_globalenv(ctx);
    env = duk_get_context(ctx, -1);
    rc = duk_safe_call(env, setup_environment, NULL, 0, 1);
    if (rc == DUK_EXEC_SUCCESS) duk_pop(env);
  }
  if (rc == DUK_EXEC_SUCCESS) {
    push_raw_request(rt, env, req, deadline);
    rc = duk_safe_call(env, call_dispatch, NULL, 1, 1);
  }
  deadline_disarm(rt);
  worker_db_request_end(rt->db, rt->request_id); /* roll back a transaction left open */
  js_fetch_request_end(); /* nothing of a request runs after it */

  char why[512];
  if (rc == DUK_EXEC_SUCCESS) {
    const char *bad = read_result(rt, env, res, why, sizeof why);
    if (bad == NULL) return;
    log_error("[%s] %s %s: bad response: %s", rt->request_id, req->method, req->uri, bad);
    char body[600];
    snprintf(body, sizeof body, "Internal Server Error: %s\n", bad);
    text_response(env, res, 500, body);
    return;
  }
  error_result(rt, env, req, res);
}
