/* run_pool.c - see run_pool.h. */
#define _POSIX_C_SOURCE 200809L
#include "run_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "host/xalloc.h"

static size_t count_running(const struct run_pool_job *jobs, size_t started)
{
    size_t n = 0;
    for (size_t i = 0; i < started; i++)
        n += jobs[i].started && !jobs[i].done;
    return n;
}

/* The child `pid` ended with `status`: mark its job done. */
static void mark_ended(struct run_pool_job *jobs, size_t started, pid_t pid, int status,
                       const struct run_pool_ops *ops, void *ctx)
{
    for (size_t i = 0; i < started; i++) {
        if (jobs[i].pid == pid && !jobs[i].done) {
            jobs[i].done = true;
            jobs[i].wait_status = status;
            if (ops->ended != NULL)
                ops->ended(ctx, i, &jobs[i]);
        }
    }
}

/* waitpid found no child: cannot happen, as every running job is one. */
static void mark_lost(struct run_pool_job *jobs, size_t started)
{
    for (size_t i = 0; i < started; i++) {
        if (!jobs[i].done) {
            jobs[i].done = true;
            jobs[i].start_errno = ECHILD;
        }
    }
}

/* Wait for one of the `started` children to end, ticking meanwhile. */
static void reap_one(struct run_pool_job *jobs, size_t started, const struct run_pool_ops *ops, void *ctx)
{
    int status;
    for (;;) {
        pid_t pid = waitpid(-1, &status, ops->tick != NULL ? WNOHANG : 0);
        if (pid > 0) {
            mark_ended(jobs, started, pid, status, ops, ctx);
            return;
        }
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0) {
            mark_lost(jobs, started);
            return;
        }
        /* Nothing ended yet: sleep until a child does or the tick is due. */
        sigset_t chld;
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        const struct timespec tick = {0, RUN_POOL_TICK_MS * 1000000L};
        sigtimedwait(&chld, NULL, &tick);
        ops->tick(ctx);
    }
}

static void start_job(const struct run_pool_ops *ops, void *ctx, size_t i, struct run_pool_job *job)
{
    job->started = true;
    errno = 0;
    job->pid = ops->start(ctx, i);
    if (job->pid < 0) {
        job->start_errno = errno != 0 ? errno : EAGAIN;
        job->done = true;
    }
}

void run_pool_run(size_t count, unsigned jobs, const volatile sig_atomic_t *interrupt,
                  const struct run_pool_ops *ops, void *ctx)
{
    size_t next_start = 0, next_report = 0;
    struct run_pool_job *slots = xcalloc(count, sizeof slots[0]);
    sigset_t chld, old_mask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (ops->tick != NULL)
        sigprocmask(SIG_BLOCK, &chld, &old_mask);
    while (next_report < count) {
        size_t running = count_running(slots, next_start);
        for (; !*interrupt && running < jobs && next_start < count; next_start++) {
            start_job(ops, ctx, next_start, &slots[next_start]);
            running += !slots[next_start].done;
        }
        if (running > 0) {
            reap_one(slots, next_start, ops, ctx);
        } else {
            for (; next_start < count; next_start++)
                slots[next_start].done = true; /* interrupted: never started */
        }
        for (; next_report < count && slots[next_report].done; next_report++)
            ops->finished(ctx, next_report, &slots[next_report]);
    }
    if (ops->tick != NULL)
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    free(slots);
}
