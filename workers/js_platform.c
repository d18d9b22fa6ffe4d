/* js_platform.c: the lists of natives of the web platform APIs (js_platform.h). */
#include "autoconfig.h"

#include "js_platform.h"

const duk_function_list_entry *const js_platform_natives[] = {
    js_crypto_natives, js_password_natives, js_form_natives,   js_url_natives,
    js_fetch_natives,  js_intl_natives,     js_accept_natives, NULL};

/* The globals of the web platform modules (js/jsfpm/internal/NAME.js):
 * each is an accessor until first read. */
static const struct {
  const char *module;
  const char *name;
} platform_globals[] = {
    {"web", "DOMException"},
    {"web", "Event"},
    {"web", "EventTarget"},
    {"web", "AbortController"},
    {"web", "AbortSignal"},
    {"web", "atob"},
    {"web", "btoa"},
    {"web", "structuredClone"},
    {"web", "Blob"},
    {"web", "File"},
    {"web", "FormData"},
    {"web", "ReadableStream"},
    {"web", "ReadableStreamDefaultReader"},
    {"web", "ReadableStreamDefaultController"},
    {"url", "URL"},
    {"url", "URLSearchParams"},
    {"crypto", "crypto"},
    {"crypto", "Crypto"},
    {"crypto", "CryptoKey"},
    {"crypto", "SubtleCrypto"},
    {"fetch", "fetch"},
    {"intl", "Intl"},
};

/* Replaces the accessor of global NAME with the value on top of the stack (kept there). */
static void define_global_value(duk_context *ctx, const char *name) {
  duk_push_global_object(ctx);
  duk_push_string(ctx, name);
  duk_dup(ctx, -3);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                   DUK_DEFPROP_CLEAR_ENUMERABLE);
  duk_pop(ctx);
}

/* The accessor's getter: runtime.platformGlobal(module, name), kept as a
 * plain property from then on. */
static duk_ret_t platform_global_get(duk_context *ctx) {
  int i = duk_get_current_magic(ctx);
  duk_push_thread_stash(ctx, ctx);
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "platformGlobal");
  duk_push_string(ctx, platform_globals[i].module);
  duk_push_string(ctx, platform_globals[i].name);
  duk_call(ctx, 2);
  define_global_value(ctx, platform_globals[i].name);
  return 1;
}

/* The setter: an app's own value replaces the accessor (a polyfill, say). */
static duk_ret_t platform_global_set(duk_context *ctx) {
  int i = duk_get_current_magic(ctx);
  duk_dup(ctx, 0);
  define_global_value(ctx, platform_globals[i].name);
  return 0;
}

/* The locale-sensitive methods of the built-ins, through Intl: each calls
 * runtime.localeMethod(kind, this, arguments...). */
static const struct {
  const char *constructor, *name, *kind;
} locale_methods[] = {
    {"Number", "toLocaleString", "number"}, {"Date", "toLocaleString", "all"},
    {"Date", "toLocaleDateString", "date"}, {"Date", "toLocaleTimeString", "time"},
    {"String", "localeCompare", "compare"},
};

static duk_ret_t locale_method(duk_context *ctx) {
  int i = duk_get_current_magic(ctx);
  duk_push_thread_stash(ctx, ctx);
  duk_get_prop_literal(ctx, -1, "runtime");
  duk_get_prop_literal(ctx, -1, "localeMethod");
  duk_push_string(ctx, locale_methods[i].kind);
  duk_push_this(ctx);
  duk_dup(ctx, 0);
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_call(ctx, 5);
  return 1;
}

void js_platform_put_globals(duk_context *ctx) {
  for (size_t i = 0; i < sizeof locale_methods / sizeof *locale_methods; i++) {
    duk_get_global_string(ctx, locale_methods[i].constructor);
    duk_get_prop_literal(ctx, -1, "prototype");
    duk_push_string(ctx, locale_methods[i].name);
    duk_push_c_function(ctx, locale_method, 3);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                     DUK_DEFPROP_CLEAR_ENUMERABLE);
    duk_pop_2(ctx);
  }
  duk_push_global_object(ctx);
  for (size_t i = 0; i < sizeof platform_globals / sizeof *platform_globals; i++) {
    duk_push_string(ctx, platform_globals[i].name);
    duk_push_c_function(ctx, platform_global_get, 0);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_push_c_function(ctx, platform_global_set, 1);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_def_prop(ctx, -4,
                 DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_HAVE_SETTER | DUK_DEFPROP_SET_CONFIGURABLE |
                     DUK_DEFPROP_CLEAR_ENUMERABLE);
  }
  duk_pop(ctx);
}
