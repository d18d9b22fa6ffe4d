/* js_raw_request.h: the raw request, the array a worker hands to
 * JavaScript for each request (push_raw_request in worker_js.c), which
 * js/jsfpm/runtime.js wraps in a Request and a ctx.
 *
 * Its fields are listed once, here, in array order.  The C side is the
 * enum below; the JavaScript side is the module jsfpm/internal/raw_request
 * ({METHOD: 0, URL: 1, ..., COUNT}), which build-aux/gen-js-raw.sh writes
 * from this list at build time.  Keep one X(NAME) per line: the generator
 * reads the list's lines.
 */
#ifndef JSFPM_JS_RAW_REQUEST_H
#define JSFPM_JS_RAW_REQUEST_H

#define JS_RAW_FIELDS(X)                                                                                     \
  X(METHOD)   /* string */                                                                                   \
  X(URL)      /* string: scheme://host/uri */                                                                \
  X(PATH)     /* string: the path the app routes on */                                                       \
  X(QUERY)    /* string: the query string without "?" */                                                     \
  X(REMOTE)   /* string: the client's address */                                                             \
  X(ID)       /* string: the request id */                                                                   \
  X(USER)     /* string or null: ctx.user */                                                                 \
  X(TENANT)   /* string or null: ctx.tenant */                                                               \
  X(LOCALE)   /* string: ctx.locale */                                                                       \
  X(DEADLINE) /* number: the time limit, monotonic ms */                                                     \
  X(ENV)      /* object: ctx.env, frozen */                                                                  \
  X(HEADERS)  /* array: name, value, name, value... (names in lower case) */                                 \
  X(BODY)     /* null, a Uint8Array (jsfpm/test), or the worker's token { length } for native.requestBody */

/* clang-format off: an X-macro list is followed by no comma */
enum js_raw_index {
#define JS_RAW_ENUM(name) RAW_##name,
  JS_RAW_FIELDS(JS_RAW_ENUM)
#undef JS_RAW_ENUM
      RAW_COUNT
};
/* clang-format on */

#endif
