/* worker_js_env.c: what a heap holds before any request: the natives
 * the standard library calls, the sandboxed globals, the environment the
 * runtime and the app are loaded into (one per heap, or one per request
 * with isolation = request), hardening (isolation = worker), and the heap
 * itself, built and rebuilt. */
#include "autoconfig.h"

#include "worker_js_internal.h"

/* ---- natives for the standard library ------------------------------- */

static duk_ret_t js_native_log(duk_context *ctx) {
  struct js_runtime *rt = jsrt_get_rt(ctx);
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
  if (rt->request_id[0])
    log_msg((enum log_level)lvl, "[%s] %s", rt->request_id, text);
  else
    log_msg((enum log_level)lvl, "%s", text);
  return 0;
}

static duk_ret_t js_native_now(duk_context *ctx) {
  duk_push_number(ctx, (double)clock_coarse_ms());
  return 1;
}

/* native.requestBody(token, offset, length) -> the bytes [offset, offset +
 * length) of the current request's body, a fresh Uint8Array.  TOKEN is
 * the object the raw request carried as its body: one from an earlier
 * request no longer matches the stash's. */
static duk_ret_t js_native_request_body(duk_context *ctx) {
  struct js_runtime *rt = jsrt_get_rt(ctx);
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, "bodyToken");
  if (rt->body == NULL || !duk_is_object(ctx, 0) || !duk_strict_equals(ctx, 0, -1))
    return duk_type_error(ctx, "the request body can only be read during its request");
  double offset = duk_require_number(ctx, 1), length = duk_require_number(ctx, 2);
  if (!(offset >= 0 && length >= 0 && offset + length <= (double)rt->body_len) ||
      offset != (double)(size_t)offset || length != (double)(size_t)length)
    return duk_range_error(ctx, "requestBody: [%g, %g) is not within the body's %zu bytes", offset,
                           offset + length, rt->body_len);
  memcpy(js_push_bytes(ctx, (size_t)length), rt->body + (size_t)offset, (size_t)length);
  return 1;
}

void jsrt_body_request_end(struct js_runtime *rt, duk_context *ctx) {
  if (rt->body == NULL) return;
  rt->body = NULL;
  rt->body_len = 0;
  duk_push_heap_stash(ctx);
  duk_del_prop_literal(ctx, -1, "bodyToken");
  duk_pop(ctx);
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
  duk_push_number(ctx, (double)jsrt_get_rt(ctx)->deadline_ms);
  return 1;
}

/* native.timedOut(why): ends the request as if its time limit had passed
 * (504): what is left to run could not finish before it. */
static duk_ret_t js_native_timed_out(duk_context *ctx) {
  struct js_runtime *rt = jsrt_get_rt(ctx);
  snprintf(rt->timeout_why, sizeof rt->timeout_why, "%s", duk_safe_to_string(ctx, 0));
  rt->timed_out = true;
  return duk_error(ctx, DUK_ERR_RANGE_ERROR, "%s", rt->timeout_why);
}

/* native.db(op, sql, params): one round trip to the broker, bounded by the
 * request's deadline as well as the configured busy timeout. */
static duk_ret_t js_native_db(duk_context *ctx) {
  struct js_runtime *rt = jsrt_get_rt(ctx);
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
    duk_def_prop(ctx, -5,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                     DUK_DEFPROP_CLEAR_CONFIGURABLE);
    duk_pop_2(ctx);
    duk_put_prop_literal(ctx, -2, "Function");
  }
  duk_pop(ctx);
}

/* Loads the runtime and the app into the current thread's globals; leaves
 * the app exports and the dispatcher in the thread's stash.  For
 * duk_safe_call. */
duk_ret_t jsrt_setup_environment(duk_context *ctx, void *udata) {
  (void)udata;
  struct js_runtime *rt = jsrt_get_rt(ctx);
  sandbox_globals(ctx, rt->cfg);
  /* The runtime library, for apps with lowered code (js_compile.h): once
   * per heap in worker isolation, into every request's globals in request
   * isolation. */
  if (js_cache_has_lowered(rt->cache)) {
    jsrt_load_module(ctx, "jsfpm/internal/library");
    duk_pop(ctx);
  }
  duk_push_thread_stash(ctx, ctx);
  jsrt_load_module(ctx, "jsfpm/runtime");
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
  if (!jsrt_inside_root(rt, resolved))
    return duk_error(ctx, DUK_ERR_ERROR, "main module %s is outside the app folder", rt->cfg->app_main);
  jsrt_load_module(ctx, resolved);
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
                     "%s: the app has no fetch(request, ctx) function (export default { fetch }, or "
                     "module.exports = a Router or { fetch })",
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
    jsrt_load_module(ctx, m->name);
    duk_pop(ctx);
  }
  duk_push_thread_stash(ctx, ctx);
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "harden");
  duk_push_array(ctx);
  duk_push_global_object(ctx);
  duk_put_prop_index(ctx, -2, 0);
  duk_uarridx_t n = 1;
  jsrt_push_registry(ctx);
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
  static const duk_function_list_entry natives[] = {{"log", js_native_log, 2},
                                                    {"now", js_native_now, 0},
                                                    {"db", js_native_db, 3},
                                                    {"sleep", js_native_sleep, 1},
                                                    {"deadline", js_native_deadline, 0},
                                                    {"timedOut", js_native_timed_out, 1},
                                                    {"requestBody", js_native_request_body, 3},
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
  jsrt_deadline_arm(rt, clock_coarse_ms() + rt->cfg->request_timeout_ms, 0);
  int rc = duk_safe_call(ctx, fn, NULL, 0, 1);
  jsrt_deadline_disarm(rt);
  js_fetch_request_end(); /* a fetch() the modules' top-level code left running */
  if (rc != DUK_EXEC_SUCCESS) js_format_error(ctx, rt->cache, err, errlen, false);
  duk_pop(ctx);
  return rc == DUK_EXEC_SUCCESS ? 0 : -1;
}

/* Creates the heap; in worker mode loads and hardens the app, in request
 * mode loads it once into a throw-away environment to prove it loads. */
int jsrt_build_heap(struct js_runtime *rt, char *err, size_t errlen) {
  rt->heap_bytes = 0;
  rt->over_limit = false;
  rt->ctx = duk_create_heap(jsrt_rt_alloc, jsrt_rt_realloc, jsrt_rt_free, rt, jsrt_on_fatal);
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
    if (run_setup(rt, rt->ctx, jsrt_setup_environment, err, errlen) < 0) return -1;
    return run_setup(rt, rt->ctx, harden_environment, err, errlen);
  }
  duk_push_thread_new_globalenv(rt->ctx);
  int rc = run_setup(rt, duk_get_context(rt->ctx, -1), jsrt_setup_environment, err, errlen);
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

/* The app did not load (ERR says why).  In development the runtime lives
 * on without it and answers every request with the error page, so the
 * browser shows the error instead of the code before the change; else the
 * worker cannot serve. */
static struct js_runtime *load_failed(struct js_runtime *rt, const char *err) {
  if (!rt->cfg->dev || (rt->load_error = strdup(err)) == NULL) {
    js_runtime_free(rt);
    return NULL;
  }
  log_error("cannot load the app: %s; every request gets the error page until it loads (dev = yes)", err);
  if (rt->ctx) duk_destroy_heap(rt->ctx);
  rt->ctx = NULL;
  return rt;
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
  if (jsrt_deadline_timer_init(rt) < 0)
    log_warn("no deadline timer (%s): loops inside natives may outlive request_timeout", strerror(errno));
  if (js_cache_load_error(cache)) return load_failed(rt, js_cache_load_error(cache));
  rt->cache = cache;
  if (cache == NULL) {
    rt->cache = js_cache_build(cfg, err, errlen);
    rt->own_cache = true;
    if (rt->cache == NULL) return load_failed(rt, err);
  }
  rt->root = js_cache_root(rt->cache);
  rt->root_len = strlen(rt->root);
  if (jsrt_build_heap(rt, err, errlen) < 0) return load_failed(rt, err);
  return rt;
}

const char *js_runtime_load_error(const struct js_runtime *rt) { return rt->load_error; }

void js_runtime_free(struct js_runtime *rt) {
  if (rt == NULL) return;
  if (rt->ctx) duk_destroy_heap(rt->ctx);
  jsrt_deadline_timer_free(rt);
  if (rt->own_cache) js_cache_free(rt->cache);
  for (size_t i = 0; i < rt->nlocales; i++) free(rt->locales[i]);
  free(rt->locales);
  free(rt->headers);
  free(rt->load_error);
  dev_page_free(&rt->page);
  free(rt);
}

void js_runtime_stats(const struct js_runtime *rt, struct js_runtime_stats *out) {
  if (rt->cache) js_cache_stats(rt->cache, &out->cache_hits, &out->cache_misses);
  out->heap_bytes = rt->heap_bytes;
  out->heap_peak_bytes = rt->heap_peak_bytes;
  js_fetch_take_counts(&out->fetch);
}
