/* worker_handoff.c: the hand-off queue; see worker_handoff.h. */
#include "autoconfig.h"

#include "worker_handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "lazy_timer.h"
#include "log.h"

int handoff_queue_open(int fds[2]) {
  return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds);
}

/* FIONREAD on a SOCK_SEQPACKET socket counts the bytes of every message
 * queued, and each message is one byte (handoff_send). */
int handoff_queue_length(int queue_fd) {
  int bytes;
  return ioctl(queue_fd, FIONREAD, &bytes) < 0 ? -1 : bytes;
}

/* Room for one descriptor, aligned as the kernel wants it. */
union handoff_cmsg {
  char buf[CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

int handoff_send(int queue_fd, int conn_fd) {
  char byte = 'C'; /* a message needs a byte of data to carry its descriptor */
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union handoff_cmsg control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &conn_fd, sizeof(int));
  ssize_t n;
  do n = sendmsg(queue_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : -1;
}

int handoff_receive(int queue_fd) {
  /* The kernel drops a descriptor it cannot install (the message is still
   * consumed): make sure a slot is free first.  Nothing else in this
   * single-threaded process can take it in between. */
  int probe = fcntl(queue_fd, F_DUPFD_CLOEXEC, 0);
  if (probe < 0) return -1;
  close(probe);
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union handoff_cmsg control;
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  ssize_t n;
  do n = recvmsg(queue_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  if (n != 1 || (msg.msg_flags & MSG_CTRUNC) || cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET ||
      cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
    log_error("hand-off queue: a message without its connection (%zd bytes, flags 0x%x): dropped", n,
              (unsigned)msg.msg_flags);
    errno = EBADMSG;
    return -1;
  }
  int fd;
  memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
  return fd;
}

/* ---- long requests -------------------------------------------------------
 *
 * State shared with the signal handler.  The main code writes the list,
 * then publishes the start time; the handler runs on the same thread, in
 * between two of its instructions, so it sees either no request (start 0)
 * or a complete list.  The timer is armed lazily (lazy_timer.h): a request
 * arms it only if it is not pending; when it fires during a later request
 * that has not run long enough, the handler re-arms it for the rest;
 * between requests it lapses.
 */
static struct lazy_timer watch_timer;
static int watch_queue_fd = -1;
static int watch_fds[HANDOFF_WATCH_MAX];
static volatile sig_atomic_t watch_passed[HANDOFF_WATCH_MAX];
static size_t watch_n;
static _Atomic long long watch_started_ms; /* the request's start; 0 = none, or already passed */
#if ATOMIC_LLONG_LOCK_FREE != 2
#error "the signal handler needs a lock-free long long"
#endif

/* Async-signal-safe: clock_gettime (clock_mono_ms), timer_settime and
 * sendmsg are; the rest is loads and stores. */
static void on_watch_signal(int sig) {
  (void)sig;
  int saved_errno = errno;
  long long started = atomic_load_explicit(&watch_started_ms, memory_order_relaxed);
  long long left = started + HANDOFF_AFTER_MS - clock_mono_ms();
  if (started != 0 && left > 0) {
    lazy_timer_again(&watch_timer, left);
  } else {
    if (started != 0) {
      for (size_t i = 0; i < watch_n; i++) watch_passed[i] = handoff_send(watch_queue_fd, watch_fds[i]) == 0;
      atomic_store_explicit(&watch_started_ms, 0, memory_order_relaxed);
    }
    lazy_timer_lapse(&watch_timer);
  }
  errno = saved_errno;
}

int handoff_timer_init(int queue_fd) {
  watch_queue_fd = queue_fd;
  return lazy_timer_init(&watch_timer, SIGRTMIN, on_watch_signal);
}

void handoff_timer_free(void) { lazy_timer_free(&watch_timer); }

void handoff_watch_begin(const int *fds, size_t n) {
  if (!watch_timer.created || n == 0) return;
  if (n > HANDOFF_WATCH_MAX) n = HANDOFF_WATCH_MAX;
  for (size_t i = 0; i < n; i++) {
    watch_fds[i] = fds[i];
    watch_passed[i] = 0;
  }
  watch_n = n;
  atomic_signal_fence(memory_order_seq_cst);
  atomic_store_explicit(&watch_started_ms, clock_mono_ms(), memory_order_relaxed);
  atomic_signal_fence(memory_order_seq_cst);
  lazy_timer_arm(&watch_timer, HANDOFF_AFTER_MS, "the hand-off timer");
}

size_t handoff_watch_end(bool *passed, size_t n) {
  atomic_store_explicit(&watch_started_ms, 0, memory_order_relaxed);
  atomic_signal_fence(memory_order_seq_cst);
  size_t count = 0;
  for (size_t i = 0; i < n; i++) {
    passed[i] = i < watch_n && watch_passed[i] != 0;
    count += passed[i];
  }
  watch_n = 0;
  return count;
}
