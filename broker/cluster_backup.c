/* cluster_backup.c: backup from the cluster (see cluster_backup.h).
 *
 * Why DUMP: dqlite keeps the database in the node's memory, so there is no
 * file to copy; its DUMP request answers with the database's pages as of
 * one snapshot (the node takes WAL read lock 0, so no checkpoint changes
 * them meanwhile).  dqlite 1.18.6 folds the WAL's frames into those pages
 * and sends an empty WAL; a non-empty one (another dqlite version) is
 * written beside the file and folded in by SQLite.
 *
 * The leader is asked, not this host's node: it has applied every write
 * it acknowledged, a follower may lag behind.
 *
 * Guarantees: those of the single-host backup (broker_backup.h): DEST
 * appears only complete, checked and fsynced, never replaces a file, mode
 * 0600; the files written on the way are created (O_EXCL, O_NOFOLLOW), never
 * followed through a link.
 */
#include "autoconfig.h"

#include "cluster_backup.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker_backup.h"
#include "cluster_db.h"
#include "config.h"
#include "dqlite_client.h"
#include "durable.h"

/* The dump is one message of the whole database: give it time. */
#define CLUSTER_BACKUP_TIMEOUT_MS 60000
/* Finding the leader. */
#define CLUSTER_BACKUP_LEADER_TIMEOUT_MS 5000

struct dump_target {
  const char *tmp;     /* DEST.tmp: the main file */
  const char *tmp_wal; /* DEST.tmp-wal */
  int files;           /* written so far */
  size_t db_bytes;
  char err[PATH_MAX + 256];
};

/* dqlite_client_file_fn: the main file, then its WAL, in that order. */
static int write_dump_file(void *arg, const char *name, const unsigned char *data, size_t len) {
  struct dump_target *t = arg;
  if (t->files == 0 && strcmp(name, CLUSTER_DB_NAME) == 0) {
    t->files++;
    t->db_bytes = len;
    return durable_create(t->tmp, data, len, 0600, t->err, sizeof t->err);
  }
  if (t->files == 1 && strcmp(name, CLUSTER_DB_NAME "-wal") == 0) {
    t->files++;
    return len == 0 ? 0 : durable_create(t->tmp_wal, data, len, 0600, t->err, sizeof t->err);
  }
  snprintf(t->err, sizeof t->err, "the leader's dump holds an unexpected file '%.100s'", name);
  return -1;
}

/* The dump of the leader, found through this host's node and its peers, in
 * T's files.  Returns 0, or -1 (said on stderr). */
static int dump_leader(const struct jsfpm_config *cfg, struct dump_target *t) {
  size_t nnodes;
  char **nodes = config_cluster_nodes(cfg, &nnodes);
  char err[1024];
  struct dqlite_client *c = dqlite_client_connect_leader((const char *const *)nodes, nnodes,
                                                         CLUSTER_BACKUP_LEADER_TIMEOUT_MS, err, sizeof err);
  config_nodes_free(nodes);
  if (c == NULL) {
    fprintf(stderr, "jsfpm: --backup: no leader found in the cluster: %s\n", err);
    return -1;
  }
  dqlite_client_set_timeout(c, CLUSTER_BACKUP_TIMEOUT_MS);
  int rc = dqlite_client_dump(c, CLUSTER_DB_NAME, write_dump_file, t);
  if (rc == DQLITE_CLIENT_OK && t->files != 2) {
    snprintf(t->err, sizeof t->err, "the leader's dump holds %d files, not the database and its WAL",
             t->files);
    rc = DQLITE_CLIENT_FAILED;
  }
  if (rc == DQLITE_CLIENT_STOPPED || (rc == DQLITE_CLIENT_FAILED && t->err[0] != '\0'))
    fprintf(stderr, "jsfpm: --backup: %s\n", t->err);
  else if (rc == DQLITE_CLIENT_FAILED && dqlite_client_errcode(c) == DQLITE_PROTO_NOT_FOUND)
    fprintf(stderr, "jsfpm: --backup: the cluster has no database %s yet (nothing was ever written to it)\n",
            CLUSTER_DB_NAME);
  else if (rc != DQLITE_CLIENT_OK)
    fprintf(stderr, "jsfpm: --backup: the leader %s did not dump database %s: %s\n", dqlite_client_address(c),
            CLUSTER_DB_NAME, dqlite_client_errmsg(c));
  else
    fprintf(stderr, "jsfpm: dump of %s from the leader %s: %zu bytes\n", CLUSTER_DB_NAME,
            dqlite_client_address(c), t->db_bytes);
  dqlite_client_close(c);
  return rc == DQLITE_CLIENT_OK ? 0 : -1;
}

int cluster_backup_run(const struct jsfpm_config *cfg, const char *dest) {
  char tmp[PATH_MAX], tmp_wal[PATH_MAX + 8];
  if (broker_backup_begin(dest, tmp, sizeof tmp) != 0) return 1;
  snprintf(tmp_wal, sizeof tmp_wal, "%s-wal", tmp);
  if (unlink(tmp_wal) != 0 && errno != ENOENT) {
    fprintf(stderr, "jsfpm: --backup: cannot remove the leftover %s: %s\n", tmp_wal, strerror(errno));
    return 1;
  }
  struct dump_target t = {.tmp = tmp, .tmp_wal = tmp_wal};
  int status = 1;
  mode_t old_umask = umask(077); /* SQLite's own files beside it, too */
  sqlite3 *dst = NULL;
  if (dump_leader(cfg, &t) != 0) goto out;
  int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "jsfpm: --backup: cannot open %s: %s\n", tmp,
            dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    goto out;
  }
  rc = broker_backup_finish(dst, tmp, dest);
  dst = NULL;
  if (rc != 0) goto out;
  fprintf(stderr, "jsfpm: backup of the cluster's %s written to %s (%zu bytes, integrity ok)\n",
          CLUSTER_DB_NAME, dest, t.db_bytes);
  status = 0;
out:
  sqlite3_close(dst);
  if (status != 0) {
    unlink(tmp);
    unlink(tmp_wal);
  }
  umask(old_umask);
  return status;
}
