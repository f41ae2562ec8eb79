/*
 * swarm.h - a swarm: one scenario run under a fault schedule drawn from
 * each of many seeds (swarm_faults.h), every run checked against the
 * invariants every run must keep (checks/run_check.h); a failing
 * schedule is shrunk to the fewest faults that still fail, and printed
 * with the commands that reproduce it. `nimbus swarm` is its command
 * line; docs/swarm.md describes it for users.
 *
 * Runs are child processes, --jobs at once (sweep/run_pool.h). What it
 * prints and writes is in seed order and the same for any --jobs, but
 * for the closing wall-time figures.
 */
#ifndef SWARM_SWARM_H
#define SWARM_SWARM_H

#include <stdbool.h>
#include <stdint.h>

struct swarm_args {
    const char *scenario;
    const char *out_dir;   /* NULL: runs/<scenario name>-swarm */
    uint64_t first_seed;
    uint64_t seed_count;
    unsigned jobs;
    uint64_t horizon_ns;   /* faults happen before this simulated time */
    bool shrink;
    bool keep_runs;        /* keep the outputs of seeds that kept every invariant */
    bool every_fault;      /* every kind of fault in every schedule */
    bool progress;         /* how far it is, on stderr (sweep_progress.h) */
};

/* Run the swarm. Returns the exit status: 0 no run broke an invariant, 1
 * a bad scenario or directory (after a message), 2 a violation. */
int swarm_run(const struct swarm_args *a);

#endif
