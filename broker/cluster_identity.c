/* cluster_identity.c: the data_dir's identity file (cluster_identity.h). */
#include "autoconfig.h"

#include "cluster_identity.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"

/* The unknown identity as the file spells it. */
#define IDENTITY_UNKNOWN "unknown"

int cluster_identity_valid(const char *text) {
  size_t n = strspn(text, "0123456789abcdef");
  return n == CLUSTER_IDENTITY_HEX && text[n] == '\0';
}

int cluster_identity_generate(char out[CLUSTER_IDENTITY_HEX + 1]) {
  unsigned char bytes[CLUSTER_IDENTITY_HEX / 2];
  if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) return -1;
  for (size_t i = 0; i < sizeof bytes; i++) snprintf(out + 2 * i, 3, "%02x", bytes[i]);
  return 0;
}

/* One "key = value" line into ID.  Returns 0, or -1 with WHY. */
static int parse_line(char *line, struct cluster_identity *id, unsigned *seen, char *why, size_t whylen) {
  char *eq = strchr(line, '=');
  if (eq == NULL) return snprintf(why, whylen, "'%s' is not 'key = value'", line), -1;
  char *key = line, *value = eq + 1;
  *eq = '\0';
  key[strcspn(key, " \t")] = '\0';
  value += strspn(value, " \t");
  size_t vlen = strlen(value);
  while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t')) value[--vlen] = '\0';
  if (strcmp(key, "cluster") == 0) {
    if (strcmp(value, IDENTITY_UNKNOWN) != 0 && !cluster_identity_valid(value))
      return snprintf(why, whylen, "cluster '%s' is not 32 lowercase hex digits nor '%s'", value,
                      IDENTITY_UNKNOWN),
             -1;
    snprintf(id->cluster, sizeof id->cluster, "%s", strcmp(value, IDENTITY_UNKNOWN) == 0 ? "" : value);
    *seen |= 1;
  } else if (strcmp(key, "node_id") == 0) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (value[0] < '1' || value[0] > '9' || *end != '\0' || errno != 0)
      return snprintf(why, whylen, "node_id '%s' is not a node id", value), -1;
    id->node_id = n;
    *seen |= 2;
  } else if (strcmp(key, "address") == 0) {
    if (vlen == 0 || vlen >= sizeof id->address)
      return snprintf(why, whylen, "address '%s' is empty or too long", value), -1;
    memcpy(id->address, value, vlen + 1);
    *seen |= 4;
  } else {
    return snprintf(why, whylen, "unknown key '%s'", key), -1;
  }
  return 0;
}

int cluster_identity_parse(const char *text, size_t len, struct cluster_identity *id, char *why,
                           size_t whylen) {
  char copy[CLUSTER_IDENTITY_MAX_BYTES + 1];
  if (len > CLUSTER_IDENTITY_MAX_BYTES)
    return snprintf(why, whylen, "longer than %d bytes", CLUSTER_IDENTITY_MAX_BYTES), -1;
  if (memchr(text, '\0', len) != NULL) return snprintf(why, whylen, "holds a NUL byte"), -1;
  memcpy(copy, text, len);
  copy[len] = '\0';
  memset(id, 0, sizeof *id);
  unsigned seen = 0;
  int lineno = 0;
  for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    line += strspn(line, " \t");
    if (line[0] == '#' || line[0] == '\0') continue;
    char lwhy[300];
    if (parse_line(line, id, &seen, lwhy, sizeof lwhy) != 0)
      return snprintf(why, whylen, "line %d: %s", lineno, lwhy), -1;
  }
  if (seen != 7)
    return snprintf(why, whylen, "lacks %s",
                    !(seen & 1)   ? "cluster"
                    : !(seen & 2) ? "node_id"
                                  : "address"),
           -1;
  return 0;
}

int cluster_identity_format(const struct cluster_identity *id, char *buf, size_t buflen) {
  int n = snprintf(buf, buflen,
                   "# jsfpm: the cluster and the node this data_dir belongs to (docs/cluster.md,\n"
                   "# \"Cluster identity\"). Written by the node; do not edit or copy it.\n"
                   "cluster = %s\nnode_id = %" PRIu64 "\naddress = %s\n",
                   id->cluster[0] ? id->cluster : IDENTITY_UNKNOWN, id->node_id, id->address);
  return n < 0 || (size_t)n >= buflen ? -1 : n;
}

/* DIR/NAME into PATH.  Returns 0, or -1 with WHY. */
static int join_path(char *path, size_t pathlen, const char *dir, const char *name, char *why,
                     size_t whylen) {
  int n = snprintf(path, pathlen, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= pathlen) return snprintf(why, whylen, "%s: path too long", dir), -1;
  return 0;
}

int cluster_identity_read(const char *dir, struct cluster_identity *id, char *why, size_t whylen) {
  char path[4096];
  if (join_path(path, sizeof path, dir, CLUSTER_IDENTITY_FILE, why, whylen) != 0) return -1;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return 0;
  if (fd < 0)
    return snprintf(why, whylen, "%s: %s", path, errno == ELOOP ? "is a symbolic link" : strerror(errno)), -1;
  struct stat st;
  char text[CLUSTER_IDENTITY_MAX_BYTES + 1];
  ssize_t n = -1;
  if (fstat(fd, &st) != 0)
    snprintf(why, whylen, "%s: %s", path, strerror(errno));
  else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
    snprintf(why, whylen, "%s: not a plain file with one link", path);
  else if ((n = read(fd, text, sizeof text)) < 0)
    snprintf(why, whylen, "%s: %s", path, strerror(errno));
  close(fd);
  if (n < 0) return -1;
  char pwhy[400];
  if (cluster_identity_parse(text, (size_t)n, id, pwhy, sizeof pwhy) != 0)
    return snprintf(why, whylen, "%s: %s", path, pwhy), -1;
  return 1;
}

int cluster_identity_write(const char *dir, const struct cluster_identity *id, char *why, size_t whylen) {
  char path[4096], tmp[4096], text[CLUSTER_IDENTITY_MAX_BYTES];
  int len = cluster_identity_format(id, text, sizeof text);
  if (len < 0) return snprintf(why, whylen, "identity too long"), -1;
  if (join_path(path, sizeof path, dir, CLUSTER_IDENTITY_FILE, why, whylen) != 0 ||
      join_path(tmp, sizeof tmp, dir, CLUSTER_IDENTITY_FILE ".tmp", why, whylen) != 0)
    return -1;
  /* A temporary file left by a crash goes; O_EXCL never opens a link. */
  if (unlink(tmp) != 0 && errno != ENOENT) return snprintf(why, whylen, "%s: %s", tmp, strerror(errno)), -1;
  if (durable_create(tmp, text, (size_t)len, 0600, why, whylen) != 0) {
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0 || durable_sync_parent(path) != 0) {
    snprintf(why, whylen, "%s: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int cluster_identity_check_node(const struct cluster_identity *id, const char *dir, uint64_t node_id,
                                const char *address, char *why, size_t whylen) {
  if (id->node_id == node_id && strcmp(id->address, address) == 0) return 0;
  snprintf(why, whylen,
           "data_dir %s holds the data of node %" PRIu64 " at %s, but this is node %" PRIu64
           " at %s ([cluster] node_id, address): a node never runs on another node's data; point data_dir "
           "at this node's own directory, or empty it (move its files away) to join as a new node "
           "(docs/cluster.md, \"Cluster identity\")",
           dir, id->node_id, id->address, node_id, address);
  return -1;
}

int cluster_identity_read_node(const char *dir, uint64_t node_id, const char *address,
                               struct cluster_identity *id, char *why, size_t whylen) {
  int found = cluster_identity_read(dir, id, why, whylen);
  if (found == 1 && cluster_identity_check_node(id, dir, node_id, address, why, whylen) != 0) return -1;
  return found;
}

int cluster_identity_dir_fresh(int fd) {
  static const char *const not_state[] = {".", "..", "dqlite-lock", CLUSTER_IDENTITY_FILE,
                                          CLUSTER_IDENTITY_FILE ".tmp"};
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  int fresh = 1;
  struct dirent *e;
  while (fresh && (e = readdir(dir)) != NULL) {
    fresh = 0;
    for (size_t i = 0; i < sizeof not_state / sizeof not_state[0]; i++)
      if (strcmp(e->d_name, not_state[i]) == 0) fresh = 1;
  }
  closedir(dir);
  return fresh;
}
