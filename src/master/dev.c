/* dev.c: `jsfpm dev` (see dev.h).
 *
 * It writes an ordinary configuration, DIR/.jsfpm/jsfpm.conf (rewritten
 * at every start; `jsfpm -c DIR/.jsfpm/jsfpm.conf -T` shows it), and runs
 * the master on it: a reload on change is the same reload as on HUP, and
 * nothing in the master or the workers knows about this command beyond
 * the two keys it sets, [app] dev (the error page) and [app] watch.
 */
#include "autoconfig.h"

#include "dev.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define DEV_DEFAULT_PORT 8080
#define DEV_STATE ".jsfpm"
#define DEV_LONGEST_SOCKET "/" DEV_STATE "/run/broker.sock"

static void dev_usage(FILE *out) {
  fprintf(out,
          "Usage: jsfpm dev [DIR] [--port N]\n"
          "Serves the app in DIR (default .) on http://127.0.0.1:N/ (default %d) for development:\n"
          "no config file, state under DIR/" DEV_STATE "/ (database, sockets, compile cache),\n"
          "reload when a file changes, the error page for errors.  Ctrl-C stops.\n"
          "\n"
          "  -p, --port N   HTTP port on 127.0.0.1\n"
          "  -h, --help     show this help\n",
          DEV_DEFAULT_PORT);
}

/* Parses the command line into DIR and PORT.  Returns -1 (after saying
 * why), 0, or 1 for --help. */
static int dev_parse_args(int argc, char **argv, const char **dir, int *port) {
  static const struct option longopts[] = {
      {"port", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int opt;
  while ((opt = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
    char *end;
    switch (opt) {
    case 'p':
      errno = 0;
      long n = strtol(optarg, &end, 10);
      if (errno || *end || end == optarg || n < 1 || n > 65535) {
        fprintf(stderr, "jsfpm dev: --port %s: not a port number (1-65535)\n", optarg);
        return -1;
      }
      *port = (int)n;
      break;
    case 'h': dev_usage(stdout); return 1;
    default: dev_usage(stderr); return -1;
    }
  }
  if (optind < argc) *dir = argv[optind++];
  if (optind < argc) {
    fprintf(stderr, "jsfpm dev: unexpected argument '%s'\n", argv[optind]);
    dev_usage(stderr);
    return -1;
  }
  return 0;
}

static int dev_mkdir(const char *root, const char *sub) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, sub);
  if (mkdir(path, 0700) < 0 && errno != EEXIST) {
    fprintf(stderr, "jsfpm dev: cannot create %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* The app's [env] SESSION_SECRET in development (for signed cookies): 32
 * random bytes in hex, made once and kept in ROOT/.jsfpm/session-secret. */
static int dev_session_secret(const char *root, char secret[65]) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/" DEV_STATE "/session-secret", root);
  FILE *f = fopen(path, "re");
  if (f && fgets(secret, 65, f) && strlen(secret) == 64) return fclose(f), 0;
  if (f) fclose(f);
  unsigned char bytes[32];
  if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) return -1;
  for (size_t i = 0; i < sizeof bytes; i++) snprintf(secret + 2 * i, 3, "%02x", bytes[i]);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || write(fd, secret, 64) != 64) {
    fprintf(stderr, "jsfpm dev: cannot write %s: %s\n", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  close(fd);
  return 0;
}

/* Writes ROOT/.jsfpm/jsfpm.conf into PATH (PATH_MAX bytes). */
static int dev_write_config(const char *root, int port, char *path) {
  char secret[65];
  if (dev_session_secret(root, secret) < 0) return -1;
  snprintf(path, PATH_MAX, "%s/" DEV_STATE "/jsfpm.conf", root);
  /* 0600: it holds the session secret. */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (f == NULL) {
    fprintf(stderr, "jsfpm dev: cannot write %s: %s\n", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  fprintf(f,
          "; Written by `jsfpm dev` at every start: edits are lost.  A deployment writes its\n"
          "; own /etc/jsfpm/jsfpm.conf (docs/deploy.md).\n"
          "[server]\n"
          "listen = %s/" DEV_STATE "/fcgi.sock\n"
          "http_listen = 127.0.0.1:%d\n"
          "http_static_dir = %s/public\n"
          "http_accel_dir = %s/protected\n"
          "workers = 2\n"
          "runtime_dir = %s/" DEV_STATE "/run\n"
          "error_log = stderr\n"
          "log_level = info\n"
          "%s"
          "[app]\n"
          "root = %s\n"
          "dev = yes\n"
          "watch = yes\n"
          "compile_cache = %s/" DEV_STATE "/compile-cache\n"
          "[database]\n"
          "path = %s/" DEV_STATE "/app.db\n"
          "[env]\n"
          "SESSION_SECRET = %s\n",
          root, port, root, root, root,
          /* Run by root (a container), the children would refuse to run as
           * root; on one's own machine that is what is wanted. */
          geteuid() == 0 ? "allow_root = yes\n" : "", root, root, root, secret);
  if (fclose(f) != 0) {
    fprintf(stderr, "jsfpm dev: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* Checks DIR is an app folder; sets ROOT (PATH_MAX bytes) to its realpath. */
static int dev_find_app(const char *dir, char *root) {
  if (realpath(dir, root) == NULL) {
    fprintf(stderr, "jsfpm dev: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  char main_path[PATH_MAX + 16];
  snprintf(main_path, sizeof main_path, "%s/main.js", root);
  if (access(main_path, R_OK) < 0) {
    fprintf(stderr,
            "jsfpm dev: %s: %s; an app folder has a main.js that exports fetch(request, ctx) "
            "(see docs/first-app.md)\n",
            main_path, strerror(errno));
    return -1;
  }
  if (strlen(root) + strlen(DEV_LONGEST_SOCKET) >= sizeof((struct sockaddr_un *)0)->sun_path) {
    fprintf(stderr,
            "jsfpm dev: %s: too deep for the sockets under " DEV_STATE "/ (Unix socket paths are "
            "limited to %zu bytes); move the app to a shorter path\n",
            root, sizeof((struct sockaddr_un *)0)->sun_path - 1);
    return -1;
  }
  return 0;
}

int dev_prepare(int argc, char **argv, char *config_path) {
  const char *dir = ".";
  int port = DEV_DEFAULT_PORT;
  int parsed = dev_parse_args(argc, argv, &dir, &port);
  if (parsed != 0) return parsed > 0 ? 0 : 2;
  char root[PATH_MAX];
  if (dev_find_app(dir, root) < 0 || dev_mkdir(root, DEV_STATE) < 0 ||
      dev_write_config(root, port, config_path) < 0)
    return 1;
  printf("jsfpm dev: serving %s on http://127.0.0.1:%d/ (reloads on change; Ctrl-C stops)\n", root, port);
  fflush(stdout);
  return -1;
}
