/* broker_db_migrate.c: the app's migrations, applied in order at the
 * broker's start, each in its own transaction. */
#include "autoconfig.h"

#include "broker_db_internal.h"
#include "migrations_list.h"

/* ---- migrations -------------------------------------------------------- */

/* Reads PATH whole into a NUL-terminated buffer.  Returns NULL with ERR
 * (which does not repeat the path: the caller names the file). */
char *bdb_read_file(const char *path, char *err, size_t errlen) {
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
      if (errno == EINTR) continue;
      snprintf(err, errlen, "cannot read it: %s", strerror(errno));
      goto fail;
    }
    if (r == 0) break;
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
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 1, version);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
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
  char *sql = bdb_read_file(path, e, sizeof e);
  if (sql == NULL) {
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    return -1;
  }
  /* IMMEDIATE takes the write lock up front, so the migration cannot fail
   * half-way with SQLITE_BUSY on lock upgrade. */
  if (bdb_exec_simple(h, "BEGIN IMMEDIATE", e, sizeof e) != 0) {
    free(sql);
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    return -1;
  }
  int rc = -1;
  sqlite3_stmt *st = NULL;
  if (bdb_exec_simple(h, sql, e, sizeof e) != 0) goto out;
  if (sqlite3_get_autocommit(h)) {
    snprintf(e, sizeof e, "the file ends the transaction itself (remove BEGIN/COMMIT from it)");
    goto out;
  }
  int src =
      sqlite3_prepare_v2(h, "INSERT INTO jsfpm_migrations (version, name) VALUES (?, ?)", -1, &st, NULL);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 1, m->version);
  if (src == SQLITE_OK) src = sqlite3_bind_text(st, 2, m->file, -1, SQLITE_STATIC);
  if (src == SQLITE_OK) src = sqlite3_step(st);
  if (src != SQLITE_DONE) {
    snprintf(e, sizeof e, "%s: %s", broker_code_name(src), sqlite3_errmsg(h));
    goto out;
  }
  if (bdb_exec_simple(h, "COMMIT", e, sizeof e) != 0) goto out;
  rc = 0;
out:
  sqlite3_finalize(st);
  free(sql);
  if (rc != 0) {
    snprintf(err, errlen, "migration %s failed: %s", path, e);
    if (!sqlite3_get_autocommit(h)) {
      char e2[256];
      if (bdb_exec_simple(h, "ROLLBACK", e2, sizeof e2) != 0)
        log_error("rolling back migration %s: %s", path, e2);
    }
  }
  return rc;
}

int broker_db_migrate(struct broker_db *db, const char *app_root, char *err, size_t errlen) {
  if (app_root == NULL) return 0;
  struct migrations_list mig;
  if (migrations_list_read(app_root, &mig, err, errlen) < 0) return -1;
  const char *dir = mig.dir;
  struct migration *list = mig.items;
  size_t n = mig.n;
  int result = -1;
  sqlite3 *h = NULL;
  /* The operator's own files run on a connection of their own, without the
   * authorizer, closed when they are done: whatever they leave in a
   * connection (TEMP objects, settings) does not reach the requests. */
  h = bdb_conn_open(db, NULL, SQLITE_OPEN_READWRITE, err, errlen);
  if (h == NULL || bdb_writer_setup(db, h, err, errlen) != 0) goto out;
  char e[512];
  if (bdb_exec_simple(h,
                      "CREATE TABLE IF NOT EXISTS jsfpm_migrations ("
                      "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                      "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
                      e, sizeof e) != 0) {
    snprintf(err, errlen, "creating jsfpm_migrations: %s", e);
    goto out;
  }
  int applied = 0;
  for (size_t i = 0; i < n; i++) {
    int done = migration_recorded(h, list[i].version, err, errlen);
    if (done < 0) goto out;
    if (done) continue;
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, list[i].file) >= sizeof path) {
      snprintf(err, errlen, "%s/%s: path too long", dir, list[i].file);
      goto out;
    }
    if (migration_apply(h, path, &list[i], err, errlen) != 0) goto out;
    log_info("applied migration %s", path);
    applied++;
  }
  result = applied;
out:
  if (h != NULL && sqlite3_close(h) != SQLITE_OK)
    log_error("closing the migrations' connection: %s", sqlite3_errmsg(h));
  migrations_list_free(&mig);
  return result;
}
