/* js_compile.h: compiling app modules, and the compile cache.
 *
 * Every module (the app's *.js and *.json files, and the jsfpm/ standard
 * library) is compiled once to Duktape bytecode.  With preload = yes the
 * master builds the cache before forking, so workers share it copy-on-write;
 * otherwise each worker builds it at start.  Building compiles every file
 * under the app root, so a syntax error anywhere stops the start.
 */
#ifndef JSFPM_JS_COMPILE_H
#define JSFPM_JS_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "duktape/duktape.h"

struct jsfpm_config;

enum js_module_kind { JS_MODULE_SCRIPT, JS_MODULE_JSON };

struct js_module_code {
  char *key;             /* realpath of an app file, or "jsfpm/name" */
  char *display;         /* file name shown in errors: relative to the app root */
  enum js_module_kind kind;
  void *data;            /* bytecode (SCRIPT) or JSON text (JSON) */
  size_t len;
};

struct js_cache;

/* Compiles the standard library and every .js/.json file under the app
 * root.  Returns NULL with ERR ("file:line: SyntaxError: ...") on failure. */
struct js_cache *js_cache_build(const struct jsfpm_config *cfg, char *err, size_t errlen);
void js_cache_free(struct js_cache *cache);

/* Finds KEY; counts a hit or a miss. */
const struct js_module_code *js_cache_lookup(struct js_cache *cache, const char *key);
/* Compiles the file at PATH (a module added after start) into the cache.
 * Returns the entry, or NULL with ERR. */
const struct js_module_code *js_cache_add_file(struct js_cache *cache, const char *path,
                                               const char *display, char *err, size_t errlen);
void js_cache_stats(const struct js_cache *cache, unsigned long *hits, unsigned long *misses);
/* realpath of the app root the cache was built for. */
const char *js_cache_root(const struct js_cache *cache);

/* Compiles SOURCE as a CommonJS module function (the standard library's
 * wrapper has a sixth parameter, `native`); pushes it; throws on error. */
void js_compile_module(duk_context *ctx, const char *display, const char *source, size_t len,
                       bool stdlib);

/* Formats the error value at the top of CTX's stack as "file:line: message"
 * (with the stack trace when WITH_STACK); leaves the stack as it was. */
void js_format_error(duk_context *ctx, char *out, size_t len, bool with_stack);

#endif
