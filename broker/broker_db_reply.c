/* broker_db_reply.c: how the broker tells outcomes: SQLite result codes
 * by name, ok and error replies. */
#include "autoconfig.h"

#include "broker_db_internal.h"

/* ---- result code names ---------------------------------------------- */

const char *broker_code_name(int code) {
  switch (code) {
#define C(x)                                                                                                 \
  case x: return #x
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
  default: break;
  }
  if ((code & 0xff) != code) return broker_code_name(code & 0xff);
  return "SQLITE_UNKNOWN";
}

/* ---- replies ----------------------------------------------------------- */

json_t *bdb_reply_new(const json_t *id, int ok) {
  json_t *r = json_object();
  if (r == NULL) return NULL;
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
  json_t *r = bdb_reply_new(id, 0);
  if (r == NULL) return NULL;
  /* json_string rejects invalid UTF-8, which a message quoting user input
   * could hold; fall back to a fixed text rather than to no reply. */
  json_t *m = json_string(msg);
  if (m == NULL) m = json_string("(message is not valid UTF-8)");
  if (json_object_set_new(r, "code", json_string(code)) != 0 || json_object_set_new(r, "message", m) != 0) {
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

/* {"ok":false, "code": extended name, "primary": primary name,
 *  "errcode": extended number, "message": ...} */
json_t *bdb_sqlite_error_reply(const json_t *id, int rc, const char *msg) {
  json_t *r = broker_db_error_reply(id, broker_code_name(rc), "%s", msg ? msg : sqlite3_errstr(rc));
  if (r == NULL) return NULL;
  if (json_object_set_new(r, "primary", json_string(broker_code_name(rc & 0xff))) != 0 ||
      json_object_set_new(r, "errcode", json_integer(rc)) != 0) {
    json_decref(r);
    return NULL;
  }
  return r;
}

json_t *broker_db_ok_reply(const json_t *id) { return bdb_reply_new(id, 1); }
