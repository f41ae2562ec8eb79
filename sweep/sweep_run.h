/*
 * sweep_run.h - one cell of a sweep, run in a forked child process.
 *
 * The child runs the scenario exactly as `nimbus run` does (same
 * simulator options, quiet, no progress line) into its own directory and
 * exits; the parent learns the outcome from the exit status and reads the
 * figures from the metrics.json the child wrote. Children share nothing
 * with each other or the parent after the fork, so cells cannot disturb
 * one another however many run at once.
 */
#ifndef SWEEP_SWEEP_RUN_H
#define SWEEP_SWEEP_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hal-sim/scenario.h"

/* A child's exit status. */
enum sweep_child_exit {
    SWEEP_CHILD_OK = 0,         /* the run finished as the scenario asks */
    SWEEP_CHILD_RUN_FAILED = 2, /* it failed (max_time, stuck, ...); outputs written */
    SWEEP_CHILD_NO_OUTPUT = 3,  /* outputs could not be opened or written */
};

/* Everything the child writes besides the run's outputs (diagnostics, a
 * one-line summary, the reason for a failure) goes to <dir>/run.log. */
#define SWEEP_RUN_LOG "run.log"

/* Fork a child that runs `scn` with `seed` into `dir` (which must exist)
 * and exits with an enum sweep_child_exit. Returns its pid, or -1 with
 * errno set when fork failed. `interrupt` stops the child's run early. */
pid_t sweep_run_start(const struct scenario *scn, uint64_t seed, const char *dir,
                      const volatile sig_atomic_t *interrupt);

/* A short reason for a cell that did not succeed, from its wait status
 * and the last line of its run.log. */
void sweep_run_explain(int wait_status, const char *dir, char *buf, size_t bytes);

#endif
