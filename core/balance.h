/*
 * balance.h - the Synchronizer and the Scheduler's balancer.
 *
 * Every node tells a few peers its load each exchange period and keeps
 * what it hears in a table (loadinfo). Each balance period an overloaded
 * node (load above threshold, with hysteresis) chooses a process by a
 * documented rule weighing benefit against migration cost, and moves it
 * by the configured policy: none, random, offer (Cumulonimbus: offer it
 * to the network, the first willing peer takes it), two-choices, mosix.
 */
#ifndef CORE_BALANCE_H
#define CORE_BALANCE_H

#include <stdint.h>

struct kernel;

int balance_init(struct kernel *k);
void balance_destroy(struct kernel *k);
void balance_on_timer(struct kernel *k);
uint64_t balance_next_deadline(const struct kernel *k);
/* Messages CLUSTER_MSG_BALANCE_FIRST..LAST. */
void balance_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                        uint32_t len);

#endif
