/*
 * swarm_shrink.c - the fewest faults of a failing schedule that still
 * break an invariant: leave out one fault at a time, keep it out when the
 * run still fails, until no single fault can go (swarm_shrink.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "swarm_shrink.h"

#include <stdio.h>
#include <sys/wait.h>

/* Run `seed` with the faults in `keep` into DIR/try-K; true when it
 * broke an invariant. */
static bool still_fails(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                        uint32_t keep, const char *dir, unsigned attempt)
{
    char try_dir[4200], err[512];
    snprintf(try_dir, sizeof try_dir, "%s/shrink/try-%u", dir, attempt);
    pid_t pid = swarm_run_start(b, seed, faults, keep, try_dir, err, sizeof err);
    if (pid < 0) {
        fprintf(stderr, "nimbus swarm: %s\n", err);
        return false;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
    }
    struct swarm_outcome o;
    swarm_run_check(try_dir, &o);
    return o.violations > 0;
}

uint32_t swarm_shrink(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      const char *dir)
{
    uint32_t keep = (1u << faults->count) - 1u;
    unsigned attempt = 0;
    for (bool smaller = true; smaller && !*b->interrupt;) {
        smaller = false;
        for (size_t i = 0; i < faults->count && !*b->interrupt; i++) {
            uint32_t without = keep & ~(1u << i);
            if (without == keep || !still_fails(b, seed, faults, without, dir, ++attempt))
                continue;
            keep = without;
            smaller = true;
        }
    }
    return keep;
}
