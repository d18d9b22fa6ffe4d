/* js_compile.c: the compile cache.
 *
 * Entries are immutable once added, so a cache built by the master is
 * shared copy-on-write by every worker it forks.  Lookups are a linear scan
 * over hashes: an app has tens to hundreds of modules, and in worker mode
 * each is looked up once per heap.
 */
#include "autoconfig.h"

#include "js_compile.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "worker_js.h"

#define MAX_MODULE_BYTES (16 * 1024 * 1024)
#define MAX_APP_FILES 20000
#define MAX_DIR_DEPTH 32

struct cache_entry {
  uint64_t hash;
  struct js_module_code code;
};

struct js_cache {
  char *root;              /* realpath of the app root */
  size_t root_len;
  struct cache_entry *entries;
  size_t n, cap;
  unsigned long hits, misses; /* per process: each worker counts its own */
  duk_context *compiler;   /* heap used for compiling; NULL once built */
};

static uint64_t hash_key(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

void js_compile_module(duk_context *ctx, const char *display, const char *source, size_t len,
                       bool stdlib) {
  /* The wrapper's head shares line 1 with the module, so line numbers in
   * errors are the file's own. */
  duk_push_string(ctx, stdlib
                           ? "function (exports, require, module, __filename, __dirname, native) {"
                           : "function (exports, require, module, __filename, __dirname) {");
  duk_push_lstring(ctx, source, len);
  duk_push_string(ctx, "\n}");
  duk_concat(ctx, 3);
  duk_push_string(ctx, display);
  duk_compile(ctx, DUK_COMPILE_FUNCTION);
}

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

void js_format_error(duk_context *ctx, char *out, size_t len, bool with_stack) {
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
  if (file[0] && line > 0) snprintf(out, len, "%s:%d: %s", file, line, msg);
  else snprintf(out, len, "%s", msg);
  duk_pop(ctx);
}

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

/* Compiles SOURCE and appends the entry.  Takes ownership of SOURCE. */
static const struct js_module_code *add_entry(struct js_cache *c, const char *key,
                                              const char *display, char *source, size_t len,
                                              bool stdlib, char *err, size_t errlen) {
  size_t klen = strlen(key);
  bool json = !stdlib && klen > 5 && strcmp(key + klen - 5, ".json") == 0;
  struct compile_job job = {display, source, len, stdlib, json};
  duk_context *ctx = c->compiler;
  bool own_heap = ctx == NULL;
  if (own_heap && (ctx = duk_create_heap_default()) == NULL) {
    snprintf(err, errlen, "cannot create a JavaScript heap to compile %s", display);
    free(source);
    return NULL;
  }
  struct js_module_code code = {.kind = json ? JS_MODULE_JSON : JS_MODULE_SCRIPT};
  if (duk_safe_call(ctx, compile_safe, &job, 0, 1) != DUK_EXEC_SUCCESS) {
    char msg[1024];
    js_format_error(ctx, msg, sizeof msg, false);
    if (json) snprintf(err, errlen, "%s: invalid JSON: %s", display, msg);
    else if (strstr(msg, "SyntaxError"))
      snprintf(err, errlen, "%s%s%s (jsfpm runs ES5.1 plus what Duktape 2.7 adds; transpile arrow "
               "functions, let, classes, template literals, destructuring, default/rest parameters, "
               "spread, for-of, generators and async functions to ES5: see docs/javascript.md)",
               strncmp(msg, display, strlen(display)) == 0 ? "" : display,
               strncmp(msg, display, strlen(display)) == 0 ? "" : ": ", msg);
    else snprintf(err, errlen, "%s: %s", display, msg);
    duk_pop(ctx);
    if (own_heap) duk_destroy_heap(ctx);
    free(source);
    return NULL;
  }
  if (json) {
    code.data = source;
    code.len = len;
  } else {
    duk_size_t blen;
    void *bc = duk_get_buffer(ctx, -1, &blen);
    code.data = malloc(blen ? blen : 1);
    if (code.data) memcpy(code.data, bc, blen);
    code.len = blen;
    free(source);
  }
  duk_pop(ctx);
  if (own_heap) duk_destroy_heap(ctx);
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct cache_entry *grown = realloc(c->entries, cap * sizeof *grown);
    if (grown == NULL) code.data = (free(code.data), NULL);
    else c->entries = grown, c->cap = cap;
  }
  code.key = strdup(key);
  code.display = strdup(display);
  if (code.data == NULL || code.key == NULL || code.display == NULL || c->n == c->cap) {
    snprintf(err, errlen, "%s: out of memory", display);
    free(code.data);
    free(code.key);
    free(code.display);
    return NULL;
  }
  c->entries[c->n] = (struct cache_entry){hash_key(key), code};
  return &c->entries[c->n++].code;
}

const struct js_module_code *js_cache_add_file(struct js_cache *c, const char *path,
                                               const char *display, char *err, size_t errlen) {
  size_t len;
  char *source = read_whole_file(path, &len, err, errlen);
  if (source == NULL) return NULL;
  return add_entry(c, path, display, source, len, false, err, errlen);
}

static bool has_suffix(const char *name, const char *suffix) {
  size_t n = strlen(name), s = strlen(suffix);
  return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* Compiles every .js and .json file below DIR.  Hidden entries are skipped;
 * symlinks are followed only when they stay inside the root. */
static int walk(struct js_cache *c, const char *dir, int depth, char *err, size_t errlen) {
  if (depth > MAX_DIR_DEPTH) return 0;
  DIR *d = opendir(dir);
  if (d == NULL) {
    snprintf(err, errlen, "%s: %s", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char path[PATH_MAX], real[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path) continue;
    struct stat st;
    if (realpath(path, real) == NULL || stat(real, &st) < 0) continue;
    if (strncmp(real, c->root, c->root_len) != 0 || real[c->root_len] != '/') continue;
    if (S_ISDIR(st.st_mode)) {
      if (de->d_type != DT_LNK) rc = walk(c, path, depth + 1, err, errlen);
    } else if (S_ISREG(st.st_mode) && (has_suffix(de->d_name, ".js") || has_suffix(de->d_name, ".json"))) {
      if (c->n >= MAX_APP_FILES) {
        snprintf(err, errlen, "%s: more than %d modules", c->root, MAX_APP_FILES);
        rc = -1;
      } else if (js_cache_lookup(c, real) == NULL &&
                 js_cache_add_file(c, real, real + c->root_len + 1, err, errlen) == NULL) {
        rc = -1;
      }
    }
  }
  closedir(d);
  return rc;
}

struct js_cache *js_cache_build(const struct jsfpm_config *cfg, char *err, size_t errlen) {
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
  c->compiler = duk_create_heap_default();
  if (c->compiler == NULL) {
    snprintf(err, errlen, "cannot create a JavaScript heap");
    js_cache_free(c);
    return NULL;
  }
  int rc = 0;
  for (const struct stdlib_module *m = stdlib_modules; m->name && rc == 0; m++) {
    char *src = strdup(m->source);
    if (src == NULL || add_entry(c, m->name, m->name, src, strlen(m->source), true, err, errlen) == NULL)
      rc = -1;
  }
  if (rc == 0) rc = walk(c, c->root, 0, err, errlen);
  duk_destroy_heap(c->compiler);
  c->compiler = NULL;
  c->hits = c->misses = 0;
  if (rc < 0) {
    js_cache_free(c);
    return NULL;
  }
  return c;
}

void js_cache_free(struct js_cache *c) {
  if (c == NULL) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->entries[i].code.key);
    free(c->entries[i].code.display);
    free(c->entries[i].code.data);
  }
  if (c->compiler) duk_destroy_heap(c->compiler);
  free(c->entries);
  free(c->root);
  free(c);
}

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

const char *js_cache_root(const struct js_cache *c) { return c->root; }
