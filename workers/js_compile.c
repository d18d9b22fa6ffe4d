/* js_compile.c: the compile cache.
 *
 * Entries are immutable once added, so a cache built by the master is
 * shared copy-on-write by every worker it forks.  Lookups are a linear scan
 * over hashes: an app has tens to hundreds of modules, and in worker mode
 * each is looked up once per heap.
 */
#include "autoconfig.h"

#include "js_compile.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "config.h"
#include "js_compiler.h"
#include "js_disk_cache.h"
#include "js_resolve.h"
#include "js_scan.h"
#include "js_sourcemap.h"
#include "log.h"
#include "worker_js.h"

#define MAX_MODULE_BYTES (16 * 1024 * 1024)
#define MAX_APP_FILES 20000

struct cache_entry {
  uint64_t hash;
  struct js_module_code code;
};

struct js_cache {
  char *root; /* realpath of the app root */
  size_t root_len;
  struct cache_entry *entries;
  size_t n, cap;
  unsigned long hits, misses;   /* per process: each worker counts its own */
  duk_context *bc_heap;         /* compiles to bytecode while building; NULL once built */
  struct js_compiler *compiler; /* the lowering heap, created on first need; NULL once built */
  struct js_disk_cache *disk;   /* [app] compile_cache, or NULL */
  bool building;                /* in js_cache_build: the compiler heap may be created */
  char *load_error;             /* js_cache_failed: why the app does not load; nothing else is set */
  unsigned lowered_now, lowered_from_disk;
};

/* js_cache_keep_compiler: the compiler heap kept between builds, or NULL. */
static bool keep_compiler;
static struct js_compiler *kept_compiler;

void js_cache_keep_compiler(void) { keep_compiler = true; }

static uint64_t hash_key(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

void js_compile_module(duk_context *ctx, const char *display, const char *source, size_t len, bool stdlib) {
  /* The wrapper's head shares line 1 with the module, so line numbers in
   * errors are the file's own. */
  duk_push_string(ctx, stdlib ? "function (exports, require, module, __filename, __dirname, native) {"
                              : "function (exports, require, module, __filename, __dirname) {");
  duk_push_lstring(ctx, source, len);
  duk_push_string(ctx, "\n}");
  duk_concat(ctx, 3);
  duk_push_string(ctx, display);
  duk_compile(ctx, DUK_COMPILE_FUNCTION);
}

/* ---- errors ------------------------------------------------------------- */

/* True for locations that are ours rather than the app's: the standard
 * library ("jsfpm/...") and C natives ("...c"). */
static bool internal_file(const char *file, size_t len) {
  return (len >= 6 && strncmp(file, "jsfpm/", 6) == 0) || (len >= 2 && strncmp(file + len - 2, ".c", 2) == 0);
}

/* Finds the first app frame "(file:line)" in a Duktape stack trace. */
static bool first_app_frame(const char *stack, char *file, size_t file_len, int *line) {
  for (const char *p = stack; (p = strchr(p, '(')) != NULL; p++) {
    const char *close = strchr(p, ')');
    if (close == NULL) break;
    const char *colon = memrchr(p, ':', (size_t)(close - p));
    if (colon == NULL || colon == p + 1) continue;
    size_t n = (size_t)(colon - p - 1);
    if (internal_file(p + 1, n) || n >= file_len) continue;
    memcpy(file, p + 1, n);
    file[n] = '\0';
    *line = atoi(colon + 1);
    return *line > 0;
  }
  return false;
}

/* The lowered module shown as DISPLAY (N bytes), or NULL. */
static const struct js_module_code *find_lowered(const struct js_cache *c, const char *display, size_t n) {
  for (size_t i = 0; c && i < c->n; i++) {
    const struct js_module_code *code = &c->entries[i].code;
    if (code->mappings && strlen(code->display) == n && memcmp(code->display, display, n) == 0) return code;
  }
  return NULL;
}

/* Writes "file:line" for line LINE of FILE, or "file:line:col" of the
 * original source when FILE was lowered. */
static int format_location(const struct js_cache *c, const char *file, size_t n, int line, char *out,
                           size_t len) {
  const struct js_module_code *code = find_lowered(c, file, n);
  int orig_line, orig_col;
  if (code && js_sourcemap_lookup(code->mappings, line, &orig_line, &orig_col))
    return snprintf(out, len, "%.*s:%d:%d", (int)n, file, orig_line, orig_col);
  return snprintf(out, len, "%.*s:%d", (int)n, file, line);
}

void js_map_stack(const struct js_cache *c, const char *stack, char *out, size_t len) {
  size_t o = 0;
  const char *p = stack;
  while (*p && o + 1 < len) {
    const char *open = strchr(p, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    const char *colon = close ? memrchr(open, ':', (size_t)(close - open)) : NULL;
    const char *upto = open ? open + 1 : p + strlen(p);
    size_t n = (size_t)(upto - p);
    if (n > len - o - 1) n = len - o - 1;
    memcpy(out + o, p, n);
    o += n;
    p = upto;
    if (colon == NULL || colon == open + 1 || o + 1 >= len) continue;
    int w = format_location(c, open + 1, (size_t)(colon - open - 1), atoi(colon + 1), out + o, len - o);
    if (w < 0 || (size_t)w >= len - o) break;
    o += (size_t)w;
    p = close;
  }
  out[o < len ? o : len - 1] = '\0';
}

void js_format_error(duk_context *ctx, const struct js_cache *cache, char *out, size_t len, bool with_stack) {
  char file[512] = "";
  int line = 0;
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "fileName");
    duk_get_prop_literal(ctx, -2, "lineNumber");
    line = duk_get_int_default(ctx, -1, 0);
    snprintf(file, sizeof file, "%s", duk_get_string_default(ctx, -2, ""));
    duk_pop_2(ctx);
    /* An error raised inside the standard library or a native (a bad
     * Response, a failed query) is the app's mistake: point at the app. */
    if (internal_file(file, strlen(file))) {
      duk_get_prop_literal(ctx, -1, "stack");
      const char *stack = duk_get_string(ctx, -1);
      if (stack == NULL || !first_app_frame(stack, file, sizeof file, &line)) file[0] = '\0', line = 0;
      duk_pop(ctx);
    }
  }
  duk_dup(ctx, -1);
  if (with_stack && duk_is_error(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "stack");
    duk_remove(ctx, -2);
  }
  const char *msg = duk_safe_to_string(ctx, -1);
  /* Syntax errors carry the line only in their message: "... (line 7)". */
  const char *paren = strstr(msg, "(line ");
  if (line == 0 && paren) line = atoi(paren + 6);
  char where[600] = "";
  if (file[0] && line > 0) format_location(cache, file, strlen(file), line, where, sizeof where);
  char *mapped = with_stack && cache ? malloc(len) : NULL;
  if (mapped) js_map_stack(cache, msg, mapped, len);
  snprintf(out, len, "%s%s%s", where, where[0] ? ": " : "", mapped ? mapped : msg);
  free(mapped);
  duk_pop(ctx);
}

/* ---- compiling one module ----------------------------------------------- */

static char *read_whole_file(const char *path, size_t *len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  char *buf = NULL;
  if (fstat(fileno(f), &st) < 0 || st.st_size > MAX_MODULE_BYTES) {
    snprintf(err, errlen, "%s: unreadable or larger than %d bytes", path, MAX_MODULE_BYTES);
  } else if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
  } else {
    *len = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      free(buf);
      buf = NULL;
    } else {
      buf[*len] = '\0';
    }
  }
  fclose(f);
  return buf;
}

struct compile_job {
  const char *display;
  const char *source;
  size_t len;
  bool stdlib;
  bool json;
};

static duk_ret_t compile_safe(duk_context *ctx, void *udata) {
  const struct compile_job *job = udata;
  if (job->json) {
    duk_push_lstring(ctx, job->source, job->len);
    duk_json_decode(ctx, -1); /* validate only: JSON is kept as text */
    return 0;
  }
  js_compile_module(ctx, job->display, job->source, job->len, job->stdlib);
  duk_dump_function(ctx);
  return 1;
}

/* Compiles JOB in the cache's bytecode heap.  Returns a malloc'd copy of
 * the bytecode, or NULL leaving the error on the heap's stack. */
static void *compile_bytecode(struct js_cache *c, struct compile_job *job, size_t *len, bool *failed) {
  duk_context *ctx = c->bc_heap;
  *failed = duk_safe_call(ctx, compile_safe, job, 0, 1) != DUK_EXEC_SUCCESS;
  if (*failed) return NULL;
  duk_size_t blen = 0;
  void *bc = duk_get_buffer(ctx, -1, &blen);
  void *copy = malloc(blen ? blen : 1);
  if (copy) memcpy(copy, bc, blen);
  *len = blen;
  duk_pop(ctx);
  return copy;
}

/* Appends a finished entry; takes ownership of CODE's buffers. */
static const struct js_module_code *append_entry(struct js_cache *c, struct js_module_code *code, char *err,
                                                 size_t errlen) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct cache_entry *grown = realloc(c->entries, cap * sizeof *grown);
    if (grown) c->entries = grown, c->cap = cap;
  }
  if (code->data == NULL || code->key == NULL || code->display == NULL || c->n == c->cap) {
    snprintf(err, errlen, "%s: out of memory", code->display ? code->display : "module");
    free(code->data);
    free(code->key);
    free(code->display);
    free(code->mappings);
    free(code->deps);
    return NULL;
  }
  c->entries[c->n] = (struct cache_entry){hash_key(code->key), *code};
  return &c->entries[c->n++].code;
}

static const struct js_module_code *add_stdlib(struct js_cache *c, const struct stdlib_module *m, char *err,
                                               size_t errlen) {
  struct compile_job job = {m->name, m->source, strlen(m->source), true, false};
  struct js_module_code code = {.kind = JS_MODULE_SCRIPT, .key = strdup(m->name), .display = strdup(m->name)};
  bool failed;
  code.data = compile_bytecode(c, &job, &code.len, &failed);
  if (failed) {
    js_format_error(c->bc_heap, NULL, err, errlen, false);
    duk_pop(c->bc_heap);
  }
  return append_entry(c, &code, err, errlen);
}

/* Lowers SOURCE into LOW: from the disk cache, else with the compiler heap
 * (only while building the cache: afterwards a module must be in the disk
 * cache, since a worker never creates the compiler heap for a request). */
static int lower(struct js_cache *c, const char *display, const char *source, size_t len,
                 struct js_lowered *low, char *err, size_t errlen) {
  char key[JS_DISK_CACHE_KEY_LEN + 1];
  js_disk_cache_key(source, len, key);
  if (js_disk_cache_get(c->disk, key, low)) {
    c->lowered_from_disk++;
    return 0;
  }
  if (!c->building) {
    snprintf(err, errlen,
             "%s needs compiling to ES5 but was not reached from the main module at start "
             "(only modules imported or required with a literal name are compiled before serving)",
             display);
    return -1;
  }
  if (c->compiler == NULL && kept_compiler) {
    c->compiler = kept_compiler;
    kept_compiler = NULL;
  }
  if (c->compiler == NULL) {
    log_info("compiling modern JavaScript to ES5 (TypeScript 4.9), first %s", display);
    if ((c->compiler = js_compiler_new(err, errlen)) == NULL) return -1;
  }
  if (js_compiler_lower(c->compiler, display, source, len, low, err, errlen) < 0) return -1;
  c->lowered_now++;
  js_disk_cache_put(c->disk, key, low);
  return 0;
}

/* Duktape refused lowered code (a regular expression it cannot run, say):
 * the message names the original place. */
static void lowered_compile_error(duk_context *ctx, const char *display, const char *mappings, char *err,
                                  size_t errlen) {
  const char *msg = duk_safe_to_string(ctx, -1);
  const char *paren = strstr(msg, " (line ");
  int line = paren ? atoi(paren + 7) : 0, orig_line, orig_col;
  if (line > 0 && js_sourcemap_lookup(mappings, line, &orig_line, &orig_col))
    snprintf(err, errlen, "%s:%d:%d: %.*s", display, orig_line, orig_col, (int)(paren - msg), msg);
  else
    snprintf(err, errlen, "%s: %s", display, msg);
  duk_pop(ctx);
}

/* Validates JSON SOURCE and fills CODE (which takes SOURCE). */
static int add_json(struct js_cache *c, struct compile_job *job, char *source, struct js_module_code *code,
                    char *err, size_t errlen) {
  bool failed = duk_safe_call(c->bc_heap, compile_safe, job, 0, 1) != DUK_EXEC_SUCCESS;
  if (!failed) duk_pop(c->bc_heap);
  if (failed) {
    char msg[1024];
    js_format_error(c->bc_heap, NULL, msg, sizeof msg, false);
    duk_pop(c->bc_heap);
    snprintf(err, errlen, "%s: invalid JSON: %s", job->display, msg);
    return -1;
  }
  code->data = source;
  code->len = job->len;
  return 0;
}

/* Compiles script SOURCE into CODE: as it is when Duktape runs it right,
 * else lowered first. */
static int add_script(struct js_cache *c, struct compile_job *job, struct js_module_code *code, char *err,
                      size_t errlen) {
  struct js_lowered low = {0};
  bool failed, oom = false;
  code->data = compile_bytecode(c, job, &code->len, &failed);
  if (failed) duk_pop(c->bc_heap); /* modern syntax, most likely: lowered below */
  if (!failed && js_scan_plain(job->source, job->len, &low, &oom)) {
    code->deps = low.deps, code->deps_len = low.deps_len;
    return 0;
  }
  free(code->data);
  code->data = NULL;
  js_lowered_free(&low);
  if (oom) {
    snprintf(err, errlen, "%s: out of memory", job->display);
    return -1;
  }
  if (lower(c, job->display, job->source, job->len, &low, err, errlen) < 0) return -1;
  struct compile_job lowered = *job;
  lowered.source = low.code, lowered.len = low.code_len;
  code->data = compile_bytecode(c, &lowered, &code->len, &failed);
  if (failed) lowered_compile_error(c->bc_heap, job->display, low.mappings, err, errlen);
  code->mappings = low.mappings, code->deps = low.deps, code->deps_len = low.deps_len;
  low.mappings = low.deps = NULL;
  js_lowered_free(&low);
  return failed ? -1 : 0;
}

/* The kind of the app file PATH, by its name. */
static enum js_module_kind file_kind(const char *path) {
  static const char *const text[] = {".html", ".txt", ".sql", ".css", ".svg", NULL};
  const char *dot = strrchr(path, '.');
  if (dot == NULL || strchr(dot, '/')) return JS_MODULE_SCRIPT;
  if (strcmp(dot, ".json") == 0) return JS_MODULE_JSON;
  for (int i = 0; text[i]; i++)
    if (strcmp(dot, text[i]) == 0) return JS_MODULE_TEXT;
  return JS_MODULE_SCRIPT;
}

/* Compiles the app file PATH (DISPLAY relative to the root) into the cache
 * and returns its entry, which lists its dependencies. */
static const struct js_module_code *add_app_file(struct js_cache *c, const char *path, const char *display,
                                                 char *err, size_t errlen) {
  size_t len;
  char *source = read_whole_file(path, &len, err, errlen);
  if (source == NULL) return NULL;
  enum js_module_kind kind = file_kind(path);
  struct compile_job job = {display, source, len, false, kind == JS_MODULE_JSON};
  struct js_module_code code = {.kind = kind, .key = strdup(path), .display = strdup(display)};
  bool temporary_heap = c->bc_heap == NULL; /* a module added after start */
  int rc;
  if (temporary_heap && (c->bc_heap = duk_create_heap_default()) == NULL) {
    snprintf(err, errlen, "cannot create a JavaScript heap to compile %s", display);
    rc = -1;
  } else if (job.json) {
    rc = add_json(c, &job, source, &code, err, errlen);
    if (rc == 0) source = NULL;
  } else if (kind == JS_MODULE_TEXT) {
    code.data = source, code.len = len; /* kept as it is: a string when loaded */
    source = NULL;
    rc = 0;
  } else {
    rc = add_script(c, &job, &code, err, errlen);
  }
  free(source);
  if (temporary_heap && c->bc_heap) c->bc_heap = (duk_destroy_heap(c->bc_heap), NULL);
  if (rc == 0) return append_entry(c, &code, err, errlen);
  free(code.key);
  free(code.display);
  free(code.data);
  free(code.mappings);
  free(code.deps);
  return NULL;
}

const struct js_module_code *js_cache_add_file(struct js_cache *c, const char *path, const char *display,
                                               char *err, size_t errlen) {
  if (c->n >= MAX_APP_FILES) {
    snprintf(err, errlen, "%s: more than %d modules", display, MAX_APP_FILES);
    return NULL;
  }
  return add_app_file(c, path, display, err, errlen);
}

bool js_module_imports(const struct js_module_code *code, const char *spec) {
  bool imported = false;
  for (size_t i = 0; code->deps && i < code->deps_len; i += strlen(code->deps + i) + 1) {
    if (strcmp(code->deps + i + 1, spec) != 0) continue;
    if (code->deps[i] == JS_DEP_REQUIRE) return false;
    imported = true;
  }
  return imported;
}

/* ---- the walk from the main module -------------------------------------- */

struct path_stack {
  char **paths;
  size_t n, cap;
};

static int push_path(struct path_stack *s, const char *path) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **grown = realloc(s->paths, cap * sizeof *grown);
    if (grown == NULL) return -1;
    s->paths = grown, s->cap = cap;
  }
  if ((s->paths[s->n] = strdup(path)) == NULL) return -1;
  s->n++;
  return 0;
}

/* Resolves the dependencies of CODE and pushes those not compiled yet.  An
 * import that does not resolve fails the start (as it fails to link in
 * Node.js); a require may sit behind a condition, so it is left to run time. */
static int push_dependencies(struct js_cache *c, const struct js_module_code *code, struct path_stack *todo,
                             char *err, size_t errlen) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", code->key);
  *strrchr(dir, '/') = '\0';
  for (size_t i = 0; code->deps && i < code->deps_len; i += strlen(code->deps + i) + 1) {
    char kind = code->deps[i];
    const char *spec = code->deps + i + 1;
    if (strncmp(spec, "jsfpm/", 6) == 0) continue; /* the standard library is compiled already */
    char path[PATH_MAX], why[PATH_MAX + 512];
    enum js_resolve_mode mode = js_module_imports(code, spec) ? JS_RESOLVE_IMPORT : JS_RESOLVE_REQUIRE;
    if (js_resolve(c->root, dir, spec, mode, path, why, sizeof why) == 0) {
      if (path[0] != '/') continue; /* the empty module: compiled with the standard library */
      if (push_path(todo, path) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
      }
    } else if (kind == JS_DEP_IMPORT) {
      snprintf(err, errlen, "%s: import '%s': %s", code->display, spec, why);
      return -1;
    } else {
      log_debug("%s: %s('%s') is not compiled at start: %s", code->display,
                kind == JS_DEP_REQUIRE ? "require" : "import", spec, why);
    }
  }
  return 0;
}

static int walk_from_main(struct js_cache *c, const char *main, char *err, size_t errlen) {
  char path[PATH_MAX], resolved[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", c->root, main) >= (int)sizeof path ||
      realpath(path, resolved) == NULL) {
    snprintf(err, errlen, "main module %s: %s", main, strerror(errno ? errno : ENAMETOOLONG));
    return -1;
  }
  if (strncmp(resolved, c->root, c->root_len) != 0 || resolved[c->root_len] != '/') {
    snprintf(err, errlen, "main module %s is outside the app folder", main);
    return -1;
  }
  struct path_stack todo = {0};
  int rc = push_path(&todo, resolved);
  while (rc == 0 && todo.n > 0) {
    char *key = todo.paths[--todo.n];
    bool known = false;
    for (size_t i = 0; i < c->n && !known; i++) known = strcmp(c->entries[i].code.key, key) == 0;
    if (!known) {
      const struct js_module_code *code = js_cache_add_file(c, key, key + c->root_len + 1, err, errlen);
      if (code) log_debug("compiled %s%s", code->display, code->mappings ? " (lowered to ES5)" : "");
      rc = code ? push_dependencies(c, code, &todo, err, errlen) : -1;
    }
    free(key);
  }
  while (todo.n > 0) free(todo.paths[--todo.n]);
  free(todo.paths);
  return rc;
}

struct js_cache *js_cache_build(const struct jsfpm_config *cfg, char *err, size_t errlen) {
  long long start_ms = clock_mono_ms();
  struct js_cache *c = calloc(1, sizeof *c);
  if (c == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  c->root = realpath(cfg->app_root, NULL);
  if (c->root == NULL) {
    snprintf(err, errlen, "app root %s: %s", cfg->app_root, strerror(errno));
    free(c);
    return NULL;
  }
  c->root_len = strlen(c->root);
  c->bc_heap = duk_create_heap_default();
  if (c->bc_heap == NULL) {
    snprintf(err, errlen, "cannot create a JavaScript heap");
    js_cache_free(c);
    return NULL;
  }
  c->disk = js_disk_cache_open(cfg->compile_cache);
  c->building = true;
  int rc = walk_from_main(c, cfg->app_main, err, errlen);
  /* The runtime library only for apps with lowered code (js_compile.h). */
  bool library = js_cache_has_lowered(c);
  for (const struct stdlib_module *m = stdlib_modules; m->name && rc == 0; m++)
    if ((library || !js_stdlib_is_library(m->name)) && add_stdlib(c, m, err, errlen) == NULL) rc = -1;
  duk_destroy_heap(c->bc_heap);
  c->bc_heap = NULL;
  c->building = false;
  if (c->compiler && keep_compiler) {
    kept_compiler = c->compiler;
    c->compiler = NULL;
  } else if (c->compiler) {
    js_compiler_free(c->compiler);
    c->compiler = NULL;
    malloc_trim(0); /* the compiler heap's tens of megabytes go back to the system before forking */
  }
  if (rc < 0) {
    js_cache_free(c);
    return NULL;
  }
  log_info("app compiled in %lld ms: %zu modules, %u lowered to ES5 now, %u from compile_cache",
           clock_mono_ms() - start_ms, c->n, c->lowered_now, c->lowered_from_disk);
  c->hits = c->misses = 0;
  return c;
}

void js_cache_free(struct js_cache *c) {
  if (c == NULL) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->entries[i].code.key);
    free(c->entries[i].code.display);
    free(c->entries[i].code.data);
    free(c->entries[i].code.mappings);
    free(c->entries[i].code.deps);
  }
  if (c->bc_heap) duk_destroy_heap(c->bc_heap);
  js_compiler_free(c->compiler);
  js_disk_cache_close(c->disk);
  free(c->entries);
  free(c->root);
  free(c->load_error);
  free(c);
}

struct js_cache *js_cache_failed(const char *err) {
  struct js_cache *c = calloc(1, sizeof *c);
  if (c && (c->load_error = strdup(err)) == NULL) {
    free(c);
    c = NULL;
  }
  return c;
}

const char *js_cache_load_error(const struct js_cache *cache) { return cache ? cache->load_error : NULL; }

const struct js_module_code *js_cache_lookup(struct js_cache *c, const char *key) {
  uint64_t h = hash_key(key);
  for (size_t i = 0; i < c->n; i++) {
    if (c->entries[i].hash == h && strcmp(c->entries[i].code.key, key) == 0) {
      c->hits++;
      return &c->entries[i].code;
    }
  }
  c->misses++;
  return NULL;
}

void js_cache_stats(const struct js_cache *c, unsigned long *hits, unsigned long *misses) {
  *hits = c->hits;
  *misses = c->misses;
}

bool js_stdlib_is_library(const char *name) {
  static const char *const library[] = {"jsfpm/internal/library", "jsfpm/internal/core-js",
                                        "jsfpm/internal/tslib", "jsfpm/internal/lowering", NULL};
  for (int i = 0; library[i]; i++)
    if (strcmp(name, library[i]) == 0) return true;
  return false;
}

bool js_cache_has_lowered(const struct js_cache *c) {
  for (size_t i = 0; i < c->n; i++)
    if (c->entries[i].code.mappings) return true;
  return false;
}

const char *js_cache_root(const struct js_cache *c) { return c->root; }
