/*
 * hal_random.h - randomness for the core (boot epochs, protocol jitter,
 * balancer choices).
 *
 * next_u32 returns 32 random bits. In the simulator the stream is derived
 * from the scenario's seed and the node, so runs reproduce; on x86 it comes
 * from hardware entropy. Callable at any time.
 */
#ifndef HAL_RANDOM_H
#define HAL_RANDOM_H

#include "hal_types.h"

struct hal_random_ops {
    uint32_t (*next_u32)(void *ctx);
};

#endif
