/*
 * rng.h - the simulator's random numbers: xoshiro256** streams seeded with
 * splitmix64. Every purpose gets its own stream derived from (scenario
 * seed, purpose, index), so that drawing one more number for one node
 * never shifts the numbers another node or the network sees. Integer only;
 * the same on every machine.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

/* Stream purposes; the values are part of the reproducibility contract:
 * changing one changes every run's numbers. */
enum rng_purpose {
    RNG_PURPOSE_NET = 1,  /* loss and jitter of every frame (index 0) */
    RNG_PURPOSE_NODE = 2, /* per node (index = node id): HAL next_u32, epochs */
    RNG_PURPOSE_DISK = 3, /* per node's disk (index = node id): what a crash loses */
    RNG_PURPOSE_NET_FAULTS = 4, /* duplication of every copy (index 0) */
    RNG_PURPOSE_COPY_CORRUPTION = 5, /* per frame copy (index = its queue seq): corruption */
};

struct rng {
    uint64_t s[4];
};

/* One step of splitmix64: advances *state and returns the next output. */
uint64_t rng_splitmix64(uint64_t *state);

/* The stream for (seed, purpose, index). */
void rng_init(struct rng *r, uint64_t seed, uint32_t purpose, uint64_t index);

uint64_t rng_next_u64(struct rng *r);
uint32_t rng_next_u32(struct rng *r);

/* Uniform in [0, bound); bound must be > 0. Unbiased (rejection). */
uint64_t rng_below(struct rng *r, uint64_t bound);

/* Uniform in [0, max], inclusive; any max including UINT64_MAX. */
uint64_t rng_upto(struct rng *r, uint64_t max);

/* True with probability p_u32 / 2^32 (UINT32_MAX: almost surely). */
bool rng_chance_u32(struct rng *r, uint32_t p_u32);

#endif
