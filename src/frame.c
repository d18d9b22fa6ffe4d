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

/* Writes MSG's JSON behind room for the header in SPACE (CAP bytes) and,
 * when it fits, the header.  Returns the payload's size (it fitted if
 * FRAME_HEADER_LEN + size <= CAP; else nothing useful was written), or 0
 * if MSG cannot be encoded or is over the frame limit. */
static size_t dump_frame(const json_t *msg, unsigned char *space, size_t cap) {
  size_t n = json_dumpb(msg, (char *)space + FRAME_HEADER_LEN, cap - FRAME_HEADER_LEN, FRAME_DUMP_FLAGS);
  if (n > FRAME_DEFAULT_MAX_BYTES)
    return 0;
  if (n > 0 && FRAME_HEADER_LEN + n <= cap)
    put_header(space, n);
  return n;
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
    size_t n = dump_frame(msg, v.iov_base, v.iov_len);
    if (n == 0)
      return -1;
    want = FRAME_HEADER_LEN + n;
    if (want <= v.iov_len) {
      v.iov_len = want;
      return evbuffer_commit_space(out, &v, 1) == 0 ? 0 : -1;
    }
  }
  return -1;
}

int frame_encode_mem(const json_t *msg, unsigned char **buf, size_t *cap, size_t *len) {
  if (msg == NULL || !json_is_object(msg))
    return -1;
  size_t want = FRAME_FIRST_GUESS;
  for (int pass = 0; pass < 2; pass++) {
    if (*cap < want) {
      unsigned char *bigger = realloc(*buf, want);
      if (bigger == NULL)
        return -1;
      *buf = bigger;
      *cap = want;
    }
    size_t n = dump_frame(msg, *buf, *cap);
    if (n == 0)
      return -1;
    want = FRAME_HEADER_LEN + n;
    if (want <= *cap) {
      *len = want;
      return 0;
    }
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
  unsigned char hdr[FRAME_HEADER_LEN];
  size_t have = evbuffer_get_length(in), frame_len;
  if (have < FRAME_HEADER_LEN)
    return 0;
  if (evbuffer_copyout(in, hdr, FRAME_HEADER_LEN) != FRAME_HEADER_LEN) {
    snprintf(err, errlen, "cannot read frame header");
    return -1;
  }
  /* The header alone: the limit is checked before waiting for the payload,
   * so a peer cannot make us buffer an oversized frame. */
  if (frame_decode_mem(hdr, FRAME_HEADER_LEN, max_bytes, msg, &frame_len, err, errlen) < 0)
    return -1;
  if (have < frame_len)
    return 0;
  unsigned char *p = evbuffer_pullup(in, (ev_ssize_t)frame_len);
  if (p == NULL) {
    snprintf(err, errlen, "out of memory reading a %zu-byte frame", frame_len - FRAME_HEADER_LEN);
    return -1;
  }
  int r = frame_decode_mem(p, frame_len, max_bytes, msg, &frame_len, err, errlen);
  if (evbuffer_drain(in, frame_len) != 0) {
    json_decref(*msg);
    *msg = NULL;
    snprintf(err, errlen, "cannot drain frame");
    return -1;
  }
  return r;
}
