/* fuzz_dqlite_proto.c: libFuzzer harness for the dqlite wire protocol codec
 * (broker/dqlite_proto.c): what a peer on a node's port may send the
 * client, and the values the client may be asked to send.
 *
 * Input byte 0 picks the response the client waits for (one of those it
 * asks for) and byte 1 how many parameters to encode; the rest is a stream
 * of messages, decoded the way dqlite_client.c does: header and limit,
 * then the body (copied to a buffer of exactly its size, so ASan sees any
 * read past it), a ROWS body read to its end with names and values, a
 * SERVERS body member by member.  Every error must say what was wrong;
 * every decoded string and blob must lie inside its body (and text end in
 * NUL).  Then the same bytes become parameters of an EXEC_SQL request:
 * the message must come out whole (its header's size matching) or be
 * refused with the buffer as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dqlite_proto.h"

static const enum dqlite_proto_response expectable[] = {
    DQLITE_PROTO_RESP_SERVER, DQLITE_PROTO_RESP_SERVERS, DQLITE_PROTO_RESP_DB,    DQLITE_PROTO_RESP_STMT,
    DQLITE_PROTO_RESP_RESULT, DQLITE_PROTO_RESP_ROWS,    DQLITE_PROTO_RESP_EMPTY,
};
#define NEXPECTABLE (sizeof expectable / sizeof expectable[0])
/* Small enough that the fuzzer finds the limit, large enough for real
 * messages. */
#define FUZZ_MAX_BODY 4096

static void check_inside(const char *p, size_t len, const unsigned char *body, size_t body_len) {
  if ((const unsigned char *)p < body || (const unsigned char *)p + len > body + body_len) abort();
}

static void check_value(const struct dqlite_proto_value *v, const unsigned char *body, size_t len) {
  switch (v->type) {
  case DQLITE_PROTO_TEXT:
  case DQLITE_PROTO_ISO8601:
    check_inside(v->bytes, v->len + 1, body, len);
    if (v->bytes[v->len] != '\0' || strlen(v->bytes) != v->len) abort();
    break;
  case DQLITE_PROTO_BLOB: check_inside(v->bytes, v->len, body, len); break;
  default: break;
  }
}

/* Reads a ROWS body to its end. */
static void read_rows(struct dqlite_proto_rows *r, const unsigned char *body, size_t len) {
  char err[256] = "";
  const char **names = calloc(r->ncolumns + 1, sizeof *names);
  struct dqlite_proto_value *values = calloc(r->ncolumns + 1, sizeof *values);
  if (names == NULL || values == NULL) abort();
  if (dqlite_proto_rows_names(r, names, err, sizeof err) != 0) {
    if (err[0] == '\0') abort();
  } else {
    for (unsigned i = 0; i < r->ncolumns; i++) check_inside(names[i], strlen(names[i]) + 1, body, len);
    int got;
    while ((got = dqlite_proto_rows_next(r, values, err, sizeof err)) == 1)
      for (unsigned i = 0; i < r->ncolumns; i++) check_value(&values[i], body, len);
    if (got < 0 && err[0] == '\0') abort();
    if (got == 0 && dqlite_proto_rows_next(r, values, err, sizeof err) != 0) abort(); /* stays ended */
  }
  free(names);
  free(values);
}

static void read_servers(struct dqlite_proto_servers *s, const unsigned char *body, size_t len) {
  char err[256] = "";
  uint64_t id, role;
  const char *address;
  int got;
  while ((got = dqlite_proto_servers_next(s, &id, &address, &role, err, sizeof err)) == 1) {
    check_inside(address, strlen(address) + 1, body, len);
    if (role > DQLITE_PROTO_SPARE) abort();
  }
  if (got < 0 && err[0] == '\0') abort();
}

/* Decodes the messages in P until they run out or one is refused. */
static void decode_stream(enum dqlite_proto_response expected, const uint8_t *p, size_t n) {
  while (n >= DQLITE_PROTO_HEADER_BYTES) {
    struct dqlite_proto_header h;
    char err[256] = "";
    if (dqlite_proto_header_decode(p, FUZZ_MAX_BODY, &h, err, sizeof err) != 0) {
      if (err[0] == '\0' || (size_t)h.words * 8 <= FUZZ_MAX_BODY) abort();
      return;
    }
    p += DQLITE_PROTO_HEADER_BYTES, n -= DQLITE_PROTO_HEADER_BYTES;
    size_t len = (size_t)h.words * 8;
    if (len > n) return; /* the client would wait for more */
    unsigned char *body = malloc(len ? len : 1);
    if (body == NULL) abort();
    memcpy(body, p, len);
    p += len, n -= len;
    struct dqlite_proto_response_body r;
    if (dqlite_proto_response_decode(&h, body, expected, &r, err, sizeof err) != 0) {
      if (err[0] == '\0') abort();
      free(body);
      return;
    }
    if (r.type != expected && r.type != DQLITE_PROTO_RESP_FAILURE) abort();
    if (r.type == DQLITE_PROTO_RESP_FAILURE)
      check_inside(r.u.failure.message, strlen(r.u.failure.message) + 1, body, len);
    else if (r.type == DQLITE_PROTO_RESP_SERVER)
      check_inside(r.u.server.address, strlen(r.u.server.address) + 1, body, len);
    else if (r.type == DQLITE_PROTO_RESP_ROWS)
      read_rows(&r.u.rows, body, len);
    else if (r.type == DQLITE_PROTO_RESP_SERVERS)
      read_servers(&r.u.servers, body, len);
    free(body);
  }
}

/* NPARAMS values made from P: type from one byte, then a slice of P as the
 * text or blob, or eight bytes as the number. */
static void encode_params(unsigned nparams, const uint8_t *p, size_t n) {
  static const enum dqlite_proto_type types[] = {
      DQLITE_PROTO_INTEGER, DQLITE_PROTO_FLOAT,   DQLITE_PROTO_TEXT,    DQLITE_PROTO_BLOB,
      DQLITE_PROTO_NULL,    DQLITE_PROTO_ISO8601, DQLITE_PROTO_BOOLEAN, DQLITE_PROTO_UNIXTIME};
  struct dqlite_proto_value *v = calloc(nparams + 1, sizeof *v);
  if (v == NULL) abort();
  size_t at = 0;
  for (unsigned i = 0; i < nparams; i++) {
    uint8_t pick = at < n ? p[at++] : 0;
    v[i].type = types[pick % 8];
    size_t take = pick / 8 % 17;
    if (take > n - at) take = n - at;
    v[i].bytes = (const char *)p + at, v[i].len = take;
    memcpy(&v[i].integer, p + at, take >= 8 ? 8 : 0);
    memcpy(&v[i].real, p + at, take >= 8 ? 8 : 0);
    at += take;
  }
  struct dqlite_proto_buf out = {0};
  char err[256] = "";
  if (dqlite_proto_leader(&out, err, sizeof err) != 0) abort();
  size_t before = out.len;
  if (dqlite_proto_run_sql(&out, (int)(nparams & 1), 0, "SELECT ?", v, nparams, err, sizeof err) != 0) {
    if (err[0] == '\0' || out.len != before) abort();
  } else {
    const unsigned char *h = out.data + before;
    uint64_t words = h[0] | (uint64_t)h[1] << 8 | (uint64_t)h[2] << 16 | (uint64_t)h[3] << 24;
    if (out.len - before - DQLITE_PROTO_HEADER_BYTES != words * 8) abort();
    if (h[5] != (nparams > 255)) abort(); /* the long parameter count past 255 */
  }
  dqlite_proto_buf_free(&out);
  free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  decode_stream(expectable[data[0] % NEXPECTABLE], data + 2, size - 2);
  /* Past 255 parameters now and then, for the long count. */
  unsigned nparams = data[1] < 250 ? data[1] % 16 : 256 + data[1] % 8;
  encode_params(nparams, data + 2, size - 2);
  return 0;
}
