/* config_check.c: the start-up checks of `jsfpm -t` (see config_check.h). */
#include "autoconfig.h"

#include "config_check.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster_identity.h"
#include "config.h"
#include "migrations_list.h"
#include "privileges.h"
#include "sock.h"

/* Prints "FILE:LINE: [SECTION] KEY: " and the problem. */
static void report(const struct jsfpm_config *cfg, FILE *out, const char *section, const char *key,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void report(const struct jsfpm_config *cfg, FILE *out, const char *section, const char *key,
                   const char *fmt, ...) {
  fprintf(out, "%s:%d: [%s] %s: ", cfg->file, config_key_line(cfg->file, section, key), section, key);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(out, fmt, ap);
  va_end(ap);
  fputc('\n', out);
}

static int check_user(const struct jsfpm_config *cfg, FILE *out) {
  struct privileges priv;
  char err[512];
  int rc = privileges_resolve(cfg, &priv, err, sizeof err);
  if (rc == 0) {
    privileges_free(&priv);
    return 0;
  }
  /* Its messages already name the key ("[server] user: ..."). */
  const char *key = strstr(err, "[server] group") ? "group" : cfg->user ? "user" : "allow_root";
  fprintf(out, "%s:%d: %s%s\n", cfg->file, config_key_line(cfg->file, "server", key),
          strncmp(err, "[server]", 8) == 0 ? "" : "[server] user: ", err);
  return 1;
}

/* A unix socket's folder must exist and be writable; a TCP address must
 * parse and bind (in use now is only a note: it may be this server's). */
static int check_listen(const struct jsfpm_config *cfg, FILE *out, const char *key, const char *spec) {
  if (spec == NULL) return 0;
  if (sock_spec_is_unix(spec)) {
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", spec);
    const char *dir = dirname(copy);
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
      report(cfg, out, "server", key, "%s: the folder %s does not exist", spec, dir);
      return 1;
    }
    if (access(dir, W_OK | X_OK) < 0) {
      report(cfg, out, "server", key, "%s: cannot create the socket in %s: %s", spec, dir, strerror(errno));
      return 1;
    }
    return 0;
  }
  char err[512];
  int fd = sock_listen(spec, 1, 0, NULL, NULL, err, sizeof err);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  if (strstr(err, strerror(EADDRINUSE))) {
    fprintf(out, "%s:%d: note: [server] %s: %s (fine if it is this server's own: a reload keeps it)\n",
            cfg->file, config_key_line(cfg->file, "server", key), key, err);
    return 0;
  }
  report(cfg, out, "server", key, "%s", err);
  return 1;
}

/* DIR must be a folder this process may use as MODE (access(2) bits). */
static int check_dir(const struct jsfpm_config *cfg, FILE *out, const char *section, const char *key,
                     const char *dir, int mode, const char *why) {
  struct stat st;
  if (stat(dir, &st) < 0) {
    report(cfg, out, section, key, "%s: %s", dir, strerror(errno));
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    report(cfg, out, section, key, "%s: not a folder", dir);
    return 1;
  }
  if (access(dir, mode) < 0) {
    report(cfg, out, section, key, "%s: %s: %s", dir, why, strerror(errno));
    return 1;
  }
  return 0;
}

static int check_database(const struct jsfpm_config *cfg, FILE *out) {
  if (cfg->cluster_address) return 0; /* the database lives on the cluster */
  char copy[PATH_MAX];
  snprintf(copy, sizeof copy, "%s", cfg->db_path);
  if (check_dir(cfg, out, "database", "path", dirname(copy), W_OK | X_OK,
                "the broker cannot create the database and its WAL files there"))
    return 1;
  if (access(cfg->db_path, F_OK) == 0 && access(cfg->db_path, R_OK | W_OK) < 0) {
    report(cfg, out, "database", "path", "%s: %s", cfg->db_path, strerror(errno));
    return 1;
  }
  return 0;
}

/* Cluster mode: in a data_dir with Raft data, the identity file, if there
 * is one, must be readable and name this node (the node refuses to start otherwise; the
 * cluster's identity needs the cluster, so only the node checks it). */
static int check_cluster_identity(const struct jsfpm_config *cfg, FILE *out) {
  struct cluster_identity id;
  char why[1500];
  int fd = open(cfg->cluster_data_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int fresh = fd < 0 ? -1 : cluster_identity_dir_fresh(fd);
  if (fresh < 0) {
    report(cfg, out, "cluster", "data_dir", "%s: %s", cfg->cluster_data_dir, strerror(errno));
    return 1;
  }
  if (fresh) return 0; /* a new node's: the node writes the file anew */
  if (cluster_identity_read_node(cfg->cluster_data_dir, (uint64_t)cfg->cluster_node_id, cfg->cluster_address,
                                 &id, why, sizeof why) >= 0)
    return 0;
  report(cfg, out, "cluster", "data_dir", "%s", why);
  return 1;
}

/* Cluster mode: the node's data_dir must be a real folder (the node
 * refuses a symbolic link), or be missing from a folder the master can
 * create it in. */
static int check_cluster_dir(const struct jsfpm_config *cfg, FILE *out) {
  if (cfg->cluster_address == NULL) return 0;
  const char *dir = cfg->cluster_data_dir;
  struct stat st;
  if (lstat(dir, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return check_cluster_identity(cfg, out);
    report(cfg, out, "cluster", "data_dir", "%s: %s", dir,
           S_ISLNK(st.st_mode) ? "a symbolic link, which the node refuses: name the real folder"
                               : "not a folder");
    return 1;
  }
  if (errno != ENOENT) {
    report(cfg, out, "cluster", "data_dir", "%s: %s", dir, strerror(errno));
    return 1;
  }
  char copy[PATH_MAX];
  snprintf(copy, sizeof copy, "%s", dir);
  return check_dir(cfg, out, "cluster", "data_dir", dirname(copy), W_OK | X_OK,
                   "cannot create the node's data folder there");
}

static int check_migrations(const struct jsfpm_config *cfg, FILE *out) {
  struct migrations_list list;
  char err[1024];
  if (migrations_list_read(cfg->app_root, &list, err, sizeof err) < 0) {
    fprintf(out, "%s\n", err);
    return 1;
  }
  migrations_list_free(&list);
  return 0;
}

int config_check_start(const struct jsfpm_config *cfg, FILE *out) {
  int problems = check_user(cfg, out);
  problems += check_listen(cfg, out, "listen", cfg->listen);
  problems += check_listen(cfg, out, "http_listen", cfg->http_listen);
  problems += check_listen(cfg, out, "status_listen", cfg->status_listen);
  int root_bad = check_dir(cfg, out, "app", "root", cfg->app_root, R_OK | X_OK, "cannot read it");
  problems += root_bad + check_database(cfg, out) + check_cluster_dir(cfg, out);
  if (!root_bad) problems += check_migrations(cfg, out);
  return problems;
}
