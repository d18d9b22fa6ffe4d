/* js_platform.h: the natives behind the web platform APIs of the standard
 * library (js/jsfpm/internal/web.js and friends: crypto, jsfpm/password,
 * URL, formData(), fetch(), Intl, atob/btoa).  Each file exports a list of
 * functions that worker_js.c puts on the `native` object standard-library
 * modules receive; apps never see them directly.  Byte arguments are any
 * buffer (Uint8Array, ArrayBuffer, typed arrays); byte results are fresh
 * Uint8Arrays. */
#ifndef JSFPM_JS_PLATFORM_H
#define JSFPM_JS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "duktape/duktape.h"

extern const duk_function_list_entry js_crypto_natives[];   /* js_crypto.c */
extern const duk_function_list_entry js_password_natives[]; /* js_password.c */
extern const duk_function_list_entry js_form_natives[];     /* js_form.c */
extern const duk_function_list_entry js_url_natives[];      /* js_url.c */
extern const duk_function_list_entry js_fetch_natives[];    /* js_fetch.c */
extern const duk_function_list_entry js_intl_natives[];     /* js_intl.c */
extern const duk_function_list_entry js_accept_natives[];   /* js_accept.c */
/* All of the above, NULL-terminated. */
extern const duk_function_list_entry *const js_platform_natives[];

/* Puts the web platform's globals (URL, crypto, fetch, Blob, Intl ...) on
 * the current global object, as accessors that load their module on first
 * read through jsfpm/runtime's platformGlobal, and the built-ins'
 * locale-sensitive methods (toLocaleString ...) that call its
 * localeMethod (the thread stash's "runtime" must be set when one runs). */
void js_platform_put_globals(duk_context *ctx);

/* Pushes a new Uint8Array of LEN bytes and returns its storage. */
uint8_t *js_push_bytes(duk_context *ctx, size_t len);
/* The bytes of the buffer at IDX (throws a TypeError for anything else). */
const uint8_t *js_require_bytes(duk_context *ctx, duk_idx_t idx, size_t *len);

/* From worker_js.c, for the natives: */
struct jsfpm_config;
/* The configuration of the runtime CTX belongs to. */
const struct jsfpm_config *js_runtime_config(duk_context *ctx);
/* The current request's deadline (monotonic ms; 0 between requests). */
long long js_runtime_deadline_ms(duk_context *ctx);
/* Pushes bytes from outside (the network, a file) as a string: valid UTF-8
 * as it is, each invalid byte as U+FFFD. */
void js_push_wire_string(duk_context *ctx, const char *value, size_t len);
/* The string on top of the stack as UTF-8 (surrogate pairs joined, lone
 * ones U+FFFD); may push a converted copy on top. */
const uint8_t *js_push_utf8(duk_context *ctx, duk_size_t *len);

#endif
