/* broker_reads.h: read threads, so that a slow read never stalls the broker.
 *
 * The event loop runs every read on its own reader for a slice at most
 * (broker_db_read); a read still running then is handed here.  A fixed set
 * of threads, each with a read-only connection of its own, takes handed
 * reads in arrival order, runs each to its end (statement_timeout applies),
 * encodes the reply as a frame on that thread, and queues it for the event
 * loop, which learns of it when broker_reads_fd becomes readable.  Every
 * function but the threads' own is called from the event loop's thread.
 */
#ifndef JSFPM_BROKER_READS_H
#define JSFPM_BROKER_READS_H

#include <jansson.h>
#include <stddef.h>

struct broker_db;
struct broker_reads;
struct evbuffer;

/* Starts NTHREADS threads (with every signal blocked), each with its own
 * connection to DB's database.  Returns NULL with ERR set on failure. */
struct broker_reads *broker_reads_new(struct broker_db *db, unsigned nthreads, char *err, size_t errlen);
/* Interrupts the reads running, drops those waiting and their replies,
 * joins the threads and closes their connections. */
void broker_reads_free(struct broker_reads *p);

/* Readable while finished reads wait for broker_reads_collect. */
int broker_reads_fd(const struct broker_reads *p);

/* Hands REQ (a reference is taken) to the first free thread; COOKIE comes
 * back with its reply.  Returns 0, or -1 when out of memory. */
int broker_reads_submit(struct broker_reads *p, json_t *req, void *cookie);

/* A finished read: FRAME holds its encoded reply (the callee moves it out;
 * NULL when out of memory), ERROR says the reply is an error. */
typedef void broker_reads_done_fn(void *cookie, struct evbuffer *frame, int error, void *arg);
/* Calls FN for every read finished and not cancelled, oldest first, and
 * adds what they ran to DB's stats. */
void broker_reads_collect(struct broker_reads *p, broker_reads_done_fn *fn, void *arg);

/* COOKIE's read is no longer wanted (its connection closed): dropped if
 * waiting, interrupted if running, its reply never given back. */
void broker_reads_cancel(struct broker_reads *p, void *cookie);

/* Reads handed and not yet collected. */
unsigned broker_reads_active(const struct broker_reads *p);

/* Appends *REPLY to OUT as one frame of protocol VERSION (that of REQ's
 * frame).  A reply too large for a frame is replaced (in *REPLY) by a
 * JSFPM_RESULT_TOO_LARGE error for REQ's id, so the client's call fails
 * clearly instead of hanging.  Returns 0, or -1 when out of memory.
 * Thread-safe: it touches only its arguments. */
int broker_reply_encode(struct evbuffer *out, const json_t *req, json_t **reply, int version);

#endif
