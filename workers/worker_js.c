/* worker_js.c: one Duktape heap per worker.
 *
 * At start the heap loads the jsfpm/runtime module (Headers, Request,
 * Response, console, the dispatcher) and then the app's main module through
 * our CommonJS loader.  For each request the worker builds a plain "raw"
 * object, calls runtime.dispatch(app, raw) under a deadline, and reads back
 * [status, flatHeaders, body].  The result stays on the value stack until
 * the next request, so the response's strings are borrowed, not copied.
 *
 * Module resolution is confined to the app root (realpath, so symlinks out
 * are caught) and the jsfpm/ standard library compiled into the binary.
 */
#include "autoconfig.h"

#include "worker_js.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db_client.h"
#include "duktape/duktape.h"
#include "log.h"
#include "worker_db.h"

#define MAX_MODULE_BYTES (16 * 1024 * 1024)

struct js_runtime {
  const struct jsfpm_config *cfg;
  struct db_client *db;
  duk_context *ctx;
  char *root;               /* realpath of the app root, no trailing slash */
  size_t root_len;
  long long deadline_ms;    /* monotonic; 0 = no limit (between requests) */
  bool timed_out;           /* the exec-timeout check fired during this call */
  char request_id[24];
  uint32_t id_prefix;       /* random per process, so ids differ across workers */
  uint64_t id_counter;
  struct js_header *headers; /* response headers of the last request */
  size_t headers_cap;
};

/* ---- clocks and the execution time limit ---------------------------- */

static long long mono_ms(void) {
  struct timespec ts;
  /* COARSE is a vDSO read of a few ns; millisecond precision is plenty. */
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Called by Duktape every few hundred thousand bytecode instructions (see
 * src/duktape/duk_config.h).  Returning 1 throws a RangeError; Duktape keeps
 * throwing at each check while we keep returning 1, so a script that catches
 * the error cannot run on. */
int jsfpm_duk_exec_timeout(void *udata) {
  struct js_runtime *rt = udata;
  if (rt == NULL || rt->deadline_ms == 0) return 0;
  if (mono_ms() < rt->deadline_ms) return 0;
  rt->timed_out = true;
  return 1;
}

static struct js_runtime *get_rt(duk_context *ctx) {
  duk_memory_functions funcs;
  duk_get_memory_functions(ctx, &funcs);
  return funcs.udata;
}

static void on_fatal(void *udata, const char *msg) {
  (void)udata;
  /* Duktape's state is unusable after a fatal error; the master restarts us. */
  log_error("fatal JavaScript engine error: %s", msg ? msg : "(no message)");
  abort();
}

/* ---- files and paths --------------------------------------------------- */

static char *read_file(const char *path, size_t *len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) < 0 || st.st_size > MAX_MODULE_BYTES) {
    snprintf(err, errlen, "%s: unreadable or larger than %d bytes", path, MAX_MODULE_BYTES);
    fclose(f);
    return NULL;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
  if (buf == NULL || ferror(f)) {
    snprintf(err, errlen, "%s: read failed", path);
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static bool is_regular_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Collapses "." and ".." segments of an absolute path in place, so an
 * escape like "./../../etc/passwd" is seen before touching the disk. */
static void normalize_path(char *path) {
  char *out = path;
  const char *in = path;
  while (*in) {
    while (*in == '/') in++;
    const char *seg = in;
    while (*in && *in != '/') in++;
    size_t len = (size_t)(in - seg);
    if (len == 0 || (len == 1 && seg[0] == '.')) continue;
    if (len == 2 && seg[0] == '.' && seg[1] == '.') {
      while (out > path && *--out != '/') {}
      continue;
    }
    *out++ = '/';
    memmove(out, seg, len);
    out += len;
  }
  if (out == path) *out++ = '/';
  *out = '\0';
}

static bool inside_root(const struct js_runtime *rt, const char *path) {
  return strncmp(path, rt->root, rt->root_len) == 0 && path[rt->root_len] == '/';
}

/* Resolves a relative require from directory DIR into an absolute real path
 * inside the app root.  Returns 0, or -1 with ERR explaining. */
static int resolve_module(const struct js_runtime *rt, const char *dir, const char *id,
                          char *out, char *err, size_t errlen) {
  char base[PATH_MAX];
  if (snprintf(base, sizeof base, "%s/%s", dir, id) >= (int)sizeof base) {
    snprintf(err, errlen, "require('%s'): path too long", id);
    return -1;
  }
  normalize_path(base);
  if (!inside_root(rt, base) && strcmp(base, rt->root) != 0) {
    snprintf(err, errlen, "require('%s'): the path leaves the app root (%s)", id, rt->root);
    return -1;
  }
  static const char *const suffixes[] = {"", ".js", ".json", "/index.js"};
  for (size_t i = 0; i < 4; i++) {
    char candidate[PATH_MAX + 16];
    snprintf(candidate, sizeof candidate, "%s%s", base, suffixes[i]);
    if (!is_regular_file(candidate)) continue;
    if (realpath(candidate, out) == NULL) continue;
    if (!inside_root(rt, out)) {
      snprintf(err, errlen, "require('%s'): %s is a link that leaves the app root", id, candidate);
      return -1;
    }
    return 0;
  }
  snprintf(err, errlen, "Cannot find module '%s' (looked for %s, .js, .json, /index.js)", id,
           base + rt->root_len + 1 > base + strlen(base) ? base : base + rt->root_len + 1);
  return -1;
}

/* ---- modules ----------------------------------------------------------- */

static duk_ret_t js_require(duk_context *ctx);

/* Pushes a require() function whose relative paths resolve from DIR ("" for
 * standard-library modules, which may only require jsfpm/ modules). */
static void push_require(duk_context *ctx, const char *dir) {
  duk_push_c_function(ctx, js_require, 1);
  duk_push_string(ctx, dir);
  duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("dir"));
}

static const struct stdlib_module *find_stdlib(const char *name) {
  for (const struct stdlib_module *m = stdlib_modules; m->name; m++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}

/* Compiles SOURCE as the body of a CommonJS wrapper function, keeping line
 * numbers (the wrapper header shares the first line).  Leaves the function
 * on the stack; throws on a syntax error. */
static void compile_module(duk_context *ctx, const char *display_name, const char *source,
                           size_t len, bool stdlib) {
  static const char head_app[] = "function (exports, require, module, __filename, __dirname) {";
  static const char head_std[] =
      "function (exports, require, module, __filename, __dirname, native) {";
  const char *head = stdlib ? head_std : head_app;
  duk_push_string(ctx, head);
  duk_push_lstring(ctx, source, len);
  duk_push_string(ctx, "\n}");
  duk_concat(ctx, 3);
  duk_push_string(ctx, display_name);
  duk_compile(ctx, DUK_COMPILE_FUNCTION);
}

/* Loads (or finds in the cache) the module KEY and pushes its exports.
 * PATH is the file for app modules, NULL for the standard library. */
static void load_module(duk_context *ctx, const char *key, const char *path,
                        const struct stdlib_module *std) {
  struct js_runtime *rt = get_rt(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, "modules");
  if (duk_get_prop_string(ctx, -1, key)) {
    /* Cached, or loading right now (a cycle): Node returns the partial exports. */
    duk_get_prop_literal(ctx, -1, "exports");
    duk_replace(ctx, -4);
    duk_pop_2(ctx);
    return;
  }
  duk_pop(ctx);

  char err[PATH_MAX + 256];
  size_t len = 0;
  char *owned = NULL;
  const char *source;
  if (std) {
    source = std->source;
    len = strlen(source);
  } else {
    owned = read_file(path, &len, err, sizeof err);
    if (owned == NULL) (void)duk_error(ctx, DUK_ERR_ERROR, "%s", err);
    source = owned;
  }
  const char *display = std ? key : path + rt->root_len + 1;

  /* module = { id, filename, exports: {}, loaded: false }, cached before it
   * runs so cyclic requires see the partial exports. */
  duk_push_object(ctx);
  duk_push_string(ctx, key);
  duk_put_prop_literal(ctx, -2, "id");
  duk_push_string(ctx, display);
  duk_put_prop_literal(ctx, -2, "filename");
  duk_push_object(ctx);
  duk_put_prop_literal(ctx, -2, "exports");
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, "loaded");
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, -3, key); /* modules[key] = module */
  /* stack: stash modules module */

  size_t keylen = strlen(key);
  if (!std && keylen > 5 && strcmp(key + keylen - 5, ".json") == 0) {
    duk_push_lstring(ctx, source, len);
    free(owned);
    duk_json_decode(ctx, -1);
    duk_put_prop_literal(ctx, -2, "exports");
  } else {
    if (owned) {
      duk_push_lstring(ctx, source, len);
      free(owned);
      owned = NULL;
      duk_size_t slen;
      const char *s = duk_get_lstring(ctx, -1, &slen);
      compile_module(ctx, display, s, slen, false);
      duk_remove(ctx, -2);
    } else {
      compile_module(ctx, display, source, len, true);
    }
    /* fn.call(module.exports, exports, require, module, __filename, __dirname[, native]) */
    duk_get_prop_literal(ctx, -2, "exports");
    duk_dup(ctx, -1);
    char dir[PATH_MAX];
    if (std) dir[0] = '\0';
    else {
      snprintf(dir, sizeof dir, "%s", path);
      char *slash = strrchr(dir, '/');
      if (slash) *slash = '\0';
    }
    push_require(ctx, dir);
    duk_dup(ctx, -5);
    duk_push_string(ctx, display);
    duk_push_string(ctx, std ? "" : dir + (strlen(dir) > rt->root_len ? rt->root_len + 1 : strlen(dir)));
    int nargs = 5;
    if (std) {
      duk_get_prop_literal(ctx, -10, "native"); /* stash.native */
      nargs = 6;
    }
    duk_call_method(ctx, nargs);
    duk_pop(ctx);
  }
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, "loaded");
  duk_get_prop_literal(ctx, -1, "exports");
  /* stack: stash modules module exports */
  duk_replace(ctx, -4);
  duk_pop_2(ctx);
}

struct load_request {
  const char *key, *path;
  const struct stdlib_module *std;
};

static duk_ret_t load_module_safe(duk_context *ctx, void *udata) {
  const struct load_request *r = udata;
  load_module(ctx, r->key, r->path, r->std);
  return 1;
}

/* Loads a module for require(); a module that fails to load is dropped
 * from the cache (as Node does) so a later require tries again instead of
 * getting half-initialised exports. */
static duk_ret_t require_load(duk_context *ctx, const char *key, const char *path,
                              const struct stdlib_module *std) {
  struct load_request r = {key, path, std};
  if (duk_safe_call(ctx, load_module_safe, &r, 0, 1) == DUK_EXEC_SUCCESS) return 1;
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, "modules");
  if (duk_get_prop_string(ctx, -1, key)) {
    duk_get_prop_literal(ctx, -1, "loaded");
    bool loaded = duk_get_boolean_default(ctx, -1, false);
    duk_pop_2(ctx);
    if (!loaded) duk_del_prop_string(ctx, -1, key);
  } else {
    duk_pop(ctx);
  }
  duk_pop_2(ctx);
  return duk_throw(ctx);
}

static duk_ret_t js_require(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  const char *id = duk_require_string(ctx, 0);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, DUK_HIDDEN_SYMBOL("dir"));
  const char *dir = duk_get_string_default(ctx, -1, "");
  duk_pop_2(ctx);

  if (strncmp(id, "jsfpm/", 6) == 0) {
    const struct stdlib_module *std = find_stdlib(id);
    if (std == NULL || strcmp(id, "jsfpm/runtime") == 0)
      return duk_error(ctx, DUK_ERR_ERROR,
                       "Cannot find module '%s': the standard library has jsfpm/router and jsfpm/db", id);
    return require_load(ctx, id, NULL, std);
  }
  if (id[0] == '/')
    return duk_error(ctx, DUK_ERR_ERROR,
                     "require('%s'): absolute paths are not allowed; use ./ or ../ within the app", id);
  bool relative = id[0] == '.' && (id[1] == '/' || (id[1] == '.' && (id[2] == '/' || id[2] == '\0')) || id[1] == '\0');
  if (!relative)
    return duk_error(ctx, DUK_ERR_ERROR,
                     "require('%s'): only relative paths (./x, ../x) inside the app and jsfpm/ modules can be required",
                     id);
  if (dir[0] == '\0')
    return duk_error(ctx, DUK_ERR_ERROR, "require('%s'): not allowed from a standard-library module", id);
  char path[PATH_MAX], err[PATH_MAX + 256];
  if (resolve_module(rt, dir, id, path, err, sizeof err) < 0)
    return duk_error(ctx, DUK_ERR_ERROR, "%s", err);
  return require_load(ctx, path, path, NULL);
}

/* ---- natives for the standard library ------------------------------- */

static duk_ret_t js_native_log(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  const char *level = duk_require_string(ctx, 0);
  const char *text = duk_safe_to_string(ctx, 1);
  int lvl = log_level_parse(level);
  if (lvl < 0) lvl = LOG_LVL_INFO;
  if (rt->request_id[0]) log_msg((enum log_level)lvl, "[%s] %s", rt->request_id, text);
  else log_msg((enum log_level)lvl, "%s", text);
  return 0;
}

static duk_ret_t js_native_now(duk_context *ctx) {
  duk_push_number(ctx, (double)mono_ms());
  return 1;
}

/* native.db(op, sql, params): one round trip to the broker, bounded by the
 * request's deadline as well as the configured busy timeout. */
static duk_ret_t js_native_db(duk_context *ctx) {
  struct js_runtime *rt = get_rt(ctx);
  int timeout = rt->cfg->db_busy_timeout_ms;
  if (rt->deadline_ms) {
    long long left = rt->deadline_ms - mono_ms();
    if (left < timeout) timeout = left > 0 ? (int)left : 1;
  }
  return worker_db_call(ctx, rt->db, timeout);
}

/* ---- the heap ----------------------------------------------------------- */

static void put_native_object(duk_context *ctx) {
  static const duk_function_list_entry natives[] = {
      {"log", js_native_log, 2}, {"now", js_native_now, 0}, {"db", js_native_db, 3}, {NULL, NULL, 0}};
  duk_push_global_stash(ctx);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, natives);
  duk_put_prop_literal(ctx, -2, "native");
  duk_push_object(ctx);
  duk_put_prop_literal(ctx, -2, "modules");
  duk_pop(ctx);
}

struct load_args {
  struct js_runtime *rt;
  const char *main_path;
};

/* Runs inside duk_safe_call: loads runtime + app; leaves app exports in the
 * stash as "app" and the dispatcher as "dispatch". */
static duk_ret_t load_all(duk_context *ctx, void *udata) {
  struct load_args *a = udata;
  duk_push_global_stash(ctx);
  load_module(ctx, "jsfpm/runtime", NULL, find_stdlib("jsfpm/runtime"));
  /* Globals the app sees: Headers, Request, Response, console. */
  duk_push_global_object(ctx);
  static const char *const globals[] = {"Headers", "Request", "Response", "console"};
  for (int i = 0; i < 4; i++) {
    duk_get_prop_string(ctx, -2, globals[i]);
    duk_put_prop_string(ctx, -2, globals[i]);
  }
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, "dispatch");
  duk_put_prop_literal(ctx, -3, "dispatch");
  duk_pop(ctx);

  load_module(ctx, a->main_path, a->main_path, NULL);
  duk_get_prop_literal(ctx, -1, "fetch");
  if (!duk_is_function(ctx, -1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "%s: module.exports has no fetch(request, ctx) function",
                     a->main_path + a->rt->root_len + 1);
  duk_pop(ctx);
  duk_put_prop_literal(ctx, -2, "app");

  /* ctx.env: one frozen object shared by all requests. */
  duk_push_object(ctx);
  for (size_t i = 0; i < a->rt->cfg->nenv; i++) {
    duk_push_string(ctx, a->rt->cfg->env[i].value);
    duk_put_prop_string(ctx, -2, a->rt->cfg->env[i].name);
  }
  duk_freeze(ctx, -1);
  duk_put_prop_literal(ctx, -2, "env");
  duk_pop(ctx);
  return 0;
}

/* Error at the top of the stack -> "file:line: Name: message" where known. */
static void format_error(duk_context *ctx, char *out, size_t len, bool with_stack) {
  const char *file = NULL;
  int line = 0;
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "fileName");
    duk_get_prop_literal(ctx, -2, "lineNumber");
    line = duk_get_int_default(ctx, -1, 0);
    file = duk_get_string(ctx, -2);
    if (file) file = strdup(file);
    duk_pop_2(ctx);
  }
  if (with_stack && duk_is_error(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "stack");
    const char *stack = duk_safe_to_string(ctx, -1);
    if (file && line > 0) snprintf(out, len, "%s:%d: %s", file, line, stack);
    else snprintf(out, len, "%s", stack);
    duk_pop(ctx);
  } else {
    duk_dup(ctx, -1);
    const char *msg = duk_safe_to_string(ctx, -1);
    if (file && line > 0) snprintf(out, len, "%s:%d: %s", file, line, msg);
    else snprintf(out, len, "%s", msg);
    duk_pop(ctx);
  }
  free((void *)file);
}

struct js_runtime *js_runtime_new(const struct jsfpm_config *cfg, struct db_client *db, char *err,
                                  size_t errlen) {
  struct js_runtime *rt = calloc(1, sizeof *rt);
  if (rt == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  rt->cfg = cfg;
  rt->db = db;
  if (getrandom(&rt->id_prefix, sizeof rt->id_prefix, 0) != sizeof rt->id_prefix)
    rt->id_prefix = (uint32_t)getpid() * 2654435761u;
  rt->root = realpath(cfg->app_root, NULL);
  if (rt->root == NULL) {
    snprintf(err, errlen, "app root %s: %s", cfg->app_root, strerror(errno));
    free(rt);
    return NULL;
  }
  rt->root_len = strlen(rt->root);

  char main_path[PATH_MAX], resolved[PATH_MAX];
  snprintf(main_path, sizeof main_path, "%s/%s", rt->root, cfg->app_main);
  if (realpath(main_path, resolved) == NULL || !inside_root(rt, resolved)) {
    snprintf(err, errlen, "main module %s: %s", main_path,
             errno ? strerror(errno) : "outside the app root");
    js_runtime_free(rt);
    return NULL;
  }

  rt->ctx = duk_create_heap(NULL, NULL, NULL, rt, on_fatal);
  if (rt->ctx == NULL) {
    snprintf(err, errlen, "cannot create a JavaScript heap");
    js_runtime_free(rt);
    return NULL;
  }
  put_native_object(rt->ctx);

  struct load_args args = {rt, resolved};
  rt->deadline_ms = mono_ms() + cfg->request_timeout_ms;
  int rc = duk_safe_call(rt->ctx, load_all, &args, 0, 1);
  rt->deadline_ms = 0;
  if (rc != DUK_EXEC_SUCCESS) {
    char msg[2048];
    format_error(rt->ctx, msg, sizeof msg, false);
    const char *hint = "";
    if (strstr(msg, "SyntaxError"))
      hint = " (jsfpm runs ES5.1 plus what Duktape 2.7 adds: transpile arrow functions, "
             "let/const, classes and template literals to ES5)";
    snprintf(err, errlen, "%s%s", msg, hint);
    js_runtime_free(rt);
    return NULL;
  }
  duk_set_top(rt->ctx, 0);
  return rt;
}

void js_runtime_free(struct js_runtime *rt) {
  if (rt == NULL) return;
  if (rt->ctx) duk_destroy_heap(rt->ctx);
  free(rt->headers);
  free(rt->root);
  free(rt);
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
  default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
  }
}

static void put_string_prop(duk_context *ctx, const char *name, const char *value) {
  if (value) duk_push_string(ctx, value);
  else duk_push_null(ctx);
  duk_put_prop_string(ctx, -2, name);
}

/* Pushes the raw request object the dispatcher turns into a Request. */
static void push_raw_request(struct js_runtime *rt, const struct js_request *req, long long deadline) {
  duk_context *ctx = rt->ctx;
  duk_push_object(ctx);
  put_string_prop(ctx, "method", req->method);
  /* path: the front door's routing path, else the URI up to "?" */
  if (req->path) {
    put_string_prop(ctx, "path", req->path);
  } else {
    const char *q = strchr(req->uri, '?');
    duk_push_lstring(ctx, req->uri, q ? (size_t)(q - req->uri) : strlen(req->uri));
    duk_put_prop_literal(ctx, -2, "path");
  }
  duk_push_sprintf(ctx, "%s://%s%s", req->scheme, req->host ? req->host : "localhost", req->uri);
  duk_put_prop_literal(ctx, -2, "url");
  put_string_prop(ctx, "query", req->query ? req->query : "");
  put_string_prop(ctx, "remoteAddress", req->remote_addr);
  put_string_prop(ctx, "requestId", rt->request_id);
  put_string_prop(ctx, "user", req->remote_user);
  duk_push_null(ctx);
  duk_put_prop_literal(ctx, -2, "tenant");
  duk_push_string(ctx, "en");
  duk_put_prop_literal(ctx, -2, "locale");
  duk_push_number(ctx, (double)deadline);
  duk_put_prop_literal(ctx, -2, "deadlineAt");
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, "env");
  duk_put_prop_literal(ctx, -3, "env");
  duk_pop(ctx);

  duk_push_array(ctx);
  for (size_t i = 0; i < req->nheaders; i++) {
    duk_push_lstring(ctx, req->headers[i].name, req->headers[i].name_len);
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)(2 * i));
    duk_push_lstring(ctx, req->headers[i].value, req->headers[i].value_len);
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)(2 * i + 1));
  }
  duk_put_prop_literal(ctx, -2, "headers");

  void *body = duk_push_fixed_buffer(ctx, req->body_len);
  if (req->body_len) memcpy(body, req->body, req->body_len);
  duk_push_buffer_object(ctx, -1, 0, req->body_len, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
  duk_put_prop_literal(ctx, -2, "body");
}

/* Sets RES to a plain-text error response whose body lives on the stack. */
static void error_response(struct js_runtime *rt, struct js_response *res, int status,
                           const char *body) {
  duk_push_string(rt->ctx, body);
  duk_size_t len;
  const char *s = duk_get_lstring(rt->ctx, -1, &len);
  static const struct js_header text = {"Content-Type", 12, "text/plain;charset=UTF-8", 24};
  res->status = status;
  res->headers = &text;
  res->nheaders = 1;
  res->body = (const uint8_t *)s;
  res->body_len = len;
}

static bool has_crlf(const char *s, size_t len) {
  return memchr(s, '\r', len) || memchr(s, '\n', len) || memchr(s, '\0', len);
}

/* Reads [status, flatHeaders, body] at the top of the stack into RES.
 * Returns NULL, or a description of what is wrong with it. */
static const char *read_result(struct js_runtime *rt, struct js_response *res, char *why, size_t whylen) {
  duk_context *ctx = rt->ctx;
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
  duk_size_t flat = duk_get_length(ctx, -1);
  size_t n = flat / 2;
  if (n > rt->headers_cap) {
    struct js_header *grown = realloc(rt->headers, n * sizeof *grown);
    if (grown == NULL) return "out of memory for response headers";
    rt->headers = grown;
    rt->headers_cap = n;
  }
  for (size_t i = 0; i < n; i++) {
    struct js_header *h = &rt->headers[i];
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)(2 * i));
    duk_get_prop_index(ctx, -2, (duk_uarridx_t)(2 * i + 1));
    duk_size_t nl = 0, vl = 0;
    /* The strings stay alive: they are referenced from the result array. */
    h->name = duk_get_lstring(ctx, -2, &nl);
    h->value = duk_get_lstring(ctx, -1, &vl);
    h->name_len = nl;
    h->value_len = vl;
    duk_pop_2(ctx);
    if (h->name == NULL || h->value == NULL || nl == 0) return "a response header is not a string";
    if (has_crlf(h->name, nl) || has_crlf(h->value, vl)) {
      snprintf(why, whylen, "response header %.*s contains CR, LF or NUL", (int)(nl > 64 ? 64 : nl), h->name);
      return why;
    }
  }
  duk_pop(ctx);
  res->headers = rt->headers;
  res->nheaders = n;

  duk_get_prop_index(ctx, top, 2);
  duk_size_t blen = 0;
  if (duk_is_string(ctx, -1)) res->body = (const uint8_t *)duk_get_lstring(ctx, -1, &blen);
  else if (duk_is_buffer_data(ctx, -1)) res->body = duk_get_buffer_data(ctx, -1, &blen);
  else return "Response body is neither a string nor bytes";
  if (res->body == NULL) res->body = (const uint8_t *)"";
  res->body_len = blen;
  /* The body value is kept on the stack (above the result) until the next request. */
  return NULL;
}

void js_handle(struct js_runtime *rt, const struct js_request *req, struct js_response *res) {
  duk_context *ctx = rt->ctx;
  duk_set_top(ctx, 0); /* drop the previous request's result */
  snprintf(rt->request_id, sizeof rt->request_id, "%08x%08llx", rt->id_prefix,
           (unsigned long long)++rt->id_counter);
  memset(res, 0, sizeof *res);
  res->request_id = rt->request_id;

  long long start = mono_ms();
  long long deadline = start + rt->cfg->request_timeout_ms;
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, "dispatch");
  duk_get_prop_literal(ctx, -2, "app");
  push_raw_request(rt, req, deadline);
  duk_remove(ctx, -4); /* stash */

  rt->timed_out = false;
  rt->deadline_ms = deadline;
  int rc = duk_pcall(ctx, 2);
  rt->deadline_ms = 0;

  char why[512];
  if (rc == DUK_EXEC_SUCCESS) {
    const char *bad = read_result(rt, res, why, sizeof why);
    if (bad == NULL) return;
    log_error("[%s] %s %s: bad response: %s", rt->request_id, req->method, req->uri, bad);
    char body[600];
    snprintf(body, sizeof body, "Internal Server Error: %s\n", bad);
    error_response(rt, res, 500, body);
    return;
  }

  if (rt->timed_out) {
    log_error("[%s] %s %s: execution time limit of %d ms exceeded", rt->request_id, req->method,
              req->uri, rt->cfg->request_timeout_ms);
    error_response(rt, res, 504, "Gateway Timeout: the request exceeded its time limit\n");
    return;
  }

  /* An error that says it is the client's fault (e.g. bad JSON) with an
   * exposable message becomes that 4xx. */
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "status");
    duk_get_prop_literal(ctx, -2, "expose");
    int status = duk_get_int_default(ctx, -2, 0);
    bool expose = duk_get_boolean_default(ctx, -1, false);
    duk_pop_2(ctx);
    if (expose && status >= 400 && status <= 499) {
      duk_get_prop_literal(ctx, -1, "message");
      duk_push_sprintf(ctx, "%s\n", duk_safe_to_string(ctx, -1));
      log_info("[%s] %s %s: %d: %s", rt->request_id, req->method, req->uri, status,
               duk_get_string(ctx, -1));
      error_response(rt, res, status, duk_get_string(ctx, -1));
      return;
    }
  }

  char msg[8192];
  format_error(ctx, msg, sizeof msg, true);
  log_error("[%s] %s %s: uncaught %s", rt->request_id, req->method, req->uri, msg);
  if (rt->cfg->dev) {
    char body[sizeof msg + 64];
    snprintf(body, sizeof body, "Internal Server Error\n\n%s\n", msg);
    error_response(rt, res, 500, body);
  } else {
    error_response(rt, res, 500, "Internal Server Error\n");
  }
}
