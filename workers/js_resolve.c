/* js_resolve.c: see js_resolve.h.  Follows the algorithm Node.js documents
 * (https://nodejs.org/api/modules.html#all-together and esm.md's
 * PACKAGE_EXPORTS_RESOLVE), minus what an app folder has no use for. */
#include "autoconfig.h"

#include "js_resolve.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct resolver {
  const char *root;
  size_t root_len;
  const char *spec; /* what was asked for, for messages */
  enum js_resolve_mode mode;
  char *err;
  size_t errlen;
};

/* Node.js's built-in modules: asked for by name, they are not in node_modules. */
static const char *const node_builtins[] = {"assert",
                                            "async_hooks",
                                            "buffer",
                                            "child_process",
                                            "cluster",
                                            "console",
                                            "constants",
                                            "crypto",
                                            "dgram",
                                            "diagnostics_channel",
                                            "dns",
                                            "domain",
                                            "events",
                                            "fs",
                                            "http",
                                            "http2",
                                            "https",
                                            "inspector",
                                            "module",
                                            "net",
                                            "os",
                                            "path",
                                            "perf_hooks",
                                            "process",
                                            "punycode",
                                            "querystring",
                                            "readline",
                                            "repl",
                                            "stream",
                                            "string_decoder",
                                            "sys",
                                            "timers",
                                            "tls",
                                            "trace_events",
                                            "tty",
                                            "url",
                                            "util",
                                            "v8",
                                            "vm",
                                            "wasi",
                                            "worker_threads",
                                            "zlib",
                                            NULL};

void js_normalize_path(char *path) {
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

static bool inside_root(const struct resolver *r, const char *path) {
  return strncmp(path, r->root, r->root_len) == 0 && (path[r->root_len] == '/' || path[r->root_len] == '\0');
}

/* PATH relative to the app root, for messages: the app never learns server paths. */
static const char *shown(const struct resolver *r, const char *path) {
  return inside_root(r, path) ? (path[r->root_len] ? path + r->root_len + 1 : ".") : path;
}

static int fail(struct resolver *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct resolver *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, r->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* Joins DIR and REL into OUT (PATH_MAX) and normalizes it.  Returns -1 if too long. */
static int join(char *out, const char *dir, const char *rel) {
  if (snprintf(out, PATH_MAX, "%s/%s", dir, rel) >= PATH_MAX) return -1;
  js_normalize_path(out);
  return 0;
}

/* PATH as a regular file: 1 found (OUT = its real path), 0 not there, -1 a
 * link that leaves the root. */
static int try_file(struct resolver *r, const char *path, char *out) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || realpath(path, out) == NULL) return 0;
  if (!inside_root(r, out))
    return fail(r, "require('%s'): %s is a link that leaves the app folder", r->spec, shown(r, path));
  return 1;
}

static int try_suffixes(struct resolver *r, const char *base, const char *const *suffixes, char *out) {
  for (size_t i = 0; suffixes[i]; i++) {
    char candidate[PATH_MAX];
    if (snprintf(candidate, sizeof candidate, "%s%s", base, suffixes[i]) >= (int)sizeof candidate) continue;
    int rc = try_file(r, candidate, out);
    if (rc != 0) return rc;
  }
  return 0;
}

static int load_as_file(struct resolver *r, const char *base, char *out) {
  static const char *const suffixes[] = {"", ".js", ".json", ".mjs", ".cjs", NULL};
  return try_suffixes(r, base, suffixes, out);
}

static int load_index(struct resolver *r, const char *dir, char *out) {
  static const char *const suffixes[] = {"/index.js", "/index.json", NULL};
  return try_suffixes(r, dir, suffixes, out);
}

/* Reads DIR/package.json: 1 with *PJ, 0 when there is none, -1 when it is
 * not valid JSON. */
static int read_package_json(struct resolver *r, const char *dir, json_t **pj) {
  char path[PATH_MAX];
  *pj = NULL;
  if (snprintf(path, sizeof path, "%s/package.json", dir) >= (int)sizeof path) return 0;
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  json_error_t jerr;
  *pj = json_load_file(path, 0, &jerr);
  if (*pj == NULL)
    return fail(r, "require('%s'): %s:%d: invalid JSON: %s", r->spec, shown(r, path), jerr.line, jerr.text);
  if (!json_is_object(*pj)) {
    json_decref(*pj);
    *pj = NULL;
    return fail(r, "require('%s'): %s is not a JSON object", r->spec, shown(r, path));
  }
  return 1;
}

static const char *json_field(json_t *pj, const char *key) {
  json_t *v = pj ? json_object_get(pj, key) : NULL;
  return json_is_string(v) && json_string_value(v)[0] ? json_string_value(v) : NULL;
}

/* A folder: its package.json's main (or, for import, module), else index. */
static int load_as_directory(struct resolver *r, const char *dir, bool prefer_module, char *out) {
  json_t *pj;
  if (read_package_json(r, dir, &pj) < 0) return -1;
  const char *main =
      prefer_module && json_field(pj, "module") ? json_field(pj, "module") : json_field(pj, "main");
  int rc = 0;
  char path[PATH_MAX];
  if (main && join(path, dir, main) == 0 && inside_root(r, path)) {
    rc = load_as_file(r, path, out);
    if (rc == 0) rc = load_index(r, path, out);
  }
  json_decref(pj);
  return rc != 0 ? rc : load_index(r, dir, out);
}

static int load_relative(struct resolver *r, const char *base, char *out) {
  int rc = load_as_file(r, base, out);
  if (rc == 0) rc = load_as_directory(r, base, false, out);
  if (rc == 0)
    return fail(r, "Cannot find module '%s' (tried %s, .js, .json, .mjs, .cjs, /index.js, /index.json)",
                r->spec, shown(r, base));
  return rc < 0 ? -1 : 0;
}

/* ---- package.json "exports" and "imports" ------------------------------ */

static bool condition_active(const struct resolver *r, const char *key) {
  return strcmp(key, "default") == 0 || strcmp(key, r->mode == JS_RESOLVE_IMPORT ? "import" : "require") == 0;
}

/* Resolves one target (string, array of fallbacks, or conditions object)
 * into OUT, a "./" path with STAR put in for each "*".  Returns true when
 * a target applies. */
static bool resolve_target(const struct resolver *r, json_t *target, const char *star, char *out,
                           size_t outlen) {
  if (json_is_string(target)) {
    const char *t = json_string_value(target);
    if (strncmp(t, "./", 2) != 0) return false; /* Node refuses bare and absolute targets */
    size_t o = 0;
    for (; *t && o + 1 < outlen; t++) {
      if (*t == '*' && star) {
        size_t n = strlen(star);
        if (o + n >= outlen) return false;
        memcpy(out + o, star, n);
        o += n;
      } else {
        out[o++] = *t;
      }
    }
    out[o] = '\0';
    return *t == '\0';
  }
  if (json_is_array(target)) {
    size_t i;
    json_t *v;
    json_array_foreach(target, i, v) if (resolve_target(r, v, star, out, outlen)) return true;
    return false;
  }
  if (json_is_object(target)) {
    const char *key;
    json_t *v;
    /* In the order written: the first condition that applies wins. */
    json_object_foreach(target, key, v) if (condition_active(r, key)) return resolve_target(r, v, star, out,
                                                                                            outlen);
  }
  return false; /* null: deliberately not exported */
}

/* The entry of MAP (exports or imports, as an object of subpaths) for
 * SUBPATH: an exact key, else the "*" pattern with the longest prefix.  */
static bool match_subpath(const struct resolver *r, json_t *map, const char *subpath, char *out,
                          size_t outlen) {
  json_t *exact = json_object_get(map, subpath);
  if (exact && !strchr(subpath, '*')) return resolve_target(r, exact, NULL, out, outlen);
  const char *key, *best = NULL;
  size_t best_prefix = 0;
  json_t *v;
  json_object_foreach(map, key, v) {
    const char *star = strchr(key, '*');
    if (star == NULL || strchr(star + 1, '*')) continue;
    size_t prefix = (size_t)(star - key), suffix = strlen(star + 1), n = strlen(subpath);
    if (n < prefix + suffix || strncmp(subpath, key, prefix) != 0 ||
        strcmp(subpath + n - suffix, star + 1) != 0)
      continue;
    if (best == NULL || prefix > best_prefix) best = key, best_prefix = prefix;
  }
  if (best == NULL) return false;
  size_t n = strlen(subpath), suffix = strlen(strchr(best, '*') + 1);
  char star[PATH_MAX];
  snprintf(star, sizeof star, "%.*s", (int)(n - best_prefix - suffix), subpath + best_prefix);
  return resolve_target(r, json_object_get(map, best), star, out, outlen);
}

/* "exports" may be the main entry alone (a string, an array, or conditions). */
static bool exports_are_subpaths(json_t *exports) {
  if (!json_is_object(exports)) return false;
  const char *key;
  json_t *v;
  json_object_foreach(exports, key, v) return key[0] == '.';
  return false;
}

/* The file a package's map (what = "exports" or "imports") gives for
 * SUBPATH, in package folder PKG_DIR named NAME. */
static int load_mapped(struct resolver *r, const char *pkg_dir, const char *name, const char *what,
                       json_t *map, const char *subpath, char *out) {
  char target[PATH_MAX], path[PATH_MAX];
  bool found;
  if (strcmp(what, "exports") == 0 && !exports_are_subpaths(map))
    found = strcmp(subpath, ".") == 0 && resolve_target(r, map, NULL, target, sizeof target);
  else
    found = json_is_object(map) && match_subpath(r, map, subpath, target, sizeof target);
  if (!found)
    return fail(r,
                "Cannot find module '%s': package '%s' has no \"%s\" entry for '%s' (conditions: %s, "
                "default) in %s/package.json",
                r->spec, name, what, subpath, r->mode == JS_RESOLVE_IMPORT ? "import" : "require",
                shown(r, pkg_dir));
  if (join(path, pkg_dir, target) < 0 || !inside_root(r, path))
    return fail(r, "Cannot load module '%s': package '%s' maps '%s' to %s, which is outside the app folder",
                r->spec, name, subpath, target);
  int rc = try_file(r, path, out);
  if (rc == 0)
    return fail(r, "Cannot load module '%s': package '%s' maps '%s' to %s, which does not exist (%s)",
                r->spec, name, subpath, target, shown(r, path));
  return rc < 0 ? -1 : 0;
}

/* node_modules/NAME found at PKG_DIR: SUBPATH is "." or "./rest". */
static int load_package(struct resolver *r, const char *pkg_dir, const char *name, const char *subpath,
                        char *out) {
  char real[PATH_MAX];
  if (realpath(pkg_dir, real) == NULL || !inside_root(r, real))
    return fail(r, "require('%s'): %s is a link that leaves the app folder", r->spec, shown(r, pkg_dir));
  json_t *pj;
  if (read_package_json(r, pkg_dir, &pj) < 0) return -1;
  json_t *exports = pj ? json_object_get(pj, "exports") : NULL;
  int rc;
  if (exports && !json_is_null(exports)) {
    rc = load_mapped(r, pkg_dir, name, "exports", exports, subpath, out);
  } else if (strcmp(subpath, ".") == 0) {
    json_decref(pj);
    pj = NULL;
    rc = load_as_directory(r, pkg_dir, r->mode == JS_RESOLVE_IMPORT, out);
    if (rc == 0) rc = fail(r, "Cannot find module '%s': package '%s' has no main file", r->spec, name);
  } else {
    char base[PATH_MAX];
    if (join(base, pkg_dir, subpath) < 0 || !inside_root(r, base))
      rc = fail(r, "require('%s'): the path leaves the app folder", r->spec);
    else
      rc = load_relative(r, base, out);
  }
  json_decref(pj);
  return rc < 0 ? -1 : 0;
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *basename_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Walks up from FROM_DIR to the root looking for node_modules/NAME. */
static int load_node_module(struct resolver *r, const char *from_dir, char *out) {
  const char *spec = r->spec;
  const char *slash = strchr(spec, '/');
  if (spec[0] == '@' && slash) slash = strchr(slash + 1, '/');
  size_t name_len = slash ? (size_t)(slash - spec) : strlen(spec);
  char name[PATH_MAX], subpath[PATH_MAX];
  if (name_len == 0 || name_len >= sizeof name) return fail(r, "Cannot find module '%s'", spec);
  snprintf(name, sizeof name, "%.*s", (int)name_len, spec);
  snprintf(subpath, sizeof subpath, ".%s", slash ? slash : "");
  if (name[0] == '.' || strstr(name, "/."))
    return fail(r, "Cannot find module '%s': not a package name", spec);

  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", from_dir);
  for (;;) {
    if (strcmp(basename_of(dir), "node_modules") != 0) {
      char pkg[PATH_MAX];
      if (snprintf(pkg, sizeof pkg, "%s/node_modules/%s", dir, name) < (int)sizeof pkg && is_dir(pkg))
        return load_package(r, pkg, name, subpath, out);
    }
    if (strlen(dir) <= r->root_len) break;
    *strrchr(dir, '/') = '\0';
  }
  return fail(r, "Cannot find module '%s': no node_modules/%s from %s up to the app folder", spec, name,
              shown(r, from_dir));
}

/* "#name": the "imports" of the package.json nearest to FROM_DIR. */
static int load_package_import(struct resolver *r, const char *from_dir, char *out) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", from_dir);
  for (;;) {
    json_t *pj;
    if (read_package_json(r, dir, &pj) < 0) return -1;
    if (pj) {
      json_t *imports = json_object_get(pj, "imports");
      const char *name = json_field(pj, "name");
      int rc = load_mapped(r, dir, name ? name : shown(r, dir), "imports", imports, r->spec, out);
      json_decref(pj);
      return rc;
    }
    if (strlen(dir) <= r->root_len) break;
    *strrchr(dir, '/') = '\0';
  }
  return fail(r, "Cannot find module '%s': no package.json with \"imports\" above %s", r->spec,
              shown(r, from_dir));
}

/* ---- package.json "browser": false ------------------------------------ */

/* The directory of the package.json nearest above DIR (inside the root)
 * into PKG_DIR, and that file parsed, or NULL. */
static json_t *package_scope(struct resolver *r, const char *dir, char *pkg_dir) {
  snprintf(pkg_dir, PATH_MAX, "%s", dir);
  for (;;) {
    json_t *pj;
    if (read_package_json(r, pkg_dir, &pj) < 0) return NULL;
    if (pj) return pj;
    if (strlen(pkg_dir) <= r->root_len) return NULL;
    *strrchr(pkg_dir, '/') = '\0';
  }
}

/* Whether the "browser" map of the package around DIR maps KEY (a module
 * name, or a file as the real path PATH) to false. */
static bool browser_false(struct resolver *r, const char *dir, const char *key, const char *path) {
  char pkg_dir[PATH_MAX];
  json_t *pj = package_scope(r, dir, pkg_dir);
  json_t *map = pj ? json_object_get(pj, "browser") : NULL;
  bool excluded = false;
  const char *k;
  json_t *v;
  if (json_is_object(map)) {
    json_object_foreach(map, k, v) {
      if (!json_is_false(v)) continue;
      if (key && strcmp(k, key) == 0) excluded = true;
      char file[PATH_MAX], real[PATH_MAX];
      if (path && strncmp(k, "./", 2) == 0 && join(file, pkg_dir, k) == 0 && realpath(file, real) &&
          strcmp(real, path) == 0)
        excluded = true;
    }
  }
  json_decref(pj);
  return excluded;
}

static bool is_node_builtin(const char *spec) {
  if (strncmp(spec, "node:", 5) == 0) return true;
  size_t n = strcspn(spec, "/");
  for (int i = 0; node_builtins[i]; i++)
    if (strlen(node_builtins[i]) == n && strncmp(node_builtins[i], spec, n) == 0) return true;
  return false;
}

static int resolve(struct resolver *r, const char *from_dir, char *out) {
  const char *spec = r->spec;
  if (spec[0] == '\0') return fail(r, "require(''): empty module name");
  if (spec[0] == '/')
    return fail(r, "require('%s'): absolute paths are not allowed; use ./ or ../ inside the app folder",
                spec);
  bool relative = strcmp(spec, ".") == 0 || strcmp(spec, "..") == 0 || strncmp(spec, "./", 2) == 0 ||
                  strncmp(spec, "../", 3) == 0;
  if (relative) {
    char base[PATH_MAX];
    if (join(base, from_dir, spec) < 0) return fail(r, "require('%s'): path too long", spec);
    if (!inside_root(r, base)) return fail(r, "require('%s'): the path leaves the app folder", spec);
    return load_relative(r, base, out);
  }
  if (spec[0] == '#') return load_package_import(r, from_dir, out);
  if (is_node_builtin(spec))
    return fail(r, "Cannot find module '%s': Node.js's built-in modules are not available in jsfpm", spec);
  return load_node_module(r, from_dir, out);
}

int js_resolve(const char *root, const char *from_dir, const char *spec, enum js_resolve_mode mode, char *out,
               char *err, size_t errlen) {
  struct resolver r = {root, strlen(root), spec, mode, err, errlen};
  /* "browser" maps are the packages' business: only code in node_modules
   * pays for reading them (an app's own requires, run per request maybe,
   * do not). */
  bool bare = spec[0] != '.' && spec[0] != '/' && spec[0] != '#';
  if (!(bare && strstr(from_dir, "/node_modules/") && browser_false(&r, from_dir, spec, NULL))) {
    if (resolve(&r, from_dir, out) < 0) return -1;
    if (!strstr(out + r.root_len, "/node_modules/")) return 0;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", out);
    *strrchr(dir, '/') = '\0';
    if (!browser_false(&r, dir, NULL, out)) return 0;
  }
  snprintf(out, PATH_MAX, "%s", JS_RESOLVE_EMPTY_MODULE);
  return 0;
}
