/* master.h: the master process: binds sockets, forks and supervises the
 * broker and the workers, turns signals into actions. */
#ifndef JSFPM_MASTER_H
#define JSFPM_MASTER_H

struct jsfpm_config;

/* Runs until stopped by a signal; returns the process exit status.  Takes
 * ownership of CFG (it is freed on return). */
int master_run(struct jsfpm_config *cfg);

#endif
