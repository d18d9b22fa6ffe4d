/* broker_backup.h: online backup of the database (jsfpm --backup DEST). */
#ifndef JSFPM_BROKER_BACKUP_H
#define JSFPM_BROKER_BACKUP_H

struct jsfpm_config;

/* Copies cfg->db_path to DEST while the server may be running and writing:
 * a read-only connection beside the broker's (safe in WAL mode, and it
 * never blocks the broker's writer) copies one consistent snapshot with the
 * SQLite backup API into DEST.tmp, checks it (PRAGMA integrity_check),
 * fsyncs it and renames it to DEST.  DEST must not exist.  Prints progress
 * and errors to stderr; returns the process exit status (0 ok). */
int broker_backup_run(const struct jsfpm_config *cfg, const char *dest);

#endif
