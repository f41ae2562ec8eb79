/*
 * bench_cpumix.c - the interpreter on the CPU benchmark mix: the cpumix
 * program (user/programs/cpumix_work.h) run straight on rv_run, in slices
 * of DEFAULT_QUANTUM_INSNS as the scheduler runs processes.
 *
 *   bench_cpumix [rounds]     (default 100)
 *
 * Prints the program's checksum line (bench/cpumix_native prints the same
 * line for the same rounds), the guest instructions retired, and the wall
 * and CPU time of the run. bench/cpumix_callgrind.sh turns it into host
 * instructions per guest instruction.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/guest_run.h"
#include "bench_clock.h"

int main(int argc, char **argv)
{
    static struct guest_run g;
    const char *rounds = argc > 1 ? argv[1] : "100";
    if (guest_run_load(&g, "cpumix", 1, &rounds) != 0) {
        fprintf(stderr, "bench_cpumix: %s\n", g.error);
        return 1;
    }
    double start = bench_seconds(CLOCK_MONOTONIC), cpu_start = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
    int ran = guest_run_to_exit(&g, DEFAULT_QUANTUM_INSNS);
    double secs = bench_seconds(CLOCK_MONOTONIC) - start;
    double cpu_secs = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    if (ran != 0 || g.exit_status != 0) {
        fprintf(stderr, "bench_cpumix: %s (exit status %d, output: %s)\n", g.error, g.exit_status, g.out);
        return 1;
    }
    printf("%s", g.out);
    printf("guest instructions: %" PRIu64 "\n", g.executed);
    printf("seconds: %.3f\ncpu seconds: %.3f\n", secs, cpu_secs);
    return guest_run_destroy(&g) == 0 ? 0 : 1;
}
