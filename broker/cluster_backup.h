/* cluster_backup.h: jsfpm --backup DEST in cluster mode (docs/cluster.md,
 * "Backup"). */
#ifndef JSFPM_CLUSTER_BACKUP_H
#define JSFPM_CLUSTER_BACKUP_H

struct jsfpm_config;

/* Asks the cluster's leader (found through this host's [cluster] address
 * and peers) for a DUMP of the app's database, CLUSTER_DB_NAME: its files
 * as of one snapshot.  Writes them as DEST.tmp (and DEST.tmp-wal when the
 * WAL is not empty), opens that with SQLite, checks it (PRAGMA
 * integrity_check), folds the WAL in and links it to DEST, as the
 * single-host backup does.  DEST must not exist.  Prints progress and
 * errors to stderr; returns the process exit status (0 ok). */
int cluster_backup_run(const struct jsfpm_config *cfg, const char *dest);

#endif
