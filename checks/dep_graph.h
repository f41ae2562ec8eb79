/*
 * dep_graph.h - the direct serialization graph of committed actions
 * (Adya, "Weak Consistency", 1999) and the cycles in it that name an
 * anomaly: an edge Ti -> Tj says Tj must come after Ti in any serial
 * order, because Tj overwrote Ti's version (ww), read it (wr), or
 * overwrote the version Ti read (rw, an anti-dependency).
 *
 *   G0   a cycle of ww edges only (write cycle)
 *   G1c  a cycle of ww and wr edges, with a wr (circular information flow)
 *   G2   a cycle with an rw edge (anti-dependency cycle)
 *
 * One cycle is reported for each strongly connected group of actions
 * that holds one of each kind, so a long run with one bad interleaving
 * gives a short report.
 */
#ifndef CHECKS_DEP_GRAPH_H
#define CHECKS_DEP_GRAPH_H

#include <stddef.h>
#include <stdint.h>

enum dep_kind { DEP_WW = 1, DEP_WR = 2, DEP_RW = 4 };

enum dep_anomaly { DEP_G0, DEP_G1C, DEP_G2 };

struct dep_edge {
    uint32_t from, to; /* action ids */
    uint32_t object;   /* the object whose versions made the edge */
    enum dep_kind kind;
};

struct dep_graph {
    uint32_t node_count;
    struct dep_edge *edges;
    size_t count, capacity;
};

void dep_graph_init(struct dep_graph *g, uint32_t node_count);
void dep_graph_free(struct dep_graph *g);
void dep_graph_add(struct dep_graph *g, uint32_t from, uint32_t to, uint32_t object, enum dep_kind kind);

/* Called once per cycle found: its edges in order, the first edge of the
 * kind that names the anomaly (for G0 any). */
typedef void dep_cycle_fn(void *ctx, enum dep_anomaly a, const struct dep_edge *const *cycle, size_t length);

/* Every anomaly's cycles, G0 first; returns how many were reported. */
size_t dep_graph_find_cycles(const struct dep_graph *g, dep_cycle_fn *found, void *ctx);

const char *dep_anomaly_name(enum dep_anomaly a);
const char *dep_kind_name(enum dep_kind k);

#endif
