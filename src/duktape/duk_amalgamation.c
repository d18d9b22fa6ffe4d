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

/* The thread executing in CTX's heap now (CTX itself, or the thread of a
 * request's own global environment), or NULL when none runs. */
duk_context *jsfpm_duk_current_thread(duk_context *ctx) {
  return (duk_context *)((duk_hthread *)ctx)->heap->curr_thread;
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

/* Pushes an empty plain object with room for N properties, allocated once
 * (what Duktape does for an object literal) instead of regrown every few
 * properties while a row is filled in. */
void jsfpm_duk_push_object_sized(duk_context *ctx, duk_uint_t n) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_push_object(thr);
  duk_hobject_resize_entrypart(thr, duk_known_hobject(thr, -1), (duk_uint32_t)n);
}

/* Defines own property KEY (the string at KEY_IDX) of the extensible plain
 * object at OBJ_IDX as the value on top of the stack, which is popped:
 * writable, enumerable, configurable, as JSON.parse defines them.  Unlike
 * duk_put_prop it consults no prototype (no inherited setter runs), and a
 * key defined twice keeps the last value. */
void jsfpm_duk_def_own(duk_context *ctx, duk_idx_t obj_idx, duk_idx_t key_idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *obj = duk_require_hobject(thr, obj_idx);
  duk_hstring *key = duk_require_hstring(thr, key_idx);
  duk_hobject_define_property_internal(thr, obj, key, DUK_PROPDESC_FLAGS_WEC);
}

/* jsfpm_duk_def_own for a KEY the object does not have yet (the caller
 * knows: a fresh object, distinct keys), without looking for it first.
 * The value moves from the stack into the object without refcount work. */
void jsfpm_duk_def_new_own(duk_context *ctx, duk_idx_t obj_idx, duk_idx_t key_idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *obj = duk_require_hobject(thr, obj_idx);
  duk_hstring *key = duk_require_hstring(thr, key_idx);
  duk_int_t e_idx = duk__hobject_alloc_entry_checked(thr, obj, key);
  DUK_HOBJECT_E_SET_FLAGS(thr->heap, obj, e_idx, DUK_PROPDESC_FLAGS_WEC);
  duk_tval *top = thr->valstack_top - 1;
  DUK_TVAL_SET_TVAL(DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, obj, e_idx), top);
  DUK_TVAL_SET_UNDEFINED(top);
  thr->valstack_top--;
}

/* Pushes an array of length N whose elements (holes until set) are
 * allocated once. */
void jsfpm_duk_push_array_sized(duk_context *ctx, duk_uint_t n) {
  duk_push_harray_with_size((duk_hthread *)ctx, (duk_uint32_t)n);
}
