/* broker.h: the database broker process.
 *
 * The master creates the broker's listening Unix socket (so workers can
 * connect before, and across restarts of, the broker) and forks; the child
 * calls broker_main, which opens the SQLite database, serves frames from
 * worker connections until SIGTERM, and returns the process exit status.
 */
#ifndef JSFPM_BROKER_H
#define JSFPM_BROKER_H

struct jsfpm_config;

/* LISTEN_FD: a listening AF_UNIX stream socket.  Runs the broker's event
 * loop; returns 0 on a clean stop (SIGTERM/SIGINT/SIGQUIT), non-zero if the
 * database could not be opened. */
int broker_main(const struct jsfpm_config *cfg, int listen_fd);

#endif
