/*
 * simnet_world.h - a tiny event loop around the simulated LAN alone
 * (hal-sim/sim_net.h) for its unit tests: nodes that are up or down, a
 * log of what arrived, was put on the wire or was lost.
 */
#ifndef TESTS_SIMNET_WORLD_H
#define TESTS_SIMNET_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include <criterion/criterion.h>
#include <string.h>

#include "hal-sim/sim_net.h"

#define MAX_NODES 300
#define MAX_LOG 4096

struct arrival {
    uint64_t t;
    uint32_t node;
    uint32_t len;
    uint8_t tag;
};

struct world {
    struct scenario scn;
    struct scn_node nodes[MAX_NODES];
    struct sim_queue q;
    struct sim_net net;
    uint64_t now;
    bool up[MAX_NODES];
    struct arrival got[MAX_LOG];
    uint32_t got_count;
    uint64_t wire_t[MAX_LOG];
    uint32_t wire_count;
    uint32_t lost[SIM_LOSS_COUNT];
    bool acts[MAX_NODES]; /* with w_ignores: which kernels act on a broadcast */
    int64_t ignored;      /* copies counted for the others */
};


static inline bool w_up(void *ctx, uint32_t node) { return ((struct world *)ctx)->up[node]; }

static inline void w_deliver(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len)
{
    struct world *w = ctx;
    cr_assert_lt(w->got_count, MAX_LOG);
    w->got[w->got_count++] = (struct arrival){.t = w->now, .node = node, .len = len, .tag = frame[14]};
}

static inline void w_wire(void *ctx, uint32_t src, const uint8_t *frame, uint32_t len)
{
    struct world *w = ctx;
    (void)src, (void)frame, (void)len;
    w->wire_t[w->wire_count++] = w->now;
}

static inline void w_lost(void *ctx, uint32_t src, uint32_t dst, enum sim_loss_reason why, uint32_t len)
{
    (void)src, (void)dst, (void)len;
    ((struct world *)ctx)->lost[why]++;
}

/* Hooks a test may add: only the nodes in w->acts act on broadcasts. */
static inline bool w_ignores(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len)
{
    (void)frame, (void)len;
    return !((struct world *)ctx)->acts[node];
}

static inline void w_ignored(void *ctx, uint32_t node, int sign, uint32_t len)
{
    (void)node, (void)len;
    ((struct world *)ctx)->ignored += sign;
}

static inline void world_init(struct world *w, uint32_t nodes, uint64_t latency_ns, uint64_t jitter_ns,
                       uint64_t bps, uint32_t loss_u32, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->scn.node_count = nodes;
    w->scn.nodes = w->nodes;
    w->scn.net = (struct scn_net_params){.latency_ns = latency_ns, .jitter_ns = jitter_ns, .bandwidth_bps = bps,
                                         .loss_u32 = loss_u32};
    for (uint32_t i = 0; i < nodes; i++)
        w->up[i] = true;
    sim_queue_init(&w->q);
    struct sim_net_hooks hooks = {.ctx = w, .node_up = w_up, .deliver = w_deliver,
                                  .wire = w_wire, .lost = w_lost};
    sim_net_init(&w->net, &w->scn, seed, &w->q, &hooks);
}

static inline void world_free(struct world *w)
{
    struct sim_event ev;
    while (sim_queue_pop(&w->q, &ev))
        sim_net_discard(&w->net, &ev);
    sim_net_free(&w->net);
    sim_queue_free(&w->q);
}

static inline void world_run(struct world *w)
{
    struct sim_event ev;
    while (sim_queue_pop(&w->q, &ev)) {
        cr_assert_geq(ev.time_ns, w->now, "time never goes back");
        w->now = ev.time_ns;
        sim_net_handle(&w->net, &ev);
    }
}

/* A frame of `len` bytes from src to dst (SIM_NET_BROADCAST: ff:ff..). */
static inline int send(struct world *w, uint32_t src, uint32_t dst, uint32_t len, uint8_t tag)
{
    uint8_t f[1514] = {0};
    if (dst == SIM_NET_BROADCAST)
        memset(f, 0xFF, 6);
    else
        sim_net_mac_of_node(dst, f);
    sim_net_mac_of_node(src, f + 6);
    f[12] = 0x08;
    f[14] = tag;
    return sim_net_send(&w->net, src, f, len, w->now);
}

#endif
