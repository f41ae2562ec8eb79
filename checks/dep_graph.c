/*
 * dep_graph.c - see dep_graph.h. For each anomaly, the strongly connected
 * components of the graph restricted to the edge kinds it allows
 * (Kosaraju, iterative: histories have many thousands of actions); a
 * component that holds an edge of the kind the anomaly needs has a cycle
 * through that edge, found by a breadth-first search back to its start.
 */
#include "dep_graph.h"

#include <stdbool.h>
#include <stdlib.h>

#include "host/xalloc.h"

void dep_graph_init(struct dep_graph *g, uint32_t node_count)
{
    *g = (struct dep_graph){.node_count = node_count};
}

void dep_graph_free(struct dep_graph *g)
{
    free(g->edges);
    *g = (struct dep_graph){0};
}

void dep_graph_add(struct dep_graph *g, uint32_t from, uint32_t to, uint32_t object, enum dep_kind kind)
{
    if (from == to)
        return; /* an action after itself says nothing */
    if (g->count == g->capacity) {
        g->capacity = g->capacity ? g->capacity * 2u : 64u;
        g->edges = xrealloc(g->edges, g->capacity * sizeof g->edges[0]);
    }
    g->edges[g->count++] = (struct dep_edge){.from = from, .to = to, .object = object, .kind = kind};
}

const char *dep_anomaly_name(enum dep_anomaly a)
{
    static const char *const names[] = {
        [DEP_G0] = "G0 (write cycle)",
        [DEP_G1C] = "G1c (circular information flow)",
        [DEP_G2] = "G2 (anti-dependency cycle)",
    };
    return names[a];
}

const char *dep_kind_name(enum dep_kind k)
{
    return k == DEP_WW ? "ww" : k == DEP_WR ? "wr" : "rw";
}

/* The edges of the allowed kinds, by start node (or by end node when
 * `reverse`): first[n] .. first[n + 1] index into ids. */
struct adjacency {
    size_t *first;
    size_t *ids;
};

static struct adjacency adjacency_build(const struct dep_graph *g, unsigned kinds, bool reverse)
{
    struct adjacency a = {xcalloc(g->node_count + 1u, sizeof(size_t)),
                          xcalloc(g->count + 1u, sizeof(size_t))};
    for (size_t e = 0; e < g->count; e++)
        if (g->edges[e].kind & kinds)
            a.first[(reverse ? g->edges[e].to : g->edges[e].from) + 1u]++;
    for (uint32_t n = 0; n < g->node_count; n++)
        a.first[n + 1u] += a.first[n];
    size_t *fill = xcalloc(g->node_count, sizeof(size_t));
    for (size_t e = 0; e < g->count; e++) {
        uint32_t n = reverse ? g->edges[e].to : g->edges[e].from;
        if (g->edges[e].kind & kinds)
            a.ids[a.first[n] + fill[n]++] = e;
    }
    free(fill);
    return a;
}

static void adjacency_free(struct adjacency *a)
{
    free(a->first);
    free(a->ids);
}

/* Depth-first from every unvisited node; `done` gets the nodes in the
 * order their search finished. */
static void finish_order(const struct dep_graph *g, const struct adjacency *fwd, uint32_t *done)
{
    bool *seen = xcalloc(g->node_count, sizeof(bool));
    uint32_t *stack = xcalloc(g->node_count, sizeof(uint32_t));
    size_t *next = xcalloc(g->node_count, sizeof(size_t));
    size_t finished = 0;
    for (uint32_t root = 0; root < g->node_count; root++) {
        if (seen[root])
            continue;
        size_t depth = 0;
        stack[depth++] = root;
        seen[root] = true;
        next[root] = fwd->first[root];
        while (depth > 0) {
            uint32_t n = stack[depth - 1u];
            if (next[n] == fwd->first[n + 1u]) {
                done[finished++] = n;
                depth--;
                continue;
            }
            uint32_t m = g->edges[fwd->ids[next[n]++]].to;
            if (!seen[m]) {
                seen[m] = true;
                next[m] = fwd->first[m];
                stack[depth++] = m;
            }
        }
    }
    free(next);
    free(stack);
    free(seen);
}

/* comp[n]: the component of node n, numbered from 0. */
static void components(const struct dep_graph *g, unsigned kinds, uint32_t *comp)
{
    struct adjacency fwd = adjacency_build(g, kinds, false), rev = adjacency_build(g, kinds, true);
    uint32_t *order = xcalloc(g->node_count, sizeof(uint32_t));
    uint32_t *stack = xcalloc(g->node_count, sizeof(uint32_t));
    finish_order(g, &fwd, order);
    for (uint32_t n = 0; n < g->node_count; n++)
        comp[n] = UINT32_MAX;
    uint32_t count = 0;
    for (uint32_t i = g->node_count; i-- > 0;) {
        if (comp[order[i]] != UINT32_MAX)
            continue;
        size_t depth = 0;
        stack[depth++] = order[i];
        comp[order[i]] = count;
        while (depth > 0) {
            uint32_t n = stack[--depth];
            for (size_t j = rev.first[n]; j < rev.first[n + 1u]; j++) {
                uint32_t m = g->edges[rev.ids[j]].from;
                if (comp[m] == UINT32_MAX) {
                    comp[m] = count;
                    stack[depth++] = m;
                }
            }
        }
        count++;
    }
    free(stack);
    free(order);
    adjacency_free(&rev);
    adjacency_free(&fwd);
}

/* The cycle through edge `e`: e, then the shortest path back from its end
 * to its start inside its component. Returns the cycle's length. */
static size_t cycle_through(const struct dep_graph *g, const struct adjacency *fwd, const uint32_t *comp,
                            size_t e, const struct dep_edge **cycle)
{
    uint32_t start = g->edges[e].to, goal = g->edges[e].from;
    size_t *via = xcalloc(g->node_count, sizeof(size_t)); /* edge id + 1 that reached the node */
    uint32_t *queue = xcalloc(g->node_count, sizeof(uint32_t));
    size_t head = 0, tail = 0;
    queue[tail++] = start;
    via[start] = SIZE_MAX;
    while (head < tail && via[goal] == 0) {
        uint32_t n = queue[head++];
        for (size_t j = fwd->first[n]; j < fwd->first[n + 1u]; j++) {
            uint32_t m = g->edges[fwd->ids[j]].to;
            if (comp[m] == comp[start] && via[m] == 0) {
                via[m] = fwd->ids[j] + 1u;
                queue[tail++] = m;
            }
        }
    }
    size_t length = 1;
    for (uint32_t n = goal; n != start; n = g->edges[via[n] - 1u].from)
        length++;
    cycle[0] = &g->edges[e];
    size_t at = length;
    for (uint32_t n = goal; n != start; n = g->edges[via[n] - 1u].from)
        cycle[--at] = &g->edges[via[n] - 1u];
    free(queue);
    free(via);
    return length;
}

static size_t find_anomaly(const struct dep_graph *g, enum dep_anomaly a, dep_cycle_fn *found, void *ctx)
{
    static const unsigned allowed[] = {
        [DEP_G0] = DEP_WW, [DEP_G1C] = DEP_WW | DEP_WR, [DEP_G2] = DEP_WW | DEP_WR | DEP_RW};
    static const unsigned needed[] = {[DEP_G0] = DEP_WW, [DEP_G1C] = DEP_WR, [DEP_G2] = DEP_RW};
    uint32_t *comp = xcalloc(g->node_count, sizeof(uint32_t));
    components(g, allowed[a], comp);
    struct adjacency fwd = adjacency_build(g, allowed[a], false);
    bool *reported = xcalloc(g->node_count, sizeof(bool)); /* by component */
    const struct dep_edge **cycle = xcalloc(g->node_count, sizeof cycle[0]);
    size_t count = 0;
    for (size_t e = 0; e < g->count; e++) {
        const struct dep_edge *edge = &g->edges[e];
        if (!(edge->kind & needed[a]) || comp[edge->from] != comp[edge->to] || reported[comp[edge->from]])
            continue;
        reported[comp[edge->from]] = true;
        size_t length = cycle_through(g, &fwd, comp, e, cycle);
        found(ctx, a, cycle, length);
        count++;
    }
    free(cycle);
    free(reported);
    adjacency_free(&fwd);
    free(comp);
    return count;
}

size_t dep_graph_find_cycles(const struct dep_graph *g, dep_cycle_fn *found, void *ctx)
{
    size_t count = 0;
    for (enum dep_anomaly a = DEP_G0; a <= DEP_G2; a++)
        count += find_anomaly(g, a, found, ctx);
    return count;
}
