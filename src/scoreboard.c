/* scoreboard.c: the shared master/worker table (see scoreboard.h).
 *
 * Writers: a slot's fields are written by its worker between
 * slot_write_begin and slot_write_end, except `state` at claim/release and
 * `pid`, which only the master writes, while the slot has no running owner or
 * before the owner first writes, and `connections`, an atomic counter of
 * its own (scoreboard_connections).  Global counters use atomic read-modify-write
 * because every worker updates them.
 */
#include "autoconfig.h"

#include "scoreboard.h"

#include <assert.h>

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"

struct scoreboard *scoreboard_create(void) {
  void *p = mmap(NULL, sizeof(struct scoreboard), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  struct scoreboard *sb = p; /* anonymous mappings are zero-filled: every slot is SB_FREE */
  sb->global.start_unix_ms = clock_unix_ms();
  return sb;
}

void scoreboard_destroy(struct scoreboard *sb) {
  if (sb) munmap(sb, sizeof *sb);
}

void scoreboard_set_stopping(struct scoreboard *sb) {
  __atomic_store_n(&sb->global.stopping, 1, __ATOMIC_RELEASE);
}

bool scoreboard_stopping(const struct scoreboard *sb) {
  return __atomic_load_n(&sb->global.stopping, __ATOMIC_ACQUIRE) != 0;
}

static void slot_write_begin(struct sb_slot *s) {
  __atomic_add_fetch(&s->seq, 1, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_RELEASE);
}

static void slot_write_end(struct sb_slot *s) {
  __atomic_thread_fence(__ATOMIC_RELEASE);
  __atomic_add_fetch(&s->seq, 1, __ATOMIC_RELAXED);
}

int scoreboard_claim(struct scoreboard *sb, unsigned generation, int index) {
  for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
    struct sb_slot *s = &sb->slots[i];
    if (s->state != SB_FREE) continue;
    slot_write_begin(s);
    uint32_t seq = s->seq;
    memset(s, 0, sizeof *s);
    s->seq = seq;
    s->state = SB_STARTING;
    s->generation = generation;
    s->index = index;
    s->last_cpu_us = -1; /* no request timed yet */
    s->started_unix_ms = clock_unix_ms();
    s->started_mono_ms = clock_mono_ms();
    slot_write_end(s);
    return i;
  }
  return -1;
}

void scoreboard_release(struct scoreboard *sb, int slot) {
  if (slot < 0 || slot >= SCOREBOARD_SLOTS) return;
  struct sb_slot *s = &sb->slots[slot];
  /* A worker killed mid-request never ran request_end. */
  if (s->state == SB_BUSY) __atomic_sub_fetch(&sb->global.active, 1, __ATOMIC_RELAXED);
  slot_write_begin(s);
  s->state = SB_FREE;
  s->pid = 0;
  slot_write_end(s);
}

void scoreboard_read_slot(const struct scoreboard *sb, int slot, struct sb_slot *out) {
  assert(slot >= 0 && slot < SCOREBOARD_SLOTS);
  const struct sb_slot *s = &sb->slots[slot];
  for (int tries = 0;; tries++) {
    uint32_t before = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
    memcpy(out, (const void *)s, sizeof *out);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint32_t after = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
    /* A worker stopped (SIGSTOP) mid-write would keep seq odd forever:
     * after many tries take what is there rather than hang the master. */
    if ((before == after && (before & 1) == 0) || tries > 10000) break;
  }
  out->request_method[sizeof out->request_method - 1] = '\0';
  out->request_path[sizeof out->request_path - 1] = '\0';
  out->request_id[sizeof out->request_id - 1] = '\0';
  out->last_request_id[sizeof out->last_request_id - 1] = '\0';
}

void scoreboard_worker_ready(struct scoreboard *sb, int slot) {
  assert(slot >= 0 && slot < SCOREBOARD_SLOTS);
  struct sb_slot *s = &sb->slots[slot];
  slot_write_begin(s);
  s->state = SB_IDLE;
  slot_write_end(s);
}

static void atomic_max(int *target, int value) {
  int seen = __atomic_load_n(target, __ATOMIC_RELAXED);
  while (value > seen &&
         !__atomic_compare_exchange_n(target, &seen, value, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    ;
}

void scoreboard_request_begin(struct scoreboard *sb, int slot, const struct sb_request_info *req,
                              int pool_size) {
  assert(slot >= 0 && slot < SCOREBOARD_SLOTS);
  struct sb_slot *s = &sb->slots[slot];
  slot_write_begin(s);
  s->state = SB_BUSY;
  s->request_start_mono_ms = clock_mono_ms();
  snprintf(s->request_id, sizeof s->request_id, "%s", req->request_id ? req->request_id : "");
  snprintf(s->request_method, sizeof s->request_method, "%s", req->method ? req->method : "");
  snprintf(s->request_path, sizeof s->request_path, "%s", req->path ? req->path : "");
  snprintf(s->request_query, sizeof s->request_query, "%s", req->query ? req->query : "");
  s->request_content_length = req->content_length;
  slot_write_end(s);
  int active = __atomic_add_fetch(&sb->global.active, 1, __ATOMIC_RELAXED);
  atomic_max(&sb->global.max_active, active);
  if (active >= pool_size) __atomic_add_fetch(&sb->global.max_children_reached, 1, __ATOMIC_RELAXED);
}

void scoreboard_runtime_stats(struct scoreboard *sb, int slot, const struct sb_runtime_stats *st) {
  assert(slot >= 0 && slot < SCOREBOARD_SLOTS);
  struct sb_slot *s = &sb->slots[slot];
  slot_write_begin(s);
  s->compile_cache_hits = st->cache_hits;
  s->compile_cache_misses = st->cache_misses;
  s->heap_bytes = st->heap_bytes;
  s->last_memory_bytes = st->last_memory_bytes;
  s->last_cpu_us = st->last_cpu_us;
  slot_write_end(s);
}

/* One int only its owner writes: an atomic add, no sequence lock. */
void scoreboard_connections(struct scoreboard *sb, int slot, int delta) {
  assert(slot >= 0 && slot < SCOREBOARD_SLOTS);
  __atomic_add_fetch(&sb->slots[slot].connections, delta, __ATOMIC_RELAXED);
}

void scoreboard_want_request_cpu(struct scoreboard *sb) {
  __atomic_store_n(&sb->global.want_request_cpu, 1, __ATOMIC_RELAXED);
}

bool scoreboard_request_cpu_wanted(const struct scoreboard *sb) {
  return __atomic_load_n(&sb->global.want_request_cpu, __ATOMIC_RELAXED) != 0;
}

void scoreboard_note_listen_queue(struct scoreboard *sb, int queued) {
  if (queued > sb->global.max_listen_queue) sb->global.max_listen_queue = queued;
}

void scoreboard_fetch_add(struct scoreboard *sb, unsigned long calls, unsigned long errors,
                          unsigned long long ms) {
  if (calls == 0 && errors == 0) return;
  __atomic_add_fetch(&sb->global.fetch_calls, calls, __ATOMIC_RELAXED);
  __atomic_add_fetch(&sb->global.fetch_errors, errors, __ATOMIC_RELAXED);
  __atomic_add_fetch(&sb->global.fetch_ms, ms, __ATOMIC_RELAXED);
}

void scoreboard_request_end(struct scoreboard *sb, int slot, const char *request_id, int status,
                            long long duration_ms, bool slow) {
  assert(slot >= 0 && slot < SCOREBOARD_SLOTS);
  struct sb_slot *s = &sb->slots[slot];
  slot_write_begin(s);
  s->state = SB_IDLE;
  s->requests++;
  s->last_duration_ms = duration_ms;
  s->last_status = status;
  snprintf(s->last_request_id, sizeof s->last_request_id, "%s", request_id ? request_id : "");
  slot_write_end(s);
  __atomic_sub_fetch(&sb->global.active, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&sb->global.accepted, 1, __ATOMIC_RELAXED);
  int cls = status / 100 - 1;
  if (cls >= 0 && cls < SB_NCLASSES) __atomic_add_fetch(&sb->global.by_class[cls], 1, __ATOMIC_RELAXED);
  if (slow) __atomic_add_fetch(&sb->global.slow_requests, 1, __ATOMIC_RELAXED);
}
