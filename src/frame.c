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
#include <stdlib.h>

/* Compact output; 17 significant digits make every double round-trip. */
#define FRAME_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

/* Room reserved for a frame before its size is known: most replies and
 * every ordinary request fit, so one encoding pass is the common case. */
#define FRAME_FIRST_GUESS 4096

static void put_header(unsigned char *p, size_t len) {
  p[0] = (unsigned char)(len >> 24);
  p[1] = (unsigned char)(len >> 16);
  p[2] = (unsigned char)(len >> 8);
  p[3] = (unsigned char)len;
}

static size_t get_header(const unsigned char *p) {
  return ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
}

int frame_encode(struct evbuffer *out, const json_t *msg) {
  if (out == NULL || msg == NULL || !json_is_object(msg))
    return -1;
  /* JSON is written straight into reserved space behind room for the
   * header; a second pass with the exact size follows only when the first
   * guess was short.  Reserved space is not part of OUT until committed,
   * so a failure at any step leaves OUT untouched: there is never half a
   * frame on the wire. */
  size_t want = FRAME_FIRST_GUESS;
  for (int pass = 0; pass < 2; pass++) {
    struct evbuffer_iovec v;
    if (evbuffer_reserve_space(out, (ev_ssize_t)want, &v, 1) != 1 || v.iov_len < want)
      return -1;
    size_t room = v.iov_len - FRAME_HEADER_LEN;
    size_t n = json_dumpb(msg, (char *)v.iov_base + FRAME_HEADER_LEN, room, FRAME_DUMP_FLAGS);
    if (n == 0 || n > FRAME_DEFAULT_MAX_BYTES)
      return -1;
    if (n <= room) {
      put_header(v.iov_base, n);
      v.iov_len = FRAME_HEADER_LEN + n;
      return evbuffer_commit_space(out, &v, 1) == 0 ? 0 : -1;
    }
    want = FRAME_HEADER_LEN + n;
  }
  return -1;
}

int frame_encode_mem(const json_t *msg, unsigned char **buf, size_t *cap, size_t *len) {
  if (msg == NULL || !json_is_object(msg))
    return -1;
  for (int pass = 0; pass < 2; pass++) {
    if (*cap < FRAME_FIRST_GUESS) {
      unsigned char *bigger = realloc(*buf, FRAME_FIRST_GUESS);
      if (bigger == NULL)
        return -1;
      *buf = bigger;
      *cap = FRAME_FIRST_GUESS;
    }
    size_t room = *cap - FRAME_HEADER_LEN;
    size_t n = json_dumpb(msg, (char *)*buf + FRAME_HEADER_LEN, room, FRAME_DUMP_FLAGS);
    if (n == 0 || n > FRAME_DEFAULT_MAX_BYTES)
      return -1;
    if (n <= room) {
      put_header(*buf, n);
      *len = FRAME_HEADER_LEN + n;
      return 0;
    }
    unsigned char *bigger = realloc(*buf, FRAME_HEADER_LEN + n);
    if (bigger == NULL)
      return -1;
    *buf = bigger;
    *cap = FRAME_HEADER_LEN + n;
  }
  return -1;
}

/* The JSON payload P (LEN bytes) as a message; NULL with ERR set if it is
 * not one JSON object. */
static json_t *decode_payload(const unsigned char *p, size_t len, char *err, size_t errlen) {
  json_error_t jerr;
  /* JSON_ALLOW_NUL: text values may contain NUL bytes (\u0000).  The default
   * EOF check rejects anything after the single JSON value. */
  json_t *v = json_loadb((const char *)p, len, JSON_ALLOW_NUL, &jerr);
  if (v == NULL) {
    snprintf(err, errlen, "invalid JSON in frame: %s (at byte %d)", jerr.text, jerr.position);
    return NULL;
  }
  if (!json_is_object(v)) {
    json_decref(v);
    snprintf(err, errlen, "frame payload is not a JSON object");
    return NULL;
  }
  return v;
}

int frame_decode_mem(const unsigned char *p, size_t have, size_t max_bytes, json_t **msg,
                     size_t *frame_len, char *err, size_t errlen) {
  *msg = NULL;
  *frame_len = 0;
  if (have < FRAME_HEADER_LEN)
    return 0;
  size_t len = get_header(p);
  if (len > max_bytes) {
    snprintf(err, errlen, "frame of %zu bytes exceeds the limit of %zu bytes", len, max_bytes);
    return -1;
  }
  *frame_len = FRAME_HEADER_LEN + len;
  if (have - FRAME_HEADER_LEN < len)
    return 0;
  *msg = decode_payload(p + FRAME_HEADER_LEN, len, err, errlen);
  return *msg ? 1 : -1;
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
  size_t len = get_header(hdr);
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
  json_t *v = decode_payload(p + FRAME_HEADER_LEN, len, err, errlen);
  if (evbuffer_drain(in, FRAME_HEADER_LEN + len) != 0) {
    json_decref(v);
    snprintf(err, errlen, "cannot drain frame");
    return -1;
  }
  *msg = v;
  return v ? 1 : -1;
}
