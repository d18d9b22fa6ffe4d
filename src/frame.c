/* frame.c: the worker <-> broker framing (see frame.h, docs/protocol.md).
 *
 * Guarantees: frame_encode appends exactly one whole frame or nothing;
 * frame_decode removes exactly one whole frame or nothing (except after a
 * bad frame, when the stream must be closed anyway).  JSON integers travel
 * exactly over the full int64 range, reals keep 17 significant digits and
 * their "realness" (1.0 is printed "1.0"), and strings may hold NUL bytes
 * (written as \u0000, accepted on input).
 */
#include "autoconfig.h"

#include "frame.h"

#include <event2/buffer.h>
#include <stdint.h>
#include <stdio.h>

/* Compact output; 17 significant digits make every double round-trip. */
#define FRAME_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

static int frame_dump_cb(const char *buffer, size_t size, void *data) {
  return evbuffer_add(data, buffer, size);
}

int frame_encode(struct evbuffer *out, const json_t *msg) {
  if (out == NULL || msg == NULL || !json_is_object(msg))
    return -1;
  /* Serialize once into a scratch evbuffer, then move its chains (no copy)
   * behind the header: a failure at any step leaves OUT untouched, so there
   * is never half a frame on the wire. */
  struct evbuffer *tmp = evbuffer_new();
  if (tmp == NULL)
    return -1;
  int rc = -1;
  if (json_dump_callback(msg, frame_dump_cb, tmp, FRAME_DUMP_FLAGS) != 0)
    goto done;
  size_t len = evbuffer_get_length(tmp);
  if (len == 0 || len > FRAME_DEFAULT_MAX_BYTES)
    goto done;
  uint32_t n = (uint32_t)len;
  unsigned char hdr[FRAME_HEADER_LEN] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                                         (unsigned char)(n >> 8), (unsigned char)n};
  if (evbuffer_prepend(tmp, hdr, sizeof hdr) != 0)
    goto done;
  if (evbuffer_add_buffer(out, tmp) != 0)
    goto done;
  rc = 0;
done:
  evbuffer_free(tmp);
  return rc;
}

int frame_decode(struct evbuffer *in, size_t max_bytes, json_t **msg, char *err, size_t errlen) {
  *msg = NULL;
  size_t have = evbuffer_get_length(in);
  if (have < FRAME_HEADER_LEN)
    return 0;
  unsigned char hdr[FRAME_HEADER_LEN];
  if (evbuffer_copyout(in, hdr, FRAME_HEADER_LEN) != FRAME_HEADER_LEN) {
    snprintf(err, errlen, "cannot read frame header");
    return -1;
  }
  size_t len = ((size_t)hdr[0] << 24) | ((size_t)hdr[1] << 16) | ((size_t)hdr[2] << 8) | hdr[3];
  /* Checked before waiting for the payload, so a peer cannot make us buffer
   * an oversized frame. */
  if (len > max_bytes) {
    snprintf(err, errlen, "frame of %zu bytes exceeds the limit of %zu bytes", len, max_bytes);
    return -1;
  }
  if (have - FRAME_HEADER_LEN < len)
    return 0;
  unsigned char *p = evbuffer_pullup(in, (ev_ssize_t)(FRAME_HEADER_LEN + len));
  if (p == NULL) {
    snprintf(err, errlen, "out of memory reading a %zu-byte frame", len);
    return -1;
  }
  json_error_t jerr;
  /* JSON_ALLOW_NUL: text values may contain NUL bytes (\u0000).  The default
   * EOF check rejects anything after the single JSON value. */
  json_t *v = json_loadb((const char *)p + FRAME_HEADER_LEN, len, JSON_ALLOW_NUL, &jerr);
  if (evbuffer_drain(in, FRAME_HEADER_LEN + len) != 0) {
    json_decref(v);
    snprintf(err, errlen, "cannot drain frame");
    return -1;
  }
  if (v == NULL) {
    snprintf(err, errlen, "invalid JSON in frame: %s (at byte %d)", jerr.text, jerr.position);
    return -1;
  }
  if (!json_is_object(v)) {
    json_decref(v);
    snprintf(err, errlen, "frame payload is not a JSON object");
    return -1;
  }
  *msg = v;
  return 1;
}
