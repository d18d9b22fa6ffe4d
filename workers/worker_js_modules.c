/* worker_js_modules.c: the CommonJS loader: require() resolves a name
 * (js_resolve.c), loads the module's compiled code from the cache
 * (js_compile.c) once per heap and runs it with exports, require, module,
 * __filename and __dirname (and native, for the standard library). */
#include "autoconfig.h"

#include "worker_js_internal.h"

/* ---- modules ----------------------------------------------------------- */

bool jsrt_inside_root(const struct js_runtime *rt, const char *path) {
  return strncmp(path, rt->root, rt->root_len) == 0 && path[rt->root_len] == '/';
}

static duk_ret_t js_require(duk_context *ctx);

/* Pushes this environment's module registry (in its thread's stash). */
void jsrt_push_registry(duk_context *ctx) {
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
void jsrt_load_module(duk_context *ctx, const char *key) {
  struct js_runtime *rt = jsrt_get_rt(ctx);
  jsrt_push_registry(ctx);
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
  } else if (code->kind == JS_MODULE_TEXT) {
    js_push_wire_string(ctx, code->data, code->len);
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
  jsrt_load_module(ctx, ((const struct load_request *)udata)->key);
  return 1;
}

/* A module that fails to load is dropped from the registry (as Node does)
 * so a later require tries again instead of getting half-made exports. */
static duk_ret_t require_load(duk_context *ctx, const char *key) {
  struct load_request r = {key};
  if (duk_safe_call(ctx, load_module_safe, &r, 0, 1) == DUK_EXEC_SUCCESS) return 1;
  jsrt_push_registry(ctx);
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
  struct js_runtime *rt = jsrt_get_rt(ctx);
  const char *id = duk_require_string(ctx, 0);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, DUK_HIDDEN_SYMBOL("dir"));
  const char *dir = duk_get_string_default(ctx, -1, "");
  bool imported =
      duk_get_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("imports")) && duk_has_prop_string(ctx, -1, id);
  duk_pop_3(ctx);

  if (strncmp(id, "jsfpm/", 6) == 0) {
    /* jsfpm/runtime and jsfpm/internal/... are for the standard library only. */
    bool hidden = (strcmp(id, "jsfpm/runtime") == 0 || strncmp(id, "jsfpm/internal/", 15) == 0) && dir[0];
    if (hidden || js_cache_lookup(rt->cache, id) == NULL)
      return duk_error(ctx, DUK_ERR_ERROR,
                       "Cannot find module '%s': the standard library has jsfpm/router, jsfpm/db, "
                       "jsfpm/password, jsfpm/cookies, jsfpm/hash and jsfpm/test",
                       id);
    return require_load(ctx, id);
  }
  if (dir[0] == '\0')
    return duk_error(ctx, DUK_ERR_ERROR, "require('%s'): not allowed from a standard-library module", id);
  char path[PATH_MAX], err[PATH_MAX + 512];
  if (js_resolve(rt->root, dir, id, imported ? JS_RESOLVE_IMPORT : JS_RESOLVE_REQUIRE, path, err,
                 sizeof err) < 0)
    return duk_error(ctx, DUK_ERR_ERROR, "%s", err);
  return require_load(ctx, path);
}
