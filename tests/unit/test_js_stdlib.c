/* test_js_stdlib.c: the JavaScript standard library (js/jsfpm/) on its
 * own, in a bare Duktape heap: no worker, no request, no broker.
 *
 * Each tests/unit/js/test_*.js is a plain script run in a fresh heap (one
 * Check test each) after tests/unit/js/harness.js, which gives it assert
 * functions and the globals a worker would give an app (Headers, Request,
 * Response).  The modules are the ones compiled into the binary
 * (stdlib_modules), loaded by a require() that has only them: what a test
 * reaches is exactly what ships.  native is a stand-in with just what the
 * runtime calls outside requests (now, log; and the real prefersJson, for
 * the router's 404/405); native.log's lines are kept in the global array
 * `logged` for the tests to look at.
 */
#include "autoconfig.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "duktape/duktape.h"
#include "js_platform.h"
#include "worker_js.h"

#define JS_DIR JSFPM_SRCDIR "/tests/unit/js"

static struct dirent **test_files;
static int ntest_files;

static const char *module_source(const char *name) {
  for (const struct stdlib_module *m = stdlib_modules; m->name; m++)
    if (strcmp(m->name, name) == 0) return m->source;
  return NULL;
}

/* require(name): a jsfpm/ module, evaluated once per heap as the worker
 * does: fn(exports, require, module, __filename, __dirname, native). */
static duk_ret_t harness_require(duk_context *ctx) {
  const char *name = duk_require_string(ctx, 0);
  duk_push_global_stash(ctx);
  if (duk_get_prop_string(ctx, -1, name)) {
    duk_get_prop_literal(ctx, -1, "exports");
    return 1;
  }
  duk_pop(ctx);
  const char *source = module_source(name);
  if (source == NULL) return duk_error(ctx, DUK_ERR_ERROR, "no module %s in the standard library", name);
  duk_push_object(ctx); /* module */
  duk_push_object(ctx);
  duk_put_prop_literal(ctx, -2, "exports");
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, -3, name);
  duk_push_string(ctx, "(function (exports, require, module, __filename, __dirname, native) {");
  duk_push_string(ctx, source);
  duk_push_string(ctx, "\n})");
  duk_concat(ctx, 3);
  duk_push_string(ctx, name);
  duk_compile(ctx, DUK_COMPILE_EVAL);
  duk_call(ctx, 0); /* the wrapper function */
  duk_get_prop_literal(ctx, -2, "exports");
  duk_dup(ctx, -1);
  duk_push_c_function(ctx, harness_require, 1);
  duk_dup(ctx, -5); /* module */
  duk_push_string(ctx, name);
  duk_push_string(ctx, "");
  duk_get_global_literal(ctx, "native");
  duk_call_method(ctx, 6);
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, "exports");
  return 1;
}

static duk_ret_t native_now(duk_context *ctx) {
  duk_push_number(ctx, (double)clock_mono_ms());
  return 1;
}

static duk_ret_t native_log(duk_context *ctx) {
  duk_get_global_literal(ctx, "logged");
  duk_push_array(ctx);
  duk_dup(ctx, 0);
  duk_put_prop_index(ctx, -2, 0);
  duk_dup(ctx, 1);
  duk_put_prop_index(ctx, -2, 1);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  return 0;
}

static void set_up_globals(duk_context *ctx) {
  duk_push_c_function(ctx, harness_require, 1);
  duk_put_global_literal(ctx, "require");
  duk_push_array(ctx);
  duk_put_global_literal(ctx, "logged");
  duk_push_object(ctx);
  duk_push_c_function(ctx, native_now, 0);
  duk_put_prop_literal(ctx, -2, "now");
  duk_push_c_function(ctx, native_log, 2);
  duk_put_prop_literal(ctx, -2, "log");
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, "library");
  duk_put_function_list(ctx, -1, js_accept_natives); /* the router's 404/405 negotiate: the real one */
  duk_put_global_literal(ctx, "native");
}

/* Reads PATH whole; NULL if it cannot. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *grown = realloc(buf, cap *= 2);
      if (grown == NULL) free(buf);
      buf = grown;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

/* Runs the script at PATH; on an uncaught error returns its stack (to free). */
static char *run_script(duk_context *ctx, const char *path) {
  char *source = read_file(path);
  if (source == NULL) return strdup("cannot read the file");
  duk_push_string(ctx, path);
  char *failure = NULL;
  if (duk_pcompile_string_filename(ctx, 0, source) != 0 || duk_pcall(ctx, 0) != 0) {
    duk_get_prop_literal(ctx, -1, "stack");
    const char *stack = duk_is_string(ctx, -1) ? duk_get_string(ctx, -1) : NULL;
    duk_pop(ctx);
    failure = strdup(stack ? stack : duk_safe_to_string(ctx, -1));
  }
  duk_pop(ctx);
  free(source);
  return failure;
}

START_TEST(test_js_file) {
  const char *name = test_files[_i]->d_name;
  duk_context *ctx = duk_create_heap_default();
  ck_assert_ptr_nonnull(ctx);
  set_up_globals(ctx);
  char *failure = run_script(ctx, JS_DIR "/harness.js");
  ck_assert_msg(failure == NULL, "harness.js: %s", failure);
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", JS_DIR, name);
  failure = run_script(ctx, path);
  if (failure) {
    char msg[4096];
    snprintf(msg, sizeof msg, "%s: %s", name, failure);
    free(failure);
    duk_destroy_heap(ctx);
    ck_abort_msg("%s", msg);
  }
  duk_destroy_heap(ctx);
}
END_TEST

static int is_test_file(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return strncmp(d->d_name, "test_", 5) == 0 && n > 3 && strcmp(d->d_name + n - 3, ".js") == 0;
}

int main(void) {
  ntest_files = scandir(JS_DIR, &test_files, is_test_file, alphasort);
  if (ntest_files <= 0) {
    fprintf(stderr, "test_js_stdlib: no test_*.js in %s\n", JS_DIR);
    return EXIT_FAILURE;
  }
  Suite *s = suite_create("js_stdlib");
  TCase *tc = tcase_create("scripts");
  tcase_add_loop_test(tc, test_js_file, 0, ntest_files);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_VERBOSE);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  for (int i = 0; i < ntest_files; i++) free(test_files[i]);
  free(test_files);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
