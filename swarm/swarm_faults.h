/*
 * swarm_faults.h - a fault schedule drawn from a seed, as scenario text:
 * what a swarm run adds to the scenario it tests (docs/swarm.md).
 *
 * Each fault is one item that can be left out on its own, which is what
 * shrinking a failing schedule needs: frame loss, jitter (it reorders
 * frames), a node's crash with or without its restart, a partition into
 * two groups and its heal. Which faults, where and when all come from
 * the seed through a generator of this file's own, so a seed names the
 * same schedule on every machine.
 */
#ifndef SWARM_SWARM_FAULTS_H
#define SWARM_SWARM_FAULTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWARM_MAX_FAULTS 8u
#define SWARM_MAX_CRASHES 3u
#define SWARM_MAX_PARTITIONS 2u
#define SWARM_MAX_LOSS_MILLI 200u  /* at most 20% of frames lost */
#define SWARM_MAX_JITTER_NS 500000u /* at most 500 us */

enum swarm_fault_kind { SWARM_LOSS, SWARM_JITTER, SWARM_CRASH, SWARM_PARTITION };

struct swarm_fault {
    enum swarm_fault_kind kind;
    uint32_t value;      /* loss in thousandths, jitter in ns; crash: the node */
    uint64_t at_ns;      /* crash, partition: when it starts */
    uint64_t until_ns;   /* crash: the restart (0: never); partition: the heal */
    uint8_t side[1024];  /* partition: each node's group, 0 or 1 (nodes beyond: group 0) */
};

struct swarm_schedule {
    struct swarm_fault faults[SWARM_MAX_FAULTS];
    size_t count;
};

/* The schedule of `seed` for `nodes` nodes, its faults between 0 and
 * `horizon_ns`. */
void swarm_faults_draw(uint64_t seed, uint32_t nodes, uint64_t horizon_ns, struct swarm_schedule *out);

/* Add the faults whose bit is set in `keep` to the parsed scenario
 * `root` (network keys and events). */
void swarm_faults_apply(const struct swarm_schedule *s, uint32_t keep, cJSON *root);

/* One line for people: "crash node 3 at 12.5ms, restart at 40ms". */
void swarm_fault_describe(const struct swarm_fault *f, char *buf, size_t bytes);

#endif
