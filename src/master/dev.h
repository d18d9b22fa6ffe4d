/* dev.h: `jsfpm dev [DIR] [--port N]`, the development server. */
#ifndef JSFPM_DEV_H
#define JSFPM_DEV_H

/* Prepares serving the app in DIR (default ".") with no config file of
 * the user's: writes DIR/.jsfpm/jsfpm.conf into CONFIG_PATH (PATH_MAX
 * bytes), with everything it keeps (the database, sockets, the compile
 * cache) under DIR/.jsfpm/, HTTP on 127.0.0.1:N (default 8080), the error
 * page on and reload when a file changes; the caller then serves it as
 * `jsfpm -c CONFIG_PATH` (Ctrl-C stops).  ARGV[0] is "dev".  Returns -1
 * to serve, else the exit status (0 after --help). */
int dev_prepare(int argc, char **argv, char *config_path);

#endif
