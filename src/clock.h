/* clock.h: the clocks jsfpm reads, and time in milliseconds as the system
 * calls and libevent take it.
 *
 * Every time in the code is a count of milliseconds (or microseconds where
 * the name says _us) in a long long, read from one of these clocks:
 * - monotonic (CLOCK_MONOTONIC): deadlines, time-outs and durations; it
 *   never jumps when the wall clock is set;
 * - coarse (CLOCK_MONOTONIC_COARSE): the same clock at the resolution of a
 *   scheduler tick (1-4 ms), read without a system call in a few
 *   nanoseconds: for checks made very often (the JavaScript time limit);
 * - unix (CLOCK_REALTIME): wall-clock times shown to people (the status
 *   page, the scoreboard's start times).
 * All are inline and async-signal-safe (clock_gettime is), so signal
 * handlers read them too.  clock_gettime cannot fail for these clocks on
 * Linux given a valid pointer; should it ever, the time reads as 0.
 */
#ifndef JSFPM_CLOCK_H
#define JSFPM_CLOCK_H

#include <errno.h>
#include <sys/time.h>
#include <time.h>

static inline long long clock_read_us(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return 0;
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Monotonic time in milliseconds and in microseconds. */
static inline long long clock_mono_ms(void) { return clock_read_us(CLOCK_MONOTONIC) / 1000; }
static inline long long clock_mono_us(void) { return clock_read_us(CLOCK_MONOTONIC); }
/* Monotonic time in milliseconds, to a scheduler tick. */
static inline long long clock_coarse_ms(void) { return clock_read_us(CLOCK_MONOTONIC_COARSE) / 1000; }
/* Wall-clock time in milliseconds since the Unix epoch. */
static inline long long clock_unix_ms(void) { return clock_read_us(CLOCK_REALTIME) / 1000; }

/* MS (>= 0) as a struct timeval: libevent's timers, SO_RCVTIMEO. */
static inline struct timeval clock_timeval(long long ms) {
  return (struct timeval){.tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000 * 1000)};
}

/* MS (>= 0) as a struct timespec: nanosleep, sigtimedwait, timer_settime. */
static inline struct timespec clock_timespec(long long ms) {
  return (struct timespec){.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000 * 1000000)};
}

/* Sleeps MS milliseconds, on through signals.  Returns 0, or -1 with errno
 * set (never EINTR). */
static inline int clock_sleep_ms(long long ms) {
  struct timespec ts = clock_timespec(ms);
  while (nanosleep(&ts, &ts) != 0)
    if (errno != EINTR) return -1;
  return 0;
}

#endif
