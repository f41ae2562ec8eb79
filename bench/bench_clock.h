/*
 * bench_clock.h - the benchmarks' clock: seconds on `clock`,
 * CLOCK_MONOTONIC for wall time or CLOCK_PROCESS_CPUTIME_ID for the
 * process's CPU time (which a busy machine disturbs less).
 */
#ifndef BENCH_BENCH_CLOCK_H
#define BENCH_BENCH_CLOCK_H

#include <time.h>

static inline double bench_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
