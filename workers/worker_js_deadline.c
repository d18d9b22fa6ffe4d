/* worker_js_deadline.c: the deadline timer behind the time limit.
 * Duktape's own check runs between bytecodes; time spent inside one native
 * call is caught by this timer (lazy_timer.h), whose signal handler forces
 * the check and, past JS_OVERRUN_GRACE_MS, calls the overrun handler. */
#include "autoconfig.h"

#include "worker_js_internal.h"

#define DEADLINE_REPEAT_MS 5

/*
 * The deadline timer, shared with its signal handler (one runtime per
 * process uses it at a time).  It is armed lazily (lazy_timer.h): a
 * request's deadline is later than any earlier request's.  It fires about
 * once per request_timeout.
 */
static struct lazy_timer deadline_timer;
static const struct js_runtime *deadline_timer_owner; /* the runtime that created it */
/* The heap the timer interrupts and the deadline in force; NULL and 0
 * between requests. */
static duk_context *volatile deadline_heap;
static _Atomic long long deadline_at_ms;
static js_overrun_fn deadline_overrun; /* set once at start, before any request */
/* slowlog_timeout: the moment the request in progress crosses it (0 = no
 * stack to take), for the timer's handler; and the handler that gets the
 * stack (js_set_slow_handler).  The timer is never armed further ahead than
 * slow_period_ms, so a timer still pending is never later than the next
 * request's moment (lazy_timer.h). */
static _Atomic long long slow_at_ms;
static long long slow_period_ms;
static js_slow_fn slow_handler;
#define SLOW_REPEAT_MS 50 /* until the interrupt check took the stack (a native call may hold it up) */
#if ATOMIC_LLONG_LOCK_FREE != 2
#error "the signal handler needs a lock-free long long"
#endif

/* SIGALRM from the deadline timer.  Past the deadline: force the interrupt
 * check, which sees it, and fire again in DEADLINE_REPEAT_MS in case the
 * store raced the executor's own counter update; JS_OVERRUN_GRACE_MS past
 * it, the request is stuck in a native call: the overrun handler ends the
 * process.  Before it (the timer was armed for an earlier request): re-arm
 * for the deadline.  Between requests: let the timer lapse.
 * Async-signal-safe: clock_gettime and timer_settime are, the rest is loads
 * and stores (and the overrun handler, which must be). */
static void on_deadline_signal(int sig) {
  (void)sig;
  int saved_errno = errno;
  duk_context *ctx = deadline_heap;
  long long deadline = atomic_load_explicit(&deadline_at_ms, memory_order_relaxed);
  if (ctx == NULL || deadline == 0) {
    lazy_timer_lapse(&deadline_timer);
  } else {
    long long now = clock_coarse_ms();
    long long left = deadline - now;
    if (left <= -JS_OVERRUN_GRACE_MS && deadline_overrun != NULL) deadline_overrun();
    if (left <= 0) {
      jsfpm_duk_force_interrupt(ctx);
      left = DEADLINE_REPEAT_MS;
    }
    long long slow = atomic_load_explicit(&slow_at_ms, memory_order_relaxed);
    if (slow != 0 && slow <= now) {
      jsfpm_duk_force_interrupt(ctx); /* the check takes the stack */
      if (left > SLOW_REPEAT_MS) left = SLOW_REPEAT_MS;
    } else if (slow != 0 && slow - now < left) {
      left = slow - now;
    }
    if (slow_period_ms > 0 && left > slow_period_ms) left = slow_period_ms;
    lazy_timer_again(&deadline_timer, left); /* should it fail, the counter check still runs */
  }
  errno = saved_errno;
}

void js_set_overrun_handler(js_overrun_fn fn) { deadline_overrun = fn; }

void js_set_slow_handler(js_slow_fn fn, long long slowlog_timeout_ms) {
  slow_handler = fn;
  slow_period_ms = fn ? slowlog_timeout_ms : 0;
}

long long jsrt_slow_period_ms(void) { return slow_period_ms; }

int jsrt_deadline_timer_init(struct js_runtime *rt) {
  if (deadline_timer_owner != NULL) { /* a second live runtime: the counter check only */
    errno = EBUSY;
    return -1;
  }
  if (lazy_timer_init(&deadline_timer, SIGALRM, on_deadline_signal) < 0) return -1;
  deadline_timer_owner = rt;
  rt->have_timer = true;
  return 0;
}

/* Starts the time limit: the counter-based check, and the timer that
 * backs it up for time spent inside natives.  The deadline is published
 * before the timer is armed, so a signal in between re-arms for it. */
void jsrt_deadline_arm(struct js_runtime *rt, long long deadline_ms, long long slow_ms) {
  rt->deadline_ms = deadline_ms;
  rt->slow_at_ms = slow_ms;
  atomic_store_explicit(&deadline_at_ms, deadline_ms, memory_order_relaxed);
  atomic_store_explicit(&slow_at_ms, slow_ms, memory_order_relaxed);
  deadline_heap = rt->ctx;
  atomic_signal_fence(memory_order_seq_cst);
  long long at = slow_ms != 0 && slow_ms < deadline_ms ? slow_ms : deadline_ms;
  if (rt->have_timer) lazy_timer_arm(&deadline_timer, at - clock_coarse_ms(), "the deadline timer");
}

/* Ends the time limit.  The timer stays armed (see deadline_timer). */
void jsrt_deadline_disarm(struct js_runtime *rt) {
  deadline_heap = NULL;
  atomic_store_explicit(&deadline_at_ms, 0, memory_order_relaxed);
  atomic_store_explicit(&slow_at_ms, 0, memory_order_relaxed);
  rt->deadline_ms = 0;
  rt->slow_at_ms = 0;
}

/* ---- the slow log's stack ------------------------------------------------ */

static duk_ret_t push_stack_trace(duk_context *ctx, void *udata) {
  (void)udata;
  duk_push_error_object(ctx, DUK_ERR_ERROR, "slowlog_timeout");
  duk_get_prop_literal(ctx, -1, "stack");
  return 1;
}

/* The request crossed slowlog_timeout: called from Duktape's interrupt
 * check, between two bytecode instructions of the thread now running, so
 * the stack is the request's own at this moment (Duktape's debugger reads
 * it at the same point).  An error object made there carries it; places
 * in lowered modules are mapped back to the original source. */
void jsrt_take_slow_stack(struct js_runtime *rt, long long now_ms) {
  rt->slow_at_ms = 0;
  atomic_store_explicit(&slow_at_ms, 0, memory_order_relaxed);
  if (slow_handler == NULL) return;
  duk_context *thr = jsfpm_duk_current_thread(rt->ctx);
  char stack[JS_SLOW_STACK_MAX] = "";
  if (thr != NULL) {
    if (duk_safe_call(thr, push_stack_trace, NULL, 0, 1) == DUK_EXEC_SUCCESS && duk_is_string(thr, -1)) {
      const char *text = duk_get_string(thr, -1);
      const char *frames = strchr(text, '\n'); /* after "Error: slowlog_timeout" */
      js_map_stack(rt->cache, frames ? frames + 1 : "", stack, sizeof stack);
    }
    duk_pop(thr);
  }
  slow_handler(stack[0] ? stack : "(unavailable)", now_ms - rt->request_start_ms);
}

/* Gives up the deadline timer, if RT owns it. */
void jsrt_deadline_timer_free(struct js_runtime *rt) {
  if (!rt->have_timer) return;
  lazy_timer_free(&deadline_timer);
  deadline_timer_owner = NULL;
}
