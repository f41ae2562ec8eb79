/* durability.c - see durability.h. */
#include "durability.h"

#include <stdio.h>

struct durability_node {
    uint64_t durable; /* the newest commit reported durable (0: none yet) */
    uint64_t last;    /* the newest commit mounted or reported durable */
};

void durability_init(struct durability *d) { key_map_init(&d->nodes, sizeof(struct durability_node)); }

void durability_free(struct durability *d) { key_map_free(&d->nodes); }

bool durability_commit(struct durability *d, uint32_t node, uint64_t seq, char *why, size_t why_bytes)
{
    struct durability_node *n = key_map_get(&d->nodes, node, true, NULL);
    bool follows = seq > n->last;
    if (!follows)
        snprintf(why, why_bytes, "node %u: commit %llu reported durable after commit %llu", node,
                 (unsigned long long)seq, (unsigned long long)n->last);
    n->durable = seq;
    n->last = seq;
    return follows;
}

bool durability_mount(struct durability *d, uint32_t node, uint64_t seq, bool formatted, char *why,
                      size_t why_bytes)
{
    struct durability_node *n = key_map_get(&d->nodes, node, true, NULL);
    bool kept = seq >= n->durable; /* formatting traces its own commits first */
    if (!kept && formatted)
        snprintf(why, why_bytes,
                 "node %u: formatted its disk as blank, losing acknowledged writes up to commit %llu", node,
                 (unsigned long long)n->durable);
    else if (!kept)
        snprintf(why, why_bytes, "node %u: mounted commit %llu, losing acknowledged writes up to commit %llu",
                 node, (unsigned long long)seq, (unsigned long long)n->durable);
    n->last = seq;
    return kept;
}
