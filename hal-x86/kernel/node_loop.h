/*
 * node_loop.h - the node's main loop, after boot: console input to the
 * shell, received frames and disk completions to the core, the core's
 * deadlines and processes, the status panel; and a halt until the next
 * interrupt whenever there is nothing to do.
 */
#ifndef HAL_X86_NODE_LOOP_H
#define HAL_X86_NODE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/kernel.h"
#include "node_config.h"

#define NODE_RUN_BUDGET_INSNS 50000u    /* per kernel_run: then look at the devices again */
#define NODE_RX_BURST 64u               /* frames taken per pass */
#define NODE_IDLE_GRACE_NS 200000000ull /* exit=idle: keep answering peers this long */

/* `nic` says whether the e1000 started; `boot_failures` counts boot
 * programs that could not start (with exit=idle they make the status 1). */
_Noreturn void node_loop_run(struct kernel *k, const struct node_config *cfg, bool nic,
                             uint32_t boot_failures);

#endif
