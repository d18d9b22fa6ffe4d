/* broker_reads.c: read threads (see broker_reads.h, docs/database.md).
 *
 * Guarantees:
 * - Handed reads start in arrival order, each on one thread's connection;
 *   a thread runs one read at a time.
 * - A job is owned by one side at a time: the queue (p->mu), its thread
 *   while it runs (t->job, under p->mu for every change), then the done
 *   list (p->mu), then the event loop once collected.
 * - A cancelled job's reply is never given back: its cookie is cleared
 *   under p->mu, and collect drops jobs without one.  A running one is
 *   interrupted through its connection's abandon flag, which is only set
 *   while that job is the thread's current one (both under p->mu), so an
 *   abandon can never hit the thread's next job.
 * - The event loop learns of finished jobs through an eventfd, written
 *   once per job; it drains the eventfd before it takes the done list, so
 *   no job is left behind unannounced.
 */
#include "autoconfig.h"

#include "broker_reads.h"

#include <errno.h>
#include <event2/buffer.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "broker_db.h"
#include "db_proto.h"
#include "frame.h"
#include "list.h"
#include "log.h"

/* One handed read. */
struct read_job {
  struct list link;            /* in p->queued or p->done */
  json_t *req;                 /* a reference */
  void *cookie;                /* NULL once cancelled */
  struct evbuffer *frame;      /* out: the encoded reply (NULL: out of memory) */
  int error;                   /* out: the reply is an error */
  struct broker_db_counts ran; /* out: what it ran */
};

struct read_thread {
  struct broker_reads *p;
  pthread_t tid;
  int started; /* tid is a thread to join */
  struct broker_db_reader *conn;
  struct read_job *job; /* running now (p->mu) */
};

struct broker_reads {
  struct broker_db *db;
  pthread_mutex_t mu;
  pthread_cond_t wake;      /* a job was queued, or stopping */
  struct list queued, done; /* FIFOs of struct read_job (p->mu) */
  int stopping;             /* p->mu */
  int efd;                  /* eventfd: finished jobs not yet collected */
  unsigned active;          /* handed and not collected (event loop only) */
  unsigned nthreads;
  struct read_thread threads[];
};

/* Unlinks and returns the oldest job of L, or NULL. */
static struct read_job *jobs_pop(struct list *l) {
  struct list *first = list_first(l);
  if (first == NULL) return NULL;
  list_remove(first);
  return list_entry(first, struct read_job, link);
}

/* Unlinks and returns COOKIE's job, or NULL. */
static struct read_job *jobs_take(struct list *l, const void *cookie) {
  struct list *link;
  list_foreach(link, l) {
    struct read_job *j = list_entry(link, struct read_job, link);
    if (j->cookie == cookie) {
      list_remove(link);
      return j;
    }
  }
  return NULL;
}

static void job_free(struct read_job *j) {
  json_decref(j->req);
  if (j->frame) evbuffer_free(j->frame);
  free(j);
}

static void jobs_free(struct list *l) {
  struct read_job *j;
  while ((j = jobs_pop(l)) != NULL) job_free(j);
}

int broker_reply_encode(struct evbuffer *out, const json_t *req, json_t **reply, int version) {
  if (*reply != NULL && frame_encode(out, *reply, version) != 0) {
    json_decref(*reply);
    *reply = broker_db_error_reply(json_object_get(req, "id"), DB_ERR_RESULT_TOO_LARGE,
                                   "the reply exceeds the frame limit of %u bytes", FRAME_DEFAULT_MAX_BYTES);
    if (*reply != NULL && frame_encode(out, *reply, version) != 0) {
      json_decref(*reply);
      *reply = NULL;
    }
  }
  return *reply != NULL ? 0 : -1;
}

/* Runs J on T's connection, off the lock. */
static void job_run(struct read_thread *t, struct read_job *j) {
  json_t *reply = broker_db_reader_run(t->conn, j->req, &j->ran);
  j->frame = evbuffer_new();
  if (j->frame == NULL || broker_reply_encode(j->frame, j->req, &reply, FRAME_VERSION) != 0) {
    if (j->frame) evbuffer_free(j->frame);
    j->frame = NULL;
  }
  j->error = reply != NULL && !json_is_true(json_object_get(reply, "ok"));
  json_decref(reply);
}

static void announce(struct broker_reads *p) {
  uint64_t one = 1;
  while (write(p->efd, &one, sizeof one) < 0) {
    if (errno == EINTR) continue;
    /* EAGAIN only at a count of 2^64-2: the loop is reading it anyway. */
    if (errno != EAGAIN) log_error("read threads: cannot wake the event loop: %s", strerror(errno));
    break;
  }
}

static void *thread_main(void *arg) {
  struct read_thread *t = arg;
  struct broker_reads *p = t->p;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->stopping && list_empty(&p->queued)) pthread_cond_wait(&p->wake, &p->mu);
    if (p->stopping) break;
    struct read_job *j = jobs_pop(&p->queued);
    t->job = j;
    broker_db_reader_abandon(t->conn, 0);
    pthread_mutex_unlock(&p->mu);
    job_run(t, j);
    pthread_mutex_lock(&p->mu);
    t->job = NULL;
    list_push_back(&p->done, &j->link);
    announce(p);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

struct broker_reads *broker_reads_new(struct broker_db *db, unsigned nthreads, char *err, size_t errlen) {
  struct broker_reads *p = calloc(1, sizeof *p + nthreads * sizeof p->threads[0]);
  if (p == NULL) {
    snprintf(err, errlen, "read threads: out of memory");
    return NULL;
  }
  p->db = db;
  list_init(&p->queued);
  list_init(&p->done);
  p->nthreads = nthreads;
  p->efd = -1;
  int rc = pthread_mutex_init(&p->mu, NULL);
  if (rc == 0 && (rc = pthread_cond_init(&p->wake, NULL)) != 0) pthread_mutex_destroy(&p->mu);
  if (rc != 0) {
    snprintf(err, errlen, "read threads: cannot create their lock: %s", strerror(rc));
    free(p);
    return NULL;
  }
  p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (p->efd < 0) {
    snprintf(err, errlen, "read threads: eventfd: %s", strerror(errno));
    goto fail;
  }
  for (unsigned i = 0; i < nthreads; i++) {
    p->threads[i].p = p;
    p->threads[i].conn = broker_db_reader_open(db, err, errlen);
    if (p->threads[i].conn == NULL) goto fail;
  }
  /* Signals are the event loop's: the threads start with all blocked. */
  sigset_t all, old;
  sigfillset(&all);
  if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
    snprintf(err, errlen, "read threads: pthread_sigmask: %s", strerror(rc));
    goto fail;
  }
  for (unsigned i = 0; i < nthreads && rc == 0; i++) {
    rc = pthread_create(&p->threads[i].tid, NULL, thread_main, &p->threads[i]);
    p->threads[i].started = rc == 0;
  }
  int rc2 = pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0 || rc2 != 0) {
    snprintf(err, errlen, "read threads: %s: %s", rc ? "pthread_create" : "pthread_sigmask",
             strerror(rc ? rc : rc2));
    goto fail;
  }
  return p;
fail:
  broker_reads_free(p);
  return NULL;
}

void broker_reads_free(struct broker_reads *p) {
  if (p == NULL) return;
  pthread_mutex_lock(&p->mu);
  p->stopping = 1;
  for (unsigned i = 0; i < p->nthreads; i++)
    if (p->threads[i].job) broker_db_reader_abandon(p->threads[i].conn, 1);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mu);
  for (unsigned i = 0; i < p->nthreads; i++) {
    if (p->threads[i].started) {
      int rc = pthread_join(p->threads[i].tid, NULL);
      if (rc != 0) log_error("read threads: pthread_join: %s", strerror(rc));
    }
    broker_db_reader_close(p->threads[i].conn);
  }
  jobs_free(&p->queued);
  jobs_free(&p->done);
  if (p->efd >= 0 && close(p->efd) != 0) log_warn("read threads: closing the eventfd: %s", strerror(errno));
  pthread_cond_destroy(&p->wake);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

int broker_reads_fd(const struct broker_reads *p) { return p->efd; }

unsigned broker_reads_active(const struct broker_reads *p) { return p->active; }

int broker_reads_submit(struct broker_reads *p, json_t *req, void *cookie) {
  struct read_job *j = calloc(1, sizeof *j);
  if (j == NULL) return -1;
  j->req = json_incref(req);
  j->cookie = cookie;
  pthread_mutex_lock(&p->mu);
  list_push_back(&p->queued, &j->link);
  pthread_cond_signal(&p->wake);
  pthread_mutex_unlock(&p->mu);
  p->active++;
  return 0;
}

void broker_reads_collect(struct broker_reads *p, broker_reads_done_fn *fn, void *arg) {
  uint64_t count;
  if (read(p->efd, &count, sizeof count) < 0 && errno != EAGAIN && errno != EINTR)
    log_error("read threads: reading the eventfd: %s", strerror(errno));
  for (;;) {
    /* One at a time: FN may cancel another cookie's job, which must then
     * still be found in p->done. */
    pthread_mutex_lock(&p->mu);
    struct read_job *j = jobs_pop(&p->done);
    pthread_mutex_unlock(&p->mu);
    if (j == NULL) break;
    broker_db_add_counts(p->db, &j->ran);
    if (j->cookie != NULL) {
      p->active--;
      struct evbuffer *frame = j->frame;
      j->frame = NULL;
      fn(j->cookie, frame, j->error, arg);
      if (frame) evbuffer_free(frame);
    }
    job_free(j);
  }
}

void broker_reads_cancel(struct broker_reads *p, void *cookie) {
  pthread_mutex_lock(&p->mu);
  struct read_job *j = jobs_take(&p->queued, cookie);
  if (j == NULL) j = jobs_take(&p->done, cookie);
  if (j != NULL) {
    pthread_mutex_unlock(&p->mu);
    broker_db_add_counts(p->db, &j->ran);
    job_free(j);
    p->active--;
    return;
  }
  for (unsigned i = 0; i < p->nthreads; i++) {
    struct read_thread *t = &p->threads[i];
    if (t->job != NULL && t->job->cookie == cookie) {
      t->job->cookie = NULL; /* collect drops it once the thread is done */
      broker_db_reader_abandon(t->conn, 1);
      p->active--;
      break;
    }
  }
  pthread_mutex_unlock(&p->mu);
}
