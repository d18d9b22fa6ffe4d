/* fuzz_frame.c: libFuzzer harness for the frame codec (src/frame.c) on
 * both sides, the row set codec (src/rowset.c), and the request/value
 * decoding of broker/broker_db.c (op, sql, params with {"$blob": base64},
 * integers, reals, text).
 *
 * The input is a byte stream as it would arrive on the broker socket (or,
 * for the worker's decoder, from the broker).  Frames are decoded until
 * the stream is used up or out of sync, by the broker's decoder and the
 * worker's, which must agree; the sections of a version 2 frame (which a
 * request must not carry) are read as row sets by the worker's reader.
 * Every decoded version 2 request runs against a scratch database (routed,
 * read or group committed as broker.c does); its reply must encode as a
 * frame (the same bytes from both encoders), which must decode again with
 * every row set it names readable to the end.  The SQL a request carries
 * is replaced by one of a few fixed statements (picked by its length) so
 * the fuzzer explores our decoding, not SQLite's query planner (which has
 * its own fuzzers) or endless recursive queries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "broker_db.h"
#include "frame.h"
#include "log.h"
#include "rowset.h"

static const char *const fixed_sql[] = {
    "SELECT ?",
    "SELECT ?, ?, typeof(?)",
    "INSERT INTO t (a, b) VALUES (?, ?)",
    "SELECT a, b, CAST(b AS BLOB) FROM t ORDER BY rowid DESC LIMIT 3",
    "DELETE FROM t WHERE rowid % 5 = 0",
    "SELECT length(?), hex(?)",
    "SELECT ?1",
    "SELECT :name",
    "BEGIN",
    "SELECT 1; SELECT 2",
    "SELECT 9223372036854775807, -9223372036854775808, 1e308 * 10, x'00ff', char(0xD800)",
    "",
};
#define NFIXED (sizeof fixed_sql / sizeof fixed_sql[0])

static struct broker_db *db;
static struct broker_db_reader *slow; /* a read thread's connection, for reads past their slice */

static void setup(void) {
  char err[512], path[] = "/tmp/jsfpm-fuzz-frame-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) abort();
  close(fd);
  log_open("/dev/null", LOG_LVL_ERROR);
  struct broker_db_options opt = {.path = path,
                                  .synchronous = 0,
                                  .statement_timeout_ms = 1000,
                                  .max_result_rows = 1000,
                                  .max_result_bytes = 1 << 20};
  db = broker_db_open(&opt, err, sizeof err);
  if (db == NULL) {
    fprintf(stderr, "%s\n", err);
    abort();
  }
  json_t *req = json_pack("{s:i, s:s, s:s}", "id", 1, "op", "exec", "sql",
                          "CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2.5, x'0102')");
  struct broker_db_entry e = {.req = req};
  broker_db_group(db, &e, 1);
  if (!json_is_true(json_object_get(e.reply, "ok"))) {
    fprintf(stderr, "setup: %s\n", json_dumps(e.reply, 0));
    abort();
  }
  json_decref(req);
  json_decref(e.reply);
  slow = broker_db_reader_open(db, err, sizeof err);
  if (slow == NULL) {
    fprintf(stderr, "%s\n", err);
    abort();
  }
  unlink(path); /* the connections keep it open; -wal and -shm stay in /tmp */
}

/* Replaces every "sql" string in V (a request, or the statements of a batch)
 * by a fixed statement; NUL-byte SQL is kept, as the broker must refuse it. */
static void fix_sql(json_t *v) {
  if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) fix_sql(x);
    return;
  }
  if (!json_is_object(v)) return;
  const char *k;
  json_t *x;
  json_object_foreach(v, k, x) {
    if (strcmp(k, "sql") == 0 && json_is_string(x)) {
      if (memchr(json_string_value(x), 0, json_string_length(x)) == NULL)
        json_object_set_new(v, k, json_string(fixed_sql[json_string_length(x) % NFIXED]));
    } else {
      fix_sql(x);
    }
  }
}

/* Runs one request the way broker.c schedules it: reads on the reader (a
 * read past its slice again on a read thread's connection), writes as a
 * one-member group commit on the writer. */
static json_t *run(json_t *req) {
  json_t *reply = NULL;
  switch (broker_db_route(db, req, &reply)) {
  case BROKER_DB_READ: {
    int moved;
    reply = broker_db_read(db, req, &moved);
    if (!moved) return reply;
    struct broker_db_counts ran = {0};
    return broker_db_reader_run(slow, req, &ran);
  }
  case BROKER_DB_WRITE: {
    struct broker_db_entry e = {.req = req};
    broker_db_group(db, &e, 1);
    if (broker_db_in_tx(db)) abort(); /* a group commit leaves no transaction open */
    return e.reply;
  }
  case BROKER_DB_DONE: return reply;
  }
  abort();
}

/* Reads the row set P (LEN bytes) to its end or its first error, as the
 * worker does.  Returns 0 when it is well formed. */
static int read_rowset(const unsigned char *p, size_t len) {
  struct rowset_reader r;
  const char *name;
  size_t n;
  struct rowset_value v;
  if (rowset_open(&r, p, len) != 0) return -1;
  for (uint32_t c = 0; c < r.ncols; c++)
    if (rowset_next_name(&r, &name, &n) != 0) return -1;
  if (rowset_rows(&r) != 0) return -1;
  for (uint64_t i = 0; i < (uint64_t)r.nrows * r.ncols; i++)
    if (rowset_next_value(&r, &v) != 0) return -1;
  return rowset_close(&r);
}

/* Every section of F read as a row set; with MUST_BE_GOOD, each one the
 * message names ("rowset": K, at the top or in "results") must be whole. */
static void read_sections(const struct frame_in *f, int must_be_good) {
  const unsigned char *p;
  size_t n;
  for (json_int_t k = 0; frame_section(f->sections, f->sections_len, k, &p, &n) == 0; k++) {
    int rc = read_rowset(p, n);
    if (must_be_good && rc != 0) abort();
  }
  if (!must_be_good) return;
  json_t *res = json_object_get(f->msg, "results"), *x;
  size_t i;
  json_t *k = json_object_get(f->msg, FRAME_ROWSET_INDEX);
  if (k != NULL && (!json_is_integer(k) ||
                    frame_section(f->sections, f->sections_len, json_integer_value(k), &p, &n) != 0))
    abort();
  /* a JSON result (db.queryJSON) is one JSON array */
  k = json_object_get(f->msg, FRAME_JSON_INDEX);
  if (k != NULL) {
    if (!json_is_integer(k) ||
        frame_section(f->sections, f->sections_len, json_integer_value(k), &p, &n) != 0)
      abort();
    json_error_t jerr;
    json_t *rows = json_loadb((const char *)p, n, JSON_ALLOW_NUL, &jerr);
    if (!json_is_array(rows)) {
      fprintf(stderr, "JSON result does not parse: %s: %.*s\n", jerr.text, (int)n, (const char *)p);
      abort();
    }
    json_decref(rows);
  }
  json_array_foreach(res, i, x) {
    k = json_object_get(x, FRAME_ROWSET_INDEX);
    if (k != NULL && (!json_is_integer(k) ||
                      frame_section(f->sections, f->sections_len, json_integer_value(k), &p, &n) != 0))
      abort();
  }
}

/* REPLY must encode, the same from both encoders, and decode again. */
static void check_reply(json_t *reply, struct evbuffer *out) {
  if (frame_encode(out, reply, FRAME_VERSION) != 0) abort(); /* every reply must be sendable */
  unsigned char *mem_out = NULL;
  size_t mem_cap = 0, mem_out_len = 0, flen;
  if (frame_encode_mem(reply, FRAME_VERSION, &mem_out, &mem_cap, &mem_out_len) != 0) abort();
  if (mem_out_len != evbuffer_get_length(out) || memcmp(mem_out, evbuffer_pullup(out, -1), mem_out_len) != 0)
    abort();
  struct frame_in f;
  char err[256];
  if (frame_decode_mem(mem_out, mem_out_len, FRAME_DEFAULT_MAX_BYTES, &f, &flen, err, sizeof err) != 1 ||
      flen != mem_out_len || f.version != FRAME_VERSION)
    abort();
  read_sections(&f, 1);
  json_decref(f.msg);
  free(mem_out);
  evbuffer_drain(out, evbuffer_get_length(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (db == NULL) setup();
  struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
  if (in == NULL || out == NULL) abort();
  evbuffer_add(in, data, size);
  for (;;) {
    json_t *msg = NULL;
    struct frame_in mem;
    char err[256] = "", mem_err[256] = "";
    /* The worker's plain-memory decoder must agree with the broker's,
     * except that only it accepts sections. */
    size_t have = evbuffer_get_length(in), mem_len = 0;
    const unsigned char *bytes = evbuffer_pullup(in, -1);
    int mem_rc = frame_decode_mem(bytes, have, 1 << 20, &mem, &mem_len, mem_err, sizeof mem_err);
    if (mem_rc > 0) read_sections(&mem, 0);
    int version = 0, rc = frame_decode(in, 1 << 20, &msg, &version, err, sizeof err);
    if (mem_rc > 0 && mem.sections_len > 0 ? rc != -1 : mem_rc != rc) abort();
    if (rc > 0 &&
        (!json_equal(msg, mem.msg) || version != mem.version || mem_len != have - evbuffer_get_length(in)))
      abort();
    json_decref(mem.msg);
    if (rc < 0) {
      if (err[0] == '\0') abort(); /* an error must say what was wrong */
      break;
    }
    if (rc == 0) break;
    if (!json_is_object(msg)) abort();
    if (version == FRAME_VERSION) { /* broker.c refuses older ones unread */
      fix_sql(msg);
      json_t *reply = run(msg);
      if (reply == NULL) abort(); /* only on out of memory */
      if (!json_is_boolean(json_object_get(reply, "ok"))) abort();
      check_reply(reply, out);
      json_decref(reply);
    }
    json_decref(msg);
  }
  evbuffer_free(in);
  evbuffer_free(out);
  return 0;
}
