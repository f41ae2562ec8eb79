/*
 * swarm_run.h - one run of a swarm: the scenario with a seed's faults
 * (all, or those a mask keeps) written to DIR/scenario.json, run in a
 * child process into DIR, then checked. Shared by the swarm's pool
 * (swarm.c) and the shrinking of a failure (swarm_shrink.c).
 */
#ifndef SWARM_SWARM_RUN_H
#define SWARM_SWARM_RUN_H

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "swarm_faults.h"

struct swarm_base {
    const cJSON *root;   /* the scenario as parsed JSON */
    const char *path;    /* its file, for messages */
    uint32_t nodes;
    uint64_t horizon_ns;
    const volatile sig_atomic_t *interrupt;
};

struct swarm_outcome {
    bool ran;            /* the child ran the scenario and wrote its trace */
    uint64_t violations; /* of the invariants; the first ones are in DIR/check.txt */
    char end[32];        /* how the run ended, e.g. "all_exited", "max_time" */
};

/* Write DIR/scenario.json with the faults in `keep`: 0, or -1 (message
 * in err). */
int swarm_run_write(const struct swarm_base *b, const struct swarm_schedule *faults, uint32_t keep,
                    const char *dir, char *err, size_t err_bytes);

/* Write DIR/scenario.json for `seed` with the faults in `keep`, and fork
 * the child that runs it: its pid, or -1 (message in err). */
pid_t swarm_run_start(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      uint32_t keep, const char *dir, char *err, size_t err_bytes);

/* After the child ended: check DIR/trace.jsonl into DIR/check.txt. */
void swarm_run_check(const char *dir, struct swarm_outcome *out);

#endif
