/* run_pool.c - see run_pool.h. */
#define _POSIX_C_SOURCE 200809L
#include "run_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "host/xalloc.h"

static size_t count_running(const struct run_pool_job *jobs, size_t started)
{
    size_t n = 0;
    for (size_t i = 0; i < started; i++)
        n += jobs[i].started && !jobs[i].done;
    return n;
}

/* Wait for one of the `started` children to end. */
static void reap_one(struct run_pool_job *jobs, size_t started)
{
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    for (size_t i = 0; i < started; i++) {
        if (pid > 0 && jobs[i].pid == pid && !jobs[i].done) {
            jobs[i].done = true;
            jobs[i].wait_status = status;
        } else if (pid < 0 && errno == ECHILD && !jobs[i].done) {
            jobs[i].done = true; /* cannot happen: it was not our child */
            jobs[i].start_errno = ECHILD;
        }
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
    while (next_report < count) {
        size_t running = count_running(slots, next_start);
        for (; !*interrupt && running < jobs && next_start < count; next_start++) {
            start_job(ops, ctx, next_start, &slots[next_start]);
            running += !slots[next_start].done;
        }
        if (running > 0) {
            reap_one(slots, next_start);
        } else {
            for (; next_start < count; next_start++)
                slots[next_start].done = true; /* interrupted: never started */
        }
        for (; next_report < count && slots[next_report].done; next_report++)
            ops->finished(ctx, next_report, &slots[next_report]);
    }
    free(slots);
}
