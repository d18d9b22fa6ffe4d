/* duk_amalgamation.c: Debian's duktape.c (copied unmodified into the build
 * tree) plus the one jsfpm hook that needs Duktape's internal structures.
 * They form one translation unit, so the hook sees duk_hthread without a
 * copy of its definition that could drift from the shipped source. */
#include "duktape/duktape.c"

/* Makes the thread currently executing in CTX's heap run its interrupt
 * check (and so jsfpm_duk_exec_timeout) before its next bytecode
 * instruction; Duktape's debugger pauses the same way.  Called from the
 * deadline timer's signal handler: it only reads two pointers and stores one
 * int.  A store racing the executor's own decrement can be lost, so the
 * timer repeats until the request ends. */
void jsfpm_duk_force_interrupt(duk_context *ctx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hthread *current = thr->heap->curr_thread;
  if (current != NULL) current->interrupt_counter = 0;
}

/* Replaces the state of the heap's Math.random generator (xoroshiro128+)
 * with SEED.  Duktape seeds it from the time in milliseconds mixed with the
 * heap's address: workers forked together build their heaps in the same
 * millisecond at the same address, so they all drew the same "random"
 * numbers.  SEED comes from getrandom(); the generator only must not start
 * from all zeros, where it would stay. */
#if defined(DUK_USE_GET_RANDOM_DOUBLE) || defined(DUK_USE_PREFER_SIZE) || !defined(DUK_USE_64BIT_OPS)
#error "jsfpm_duk_seed_random expects Duktape's xoroshiro128+ generator"
#endif
void jsfpm_duk_seed_random(duk_context *ctx, const uint64_t seed[2]) {
  duk_heap *heap = ((duk_hthread *)ctx)->heap;
  heap->rnd_state[0] = seed[0];
  heap->rnd_state[1] = seed[0] == 0 && seed[1] == 0 ? 1 : seed[1];
}

/* Replaces the top COUNT values of CTX's stack with one array holding them,
 * sized once.  Duktape's own duk_pack, which 2.7 keeps internal: filling an
 * empty array with duk_put_prop_index reallocates it every few elements
 * (about 9 % of a /hello request's instructions went there). */
void jsfpm_duk_pack(duk_context *ctx, duk_idx_t count) {
  duk_pack((duk_hthread *)ctx, count);
}
