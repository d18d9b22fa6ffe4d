/* js_accept.c: native.prefersJson(accept) for the standard library
 * (jsfpm/router's 404 and 405): the same negotiation as the dev error
 * page's (accept.h). */
#include "autoconfig.h"

#include "accept.h"
#include "js_platform.h"

static duk_ret_t js_native_prefers_json(duk_context *ctx) {
  duk_size_t len = 0;
  const char *accept = duk_is_string(ctx, 0) ? duk_get_lstring(ctx, 0, &len) : NULL;
  duk_push_boolean(ctx, accept_prefers_json(accept, len));
  return 1;
}

const duk_function_list_entry js_accept_natives[] = {{"prefersJson", js_native_prefers_json, 1},
                                                     {NULL, NULL, 0}};
