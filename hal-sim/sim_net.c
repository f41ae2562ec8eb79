/*
 * sim_net.c - see sim_net.h.
 *
 * A frame's life: sim_net_send (the kernel's HAL call) reserves the
 * sender's link and either transmits at once or queues a TX event for
 * when the link is free; transmit() shows it to the mirror port and, for
 * unicast, draws its fate and queues one DELIVER event; for broadcast it
 * queues one FANOUT event at the earliest time any copy can arrive, and
 * the fanout (sim_net_bcast.c) queues a DELIVER event for each copy whose
 * receiver acts on it.
 */
#include "sim_net.h"
#include "sim_net_priv.h"

#include <stdlib.h>
#include <string.h>

#include "hal/hal_types.h"
#include "host/xalloc.h"
#include "sim_router.h"

const char *sim_loss_name(enum sim_loss_reason r)
{
    switch (r) {
    case SIM_LOSS_RANDOM: return "loss";
    case SIM_LOSS_PARTITION: return "partition";
    case SIM_LOSS_DOWN: return "down";
    case SIM_LOSS_NO_ROUTE: return "no_route";
    case SIM_LOSS_RING_FULL: return "ring_full";
    default: return "unknown";
    }
}

static uint64_t link_key(uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    return ((uint64_t)a << 32) | b;
}

static int link_cmp(const void *x, const void *y)
{
    const struct sim_net_link *a = x, *b = y;
    if (a->key != b->key)
        return (a->key > b->key) - (a->key < b->key);
    return (a->index > b->index) - (a->index < b->index);
}

void sim_net_init(struct sim_net *n, const struct scenario *s, uint64_t seed,
                  struct sim_queue *queue, const struct sim_net_hooks *hooks)
{
    memset(n, 0, sizeof *n);
    n->node_count = s->node_count;
    n->ports = xcalloc(s->node_count, sizeof n->ports[0]);
    n->defaults = s->net;
    n->queue = queue;
    n->hooks = *hooks;
    n->seed = seed;
    n->draw_at = xcalloc(2 * (size_t)s->node_count, sizeof n->draw_at[0]);
    n->draw_dst = xcalloc(2 * (size_t)s->node_count, sizeof n->draw_dst[0]);
    rng_init(&n->rng, seed, RNG_PURPOSE_NET, 0);
    rng_init(&n->fault_rng, seed, RNG_PURPOSE_NET_FAULTS, 0);
    n->min_latency_ns = s->net.latency_ns;
    if (s->link_count != 0) {
        n->links = xcalloc(s->link_count, sizeof n->links[0]);
        for (uint32_t i = 0; i < s->link_count; i++) {
            n->links[i].key = link_key(s->links[i].node_a, s->links[i].node_b);
            n->links[i].index = i;
            n->links[i].params = s->links[i].params;
            if (s->links[i].params.latency_ns < n->min_latency_ns)
                n->min_latency_ns = s->links[i].params.latency_ns;
        }
        /* (key, index) is unique, so the order does not depend on qsort. */
        qsort(n->links, s->link_count, sizeof n->links[0], link_cmp);
        n->link_count = s->link_count;
    }
    n->topo = sim_topology_new(s);
    if (s->net.bandwidth_bps != 0)
        n->txq_limit_ns = (uint64_t)SIM_NET_TXQ_BYTES * 8u * 1000000000u / s->net.bandwidth_bps;
}

void sim_net_free(struct sim_net *n)
{
    for (uint32_t i = 0; n->ports != NULL && i < n->node_count; i++) {
        for (uint32_t h = 0; h < n->ports[i].held_count; h++)
            sim_frame_release(n->ports[i].held[h].f);
        free(n->ports[i].held);
    }
    free(n->ports);
    free(n->links);
    free(n->draw_at);
    free(n->draw_dst);
    sim_topology_free(n->topo);
    n->ports = NULL;
    n->links = NULL;
    n->topo = NULL;
}

const struct scn_net_params *sim_net_params(const struct sim_net *n, uint32_t a, uint32_t b)
{
    if (n->link_count == 0)
        return &n->defaults;
    uint64_t key = link_key(a, b);
    size_t lo = 0, hi = n->link_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->links[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Of several overrides of one pair, the last in the file wins. */
    while (lo + 1 < n->link_count && n->links[lo + 1].key == key)
        lo++;
    if (lo < n->link_count && n->links[lo].key == key)
        return &n->links[lo].params;
    return &n->defaults;
}

void sim_net_mac_of_node(uint32_t node, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = mac[2] = mac[3] = 0;
    mac[4] = (uint8_t)(node >> 8);
    mac[5] = (uint8_t)node;
}

uint32_t sim_net_node_of_mac(const struct sim_net *n, const uint8_t mac[6])
{
    if (mac[0] != 0x02 || mac[1] != 0 || mac[2] != 0 || mac[3] != 0)
        return SIM_NET_BROADCAST;
    uint32_t node = ((uint32_t)mac[4] << 8) | mac[5];
    return node < n->node_count ? node : SIM_NET_BROADCAST;
}

uint32_t sim_net_capture_of_node(const struct sim_net *n, uint32_t node)
{
    return n->topo == NULL ? 0 : sim_topology_rack(n->topo, node);
}

/* Rounded up, so a frame always takes time on a finite link. */
uint64_t sim_net_wire_time_ns(uint32_t len, uint64_t bps)
{
    if (bps == 0)
        return 0;
    uint64_t bytes = (len < SIM_NET_MIN_FRAME ? SIM_NET_MIN_FRAME : len) + SIM_NET_WIRE_OVERHEAD;
    uint64_t bits_ns = bytes * 8u * 1000000000u;
    return (bits_ns + bps - 1) / bps;
}

void sim_frame_release(struct sim_frame *f)
{
    if (--f->refs == 0)
        free(f);
}

static void push_event(struct sim_net *n, enum sim_event_kind kind, uint64_t t,
                       uint32_t node, struct sim_frame *f)
{
    struct sim_event ev = {.time_ns = t, .ptr = f, .node = node, .kind = kind};
    sim_queue_push(n->queue, &ev);
    n->events_queued++;
}

void sim_net_count_lost(struct sim_net *n, const struct sim_frame *f, uint32_t dst, enum sim_loss_reason why)
{
    n->ports[f->src].c.lost[why]++;
    n->total.lost[why]++;
    if (n->hooks.lost != NULL)
        n->hooks.lost(n->hooks.ctx, f->src, dst, why, f->len);
}

static bool is_group_address(const uint8_t *frame) { return (frame[0] & 1u) != 0; }

uint32_t sim_net_draw_copies(struct sim_net *n, const struct sim_frame *f, uint32_t dst, uint64_t at[2])
{
    const struct scn_net_params *p = sim_net_params(n, f->src, dst);
    bool lost = rng_chance_u32(&n->rng, p->loss_u32);
    uint64_t jitter = rng_upto(&n->rng, p->jitter_ns);
    if (lost) {
        sim_net_count_lost(n, f, dst, SIM_LOSS_RANDOM);
        return 0;
    }
    at[0] = f->tx_end_ns + p->latency_ns + jitter;
    if (!rng_chance_u32(&n->fault_rng, p->duplicate_u32))
        return 1;
    /* The second copy takes its own path through the switch. */
    at[1] = f->tx_end_ns + p->latency_ns + rng_upto(&n->fault_rng, p->jitter_ns);
    n->ports[f->src].c.duplicated++;
    n->total.duplicated++;
    return 2;
}

/* Whether a frame from a can reach b without a router (always, when flat). */
static bool sim_net_same_rack(const struct sim_net *n, uint32_t a, uint32_t b)
{
    return n->topo == NULL || sim_topology_rack(n->topo, a) == sim_topology_rack(n->topo, b);
}

bool sim_net_blocked(const struct sim_net *n, uint32_t src, uint32_t dst)
{
    const struct sim_net_port *a = &n->ports[src], *b = &n->ports[dst];
    return a->group != b->group || (a->side == SCN_SIDE_FROM && b->side == SCN_SIDE_TO);
}

/* Whether f is addressed to its sender's ToR (so routed). */
static bool for_own_tor(const struct sim_net *n, const struct sim_frame *f)
{
    return n->topo != NULL && sim_topology_rack_of_tor_mac(n->topo, f->bytes) == sim_topology_rack(n->topo, f->src);
}

/* The frame leaves its sender's NIC now. Takes over the caller's ref. */
static void transmit(struct sim_net *n, struct sim_frame *f, uint64_t now)
{
    struct sim_net_port *port = &n->ports[f->src];
    port->c.tx_frames++;
    port->c.tx_bytes += f->len;
    n->total.tx_frames++;
    n->total.tx_bytes += f->len;
    if (n->hooks.wire != NULL)
        n->hooks.wire(n->hooks.ctx, f->src, f->bytes, f->len);
    (void)now;

    if (is_group_address(f->bytes)) {
        push_event(n, SIM_EV_NET_FANOUT, f->tx_end_ns + n->min_latency_ns, f->src, f);
        return;
    }
    if (for_own_tor(n, f)) {
        sim_router_ingress(n, f);
        return;
    }
    uint32_t dst = sim_net_node_of_mac(n, f->bytes);
    uint64_t at[2];
    uint32_t copies = 0;
    if (dst == SIM_NET_BROADCAST || dst == f->src || !sim_net_same_rack(n, f->src, dst))
        sim_net_count_lost(n, f, SIM_NET_BROADCAST, SIM_LOSS_NO_ROUTE);
    else if (sim_net_blocked(n, f->src, dst))
        sim_net_count_lost(n, f, dst, SIM_LOSS_PARTITION);
    else
        copies = sim_net_draw_copies(n, f, dst, at);
    if (copies == 0) {
        sim_frame_release(f);
        return;
    }
    if (copies == 2) {
        f->refs++;
        push_event(n, SIM_EV_NET_DELIVER, at[1], dst, f);
    }
    push_event(n, SIM_EV_NET_DELIVER, at[0], dst, f);
}

int sim_net_send(struct sim_net *n, uint32_t src, const uint8_t *frame, uint32_t len,
                 uint64_t now_ns)
{
    if (len < 14 || len > SIM_NET_MAX_FRAME || src >= n->node_count)
        return HAL_ERR_INVALID;
    struct sim_net_port *port = &n->ports[src];
    uint64_t start = port->tx_free_at > now_ns ? port->tx_free_at : now_ns;
    if (n->txq_limit_ns != 0 && start - now_ns > n->txq_limit_ns) {
        port->c.tx_busy++;
        n->total.tx_busy++;
        return HAL_ERR_BUSY;
    }
    uint64_t bps = n->defaults.bandwidth_bps;
    if (!is_group_address(frame) && n->link_count != 0) {
        uint32_t dst = sim_net_node_of_mac(n, frame);
        if (dst != SIM_NET_BROADCAST)
            bps = sim_net_params(n, src, dst)->bandwidth_bps;
    }
    struct sim_frame *f = xmalloc(sizeof *f + len);
    f->refs = 1;
    f->src = src;
    f->len = len;
    f->pad = 0;
    memcpy(f->bytes, frame, len);
    f->tx_end_ns = start + sim_net_wire_time_ns(len, bps);
    port->tx_free_at = f->tx_end_ns;
    if (start == now_ns)
        transmit(n, f, now_ns);
    else
        push_event(n, SIM_EV_NET_TX, start, src, f);
    return HAL_OK;
}

/* Whether copy `seq` of f arrives damaged (then copied into out): drawn
 * from the copy's own stream, so that copies never handed to a kernel
 * shift no other copy's draws, and a rate of 0 draws nothing. */
static bool draw_corruption(struct sim_net *n, const struct sim_frame *f, uint32_t p_u32, uint64_t seq,
                            uint8_t *out)
{
    if (p_u32 == 0)
        return false;
    struct rng r;
    rng_init(&r, n->seed, RNG_PURPOSE_COPY_CORRUPTION, seq);
    return rng_chance_u32(&r, p_u32) && sim_net_corrupt(n, f, &r, out);
}

void sim_net_deliver(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq)
{
    struct sim_net_port *port = &n->ports[dst];
    port->c.rx_frames++;
    port->c.rx_bytes += f->len;
    n->total.rx_frames++;
    n->total.rx_bytes += f->len;
    const struct scn_net_params *p = sim_net_params(n, f->src, dst);
    uint8_t damaged[SIM_NET_MAX_FRAME];
    if (draw_corruption(n, f, p->corrupt_u32, seq, damaged)) {
        n->hooks.deliver(n->hooks.ctx, dst, damaged, f->len);
        return;
    }
    n->hooks.deliver(n->hooks.ctx, dst, f->bytes, f->len);
}

void sim_net_arrive(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq)
{
    if (!n->hooks.node_up(n->hooks.ctx, dst))
        sim_net_count_lost(n, f, dst, SIM_LOSS_DOWN);
    else if (sim_net_blocked(n, f->src, dst))
        sim_net_count_lost(n, f, dst, SIM_LOSS_PARTITION);
    else if (n->ports[dst].holding)
        sim_net_hold_copy(n, f, dst, seq);
    else
        sim_net_deliver(n, f, dst, seq);
}

static void arrive(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq)
{
    sim_net_arrive(n, f, dst, seq);
    sim_frame_release(f);
}

void sim_net_handle(struct sim_net *n, const struct sim_event *ev)
{
    struct sim_frame *f = ev->ptr;
    n->events_queued--;
    switch (ev->kind) {
    case SIM_EV_NET_TX: transmit(n, f, ev->time_ns); break;
    case SIM_EV_NET_FANOUT: sim_net_fanout(n, f, ev->time_ns); break;
    case SIM_EV_NET_DELIVER: arrive(n, f, ev->node, ev->seq); break;
    case SIM_EV_NET_BCAST: sim_net_bcast_free(n, ev->ptr); break;
    case SIM_EV_NET_HOP: sim_router_handle(n, ev); break;
    default: break;
    }
}

void sim_net_discard(struct sim_net *n, const struct sim_event *ev)
{
    switch (ev->kind) {
    case SIM_EV_NET_TX:
    case SIM_EV_NET_FANOUT:
    case SIM_EV_NET_DELIVER:
    case SIM_EV_NET_HOP: sim_frame_release(ev->ptr); break;
    case SIM_EV_NET_BCAST: sim_net_bcast_free(n, ev->ptr); break;
    default: return; /* not the net's */
    }
    n->events_queued--;
}
