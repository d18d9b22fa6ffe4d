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
 *
 * The same queue keeps a long request from holding up requests another
 * worker could serve: nginx reuses whichever cached connection it freed
 * last, so while a worker runs a long request nginx may send the next one
 * on another connection of that same worker, where it would wait.  So a
 * worker whose request has run HANDOFF_AFTER_MS passes its idle
 * connections on.  It cannot do that from its event loop (the request
 * runs inside a callback, maybe inside a native call or a database wait),
 * so a timer signal does it (lazy_timer.h): the worker lists its idle
 * connections before the request (handoff_watch_begin); if the request is
 * still running HANDOFF_AFTER_MS later, the handler passes them (sendmsg is
 * async-signal-safe); after the request, handoff_watch_end says which went,
 * and the worker forgets those.
 */
#ifndef JSFPM_WORKER_HANDOFF_H
#define JSFPM_WORKER_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>

enum { HANDOFF_SEND = 0, HANDOFF_RECEIVE = 1 };

/* Master: creates the queue in FDS (close-on-exec, non-blocking).
 * Returns 0, or -1 with errno set. */
int handoff_queue_open(int fds[2]);

/* Master (pm): how many connections wait in the queue, read on its
 * [HANDOFF_RECEIVE] end; -1 with errno set if the kernel cannot tell. */
int handoff_queue_length(int queue_fd);

/* Passes CONN_FD into the queue (the caller then closes its own copy).
 * Never blocks.  Returns 0, or -1 with errno set (EAGAIN: the queue is
 * full).  Async-signal-safe. */
int handoff_send(int queue_fd, int conn_fd);

/* Takes one connection from the queue.  Returns its descriptor (non-
 * blocking, close-on-exec), or -1 with errno set: EAGAIN when another
 * worker took it first; EMFILE or ENFILE when no descriptor is free (the
 * connection is left in the queue for another worker). */
int handoff_receive(int queue_fd);

/* Requests shorter than this never move connections. */
#define HANDOFF_AFTER_MS 10
/* Idle connections listed per request; more stay where they are. */
#define HANDOFF_WATCH_MAX 64

/* Worker: creates the timer that passes idle connections to QUEUE_FD
 * during long requests.  Returns 0, or -1 with errno set (the worker then
 * serves on without it). */
int handoff_timer_init(int queue_fd);
void handoff_timer_free(void);

/* Worker, before a request: FDS[0..N) are its idle connections (N at most
 * HANDOFF_WATCH_MAX; copied), never the one the request came on.  Does
 * nothing without the timer or with N 0. */
void handoff_watch_begin(const int *fds, size_t n);
/* After it: sets PASSED[0..N) (N as given to handoff_watch_begin) to
 * whether each of those connections now belongs to the queue (the caller
 * closes its copies); returns how many do. */
size_t handoff_watch_end(bool *passed, size_t n);

#endif
