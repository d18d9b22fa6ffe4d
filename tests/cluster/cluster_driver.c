/* cluster_driver.c: runs a dqlite node, or talks to a cluster through
 * jsfpm's dqlite client, for the cluster tests (tests/integration/db/cluster_*.sh).
 *
 *   cluster_driver node CONFIG              cluster_node_main with CONFIG's [cluster]
 *   cluster_driver leader NODES [MS]        "ID ADDRESS" of the leader, searched for
 *                                           MS (default 10,000)
 *   cluster_driver names NODE               "ID ADDRESS" of the leader NODE (one address)
 *                                           knows of, "0" when it knows none; not
 *                                           followed to that leader (timing a failover)
 *   cluster_driver members NODES            "ID ADDRESS ROLE" per member
 *   cluster_driver transfer NODES ID        the leader hands its leadership to voter ID
 *   cluster_driver exec NODES SQL [P...]    runs SQL on the leader: "changes=N last_insert_id=M"
 *   cluster_driver query NODES SQL [P...]   one line per row, values tab-separated
 *   cluster_driver query-stop NODES N SQL   the first N rows, then stops the query
 *                                           (interrupt) and runs SELECT 42 on the same
 *                                           connection: "after: i:42"
 *   cluster_driver load NODES COUNT ACKS    inserts ids 1.. into acked(id) one at a time
 *                                           until COUNT are acknowledged, surviving
 *                                           leader changes; each acknowledged id is
 *                                           appended to ACKS at once
 *   cluster_driver group-load NODES COUNT GROUP ACKS
 *                                           the same in group commits (cluster_db_group)
 *                                           of GROUP inserts plus two that must fail
 *                                           alone (a duplicate key 0, and one with ON
 *                                           CONFLICT ROLLBACK, which ends the whole
 *                                           transaction); ids of unknown outcome go to
 *                                           ACKS.unknown, ids not run to ACKS.notrun
 *
 * NODES: node addresses, comma separated.  Values (parameters P and
 * output): i:INTEGER f:FLOAT t:TEXT x:HEXBLOB n (NULL) d:ISO8601 u:UNIXTIME
 * B:BOOLEAN.  Database CLUSTER_DB_NAME ("jsfpm.db"), the one cluster mode serves.
 * Exit status 0, or 1 with the error on stderr (a node's refusal as
 * "FAILED code N: message").
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cluster_db.h"
#include "cluster_node.h"
#include "config.h"
#include "dqlite_client.h"
#include "log.h"

#define DRIVER_DB CLUSTER_DB_NAME
#define DRIVER_TIMEOUT_MS 10000
/* One node's answer to "who leads" comes in milliseconds when it is
 * reachable; a poll of it must not hang on one that is not. */
#define DRIVER_NAMES_TIMEOUT_MS 500
#define MAX_NODES 16
#define MAX_PARAMS 64

static const char *nodes[MAX_NODES];
static size_t nnodes;

static void split_nodes(char *list) {
  for (char *tok = strtok(list, ","); tok && nnodes < MAX_NODES; tok = strtok(NULL, ","))
    nodes[nnodes++] = tok;
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses ARG ("i:5", "t:x", ...) into V; blobs are decoded in place. */
static int parse_param(char *arg, struct dqlite_proto_value *v) {
  memset(v, 0, sizeof *v);
  char *body = arg + 2;
  if (strcmp(arg, "n") == 0) return v->type = DQLITE_PROTO_NULL, 0;
  if (strlen(arg) < 2 || arg[1] != ':') return -1;
  switch (arg[0]) {
  case 'i': v->type = DQLITE_PROTO_INTEGER, v->integer = strtoll(body, NULL, 10); return 0;
  case 'B': v->type = DQLITE_PROTO_BOOLEAN, v->integer = strtoll(body, NULL, 10); return 0;
  case 'f': v->type = DQLITE_PROTO_FLOAT, v->real = strtod(body, NULL); return 0;
  case 't': v->type = DQLITE_PROTO_TEXT, v->bytes = body, v->len = strlen(body); return 0;
  case 'd': v->type = DQLITE_PROTO_ISO8601, v->bytes = body, v->len = strlen(body); return 0;
  case 'x': {
    size_t n = strlen(body) / 2;
    for (size_t i = 0; i < n; i++) {
      int hi = hexval(body[2 * i]), lo = hexval(body[2 * i + 1]);
      if (hi < 0 || lo < 0) return -1;
      body[i] = (char)(hi * 16 + lo);
    }
    v->type = DQLITE_PROTO_BLOB, v->bytes = body, v->len = n;
    return 0;
  }
  }
  return -1;
}

static void print_value(const struct dqlite_proto_value *v) {
  switch (v->type) {
  case DQLITE_PROTO_INTEGER: printf("i:%" PRId64, v->integer); break;
  case DQLITE_PROTO_UNIXTIME: printf("u:%" PRId64, v->integer); break;
  case DQLITE_PROTO_BOOLEAN: printf("B:%" PRId64, v->integer); break;
  case DQLITE_PROTO_FLOAT: printf("f:%.17g", v->real); break;
  case DQLITE_PROTO_TEXT: printf("t:%s", v->bytes); break;
  case DQLITE_PROTO_ISO8601: printf("d:%s", v->bytes); break;
  case DQLITE_PROTO_NULL: printf("n"); break;
  case DQLITE_PROTO_BLOB:
    printf("x:");
    for (size_t i = 0; i < v->len; i++) printf("%02x", (unsigned char)v->bytes[i]);
    break;
  }
}

struct printer {
  long limit; /* rows to print before stopping; < 0: all */
  long rows;
};

static int print_row(void *arg, unsigned n, const struct dqlite_proto_value *values) {
  struct printer *p = arg;
  if (p->limit >= 0 && p->rows >= p->limit) return 1;
  for (unsigned i = 0; i < n; i++) {
    if (i) putchar('\t');
    print_value(&values[i]);
  }
  putchar('\n');
  p->rows++;
  return 0;
}

static int failed(struct dqlite_client *c, const char *what) {
  if (dqlite_client_errcode(c))
    fprintf(stderr, "%s: FAILED code %" PRIu64 ": %s\n", what, dqlite_client_errcode(c),
            dqlite_client_errmsg(c));
  else
    fprintf(stderr, "%s: %s\n", what, dqlite_client_errmsg(c));
  dqlite_client_close(c);
  return 1;
}

/* The leader, with database DRIVER_DB open in *DB.  NULL (reported). */
static struct dqlite_client *leader_db(uint32_t *db, int quiet) {
  char err[2048];
  struct dqlite_client *c = dqlite_client_connect_leader(nodes, nnodes, DRIVER_TIMEOUT_MS, err, sizeof err);
  if (c == NULL) {
    if (!quiet) fprintf(stderr, "no leader: %s\n", err);
    return NULL;
  }
  if (dqlite_client_open(c, DRIVER_DB, db) != DQLITE_CLIENT_OK) {
    if (!quiet) return failed(c, "open"), NULL;
    dqlite_client_close(c);
    return NULL;
  }
  return c;
}

static int cmd_statement(int query, long limit, const char *sql, char **args, int nargs) {
  struct dqlite_proto_value params[MAX_PARAMS];
  if (nargs > MAX_PARAMS) return fprintf(stderr, "too many parameters\n"), 2;
  for (int i = 0; i < nargs; i++)
    if (parse_param(args[i], &params[i]) != 0) return fprintf(stderr, "bad parameter %s\n", args[i]), 2;
  uint32_t db;
  struct dqlite_client *c = leader_db(&db, 0);
  if (c == NULL) return 1;
  if (!query) {
    struct dqlite_client_result r;
    if (dqlite_client_exec_sql(c, db, sql, params, (size_t)nargs, &r) != DQLITE_CLIENT_OK)
      return failed(c, "exec");
    printf("changes=%" PRIu64 " last_insert_id=%" PRId64 "\n", r.rows_affected, r.last_insert_id);
    dqlite_client_close(c);
    return 0;
  }
  struct printer p = {.limit = limit};
  struct dqlite_client_rows handler = {.row = print_row};
  int rc = dqlite_client_query_sql(c, db, sql, params, (size_t)nargs, &handler, &p);
  if (rc != DQLITE_CLIENT_OK && !(rc == DQLITE_CLIENT_STOPPED && limit >= 0)) return failed(c, "query");
  if (limit >= 0) { /* the connection must still be in step */
    struct printer after = {.limit = -1};
    printf("after: ");
    if (dqlite_client_query_sql(c, db, "SELECT 42", NULL, 0, &handler, &after) != DQLITE_CLIENT_OK)
      return failed(c, "query after the stop");
  }
  dqlite_client_close(c);
  return 0;
}

static int cmd_leader(int members, int timeout_ms) {
  char err[2048];
  struct dqlite_client *c = dqlite_client_connect_leader(nodes, nnodes, timeout_ms, err, sizeof err);
  if (c == NULL) return fprintf(stderr, "no leader: %s\n", err), 1;
  if (!members) {
    uint64_t id;
    char address[128];
    if (dqlite_client_leader(c, &id, address, sizeof address) != DQLITE_CLIENT_OK) return failed(c, "leader");
    printf("%" PRIu64 " %s\n", id, address);
  } else {
    static const char *const roles[] = {"voter", "standby", "spare"};
    struct dqlite_client_member *m;
    size_t n;
    if (dqlite_client_cluster(c, &m, &n) != DQLITE_CLIENT_OK) return failed(c, "cluster");
    for (size_t i = 0; i < n; i++) printf("%" PRIu64 " %s %s\n", m[i].id, m[i].address, roles[m[i].role]);
    free(m);
  }
  dqlite_client_close(c);
  return 0;
}

/* One insert of ID.  Returns 0 acknowledged, 1 not run (retry the same
 * id), 2 outcome unknown (move on), 3 refused (stop).  Closes *C when the
 * connection is no good any more. */
static int load_one(struct dqlite_client **c, uint32_t db, int64_t id) {
  struct dqlite_proto_value v = {.type = DQLITE_PROTO_INTEGER, .integer = id};
  int rc = dqlite_client_exec_sql(*c, db, "INSERT INTO acked (id) VALUES (?)", &v, 1, NULL);
  if (rc == DQLITE_CLIENT_OK) return 0;
  uint64_t code = dqlite_client_errcode(*c);
  int outcome = 2;
  if (rc == DQLITE_CLIENT_FAILED && ((code & 0xff) == SQLITE_BUSY || code == DQLITE_PROTO_NOT_LEADER))
    outcome = 1; /* refused before it ran */
  else if (rc == DQLITE_CLIENT_FAILED && code != DQLITE_PROTO_LEADERSHIP_LOST)
    outcome = 3;
  if (outcome == 3)
    fprintf(stderr, "insert %" PRId64 ": FAILED code %" PRIu64 ": %s\n", id, code, dqlite_client_errmsg(*c));
  dqlite_client_close(*c);
  *c = NULL;
  return outcome;
}

static int cmd_load(long count, const char *acks_path) {
  int acks = open(acks_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (acks < 0) return fprintf(stderr, "%s: %s\n", acks_path, strerror(errno)), 1;
  long long deadline = clock_mono_ms() + 120000, last_ack = clock_mono_ms(), max_gap = 0;
  long acked = 0, unknown = 0, retried = 0;
  int64_t id = 1;
  uint32_t db = 0;
  struct dqlite_client *c = NULL;
  int status = 0;
  while (acked < count && clock_mono_ms() < deadline && status == 0) {
    if (c == NULL && (c = leader_db(&db, 1)) == NULL) {
      usleep(20000); /* an election is running */
      continue;
    }
    switch (load_one(&c, db, id)) {
    case 0: {
      char line[32];
      int n = snprintf(line, sizeof line, "%" PRId64 "\n", id);
      if (write(acks, line, (size_t)n) != n) status = 1;
      long long t = clock_mono_ms();
      if (t - last_ack > max_gap) max_gap = t - last_ack;
      last_ack = t;
      acked++, id++;
      break;
    }
    case 1: retried++; break;
    case 2: unknown++, id++; break;
    default: status = 1;
    }
  }
  dqlite_client_close(c);
  close(acks);
  printf("acked=%ld unknown=%ld retried=%ld max_gap_ms=%lld\n", acked, unknown, retried, max_gap);
  if (acked < count && status == 0)
    fprintf(stderr, "load: only %ld of %ld acknowledged before the deadline\n", acked, count);
  return status != 0 || acked < count;
}

/* Appends ID as a line to FD. */
static int append_id(int fd, int64_t id) {
  char line[32];
  int n = snprintf(line, sizeof line, "%" PRId64 "\n", id);
  return write(fd, line, (size_t)n) == n ? 0 : -1;
}

static int open_append(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fprintf(stderr, "%s: %s\n", path, strerror(errno));
  return fd;
}

/* The statement of group entry I (of GROUP good ones and two bad ones). */
static const char *group_sql(size_t i, size_t group) {
  if (i == group / 2) return "INSERT INTO acked (id) VALUES (0)";
  if (i == group / 2 + 1) return "INSERT OR ROLLBACK INTO acked (id) VALUES (0)";
  return "INSERT INTO acked (id) VALUES (?)";
}

static int cmd_group_load(long count, size_t group, const char *acks_path) {
  char path[1024];
  int acks = open_append(acks_path);
  snprintf(path, sizeof path, "%s.unknown", acks_path);
  int unknown_fd = open_append(path);
  snprintf(path, sizeof path, "%s.notrun", acks_path);
  int notrun_fd = open_append(path);
  if (acks < 0 || unknown_fd < 0 || notrun_fd < 0) return 1;
  struct cluster_db *db = cluster_db_new(nodes, nnodes, DRIVER_DB, 2000, 5000);
  struct cluster_db_stmt *s = calloc(group + 2, sizeof *s);
  struct dqlite_proto_value *v = calloc(group + 2, sizeof *v);
  long long deadline = clock_mono_ms() + 120000, last_ack = clock_mono_ms(), max_gap = 0;
  long acked = 0, unknown = 0, notrun = 0, groups = 0, reruns = 0;
  int64_t next = 1;
  int status = 0;
  while (acked < count && clock_mono_ms() < deadline && status == 0) {
    for (size_t i = 0; i < group + 2; i++) {
      int good = strchr(group_sql(i, group), '?') != NULL;
      v[i] = (struct dqlite_proto_value){.type = DQLITE_PROTO_INTEGER, .integer = good ? next++ : 0};
      s[i] = (struct cluster_db_stmt){.sql = group_sql(i, group), .params = &v[i], .nparams = good};
    }
    reruns += cluster_db_group(db, s, group + 2);
    groups++;
    for (size_t i = 0; i < group + 2 && status == 0; i++) {
      int good = s[i].nparams == 1;
      int64_t id = v[i].integer;
      if (good && s[i].status == CLUSTER_DB_OK) {
        if (s[i].changes != 1 || s[i].last_insert_id != id) {
          fprintf(stderr, "insert %" PRId64 ": changes %" PRId64 ", last insert id %" PRId64 "\n", id,
                  s[i].changes, s[i].last_insert_id);
          status = 1;
        } else if (append_id(acks, id) != 0) {
          status = 1;
        }
        long long t = clock_mono_ms();
        if (t - last_ack > max_gap) max_gap = t - last_ack;
        last_ack = t;
        acked++;
      } else if (s[i].status == CLUSTER_DB_COMMIT_UNKNOWN) {
        unknown += good;
        if (good && append_id(unknown_fd, id) != 0) status = 1;
      } else if (s[i].status == CLUSTER_DB_UNAVAILABLE || s[i].status == CLUSTER_DB_BUSY) {
        if (notrun == 0) fprintf(stderr, "first not run: %s\n", s[i].message);
        notrun += good;
        if (good && append_id(notrun_fd, id) != 0) status = 1;
      } else if (good || s[i].status != CLUSTER_DB_ERROR || s[i].code != SQLITE_CONSTRAINT_PRIMARYKEY) {
        fprintf(stderr, "entry %zu (%s, id %" PRId64 "): status %d, code %" PRIu64 ": %s\n", i, s[i].sql, id,
                (int)s[i].status, s[i].code, s[i].message);
        status = 1;
      }
    }
  }
  printf("acked=%ld unknown=%ld notrun=%ld groups=%ld reruns=%ld max_gap_ms=%lld\n", acked, unknown, notrun,
         groups, reruns, max_gap);
  cluster_db_free(db);
  free(s);
  free(v);
  close(acks);
  close(unknown_fd);
  close(notrun_fd);
  return status != 0 || acked < count;
}

static int cmd_node(const char *path) {
  struct jsfpm_config cfg;
  char err[1024];
  if (config_load(&cfg, path, err, sizeof err) < 0) return fprintf(stderr, "%s\n", err), 1;
  if (log_open(cfg.error_log, (enum log_level)cfg.log_level) < 0) return perror(cfg.error_log), 1;
  int rc = cluster_node_main(&cfg);
  config_free(&cfg);
  log_close();
  return rc;
}

static int cmd_names(void) {
  char err[512], address[128];
  uint64_t id;
  struct dqlite_client *c = dqlite_client_connect(nodes[0], DRIVER_NAMES_TIMEOUT_MS, err, sizeof err);
  if (c == NULL) return fprintf(stderr, "%s\n", err), 1;
  if (dqlite_client_leader(c, &id, address, sizeof address) != DQLITE_CLIENT_OK) return failed(c, "leader");
  if (id == 0)
    printf("0\n");
  else
    printf("%" PRIu64 " %s\n", id, address);
  dqlite_client_close(c);
  return 0;
}

static int cmd_transfer(uint64_t id) {
  char err[2048];
  struct dqlite_client *c = dqlite_client_connect_leader(nodes, nnodes, DRIVER_TIMEOUT_MS, err, sizeof err);
  if (c == NULL) return fprintf(stderr, "no leader: %s\n", err), 1;
  if (dqlite_client_transfer(c, id) != DQLITE_CLIENT_OK) return failed(c, "transfer");
  dqlite_client_close(c);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "node") == 0) return cmd_node(argv[2]);
  if (argc < 3) return fprintf(stderr, "usage: see cluster_driver.c\n"), 2;
  split_nodes(argv[2]);
  const char *cmd = argv[1];
  if (strcmp(cmd, "leader") == 0 && argc <= 4)
    return cmd_leader(0, argc == 4 ? (int)strtol(argv[3], NULL, 10) : DRIVER_TIMEOUT_MS);
  if (strcmp(cmd, "members") == 0) return cmd_leader(1, DRIVER_TIMEOUT_MS);
  if (strcmp(cmd, "names") == 0 && nnodes == 1) return cmd_names();
  if (strcmp(cmd, "transfer") == 0 && argc == 4) return cmd_transfer(strtoull(argv[3], NULL, 10));
  if (strcmp(cmd, "exec") == 0 && argc >= 4) return cmd_statement(0, -1, argv[3], argv + 4, argc - 4);
  if (strcmp(cmd, "query") == 0 && argc >= 4) return cmd_statement(1, -1, argv[3], argv + 4, argc - 4);
  if (strcmp(cmd, "query-stop") == 0 && argc == 5)
    return cmd_statement(1, strtol(argv[3], NULL, 10), argv[4], NULL, 0);
  if (strcmp(cmd, "load") == 0 && argc == 5) return cmd_load(strtol(argv[3], NULL, 10), argv[4]);
  if (strcmp(cmd, "group-load") == 0 && argc == 6)
    return cmd_group_load(strtol(argv[3], NULL, 10), (size_t)strtol(argv[4], NULL, 10), argv[5]);
  fprintf(stderr, "usage: see cluster_driver.c\n");
  return 2;
}
