/*
 * swarm_shrink.h - shrinking a failing fault schedule: leave out one
 * fault at a time, keep it out when the run still fails, until no single
 * fault can go. The result fails (or is the whole schedule, when nothing
 * smaller does: a failure without faults at all shows as an empty mask).
 *
 * swarm_shrink_mask is the search itself, over any "does it still fail"
 * question; swarm_shrink asks it of real runs, one at a time, each in
 * DIR/shrink/try-<k>.
 */
#ifndef SWARM_SWARM_SHRINK_H
#define SWARM_SWARM_SHRINK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swarm_run.h"

/* Whether the schedule with the faults in `keep` still fails. */
typedef bool (*swarm_still_fails_fn)(void *ctx, uint32_t keep);

/* The smallest failing mask found from all `count` faults (count <=
 * SWARM_MAX_FAULTS); stops early, with what it has, once *interrupt is
 * set (interrupt may be NULL). */
uint32_t swarm_shrink_mask(size_t count, swarm_still_fails_fn still_fails, void *ctx,
                           const volatile sig_atomic_t *interrupt);

/* The mask of faults of the smallest failing schedule found by runs, each
 * in DIR/shrink/try-K, removed once checked unless `keep_tries` (a try of
 * a long scenario writes hundreds of MB, and a shrink makes dozens). */
uint32_t swarm_shrink(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      const char *dir, bool keep_tries);

#endif
