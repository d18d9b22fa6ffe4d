/* broker_db.c: the broker's SQLite side (see broker_db.h, docs/protocol.md).
 *
 * Guarantees:
 * - One request object in, one reply object out, carrying the request's id;
 *   every failure becomes an "ok":false reply with a code and a message.
 * - Values cross exactly: int64 <-> JSON integer, double <-> JSON real,
 *   TEXT <-> JSON string (NUL bytes included), BLOB <-> {"$blob": base64},
 *   NULL <-> null.  Anything that cannot cross is an error, never a silent
 *   conversion.
 * - Prepared statements are cached (LRU, per connection) and reset with
 *   their bindings cleared as soon as a request is done, so no statement
 *   holds a read transaction open between requests (that would starve WAL
 *   checkpoints).
 * - "query" and "execute" run exactly one statement; scripts go through
 *   "exec".
 * - Migrations are applied in version order, each atomically with its
 *   record in jsfpm_migrations.
 * Nothing here knows about sockets or libevent: the caller owns scheduling
 * (and, later, transactions and group commit).
 */
#include "autoconfig.h"

#include "broker_db.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define BROKER_STMT_CACHE_SIZE 128

#define CODE_BAD_REQUEST "JSFPM_BAD_REQUEST"
/* A value SQLite holds that JSON cannot carry (infinite real, text that is
 * not UTF-8). */
#define CODE_UNREPRESENTABLE "JSFPM_UNREPRESENTABLE"

/* One cached statement.  The SQL text is the cache key, compared by hash,
 * length then bytes.  128 entries make a linear scan cheaper than any
 * statement execution, so no hash table. */
struct stmt_entry {
  struct stmt_entry *prev, *next; /* recency list, head = most recent */
  uint64_t hash;
  size_t len;
  sqlite3_stmt *stmt;
  char sql[];
};

struct broker_db {
  sqlite3 *db;
  struct stmt_entry *lru_head, *lru_tail;
  unsigned nstmts;
};

/* ---- result code names ---------------------------------------------- */

const char *broker_code_name(int code) {
  switch (code) {
#define C(x)                                                                                       \
  case x:                                                                                          \
    return #x
    C(SQLITE_OK);
    C(SQLITE_ERROR);
    C(SQLITE_INTERNAL);
    C(SQLITE_PERM);
    C(SQLITE_ABORT);
    C(SQLITE_BUSY);
    C(SQLITE_LOCKED);
    C(SQLITE_NOMEM);
    C(SQLITE_READONLY);
    C(SQLITE_INTERRUPT);
    C(SQLITE_IOERR);
    C(SQLITE_CORRUPT);
    C(SQLITE_NOTFOUND);
    C(SQLITE_FULL);
    C(SQLITE_CANTOPEN);
    C(SQLITE_PROTOCOL);
    C(SQLITE_EMPTY);
    C(SQLITE_SCHEMA);
    C(SQLITE_TOOBIG);
    C(SQLITE_CONSTRAINT);
    C(SQLITE_MISMATCH);
    C(SQLITE_MISUSE);
    C(SQLITE_NOLFS);
    C(SQLITE_AUTH);
    C(SQLITE_FORMAT);
    C(SQLITE_RANGE);
    C(SQLITE_NOTADB);
    C(SQLITE_NOTICE);
    C(SQLITE_WARNING);
    C(SQLITE_ROW);
    C(SQLITE_DONE);
    C(SQLITE_ERROR_MISSING_COLLSEQ);
    C(SQLITE_ERROR_RETRY);
    C(SQLITE_ERROR_SNAPSHOT);
    C(SQLITE_IOERR_READ);
    C(SQLITE_IOERR_SHORT_READ);
    C(SQLITE_IOERR_WRITE);
    C(SQLITE_IOERR_FSYNC);
    C(SQLITE_IOERR_DIR_FSYNC);
    C(SQLITE_IOERR_TRUNCATE);
    C(SQLITE_IOERR_FSTAT);
    C(SQLITE_IOERR_UNLOCK);
    C(SQLITE_IOERR_RDLOCK);
    C(SQLITE_IOERR_DELETE);
    C(SQLITE_IOERR_BLOCKED);
    C(SQLITE_IOERR_NOMEM);
    C(SQLITE_IOERR_ACCESS);
    C(SQLITE_IOERR_CHECKRESERVEDLOCK);
    C(SQLITE_IOERR_LOCK);
    C(SQLITE_IOERR_CLOSE);
    C(SQLITE_IOERR_DIR_CLOSE);
    C(SQLITE_IOERR_SHMOPEN);
    C(SQLITE_IOERR_SHMSIZE);
    C(SQLITE_IOERR_SHMLOCK);
    C(SQLITE_IOERR_SHMMAP);
    C(SQLITE_IOERR_SEEK);
    C(SQLITE_IOERR_DELETE_NOENT);
    C(SQLITE_IOERR_MMAP);
    C(SQLITE_IOERR_GETTEMPPATH);
    C(SQLITE_IOERR_CONVPATH);
    C(SQLITE_IOERR_VNODE);
    C(SQLITE_IOERR_AUTH);
    C(SQLITE_IOERR_BEGIN_ATOMIC);
    C(SQLITE_IOERR_COMMIT_ATOMIC);
    C(SQLITE_IOERR_ROLLBACK_ATOMIC);
    C(SQLITE_IOERR_DATA);
    C(SQLITE_IOERR_CORRUPTFS);
    C(SQLITE_LOCKED_SHAREDCACHE);
    C(SQLITE_LOCKED_VTAB);
    C(SQLITE_BUSY_RECOVERY);
    C(SQLITE_BUSY_SNAPSHOT);
    C(SQLITE_BUSY_TIMEOUT);
    C(SQLITE_CANTOPEN_NOTEMPDIR);
    C(SQLITE_CANTOPEN_ISDIR);
    C(SQLITE_CANTOPEN_FULLPATH);
    C(SQLITE_CANTOPEN_CONVPATH);
    C(SQLITE_CANTOPEN_DIRTYWAL);
    C(SQLITE_CANTOPEN_SYMLINK);
    C(SQLITE_CORRUPT_VTAB);
    C(SQLITE_CORRUPT_SEQUENCE);
    C(SQLITE_CORRUPT_INDEX);
    C(SQLITE_READONLY_RECOVERY);
    C(SQLITE_READONLY_CANTLOCK);
    C(SQLITE_READONLY_ROLLBACK);
    C(SQLITE_READONLY_DBMOVED);
    C(SQLITE_READONLY_CANTINIT);
    C(SQLITE_READONLY_DIRECTORY);
    C(SQLITE_ABORT_ROLLBACK);
    C(SQLITE_CONSTRAINT_CHECK);
    C(SQLITE_CONSTRAINT_COMMITHOOK);
    C(SQLITE_CONSTRAINT_FOREIGNKEY);
    C(SQLITE_CONSTRAINT_FUNCTION);
    C(SQLITE_CONSTRAINT_NOTNULL);
    C(SQLITE_CONSTRAINT_PRIMARYKEY);
    C(SQLITE_CONSTRAINT_TRIGGER);
    C(SQLITE_CONSTRAINT_UNIQUE);
    C(SQLITE_CONSTRAINT_VTAB);
    C(SQLITE_CONSTRAINT_ROWID);
    C(SQLITE_CONSTRAINT_PINNED);
    C(SQLITE_CONSTRAINT_DATATYPE);
    C(SQLITE_NOTICE_RECOVER_WAL);
    C(SQLITE_NOTICE_RECOVER_ROLLBACK);
    C(SQLITE_WARNING_AUTOINDEX);
    C(SQLITE_AUTH_USER);
    C(SQLITE_OK_LOAD_PERMANENTLY);
    C(SQLITE_OK_SYMLINK);
#undef C
  default:
    break;
  }
  if ((code & 0xff) != code)
    return broker_code_name(code & 0xff);
  return "SQLITE_UNKNOWN";
}

/* ---- base64 (RFC 4648, standard alphabet, padded) --------------------- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Returns a NUL-terminated malloc'd string, or NULL when out of memory. */
static char *b64_encode(const unsigned char *in, size_t n) {
  if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
    return NULL;
  char *out = malloc((n + 2) / 3 * 4 + 1);
  if (out == NULL)
    return NULL;
  char *o = out;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    *o++ = b64_alphabet[v >> 18];
    *o++ = b64_alphabet[(v >> 12) & 63];
    *o++ = b64_alphabet[(v >> 6) & 63];
    *o++ = b64_alphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    *o++ = b64_alphabet[v >> 18];
    *o++ = b64_alphabet[(v >> 12) & 63];
    *o++ = '=';
    *o++ = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    *o++ = b64_alphabet[v >> 18];
    *o++ = b64_alphabet[(v >> 12) & 63];
    *o++ = b64_alphabet[(v >> 6) & 63];
    *o++ = '=';
  }
  *o = '\0';
  return out;
}

static int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Strict decoder: length a multiple of 4, '=' only as final padding, no
 * whitespace.  Returns 0 with *out (sqlite3_malloc64'd, NULL when empty) and
 * *outlen, -1 on bad input, -2 when out of memory. */
static int b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen) {
  *out = NULL;
  *outlen = 0;
  if (n % 4 != 0)
    return -1;
  if (n == 0)
    return 0;
  size_t pad = 0;
  if (s[n - 1] == '=')
    pad = s[n - 2] == '=' ? 2 : 1;
  size_t len = n / 4 * 3 - pad;
  unsigned char *buf = sqlite3_malloc64(len ? len : 1);
  if (buf == NULL)
    return -2;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    int last = i + 4 == n;
    for (int k = 0; k < 4; k++) {
      unsigned char c = (unsigned char)s[i + (size_t)k];
      if (c == '=' && last && k >= 4 - (int)pad) {
        v[k] = 0;
        continue;
      }
      v[k] = b64_value(c);
      if (v[k] < 0) {
        sqlite3_free(buf);
        return -1;
      }
    }
    uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    buf[o++] = (unsigned char)(w >> 16);
    if (o < len)
      buf[o++] = (unsigned char)(w >> 8);
    if (o < len)
      buf[o++] = (unsigned char)w;
  }
  *out = buf;
  *outlen = len;
  return 0;
}

/* ---- replies ----------------------------------------------------------- */

static json_t *reply_new(const json_t *id, int ok) {
  json_t *r = json_object();
  if (r == NULL)
    return NULL;
  json_t *idv = json_is_integer(id) ? json_integer(json_integer_value(id)) : json_null();
  if (json_object_set_new(r, "id", idv) != 0 || json_object_set_new(r, "ok", json_boolean(ok)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

static json_t *error_reply_v(const json_t *id, const char *code, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  json_t *r = reply_new(id, 0);
  if (r == NULL)
    return NULL;
  /* json_string rejects invalid UTF-8, which a message quoting user input
   * could hold; fall back to a fixed text rather than to no reply. */
  json_t *m = json_string(msg);
  if (m == NULL)
    m = json_string("(message is not valid UTF-8)");
  if (json_object_set_new(r, "code", json_string(code)) != 0 ||
      json_object_set_new(r, "message", m) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

json_t *broker_db_error_reply(const json_t *id, const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_t *r = error_reply_v(id, code, fmt, ap);
  va_end(ap);
  return r;
}

#define bad_request(id, ...) broker_db_error_reply(id, CODE_BAD_REQUEST, __VA_ARGS__)

/* {"ok":false, "code": extended name, "primary": primary name,
 *  "errcode": extended number, "message": ...} */
static json_t *sqlite_error_reply(const json_t *id, int rc, const char *msg) {
  json_t *r = broker_db_error_reply(id, broker_code_name(rc), "%s", msg ? msg : sqlite3_errstr(rc));
  if (r == NULL)
    return NULL;
  if (json_object_set_new(r, "primary", json_string(broker_code_name(rc & 0xff))) != 0 ||
      json_object_set_new(r, "errcode", json_integer(rc)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

/* ---- open / close ------------------------------------------------------ */

static int exec_simple(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: %s", broker_code_name(rc), msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

struct broker_db *broker_db_open(const char *path, int synchronous, char *err, size_t errlen) {
  if (synchronous < 0 || synchronous > 3) {
    snprintf(err, errlen, "%s: synchronous must be 0..3, not %d", path, synchronous);
    return NULL;
  }
  sqlite3 *h = NULL;
  int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE,
                           NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "cannot open %s: %s: %s", path, broker_code_name(rc),
             h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
    sqlite3_close(h);
    return NULL;
  }
  char e[512];
  if (sqlite3_extended_result_codes(h, 1) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot enable extended result codes", path);
    goto fail;
  }
  /* Defensive mode: no writable_schema tricks, no direct shadow table
   * writes; the database file must not be corruptible through SQL.
   * Extension loading off: the app must not load native code. */
  int on = -1;
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK || on != 1) {
    snprintf(err, errlen, "%s: cannot enable defensive mode", path);
    goto fail;
  }
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &on) != SQLITE_OK || on != 0) {
    snprintf(err, errlen, "%s: cannot disable extension loading", path);
    goto fail;
  }
  /* journal_mode answers with the mode it ended up in; anything but "wal"
   * (e.g. an in-memory database) means readers would block the writer. */
  sqlite3_stmt *st = NULL;
  rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    snprintf(err, errlen, "%s: PRAGMA journal_mode=WAL: %s: %s", path, broker_code_name(rc),
             sqlite3_errmsg(h));
    sqlite3_finalize(st);
    goto fail;
  }
  const char *mode = (const char *)sqlite3_column_text(st, 0);
  if (mode == NULL || strcmp(mode, "wal") != 0)
    log_warn("%s: journal mode is %s, not wal", path, mode ? mode : "(unknown)");
  sqlite3_finalize(st);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA synchronous=%d", synchronous);
  if (exec_simple(h, sql, e, sizeof e) != 0 || exec_simple(h, "PRAGMA foreign_keys=ON", e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", path, e);
    goto fail;
  }
  struct broker_db *db = calloc(1, sizeof *db);
  if (db == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
    goto fail;
  }
  db->db = h;
  return db;
fail:
  sqlite3_close(h);
  return NULL;
}

static void cache_unlink(struct broker_db *db, struct stmt_entry *e) {
  if (e->prev)
    e->prev->next = e->next;
  else
    db->lru_head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    db->lru_tail = e->prev;
  e->prev = e->next = NULL;
}

static void cache_push_front(struct broker_db *db, struct stmt_entry *e) {
  e->prev = NULL;
  e->next = db->lru_head;
  if (db->lru_head)
    db->lru_head->prev = e;
  db->lru_head = e;
  if (db->lru_tail == NULL)
    db->lru_tail = e;
}

void broker_db_close(struct broker_db *db) {
  if (db == NULL)
    return;
  struct stmt_entry *e = db->lru_head;
  while (e) {
    struct stmt_entry *next = e->next;
    sqlite3_finalize(e->stmt);
    free(e);
    e = next;
  }
  /* Every statement is finalized above, so close cannot be left pending;
   * a clean close also checkpoints and removes the WAL file. */
  int rc = sqlite3_close(db->db);
  if (rc != SQLITE_OK)
    log_error("closing the database: %s: %s", broker_code_name(rc), sqlite3_errmsg(db->db));
  free(db);
}

/* ---- statement cache --------------------------------------------------- */

static uint64_t sql_hash(const char *s, size_t n) { /* FNV-1a */
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* True when [p, end) holds only whitespace, comments and empty statements
 * (';'), i.e. nothing SQLite would execute. */
static int sql_tail_is_empty(const char *p, const char *end) {
  while (p < end) {
    if (isspace((unsigned char)*p) || *p == ';') {
      p++;
    } else if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
      while (p < end && *p != '\n')
        p++;
    } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
      p += 2;
      while (p < end && !(end - p >= 2 && p[0] == '*' && p[1] == '/'))
        p++;
      p = p < end ? p + 2 : end; /* SQLite ends an unterminated comment at EOF too */
    } else {
      return 0;
    }
  }
  return 1;
}

/* Returns the cached or freshly prepared statement for SQL, or NULL with
 * *errreply set.  The statement is at the head of the LRU list, so it cannot
 * be evicted while the caller uses it. */
static sqlite3_stmt *stmt_get(struct broker_db *db, const json_t *id, const char *op, const char *sql,
                              size_t len, json_t **errreply) {
  uint64_t h = sql_hash(sql, len);
  for (struct stmt_entry *e = db->lru_head; e; e = e->next) {
    if (e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0) {
      if (e != db->lru_head) {
        cache_unlink(db, e);
        cache_push_front(db, e);
      }
      return e->stmt;
    }
  }
  if (len > INT_MAX) {
    *errreply = sqlite_error_reply(id, SQLITE_TOOBIG, "SQL text too long");
    return NULL;
  }
  sqlite3_stmt *st = NULL;
  const char *tail = NULL;
  /* PERSISTENT: the statement is expected to live in the cache for long;
   * SQLite then allocates it outside its lookaside pool. */
  int rc = sqlite3_prepare_v3(db->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &st, &tail);
  if (rc != SQLITE_OK) {
    *errreply = sqlite_error_reply(id, rc, sqlite3_errmsg(db->db));
    return NULL;
  }
  if (st == NULL) {
    *errreply = bad_request(id, "%s: the SQL holds no statement", op);
    return NULL;
  }
  if (tail != NULL && !sql_tail_is_empty(tail, sql + len)) {
    sqlite3_finalize(st);
    *errreply = bad_request(id,
                            "%s: the SQL holds more than one statement; send one statement per "
                            "call, or use op \"exec\" for a script without parameters",
                            op);
    return NULL;
  }
  struct stmt_entry *e = malloc(sizeof *e + len + 1);
  if (e == NULL) {
    sqlite3_finalize(st);
    *errreply = NULL;
    return NULL;
  }
  memcpy(e->sql, sql, len);
  e->sql[len] = '\0';
  e->len = len;
  e->hash = h;
  e->stmt = st;
  cache_push_front(db, e);
  if (++db->nstmts > BROKER_STMT_CACHE_SIZE) {
    struct stmt_entry *old = db->lru_tail;
    cache_unlink(db, old);
    sqlite3_finalize(old->stmt);
    free(old);
    db->nstmts--;
  }
  return st;
}

/* ---- values ------------------------------------------------------------ */

/* Binds PARAMS (array, null or absent) to ST.  Returns 0, or -1 with
 * *errreply set (NULL when out of memory).  Text is bound SQLITE_STATIC:
 * PARAMS outlives the statement's use, and bindings are cleared right after. */
static int bind_params(sqlite3_stmt *st, const json_t *id, const char *op, const json_t *params,
                       json_t **errreply) {
  *errreply = NULL;
  if (params != NULL && !json_is_null(params) && !json_is_array(params)) {
    *errreply = bad_request(id, "%s: \"params\" must be an array", op);
    return -1;
  }
  size_t given = json_is_array(params) ? json_array_size(params) : 0;
  int want = sqlite3_bind_parameter_count(st);
  for (int i = 1; i <= want; i++) {
    const char *name = sqlite3_bind_parameter_name(st, i);
    if (name != NULL && name[0] != '?') {
      *errreply = bad_request(id, "%s: named parameter %s is not supported; use positional ?", op, name);
      return -1;
    }
  }
  if (given != (size_t)want) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: the statement takes %d parameter%s but %zu %s given", op, want,
             want == 1 ? "" : "s", given, given == 1 ? "was" : "were");
    *errreply = sqlite_error_reply(id, SQLITE_RANGE, msg);
    return -1;
  }
  for (size_t k = 0; k < given; k++) {
    const json_t *v = json_array_get(params, k);
    int i = (int)k + 1, rc;
    switch (json_typeof(v)) {
    case JSON_NULL:
      rc = sqlite3_bind_null(st, i);
      break;
    case JSON_TRUE:
      rc = sqlite3_bind_int(st, i, 1);
      break;
    case JSON_FALSE:
      rc = sqlite3_bind_int(st, i, 0);
      break;
    case JSON_INTEGER:
      rc = sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v));
      break;
    case JSON_REAL:
      rc = sqlite3_bind_double(st, i, json_real_value(v));
      break;
    case JSON_STRING:
      rc = sqlite3_bind_text64(st, i, json_string_value(v), json_string_length(v), SQLITE_STATIC,
                               SQLITE_UTF8);
      break;
    case JSON_OBJECT: {
      const json_t *b = json_object_get(v, "$blob");
      if (json_object_size(v) != 1 || !json_is_string(b))
        goto unsupported;
      unsigned char *data;
      size_t n;
      int drc = b64_decode(json_string_value(b), json_string_length(b), &data, &n);
      if (drc == -2)
        return -1;
      if (drc != 0) {
        *errreply = bad_request(id, "%s: parameter %zu: \"$blob\" is not valid base64", op, k + 1);
        return -1;
      }
      /* A NULL pointer would bind SQL NULL, so an empty blob is a zeroblob. */
      if (n == 0)
        rc = sqlite3_bind_zeroblob(st, i, 0);
      else
        rc = sqlite3_bind_blob64(st, i, data, n, sqlite3_free); /* frees DATA even on error */
      break;
    }
    default:
    unsupported:
      *errreply = bad_request(id, "%s: parameter %zu: unsupported type (use null, boolean, number, "
                                  "string or {\"$blob\": base64})",
                              op, k + 1);
      return -1;
    }
    if (rc != SQLITE_OK) {
      char msg[160];
      snprintf(msg, sizeof msg, "%s: parameter %zu: %s", op, k + 1, sqlite3_errstr(rc));
      *errreply = sqlite_error_reply(id, rc, msg);
      return -1;
    }
  }
  return 0;
}

/* Column C of the current row as JSON.  Returns NULL with *errreply set
 * (NULL when out of memory) if the value cannot be represented. */
static json_t *column_json(sqlite3_stmt *st, int c, const json_t *id, size_t row, json_t **errreply) {
  *errreply = NULL;
  switch (sqlite3_column_type(st, c)) {
  case SQLITE_INTEGER:
    return json_integer((json_int_t)sqlite3_column_int64(st, c));
  case SQLITE_FLOAT: {
    double d = sqlite3_column_double(st, c);
    if (!isfinite(d)) {
      *errreply = broker_db_error_reply(id, CODE_UNREPRESENTABLE,
                                        "row %zu, column \"%s\": the real value %s cannot be "
                                        "represented in JSON",
                                        row + 1, sqlite3_column_name(st, c), d > 0 ? "Inf" : "-Inf");
      return NULL;
    }
    return json_real(d);
  }
  case SQLITE_TEXT: {
    const char *p = (const char *)sqlite3_column_text(st, c);
    size_t n = (size_t)sqlite3_column_bytes(st, c);
    if (p == NULL)
      return NULL; /* out of memory converting */
    json_t *s = json_stringn(p, n);
    if (s == NULL)
      *errreply = broker_db_error_reply(id, CODE_UNREPRESENTABLE,
                                        "row %zu, column \"%s\": the text is not valid UTF-8 "
                                        "(select it as a blob: CAST(x AS BLOB))",
                                        row + 1, sqlite3_column_name(st, c));
    return s;
  }
  case SQLITE_BLOB: {
    const unsigned char *p = sqlite3_column_blob(st, c);
    size_t n = (size_t)sqlite3_column_bytes(st, c);
    char *enc = b64_encode(p, p ? n : 0);
    if (enc == NULL)
      return NULL;
    json_t *o = json_pack("{s:s}", "$blob", enc);
    free(enc);
    return o;
  }
  default:
    return json_null();
  }
}

/* ---- ops --------------------------------------------------------------- */

static json_t *run_query(struct broker_db *db, sqlite3_stmt *st, const json_t *id) {
  json_t *r = reply_new(id, 1), *cols = json_array(), *rows = json_array(), *err = NULL;
  if (r == NULL || cols == NULL || rows == NULL)
    goto oom;
  /* Columns are named after the first step: a cached statement whose
   * schema changed is re-prepared inside sqlite3_step, and "SELECT *" may
   * then have a different shape. */
  int rc = sqlite3_step(st);
  int ncol = sqlite3_column_count(st);
  for (int c = 0; c < ncol; c++) {
    const char *name = sqlite3_column_name(st, c);
    if (name == NULL || json_array_append_new(cols, json_string(name)) != 0)
      goto oom;
  }
  size_t nrow = 0;
  for (; rc == SQLITE_ROW; rc = sqlite3_step(st), nrow++) {
    json_t *row = json_array();
    if (row == NULL || json_array_append_new(rows, row) != 0)
      goto oom;
    for (int c = 0; c < ncol; c++) {
      json_t *v = column_json(st, c, id, nrow, &err);
      if (v == NULL)
        goto fail;
      if (json_array_append_new(row, v) != 0)
        goto oom;
    }
  }
  if (rc != SQLITE_DONE) {
    err = sqlite_error_reply(id, rc, sqlite3_errmsg(db->db));
    goto fail;
  }
  /* json_object_set_new takes the reference even when it fails. */
  int bad = json_object_set_new(r, "columns", cols);
  cols = NULL;
  bad |= json_object_set_new(r, "rows", rows);
  rows = NULL;
  if (bad)
    goto oom;
  return r;
oom:
  err = NULL;
fail:
  json_decref(r);
  json_decref(cols);
  json_decref(rows);
  return err;
}

static json_t *run_execute(struct broker_db *db, sqlite3_stmt *st, const json_t *id) {
  sqlite3_int64 before = sqlite3_total_changes64(db->db);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    ; /* rows a statement returns are not wanted here */
  if (rc != SQLITE_DONE)
    return sqlite_error_reply(id, rc, sqlite3_errmsg(db->db));
  /* sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE, so a
   * statement that changed nothing (SELECT, DDL) would report a stale
   * count: report 0 for those. */
  sqlite3_int64 changes = 0;
  if (!sqlite3_stmt_readonly(st) && sqlite3_total_changes64(db->db) != before)
    changes = sqlite3_changes64(db->db);
  json_t *r = reply_new(id, 1);
  if (r == NULL)
    return NULL;
  if (json_object_set_new(r, "changes", json_integer(changes)) != 0 ||
      json_object_set_new(r, "lastInsertRowid", json_integer(sqlite3_last_insert_rowid(db->db))) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

static json_t *run_exec(struct broker_db *db, const char *sql, const json_t *id) {
  char *msg = NULL;
  int rc = sqlite3_exec(db->db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    json_t *r = sqlite_error_reply(id, rc, msg ? msg : sqlite3_errmsg(db->db));
    sqlite3_free(msg);
    return r;
  }
  return reply_new(id, 1);
}

/* Protocol v1 has no explicit transactions: every request must leave the
 * connection in autocommit mode, or the next worker's statements would run
 * inside someone else's transaction.  Undo a transaction a request left
 * open (BEGIN, SAVEPOINT, a script without its COMMIT) and say so. */
static json_t *check_autocommit(struct broker_db *db, const json_t *id, const char *op, json_t *reply) {
  if (sqlite3_get_autocommit(db->db))
    return reply;
  char e[256];
  if (exec_simple(db->db, "ROLLBACK", e, sizeof e) != 0)
    log_error("rolling back a transaction left open by a request: %s", e);
  json_decref(reply);
  return broker_db_error_reply(id, "JSFPM_TRANSACTION",
                               "%s: the statement left a transaction open; explicit transactions are "
                               "not supported in protocol v1, so it was rolled back",
                               op);
}

json_t *broker_db_execute(struct broker_db *db, const json_t *req) {
  const json_t *id = json_object_get(req, "id");
  if (!json_is_integer(id))
    return bad_request(NULL, "\"id\" must be an integer");
  const char *op = json_string_value(json_object_get(req, "op"));
  if (op == NULL)
    return bad_request(id, "\"op\" must be a string");
  if (strcmp(op, "ping") == 0)
    return reply_new(id, 1);
  int is_query = strcmp(op, "query") == 0, is_execute = strcmp(op, "execute") == 0;
  int is_exec = strcmp(op, "exec") == 0;
  if (!is_query && !is_execute && !is_exec)
    return bad_request(id, "unknown op \"%.64s\" (expected query, execute, exec or ping)", op);
  const json_t *sqlv = json_object_get(req, "sql");
  if (!json_is_string(sqlv))
    return bad_request(id, "%s: \"sql\" must be a string", op);
  const char *sql = json_string_value(sqlv);
  size_t len = json_string_length(sqlv);
  /* SQLite stops reading at a NUL byte; the rest would be silently ignored. */
  if (memchr(sql, '\0', len) != NULL)
    return bad_request(id, "%s: \"sql\" contains a NUL byte", op);
  const json_t *params = json_object_get(req, "params");
  if (is_exec) {
    if (params != NULL && !json_is_null(params) &&
        !(json_is_array(params) && json_array_size(params) == 0))
      return bad_request(id, "exec: takes no \"params\"; use query or execute with ? placeholders");
    return check_autocommit(db, id, op, run_exec(db, sql, id));
  }
  json_t *reply = NULL;
  sqlite3_stmt *st = stmt_get(db, id, op, sql, len, &reply);
  if (st == NULL)
    return reply;
  if (bind_params(st, id, op, params, &reply) == 0)
    reply = is_query ? run_query(db, st, id) : run_execute(db, st, id);
  /* Reset at once: a statement left mid-step keeps a read transaction open,
   * which blocks WAL checkpoints.  The step's error is already reported. */
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return check_autocommit(db, id, op, reply);
}

/* ---- migrations -------------------------------------------------------- */

struct migration {
  long long version;
  char *file; /* name inside the migrations directory */
};

static int migration_cmp(const void *a, const void *b) {
  const struct migration *x = a, *y = b;
  return x->version < y->version ? -1 : x->version > y->version;
}

/* Parses "NNN_name.sql"; returns 0 and *version, or -1 if NAME is not a
 * migration file. */
static int migration_parse_name(const char *name, long long *version) {
  size_t digits = strspn(name, "0123456789");
  size_t n = strlen(name);
  if (digits == 0 || digits > 18 || name[digits] != '_' || n < digits + 5 ||
      strcmp(name + n - 4, ".sql") != 0)
    return -1;
  *version = strtoll(name, NULL, 10);
  return 0;
}

/* Reads PATH whole into a NUL-terminated buffer.  Returns NULL with ERR
 * (which does not repeat the path: the caller names the file). */
static char *read_file(const char *path, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open it: %s", strerror(errno));
    return NULL;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    snprintf(err, errlen, "cannot stat it: %s", strerror(errno));
    close(fd);
    return NULL;
  }
  if (!S_ISREG(sb.st_mode)) {
    snprintf(err, errlen, "not a regular file");
    close(fd);
    return NULL;
  }
  size_t cap = (size_t)sb.st_size + 1, len = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    snprintf(err, errlen, "out of memory");
    close(fd);
    return NULL;
  }
  for (;;) {
    if (len + 1 >= cap) { /* the file grew since fstat */
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
      buf = nb;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      snprintf(err, errlen, "cannot read it: %s", strerror(errno));
      goto fail;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = '\0';
  if (memchr(buf, '\0', len) != NULL) {
    snprintf(err, errlen, "the file contains a NUL byte");
    free(buf);
    return NULL;
  }
  return buf;
fail:
  free(buf);
  close(fd);
  return NULL;
}

/* Is VERSION recorded?  1 yes, 0 no, -1 error (ERR set). */
static int migration_recorded(sqlite3 *h, long long version, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(h, "SELECT 1 FROM jsfpm_migrations WHERE version = ?", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 1, version);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  int result = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
  if (result < 0)
    snprintf(err, errlen, "reading jsfpm_migrations: %s: %s", broker_code_name(rc), sqlite3_errmsg(h));
  sqlite3_finalize(st);
  return result;
}

/* Applies one migration file atomically.  Returns 0 or -1 with ERR. */
static int migration_apply(sqlite3 *h, const char *path, const struct migration *m, char *err,
                           size_t errlen) {
  char e[768];
  char *sql = read_file(path, e, sizeof e);
  if (sql == NULL) {
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    return -1;
  }
  /* IMMEDIATE takes the write lock up front, so the migration cannot fail
   * half-way with SQLITE_BUSY on lock upgrade. */
  if (exec_simple(h, "BEGIN IMMEDIATE", e, sizeof e) != 0) {
    free(sql);
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    return -1;
  }
  int rc = -1;
  sqlite3_stmt *st = NULL;
  if (exec_simple(h, sql, e, sizeof e) != 0)
    goto out;
  if (sqlite3_get_autocommit(h)) {
    snprintf(e, sizeof e, "the file ends the transaction itself (remove BEGIN/COMMIT from it)");
    goto out;
  }
  int src = sqlite3_prepare_v2(h, "INSERT INTO jsfpm_migrations (version, name) VALUES (?, ?)", -1, &st,
                               NULL);
  if (src == SQLITE_OK)
    src = sqlite3_bind_int64(st, 1, m->version);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 2, m->file, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_step(st);
  if (src != SQLITE_DONE) {
    snprintf(e, sizeof e, "%s: %s", broker_code_name(src), sqlite3_errmsg(h));
    goto out;
  }
  if (exec_simple(h, "COMMIT", e, sizeof e) != 0)
    goto out;
  rc = 0;
out:
  sqlite3_finalize(st);
  free(sql);
  if (rc != 0) {
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    if (!sqlite3_get_autocommit(h)) {
      char e2[256];
      if (exec_simple(h, "ROLLBACK", e2, sizeof e2) != 0)
        log_error("rolling back migration %s: %s", path, e2);
    }
  }
  return rc;
}

int broker_db_migrate(struct broker_db *db, const char *app_root, char *err, size_t errlen) {
  if (app_root == NULL)
    return 0;
  char dir[PATH_MAX];
  if ((size_t)snprintf(dir, sizeof dir, "%s/migrations", app_root) >= sizeof dir) {
    snprintf(err, errlen, "%s/migrations: path too long", app_root);
    return -1;
  }
  DIR *d = opendir(dir);
  if (d == NULL) {
    if (errno == ENOENT)
      return 0; /* an app without migrations */
    snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
    return -1;
  }
  struct migration *list = NULL;
  size_t n = 0, cap = 0;
  int result = -1;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(d);
    if (de == NULL) {
      if (errno != 0) {
        snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
        goto out;
      }
      break;
    }
    long long version;
    if (de->d_name[0] == '.')
      continue;
    if (migration_parse_name(de->d_name, &version) != 0) {
      size_t l = strlen(de->d_name);
      if (l >= 4 && strcmp(de->d_name + l - 4, ".sql") == 0)
        log_warn("ignoring %s/%s: migration files are named NNN_name.sql", dir, de->d_name);
      continue;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      struct migration *nl = realloc(list, ncap * sizeof *nl);
      if (nl == NULL) {
        snprintf(err, errlen, "%s: out of memory", dir);
        goto out;
      }
      list = nl;
      cap = ncap;
    }
    list[n].version = version;
    list[n].file = strdup(de->d_name);
    if (list[n].file == NULL) {
      snprintf(err, errlen, "%s: out of memory", dir);
      goto out;
    }
    n++;
  }
  if (n > 1) /* qsort(NULL, 0, ...) is undefined */
    qsort(list, n, sizeof *list, migration_cmp);
  for (size_t i = 1; i < n; i++) {
    if (list[i].version == list[i - 1].version) {
      snprintf(err, errlen, "migrations %s/%s and %s share version %lld", dir, list[i - 1].file,
               list[i].file, list[i].version);
      goto out;
    }
  }
  char e[512];
  if (exec_simple(db->db,
                  "CREATE TABLE IF NOT EXISTS jsfpm_migrations ("
                  "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
                  e, sizeof e) != 0) {
    snprintf(err, errlen, "creating jsfpm_migrations: %s", e);
    goto out;
  }
  int applied = 0;
  for (size_t i = 0; i < n; i++) {
    int done = migration_recorded(db->db, list[i].version, err, errlen);
    if (done < 0)
      goto out;
    if (done)
      continue;
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, list[i].file) >= sizeof path) {
      snprintf(err, errlen, "%s/%s: path too long", dir, list[i].file);
      goto out;
    }
    if (migration_apply(db->db, path, &list[i], err, errlen) != 0)
      goto out;
    log_info("applied migration %s", path);
    applied++;
  }
  result = applied;
out:
  for (size_t i = 0; i < n; i++)
    free(list[i].file);
  free(list);
  if (closedir(d) != 0)
    log_warn("closing %s: %s", dir, strerror(errno));
  return result;
}
