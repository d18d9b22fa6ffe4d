/* master_status.c: the status page, served by the master (so it answers
 * while every worker is busy, the pool reloads, starts or stops): the
 * scoreboard and the broker's figures, rendered by status.c. */
#include "autoconfig.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cluster_status.h"
#include "config.h"
#include "db_client.h"
#include "db_proto.h"
#include "log.h"
#include "master_internal.h"
#include "scoreboard.h"
#include "sock.h"
#include "status.h"

#define STATUS_BROKER_TIMEOUT_MS 250 /* the status page does not wait longer for broker stats */
/* The cluster node is asked in the master's loop, as the broker is, within
 * this bound for the whole exchange (connect, LEADER, CLUSTER).  Not from a
 * thread or a child: the node answers both from memory, on this host's own
 * address, in well under a millisecond, so a thread (and its locking in the
 * master) or a fork per scrape would buy nothing; and not from a cache,
 * which would show an old leader exactly when it matters, during a
 * failover.  A node that hangs (stopped, swapping) costs the loop at most
 * this long per status request, as a hung broker does. */
#define STATUS_CLUSTER_TIMEOUT_MS 250

/* ---- the status page ------------------------------------------------------------- */

static bool status_client_allowed(const struct jsfpm_config *cfg, const char *peer) {
  if (cfg->status_allow == NULL) return false;
  if (peer == NULL) return true; /* a unix status socket: its file mode decides */
  const char *p = cfg->status_allow;
  size_t plen = strlen(peer);
  while (*p) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ", ");
    if (n == 3 && strncmp(p, "any", 3) == 0) return true;
    if (n == plen && strncmp(p, peer, n) == 0) return true;
    /* An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d. */
    if (plen > 7 && strncmp(peer, "::ffff:", 7) == 0 && n == plen - 7 && strncmp(p, peer + 7, n) == 0)
      return true;
    p += n;
  }
  return false;
}

static void fill_broker_stats(struct master *m, struct status_broker *b) {
  b->pid = m->broker.pid;
  if (m->broker.pid == 0) return;
  struct db_client *c = db_client_new(m->broker_path);
  json_t *req = json_pack("{s:s}", "op", db_op_name(DB_OP_STATS));
  char err[256];
  json_t *reply = c && req ? db_client_call(c, req, STATUS_BROKER_TIMEOUT_MS, err, sizeof err) : NULL;
  if (reply && json_is_true(json_object_get(reply, "ok"))) {
    b->stats_available = true;
    b->statements = json_integer_value(json_object_get(reply, "statements"));
    b->errors = json_integer_value(json_object_get(reply, "errors"));
    b->open_transactions = json_integer_value(json_object_get(reply, "open_transactions"));
    b->queue_depth = json_integer_value(json_object_get(reply, "queue_depth"));
    b->cache_hits = json_integer_value(json_object_get(reply, "cache_hits"));
    b->cache_misses = json_integer_value(json_object_get(reply, "cache_misses"));
  }
  json_decref(reply);
  json_decref(req);
  db_client_free(c);
}

/* Cluster mode: the node process as the master supervises it, and what
 * the node says.  C->members must be freed (cluster_status_free). */
static void fill_cluster(const struct master *m, struct status_cluster *c) {
  *c = (struct status_cluster){.node_id = m->cfg->cluster_node_id,
                               .address = m->cfg->cluster_address,
                               .supervised = true,
                               .node_pid = m->node.pid,
                               .node_restarts = m->node.restarts,
                               .node_started_unix_ms = m->node.started_unix_ms};
  if (m->node.pid != 0)
    cluster_status_ask(c, STATUS_CLUSTER_TIMEOUT_MS);
  else
    snprintf(c->error, sizeof c->error, "the cluster node process is not running");
}

static void on_status_request(struct evhttp_request *req, void *arg) {
  struct master *m = arg;
  const struct jsfpm_config *cfg = m->cfg;
  struct evhttp_connection *conn = evhttp_request_get_connection(req);
  char *peer = NULL;
  ev_uint16_t port = 0;
  if (conn) evhttp_connection_get_peer(conn, &peer, &port);
  bool unix_socket = cfg->status_listen && sock_spec_is_unix(cfg->status_listen);
  if (!status_client_allowed(cfg, unix_socket ? NULL : peer)) {
    log_notice("status: refused client %s (not in status_allow)", peer ? peer : "?");
    evhttp_send_error(req, 403, "Forbidden");
    return;
  }
  const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
  const char *path = evhttp_uri_get_path(uri);
  struct evbuffer *out = evbuffer_new();
  if (out == NULL) {
    evhttp_send_error(req, 500, "Internal Server Error");
    return;
  }
  struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
  evhttp_add_header(headers, "Cache-Control", "no-store");
  if (path && strcmp(path, cfg->ping_path) == 0) {
    evhttp_add_header(headers, "Content-Type", "text/plain");
    evbuffer_add(out, "pong\n", 5);
    evhttp_send_reply(req, 200, "OK", out);
    evbuffer_free(out);
    return;
  }
  if (path == NULL || strcmp(path, cfg->status_path) != 0) {
    evbuffer_free(out);
    evhttp_send_error(req, 404, "Not Found");
    return;
  }

  static struct status_worker workers[SCOREBOARD_SLOTS];
  static struct sb_slot snaps[SCOREBOARD_SLOTS];
  struct status_report r = {.start_unix_ms = m->sb->global.start_unix_ms,
                            .now_unix_ms = clock_unix_ms(),
                            .generation = m->gen,
                            .reloading = m->phase == MASTER_RELOADING,
                            .process_manager = config_pm_name(m->cfg),
                            .recycled = m->recycled,
                            .terminated = m->terminated,
                            .crashes = m->crashes,
                            .listen_queue = -1,
                            .listen_queue_max = -1,
                            .workers = workers};
  const struct sb_global *g = &m->sb->global;
  r.accepted = __atomic_load_n(&g->accepted, __ATOMIC_RELAXED);
  for (int i = 0; i < 5; i++) r.by_class[i] = __atomic_load_n(&g->by_class[i], __ATOMIC_RELAXED);
  r.slow_requests = __atomic_load_n(&g->slow_requests, __ATOMIC_RELAXED);
  r.max_active = __atomic_load_n(&g->max_active, __ATOMIC_RELAXED);
  r.max_children_reached = __atomic_load_n(&g->max_children_reached, __ATOMIC_RELAXED);
  r.fetch_calls = __atomic_load_n(&g->fetch_calls, __ATOMIC_RELAXED);
  r.fetch_errors = __atomic_load_n(&g->fetch_errors, __ATOMIC_RELAXED);
  r.fetch_ms = __atomic_load_n(&g->fetch_ms, __ATOMIC_RELAXED);
  int q, backlog;
  if (status_listen_queue(m->lis.fcgi_fd, &q, &backlog) == 0) {
    r.listen_queue = q;
    r.listen_queue_max = backlog;
    scoreboard_note_listen_queue(m->sb, q);
  }
  r.max_listen_queue = g->max_listen_queue;
  long long now = clock_mono_ms();
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    const struct proc *p = &m->procs[i];
    if (p->state == PROC_FREE) continue;
    struct sb_slot *s = &snaps[r.nworkers];
    scoreboard_read_slot(m->sb, i, s);
    struct status_worker *w = &workers[r.nworkers++];
    const char *state = s->state == SB_BUSY ? "busy" : s->state == SB_IDLE ? "idle" : "starting";
    if (p->state == PROC_RETIRING && s->state != SB_BUSY) state = "retiring";
    *w = (struct status_worker){.pid = p->pid,
                                .state = state,
                                .generation = p->generation,
                                .index = p->index,
                                .requests = s->requests,
                                .started_unix_ms = s->started_unix_ms,
                                .rss_bytes = children_rss_bytes(p->pid),
                                .request_method = s->request_method,
                                .request_path = s->request_path,
                                .request_duration_ms = s->state == SB_BUSY ? now - s->request_start_mono_ms
                                                                           : s->last_duration_ms,
                                .last_request_id = s->last_request_id,
                                .last_status = s->last_status,
                                .compile_cache_hits = s->compile_cache_hits,
                                .compile_cache_misses = s->compile_cache_misses,
                                .heap_bytes = s->heap_bytes,
                                .request_query = s->request_query,
                                .content_length = s->request_content_length,
                                .last_duration_ms = s->last_duration_ms,
                                .last_cpu_us = s->last_cpu_us,
                                .last_memory_bytes = s->last_memory_bytes};
    r.compile_cache_hits += s->compile_cache_hits;
    r.compile_cache_misses += s->compile_cache_misses;
    r.total++;
    if (s->state == SB_BUSY)
      r.active++;
    else if (s->state == SB_IDLE && p->state != PROC_RETIRING)
      r.idle++;
  }
  fill_broker_stats(m, &r.broker);

  struct status_query sq;
  char why[256];
  if (status_parse_query(evhttp_uri_get_query(uri), &sq, why, sizeof why) < 0) {
    evhttp_add_header(headers, "Content-Type", "text/plain; charset=utf-8");
    evbuffer_add_printf(out, "%s\n", why);
    evhttp_send_reply(req, 400, "Bad Request", out);
    evbuffer_free(out);
    return;
  }
  r.full = sq.full;
  struct status_cluster cluster;
  if (cfg->cluster_address) {
    fill_cluster(m, &cluster);
    r.cluster = &cluster;
  }
  if (sq.full) scoreboard_want_request_cpu(m->sb);
  evhttp_add_header(headers, "Content-Type", status_content_type(sq.format));
  int rendered = status_render(&r, sq.format, out);
  if (r.cluster) cluster_status_free(&cluster);
  if (rendered < 0) {
    evbuffer_free(out);
    evhttp_send_error(req, 500, "Internal Server Error");
    return;
  }
  evhttp_send_reply(req, 200, "OK", out);
  evbuffer_free(out);
}

/* The status listener belongs to the master, so it answers while every
 * worker is busy or the pool is reloading. */
int status_page_open(struct master *m) {
  const struct jsfpm_config *cfg = m->cfg;
  if (cfg->status_listen == NULL) return 0;
  char err[512];
  m->status_fd = sock_listen(cfg->status_listen, 64, 0600, NULL, NULL, err, sizeof err);
  if (m->status_fd < 0) {
    log_error("status_listen: %s", err);
    return -1;
  }
  m->status_http = evhttp_new(m->base);
  if (m->status_http == NULL || evhttp_accept_socket(m->status_http, m->status_fd) < 0) {
    log_error("status_listen: cannot serve HTTP on %s", cfg->status_listen);
    return -1;
  }
  evhttp_set_allowed_methods(m->status_http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
  evhttp_set_timeout(m->status_http, 5);
  evhttp_set_gencb(m->status_http, on_status_request, m);
  return 0;
}
