/* worker_handoff.c: the hand-off queue; see worker_handoff.h. */
#include "autoconfig.h"

#include "worker_handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

int handoff_queue_open(int fds[2]) {
  return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds);
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
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &conn_fd, sizeof(int));
  ssize_t n;
  do
    n = sendmsg(queue_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
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
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  ssize_t n;
  do
    n = recvmsg(queue_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
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

