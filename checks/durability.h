/*
 * durability.h - the storage half of the run checks: every write a node's
 * Stockholder acknowledged survives the node's crashes.
 *
 * A store_commit line says a commit is durable and answers the fsyncs and
 * key-value puts and deletes that waited for it (docs/trace.md). So when
 * the node mounts its store again after a restart, the commit it mounts
 * must be at least as new as the newest one it reported durable; a blank
 * disk formatted over such commits has lost them too. Commits of one
 * store count up from the one it mounted.
 */
#ifndef CHECKS_DURABILITY_H
#define CHECKS_DURABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "key_map.h"

struct durability {
    struct key_map nodes; /* node -> struct durability_node */
};

void durability_init(struct durability *d);
void durability_free(struct durability *d);

/* Node `node` reported commit `seq` durable. False, with the reason in
 * `why`, when it does not come after the node's last commit or mount. */
bool durability_commit(struct durability *d, uint32_t node, uint64_t seq, char *why, size_t why_bytes);

/* Node `node` mounted commit `seq` (`formatted`: of a disk it found
 * blank). False, with the reason in `why`, when an acknowledged commit is
 * missing from what it mounted. */
bool durability_mount(struct durability *d, uint32_t node, uint64_t seq, bool formatted, char *why,
                      size_t why_bytes);

#endif
