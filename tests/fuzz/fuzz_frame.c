/* fuzz_frame.c: libFuzzer harness for the broker's input side: the frame
 * codec (src/frame.c) and the request/value decoding of broker/broker_db.c
 * (op, sql, params with {"$blob": base64}, integers, reals, text).
 *
 * The input is the byte stream a worker would send on the broker socket.
 * Frames are decoded until the stream is used up or out of sync; every
 * decoded request runs against a scratch database (routed, read or group
 * committed as broker.c does), and its reply must encode as a frame again.  The SQL a request
 * carries is replaced by one of a few fixed statements (picked by its
 * length) so the fuzzer explores our decoding, not SQLite's query planner
 * (which has its own fuzzers) or endless recursive queries.
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
  struct broker_db_options opt = {.path = path, .synchronous = 0, .statement_timeout_ms = 1000,
                                  .max_result_rows = 1000, .max_result_bytes = 1 << 20};
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (db == NULL) setup();
  struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
  if (in == NULL || out == NULL) abort();
  evbuffer_add(in, data, size);
  for (;;) {
    json_t *msg = NULL, *mem_msg = NULL;
    char err[256] = "", mem_err[256] = "";
    /* The worker's plain-memory decoder must agree with the broker's. */
    size_t have = evbuffer_get_length(in), mem_len = 0;
    const unsigned char *bytes = evbuffer_pullup(in, -1);
    int mem_rc = frame_decode_mem(bytes, have, 1 << 20, &mem_msg, &mem_len, mem_err, sizeof mem_err);
    int rc = frame_decode(in, 1 << 20, &msg, err, sizeof err);
    if (mem_rc != rc) abort();
    if (rc > 0 && (!json_equal(msg, mem_msg) || mem_len != have - evbuffer_get_length(in))) abort();
    json_decref(mem_msg);
    if (rc < 0) {
      if (err[0] == '\0') abort(); /* an error must say what was wrong */
      break;
    }
    if (rc == 0) break;
    if (!json_is_object(msg)) abort();
    fix_sql(msg);
    json_t *reply = run(msg);
    if (reply == NULL) abort(); /* only on out of memory */
    if (!json_is_boolean(json_object_get(reply, "ok"))) abort();
    if (frame_encode(out, reply) != 0) abort(); /* every reply must be sendable */
    /* ... and encodes to the same bytes in the worker's codec. */
    unsigned char *mem_out = NULL;
    size_t mem_cap = 0, mem_out_len = 0;
    if (frame_encode_mem(reply, &mem_out, &mem_cap, &mem_out_len) != 0) abort();
    if (mem_out_len != evbuffer_get_length(out) ||
        memcmp(mem_out, evbuffer_pullup(out, -1), mem_out_len) != 0)
      abort();
    free(mem_out);
    json_decref(reply);
    json_decref(msg);
    evbuffer_drain(out, evbuffer_get_length(out));
  }
  evbuffer_free(in);
  evbuffer_free(out);
  return 0;
}
