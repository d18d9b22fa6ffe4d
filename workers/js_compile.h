/* js_compile.h: compiling app modules, and the compile cache.
 *
 * Every module (the app's .js, .mjs, .cjs and .json files, and the jsfpm/
 * standard library) is compiled once to Duktape bytecode.  With preload =
 * yes the master builds the cache before forking, so workers share it
 * copy-on-write; otherwise each worker builds it at start.  Building starts
 * from the main module and follows its imports and literal requires
 * (js_resolve.h), so only reachable files are compiled; a syntax error in
 * one of them, or an import that does not resolve, stops the start.
 *
 * A module Duktape cannot run as it is (ES2015+ syntax, ES module syntax,
 * a `const`: js_scan.h) is first lowered to ES5 (js_compiler.h); lowered
 * modules are kept on disk ([app] compile_cache, js_disk_cache.h), so the
 * compiler heap is only created when a module changed.
 */
#ifndef JSFPM_JS_COMPILE_H
#define JSFPM_JS_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "duktape/duktape.h"

struct jsfpm_config;

/* TEXT: a text asset (.html, .txt, .sql, .css, .svg): its module.exports
 * (and default export) is the file's text, so templates live in files. */
enum js_module_kind { JS_MODULE_SCRIPT, JS_MODULE_JSON, JS_MODULE_TEXT };

struct js_module_code {
  char *key;     /* realpath of an app file, or "jsfpm/name" */
  char *display; /* file name shown in errors: relative to the app root */
  enum js_module_kind kind;
  void *data; /* bytecode (SCRIPT), JSON text (JSON) or the text (TEXT) */
  size_t len;
  char *mappings; /* lowered modules: the source map (js_sourcemap.h); else NULL */
  char *deps;     /* what it imports and requires (js_compiler.h); may be NULL */
  size_t deps_len;
};

struct js_cache;

/* Compiles the standard library and the modules reachable from the app's
 * main module.  Returns NULL with ERR ("file:line:col: SyntaxError: ...")
 * on failure. */
struct js_cache *js_cache_build(const struct jsfpm_config *cfg, char *err, size_t errlen);
void js_cache_free(struct js_cache *cache);

/* dev = yes: a cache that holds only why the app does not load (ERR), so
 * that the workers of a failed preload answer with the error page instead
 * of compiling the app again.  NULL when out of memory. */
struct js_cache *js_cache_failed(const char *err);
/* The error of a js_cache_failed cache; NULL for a built one. */
const char *js_cache_load_error(const struct js_cache *cache);
/* [app] watch = yes: the compiler heap (seconds to create) is kept between
 * builds, so a reload after a change lowers only what changed. */
void js_cache_keep_compiler(void);

/* Finds KEY; counts a hit or a miss. */
const struct js_module_code *js_cache_lookup(struct js_cache *cache, const char *key);
/* Compiles the file at PATH (a module not reached at start: a require of a
 * computed name) into the cache; one that needs lowering must be in the
 * disk cache.  Returns the entry, or NULL with ERR. */
const struct js_module_code *js_cache_add_file(struct js_cache *cache, const char *path, const char *display,
                                               char *err, size_t errlen);
void js_cache_stats(const struct js_cache *cache, unsigned long *hits, unsigned long *misses);
/* Whether any of the app's modules was lowered.  The runtime library for
 * modern code (jsfpm/internal/library: polyfills, Promise, the helpers of
 * lowered code) is compiled and loaded only then: an ES5 app starts and
 * runs as it did before there was one. */
bool js_cache_has_lowered(const struct js_cache *cache);
/* Whether standard-library module NAME belongs to that runtime library. */
bool js_stdlib_is_library(const char *name);
/* realpath of the app root the cache was built for. */
const char *js_cache_root(const struct js_cache *cache);

/* Compiles SOURCE as a CommonJS module function (the standard library's
 * wrapper has a sixth parameter, `native`); pushes it; throws on error. */
void js_compile_module(duk_context *ctx, const char *display, const char *source, size_t len, bool stdlib);

/* Formats the error value at the top of CTX's stack as "file:line: message"
 * (with the stack trace when WITH_STACK); leaves the stack as it was.  With
 * CACHE, places in lowered modules become the original "file:line:col". */
void js_format_error(duk_context *ctx, const struct js_cache *cache, char *out, size_t len, bool with_stack);
/* Copies the stack trace STACK into OUT, each "(file:line)" of a module
 * CACHE lowered replaced by the original "(file:line:col)". */
void js_map_stack(const struct js_cache *cache, const char *stack, char *out, size_t len);

/* The import mode of SPEC as required by module CODE: was it imported
 * (import, import()) rather than required?  Decides the package.json
 * conditions, as the static walk did. */
bool js_module_imports(const struct js_module_code *code, const char *spec);

#endif
