/*
 * swarm_faults.h - a fault schedule drawn from a seed, as scenario text:
 * what a swarm run adds to the scenario it tests (docs/swarm.md).
 *
 * Each fault is one item that can be left out on its own, which is what
 * shrinking a failing schedule needs: frame loss, jitter (it reorders
 * frames), duplication, corruption, a node's crash with or without its
 * restart, a partition into two groups and its heal, a one-way partition
 * and its heal, a flapping partition, a node's pause, a node's clock
 * drift. Each kind is on or off per seed (VOPR style), and which faults,
 * where and when all come from the seed through a generator of this
 * file's own, so a seed names the same schedule on every machine.
 */
#ifndef SWARM_SWARM_FAULTS_H
#define SWARM_SWARM_FAULTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWARM_MAX_FAULTS 16u
#define SWARM_MAX_CRASHES 3u
#define SWARM_MAX_PARTITIONS 2u
#define SWARM_MAX_PAUSES 2u
#define SWARM_MAX_DRIFTS 2u
#define SWARM_MAX_LOSS_MILLI 200u     /* at most 20% of frames lost */
#define SWARM_MAX_DUPLICATE_MILLI 100u /* at most 10% of frames arrive twice */
#define SWARM_MAX_CORRUPT_MILLI 50u   /* at most 5% of frames damaged */
#define SWARM_MAX_JITTER_NS 500000u   /* at most 500 us */
#define SWARM_MAX_DRIFT_PPM 100000u   /* clocks at most 10% fast or slow */
#define SWARM_MAX_FLAP_PERIOD_NS 20000000u /* a flapping partition comes back within 20 ms */
#define SWARM_MAX_FLAPS 10u
/* One pause in SWARM_LONG_PAUSE_ONE_IN outlasts the transport's peer
 * suspicion (5 s, core/param.h): its peers declare it dead, and it comes
 * back with its processes. */
#define SWARM_LONG_PAUSE_ONE_IN 4u
#define SWARM_LONG_PAUSE_NS 5500000000ull

_Static_assert(SWARM_MAX_FAULTS <= 32, "a schedule's faults are the bits of a uint32_t mask");
_Static_assert(4 + SWARM_MAX_CRASHES + SWARM_MAX_PARTITIONS + 2 + SWARM_MAX_PAUSES + SWARM_MAX_DRIFTS <=
                   SWARM_MAX_FAULTS,
               "every kind at its most fits a schedule");

enum swarm_fault_kind {
    SWARM_LOSS,
    SWARM_JITTER,
    SWARM_CRASH,
    SWARM_PARTITION,
    SWARM_DUPLICATE,
    SWARM_CORRUPT,
    SWARM_ONE_WAY,
    SWARM_FLAP,
    SWARM_PAUSE,
    SWARM_DRIFT,
    SWARM_KIND_COUNT
};

struct swarm_fault {
    enum swarm_fault_kind kind;
    /* loss, duplicate, corrupt: thousandths of frames; jitter: ns;
     * crash, pause, drift: the node */
    uint32_t value;
    int32_t drift_ppm;  /* drift: the node's clock rate */
    uint64_t at_ns;     /* crash, partitions, pause: when it starts */
    uint64_t until_ns;  /* crash: the restart (0: never); partition, one-way: the heal;
                           flap: its first heal; pause: the resume */
    uint64_t every_ns;  /* flap: from one cut to the next */
    uint32_t count;     /* flap: how many cuts */
    /* partition, flap: each node's group, 0 or 1; one-way: 1 for the
     * nodes whose frames to the others are lost (nodes beyond: 0) */
    uint8_t side[1024];
};

struct swarm_schedule {
    struct swarm_fault faults[SWARM_MAX_FAULTS];
    size_t count;
};

/* The schedule of `seed` for `nodes` nodes, its faults between 0 and
 * `horizon_ns` (a long pause and its resume may end later). With
 * `every_kind` each kind is in it, crashes, partitions and pauses at their
 * most: where and when still come from the seed. */
void swarm_faults_draw(uint64_t seed, uint32_t nodes, uint64_t horizon_ns, bool every_kind,
                       struct swarm_schedule *out);

/* Add the faults whose bit is set in `keep` to the parsed scenario
 * `root` (network keys, node keys and events). */
void swarm_faults_apply(const struct swarm_schedule *s, uint32_t keep, cJSON *root);

/* One line for people: "crash node 3 at 12.5ms, restart at 40ms". */
void swarm_fault_describe(const struct swarm_fault *f, char *buf, size_t bytes);

#endif
