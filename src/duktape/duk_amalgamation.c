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

/* Replaces the top COUNT values of CTX's stack with one array holding them,
 * sized once.  Duktape's own duk_pack, which 2.7 keeps internal: filling an
 * empty array with duk_put_prop_index reallocates it every few elements
 * (about 9 % of a /hello request's instructions went there). */
void jsfpm_duk_pack(duk_context *ctx, duk_idx_t count) {
  duk_pack((duk_hthread *)ctx, count);
}
