/* proctitle.h: the title ps and top show for each process, as nginx and
 * php-fpm set theirs ("jsfpm: master (FILE)", "jsfpm: worker 0 gen 1 idle"). */
#ifndef JSFPM_PROCTITLE_H
#define JSFPM_PROCTITLE_H

/* Claims the memory of ARGV and the environment that follows it as the
 * title's space, after moving the environment to the heap.  Call once, in
 * main, after the last use of ARGV's strings: they are overwritten.
 * Returns 0, or -1 (out of memory; titles then stay as they were). */
int proctitle_init(int argc, char **argv);

/* Sets the title, cut to the space proctitle_init found (the length of the
 * command line and environment the process started with).  Allocates
 * nothing and makes no system call: cheap enough for every request. */
void proctitle_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
