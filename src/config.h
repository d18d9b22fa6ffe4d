/* config.h: the configuration, parsed from one INI file.
 *
 * Every key lives in one table (config.c) that gives its section, name, type,
 * default and description; the parser, `-T` and the docs all read that table.
 */
#ifndef JSFPM_CONFIG_H
#define JSFPM_CONFIG_H

#include <stddef.h>
#include <stdio.h>

struct config_env {   /* one key of the [env] section, exposed to JS as ctx.env */
  char *name;
  char *value;
};

struct jsfpm_config {
  char *file;                  /* path of the file this was read from */

  /* [server] */
  char *listen;                /* FastCGI: unix path or host:port */
  char *listen_owner;          /* unix socket owner (user name), NULL = unchanged */
  char *listen_group;          /* unix socket group, NULL = unchanged */
  int listen_mode;             /* unix socket permission bits */
  int listen_backlog;          /* listen(2) backlog */
  char *http_listen;           /* optional HTTP host:port, NULL = off */
  int workers;                 /* number of worker processes */
  char *runtime_dir;           /* private directory for the broker socket */
  char *pid_file;              /* NULL = none */
  char *error_log;             /* path or "stderr" */
  int log_level;               /* enum log_level */
  long max_body_bytes;         /* largest request body accepted */
  long max_params_bytes;       /* largest FastCGI params stream accepted */
  int respawn_delay_ms;        /* first back-off step when a child dies */

  /* [app] */
  char *app_root;              /* folder of the app */
  char *app_main;              /* main module, relative to app_root */
  int request_timeout_ms;      /* JS execution time limit per request */
  int dev;                     /* dev = yes: stack traces in 500 bodies */

  /* [database] */
  char *db_path;               /* SQLite file */
  int db_synchronous;          /* 0 off, 1 normal, 2 full, 3 extra */
  int db_busy_timeout_ms;      /* how long a worker waits for the broker */

  struct config_env *env;      /* [env] section, in file order */
  size_t nenv;
};

/* Fills CFG with defaults then reads PATH.  Returns 0, or -1 after writing
 * "PATH:LINE: [section] key: what is wrong" to ERR. Relative paths in the
 * file are resolved against the file's directory. */
int config_load(struct jsfpm_config *cfg, const char *path, char *err, size_t errlen);
void config_free(struct jsfpm_config *cfg);
/* Prints the effective configuration as INI (for -T). */
void config_print(const struct jsfpm_config *cfg, FILE *out);
/* Prints every known key as "section.key" one per line (docs/man checks). */
void config_print_keys(FILE *out);

#endif
