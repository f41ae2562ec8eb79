/*
 * handover_util.h - the setup several migration tests share: a move from
 * node 0 to node 1 that reaches its handover while node 0's frames to
 * node 1 are cut.
 */
#ifndef TESTS_HANDOVER_UTIL_H
#define TESTS_HANDOVER_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel_harness.h"

/* A frame filter: frames from node 0 to node 1 are lost while *ctx (a
 * bool) is true. */
bool handover_cut_0_to_1(struct harness *h, uint32_t src, uint8_t *frame, uint32_t len, void *ctx);

/* Whether node `node` holds an installed copy waiting for its handover. */
bool handover_target_holds(const struct harness *h, uint32_t node);

/* Move `pid` from node 0 to node 1 up to the handover: node 1 holds the
 * installed copy, node 0 hands it over (migrate_done), but HANDOVER DONE
 * never reaches node 1 (*cut stays true on return). NULL when it went so,
 * else what went otherwise. */
const char *handover_into_the_void(struct harness *h, uint32_t pid, bool *cut);

#endif
