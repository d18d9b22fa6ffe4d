/* broker_backup.c: online backup (see broker_backup.h, docs/database.md).
 *
 * Why beside the broker rather than through it: in WAL mode a second
 * connection that only reads sees one committed snapshot for as long as its
 * read transaction lasts, and never blocks the broker's writer (it only
 * delays checkpoints past that snapshot for the few seconds the copy
 * takes).  The copy runs in one sqlite3_backup_step(-1), i.e. one read
 * transaction, so it is the database as of one commit.  The broker is not
 * disturbed and the backup works even when the broker is down.
 *
 * Guarantees: DEST appears only complete, checked and fsynced (written as
 * DEST.tmp, then linked); an existing DEST is never overwritten; DEST is
 * created mode 0600.
 */
#include "autoconfig.h"

#include "broker_backup.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker_db.h"
#include "config.h"
#include "durable.h"

/* The integrity_check result of H: 0 when "ok", -1 with the first problem
 * in MSG. */
static int check_integrity(sqlite3 *h, char *msg, size_t len) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    snprintf(msg, len, "%s: %s", broker_code_name(rc), sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return -1;
  }
  const char *r = (const char *)sqlite3_column_text(st, 0);
  int ok = r != NULL && strcmp(r, "ok") == 0;
  if (!ok) snprintf(msg, len, "%s", r ? r : "(no answer)");
  sqlite3_finalize(st);
  return ok ? 0 : -1;
}

int broker_backup_begin(const char *dest, char *tmp, size_t tmplen) {
  if (access(dest, F_OK) == 0) {
    fprintf(stderr, "jsfpm: --backup: %s exists; choose a new file name\n", dest);
    return -1;
  }
  if ((size_t)snprintf(tmp, tmplen, "%s.tmp", dest) >= tmplen) {
    fprintf(stderr, "jsfpm: --backup: %s: path too long\n", dest);
    return -1;
  }
  if (unlink(tmp) != 0 && errno != ENOENT) {
    fprintf(stderr, "jsfpm: --backup: cannot remove the leftover %s: %s\n", tmp, strerror(errno));
    return -1;
  }
  return 0;
}

int broker_backup_finish(sqlite3 *dst, const char *tmp, const char *dest) {
  char msg[512];
  if (check_integrity(dst, msg, sizeof msg) != 0) {
    fprintf(stderr, "jsfpm: --backup: the copy fails integrity_check: %s\n", msg);
    sqlite3_close(dst);
    return -1;
  }
  /* The copy is in WAL mode; fold everything into the main file so DEST
   * is one self-contained file. */
  if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "jsfpm: --backup: %s: %s\n", tmp, sqlite3_errmsg(dst));
    sqlite3_close(dst);
    return -1;
  }
  int rc = sqlite3_close(dst);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "jsfpm: --backup: closing %s: %s\n", tmp, sqlite3_errstr(rc));
    return -1;
  }
  if (durable_sync(tmp) != 0) {
    fprintf(stderr, "jsfpm: --backup: fsync %s: %s\n", tmp, strerror(errno));
    return -1;
  }
  if (link(tmp, dest) != 0) { /* link, not rename: never replaces DEST */
    fprintf(stderr, "jsfpm: --backup: cannot create %s: %s\n", dest, strerror(errno));
    return -1;
  }
  if (unlink(tmp) != 0 || durable_sync_parent(dest) != 0) {
    fprintf(stderr, "jsfpm: --backup: finishing %s: %s\n", dest, strerror(errno));
    return -1;
  }
  return 0;
}

int broker_backup_run(const struct jsfpm_config *cfg, const char *dest) {
  const char *src_path = cfg->db_path;
  char tmp[PATH_MAX];
  if (src_path == NULL) {
    fprintf(stderr, "jsfpm: --backup: no [database] path configured\n");
    return 1;
  }
  if (broker_backup_begin(dest, tmp, sizeof tmp) != 0) return 1;
  sqlite3 *src = NULL, *dst = NULL;
  sqlite3_backup *bk = NULL;
  int status = 1;
  /* The copy holds the app's data: private, like the database itself. */
  mode_t old_umask = umask(077);
  /* Read-only, and never create: a typo in the path must not produce an
   * empty "backup" of a new empty database. */
  int rc = sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "jsfpm: --backup: cannot open %s: %s\n", src_path,
            src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
    goto out;
  }
  sqlite3_busy_timeout(src, 5000);
  rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "jsfpm: --backup: cannot create %s: %s\n", tmp,
            dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    goto out;
  }
  bk = sqlite3_backup_init(dst, "main", src, "main");
  if (bk == NULL) {
    fprintf(stderr, "jsfpm: --backup: %s\n", sqlite3_errmsg(dst));
    goto out;
  }
  /* -1: every page in one step, one read transaction, one snapshot. */
  rc = sqlite3_backup_step(bk, -1);
  int pages = sqlite3_backup_pagecount(bk);
  int frc = sqlite3_backup_finish(bk);
  bk = NULL;
  if (rc != SQLITE_DONE || frc != SQLITE_OK) {
    fprintf(stderr, "jsfpm: --backup: copying %s: %s: %s\n", src_path,
            broker_code_name(rc != SQLITE_DONE ? rc : frc), sqlite3_errmsg(dst));
    goto out;
  }
  rc = broker_backup_finish(dst, tmp, dest);
  dst = NULL;
  if (rc != 0) goto out;
  fprintf(stderr, "jsfpm: backup of %s written to %s (%d pages, integrity ok)\n", src_path, dest, pages);
  status = 0;
out:
  if (bk) sqlite3_backup_finish(bk);
  sqlite3_close(dst);
  sqlite3_close(src);
  if (status != 0) unlink(tmp);
  umask(old_umask);
  return status;
}
