/* js_compiler.h: lowering ES2022 modules to what Duktape runs.
 *
 * The compiler is TypeScript 4.9's emitter (third_party/typescript), run by
 * js/compiler/driver.js in a Duktape heap of its own: ES2022 syntax and ES
 * modules become ES5 and CommonJS, with a source map back to the original.
 * Creating the heap costs about 0.4 s and 30 MB; only files that need it
 * are lowered, and js_compile.c caches the results on disk, so a start
 * whose files are all in the cache never creates it.
 */
#ifndef JSFPM_JS_COMPILER_H
#define JSFPM_JS_COMPILER_H

#include <stdbool.h>
#include <stddef.h>

/* Identifies the compiler, its options and the output format; part of every
 * disk cache key, so a new jsfpm never runs an older one's output. */
extern const char js_compiler_id[];

/* A module's dependencies: NUL-terminated specifiers, each preceded by its
 * kind, packed one after the other ("ijsfpm/router\0r./lib\0"). */
enum js_dep_kind {
  JS_DEP_IMPORT = 'i',  /* import/export ... from: must resolve before the module runs */
  JS_DEP_REQUIRE = 'r', /* require('x'): compiled at start when it resolves */
  JS_DEP_DYNAMIC = 'd', /* import('x'): as require */
};

/* One module as lowered: ES5 code with its source map, and its dependencies. */
struct js_lowered {
  char *code; /* ES5 + CommonJS; NULL when the source runs as it is */
  size_t code_len;
  char *mappings; /* the source map's "mappings" (VLQ); NULL with code */
  char *deps;     /* see enum js_dep_kind; NULL when none */
  size_t deps_len;
  bool esm; /* the source was an ES module (exports.__esModule) */
};

void js_lowered_free(struct js_lowered *l);
/* Appends one dependency (kind and specifier) to L->deps.  Returns 0 or -1. */
int js_lowered_add_dep(struct js_lowered *l, enum js_dep_kind kind, const char *spec, size_t len);

struct js_compiler;

/* Creates the compiler heap (polyfills, TypeScript, the driver).  Returns
 * NULL with ERR. */
struct js_compiler *js_compiler_new(char *err, size_t errlen);
void js_compiler_free(struct js_compiler *c);

/* Lowers SOURCE (the file shown as DISPLAY).  Returns 0 with OUT filled,
 * or -1 with ERR "display:line:col: what is wrong" for a syntax error or a
 * construct Duktape cannot run. */
int js_compiler_lower(struct js_compiler *c, const char *display, const char *source, size_t len,
                      struct js_lowered *out, char *err, size_t errlen);

#endif
