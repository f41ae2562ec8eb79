/*
 * swarm_shrink.h - shrinking a failing fault schedule: one run at a time,
 * each in DIR/shrink/try-<k>, each a fault left out of the last failing
 * set. The result fails (or is the whole schedule, when nothing smaller
 * does: a failure without faults at all shows as an empty mask).
 */
#ifndef SWARM_SWARM_SHRINK_H
#define SWARM_SWARM_SHRINK_H

#include <stdint.h>

#include "swarm_run.h"

/* The mask of faults of the smallest failing schedule found. */
uint32_t swarm_shrink(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      const char *dir);

#endif
