/*
 * run_pool.h - many runs in child processes, at most `jobs` at once,
 * their results taken in order: the engine under sweeps and swarms.
 *
 * Job i is started by ops->start (which forks and returns the child's
 * pid), and ops->finished sees job 0, then 1, ... each as soon as it and
 * every job before it have ended, so what a caller prints or writes does
 * not depend on how many ran at once. After *interrupt is set no more
 * jobs start; those never started are finished with started == false.
 *
 * For a progress display, ops->ended sees every job as soon as it ends,
 * in any order, and ops->tick is called about four times a second while
 * the pool waits. With a tick, SIGCHLD is blocked while the pool runs
 * (so a wait can time out without losing an exit): children start with
 * it blocked, which a child that never forks does not notice.
 */
#ifndef SWEEP_RUN_POOL_H
#define SWEEP_RUN_POOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct run_pool_job {
    bool started;
    bool done;
    pid_t pid;
    int start_errno; /* fork failed */
    int wait_status; /* as waitpid gives it */
};

struct run_pool_ops {
    /* Fork job i: its pid, or -1 with errno set. */
    pid_t (*start)(void *ctx, size_t i);
    /* Job i has ended (or was never started, or could not start). */
    void (*finished)(void *ctx, size_t i, const struct run_pool_job *job);
    /* Optional: job i's child has just ended (any order). */
    void (*ended)(void *ctx, size_t i, const struct run_pool_job *job);
    /* Optional: called while waiting, about every RUN_POOL_TICK_MS. */
    void (*tick)(void *ctx);
};

#define RUN_POOL_TICK_MS 250

void run_pool_run(size_t count, unsigned jobs, const volatile sig_atomic_t *interrupt,
                  const struct run_pool_ops *ops, void *ctx);

#endif
