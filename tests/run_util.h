/*
 * run_util.h - helpers for end-to-end tests that run the real `nimbus`
 * command and read what it wrote.
 */
#ifndef TESTS_RUN_UTIL_H
#define TESTS_RUN_UTIL_H

#include <stddef.h>

/* Run `nimbus <args>` (args already shell-quoted), output to the test's
 * log; returns the exit status, or -1 if it did not exit normally. */
int run_nimbus(const char *args);

/* Read a whole file; NULL if it cannot be read. *len gets its size. The
 * caller frees. */
char *read_file(const char *path, size_t *len);

/* Whether two files exist and hold the same bytes. */
int files_equal(const char *a, const char *b);

/* The number of trace lines in `run_dir`/trace.jsonl whose "ev" is `ev`
 * and (when field is not NULL) whose `field` is the string `value`. */
int count_trace_events(const char *run_dir, const char *ev, const char *field, const char *value);

/* Whether `run_dir`/console.log contains `text`. */
int console_contains(const char *run_dir, const char *text);

#endif
