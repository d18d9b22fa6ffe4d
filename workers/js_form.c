/* js_form.c: the native behind request.formData() for multipart bodies
 * (Request.formData in js/jsfpm/runtime.js), on the parser in workers/multipart.c. */
#include "autoconfig.h"

#include "js_platform.h"

#include <string.h>

#include "multipart.h"

struct parts {
  duk_context *ctx;
  duk_uarridx_t n;
};

/* Appends [name, filename|null, contentType|null, bytes] to the array on top. */
static int put_part(void *udata, const struct multipart_part *p) {
  struct parts *ps = udata;
  duk_context *ctx = ps->ctx;
  duk_push_array(ctx);
  js_push_wire_string(ctx, p->name, p->name_len);
  duk_put_prop_index(ctx, -2, 0);
  if (p->filename)
    js_push_wire_string(ctx, p->filename, p->filename_len);
  else
    duk_push_null(ctx);
  duk_put_prop_index(ctx, -2, 1);
  if (p->content_type)
    js_push_wire_string(ctx, p->content_type, p->content_type_len);
  else
    duk_push_null(ctx);
  duk_put_prop_index(ctx, -2, 2);
  if (p->data_len)
    memcpy(js_push_bytes(ctx, p->data_len), p->data, p->data_len);
  else
    js_push_bytes(ctx, 0);
  duk_put_prop_index(ctx, -2, 3);
  duk_put_prop_index(ctx, -2, ps->n++);
  return 0;
}

/* Throws the client's error: a 400 whose message is shown (runtime.js's
 * httpError shape). */
static duk_ret_t bad_request(duk_context *ctx, const char *msg) {
  duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "%s", msg);
  duk_push_int(ctx, 400);
  duk_put_prop_literal(ctx, -2, "status");
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, "expose");
  return duk_throw(ctx);
}

/* native.multipart(body, contentType) -> [[name, filename, type, bytes], ...] */
static duk_ret_t js_multipart(duk_context *ctx) {
  size_t len;
  const uint8_t *body = js_require_bytes(ctx, 0, &len);
  duk_size_t ct_len;
  const char *ct = duk_require_lstring(ctx, 1, &ct_len);
  char boundary[MULTIPART_BOUNDARY_MAX + 1];
  int blen = multipart_boundary(ct, ct_len, boundary);
  if (blen < 0) return bad_request(ctx, "multipart/form-data without a valid boundary parameter");
  duk_push_array(ctx);
  struct parts ps = {ctx, 0};
  char err[256];
  if (multipart_parse(body, len, boundary, (size_t)blen, put_part, &ps, err, sizeof err) < 0)
    return bad_request(ctx, err);
  return 1;
}

const duk_function_list_entry js_form_natives[] = {{"multipart", js_multipart, 2}, {NULL, NULL, 0}};
