/* fuzz_fcgi.c: libFuzzer harness for the FastCGI parser (workers/fcgi.c).
 *
 * The input is a byte stream as a peer would send it on one connection.
 * The first byte picks how the stream is chopped into reads (the parser
 * must give the same events whatever the split) and small limits, so the
 * limit checks are reached often.  Every event is handled the way the worker
 * handles it: requests are read param by param and freed, replies drained.
 * Invariants checked: a feed never consumes more than it was given, and the
 * parser makes progress or reports an event (no infinite loop); after
 * FCGI_EV_ERROR every later feed also reports an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fcgi.h"

static void touch_request(const struct fcgi_request *req) {
  /* Read every byte the parser handed out, so ASan sees any overrun. */
  volatile uint8_t sink = 0;
  for (size_t i = 0; i < req->nparams; i++) {
    const struct fcgi_param *p = &req->params[i];
    for (size_t k = 0; k <= p->name_len; k++) sink ^= (uint8_t)p->name[k];
    for (size_t k = 0; k <= p->value_len; k++) sink ^= (uint8_t)p->value[k];
  }
  for (size_t k = 0; k <= req->body_len; k++) sink ^= req->body[k];
  if (req->body[req->body_len] != 0) abort(); /* documented NUL terminator */
  (void)fcgi_request_param(req, "SCRIPT_NAME", NULL);
  (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  data++;
  size--;
  struct fcgi_limits limits = {
      .max_params_bytes = (mode & 0x80) ? 64 : 1024 * 1024,
      .max_body_bytes = (mode & 0x40) ? 16 : 1024 * 1024,
      .max_conns = 1,
      .max_reqs = 1,
  };
  size_t chunk = (mode & 0x3f) == 0 ? size : (size_t)(mode & 0x3f); /* read size */
  struct fcgi_conn *c = fcgi_conn_new(&limits);
  struct evbuffer *out = evbuffer_new();
  if (c == NULL || out == NULL) abort();
  int dead = 0;
  size_t off = 0;
  while (off < size) {
    size_t n = size - off < chunk ? size - off : chunk;
    const uint8_t *p = data + off;
    while (n > 0) {
      struct fcgi_event ev;
      memset(&ev, 0, sizeof ev);
      size_t used = fcgi_conn_feed(c, p, n, out, &ev);
      if (used > n) abort();
      switch (ev.type) {
      case FCGI_EV_REQUEST:
        touch_request(ev.request);
        fcgi_write_stdout(out, ev.request->id, "Status: 200\r\n\r\nok", 17);
        fcgi_write_end(out, ev.request->id, 0, FCGI_REQUEST_COMPLETE);
        fcgi_request_free(ev.request);
        break;
      case FCGI_EV_ERROR:
        if (ev.error == NULL) abort();
        dead = 1;
        break;
      case FCGI_EV_NONE:
        if (used != n) abort(); /* "need more bytes" must consume everything */
        break;
      default: break;
      }
      evbuffer_drain(out, evbuffer_get_length(out));
      if (dead) break;
      p += used;
      n -= used;
    }
    if (dead) break;
    off += chunk < size - off ? chunk : size - off;
  }
  if (dead) { /* a dead connection stays dead */
    struct fcgi_event ev;
    if (fcgi_conn_feed(c, data, size, out, &ev) != 0 || ev.type != FCGI_EV_ERROR) abort();
  }
  fcgi_conn_free(c);
  evbuffer_free(out);

  /* The params decoder on its own, on the raw input. */
  struct fcgi_param *params;
  size_t nparams;
  if (fcgi_params_decode(data, size, &params, &nparams) == 0) {
    for (size_t i = 0; i < nparams; i++)
      if (params[i].name[params[i].name_len] != 0 || params[i].value[params[i].value_len] != 0) abort();
    free(params);
  }
  return 0;
}
