/* broker_backup.h: online backup of the database (jsfpm --backup DEST). */
#ifndef JSFPM_BROKER_BACKUP_H
#define JSFPM_BROKER_BACKUP_H

#include <sqlite3.h>
#include <stddef.h>

struct jsfpm_config;

/* Copies cfg->db_path to DEST while the server may be running and writing:
 * a read-only connection beside the broker's (safe in WAL mode, and it
 * never blocks the broker's writer) copies one consistent snapshot with the
 * SQLite backup API into DEST.tmp, checks it (PRAGMA integrity_check),
 * fsyncs it and renames it to DEST.  DEST must not exist.  Prints progress
 * and errors to stderr; returns the process exit status (0 ok). */
int broker_backup_run(const struct jsfpm_config *cfg, const char *dest);

/* The steps every backup shares (the cluster's too, cluster_backup.c):
 * _begin refuses an existing DEST and removes a leftover DEST.tmp (TMP,
 * TMPLEN bytes); _finish checks the copy open in DST (PRAGMA
 * integrity_check), folds its WAL into the file, closes DST (always),
 * fsyncs it and links it to DEST.  Both print what failed to stderr and
 * return -1, else 0. */
int broker_backup_begin(const char *dest, char *tmp, size_t tmplen);
int broker_backup_finish(sqlite3 *dst, const char *tmp, const char *dest);

#endif
