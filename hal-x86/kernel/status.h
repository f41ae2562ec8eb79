/*
 * status.h - the live status panel on the screen: node id, address, link,
 * load, processes, peers, migrations in and out, uptime.
 */
#ifndef HAL_X86_STATUS_H
#define HAL_X86_STATUS_H

#include <stdint.h>

#include "core/kernel.h"
#include "node_config.h"

#define STATUS_REFRESH_NS 250000000ull

/* Redraw the panel from the kernel's counters and lists. */
void status_refresh(const struct kernel *k, const struct node_config *cfg, uint64_t now_ns);

#endif
