/*
 * sweep_args.h - the command line of `nimbus sweep` (usage in cli/sweep.c):
 * the grid (--grid KEY=V1,V2,..., repeatable; --policies LIST is
 * --grid balancer.policy=LIST), the seeds, the fixed --set overrides,
 * where, how many at once. Every problem is reported on stderr as
 * "nimbus sweep: <problem>" and the --help hint (host/args.h).
 */
#ifndef SWEEP_SWEEP_ARGS_H
#define SWEEP_SWEEP_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal-sim/scenario_override.h"
#include "sweep_grid.h"
#include "sweep_result.h"

#define SWEEP_MAX_SEEDS 100000u
#define SWEEP_MAX_JOBS 1024u
#define SWEEP_PATH_BYTES 4096u /* the output directory's name, with its NUL */

struct sweep_args {
    const char *scenario;
    const char *out_dir;
    struct sweep_grid grid;
    /* grid_sets[k][i]: the override that gives key k its value i,
     * labelled "--grid KEY=VALUE" in messages. */
    struct scenario_override *grid_sets[SWEEP_MAX_KEYS];
    uint64_t *seeds;
    size_t seed_count;
    struct scenario_override *sets; /* --set, in order */
    const char **set_specs;         /* each as typed: KEY=VALUE */
    size_t set_count;
    int metrics[SWEEP_METRIC_COUNT]; /* --metric: the summary's tables (enum sweep_metric) */
    size_t metric_count;             /* 0: makespan, p95 response, migrations */
    unsigned jobs; /* default: online CPUs */
    unsigned seed_options; /* --seeds and --seed-list given: one is required */
    bool progress;         /* the live line and ETA (--no-progress: off) */
};

/* 0 to run, -1 for --help, or 1 after a usage error was printed.
 * Call sweep_args_free in every case. */
int sweep_args_parse(int argc, char **argv, struct sweep_args *a);
void sweep_args_free(struct sweep_args *a);

#endif
