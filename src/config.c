/* config.c: the configuration file.
 *
 * One table, config_keys[], lists every key: section, name, type, where it
 * lives in struct jsfpm_config, its default and a one-line description.
 * Defaults go through the same converters as file values, so a default can
 * never be something the file could not say.  Parsing stops at the first
 * error, which is reported as "FILE:LINE: [section] key: problem".  A key
 * that was renamed is still read under its old name, with a warning.
 * config_print.c writes a configuration out by the same table (-T,
 * --list-keys); config_table.h is what the two share.
 */
#include "autoconfig.h"

#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_format.h"
#include "config_table.h"
#include "log.h"
#include "netaddr.h"

/* Types whose field is a char * (NULL while unset). */
bool config_is_string_type(enum config_type t) {
  return t == CT_STRING || t == CT_PATH || t == CT_LISTEN || t == CT_NODES || t == CT_ACCESS_FORMAT;
}

/* The names of an enumerated type's values, NULL-terminated; the Nth is
 * stored as N (the order of the enums in config.h).  NULL for other types. */
const char *const *config_enum_names(enum config_type type) {
  static const char *const sync[] = {"off", "normal", "full", "extra", NULL};
  static const char *const isolation[] = {"worker", "request", NULL};      /* ISOLATION_* */
  static const char *const affinity[] = {"off", "auto", NULL};             /* AFFINITY_* */
  static const char *const pm[] = {"static", "dynamic", "ondemand", NULL}; /* PM_* */
  switch (type) {
  case CT_SYNC: return sync;
  case CT_ISOLATION: return isolation;
  case CT_AFFINITY: return affinity;
  case CT_PM: return pm;
  default: return NULL;
  }
}

#define OFF(field) offsetof(struct jsfpm_config, field)

const struct config_key config_keys[] = {
    {"server", "listen", CT_LISTEN, OFF(listen), 0, 0, "/run/jsfpm/jsfpm.sock",
     "FastCGI socket: a unix socket path, or host:port"},
    {"server", "listen.owner", CT_STRING, OFF(listen_owner), 0, 0, NULL,
     "owner (user name) of the unix socket; unset keeps the server's user"},
    {"server", "listen.group", CT_STRING, OFF(listen_group), 0, 0, NULL,
     "group of the unix socket; unset keeps the server's group"},
    {"server", "listen.mode", CT_MODE, OFF(listen_mode), 0, 0777, "0660",
     "permission bits of the unix socket (octal)"},
    {"server", "listen.backlog", CT_INT, OFF(listen_backlog), 1, 65535, "511",
     "listen(2) backlog of the FastCGI and HTTP sockets"},
    {"server", "http_listen", CT_STRING, OFF(http_listen), 0, 0, NULL,
     "optional plain HTTP listener, host:port; unset = off"},
    {"server", "http_static_dir", CT_PATH, OFF(http_static_dir), 0, 0, NULL,
     "development: folder of static files the HTTP door serves before the app (jsfpm dev: DIR/public); "
     "unset = none"},
    {"server", "http_accel_prefix", CT_STRING, OFF(http_accel_prefix), 0, 0, "/protected/",
     "development: X-Accel-Redirect URIs under this prefix are files of http_accel_dir (nginx's internal "
     "location of the same name)"},
    {"server", "http_accel_dir", CT_PATH, OFF(http_accel_dir), 0, 0, NULL,
     "development: folder the HTTP door sends X-Accel-Redirect files from, as nginx would (jsfpm dev: "
     "DIR/protected); unset = the header passes through"},
    {"server", "workers", CT_INT, OFF(workers), 1, 1024, "2",
     "number of worker processes; with pm = dynamic or ondemand the most there may be (php-fpm's "
     "pm.max_children)"},
    {"server", "pm", CT_PM, OFF(pm), 0, 0, "static",
     "process manager: static (workers always run), dynamic (idle workers kept between the spare "
     "bounds), ondemand (workers started by waiting connections, stopped when idle)"},
    {"server", "pm.start_servers", CT_INT, OFF(pm_start_servers), 0, 1024, "1",
     "pm = dynamic: workers started with each generation"},
    {"server", "pm.min_spare_servers", CT_INT, OFF(pm_min_spare), 0, 1024, "1",
     "pm = dynamic: start workers while fewer than this are idle"},
    {"server", "pm.max_spare_servers", CT_INT, OFF(pm_max_spare), 1, 1024, "2",
     "pm = dynamic: stop an idle worker while more than this are idle"},
    {"server", "pm.process_idle_timeout", CT_DURATION, OFF(pm_idle_timeout_ms), 1, 86400000, "10s",
     "pm = ondemand: a worker idle this long (and holding no connection) stops"},
    {"server", "worker_cpu_affinity", CT_AFFINITY, OFF(worker_cpu_affinity), 0, 0, "off",
     "auto: worker N runs only on the Nth of the CPUs the server may use (round robin); off: the "
     "kernel places workers"},
    {"server", "runtime_dir", CT_PATH, OFF(runtime_dir), 0, 0, "/run/jsfpm/private",
     "private directory (mode 0700) for the broker socket; not where nginx's socket is"},
    {"server", "pid_file", CT_PATH, OFF(pid_file), 0, 0, NULL,
     "file the master writes its pid to; unset = none"},
    {"server", "error_log", CT_PATH, OFF(error_log), 0, 0, "stderr", "error log file, or stderr"},
    {"server", "log_level", CT_LOGLEVEL, OFF(log_level), 0, 0, "info", "error, warn, notice, info or debug"},
    {"server", "max_body_size", CT_SIZE, OFF(max_body_bytes), 0, LONG_MAX / 2, "8m",
     "largest request body accepted"},
    {"server", "max_params_size", CT_SIZE, OFF(max_params_bytes), 1024, 16L * 1024 * 1024, "64k",
     "largest FastCGI params block, or HTTP request line and headers, accepted"},
    {"server", "client_timeout", CT_DURATION, OFF(client_timeout_ms), 1, 3600000, "60s",
     "close a FastCGI or HTTP connection that sends nothing for this long (idle or stalled)"},
    {"server", "respawn_delay", CT_DURATION, OFF(respawn_delay_ms), 0, 60000, "100ms",
     "first back-off step before restarting a child that died; doubles per crash"},
    {"server", "user", CT_STRING, OFF(user), 0, 0, NULL,
     "started as root: run the broker and workers as this user (sockets are bound first)"},
    {"server", "group", CT_STRING, OFF(group), 0, 0, NULL,
     "group for the broker and workers; unset = the user's primary group"},
    {"server", "allow_root", CT_BOOL, OFF(allow_root), 0, 0, "no",
     "yes: let workers and the broker run as root (refused otherwise)"},
    {"server", "max_requests", CT_INT, OFF(max_requests), 0, INT_MAX, "0",
     "recycle a worker after this many requests (replacement started first); 0 = never"},
    {"server", "max_requests_jitter", CT_INT, OFF(max_requests_jitter), 0, INT_MAX, "0",
     "add a random 0..N to max_requests per worker so workers do not recycle together"},
    {"server", "max_age", CT_DURATION, OFF(max_age_ms), 0, 2000000000, "0",
     "recycle a worker older than this, between requests; 0 = never"},
    {"server", "max_rss", CT_SIZE, OFF(max_rss_bytes), 0, LONG_MAX / 2, "0",
     "recycle a worker whose resident memory exceeds this, between requests; 0 = never"},
    {"server", "request_terminate_timeout", CT_DURATION, OFF(request_terminate_timeout_ms), 0, 2000000000,
     "60s",
     "the master kills (SIGKILL) a worker whose current request runs this long (keep it above "
     "request_timeout); 0 = off"},
    {"server", "process_control_timeout", CT_DURATION, OFF(process_control_timeout_ms), 0, 2000000000, "30s",
     "graceful stop and reload: how long old workers may finish requests before SIGKILL"},
    /* php-fpm's emergency_restart_* restart the master; these never did. */
    {"server", "respawn_throttle_threshold", CT_INT, OFF(respawn_throttle_threshold), 0, 100000, "10",
     "this many child crashes within respawn_throttle_interval slow respawning down; 0 = off"},
    {"server", "respawn_throttle_interval", CT_DURATION, OFF(respawn_throttle_interval_ms), 1, 2000000000,
     "60s", "window for respawn_throttle_threshold"},
    {"server", "status_listen", CT_LISTEN, OFF(status_listen), 0, 0, NULL,
     "where the master itself serves the status and ping pages: host:port, or a unix socket path "
     "(mode 0600); unset = off"},
    {"server", "status_path", CT_STRING, OFF(status_path), 0, 0, "/status",
     "status page path (?json, ?prometheus, else plain text)"},
    {"server", "ping_path", CT_STRING, OFF(ping_path), 0, 0, "/ping", "path answering \"pong\""},
    {"server", "status_allow", CT_STRING, OFF(status_allow), 0, 0, "127.0.0.1,::1",
     "client addresses allowed on status_listen, comma separated, or any"},
    {"server", "access_log", CT_PATH, OFF(access_log), 0, 0, NULL,
     "per-request log, one line per request in access.format; unset = off"},
    {"server", "access.format", CT_ACCESS_FORMAT, OFF(access_format), 0, 0, ACCESS_FORMAT_DEFAULT,
     "access log line: php-fpm's %m %r %q %Q %s %d %C %M %{NAME}e %{Name}o %R %u %t %T %p %l, "
     "jsfpm's %i (request id) and %b (body bytes)"},
    {"server", "slowlog", CT_PATH, OFF(slowlog), 0, 0, NULL,
     "file for slow request reports; unset = the error log"},
    {"server", "slowlog_timeout", CT_DURATION, OFF(slowlog_timeout_ms), 0, 2000000000, "0",
     "requests taking at least this long are logged as slow and counted; 0 = off"},
    {"app", "root", CT_PATH, OFF(app_root), 0, 0, "/usr/share/jsfpm/example", "app folder"},
    {"app", "main", CT_STRING, OFF(app_main), 0, 0, "main.js",
     "main module, relative to root; it exports fetch(request, ctx)"},
    {"app", "request_timeout", CT_DURATION, OFF(request_timeout_ms), 1, 3600000, "30s",
     "JavaScript execution time limit per request (504 when exceeded)"},
    {"app", "dev", CT_BOOL, OFF(dev), 0, 0, "no",
     "yes: the error page (message, file:line:col, source, stack) for load errors and uncaught exceptions"},
    {"app", "watch", CT_BOOL, OFF(watch), 0, 0, "no",
     "yes: reload when a file under root changes (inotify; jsfpm dev sets it)"},
    {"app", "isolation", CT_ISOLATION, OFF(isolation), 0, 0, "worker",
     "worker: app loaded once per worker, built-ins frozen; request: fresh globals per request"},
    {"app", "preload", CT_BOOL, OFF(preload), 0, 0, "yes",
     "compile the app to bytecode in the master before forking (shared copy-on-write)"},
    {"app", "compile_cache", CT_PATH, OFF(compile_cache), 0, 0, "/var/cache/jsfpm",
     "modules compiled to ES5, kept across starts; owned by the master's user or root and writable by no "
     "one else, or unused"},
    {"app", "allow_eval", CT_BOOL, OFF(allow_eval), 0, 0, "no", "allow eval() and new Function()"},
    {"app", "memory_limit", CT_SIZE, OFF(memory_limit_bytes), 0, LONG_MAX / 2, "64m",
     "JavaScript heap limit per worker (500 and a fresh heap when exceeded); 0 = none"},
    {"app", "max_db_calls", CT_INT, OFF(max_db_calls), 0, 1000000, "1000",
     "database calls allowed per request; 0 = unlimited"},
    {"app", "max_response_size", CT_SIZE, OFF(max_response_bytes), 1024, LONG_MAX / 2, "16m",
     "largest response body an app may return"},
    {"app", "request_id_header", CT_STRING, OFF(request_id_header), 0, 0, NULL,
     "take ctx.requestId from this request header when present (e.g. X-Request-Id)"},
    {"app", "user_header", CT_STRING, OFF(user_header), 0, 0, NULL,
     "take ctx.user from this request header instead of REMOTE_USER"},
    {"app", "tenant_header", CT_STRING, OFF(tenant_header), 0, 0, NULL,
     "take ctx.tenant from this request header"},
    {"app", "tenant_param", CT_STRING, OFF(tenant_param), 0, 0, NULL,
     "take ctx.tenant from this FastCGI param (set by nginx's fastcgi_param)"},
    {"app", "locales", CT_STRING, OFF(locales), 0, 0, "en",
     "locales the app offers, comma-separated; ctx.locale is the best Accept-Language match, else the first"},
    {"app", "password_memory", CT_SIZE, OFF(password_memory_bytes), 1024 * 1024, 4096L * 1024 * 1024, "19m",
     "jsfpm/password: argon2id memory per hash (OWASP: 19m)"},
    {"app", "password_iterations", CT_INT, OFF(password_iterations), 1, 100, "2",
     "jsfpm/password: argon2id passes over the memory (OWASP: 2)"},
    {"app", "password_parallelism", CT_INT, OFF(password_parallelism), 1, 16, "1",
     "jsfpm/password: argon2id lanes (OWASP: 1)"},
    {"app", "fetch_allow", CT_STRING, OFF(fetch_allow), 0, 0, NULL,
     "hosts fetch() may reach, comma separated (host, host:port, *.domain); none when unset"},
    {"app", "fetch_timeout", CT_DURATION, OFF(fetch_timeout_ms), 1, 3600000, "10s",
     "longest one fetch() may take (never past the request's deadline)"},
    {"app", "fetch_max_response_size", CT_SIZE, OFF(fetch_max_response_bytes), 1024, LONG_MAX / 2, "8m",
     "largest response body fetch() accepts"},
    {"app", "fetch_ca_file", CT_PATH, OFF(fetch_ca_file), 0, 0, NULL,
     "PEM certificates fetch() trusts instead of the system's"},
    {"database", "path", CT_PATH, OFF(db_path), 0, 0, "/var/lib/jsfpm/app.db", "SQLite database file"},
    {"database", "synchronous", CT_SYNC, OFF(db_synchronous), 0, 0, "full",
     "SQLite synchronous: off, normal, full or extra"},
    {"database", "busy_timeout", CT_DURATION, OFF(db_busy_timeout_ms), 1, 3600000, "10s",
     "how long a database call may wait for the broker"},
    {"database", "write_wait", CT_DURATION, OFF(db_write_wait_ms), 0, 3600000, "5s",
     "how long a write waits while another worker holds a transaction, then fails JSFPM_BUSY"},
    {"database", "tx_timeout", CT_DURATION, OFF(db_tx_timeout_ms), 1, 3600000, "5s",
     "the broker rolls back a transaction open longer than this"},
    {"database", "statement_timeout", CT_DURATION, OFF(db_statement_timeout_ms), 1, 3600000, "5s",
     "a single SQL statement running longer than this is interrupted"},
    {"database", "max_result_rows", CT_SIZE, OFF(db_max_result_rows), 1, 1000000000L, "100000",
     "rows one query may return (JSFPM_RESULT_TOO_LARGE beyond)"},
    {"database", "max_result_size", CT_SIZE, OFF(db_max_result_bytes), 1024, 48L * 1024 * 1024, "16m",
     "bytes of values one query may return (JSFPM_RESULT_TOO_LARGE beyond)"},
    {"database", "group_commit", CT_BOOL, OFF(db_group_commit), 0, 0, "yes",
     "autocommit writes from several workers that arrive together share one commit (one fsync), and so do "
     "transactions that waited for one another (commit chains)"},
    {"database", "busy_poll_us", CT_INT, OFF(db_busy_poll_us), 0, 100000, "50",
     "microseconds the broker keeps polling for the next request after serving one, yielding the CPU "
     "to anything runnable, before it sleeps (0: sleep at once)"},
    {"database", "read_threads", CT_INT, OFF(db_read_threads), 1, 64, "4",
     "broker threads for reads that run longer than 2 ms, so that they never hold up other requests; "
     "more such reads at once wait for a free thread"},
    {"cluster", "address", CT_NODES, OFF(cluster_address), 1, 1, NULL,
     "this node's dqlite address, ip:port on a private network (no TLS in dqlite); set: the database "
     "lives on a dqlite cluster (docs/cluster.md); unset: cluster mode off"},
    {"cluster", "node_id", CT_INT, OFF(cluster_node_id), 0, INT_MAX, "0",
     "this node's number, unique in the cluster and never reused: 1 on the node that bootstraps it; "
     "required with address"},
    {"cluster", "peers", CT_NODES, OFF(cluster_peers), 1, 64, NULL,
     "addresses of the other nodes, comma separated; a new node joins through any of them (required "
     "but on node 1)"},
    {"cluster", "data_dir", CT_PATH, OFF(cluster_data_dir), 0, 0, "/var/lib/jsfpm/cluster",
     "directory of this node's Raft log and snapshots (dqlite keeps the database itself in memory)"},
    {"cluster", "network_latency", CT_DURATION, OFF(cluster_network_latency_ms), 1, 10000, "100ms",
     "typical one-way latency between nodes: Raft heartbeats every 1.5x this, elects a new leader "
     "after 15-30x this without one"},
};
#define NKEYS (sizeof config_keys / sizeof config_keys[0])
const size_t config_nkeys = NKEYS;

/* Keys that were renamed: the old name is still read, with a warning
 * (FILE:LINE and the new name), and -T shows it next to the new one. */
static const struct config_rename config_renames[] = {
    {"server", "emergency_restart_threshold", "respawn_throttle_threshold"},
    {"server", "emergency_restart_interval", "respawn_throttle_interval"},
};
#define NRENAMES (sizeof config_renames / sizeof config_renames[0])

/* The rename of the key SECTION.NAME (its current name), or NULL. */
const struct config_rename *config_rename_of(const char *section, const char *name) {
  for (size_t i = 0; i < NRENAMES; i++)
    if (strcmp(config_renames[i].section, section) == 0 && strcmp(config_renames[i].name, name) == 0)
      return &config_renames[i];
  return NULL;
}

struct parse_state {
  struct jsfpm_config *cfg;
  char *base_dir;   /* directory of the config file, for relative paths */
  char *error;      /* first error, without the file:line prefix */
  bool seen[NKEYS]; /* duplicate keys are errors */
  FILE *file;       /* the file being read */
  int line;         /* number of the line inih is handling */
};

/* Out of memory while reading a configuration: the parser's callbacks have
 * no way to fail for it, so it is reported as every start-up path reports
 * it (log_oom) and the process aborts. */
static _Noreturn void config_oom(void) {
  log_oom("reading the configuration");
  abort();
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (d == NULL) config_oom();
  return d;
}

static char *make_absolute(const char *base_dir, const char *path) {
  if (path[0] == '/' || base_dir == NULL) return xstrdup(path);
  char *out;
  if (asprintf(&out, "%s/%s", base_dir, path) < 0) return xstrdup(path);
  return out;
}

static int parse_long(const char *s, long *out, char **end) {
  errno = 0;
  long v = strtol(s, end, 10);
  if (errno != 0 || *end == s) return -1;
  *out = v;
  return 0;
}

/* LIST's comma-separated items with the blanks around them removed, in a
 * NULL-terminated array (free with config_nodes_free); *N items.  An
 * empty item is kept as "". */
static char **split_list(const char *list, size_t *n) {
  size_t cap = 2;
  for (const char *p = list; *p; p++) cap += *p == ',';
  char **items = calloc(cap, sizeof *items);
  if (items == NULL) config_oom();
  *n = 0;
  for (const char *p = list;;) {
    const char *comma = strchr(p, ',');
    const char *end = comma ? comma : p + strlen(p);
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    const char *last = end;
    while (last > p && (last[-1] == ' ' || last[-1] == '\t')) last--;
    items[(*n)++] = strndup(p, (size_t)(last - p));
    if (items[*n - 1] == NULL) config_oom();
    if (comma == NULL) break;
    p = comma + 1;
  }
  return items;
}

void config_nodes_free(char **nodes) {
  for (size_t i = 0; nodes && nodes[i]; i++) free(nodes[i]);
  free(nodes);
}

/* Checks a CT_NODES value: between K->min and K->max distinct addresses,
 * each numeric with a port, and private: dqlite 1.18 has neither TLS nor
 * authentication, so whoever reaches a node's port can read and write the
 * database and join the cluster.  Returns NULL or REASON. */
static const char *check_nodes(const struct config_key *k, const char *value, char *reason,
                               size_t reason_len) {
  size_t n;
  char **items = split_list(value, &n);
  reason[0] = '\0';
  for (size_t i = 0; i < n && reason[0] == '\0'; i++) {
    struct sockaddr_storage sa;
    socklen_t salen;
    char why[128];
    if (items[i][0] == '\0')
      snprintf(reason, reason_len, "an empty entry in the list");
    else if (netaddr_parse(items[i], NULL, &sa, &salen, why, sizeof why) != 0)
      snprintf(reason, reason_len, "%s: %s", items[i], why);
    else if (!netaddr_is_private((struct sockaddr *)&sa))
      snprintf(reason, reason_len,
               "%s is not a private address; dqlite has no TLS or authentication, so node traffic must "
               "stay on a private network (10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, fc00::/7)",
               items[i]);
    for (size_t j = 0; j < i && reason[0] == '\0'; j++)
      if (strcmp(items[i], items[j]) == 0) snprintf(reason, reason_len, "%s is listed twice", items[i]);
  }
  if (reason[0] == '\0' && (n < (size_t)k->min || n > (size_t)k->max)) {
    if (k->max == 1)
      snprintf(reason, reason_len, "expected one address");
    else
      snprintf(reason, reason_len, "expected %ld to %ld addresses", k->min, k->max);
  }
  config_nodes_free(items);
  return reason[0] ? reason : NULL;
}

/* Converts VALUE for key K into the config; returns NULL or a static reason. */
/* Checks a CT_ACCESS_FORMAT value by compiling it. */
static const char *check_access_format(const char *value, char *reason, size_t reason_len) {
  struct access_format *f = access_format_compile(value, reason, reason_len);
  if (f == NULL) return reason;
  access_format_free(f);
  return NULL;
}

static const char *convert(const struct config_key *k, const char *value, struct jsfpm_config *cfg,
                           const char *base_dir, char *reason, size_t reason_len) {
  void *field = (char *)cfg + k->offset;
  char *end;
  long n;
  switch (k->type) {
  case CT_STRING:
  case CT_PATH:
  case CT_LISTEN: {
    if (value[0] == '\0') return "must not be empty";
    char **slot = field;
    free(*slot);
    bool is_path = k->type == CT_PATH || (k->type == CT_LISTEN && strchr(value, '/'));
    if (k->type == CT_PATH && strcmp(value, "stderr") == 0) is_path = false;
    *slot = is_path ? make_absolute(base_dir, value) : xstrdup(value);
    if (k->type == CT_LISTEN && !is_path && strrchr(value, ':') == NULL)
      return "expected a unix socket path or host:port";
    return NULL;
  }
  case CT_NODES:
  case CT_ACCESS_FORMAT: {
    const char *why = k->type == CT_NODES ? check_nodes(k, value, reason, reason_len)
                                          : check_access_format(value, reason, reason_len);
    if (why != NULL) return why;
    char **slot = field;
    free(*slot);
    *slot = xstrdup(value);
    return NULL;
  }
  case CT_INT:
    if (parse_long(value, &n, &end) < 0 || *end != '\0') return "expected an integer";
    if (n < k->min || n > k->max) {
      snprintf(reason, reason_len, "must be between %ld and %ld", k->min, k->max);
      return reason;
    }
    *(int *)field = (int)n;
    return NULL;
  case CT_BOOL: {
    static const char *const yes[] = {"yes", "on", "true", "1"};
    static const char *const no[] = {"no", "off", "false", "0"};
    for (size_t i = 0; i < 4; i++) {
      if (strcmp(value, yes[i]) == 0) return *(int *)field = 1, NULL;
      if (strcmp(value, no[i]) == 0) return *(int *)field = 0, NULL;
    }
    return "expected yes or no";
  }
  case CT_MODE:
    errno = 0;
    n = strtol(value, &end, 8);
    if (errno != 0 || end == value || *end != '\0' || n < 0 || n > k->max)
      return "expected octal permission bits such as 0660";
    *(int *)field = (int)n;
    return NULL;
  case CT_SIZE: {
    if (parse_long(value, &n, &end) < 0 || n < 0) return "expected a size such as 512k or 8m";
    long mult = 1;
    if (*end == 'k' || *end == 'K')
      mult = 1024, end++;
    else if (*end == 'm' || *end == 'M')
      mult = 1024L * 1024, end++;
    else if (*end == 'g' || *end == 'G')
      mult = 1024L * 1024 * 1024, end++;
    if (*end != '\0') return "expected a size such as 512k or 8m";
    if (n > k->max / mult || n * mult < k->min) {
      snprintf(reason, reason_len, "must be between %ld and %ld bytes", k->min, k->max);
      return reason;
    }
    *(long *)field = n * mult;
    return NULL;
  }
  case CT_DURATION: {
    if (parse_long(value, &n, &end) < 0 || n < 0) return "expected a duration such as 500ms, 30s or 5m";
    long mult;
    if (strcmp(end, "ms") == 0)
      mult = 1;
    else if (strcmp(end, "s") == 0 || *end == '\0')
      mult = 1000;
    else if (strcmp(end, "m") == 0)
      mult = 60000;
    else if (strcmp(end, "h") == 0)
      mult = 3600000;
    else
      return "expected a duration such as 500ms, 30s or 5m";
    if (n > k->max / mult || n * mult < k->min) {
      snprintf(reason, reason_len, "must be between %ldms and %ldms", k->min, k->max);
      return reason;
    }
    *(int *)field = (int)(n * mult);
    return NULL;
  }
  case CT_LOGLEVEL: {
    int lvl = log_level_parse(value);
    if (lvl < 0) return "expected error, warn, notice, info or debug";
    *(int *)field = lvl;
    return NULL;
  }
  case CT_SYNC:
  case CT_ISOLATION:
  case CT_AFFINITY:
  case CT_PM: {
    const char *const *names = config_enum_names(k->type);
    size_t i = 0;
    for (; names[i]; i++)
      if (strcmp(value, names[i]) == 0) return *(int *)field = (int)i, NULL;
    /* "expected a, b or c" */
    size_t used = 0;
    for (size_t j = 0; j < i && used < reason_len; j++)
      used += (size_t)snprintf(reason + used, reason_len - used, "%s%s",
                               j == 0      ? "expected "
                               : j + 1 < i ? ", "
                                           : " or ",
                               names[j]);
    return reason;
  }
  }
  return "internal error: unknown key type";
}

static int add_env(struct jsfpm_config *cfg, const char *name, const char *value) {
  for (size_t i = 0; i < cfg->nenv; i++)
    if (strcmp(cfg->env[i].name, name) == 0) return -1;
  struct config_env *grown = realloc(cfg->env, (cfg->nenv + 1) * sizeof *grown);
  if (grown == NULL) config_oom();
  cfg->env = grown;
  cfg->env[cfg->nenv].name = xstrdup(name);
  cfg->env[cfg->nenv].value = xstrdup(value);
  cfg->nenv++;
  return 0;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A value in double quotes, as -T prints one that would not read back
 * plain (see print_string): the quotes removed and \\, \", \t, \n, \r and
 * \xHH undone.  Returns a malloc'd string, or NULL with WHY set. */
static char *unquote(const char *value, const char **why) {
  size_t n = strlen(value);
  if (n < 2 || value[n - 1] != '"') {
    *why = "a value starting with '\"' must end with '\"'";
    return NULL;
  }
  char *out = malloc(n), *o = out;
  if (out == NULL) config_oom();
  for (size_t i = 1; i < n - 1; i++) {
    char c = value[i];
    if (c == '"') {
      *why = "'\"' inside a quoted value must be written \\\"";
      goto bad;
    }
    if (c != '\\') {
      *o++ = c;
      continue;
    }
    if (++i >= n - 1) {
      *why = "a quoted value must not end with a lone backslash";
      goto bad;
    }
    switch (value[i]) {
    case '\\': *o++ = '\\'; break;
    case '"': *o++ = '"'; break;
    case 't': *o++ = '\t'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 'x': {
      int hi = i + 2 < n - 1 ? hex_digit(value[i + 1]) : -1, lo = hi >= 0 ? hex_digit(value[i + 2]) : -1;
      if (lo < 0 || (hi == 0 && lo == 0)) {
        *why = "\\x needs two hex digits, not 00";
        goto bad;
      }
      *o++ = (char)(hi * 16 + lo);
      i += 2;
      break;
    }
    default: *why = "unknown escape in a quoted value (known: \\\\ \\\" \\t \\n \\r \\xHH)"; goto bad;
    }
  }
  *o = '\0';
  return out;
bad:
  free(out);
  return NULL;
}

/* Adds "FILE:LINE: " and the message to the configuration's warnings. */
static void add_warning(struct parse_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_warning(struct parse_state *st, const char *fmt, ...) {
  struct jsfpm_config *cfg = st->cfg;
  char *text, *line;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&text, fmt, ap);
  va_end(ap);
  if (n < 0) config_oom();
  if (asprintf(&line, "%s:%d: %s", cfg->file, st->line, text) < 0) config_oom();
  free(text);
  char **grown = realloc(cfg->warnings, (cfg->nwarnings + 1) * sizeof *grown);
  if (grown == NULL) config_oom();
  cfg->warnings = grown;
  cfg->warnings[cfg->nwarnings++] = line;
}

static int on_ini_entry_value(struct parse_state *st, const char *section, const char *name,
                              const char *value) {
  char reason[256];
  if (strcmp(section, "env") == 0) {
    if (add_env(st->cfg, name, value) < 0) {
      if (asprintf(&st->error, "[env] %s: set twice", name) < 0) st->error = NULL;
      return 0;
    }
    return 1;
  }
  const char *key_name = name;
  for (size_t i = 0; i < NRENAMES; i++) {
    const struct config_rename *r = &config_renames[i];
    if (strcmp(r->section, section) != 0 || strcmp(r->old_name, name) != 0) continue;
    add_warning(st, "[%s] %s: deprecated name, read as %s; rename it (jsfpm.conf(5))", section, name,
                r->name);
    key_name = r->name;
  }
  for (size_t i = 0; i < NKEYS; i++) {
    const struct config_key *k = &config_keys[i];
    if (strcmp(k->section, section) != 0 || strcmp(k->name, key_name) != 0) continue;
    const struct config_rename *renamed = config_rename_of(k->section, k->name);
    const char *why = "set twice";
    if (!st->seen[i])
      why = convert(k, value, st->cfg, st->base_dir, reason, sizeof reason);
    else if (renamed != NULL) {
      snprintf(reason, sizeof reason, "set twice (%s is the old name of %s)", renamed->old_name,
               renamed->name);
      why = reason;
    }
    st->seen[i] = true;
    if (why == NULL) return 1;
    if (asprintf(&st->error, "[%s] %s: bad value '%s': %s", section, name, value, why) < 0) st->error = NULL;
    return 0;
  }
  bool known_section = false;
  for (size_t i = 0; i < NKEYS; i++) known_section |= strcmp(config_keys[i].section, section) == 0;
  if (!known_section) {
    if (section[0] == '\0') {
      if (asprintf(&st->error,
                   "%s: key outside of any section ([server], [app], [database], [cluster], [env])",
                   name) < 0)
        st->error = NULL;
    } else if (asprintf(&st->error, "[%s]: unknown section", section) < 0) {
      st->error = NULL;
    }
  } else if (asprintf(&st->error, "[%s] %s: unknown key", section, name) < 0) {
    st->error = NULL;
  }
  return 0;
}

/* Undoes the quoting of a quoted value, then handles the entry. */
static int on_ini_entry(void *user, const char *section, const char *name, const char *value) {
  struct parse_state *st = user;
  if (value[0] != '"') return on_ini_entry_value(st, section, name, value);
  const char *why = NULL;
  char *plain = unquote(value, &why);
  if (plain == NULL) {
    if (asprintf(&st->error, "[%s] %s: bad value %s: %s", section, name, value, why) < 0) st->error = NULL;
    return 0;
  }
  int rc = on_ini_entry_value(st, section, name, plain);
  free(plain);
  return rc;
}

/* inih's line reader (fgets), counting lines: inih tells the line only
 * with an error, and a warning must name its line too.  inih calls it once
 * per line (precheck_lines has refused lines too long for its buffer). */
static char *read_line_counting(char *str, int num, void *stream) {
  struct parse_state *st = stream;
  char *line = fgets(str, num, st->file);
  if (line != NULL) st->line++;
  return line;
}

static bool known_section(const char *name, size_t len) {
  if (len == 3 && strncmp(name, "env", 3) == 0) return true;
  for (size_t i = 0; i < NKEYS; i++)
    if (strlen(config_keys[i].section) == len && strncmp(config_keys[i].section, name, len) == 0) return true;
  return false;
}

/* The longest line inih can read: Debian builds it with a 200-byte stack
 * buffer (including "\r\n\0"), and splits a longer line silently. */
#define CONFIG_MAX_LINE 197

/* What inih cannot tell us, checked on the raw file first: a line too long
 * for it (it would misreport the line after), and a misspelt section with
 * no keys under it (it reports only keys).  Returns the line number of the
 * first problem, with WHY set, or 0. */
static int precheck_lines(const char *path, char *why, size_t why_len) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0; /* ini_parse reports it */
  char line[4096];
  int lineno = 0, found = 0;
  while (!found && fgets(line, sizeof line, f)) {
    lineno++;
    size_t len = strlen(line);
    bool complete = len > 0 && line[len - 1] == '\n';
    size_t content = len - (complete ? 1 : 0);
    if (content > 0 && line[content - 1] == '\r') content--;
    if ((!complete && !feof(f)) || content > CONFIG_MAX_LINE) {
      snprintf(why, why_len, "line longer than %d characters", CONFIG_MAX_LINE);
      found = lineno;
      break;
    }
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p != '[') continue;
    const char *end = strchr(++p, ']');
    if (end == NULL) continue;
    if (!known_section(p, (size_t)(end - p))) {
      snprintf(why, why_len,
               "[%.*s]: unknown section (expected [server], [app], [database], [cluster] or [env])",
               (int)(end - p), p);
      found = lineno;
    }
  }
  fclose(f);
  return found;
}

int config_key_line(const char *path, const char *section, const char *name) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  char line[4096], current[64] = "";
  int lineno = 0, key_at = 0, section_at = 0;
  while (key_at == 0 && fgets(line, sizeof line, f)) {
    lineno++;
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    const char *end = *p == '[' ? strchr(p, ']') : NULL;
    if (end != NULL) {
      snprintf(current, sizeof current, "%.*s", (int)(end - p - 1), p + 1);
      if (section_at == 0 && strcmp(current, section) == 0) section_at = lineno;
      continue;
    }
    size_t len = strlen(name);
    if (strcmp(current, section) != 0 || strncmp(p, name, len) != 0) continue;
    p += len;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '=' || *p == ':') key_at = lineno;
  }
  fclose(f);
  return key_at ? key_at : section_at;
}

/* ERR = "PATH:LINE: " (the line of [cluster] KEY) + the message. */
static int cluster_error(char *err, size_t errlen, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int cluster_error(char *err, size_t errlen, const char *path, const char *key, const char *fmt, ...) {
  int used = snprintf(err, errlen, "%s:%d: ", path, config_key_line(path, "cluster", key));
  va_list ap;
  va_start(ap, fmt);
  if (used >= 0 && (size_t)used < errlen) vsnprintf(err + used, errlen - (size_t)used, fmt, ap);
  va_end(ap);
  return -1;
}

/* pm = dynamic's bounds, php-fpm's rule: pm.min_spare_servers <=
 * pm.start_servers <= pm.max_spare_servers, and pm.start_servers <=
 * workers.  Checked whatever pm says, so that switching to dynamic later
 * meets no surprise (the defaults pass with any workers). */
static int check_pm(const struct jsfpm_config *cfg, const char *path, char *err, size_t errlen) {
  const char *key = NULL, *why = NULL;
  if (cfg->pm_min_spare > cfg->pm_max_spare)
    key = "pm.min_spare_servers", why = "is above pm.max_spare_servers";
  else if (cfg->pm_start_servers < cfg->pm_min_spare || cfg->pm_start_servers > cfg->pm_max_spare)
    key = "pm.start_servers", why = "must lie between pm.min_spare_servers and pm.max_spare_servers";
  else if (cfg->pm_start_servers > cfg->workers)
    key = "pm.start_servers", why = "is above workers (the most workers there may be)";
  if (key == NULL) return 0;
  snprintf(err, errlen, "%s:%d: [server] %s: %s", path, config_key_line(path, "server", key), key, why);
  return -1;
}

/* What a [cluster] section needs as a whole: address turns cluster mode
 * on, and then node_id must be set, and peers but on node 1 (it
 * bootstraps; the others join through their peers).  A node_id or peers
 * without address is refused rather than ignored, so a forgotten address
 * never runs a would-be cluster node on a database of its own.  (-T's
 * output of a configuration without [cluster], node_id = 0 and no peers,
 * loads back.) */
static int check_cluster(const struct jsfpm_config *cfg, const char *path, char *err, size_t errlen) {
  if (cfg->cluster_address == NULL) {
    if (cfg->cluster_node_id == 0 && cfg->cluster_peers == NULL) return 0;
    const char *key = cfg->cluster_node_id != 0 ? "node_id" : "peers";
    return cluster_error(err, errlen, path, key,
                         "[cluster] %s: cluster mode is off without [cluster] address (this node's "
                         "address): set it, or remove the [cluster] section",
                         key);
  }
#ifndef HAVE_CLUSTER
  return cluster_error(err, errlen, path, "address",
                       "[cluster] address: this jsfpm was built without cluster mode (configure "
                       "--enable-cluster, with libuv1-dev and liblz4-dev installed)");
#endif
  if (cfg->cluster_node_id == 0)
    return cluster_error(err, errlen, path, "node_id",
                         "[cluster] node_id: required with address: 1 on the node that bootstraps the "
                         "cluster, another number, unique in the cluster, on each other node");
  if (cfg->cluster_peers == NULL && cfg->cluster_node_id != 1)
    return cluster_error(err, errlen, path, "node_id",
                         "[cluster] peers: required on node %d: a node other than node 1 joins the "
                         "cluster through its peers",
                         cfg->cluster_node_id);
  size_t n;
  char **peers = cfg->cluster_peers ? split_list(cfg->cluster_peers, &n) : NULL;
  int self = 0;
  for (size_t i = 0; peers && peers[i]; i++) self |= strcmp(peers[i], cfg->cluster_address) == 0;
  config_nodes_free(peers);
  if (self)
    return cluster_error(err, errlen, path, "peers", "[cluster] peers: lists this node's own address %s",
                         cfg->cluster_address);
  return 0;
}

char **config_cluster_nodes(const struct jsfpm_config *cfg, size_t *n) {
  if (cfg->cluster_address == NULL) {
    *n = 0;
    return NULL;
  }
  size_t npeers = 0;
  char **peers = cfg->cluster_peers ? split_list(cfg->cluster_peers, &npeers) : NULL;
  char **nodes = calloc(npeers + 2, sizeof *nodes);
  if (nodes == NULL) config_oom();
  nodes[0] = xstrdup(cfg->cluster_address);
  for (size_t i = 0; i < npeers; i++) nodes[i + 1] = peers[i];
  free(peers); /* its strings moved to NODES */
  *n = npeers + 1;
  return nodes;
}

static void set_defaults(struct jsfpm_config *cfg) {
  char reason[256];
  for (size_t i = 0; i < NKEYS; i++) {
    const struct config_key *k = &config_keys[i];
    if (k->def == NULL) continue;
    const char *why = convert(k, k->def, cfg, NULL, reason, sizeof reason);
    if (why != NULL) { /* a bad default is a programming error */
      fprintf(stderr, "jsfpm: default for [%s] %s is invalid: %s\n", k->section, k->name, why);
      abort();
    }
  }
}

int config_load(struct jsfpm_config *cfg, const char *path, char *err, size_t errlen) {
  memset(cfg, 0, sizeof *cfg);
  set_defaults(cfg);
  cfg->file = xstrdup(path);

  struct parse_state st = {.cfg = cfg};
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    st.base_dir = realpath(".", NULL);
  else {
    char *dir = strndup(path, (size_t)(slash - path) + (slash == path));
    st.base_dir = dir ? realpath(dir, NULL) : NULL;
    if (st.base_dir == NULL) st.base_dir = dir, dir = NULL;
    free(dir);
  }

  /* Multi-line continuation would make an indented typo silently part of
   * the previous value; one key per line is what operators expect. */
  ini_allow_multiline = false;
  ini_stop_on_first_error = true;
  char why[160];
  int line = precheck_lines(path, why, sizeof why);
  if (line > 0) {
    free(st.base_dir);
    snprintf(err, errlen, "%s:%d: %s", path, line, why);
    return -1;
  }
  st.file = fopen(path, "r");
  if (st.file == NULL) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    free(st.base_dir);
    return -1;
  }
  line = ini_parse_stream(read_line_counting, &st, on_ini_entry, &st);
  fclose(st.file);
  free(st.base_dir);
  if (line == -2) {
    snprintf(err, errlen, "%s: out of memory while parsing", path);
    return -1;
  }
  if (line > 0) {
    snprintf(err, errlen, "%s:%d: %s", path, line,
             st.error ? st.error : "syntax error (expected [section] or key = value)");
    free(st.error);
    return -1;
  }
  if (check_pm(cfg, path, err, errlen) < 0) return -1;
  return check_cluster(cfg, path, err, errlen);
}

const char *config_pm_name(const struct jsfpm_config *cfg) { return config_enum_names(CT_PM)[cfg->pm]; }

void config_free(struct jsfpm_config *cfg) {
  for (size_t i = 0; i < NKEYS; i++) {
    enum config_type t = config_keys[i].type;
    if (config_is_string_type(t)) {
      char **slot = (char **)((char *)cfg + config_keys[i].offset);
      free(*slot);
      *slot = NULL;
    }
  }
  for (size_t i = 0; i < cfg->nenv; i++) {
    free(cfg->env[i].name);
    free(cfg->env[i].value);
  }
  free(cfg->env);
  for (size_t i = 0; i < cfg->nwarnings; i++) free(cfg->warnings[i]);
  free(cfg->warnings);
  free(cfg->file);
  memset(cfg, 0, sizeof *cfg);
}
