/* cluster_status.c: asking this host's cluster node about the cluster (see
 * cluster_status.h).
 *
 * The node is asked, not its peers: what the status page shows is this
 * host's view (during a partition, that it knows no leader is the news).
 * dqlite answers LEADER only on a voter; a stand-by or a spare says it
 * knows none.  Both requests are answered from the node's memory. */
#include "autoconfig.h"

#include "cluster_status.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "dqlite_client.h"

/* --cluster-status, from a shell: it may wait longer than the status page. */
#define CLUSTER_STATUS_CLI_TIMEOUT_MS 3000

static const char *role_name(enum dqlite_proto_role role) {
  switch (role) {
  case DQLITE_PROTO_VOTER: return "voter";
  case DQLITE_PROTO_STANDBY: return "standby";
  case DQLITE_PROTO_SPARE: return "spare";
  }
  return "unknown";
}

/* Milliseconds left until DEADLINE_MS, at least 1 (a call with 0 would
 * have no bound). */
static int left_ms(long long deadline_ms) {
  long long left = deadline_ms - clock_mono_ms();
  return left > 0 ? (int)left : 1;
}

void cluster_status_ask(struct status_cluster *c, int timeout_ms) {
  long long deadline_ms = clock_mono_ms() + timeout_ms;
  c->answered = false;
  c->leader_id = 0;
  c->leader_address[0] = '\0';
  c->members = NULL;
  c->nmembers = 0;
  struct dqlite_client *client = dqlite_client_connect(c->address, timeout_ms, c->error, sizeof c->error);
  if (client == NULL) return;
  uint64_t id = 0;
  struct dqlite_client_member *members = NULL;
  size_t count = 0;
  dqlite_client_set_timeout(client, left_ms(deadline_ms));
  int rc = dqlite_client_leader(client, &id, c->leader_address, sizeof c->leader_address);
  if (rc == DQLITE_CLIENT_OK) {
    dqlite_client_set_timeout(client, left_ms(deadline_ms));
    rc = dqlite_client_cluster(client, &members, &count);
  }
  if (rc != DQLITE_CLIENT_OK) {
    snprintf(c->error, sizeof c->error, "%s", dqlite_client_errmsg(client));
    c->leader_address[0] = '\0';
    dqlite_client_close(client);
    return;
  }
  dqlite_client_close(client);
  c->members = count ? calloc(count, sizeof *c->members) : NULL;
  if (count && c->members == NULL) {
    snprintf(c->error, sizeof c->error, "out of memory");
    free(members);
    return;
  }
  for (size_t i = 0; i < count; i++) {
    c->members[i].id = members[i].id;
    snprintf(c->members[i].address, sizeof c->members[i].address, "%s", members[i].address);
    c->members[i].role = role_name(members[i].role);
  }
  free(members);
  c->nmembers = count;
  c->leader_id = id;
  c->answered = true;
}

void cluster_status_free(struct status_cluster *c) {
  free(c->members);
  c->members = NULL;
  c->nmembers = 0;
}

int cluster_status_main(const struct jsfpm_config *cfg) {
  if (cfg->cluster_address == NULL) {
    fprintf(stderr, "jsfpm: %s: cluster mode is off ([cluster] address is not set)\n", cfg->file);
    return 1;
  }
  struct status_cluster c = {.node_id = cfg->cluster_node_id, .address = cfg->cluster_address};
  cluster_status_ask(&c, CLUSTER_STATUS_CLI_TIMEOUT_MS);
  struct evbuffer *out = evbuffer_new();
  if (out == NULL) {
    fprintf(stderr, "jsfpm: out of memory\n");
    cluster_status_free(&c);
    return 1;
  }
  status_render_cluster_text(&c, out);
  size_t len = evbuffer_get_length(out);
  const char *text = (const char *)evbuffer_pullup(out, -1);
  int rc = text && fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
  if (rc != 0) fprintf(stderr, "jsfpm: cannot write the cluster status\n");
  if (!c.answered)
    fprintf(stderr, "jsfpm: the cluster node at %s did not answer: is jsfpm running?\n", c.address);
  evbuffer_free(out);
  cluster_status_free(&c);
  return rc == 0 && c.answered && c.leader_id != 0 ? 0 : 1;
}
