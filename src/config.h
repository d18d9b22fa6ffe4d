/* config.h: the configuration, parsed from one INI file.
 *
 * Every key lives in one table (config.c) that gives its section, name, type,
 * default and description; the parser, `-T` and the docs all read that table.
 */
#ifndef JSFPM_CONFIG_H
#define JSFPM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config_env { /* one key of the [env] section, exposed to JS as ctx.env */
  char *name;
  char *value;
};

enum config_isolation { ISOLATION_WORKER = 0, ISOLATION_REQUEST = 1 };
enum config_affinity { AFFINITY_OFF = 0, AFFINITY_AUTO = 1 };
enum config_pm { PM_STATIC = 0, PM_DYNAMIC = 1, PM_ONDEMAND = 2 };

struct jsfpm_config {
  char *file; /* path of the file this was read from */

  /* [server] */
  char *listen;           /* FastCGI: unix path or host:port */
  char *listen_owner;     /* unix socket owner (user name), NULL = unchanged */
  char *listen_group;     /* unix socket group, NULL = unchanged */
  int listen_mode;        /* unix socket permission bits */
  int listen_backlog;     /* listen(2) backlog */
  char *http_listen;      /* optional HTTP host:port, NULL = off */
  int workers;            /* number of worker processes (pm = static), or the most (php-fpm's max_children) */
  int pm;                 /* PM_STATIC, PM_DYNAMIC or PM_ONDEMAND (src/master/pm.h) */
  int pm_start_servers;   /* dynamic: workers started with each generation */
  int pm_min_spare;       /* dynamic: fewer idle workers than this: start more */
  int pm_max_spare;       /* dynamic: more idle workers than this: stop one */
  int pm_idle_timeout_ms; /* ondemand: a worker idle this long stops */
  int worker_cpu_affinity; /* AFFINITY_OFF or AFFINITY_AUTO */
  char *runtime_dir;       /* private directory for the broker socket */
  char *pid_file;          /* NULL = none */
  char *error_log;         /* path or "stderr" */
  int log_level;           /* enum log_level */
  long max_body_bytes;     /* largest request body accepted */
  long max_params_bytes;   /* largest FastCGI params stream accepted */
  int client_timeout_ms;   /* idle or stalled FastCGI/HTTP connection closed after this */
  int respawn_delay_ms;    /* first back-off step when a child dies */

  /* [server] operations (docs/operations.md) */
  char *user;                       /* run the broker and workers as this user; NULL = as started */
  char *group;                      /* and this group; NULL = the user's primary group */
  int allow_root;                   /* yes: children may run as root */
  int max_requests;                 /* recycle a worker after this many requests; 0 = never */
  int max_requests_jitter;          /* plus a random 0..jitter, so workers do not recycle together */
  int max_age_ms;                   /* recycle a worker this old; 0 = never */
  long max_rss_bytes;               /* recycle a worker whose resident set exceeds this; 0 = never */
  int request_terminate_timeout_ms; /* the master SIGKILLs a worker busy this long; 0 = off */
  int process_control_timeout_ms;   /* how long children get to finish on QUIT/reload */
  int respawn_throttle_threshold;   /* this many crashes within the interval... */
  int respawn_throttle_interval_ms; /* ...slow respawning down; threshold 0 = off */
  char *status_listen;    /* host:port or unix path of the master's status/ping listener; NULL = off */
  char *status_path;      /* URL path of the status page */
  char *ping_path;        /* URL path answering "pong" */
  char *status_allow;     /* client addresses allowed, comma separated, or "any" */
  char *access_log;       /* per-request log file; NULL = off */
  char *access_format;    /* its line (access_format.h) */
  char *slowlog;          /* slow request log file; NULL = the error log */
  int slowlog_timeout_ms; /* requests at least this long are slow; 0 = off */

  /* [app] */
  char *app_root;                /* folder of the app */
  char *app_main;                /* main module, relative to app_root */
  int request_timeout_ms;        /* JS execution time limit per request */
  char *http_static_dir;         /* folder the HTTP door serves static files from, or NULL */
  char *http_accel_prefix;       /* X-Accel-Redirect URIs the HTTP door serves from http_accel_dir */
  char *http_accel_dir;          /* folder of those files, or NULL: X-Accel-Redirect passes through */
  int dev;                       /* dev = yes: the error page for load errors and uncaught exceptions */
  int watch;                     /* watch = yes: the master reloads when the app's files change */
  int isolation;                 /* ISOLATION_WORKER or ISOLATION_REQUEST */
  int preload;                   /* compile the app in the master before forking */
  char *compile_cache;           /* directory of modules lowered to ES5 (workers/js_disk_cache.h) */
  int allow_eval;                /* eval and new Function allowed */
  long memory_limit_bytes;       /* Duktape heap cap per worker, 0 = none */
  int max_db_calls;              /* database calls per request, 0 = unlimited */
  long max_response_bytes;       /* largest response body */
  char *request_id_header;       /* take ctx.requestId from this header when present */
  char *user_header;             /* ctx.user from this header instead of REMOTE_USER */
  char *tenant_header;           /* ctx.tenant from this header */
  char *tenant_param;            /* ctx.tenant from this FastCGI param */
  char *locales;                 /* comma-separated locales; the first is the default */
  long password_memory_bytes;    /* argon2id memory per hash (jsfpm/password) */
  int password_iterations;       /* argon2id time cost */
  int password_parallelism;      /* argon2id lanes */
  char *fetch_allow;             /* hosts fetch() may reach, comma separated; NULL = none */
  int fetch_timeout_ms;          /* one fetch() at most, bounded by the request's deadline */
  long fetch_max_response_bytes; /* largest response body fetch() reads */
  char *fetch_ca_file;           /* CA bundle for fetch() instead of the system's; NULL = system */

  /* [database] */
  char *db_path;               /* SQLite file */
  int db_synchronous;          /* 0 off, 1 normal, 2 full, 3 extra */
  int db_busy_timeout_ms;      /* how long a worker waits for the broker */
  int db_write_wait_ms;        /* how long a write waits for another worker's transaction */
  int db_tx_timeout_ms;        /* the broker rolls back a transaction open this long */
  int db_statement_timeout_ms; /* one statement's run time limit (progress handler) */
  long db_max_result_rows;     /* rows one query may return */
  long db_max_result_bytes;    /* approximate bytes one query may return */
  int db_group_commit;         /* autocommit writes queued together share one commit */
  int db_busy_poll_us;         /* the broker polls this long after serving a request before sleeping */
  int db_read_threads;         /* broker threads for reads longer than a slice (broker_reads.c) */

  /* [cluster] (docs/cluster.md): cluster mode is on when address is set */
  char *cluster_address;          /* this node's dqlite address, ip:port; NULL = cluster mode off */
  int cluster_node_id;            /* this node's number in the cluster (1 bootstraps it); 0 = unset */
  char *cluster_peers;            /* the other nodes' addresses, comma separated; NULL = none */
  char *cluster_data_dir;         /* this node's Raft log and snapshots */
  int cluster_network_latency_ms; /* one-way latency between nodes: Raft's timing follows it */

  struct config_env *env; /* [env] section, in file order */
  size_t nenv;

  char **warnings; /* "FILE:LINE: ..." per renamed key read under its old name */
  size_t nwarnings;
};

/* Fills CFG with defaults then reads PATH.  Returns 0, or -1 after writing
 * "PATH:LINE: [section] key: what is wrong" to ERR. Relative paths in the
 * file are resolved against the file's directory.  What is accepted but
 * should change (a key under its old name) is left in CFG->warnings for the
 * caller to report where it reports errors. */
int config_load(struct jsfpm_config *cfg, const char *path, char *err, size_t errlen);
void config_free(struct jsfpm_config *cfg);
/* "static", "dynamic" or "ondemand": CFG's pm as the file says it. */
const char *config_pm_name(const struct jsfpm_config *cfg);
/* Prints the effective configuration as INI (for -T). */
void config_print(const struct jsfpm_config *cfg, FILE *out);
/* The line of key NAME in [SECTION] of the file at PATH, else of the
 * section's header, else 0.  For the checks made once inih has read the
 * whole file (it tells no line numbers). */
int config_key_line(const char *path, const char *section, const char *name);

/* Prints every known key as "section.key" one per line (docs/man checks). */
void config_print_keys(FILE *out);
/* The cluster's node addresses: this node's first, then its peers, as a
 * NULL-terminated malloc'd array (free with config_nodes_free) of *N
 * entries; NULL and 0 when cluster mode is off. */
char **config_cluster_nodes(const struct jsfpm_config *cfg, size_t *n);
void config_nodes_free(char **nodes);
/* True when every key of SECTION ("database") has the same value in A and B
 * (a reload restarts the broker only when [database] changed). */
bool config_section_equal(const struct jsfpm_config *a, const struct jsfpm_config *b, const char *section);

#endif
