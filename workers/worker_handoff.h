/* worker_handoff.h: passing kept-alive FastCGI connections between workers.
 *
 * nginx keeps upstream connections open between requests and may write the
 * next request into one at any moment; a worker that closes such a
 * connection loses the request nginx just wrote (nginx retries a GET on
 * another connection, never a POST: 502).  So a worker that stops for a
 * replacement (reload, recycling) never closes an idle kept-alive
 * connection: it passes the descriptor (SCM_RIGHTS) into the hand-off
 * queue, and a worker that accepts takes it from there like a new
 * connection.  Bytes nginx already wrote stay in the kernel's socket buffer
 * and travel with it.
 *
 * The queue is one SOCK_SEQPACKET socketpair the master creates before it
 * forks anything; every worker of every generation inherits both ends (it
 * sends on [HANDOFF_SEND] and watches [HANDOFF_RECEIVE] like a listening
 * socket), so a connection passed by an old generation reaches the new one.
 * One descriptor per message: the kernel gives each to one worker.
 */
#ifndef JSFPM_WORKER_HANDOFF_H
#define JSFPM_WORKER_HANDOFF_H

enum { HANDOFF_SEND = 0, HANDOFF_RECEIVE = 1 };

/* Master: creates the queue in FDS (close-on-exec, non-blocking).
 * Returns 0, or -1 with errno set. */
int handoff_queue_open(int fds[2]);

/* Passes CONN_FD into the queue (the caller then closes its own copy).
 * Never blocks.  Returns 0, or -1 with errno set (EAGAIN: the queue is
 * full).  Async-signal-safe. */
int handoff_send(int queue_fd, int conn_fd);

/* Takes one connection from the queue.  Returns its descriptor (non-
 * blocking, close-on-exec), or -1 with errno set: EAGAIN when another
 * worker took it first; EMFILE or ENFILE when no descriptor is free (the
 * connection is left in the queue for another worker). */
int handoff_receive(int queue_fd);

#endif
