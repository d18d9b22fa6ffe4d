/* fcgi.c: FastCGI 1.0 responder codec.
 *
 * Parser state invariants (struct fcgi_conn):
 *
 *  - Input is consumed record by record through three phases: HEADER (hdr
 *    holds hdr_len < 8 bytes of the next header), CONTENT (content_left bytes
 *    of the current record still to come) and PADDING (padding_left bytes to
 *    skip).  Bytes are never looked at twice and never read past LEN.
 *  - Every check that can reject a record is made when its header completes,
 *    before any content is stored, so a record over a limit never causes an
 *    allocation.  Once the header is accepted, `sink` points at room for the
 *    whole content (or is NULL to discard it); that room is reserved up front
 *    and nothing reallocates it until the record is complete.
 *  - A record takes effect (fcgi_record_done) only after its padding has been
 *    consumed, so the byte count returned with an event always ends on a
 *    record boundary.
 *  - At most one request is open (req != NULL) between its BEGIN_REQUEST and
 *    its empty STDIN record.  params_done says the PARAMS stream has ended
 *    and req->params is decoded; until then `params` holds the raw stream.
 *    `body` holds STDIN bytes with one spare byte kept for the terminating
 *    NUL, and its storage moves into the request when it is handed out.
 *  - rejected_id (valid if has_rejected) is the last id we refused with
 *    END_REQUEST or FCGI_EV_TOO_LARGE.  Peers pipeline BEGIN_REQUEST with the rest of the request,
 *    so its stream records still arrive and are dropped rather than treated
 *    as a protocol error.
 *  - error != NULL means the connection is dead; nothing changes after that.
 */
#include "fcgi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

enum fcgi_phase { FCGI_PH_HEADER, FCGI_PH_CONTENT, FCGI_PH_PADDING };

struct fcgi_buf {
  uint8_t *data;
  size_t len;
  size_t cap;
};

struct fcgi_conn {
  struct fcgi_limits limits;
  const char *error;

  enum fcgi_phase phase;
  uint8_t hdr[FCGI_HEADER_LEN];
  size_t hdr_len;

  /* The record being read. */
  uint8_t type;
  uint16_t id;
  size_t content_len;
  size_t content_left;
  size_t padding_left;
  uint8_t *sink;

  uint8_t begin_body[8];
  struct fcgi_buf mgmt; /* content of a GET_VALUES record */

  struct fcgi_request *req;
  int params_done;
  struct fcgi_buf params;
  struct fcgi_buf body;

  int has_rejected;
  uint16_t rejected_id;
  int body_too_large; /* the STDIN record being read takes the body over max_body_bytes */
};

static const char fcgi_err_oom[] = "out of memory";

/* ---- growable buffer ---------------------------------------------------- */

/* Ensures room for EXTRA more bytes.  Doubling keeps the total copying of a
 * body assembled from many records linear in its size. */
static int fcgi_buf_reserve(struct fcgi_buf *b, size_t extra) {
  if (extra <= b->cap - b->len) return 0;
  if (extra > SIZE_MAX - b->len) return -1;
  size_t need = b->len + extra;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  uint8_t *p = realloc(b->data, cap);
  if (!p) return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

static void fcgi_buf_release(struct fcgi_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* ---- name-value pairs --------------------------------------------------- */

/* Reads one length (1 byte, or 4 bytes with the top bit set) at *pos. */
static int fcgi_read_len(const uint8_t *data, size_t len, size_t *pos, size_t *out) {
  if (*pos >= len) return -1;
  uint8_t b0 = data[*pos];
  if (!(b0 & 0x80)) {
    *out = b0;
    *pos += 1;
    return 0;
  }
  if (len - *pos < 4) return -1;
  const uint8_t *p = data + *pos;
  *out = ((size_t)(p[0] & 0x7f) << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
  *pos += 4;
  return 0;
}

/* Walks the pairs of DATA.  With PARAMS NULL it only validates and counts:
 * *npairs and *strbytes (name and value bytes plus their NULs) are set so
 * that the caller can size one allocation.  With PARAMS set it fills them,
 * copying strings into STR.  All arithmetic is checked against what remains
 * of the buffer, so a 2^31 length cannot wrap around. */
static int fcgi_pairs_walk(const uint8_t *data, size_t len, struct fcgi_param *params, char *str,
                           size_t *npairs, size_t *strbytes) {
  size_t pos = 0, n = 0, bytes = 0;
  while (pos < len) {
    size_t nlen, vlen;
    if (fcgi_read_len(data, len, &pos, &nlen) < 0 || fcgi_read_len(data, len, &pos, &vlen) < 0) return -1;
    if (nlen > len - pos || vlen > len - pos - nlen) return -1;
    if (params) {
      struct fcgi_param *p = &params[n];
      p->name = str;
      p->name_len = nlen;
      memcpy(str, data + pos, nlen);
      str[nlen] = '\0';
      str += nlen + 1;
      p->value = str;
      p->value_len = vlen;
      memcpy(str, data + pos + nlen, vlen);
      str[vlen] = '\0';
      str += vlen + 1;
    }
    pos += nlen + vlen;
    /* Each pair costs at least 2 input bytes and adds 2 NULs, so this sum is
     * bounded by 2 * len and cannot overflow for any buffer that fits. */
    bytes += nlen + vlen + 2;
    n++;
  }
  *npairs = n;
  *strbytes = bytes;
  return 0;
}

/* The array and every string live in one allocation, so free(*params)
 * releases all of it.  Returns 0, -1 (malformed) or -2 (out of memory). */
static int fcgi_params_decode_impl(const uint8_t *data, size_t len, struct fcgi_param **params,
                                   size_t *nparams) {
  size_t n, strbytes;
  *params = NULL;
  *nparams = 0;
  if (fcgi_pairs_walk(data, len, NULL, NULL, &n, &strbytes) < 0) return -1;
  if (n == 0) return 0;
  if (n > (SIZE_MAX - strbytes) / sizeof(struct fcgi_param)) return -2;
  struct fcgi_param *p = malloc(n * sizeof(*p) + strbytes);
  if (!p) return -2;
  fcgi_pairs_walk(data, len, p, (char *)(p + n), &n, &strbytes);
  *params = p;
  *nparams = n;
  return 0;
}

int fcgi_params_decode(const uint8_t *data, size_t len, struct fcgi_param **params, size_t *nparams) {
  return fcgi_params_decode_impl(data, len, params, nparams) == 0 ? 0 : -1;
}

static size_t fcgi_encode_len(uint8_t *p, size_t len) {
  if (len < 0x80) {
    p[0] = (uint8_t)len;
    return 1;
  }
  p[0] = (uint8_t)(((len >> 24) & 0x7f) | 0x80);
  p[1] = (uint8_t)(len >> 16);
  p[2] = (uint8_t)(len >> 8);
  p[3] = (uint8_t)len;
  return 4;
}

void fcgi_params_encode(struct evbuffer *out, const char *name, size_t name_len, const char *value,
                        size_t value_len) {
  uint8_t lens[8];
  size_t n = fcgi_encode_len(lens, name_len);
  n += fcgi_encode_len(lens + n, value_len);
  evbuffer_add(out, lens, n);
  evbuffer_add(out, name, name_len);
  evbuffer_add(out, value, value_len);
}

const char *fcgi_request_param(const struct fcgi_request *req, const char *name, size_t *len) {
  size_t nlen = strlen(name);
  for (size_t i = 0; i < req->nparams; i++) {
    const struct fcgi_param *p = &req->params[i];
    if (p->name_len == nlen && memcmp(p->name, name, nlen) == 0) {
      if (len) *len = p->value_len;
      return p->value;
    }
  }
  return NULL;
}

/* ---- record output ------------------------------------------------------ */

/* Fills H with the header of a record of LEN (<= FCGI_MAX_CONTENT)
 * content bytes and returns the padding that follows them. */
static size_t fcgi_record_header(uint8_t h[FCGI_HEADER_LEN], uint8_t type, uint16_t id, size_t len) {
  size_t pad = (8 - (len & 7)) & 7;
  const uint8_t header[FCGI_HEADER_LEN] = {
      FCGI_VERSION_1,      type,         (uint8_t)(id >> 8), (uint8_t)id,
      (uint8_t)(len >> 8), (uint8_t)len, (uint8_t)pad,       0,
  };
  memcpy(h, header, FCGI_HEADER_LEN);
  return pad;
}

/* The content of an END_REQUEST record. */
static void fcgi_end_request_body(uint8_t b[8], uint32_t app_status, uint8_t protocol_status) {
  const uint8_t body[8] = {(uint8_t)(app_status >> 24),
                           (uint8_t)(app_status >> 16),
                           (uint8_t)(app_status >> 8),
                           (uint8_t)app_status,
                           protocol_status,
                           0,
                           0,
                           0};
  memcpy(b, body, 8);
}

static void fcgi_put_record(struct evbuffer *out, uint8_t type, uint16_t id, const void *content,
                            size_t len) {
  static const uint8_t zeros[8];
  uint8_t h[FCGI_HEADER_LEN];
  size_t pad = fcgi_record_header(h, type, id, len);
  /* One expansion up front so the record lands whole or, if memory runs out,
   * not at all: a torn record would desynchronize the peer. */
  if (evbuffer_expand(out, sizeof(h) + len + pad) < 0) return;
  evbuffer_add(out, h, sizeof(h));
  if (len) evbuffer_add(out, content, len);
  if (pad) evbuffer_add(out, zeros, pad);
}

/* Content longer than one record is split; that is only meaningful for the
 * stream types, which are the only ones that get that large. */
void fcgi_write_record(struct evbuffer *out, uint8_t type, uint16_t id, const void *content, size_t len) {
  const uint8_t *p = content;
  do {
    size_t n = len < FCGI_MAX_CONTENT ? len : FCGI_MAX_CONTENT;
    fcgi_put_record(out, type, id, p, n);
    p += n;
    len -= n;
  } while (len > 0);
}

void fcgi_write_stdout(struct evbuffer *out, uint16_t id, const void *data, size_t len) {
  if (len) fcgi_write_record(out, FCGI_STDOUT, id, data, len);
}

void fcgi_write_stderr(struct evbuffer *out, uint16_t id, const void *data, size_t len) {
  if (len) fcgi_write_record(out, FCGI_STDERR, id, data, len);
}

static void fcgi_put_end_request(struct evbuffer *out, uint16_t id, uint32_t app_status,
                                 uint8_t protocol_status) {
  uint8_t b[8];
  fcgi_end_request_body(b, app_status, protocol_status);
  fcgi_put_record(out, FCGI_END_REQUEST, id, b, sizeof(b));
}

void fcgi_encode_end(uint8_t out[FCGI_END_LEN], uint16_t id, uint32_t app_status, uint8_t protocol_status) {
  fcgi_record_header(out, FCGI_STDOUT, id, 0); /* the end of the stream */
  fcgi_record_header(out + FCGI_HEADER_LEN, FCGI_END_REQUEST, id, 8);
  fcgi_end_request_body(out + 2 * FCGI_HEADER_LEN, app_status, protocol_status);
}

void fcgi_write_end(struct evbuffer *out, uint16_t id, uint32_t app_status, uint8_t protocol_status) {
  uint8_t end[FCGI_END_LEN];
  fcgi_encode_end(end, id, app_status, protocol_status);
  evbuffer_add(out, end, sizeof end);
}

size_t fcgi_encode_reply(uint8_t *out, size_t cap, uint16_t id, const void *data, size_t len) {
  size_t need = FCGI_HEADER_LEN + len + ((8 - (len & 7)) & 7) + FCGI_END_LEN;
  if (len == 0 || len > FCGI_MAX_CONTENT || need > cap) return 0;
  size_t n = 0;
  size_t pad = fcgi_record_header(out, FCGI_STDOUT, id, len);
  n += FCGI_HEADER_LEN;
  memcpy(out + n, data, len);
  n += len;
  memset(out + n, 0, pad);
  n += pad;
  fcgi_encode_end(out + n, id, 0, FCGI_REQUEST_COMPLETE);
  return n + FCGI_END_LEN;
}

size_t fcgi_iov_stdout(struct fcgi_iov *f, uint16_t id, const void *head, size_t head_len, const void *body,
                       size_t body_len) {
  static const uint8_t zeros[8];
  const uint8_t *h = head, *b = body;
  size_t framed = 0;
  f->n = 0;
  for (int r = 0; r < FCGI_IOV_RECORDS && head_len + body_len > 0; r++) {
    size_t len =
        head_len + body_len < FCGI_IOV_RECORD_CONTENT ? head_len + body_len : FCGI_IOV_RECORD_CONTENT;
    size_t pad = fcgi_record_header(f->headers[r], FCGI_STDOUT, id, len);
    f->iov[f->n++] = (struct iovec){f->headers[r], FCGI_HEADER_LEN};
    size_t from_head = head_len < len ? head_len : len;
    if (from_head > 0) {
      f->iov[f->n++] = (struct iovec){(void *)h, from_head};
      h += from_head;
      head_len -= from_head;
    }
    if (len > from_head) {
      f->iov[f->n++] = (struct iovec){(void *)b, len - from_head};
      b += len - from_head;
      body_len -= len - from_head;
    }
    if (pad > 0) f->iov[f->n++] = (struct iovec){(void *)zeros, pad};
    framed += len;
  }
  return framed;
}

/* ---- connection --------------------------------------------------------- */

struct fcgi_conn *fcgi_conn_new(const struct fcgi_limits *limits) {
  struct fcgi_conn *c = calloc(1, sizeof(*c));
  if (!c) return NULL;
  c->limits = *limits;
  c->phase = FCGI_PH_HEADER;
  return c;
}

void fcgi_request_free(struct fcgi_request *req) {
  if (!req) return;
  free(req->params);
  free(req->body);
  free(req);
}

static void fcgi_drop_request(struct fcgi_conn *c) {
  fcgi_request_free(c->req);
  c->req = NULL;
  c->params_done = 0;
  c->params.len = 0;
  fcgi_buf_release(&c->body);
}

void fcgi_conn_free(struct fcgi_conn *c) {
  if (!c) return;
  fcgi_drop_request(c);
  fcgi_buf_release(&c->params);
  fcgi_buf_release(&c->mgmt);
  free(c);
}

static void fcgi_die(struct fcgi_conn *c, struct fcgi_event *ev, const char *msg) {
  c->error = msg;
  fcgi_drop_request(c);
  fcgi_buf_release(&c->params);
  fcgi_buf_release(&c->mgmt);
  ev->type = FCGI_EV_ERROR;
  ev->error = msg;
}

static int fcgi_is_rejected(const struct fcgi_conn *c, uint16_t id) {
  return c->has_rejected && c->rejected_id == id;
}

static int fcgi_is_open(const struct fcgi_conn *c, uint16_t id) { return c->req && c->req->id == id; }

/* Validates the header just completed and decides where its content goes.
 * Returns NULL or the reason to drop the connection. */
static const char *fcgi_header_done(struct fcgi_conn *c) {
  const uint8_t *h = c->hdr;
  if (h[0] != FCGI_VERSION_1) return "unsupported FastCGI protocol version";
  c->type = h[1];
  c->id = (uint16_t)(h[2] << 8 | h[3]);
  c->content_len = c->content_left = (size_t)h[4] << 8 | h[5];
  c->padding_left = h[6];
  c->sink = NULL;

  switch (c->type) {
  case FCGI_END_REQUEST:
  case FCGI_STDOUT:
  case FCGI_STDERR:
  case FCGI_GET_VALUES_RESULT:
  case FCGI_UNKNOWN_TYPE: return "web server sent a record type reserved for applications";
  default: break;
  }

  if (c->id == 0) {
    /* Management record: everything but GET_VALUES is answered with
     * UNKNOWN_TYPE once the record has been skipped. */
    if (c->type == FCGI_GET_VALUES) {
      c->mgmt.len = 0;
      if (fcgi_buf_reserve(&c->mgmt, c->content_len) < 0) return fcgi_err_oom;
      c->sink = c->mgmt.data;
    }
    return NULL;
  }

  switch (c->type) {
  case FCGI_BEGIN_REQUEST:
    if (c->content_len != sizeof(c->begin_body))
      return "BEGIN_REQUEST record with a content length other than 8";
    c->sink = c->begin_body;
    return NULL;
  case FCGI_ABORT_REQUEST: return NULL;
  case FCGI_PARAMS:
    if (fcgi_is_rejected(c, c->id)) return NULL;
    if (!fcgi_is_open(c, c->id)) return "PARAMS record for a request that is not open";
    if (c->params_done) return "PARAMS record after the end of the PARAMS stream";
    if (c->content_len > c->limits.max_params_bytes - c->params.len) return "params too large";
    if (fcgi_buf_reserve(&c->params, c->content_len) < 0) return fcgi_err_oom;
    /* An empty record may come before any storage exists (data NULL), and
     * NULL + 0 is undefined behaviour: nothing to store then. */
    c->sink = c->content_len ? c->params.data + c->params.len : NULL;
    return NULL;
  case FCGI_STDIN:
    if (fcgi_is_rejected(c, c->id)) return NULL;
    if (!fcgi_is_open(c, c->id)) return "STDIN record for a request that is not open";
    if (!c->params_done) return "STDIN record before the end of the PARAMS stream";
    if (c->content_len > c->limits.max_body_bytes - c->body.len) {
      /* Not a protocol error: the request is refused (413) once this
       * record is read, and the rest of its body is dropped. */
      c->body_too_large = 1;
      c->sink = NULL;
      return NULL;
    }
    /* +1 keeps room for the NUL that terminates the body. */
    if (fcgi_buf_reserve(&c->body, c->content_len + 1) < 0) return fcgi_err_oom;
    c->sink = c->body.data + c->body.len;
    return NULL;
  case FCGI_DATA:
    if (fcgi_is_rejected(c, c->id)) return NULL;
    return "DATA record for a responder request";
  case FCGI_GET_VALUES: return "GET_VALUES record with a nonzero request id";
  default: return "unknown record type for a request";
  }
}

static void fcgi_put_value(struct evbuffer *out, const char *name, int value) {
  char buf[16];
  int n = snprintf(buf, sizeof(buf), "%d", value);
  fcgi_params_encode(out, name, strlen(name), buf, (size_t)n);
}

/* Answers the names asked for that we know, each once, as FastCGI 1.0
 * section 4.1 says; unknown names are left out of the reply. */
static const char *fcgi_get_values(struct fcgi_conn *c, struct evbuffer *out) {
  static const char *const names[] = {"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"};
  struct fcgi_param *asked;
  size_t nasked;
  int r = fcgi_params_decode_impl(c->mgmt.data, c->content_len, &asked, &nasked);
  fcgi_buf_release(&c->mgmt);
  if (r == -1) return "malformed GET_VALUES record";
  if (r == -2) return fcgi_err_oom;

  unsigned answered = 0;
  struct evbuffer *content = evbuffer_new();
  if (!content) {
    free(asked);
    return fcgi_err_oom;
  }
  for (size_t i = 0; i < nasked; i++) {
    for (unsigned k = 0; k < 3; k++) {
      if ((answered & (1u << k)) || asked[i].name_len != strlen(names[k]) ||
          memcmp(asked[i].name, names[k], asked[i].name_len) != 0)
        continue;
      answered |= 1u << k;
      int v = k == 0 ? c->limits.max_conns : k == 1 ? c->limits.max_reqs : 0;
      fcgi_put_value(content, names[k], v);
    }
  }
  free(asked);

  size_t len = evbuffer_get_length(content);
  uint8_t *bytes = len ? evbuffer_pullup(content, -1) : NULL;
  if (len && !bytes) {
    evbuffer_free(content);
    return fcgi_err_oom;
  }
  fcgi_put_record(out, FCGI_GET_VALUES_RESULT, 0, bytes, len);
  evbuffer_free(content);
  return NULL;
}

/* A strict decimal parse, for presizing the body from CONTENT_LENGTH. */
static int fcgi_parse_size(const char *s, size_t len, size_t *out) {
  size_t v = 0;
  if (len == 0) return -1;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9' || v > (SIZE_MAX - 9) / 10) return -1;
    v = v * 10 + (size_t)(s[i] - '0');
  }
  *out = v;
  return 0;
}

/* The open request's body is over max_body_bytes, announced or counted as
 * it arrives: the request is dropped and its id refused (the rest of its
 * records are discarded), and the caller answers 413. */
static const char *fcgi_refuse_too_large(struct fcgi_conn *c, struct fcgi_event *ev) {
  fcgi_drop_request(c);
  c->body_too_large = 0;
  c->has_rejected = 1;
  c->rejected_id = c->id;
  ev->type = FCGI_EV_TOO_LARGE;
  return NULL;
}

static const char *fcgi_params_end(struct fcgi_conn *c, struct fcgi_event *ev) {
  struct fcgi_request *req = c->req;
  int r = fcgi_params_decode_impl(c->params.data, c->params.len, &req->params, &req->nparams);
  c->params.len = 0;
  if (r == -1) return "malformed PARAMS stream";
  if (r == -2) return fcgi_err_oom;
  c->params_done = 1;

  /* Reserving the announced body size saves the doubling reallocations;
   * the limit bounds what a lying peer can make us allocate. */
  size_t len, clen;
  const char *v = fcgi_request_param(req, "CONTENT_LENGTH", &len);
  if (v == NULL || fcgi_parse_size(v, len, &clen) < 0 || clen == 0) return NULL;
  if (clen > c->limits.max_body_bytes) return fcgi_refuse_too_large(c, ev);
  if (fcgi_buf_reserve(&c->body, clen + 1) < 0) return fcgi_err_oom;
  return NULL;
}

static const char *fcgi_begin_request(struct fcgi_conn *c, struct evbuffer *out, struct fcgi_event *ev) {
  const uint8_t *b = c->begin_body;
  uint16_t role = (uint16_t)(b[0] << 8 | b[1]);

  if (c->req) {
    if (c->req->id == c->id) return "BEGIN_REQUEST for a request that is already open";
    fcgi_put_end_request(out, c->id, 0, FCGI_CANT_MPX_CONN);
  } else if (role != FCGI_RESPONDER) {
    fcgi_put_end_request(out, c->id, 0, FCGI_UNKNOWN_ROLE);
  } else {
    struct fcgi_request *req = calloc(1, sizeof(*req));
    if (!req) return fcgi_err_oom;
    req->id = c->id;
    req->role = role;
    req->keep_conn = (b[2] & FCGI_KEEP_CONN) != 0;
    c->req = req;
    c->params_done = 0;
    c->params.len = 0;
    c->body.len = 0;
    if (fcgi_is_rejected(c, c->id)) c->has_rejected = 0;
    return NULL;
  }
  c->has_rejected = 1;
  c->rejected_id = c->id;
  ev->type = FCGI_EV_REPLY;
  return NULL;
}

/* Applies the record whose content and padding have been consumed.  Sets
 * ev->type when the record produces an event; returns NULL or an error. */
static const char *fcgi_record_done(struct fcgi_conn *c, struct evbuffer *out, struct fcgi_event *ev) {
  if (c->id == 0) {
    if (c->type == FCGI_GET_VALUES) {
      const char *err = fcgi_get_values(c, out);
      if (!err) ev->type = FCGI_EV_GET_VALUES;
      return err;
    }
    uint8_t body[8] = {c->type};
    fcgi_put_record(out, FCGI_UNKNOWN_TYPE, 0, body, sizeof(body));
    ev->type = FCGI_EV_REPLY;
    return NULL;
  }

  switch (c->type) {
  case FCGI_BEGIN_REQUEST: return fcgi_begin_request(c, out, ev);

  case FCGI_ABORT_REQUEST:
    /* An abort for a request we already handed out is still reported: the
     * worker may be running it asynchronously and is the one who knows.
     * Aborts for a request we refused need no answer. */
    if (fcgi_is_open(c, c->id))
      fcgi_drop_request(c);
    else if (fcgi_is_rejected(c, c->id))
      return NULL;
    ev->type = FCGI_EV_ABORT;
    return NULL;

  case FCGI_PARAMS:
    if (!fcgi_is_open(c, c->id)) return NULL;
    if (c->content_len == 0) return fcgi_params_end(c, ev);
    c->params.len += c->content_len;
    return NULL;

  case FCGI_STDIN:
    if (!fcgi_is_open(c, c->id)) return NULL;
    if (c->body_too_large) return fcgi_refuse_too_large(c, ev);
    if (c->content_len > 0) {
      c->body.len += c->content_len;
      return NULL;
    }
    if (fcgi_buf_reserve(&c->body, 1) < 0) return fcgi_err_oom;
    c->body.data[c->body.len] = '\0';
    c->req->body = c->body.data;
    c->req->body_len = c->body.len;
    c->body.data = NULL;
    c->body.len = c->body.cap = 0;
    ev->type = FCGI_EV_REQUEST;
    ev->request = c->req;
    c->req = NULL;
    c->params_done = 0;
    return NULL;

  default:
    /* DATA for a refused request: dropped. */
    return NULL;
  }
}

size_t fcgi_conn_feed(struct fcgi_conn *c, const uint8_t *data, size_t len, struct evbuffer *out,
                      struct fcgi_event *ev) {
  size_t pos = 0;
  const char *err;

  memset(ev, 0, sizeof(*ev));
  ev->type = FCGI_EV_NONE;
  if (c->error) {
    ev->type = FCGI_EV_ERROR;
    ev->error = c->error;
    return 0;
  }

  for (;;) {
    switch (c->phase) {
    case FCGI_PH_HEADER: {
      size_t n = FCGI_HEADER_LEN - c->hdr_len;
      if (n > len - pos) n = len - pos;
      if (n) memcpy(c->hdr + c->hdr_len, data + pos, n);
      c->hdr_len += n;
      pos += n;
      if (c->hdr_len < FCGI_HEADER_LEN) return pos;
      c->hdr_len = 0;
      if ((err = fcgi_header_done(c)) != NULL) {
        fcgi_die(c, ev, err);
        return pos;
      }
      c->phase = FCGI_PH_CONTENT;
      break;
    }

    case FCGI_PH_CONTENT: {
      size_t n = c->content_left < len - pos ? c->content_left : len - pos;
      if (c->sink && n) memcpy(c->sink + (c->content_len - c->content_left), data + pos, n);
      c->content_left -= n;
      pos += n;
      if (c->content_left > 0) return pos;
      c->phase = FCGI_PH_PADDING;
      break;
    }

    case FCGI_PH_PADDING: {
      size_t n = c->padding_left < len - pos ? c->padding_left : len - pos;
      c->padding_left -= n;
      pos += n;
      if (c->padding_left > 0) return pos;
      c->phase = FCGI_PH_HEADER;
      if ((err = fcgi_record_done(c, out, ev)) != NULL) {
        fcgi_die(c, ev, err);
        return pos;
      }
      if (ev->type != FCGI_EV_NONE) {
        ev->request_id = c->id;
        return pos;
      }
      break;
    }
    }
  }
}
