/* master_reload.c: a reload (HUP).  A complete new generation starts with
 * the new configuration on the same listening sockets; when every new
 * worker is ready the old ones finish their requests (reload_commit); if a
 * new worker fails or the timeout passes, the new generation stops and the
 * old one serves on (reload_abort). */
#include "autoconfig.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "js_compile.h"
#include "log.h"
#include "master_internal.h"
#include "pm.h"
#include "privileges.h"
#include "sock.h"
#include "systemd.h"
#include "worker_js.h"

#define RELOAD_TIMEOUT_MS 60000 /* a new generation must be ready within this */

void reload_commit(struct master *m) {
  log_notice("reload: generation %u is ready; generation %u finishes its requests and exits", m->next_gen,
             m->gen);
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    struct proc *p = &m->procs[i];
    if (p->state != PROC_FREE && p->generation != m->next_gen) children_retire(m, p, SIGQUIT);
  }
  for (int i = 0; i < MAX_POSITIONS; i++) {
    event_del(m->positions[i].respawn_ev);
    m->positions[i].backoff_ms = 0;
  }
  struct jsfpm_config *old = m->cfg;
  bool log_changed = (old->error_log == NULL) != (m->next_cfg->error_log == NULL) ||
                     (old->error_log && strcmp(old->error_log, m->next_cfg->error_log) != 0) ||
                     old->log_level != m->next_cfg->log_level;
  /* Old workers keep their own copies of the old sockets until they exit:
   * the master's copies can go now.  Sockets that did not change are shared. */
  if (m->next_lis.fcgi_fd != m->lis.fcgi_fd)
    master_listeners_close(&(struct listeners){m->lis.fcgi_fd, -1, m->lis.fcgi_unix_owned}, old);
  if (m->next_lis.http_fd != m->lis.http_fd && m->lis.http_fd >= 0) close(m->lis.http_fd);
  m->lis = m->next_lis;
  m->next_lis = (struct listeners){-1, -1, false};
  m->cfg = m->next_cfg;
  m->next_cfg = NULL;
  js_cache_free(m->js_cache); /* the old workers have their own copies */
  m->js_cache = m->next_js_cache;
  m->next_js_cache = NULL;
  m->gen = m->next_gen;
  m->next_gen = 0;
  m->phase = MASTER_SERVING;
  config_free(old);
  free(old);
  if (log_changed) {
    if (log_open(m->cfg->error_log, (enum log_level)m->cfg->log_level) < 0)
      log_error("reload: logging on to the previous log");
    else
      privileges_give(&m->priv, m->cfg->error_log);
  }
  log_notice("reload complete: generation %u serving with %d workers (pm = %s)", m->gen,
             pm_initial_workers(m->cfg), config_pm_name(m->cfg));
  children_notify_ready(m);
  pm_manage(m);
}

void reload_abort(struct master *m, const char *why) {
  log_error("reload failed: %s; generation %u keeps serving with the previous configuration", why, m->gen);
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    struct proc *p = &m->procs[i];
    if (p->state != PROC_FREE && p->generation == m->next_gen) children_retire(m, p, SIGTERM);
  }
  struct listeners l = m->next_lis;
  if (l.fcgi_fd == m->lis.fcgi_fd) l.fcgi_fd = -1;
  if (l.http_fd == m->lis.http_fd) l.http_fd = -1;
  master_listeners_close(&l, m->next_cfg);
  m->next_lis = (struct listeners){-1, -1, false};
  config_free(m->next_cfg);
  free(m->next_cfg);
  m->next_cfg = NULL;
  js_cache_free(m->next_js_cache);
  m->next_js_cache = NULL;
  m->next_gen = 0;
  m->phase = MASTER_SERVING;
  m->restart_broker_after_reload = false;
  children_notify_ready(m);
  pm_manage(m);
}

static bool str_differs(const char *a, const char *b) {
  return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static char *copy_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* [cluster] is restart-only as a whole: a node that changed its id, its
 * address or its data is another node (ids and addresses are never
 * reused), and turning cluster mode on or off moves the app's data.  The
 * node process keeps running untouched; the new values wait for a
 * restart.  Returns 0, or -1 when out of memory. */
static int keep_cluster(const struct jsfpm_config *old, struct jsfpm_config *fresh) {
  if (config_section_equal(old, fresh, "cluster")) return 0;
  log_warn("reload: [cluster] changed; it takes effect only after a restart (the cluster node runs on "
           "with the previous settings)");
  free(fresh->cluster_address);
  free(fresh->cluster_peers);
  free(fresh->cluster_data_dir);
  fresh->cluster_address = copy_or_null(old->cluster_address);
  fresh->cluster_peers = copy_or_null(old->cluster_peers);
  fresh->cluster_data_dir = copy_or_null(old->cluster_data_dir);
  fresh->cluster_node_id = old->cluster_node_id;
  fresh->cluster_network_latency_ms = old->cluster_network_latency_ms;
  bool copied = (fresh->cluster_address != NULL) == (old->cluster_address != NULL) &&
                (fresh->cluster_peers != NULL) == (old->cluster_peers != NULL) &&
                (fresh->cluster_data_dir != NULL) == (old->cluster_data_dir != NULL);
  return copied ? 0 : log_oom("keeping the [cluster] settings");
}

/* Settings the running master cannot apply: warn and keep the old value.
 * Returns 0, or -1 when out of memory. */
static int keep_restart_only(const struct jsfpm_config *old, struct jsfpm_config *fresh) {
  static const struct {
    const char *name;
    size_t offset;
  } keys[] = {
      {"user", offsetof(struct jsfpm_config, user)},
      {"group", offsetof(struct jsfpm_config, group)},
      {"runtime_dir", offsetof(struct jsfpm_config, runtime_dir)},
      {"pid_file", offsetof(struct jsfpm_config, pid_file)},
      {"status_listen", offsetof(struct jsfpm_config, status_listen)},
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char **o = (char **)((char *)old + keys[i].offset);
    char **n = (char **)((char *)fresh + keys[i].offset);
    if (!str_differs(*o, *n)) continue;
    log_warn("reload: [server] %s changed; it takes effect only after a restart", keys[i].name);
    free(*n);
    *n = copy_or_null(*o);
  }
  if (old->allow_root != fresh->allow_root) {
    log_warn("reload: [server] allow_root changed; it takes effect only after a restart");
    fresh->allow_root = old->allow_root;
  }
  return keep_cluster(old, fresh);
}

/* request_terminate_timeout is the last resort behind request_timeout:
 * at or below it (plus the workers' own grace for a stuck native call),
 * the master would kill workers whose requests the time limit answers 504. */
void reload_warn_timeouts(const struct jsfpm_config *cfg) {
  int terminate = cfg->request_terminate_timeout_ms, limit = cfg->request_timeout_ms;
  if (terminate > 0 && terminate <= limit + JS_OVERRUN_GRACE_MS)
    log_warn("[server] request_terminate_timeout (%d ms) is not above [app] request_timeout (%d ms) + "
             "%d ms: the master will kill workers whose requests would have been answered 504; raise it",
             terminate, limit, JS_OVERRUN_GRACE_MS);
}

/* HUP: read and check the configuration, then start a new generation. */
/* preload = yes: compiles the app in the master.  With dev = yes an app
 * that does not compile is no reason to stop: the workers get a cache that
 * holds only the error and answer with the error page (worker_js.h). */
int reload_preload_app(const struct jsfpm_config *cfg, struct js_cache **cache, char *err, size_t errlen) {
  *cache = NULL;
  if (!cfg->preload || (*cache = js_cache_build(cfg, err, errlen)) != NULL) return 0;
  if (!cfg->dev) return -1;
  log_error("cannot load the app: %s; the workers answer with the error page (dev = yes)", err);
  *cache = js_cache_failed(err);
  return 0;
}

void reload_begin(struct master *m) {
  switch (m->phase) {
  case MASTER_SERVING: break;
  case MASTER_RELOADING:
    log_warn("reload requested while generation %u is still starting: ignored", m->next_gen);
    return;
  case MASTER_STARTING: log_warn("reload requested before the first generation is ready: ignored"); return;
  case MASTER_STOPPING: log_warn("reload requested while stopping: ignored"); return;
  }
  log_notice("reload requested: reading %s", m->cfg->file);
  struct jsfpm_config *fresh = calloc(1, sizeof *fresh);
  char err[1024];
  if (fresh == NULL || config_load(fresh, m->cfg->file, err, sizeof err) < 0) {
    if (fresh == NULL) snprintf(err, sizeof err, "out of memory");
    log_error("reload failed: %s; generation %u keeps serving with the previous configuration", err, m->gen);
    if (fresh) config_free(fresh);
    free(fresh);
    return;
  }
  for (size_t i = 0; i < fresh->nwarnings; i++) log_warn("reload: %s", fresh->warnings[i]);
  if (keep_restart_only(m->cfg, fresh) < 0) {
    log_error("reload failed: out of memory; generation %u keeps serving", m->gen);
    config_free(fresh);
    free(fresh);
    return;
  }
  reload_warn_timeouts(fresh);
  /* preload = yes: compile the new app here, once; a syntax error fails
   * the reload before anything is forked. */
  struct js_cache *cache = NULL;
  if (reload_preload_app(fresh, &cache, err, sizeof err) < 0) {
    log_error("reload failed: %s; generation %u keeps serving with the previous app", err, m->gen);
    config_free(fresh);
    free(fresh);
    return;
  }
  m->restart_broker_after_reload = !config_section_equal(m->cfg, fresh, "database");

  /* Same addresses: the same sockets.  Changed ones are bound now, while
   * the old ones keep serving. */
  struct listeners next = m->lis;
  bool fcgi_changed =
      str_differs(m->cfg->listen, fresh->listen) || m->cfg->listen_backlog != fresh->listen_backlog;
  if (m->socket_activated && fcgi_changed) {
    log_warn("reload: [server] listen is ignored: the FastCGI socket comes from systemd");
    fcgi_changed = false;
  }
  if (fcgi_changed) {
    char e[512];
    next.fcgi_fd = sock_listen(fresh->listen, fresh->listen_backlog, fresh->listen_mode, fresh->listen_owner,
                               fresh->listen_group, e, sizeof e);
    next.fcgi_unix_owned = sock_spec_is_unix(fresh->listen);
    if (next.fcgi_fd < 0) {
      log_error("reload failed: listen: %s; generation %u keeps serving", e, m->gen);
      js_cache_free(cache);
      config_free(fresh);
      free(fresh);
      return;
    }
  }
  if (str_differs(m->cfg->http_listen, fresh->http_listen)) {
    next.http_fd = -1;
    if (fresh->http_listen) {
      char e[512];
      next.http_fd = sock_listen(fresh->http_listen, fresh->listen_backlog, 0600, NULL, NULL, e, sizeof e);
      if (next.http_fd < 0) {
        log_error("reload failed: http_listen: %s; generation %u keeps serving", e, m->gen);
        if (fcgi_changed)
          master_listeners_close(&(struct listeners){next.fcgi_fd, -1, next.fcgi_unix_owned}, fresh);
        js_cache_free(cache);
        config_free(fresh);
        free(fresh);
        return;
      }
    }
  }
  master_prepare_worker_logs(m, fresh);
  m->next_lis = next;
  m->next_cfg = fresh;
  m->next_js_cache = cache;
  m->next_gen = ++m->last_gen;
  pm_watch_stop(m); /* the serving generation's doors may close at the commit */
  m->phase = MASTER_RELOADING;
  m->reload_deadline_ms = clock_mono_ms() + RELOAD_TIMEOUT_MS;
  systemd_notifyf("RELOADING=1\nMONOTONIC_USEC=%lld\nSTATUS=reloading: starting generation %u",
                  clock_mono_ms() * 1000, m->next_gen);
  int initial = pm_initial_workers(fresh);
  log_notice("reload: starting generation %u (%d workers, pm = %s)", m->next_gen, initial,
             config_pm_name(fresh));
  for (int i = 0; i < initial; i++) {
    if (children_spawn_worker(m, fresh, m->next_gen, i, &m->next_lis, m->next_js_cache) == NULL) {
      reload_abort(m, "cannot start a new worker");
      return;
    }
  }
  if (initial == 0) reload_commit(m); /* pm = ondemand: no worker to wait for */
}
