/*
 * cpumix_native.c - the CPU benchmark mix compiled for the host from the
 * same source as the RV32IM program cpumix, for a wall-time comparison
 * with the interpreter (bench/cpumix_vs_native.sh).
 *
 *   cpumix_native [rounds]     (default 100)
 *
 * Prints the checksum line (the same as the cpumix program's) and the
 * wall and CPU time of the rounds.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "user/programs/cpumix_work.h"
#include "bench_clock.h"

int main(int argc, char **argv)
{
    char *end = NULL;
    unsigned long rounds = argc > 1 ? strtoul(argv[1], &end, 0) : 100ul;
    if (argc > 2 || (argc > 1 && (*argv[1] == '\0' || *end != '\0' || rounds > UINT32_MAX))) {
        fprintf(stderr, "usage: cpumix_native [rounds]\n");
        return 2;
    }
    struct cpumix_result r;
    double start = bench_seconds(CLOCK_MONOTONIC), cpu_start = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
    cpumix_run((uint32_t)rounds, &r);
    double secs = bench_seconds(CLOCK_MONOTONIC) - start;
    double cpu_secs = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    char line[CPUMIX_REPORT_BYTES];
    cpumix_report(&r, line);
    printf("%s\nseconds: %.3f\ncpu seconds: %.3f\n", line, secs, cpu_secs);
    return 0;
}
