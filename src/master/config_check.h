/* config_check.h: what `jsfpm -t` checks beyond the file's syntax: what a
 * start would find wrong, before a restart finds it.  The app itself
 * (compiles, loads) is checked by main.c with the app runtime. */
#ifndef JSFPM_CONFIG_CHECK_H
#define JSFPM_CONFIG_CHECK_H

#include <stdio.h>

struct jsfpm_config;

/* Checks the user and group, the listen addresses (they parse and are
 * bindable), the app root and the database folder (they exist with usable
 * permissions), in cluster mode the node's data_dir (a real folder, or
 * missing from one the master can create it in) and the migrations' names.  Prints each problem to OUT as
 * "FILE:LINE: [section] key: problem" (or the migration file's path) and
 * each note (an address in use now: fine for this server's own, which a
 * reload keeps) as "FILE:LINE: note: ...".  Returns the number of problems. */
int config_check_start(const struct jsfpm_config *cfg, FILE *out);

#endif
