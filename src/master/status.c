/* status.c: rendering the status report, and reading the listen queue.
 *
 * The three formats carry the same fields under the same names (JSON keys,
 * text labels, Prometheus metrics with the jsfpm_ prefix), so a field added
 * to struct status_report is added to all three here.
 */
#include "autoconfig.h"

#include "status.h"

#include <errno.h>
#include <event2/buffer.h>
#include <jansson.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const class_names[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

int status_parse_query(const char *query, struct status_query *out, char *why, size_t whylen) {
  *out = (struct status_query){.format = STATUS_TEXT};
  for (const char *p = query ? query : ""; *p;) {
    size_t len = strcspn(p, "&");
    size_t name_len = strcspn(p, "=&");
    char name[16] = "";
    if (name_len < sizeof name) memcpy(name, p, name_len), name[name_len] = '\0';
    if (strcmp(name, "json") == 0)
      out->format = STATUS_JSON;
    else if (strcmp(name, "prometheus") == 0 || strcmp(name, "openmetrics") == 0)
      out->format = STATUS_PROMETHEUS;
    else if (strcmp(name, "full") == 0)
      out->full = true;
    else if (strcmp(name, "html") == 0 || strcmp(name, "xml") == 0) {
      snprintf(why, whylen,
               "?%s: jsfpm's status page has no %s form; ask for ?json, ?prometheus or "
               "plain text (add &full for every process)",
               name, name);
      return -1;
    }
    p += len + (p[len] == '&');
  }
  return 0;
}

const char *status_content_type(enum status_format f) {
  switch (f) {
  case STATUS_JSON: return "application/json";
  case STATUS_PROMETHEUS: return "text/plain; version=0.0.4; charset=utf-8";
  case STATUS_TEXT: break;
  }
  return "text/plain; charset=utf-8";
}

static void iso_time(long long unix_ms, char *buf, size_t len) {
  time_t t = (time_t)(unix_ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- JSON ---------------------------------------------------------- */

static json_t *json_or_null(bool available, long long v) { return available ? json_integer(v) : json_null(); }

/* The target of W's current or last request: path, and "?" query if any. */
static void request_uri(const struct status_worker *w, char *buf, size_t len) {
  snprintf(buf, len, "%s%s%s", w->request_path, w->request_query && *w->request_query ? "?" : "",
           w->request_query ? w->request_query : "");
}

/* php-fpm's "last request cpu": the request's CPU time as a percentage of
 * its duration (1 ms at least, as a request is timed in milliseconds). */
static double last_cpu_percent(const struct status_worker *w) {
  long long wall_us = (w->last_duration_ms > 0 ? w->last_duration_ms : 1) * 1000;
  return (double)(w->last_cpu_us * 10000 / wall_us) / 100.0; /* two decimals */
}

/* ?full: php-fpm's per-process fields that the compact list leaves out. */
static void json_add_full(json_t *o, const struct status_worker *w, long long now_unix_ms) {
  char uri[320];
  request_uri(w, uri, sizeof uri);
  json_object_set_new(o, "start_since",
                      json_integer((json_int_t)((now_unix_ms - w->started_unix_ms) / 1000)));
  json_object_set_new(o, "request_uri", json_string(uri));
  json_object_set_new(o, "content_length", json_integer((json_int_t)w->content_length));
  bool cpu = w->last_cpu_us >= 0; /* measured once ?full was first asked for */
  json_object_set_new(o, "last_request_cpu", cpu ? json_real(last_cpu_percent(w)) : json_null());
  json_object_set_new(o, "last_request_cpu_ms",
                      cpu ? json_integer((json_int_t)(w->last_cpu_us / 1000)) : json_null());
  json_object_set_new(o, "last_request_memory", json_integer((json_int_t)w->last_memory_bytes));
}

/* How many members have ROLE. */
static size_t cluster_count_role(const struct status_cluster *c, const char *role) {
  size_t n = 0;
  for (size_t i = 0; i < c->nmembers; i++) n += strcmp(c->members[i].role, role) == 0;
  return n;
}

/* This node's role among the members it knows; NULL when they do not list
 * it (it has not joined yet). */
static const char *cluster_own_role(const struct status_cluster *c) {
  for (size_t i = 0; i < c->nmembers; i++)
    if (c->members[i].id == (unsigned long long)c->node_id) return c->members[i].role;
  return NULL;
}

/* The cluster section: null when cluster mode is off. */
static json_t *json_cluster(const struct status_cluster *c) {
  if (c == NULL) return json_null();
  json_t *o = json_pack("{s:i, s:s}", "node_id", c->node_id, "address", c->address);
  if (o == NULL) return NULL;
  if (c->supervised) {
    char started[32];
    iso_time(c->node_started_unix_ms, started, sizeof started);
    json_object_set_new(o, "node_pid", c->node_pid ? json_integer(c->node_pid) : json_null());
    json_object_set_new(o, "node_restarts", json_integer((json_int_t)c->node_restarts));
    json_object_set_new(o, "node_started", c->node_started_unix_ms ? json_string(started) : json_null());
  }
  json_object_set_new(o, "answered", json_boolean(c->answered));
  json_object_set_new(o, "error", c->answered ? json_null() : json_string(c->error));
  json_t *leader = c->answered && c->leader_id
                       ? json_pack("{s:I, s:s}", "id", (json_int_t)c->leader_id, "address", c->leader_address)
                       : json_null();
  json_object_set_new(o, "leader", leader);
  const char *role = c->answered ? cluster_own_role(c) : NULL;
  json_object_set_new(o, "role", role ? json_string(role) : json_null());
  json_t *members = c->answered ? json_array() : json_null();
  for (size_t i = 0; c->answered && i < c->nmembers; i++)
    json_array_append_new(members, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->members[i].id, "address",
                                             c->members[i].address, "role", c->members[i].role));
  json_object_set_new(o, "members", members);
  return o;
}

static int render_json(const struct status_report *r, struct evbuffer *out) {
  char start[32];
  iso_time(r->start_unix_ms, start, sizeof start);
  json_t *classes = json_object();
  for (int i = 0; i < 5; i++)
    json_object_set_new(classes, class_names[i], json_integer((json_int_t)r->by_class[i]));
  const struct status_broker *b = &r->broker;
  json_t *broker = json_pack(
      "{s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "pid", b->pid ? json_integer(b->pid) : json_null(),
      "stats_available", b->stats_available, "statements", json_or_null(b->stats_available, b->statements),
      "errors", json_or_null(b->stats_available, b->errors), "open_transactions",
      json_or_null(b->stats_available, b->open_transactions), "queue_depth",
      json_or_null(b->stats_available, b->queue_depth), "cache_hits",
      json_or_null(b->stats_available, b->cache_hits), "cache_misses",
      json_or_null(b->stats_available, b->cache_misses));
  json_t *cluster = json_cluster(r->cluster);
  json_t *workers = json_array();
  for (int i = 0; i < r->nworkers; i++) {
    const struct status_worker *w = &r->workers[i];
    char started[32];
    iso_time(w->started_unix_ms, started, sizeof started);
    json_t *row = json_pack("{s:i, s:s, s:i, s:i, s:I, s:s, s:I, s:o, s:s, s:s, s:I, s:s, s:i, s:I, s:I}",
                            "pid", (int)w->pid, "state", w->state, "generation", (int)w->generation, "index",
                            w->index, "requests", (json_int_t)w->requests, "started", started, "started_unix",
                            (json_int_t)(w->started_unix_ms / 1000), "rss_bytes",
                            w->rss_bytes >= 0 ? json_integer(w->rss_bytes) : json_null(), "request_method",
                            w->request_method, "request_path", w->request_path, "request_duration_ms",
                            (json_int_t)w->request_duration_ms, "last_request_id", w->last_request_id,
                            "last_status", w->last_status, "compile_cache_hits",
                            (json_int_t)w->compile_cache_hits, "heap_bytes", (json_int_t)w->heap_bytes);
    if (row != NULL && r->full) json_add_full(row, w, r->now_unix_ms);
    json_array_append_new(workers, row);
  }
  json_t *root = json_pack(
      "{s:s, s:I, s:I, s:i, s:b, s:s, s:I, s:o, s:I, s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:I, s:I, s:I, "
      "s:I, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o}",
      "start_time", start, "start_unix", (json_int_t)(r->start_unix_ms / 1000), "uptime_seconds",
      (json_int_t)((r->now_unix_ms - r->start_unix_ms) / 1000), "generation", (int)r->generation, "reloading",
      r->reloading, "process_manager", r->process_manager ? r->process_manager : "static",
      "accepted_requests", (json_int_t)r->accepted, "requests_by_class", classes, "slow_requests",
      (json_int_t)r->slow_requests, "listen_queue",
      r->listen_queue >= 0 ? json_integer(r->listen_queue) : json_null(), "listen_queue_max",
      r->listen_queue_max >= 0 ? json_integer(r->listen_queue_max) : json_null(), "max_listen_queue",
      r->max_listen_queue, "idle_workers", r->idle, "active_workers", r->active, "total_workers", r->total,
      "max_active_workers", r->max_active, "max_children_reached", (json_int_t)r->max_children_reached,
      "recycled_workers", (json_int_t)r->recycled, "terminated_workers", (json_int_t)r->terminated,
      "crashed_children", (json_int_t)r->crashes, "compile_cache_hits",
      json_integer((json_int_t)r->compile_cache_hits), "compile_cache_misses",
      json_integer((json_int_t)r->compile_cache_misses), "fetch_calls", (json_int_t)r->fetch_calls,
      "fetch_errors", (json_int_t)r->fetch_errors, "fetch_ms", (json_int_t)r->fetch_ms, "broker", broker,
      "cluster", cluster, "workers", workers);
  if (root == NULL) return -1;
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (text == NULL) return -1;
  int rc = evbuffer_add_printf(out, "%s\n", text) < 0 ? -1 : 0;
  free(text);
  return rc;
}

/* ---- plain text ---------------------------------------------------- */

static void text_opt(struct evbuffer *out, const char *label, bool available, long long v) {
  if (available)
    evbuffer_add_printf(out, "%-24s %lld\n", label, v);
  else
    evbuffer_add_printf(out, "%-24s unavailable\n", label);
}

/* ?full: one block per process, with php-fpm's full status labels (the
 * duration in milliseconds, where php-fpm counts microseconds). */
static void render_text_full(const struct status_report *r, struct evbuffer *out) {
  for (int i = 0; i < r->nworkers; i++) {
    const struct status_worker *w = &r->workers[i];
    char started[32], uri[320];
    iso_time(w->started_unix_ms, started, sizeof started);
    request_uri(w, uri, sizeof uri);
    evbuffer_add_printf(out, "\n************************\n");
    evbuffer_add_printf(out, "%-24s %ld\n", "pid:", (long)w->pid);
    evbuffer_add_printf(out, "%-24s %s\n", "state:", w->state);
    evbuffer_add_printf(out, "%-24s %d (generation %u)\n", "worker:", w->index, w->generation);
    evbuffer_add_printf(out, "%-24s %s\n", "start time:", started);
    evbuffer_add_printf(out, "%-24s %lld\n", "start since:", (r->now_unix_ms - w->started_unix_ms) / 1000);
    evbuffer_add_printf(out, "%-24s %lu\n", "requests:", w->requests);
    evbuffer_add_printf(out, "%-24s %lld\n", "request duration ms:", w->request_duration_ms);
    evbuffer_add_printf(out, "%-24s %s\n", "request method:", *w->request_method ? w->request_method : "-");
    evbuffer_add_printf(out, "%-24s %s\n", "request URI:", *uri ? uri : "-");
    evbuffer_add_printf(out, "%-24s %lld\n", "content length:", w->content_length);
    if (w->last_cpu_us >= 0)
      evbuffer_add_printf(out, "%-24s %.2f\n", "last request cpu:", last_cpu_percent(w));
    else
      evbuffer_add_printf(out, "%-24s -\n", "last request cpu:");
    evbuffer_add_printf(out, "%-24s %lld\n", "last request memory:", w->last_memory_bytes);
    evbuffer_add_printf(out, "%-24s %lld\n", "rss bytes:", w->rss_bytes);
  }
}

void status_render_cluster_text(const struct status_cluster *c, struct evbuffer *out) {
  evbuffer_add_printf(out, "%-24s %d at %s\n", "cluster node:", c->node_id, c->address);
  if (c->supervised) {
    char started[32] = "-";
    if (c->node_started_unix_ms) iso_time(c->node_started_unix_ms, started, sizeof started);
    evbuffer_add_printf(out, "%-24s %ld\n", "cluster node pid:", (long)c->node_pid);
    evbuffer_add_printf(out, "%-24s %lu\n", "cluster node restarts:", c->node_restarts);
    evbuffer_add_printf(out, "%-24s %s\n", "cluster node started:", started);
  }
  if (!c->answered) {
    evbuffer_add_printf(out, "%-24s unavailable: %s\n", "cluster leader:", c->error);
    return;
  }
  if (c->leader_id)
    evbuffer_add_printf(out, "%-24s %llu at %s\n", "cluster leader:", c->leader_id, c->leader_address);
  else
    evbuffer_add_printf(out, "%-24s none known\n", "cluster leader:");
  const char *role = cluster_own_role(c);
  evbuffer_add_printf(out, "%-24s %s\n", "cluster node role:", role ? role : "not a member yet");
  evbuffer_add_printf(out, "%-24s %zu (%zu voters, %zu stand-bys, %zu spares)\n",
                      "cluster members:", c->nmembers, cluster_count_role(c, "voter"),
                      cluster_count_role(c, "standby"), cluster_count_role(c, "spare"));
  for (size_t i = 0; i < c->nmembers; i++)
    evbuffer_add_printf(out, "%-24s %llu at %s %s\n", "cluster member:", c->members[i].id,
                        c->members[i].address, c->members[i].role);
}

static int render_text(const struct status_report *r, struct evbuffer *out) {
  char start[32];
  iso_time(r->start_unix_ms, start, sizeof start);
  evbuffer_add_printf(out, "%-24s %s\n", "start time:", start);
  evbuffer_add_printf(out, "%-24s %lld\n", "uptime seconds:", (r->now_unix_ms - r->start_unix_ms) / 1000);
  evbuffer_add_printf(out, "%-24s %u%s\n", "generation:", r->generation, r->reloading ? " (reloading)" : "");
  evbuffer_add_printf(out, "%-24s %s\n",
                      "process manager:", r->process_manager ? r->process_manager : "static");
  evbuffer_add_printf(out, "%-24s %lu\n", "accepted requests:", r->accepted);
  for (int i = 0; i < 5; i++)
    evbuffer_add_printf(out, "requests %s:%*s %lu\n", class_names[i], 11, "", r->by_class[i]);
  evbuffer_add_printf(out, "%-24s %lu\n", "slow requests:", r->slow_requests);
  text_opt(out, "listen queue:", r->listen_queue >= 0, r->listen_queue);
  text_opt(out, "listen queue max:", r->listen_queue_max >= 0, r->listen_queue_max);
  evbuffer_add_printf(out, "%-24s %d\n", "max listen queue:", r->max_listen_queue);
  evbuffer_add_printf(out, "%-24s %d\n", "idle workers:", r->idle);
  evbuffer_add_printf(out, "%-24s %d\n", "active workers:", r->active);
  evbuffer_add_printf(out, "%-24s %d\n", "total workers:", r->total);
  evbuffer_add_printf(out, "%-24s %d\n", "max active workers:", r->max_active);
  evbuffer_add_printf(out, "%-24s %lu\n", "max children reached:", r->max_children_reached);
  evbuffer_add_printf(out, "%-24s %lu\n", "recycled workers:", r->recycled);
  evbuffer_add_printf(out, "%-24s %lu\n", "terminated workers:", r->terminated);
  evbuffer_add_printf(out, "%-24s %lu\n", "crashed children:", r->crashes);
  evbuffer_add_printf(out, "%-24s %lu\n", "compile cache hits:", r->compile_cache_hits);
  evbuffer_add_printf(out, "%-24s %lu\n", "compile cache misses:", r->compile_cache_misses);
  evbuffer_add_printf(out, "%-24s %lu\n", "fetch calls:", r->fetch_calls);
  evbuffer_add_printf(out, "%-24s %lu\n", "fetch errors:", r->fetch_errors);
  evbuffer_add_printf(out, "%-24s %llu\n", "fetch time ms:", r->fetch_ms);
  const struct status_broker *b = &r->broker;
  evbuffer_add_printf(out, "%-24s %ld\n", "broker pid:", (long)b->pid);
  text_opt(out, "broker statements:", b->stats_available, b->statements);
  text_opt(out, "broker errors:", b->stats_available, b->errors);
  text_opt(out, "broker open tx:", b->stats_available, b->open_transactions);
  text_opt(out, "broker queue depth:", b->stats_available, b->queue_depth);
  text_opt(out, "broker cache hits:", b->stats_available, b->cache_hits);
  text_opt(out, "broker cache misses:", b->stats_available, b->cache_misses);
  if (r->cluster) status_render_cluster_text(r->cluster, out);
  if (r->full) {
    render_text_full(r, out);
    return 0;
  }
  evbuffer_add_printf(out, "\n%-8s %-9s %4s %9s %-20s %10s %8s %-7s %s\n", "pid", "state", "gen", "requests",
                      "started", "rss_kb", "dur_ms", "method", "path");
  for (int i = 0; i < r->nworkers; i++) {
    const struct status_worker *w = &r->workers[i];
    char started[32];
    iso_time(w->started_unix_ms, started, sizeof started);
    evbuffer_add_printf(out, "%-8ld %-9s %4u %9lu %-20s %10lld %8lld %-7s %s\n", (long)w->pid, w->state,
                        w->generation, w->requests, started, w->rss_bytes >= 0 ? w->rss_bytes / 1024 : -1,
                        w->request_duration_ms, *w->request_method ? w->request_method : "-",
                        *w->request_path ? w->request_path : "-");
  }
  return 0;
}

/* ---- Prometheus text exposition format 0.0.4 ------------------------ */

static void prom_head(struct evbuffer *out, const char *name, const char *type, const char *help) {
  evbuffer_add_printf(out, "# HELP jsfpm_%s %s\n# TYPE jsfpm_%s %s\n", name, help, name, type);
}

static void prom_one(struct evbuffer *out, const char *name, const char *type, const char *help,
                     long long v) {
  prom_head(out, name, type, help);
  evbuffer_add_printf(out, "jsfpm_%s %lld\n", name, v);
}

/* Per-worker series are labelled by the worker's position (slot), not its
 * pid, so a recycled or reloaded worker continues its slot's series instead
 * of starting new ones.  For the moment two processes share a position (a
 * replacement starting, an old generation finishing), the series follow the
 * one that serves: not retiring, then not starting, then the newer
 * generation, then the newer process. */
static int prom_rank(const struct status_worker *w) {
  return strcmp(w->state, "retiring") == 0 ? 0 : strcmp(w->state, "starting") == 0 ? 1 : 2;
}

/* >0 when A serves rather than B, <0 the other way, 0 when they tie. */
static int prom_compare(const struct status_worker *a, const struct status_worker *b) {
  if (prom_rank(a) != prom_rank(b)) return prom_rank(a) - prom_rank(b);
  if (a->generation != b->generation) return a->generation > b->generation ? 1 : -1;
  if (a->started_unix_ms != b->started_unix_ms) return a->started_unix_ms > b->started_unix_ms ? 1 : -1;
  return 0;
}

/* True when row I is the one its position's series follow. */
static bool prom_slot_owner(const struct status_report *r, int i) {
  for (int j = 0; j < r->nworkers; j++) {
    if (j == i || r->workers[j].index != r->workers[i].index) continue;
    int c = prom_compare(&r->workers[j], &r->workers[i]);
    if (c > 0 || (c == 0 && j > i)) return false;
  }
  return true;
}

/* Left out entirely when cluster mode is off; what the node did not
 * answer is left out rather than reported as 0. */
static void render_prometheus_cluster(const struct status_cluster *c, struct evbuffer *out) {
  prom_one(out, "cluster_node_id", "gauge", "This host's cluster node id.", c->node_id);
  prom_one(out, "cluster_node_up", "gauge", "1 when the cluster node process runs.", c->node_pid != 0);
  prom_one(out, "cluster_node_restarts_total", "counter", "Times the master started the cluster node again.",
           (long long)c->node_restarts);
  if (c->node_started_unix_ms)
    prom_one(out, "cluster_node_start_time_seconds", "gauge",
             "Last start of the cluster node process since the Unix epoch.", c->node_started_unix_ms / 1000);
  prom_one(out, "cluster_node_answered", "gauge", "1 when the cluster node answered the status page.",
           c->answered);
  if (!c->answered) return;
  prom_one(out, "cluster_leader_id", "gauge", "Node id of the leader as this node knows it (0: none known).",
           (long long)c->leader_id);
  prom_one(out, "cluster_is_leader", "gauge", "1 when this node leads the cluster.",
           c->leader_id != 0 && c->leader_id == (unsigned long long)c->node_id);
  static const char *const roles[] = {"voter", "standby", "spare"};
  const char *own = cluster_own_role(c);
  prom_head(out, "cluster_node_role", "gauge",
            "1 for this node's role in the cluster (all 0: not a member yet).");
  for (size_t i = 0; i < 3; i++)
    evbuffer_add_printf(out, "jsfpm_cluster_node_role{role=\"%s\"} %d\n", roles[i],
                        own != NULL && strcmp(own, roles[i]) == 0);
  prom_head(out, "cluster_members", "gauge", "Cluster members by role, as this node knows them.");
  for (size_t i = 0; i < 3; i++)
    evbuffer_add_printf(out, "jsfpm_cluster_members{role=\"%s\"} %zu\n", roles[i],
                        cluster_count_role(c, roles[i]));
}

static int render_prometheus(const struct status_report *r, struct evbuffer *out) {
  prom_one(out, "start_time_seconds", "gauge", "Start time of the master since the Unix epoch.",
           r->start_unix_ms / 1000);
  prom_one(out, "uptime_seconds", "gauge", "Seconds since the master started.",
           (r->now_unix_ms - r->start_unix_ms) / 1000);
  prom_one(out, "generation", "gauge", "Reload generation now serving.", r->generation);
  prom_one(out, "accepted_requests_total", "counter", "Requests completed by all workers.",
           (long long)r->accepted);
  prom_head(out, "requests_total", "counter", "Requests completed, by response status class.");
  for (int i = 0; i < 5; i++)
    evbuffer_add_printf(out, "jsfpm_requests_total{class=\"%s\"} %lu\n", class_names[i], r->by_class[i]);
  prom_one(out, "slow_requests_total", "counter", "Requests that took at least slowlog_timeout.",
           (long long)r->slow_requests);
  /* An unavailable listen queue is left out rather than reported as 0. */
  if (r->listen_queue >= 0)
    prom_one(out, "listen_queue", "gauge", "Connections waiting in the FastCGI accept queue.",
             r->listen_queue);
  if (r->listen_queue_max >= 0)
    prom_one(out, "listen_queue_max", "gauge", "Backlog of the FastCGI listening socket.",
             r->listen_queue_max);
  prom_one(out, "max_listen_queue", "gauge",
           "Most connections seen waiting in the FastCGI accept queue since start.", r->max_listen_queue);
  prom_one(out, "idle_workers", "gauge", "Workers waiting for a request.", r->idle);
  prom_one(out, "active_workers", "gauge", "Workers running a request.", r->active);
  prom_one(out, "total_workers", "gauge", "Worker processes.", r->total);
  prom_one(out, "max_active_workers", "gauge", "Most workers busy at once since start.", r->max_active);
  prom_one(out, "max_children_reached_total", "counter", "Requests that started while every worker was busy.",
           (long long)r->max_children_reached);
  prom_one(out, "recycled_workers_total", "counter",
           "Workers replaced because of max_requests, max_age or max_rss.", (long long)r->recycled);
  prom_one(out, "terminated_workers_total", "counter", "Workers killed by request_terminate_timeout.",
           (long long)r->terminated);
  prom_one(out, "crashed_children_total", "counter", "Children that died unexpectedly.",
           (long long)r->crashes);
  prom_one(out, "compile_cache_hits", "gauge",
           "Modules the live workers took from the compile cache (summed).",
           (long long)r->compile_cache_hits);
  prom_one(out, "compile_cache_misses", "gauge", "Modules the live workers compiled on demand (summed).",
           (long long)r->compile_cache_misses);
  prom_one(out, "fetch_calls_total", "counter", "Outgoing fetch() calls.", (long long)r->fetch_calls);
  prom_one(out, "fetch_errors_total", "counter", "Outgoing fetch() calls without an HTTP response.",
           (long long)r->fetch_errors);
  prom_head(out, "fetch_seconds_total", "counter", "Time spent in outgoing fetch() calls.");
  evbuffer_add_printf(out, "jsfpm_fetch_seconds_total %.3f\n", (double)r->fetch_ms / 1000.0);
  const struct status_broker *b = &r->broker;
  prom_one(out, "broker_up", "gauge", "1 when the broker process runs.", b->pid != 0);
  if (b->stats_available) {
    prom_one(out, "broker_statements_total", "counter", "Statements the broker executed.", b->statements);
    prom_one(out, "broker_errors_total", "counter", "Statements that failed.", b->errors);
    prom_one(out, "broker_open_transactions", "gauge", "Explicit transactions open now.",
             b->open_transactions);
    prom_one(out, "broker_queue_depth", "gauge", "Requests waiting in the broker.", b->queue_depth);
    prom_one(out, "broker_statement_cache_hits_total", "counter", "Prepared-statement cache hits.",
             b->cache_hits);
    prom_one(out, "broker_statement_cache_misses_total", "counter", "Prepared-statement cache misses.",
             b->cache_misses);
  }
  if (r->cluster) render_prometheus_cluster(r->cluster, out);
  static const struct {
    const char *name, *type, *help;
  } per_worker[] = {
      {"worker_requests_total", "counter",
       "Requests completed by the worker in this slot (resets when it is replaced)."},
      {"worker_busy", "gauge", "1 while the worker runs a request."},
      {"worker_rss_bytes", "gauge", "Resident memory of the worker."},
      {"worker_request_duration_seconds", "gauge",
       "Current request's duration so far when busy, else the last request's."},
      {"worker_start_time_seconds", "gauge", "Start time of the worker since the Unix epoch."},
      {"worker_heap_bytes", "gauge", "JavaScript heap of the worker after its last request."},
      {"worker_pid", "gauge", "Process id of the worker in this slot."},
      {"worker_generation", "gauge", "Reload generation of the worker in this slot."},
  };
  for (size_t k = 0; k < sizeof per_worker / sizeof per_worker[0]; k++) {
    prom_head(out, per_worker[k].name, per_worker[k].type, per_worker[k].help);
    for (int i = 0; i < r->nworkers; i++) {
      const struct status_worker *w = &r->workers[i];
      if (!prom_slot_owner(r, i) || (k == 2 && w->rss_bytes < 0)) continue;
      evbuffer_add_printf(out, "jsfpm_%s{slot=\"%d\"} ", per_worker[k].name, w->index);
      switch (k) {
      case 0: evbuffer_add_printf(out, "%lu\n", w->requests); break;
      case 1: evbuffer_add_printf(out, "%d\n", strcmp(w->state, "busy") == 0); break;
      case 2: evbuffer_add_printf(out, "%lld\n", w->rss_bytes); break;
      case 3: evbuffer_add_printf(out, "%.3f\n", (double)w->request_duration_ms / 1000.0); break;
      case 4: evbuffer_add_printf(out, "%lld\n", w->started_unix_ms / 1000); break;
      case 5: evbuffer_add_printf(out, "%lld\n", w->heap_bytes); break;
      case 6: evbuffer_add_printf(out, "%ld\n", (long)w->pid); break;
      default: evbuffer_add_printf(out, "%u\n", w->generation); break;
      }
    }
  }
  return 0;
}

int status_render(const struct status_report *r, enum status_format f, struct evbuffer *out) {
  switch (f) {
  case STATUS_JSON: return render_json(r, out);
  case STATUS_PROMETHEUS: return render_prometheus(r, out);
  case STATUS_TEXT: break;
  }
  return render_text(r, out);
}

/* ---- listen queue -------------------------------------------------- */

/* The accept queue of a unix listener is not in any getsockopt; the
 * sock_diag netlink interface reports it as UNIX_DIAG_RQLEN (rqueue =
 * connections waiting, wqueue = backlog), looked up by the socket's inode. */
static int unix_listen_queue(int fd, int *queued, int *backlog) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -1;
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (nl < 0) return -1;
  struct {
    struct nlmsghdr nlh;
    struct unix_diag_req req;
  } msg = {
      .nlh = {.nlmsg_len = sizeof msg, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST},
      .req = {.sdiag_family = AF_UNIX,
              .udiag_states = 1u << 10 /* TCP_LISTEN */,
              .udiag_ino = (unsigned)st.st_ino,
              .udiag_show = UDIAG_SHOW_RQLEN,
              .udiag_cookie = {INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE}},
  };
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  int rc = -1;
  if (sendto(nl, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) goto out;
  union {
    struct nlmsghdr h;
    char bytes[8192];
  } buf;
  struct timeval tv = {1, 0};
  setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ssize_t n = recv(nl, &buf, sizeof buf, 0);
  if (n < 0) goto out;
  for (struct nlmsghdr *h = &buf.h; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
    if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) break; /* NLMSG_ERROR or DONE */
    struct unix_diag_msg *udm = NLMSG_DATA(h);
    int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *udm));
    for (struct rtattr *a = (struct rtattr *)(udm + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type != UNIX_DIAG_RQLEN) continue;
      struct unix_diag_rqlen *q = RTA_DATA(a);
      *queued = (int)q->udiag_rqueue;
      *backlog = (int)q->udiag_wqueue;
      rc = 0;
    }
    break;
  }
out:
  close(nl);
  return rc;
}

int status_listen_queue(int fd, int *queued, int *backlog) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
  if (ss.ss_family == AF_UNIX) return unix_listen_queue(fd, queued, backlog);
  /* For a TCP listener the kernel reports the accept queue in tcpi_unacked
   * and the backlog in tcpi_sacked. */
  struct tcp_info ti;
  len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) return -1;
  *queued = (int)ti.tcpi_unacked;
  *backlog = (int)ti.tcpi_sacked;
  return 0;
}
