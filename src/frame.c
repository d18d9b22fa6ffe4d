/* frame.c: the worker <-> broker framing (see frame.h, docs/protocol.md).
 *
 * Guarantees: frame_encode appends exactly one whole frame or nothing;
 * frame_decode removes exactly one whole frame or nothing (except after a
 * bad frame, when the stream must be closed anyway).  JSON integers travel
 * exactly over the full int64 range, reals keep 17 significant digits and
 * their "realness" (1.0 is printed "1.0"), and strings may hold NUL bytes
 * (written as \u0000, accepted on input).  A decoded version 2 frame's
 * sections are whole: each one's length lies inside the frame, and they
 * end exactly where the frame does.
 */
#include "autoconfig.h"

#include "frame.h"

#include <event2/buffer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compact output; 17 significant digits make every double round-trip. */
#define FRAME_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

/* Room reserved for a frame's JSON before its size is known: most replies
 * and every ordinary request fit, so one encoding pass is the common case. */
#define FRAME_FIRST_GUESS 4096

/* A version 2 payload starts with this byte, never with a JSON object's
 * '{' (or the whitespace before one). */
#define FRAME_V2_TAG 0x02
/* Version 2's bytes before the JSON: the tag and the JSON's length. */
#define FRAME_V2_PREFIX 5

static void put_u32(unsigned char *p, size_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static size_t get_u32(const unsigned char *p) {
  return ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
}

/* ---- encoding ---------------------------------------------------------- */

/* The sections a message carries, in the order they are written. */
struct sections {
  const json_t **bytes; /* the "$rowset" and "$json" strings (owned by the message) */
  size_t n, cap;
  size_t total; /* their bytes in the frame, lengths included */
};

static int sections_add(struct sections *s, const json_t *bytes) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 4;
    const json_t **b = realloc(s->bytes, cap * sizeof *b);
    if (b == NULL) return -1;
    s->bytes = b;
    s->cap = cap;
  }
  s->bytes[s->n++] = bytes;
  s->total += 4 + json_string_length(bytes);
  return 0;
}

/* The member that names section K in place of member KEY ("$rowset" ->
 * "rowset"), or NULL when KEY is not one whose bytes go to a section. */
static const char *section_index_key(const char *key) {
  if (strcmp(key, FRAME_ROWSET_BYTES) == 0) return FRAME_ROWSET_INDEX;
  if (strcmp(key, FRAME_JSON_BYTES) == 0) return FRAME_JSON_INDEX;
  return NULL;
}

static int holds_section(const json_t *v) {
  const char *k;
  json_t *x;
  size_t i;
  if (json_is_object(v)) {
    json_object_foreach((json_t *)v, k, x) {
      if (section_index_key(k) != NULL || holds_section(x)) return 1;
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, x) {
      if (holds_section(x)) return 1;
    }
  }
  return 0;
}

/* V as it travels: a new reference to V itself when it carries no
 * section, else a copy of the objects and arrays on the way to each
 * "$rowset" or "$json" member, which becomes "rowset": K or "json": K with
 * its bytes added to S.  NULL when out of memory, or when such a member is
 * not a string. */
static json_t *detach_sections(const json_t *v, struct sections *s) {
  if (!holds_section(v)) return json_incref((json_t *)v);
  json_t *copy = json_is_object(v) ? json_object() : json_array();
  const char *k;
  json_t *x;
  size_t i;
  if (copy == NULL) return NULL;
  if (json_is_object(v)) {
    json_object_foreach((json_t *)v, k, x) {
      int rc;
      const char *index_key = section_index_key(k);
      if (index_key != NULL)
        rc = !json_is_string(x) || sections_add(s, x) != 0 ||
             json_object_set_new(copy, index_key, json_integer((json_int_t)s->n - 1)) != 0;
      else
        rc = json_object_set_new(copy, k, detach_sections(x, s)) != 0;
      if (rc) goto fail;
    }
  } else {
    json_array_foreach(v, i, x) {
      if (json_array_append_new(copy, detach_sections(x, s)) != 0) goto fail;
    }
  }
  return copy;
fail:
  json_decref(copy);
  return NULL;
}

/* Writes the frame of MSG (row sets detached into S) into SPACE (CAP
 * bytes).  Returns the frame's size, which fitted if it is <= CAP (else
 * nothing useful was written), or 0 if MSG cannot be encoded or the frame
 * is over the limit. */
static size_t write_frame(const json_t *msg, int version, const struct sections *s, unsigned char *space,
                          size_t cap) {
  size_t before = FRAME_HEADER_LEN + (version == 2 ? FRAME_V2_PREFIX : 0);
  size_t room = cap > before + s->total ? cap - before - s->total : 0;
  size_t n = json_dumpb(msg, room ? (char *)space + before : NULL, room, FRAME_DUMP_FLAGS);
  if (n == 0 || n > FRAME_DEFAULT_MAX_BYTES) return 0;
  size_t payload = before - FRAME_HEADER_LEN + n + s->total;
  if (payload > FRAME_DEFAULT_MAX_BYTES) return 0;
  if (FRAME_HEADER_LEN + payload > cap) return FRAME_HEADER_LEN + payload;
  put_u32(space, payload);
  if (version == 2) {
    space[FRAME_HEADER_LEN] = FRAME_V2_TAG;
    put_u32(space + FRAME_HEADER_LEN + 1, n);
    unsigned char *o = space + before + n;
    for (size_t i = 0; i < s->n; i++) {
      size_t len = json_string_length(s->bytes[i]);
      put_u32(o, len);
      memcpy(o + 4, json_string_value(s->bytes[i]), len);
      o += 4 + len;
    }
  }
  return FRAME_HEADER_LEN + payload;
}

/* Where a frame is written: SPACE returns room for at least WANT bytes
 * (and its capacity in *CAP) or NULL; DONE commits LEN bytes of it and
 * returns 0 or -1. */
struct frame_sink {
  unsigned char *(*space)(void *arg, size_t want, size_t *cap);
  int (*done)(void *arg, size_t len);
  void *arg;
};

static int encode(const json_t *msg, int version, const struct frame_sink *sink) {
  if (msg == NULL || !json_is_object(msg) || (version != 1 && version != 2)) return -1;
  struct sections s = {0};
  json_t *wire = detach_sections(msg, &s);
  int rc = -1;
  /* JSON is written straight into the sink's space behind room for the
   * header; a second pass with the exact size follows only when the first
   * guess was short. */
  size_t want = FRAME_HEADER_LEN + FRAME_V2_PREFIX + FRAME_FIRST_GUESS + s.total;
  for (int pass = 0; pass < 2 && wire != NULL && (version == 2 || s.n == 0); pass++) {
    size_t cap, n;
    unsigned char *space = sink->space(sink->arg, want, &cap);
    if (space == NULL || (n = write_frame(wire, version, &s, space, cap)) == 0) break;
    if (n <= cap) {
      rc = sink->done(sink->arg, n);
      break;
    }
    want = n;
  }
  json_decref(wire);
  free(s.bytes);
  return rc;
}

/* Reserved space is not part of the evbuffer until committed, so a failure
 * at any step leaves it untouched: there is never half a frame on the wire. */
struct evbuffer_sink {
  struct evbuffer *out;
  struct evbuffer_iovec v;
};

static unsigned char *evbuffer_space(void *arg, size_t want, size_t *cap) {
  struct evbuffer_sink *e = arg;
  if (evbuffer_reserve_space(e->out, (ev_ssize_t)want, &e->v, 1) != 1 || e->v.iov_len < want) return NULL;
  *cap = e->v.iov_len;
  return e->v.iov_base;
}

static int evbuffer_done(void *arg, size_t len) {
  struct evbuffer_sink *e = arg;
  e->v.iov_len = len;
  return evbuffer_commit_space(e->out, &e->v, 1) == 0 ? 0 : -1;
}

int frame_encode(struct evbuffer *out, const json_t *msg, int version) {
  if (out == NULL) return -1;
  struct evbuffer_sink e = {.out = out};
  struct frame_sink sink = {evbuffer_space, evbuffer_done, &e};
  return encode(msg, version, &sink);
}

struct mem_sink {
  unsigned char **buf;
  size_t *cap, *len;
};

static unsigned char *mem_space(void *arg, size_t want, size_t *cap) {
  struct mem_sink *m = arg;
  if (*m->cap < want) {
    unsigned char *bigger = realloc(*m->buf, want);
    if (bigger == NULL) return NULL;
    *m->buf = bigger;
    *m->cap = want;
  }
  *cap = *m->cap;
  return *m->buf;
}

static int mem_done(void *arg, size_t len) {
  *((struct mem_sink *)arg)->len = len;
  return 0;
}

int frame_encode_mem(const json_t *msg, int version, unsigned char **buf, size_t *cap, size_t *len) {
  struct mem_sink m = {buf, cap, len};
  struct frame_sink sink = {mem_space, mem_done, &m};
  return encode(msg, version, &sink);
}

/* ---- decoding ---------------------------------------------------------- */

/* The JSON text P (LEN bytes) as a message; NULL with ERR set if it is not
 * one JSON object. */
static json_t *decode_json(const unsigned char *p, size_t len, char *err, size_t errlen) {
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

/* Checks that the LEN bytes at P are whole sections, end to end. */
static int sections_whole(const unsigned char *p, size_t len, char *err, size_t errlen) {
  size_t off = 0;
  while (off < len) {
    if (len - off < 4 || len - off - 4 < get_u32(p + off)) {
      snprintf(err, errlen, "frame section at byte %zu runs past the end of the frame", off);
      return -1;
    }
    off += 4 + get_u32(p + off);
  }
  return 0;
}

/* Decodes the payload P (LEN bytes) into F. */
static int decode_payload(const unsigned char *p, size_t len, struct frame_in *f, char *err, size_t errlen) {
  if (len == 0 || p[0] != FRAME_V2_TAG) {
    f->version = 1;
    f->msg = decode_json(p, len, err, errlen);
    return f->msg ? 1 : -1;
  }
  f->version = 2;
  if (len < FRAME_V2_PREFIX || len - FRAME_V2_PREFIX < get_u32(p + 1)) {
    snprintf(err, errlen, "version 2 frame of %zu bytes too short for its JSON part", len);
    return -1;
  }
  size_t json_len = get_u32(p + 1);
  size_t rest = len - FRAME_V2_PREFIX - json_len;
  if (sections_whole(p + FRAME_V2_PREFIX + json_len, rest, err, errlen) != 0) return -1;
  f->msg = decode_json(p + FRAME_V2_PREFIX, json_len, err, errlen);
  if (f->msg == NULL) return -1;
  f->sections = rest ? p + FRAME_V2_PREFIX + json_len : NULL;
  f->sections_len = rest;
  return 1;
}

int frame_decode_mem(const unsigned char *p, size_t have, size_t max_bytes, struct frame_in *f,
                     size_t *frame_len, char *err, size_t errlen) {
  memset(f, 0, sizeof *f);
  *frame_len = 0;
  if (have < FRAME_HEADER_LEN) return 0;
  size_t len = get_u32(p);
  if (len > max_bytes) {
    snprintf(err, errlen, "frame of %zu bytes exceeds the limit of %zu bytes", len, max_bytes);
    return -1;
  }
  *frame_len = FRAME_HEADER_LEN + len;
  if (have - FRAME_HEADER_LEN < len) return 0;
  return decode_payload(p + FRAME_HEADER_LEN, len, f, err, errlen);
}

int frame_decode(struct evbuffer *in, size_t max_bytes, json_t **msg, int *version, char *err,
                 size_t errlen) {
  *msg = NULL;
  unsigned char hdr[FRAME_HEADER_LEN];
  size_t have = evbuffer_get_length(in), frame_len;
  struct frame_in f;
  if (have < FRAME_HEADER_LEN) return 0;
  if (evbuffer_copyout(in, hdr, FRAME_HEADER_LEN) != FRAME_HEADER_LEN) {
    snprintf(err, errlen, "cannot read frame header");
    return -1;
  }
  /* The header alone: the limit is checked before waiting for the payload. */
  if (frame_decode_mem(hdr, FRAME_HEADER_LEN, max_bytes, &f, &frame_len, err, errlen) < 0) return -1;
  if (have < frame_len) return 0;
  unsigned char *p = evbuffer_pullup(in, (ev_ssize_t)frame_len);
  if (p == NULL) {
    snprintf(err, errlen, "out of memory reading a %zu-byte frame", frame_len - FRAME_HEADER_LEN);
    return -1;
  }
  int r = frame_decode_mem(p, frame_len, max_bytes, &f, &frame_len, err, errlen);
  if (r > 0 && f.sections_len > 0) {
    snprintf(err, errlen, "a request frame carries no sections (%zu bytes after its JSON)", f.sections_len);
    r = -1;
  }
  if (evbuffer_drain(in, frame_len) != 0) {
    snprintf(err, errlen, "cannot drain frame");
    r = -1;
  }
  if (r < 0) {
    json_decref(f.msg);
    return -1;
  }
  *msg = f.msg;
  *version = f.version;
  return r;
}

int frame_section(const unsigned char *sections, size_t len, json_int_t k, const unsigned char **p,
                  size_t *n) {
  size_t off = 0;
  for (json_int_t i = 0; k >= 0 && off < len && len - off >= 4; i++) {
    size_t sl = get_u32(sections + off);
    if (len - off - 4 < sl) return -1;
    if (i == k) {
      *p = sections + off + 4;
      *n = sl;
      return 0;
    }
    off += 4 + sl;
  }
  return -1;
}
