/* test_cmd.h: `jsfpm test [DIR]`, the app's tests (docs/testing.md). */
#ifndef JSFPM_TEST_CMD_H
#define JSFPM_TEST_CMD_H

/* Runs every *.test.js and *.test.mjs file under DIR (default ".";
 * node_modules and hidden folders skipped), each in its own worker-like
 * heap against a fresh temporary database with the app's migrations
 * applied, and prints one line per test and "N passed, N failed".  ARGV[0]
 * is "test".  Returns 0 when every test passed, else 1 (2: bad usage). */
int test_cmd_main(int argc, char **argv);

#endif
