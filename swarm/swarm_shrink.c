/*
 * swarm_shrink.c - the fewest faults of a failing schedule that still
 * break an invariant: leave out one fault at a time, keep it out when the
 * run still fails, until no single fault can go (swarm_shrink.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "swarm_shrink.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "host/files.h"

static bool interrupted(const volatile sig_atomic_t *interrupt)
{
    return interrupt != NULL && *interrupt;
}

uint32_t swarm_shrink_mask(size_t count, swarm_still_fails_fn still_fails, void *ctx,
                           const volatile sig_atomic_t *interrupt)
{
    uint32_t keep = count >= 32 ? UINT32_MAX : (1u << count) - 1u;
    for (bool smaller = true; smaller && !interrupted(interrupt);) {
        smaller = false;
        for (size_t i = 0; i < count && !interrupted(interrupt); i++) {
            uint32_t without = keep & ~(1u << i);
            if (without == keep || !still_fails(ctx, without))
                continue;
            keep = without;
            smaller = true;
        }
    }
    return keep;
}

/* A seed's runs while shrinking: each try in DIR/shrink/try-K. */
struct shrink_runs {
    const struct swarm_base *b;
    uint64_t seed;
    const struct swarm_schedule *faults;
    const char *dir;
    unsigned attempt;
    bool keep_tries;
};

/* Run the seed with the faults in `keep`; true when it broke an invariant. */
static bool run_still_fails(void *ctx, uint32_t keep)
{
    struct shrink_runs *r = ctx;
    char try_dir[4200], err[512];
    snprintf(try_dir, sizeof try_dir, "%s/shrink/try-%u", r->dir, ++r->attempt);
    pid_t pid = swarm_run_start(r->b, r->seed, r->faults, keep, try_dir, err, sizeof err);
    if (pid < 0) {
        fprintf(stderr, "nimbus swarm: %s\n", err);
        return false;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
    }
    struct swarm_outcome o;
    swarm_run_check(try_dir, &o);
    if (!r->keep_tries && files_remove_tree(try_dir) < 0)
        fprintf(stderr, "nimbus swarm: cannot remove %s: %s\n", try_dir, strerror(errno));
    return o.violations > 0;
}

uint32_t swarm_shrink(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      const char *dir, bool keep_tries)
{
    struct shrink_runs runs = {.b = b, .seed = seed, .faults = faults, .dir = dir, .keep_tries = keep_tries};
    return swarm_shrink_mask(faults->count, run_still_fails, &runs, b->interrupt);
}
