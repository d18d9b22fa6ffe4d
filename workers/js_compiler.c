/* js_compiler.c: the compiler heap (see js_compiler.h). */
#include "autoconfig.h"

#include "js_compiler.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duktape/duktape.h"
#include "js_compiler_id.h"
#include "worker_js.h"

const char js_compiler_id[] = JSFPM_COMPILER_ID;

/* TypeScript is 11 MB: embedded by the assembler, not as a C string.  The
 * trailing NUL makes it a C string all the same. */
#define JS_EMBED(sym, file)                                                                                  \
  __asm__(".section .rodata\n.global " #sym "\n.hidden " #sym "\n.balign 16\n" #sym ":\n"                    \
          ".incbin \"" JSFPM_SRCDIR "/" file "\"\n.byte 0\n.global " #sym "_end\n.hidden " #sym              \
          "_end\n" #sym "_end:\n.previous\n")
JS_EMBED(js_typescript_source, "third_party/typescript/typescript.js");
JS_EMBED(js_driver_source, "js/compiler/driver.js");
extern const char js_typescript_source[], js_typescript_source_end[];
extern const char js_driver_source[], js_driver_source_end[];

/* The polyfills TypeScript needs (Map, Set) are the runtime library's. */
#define POLYFILLS_MODULE "jsfpm/internal/core-js"

struct js_compiler {
  duk_context *ctx;
};

void js_lowered_free(struct js_lowered *l) {
  free(l->code);
  free(l->mappings);
  free(l->deps);
  memset(l, 0, sizeof *l);
}

int js_lowered_add_dep(struct js_lowered *l, enum js_dep_kind kind, const char *spec, size_t len) {
  char *grown = realloc(l->deps, l->deps_len + len + 2);
  if (grown == NULL) return -1;
  grown[l->deps_len] = (char)kind;
  memcpy(grown + l->deps_len + 1, spec, len);
  grown[l->deps_len + 1 + len] = '\0';
  l->deps = grown;
  l->deps_len += len + 2;
  return 0;
}

/* A named source text: a script the compiler heap runs, or a module it lowers. */
struct program {
  const char *name;
  const char *source;
  size_t len;
};

/* Runs a script as global code, so its top-level `var`s become globals. */
static duk_ret_t run_program(duk_context *ctx, void *udata) {
  const struct program *p = udata;
  duk_push_lstring(ctx, p->source, p->len);
  duk_push_string(ctx, p->name);
  duk_compile(ctx, 0);
  duk_call(ctx, 0);
  return 0;
}

/* jsfpmModuleSource(name): the source of one of the compiler heap's own
 * modules (compiler_modules), or undefined; js/compiler/driver.js runs
 * them with its own small require. */
static duk_ret_t js_module_source(duk_context *ctx) {
  const char *name = duk_require_string(ctx, 0);
  for (const struct stdlib_module *m = compiler_modules; m->name; m++) {
    if (strcmp(m->name, name) == 0) {
      duk_push_string(ctx, m->source);
      return 1;
    }
  }
  return 0;
}

static const char *polyfills_source(void) {
  for (const struct stdlib_module *m = stdlib_modules; m->name; m++)
    if (strcmp(m->name, POLYFILLS_MODULE) == 0) return m->source;
  return NULL;
}

struct js_compiler *js_compiler_new(char *err, size_t errlen) {
  struct js_compiler *c = calloc(1, sizeof *c);
  if (c == NULL || (c->ctx = duk_create_heap_default()) == NULL) {
    snprintf(err, errlen, "cannot create the compiler heap: out of memory");
    free(c);
    return NULL;
  }
  duk_push_c_function(c->ctx, js_module_source, 1);
  duk_put_global_literal(c->ctx, "jsfpmModuleSource");
  const char *polyfills = polyfills_source();
  const struct program programs[] = {
      {POLYFILLS_MODULE, polyfills, polyfills ? strlen(polyfills) : 0},
      {"typescript.js", js_typescript_source, (size_t)(js_typescript_source_end - js_typescript_source - 1)},
      {"compiler/driver.js", js_driver_source, (size_t)(js_driver_source_end - js_driver_source - 1)},
  };
  for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
    if (programs[i].source != NULL &&
        duk_safe_call(c->ctx, run_program, (void *)&programs[i], 0, 1) == DUK_EXEC_SUCCESS) {
      duk_pop(c->ctx);
      continue;
    }
    snprintf(err, errlen, "cannot load the compiler (%s): %s", programs[i].name,
             programs[i].source ? duk_safe_to_string(c->ctx, -1) : "not built in");
    js_compiler_free(c);
    return NULL;
  }
  return c;
}

void js_compiler_free(struct js_compiler *c) {
  if (c == NULL) return;
  if (c->ctx) duk_destroy_heap(c->ctx);
  free(c);
}

static duk_ret_t call_driver(duk_context *ctx, void *udata) {
  const struct program *job = udata;
  duk_get_global_literal(ctx, "jsfpmCompile");
  duk_push_lstring(ctx, job->source, job->len);
  duk_push_string(ctx, job->name);
  duk_call(ctx, 2);
  return 1;
}

/* Copies the string property KEY of the object on top of CTX's stack. */
static char *dup_string_prop(duk_context *ctx, const char *key, size_t *len) {
  duk_get_prop_string(ctx, -1, key);
  duk_size_t n = 0;
  const char *s = duk_get_lstring(ctx, -1, &n);
  char *copy = s ? malloc(n + 1) : NULL;
  if (copy) {
    memcpy(copy, s, n);
    copy[n] = '\0';
    if (len) *len = n;
  }
  duk_pop(ctx);
  return copy;
}

/* Appends the specifiers in array property KEY as dependencies of KIND. */
static int add_deps(duk_context *ctx, const char *key, enum js_dep_kind kind, struct js_lowered *out) {
  duk_get_prop_string(ctx, -1, key);
  duk_size_t n = duk_get_length(ctx, -1);
  int rc = 0;
  for (duk_size_t i = 0; i < n && rc == 0; i++) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
    duk_size_t len = 0;
    const char *spec = duk_get_lstring(ctx, -1, &len);
    if (spec) rc = js_lowered_add_dep(out, kind, spec, len);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  return rc;
}

int js_compiler_lower(struct js_compiler *c, const char *display, const char *source, size_t len,
                      struct js_lowered *out, char *err, size_t errlen) {
  duk_context *ctx = c->ctx;
  memset(out, 0, sizeof *out);
  struct program job = {display, source, len};
  if (duk_safe_call(ctx, call_driver, &job, 0, 1) != DUK_EXEC_SUCCESS) {
    /* The driver itself failed: a bug, or the heap ran out of memory. */
    snprintf(err, errlen, "%s: the compiler failed: %s", display, duk_safe_to_string(ctx, -1));
    duk_pop(ctx);
    return -1;
  }
  int rc = 0;
  if (duk_get_prop_literal(ctx, -1, "error")) {
    duk_get_prop_literal(ctx, -2, "line");
    duk_get_prop_literal(ctx, -3, "column");
    snprintf(err, errlen, "%s:%d:%d: %s", display, duk_get_int(ctx, -2), duk_get_int(ctx, -1),
             duk_safe_to_string(ctx, -3));
    duk_pop_3(ctx);
    rc = -1;
  } else {
    duk_pop(ctx);
    out->code = dup_string_prop(ctx, "code", &out->code_len);
    out->mappings = dup_string_prop(ctx, "mappings", NULL);
    duk_get_prop_literal(ctx, -1, "esm");
    out->esm = duk_to_boolean(ctx, -1);
    duk_pop(ctx);
    if (out->code == NULL || out->mappings == NULL || add_deps(ctx, "imports", JS_DEP_IMPORT, out) < 0 ||
        add_deps(ctx, "requires", JS_DEP_REQUIRE, out) < 0 ||
        add_deps(ctx, "dynamicImports", JS_DEP_DYNAMIC, out) < 0) {
      snprintf(err, errlen, "%s: out of memory", display);
      js_lowered_free(out);
      rc = -1;
    }
  }
  duk_pop(ctx);
  return rc;
}
