/*
 * sim_router.c - see sim_router.h.
 *
 * A routed frame's path is a chain of SIM_EV_NET_HOP events; the event's
 * arg says where the frame is, its node the node it is for:
 *   AT_TOR_UP -> UPLINK -> AT_SPINE -> DOWNLINK -> AT_TOR_DOWN -> PORT
 * (a frame for the sender's own rack goes from AT_TOR_UP straight to
 * PORT). At an AT_* hop a router has the whole frame and queues it on its
 * next link; UPLINK, DOWNLINK and PORT are the moments the frame starts
 * on that link.
 */
#include "sim_router.h"

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/frame.h"
#include "host/xalloc.h"
#include "sim_net_priv.h"
#include "sim_topology.h"

enum sim_hop {
    HOP_AT_TOR_UP, /* at the sender's ToR */
    HOP_UPLINK,    /* starts on the sender's rack's link to the spine */
    HOP_AT_SPINE,
    HOP_DOWNLINK,    /* starts on the spine's link to the receiver's rack */
    HOP_AT_TOR_DOWN, /* at the receiver's ToR */
    HOP_PORT,        /* starts on a ToR's link to its node */
};

#define IPV4_TTL_OFFSET 8u
#define IPV4_CHECKSUM_OFFSET 10u
#define IPV4_DST_OFFSET 16u

static void push_hop(struct sim_net *n, uint64_t t, enum sim_hop hop, uint32_t node, struct sim_frame *f)
{
    struct sim_event ev = {.time_ns = t, .ptr = f, .arg = hop, .node = node, .kind = SIM_EV_NET_HOP};
    sim_queue_push(n->queue, &ev);
    n->events_queued++;
}

static void drop(struct sim_net *n, struct sim_frame *f, uint32_t dst, enum sim_loss_reason why)
{
    sim_net_count_lost(n, f, dst, why);
    sim_frame_release(f);
}

void sim_router_ingress(struct sim_net *n, struct sim_frame *f)
{
    if (rng_chance_u32(&n->rng, n->defaults.loss_u32)) {
        drop(n, f, SIM_NET_BROADCAST, SIM_LOSS_RANDOM);
        return;
    }
    push_hop(n, f->tx_end_ns + n->defaults.latency_ns, HOP_AT_TOR_UP, f->src, f);
}

/* The IPv4 header of f, or NULL when f carries no well-formed one. */
static uint8_t *ipv4_header(struct sim_frame *f)
{
    if (f->len < ETH_HEADER_BYTES + IPV4_HEADER_MIN || f->bytes[12] != 0x08 || f->bytes[13] != 0x00)
        return NULL;
    uint8_t *ip = f->bytes + ETH_HEADER_BYTES;
    uint32_t header = (ip[0] & 0x0Fu) * 4u;
    if ((ip[0] >> 4) != 4u || header < IPV4_HEADER_MIN || header > f->len - ETH_HEADER_BYTES)
        return NULL;
    return ip;
}

/* One router hop: false when the TTL runs out; otherwise the TTL is one
 * less and the header checksum made right again. */
static bool spend_ttl(uint8_t *ip)
{
    if (ip[IPV4_TTL_OFFSET] <= 1u)
        return false;
    ip[IPV4_TTL_OFFSET]--;
    ip[IPV4_CHECKSUM_OFFSET] = ip[IPV4_CHECKSUM_OFFSET + 1] = 0;
    uint16_t sum = inet_checksum_finish(inet_sum(0, ip, (ip[0] & 0x0Fu) * 4u));
    ip[IPV4_CHECKSUM_OFFSET] = (uint8_t)(sum >> 8);
    ip[IPV4_CHECKSUM_OFFSET + 1] = (uint8_t)sum;
    return true;
}

static void set_macs(struct sim_frame *f, const uint8_t dst[6], const uint8_t src[6])
{
    memcpy(f->bytes, dst, 6);
    memcpy(f->bytes + 6, src, 6);
}

/* f waits for the link that is free at *free_at and starts on it at
 * `hop`; the link is then busy for f's wire time at bps. */
static void enqueue(struct sim_net *n, struct sim_frame *f, uint64_t *free_at, uint64_t bps, uint64_t now,
                    enum sim_hop hop, uint32_t dst)
{
    uint64_t start = *free_at > now ? *free_at : now;
    *free_at = start + sim_net_wire_time_ns(f->len, bps);
    push_hop(n, start, hop, dst, f);
}

/* The ToR of dst's rack sends f down to dst. */
static void to_port(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t now)
{
    uint8_t node_mac[6], tor_mac[6];
    sim_net_mac_of_node(dst, node_mac);
    sim_topology_tor_mac(sim_topology_rack(n->topo, dst), tor_mac);
    set_macs(f, node_mac, tor_mac);
    enqueue(n, f, &n->topo->port_free_at[dst], n->defaults.bandwidth_bps, now, HOP_PORT, dst);
}

static void at_tor_up(struct sim_net *n, struct sim_frame *f, uint64_t now)
{
    const struct sim_topology *t = n->topo;
    uint8_t *ip = ipv4_header(f);
    uint32_t dst = ip == NULL ? UINT32_MAX : sim_topology_node_of_ipv4(t, get_be32(ip + IPV4_DST_OFFSET));
    if (dst == UINT32_MAX || !spend_ttl(ip)) {
        drop(n, f, dst == UINT32_MAX ? SIM_NET_BROADCAST : dst, SIM_LOSS_NO_ROUTE);
        return;
    }
    uint32_t rack = sim_topology_rack(t, f->src);
    if (sim_topology_rack(t, dst) == rack) {
        to_port(n, f, dst, now);
        return;
    }
    uint8_t spine_mac[6], tor_mac[6];
    sim_topology_spine_mac(spine_mac);
    sim_topology_tor_mac(rack, tor_mac);
    set_macs(f, spine_mac, tor_mac);
    enqueue(n, f, &t->up_free_at[rack], t->uplink_bps, now, HOP_UPLINK, dst);
}

static void at_spine(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t now)
{
    const struct sim_topology *t = n->topo;
    if (!spend_ttl(ipv4_header(f))) {
        drop(n, f, dst, SIM_LOSS_NO_ROUTE);
        return;
    }
    uint32_t rack = sim_topology_rack(t, dst);
    uint8_t spine_mac[6], tor_mac[6];
    sim_topology_spine_mac(spine_mac);
    sim_topology_tor_mac(rack, tor_mac);
    set_macs(f, tor_mac, spine_mac);
    enqueue(n, f, &t->down_free_at[rack], t->uplink_bps, now, HOP_DOWNLINK, dst);
}

static void at_tor_down(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t now)
{
    if (!spend_ttl(ipv4_header(f))) {
        drop(n, f, dst, SIM_LOSS_NO_ROUTE);
        return;
    }
    to_port(n, f, dst, now);
}

/* f starts on the link `hop` names: the capture sees it, the link's loss
 * is drawn, and it arrives where the link leads. */
static void link_start(struct sim_net *n, struct sim_frame *f, enum sim_hop hop, uint32_t dst, uint64_t now)
{
    const struct sim_topology *t = n->topo;
    bool port = hop == HOP_PORT;
    uint32_t rack = sim_topology_rack(t, hop == HOP_UPLINK ? f->src : dst);
    bool captured = port || t->capture_uplinks;
    if (captured && n->hooks.router_wire != NULL)
        n->hooks.router_wire(n->hooks.ctx, port ? rack : sim_topology_uplink_capture(t, rack), f->bytes,
                             f->len);
    if (rng_chance_u32(&n->rng, port ? n->defaults.loss_u32 : t->spine_loss_u32)) {
        drop(n, f, dst, SIM_LOSS_RANDOM);
        return;
    }
    uint64_t bps = port ? n->defaults.bandwidth_bps : t->uplink_bps;
    uint64_t at =
        now + sim_net_wire_time_ns(f->len, bps) + (port ? n->defaults.latency_ns : t->spine_latency_ns);
    if (port) {
        struct sim_event ev = {.time_ns = at, .ptr = f, .node = dst, .kind = SIM_EV_NET_DELIVER};
        sim_queue_push(n->queue, &ev);
        n->events_queued++;
        return;
    }
    push_hop(n, at, hop == HOP_UPLINK ? HOP_AT_SPINE : HOP_AT_TOR_DOWN, dst, f);
}

void sim_router_handle(struct sim_net *n, const struct sim_event *ev)
{
    struct sim_frame *f = ev->ptr;
    switch ((enum sim_hop)ev->arg) {
    case HOP_AT_TOR_UP: at_tor_up(n, f, ev->time_ns); break;
    case HOP_AT_SPINE: at_spine(n, f, ev->node, ev->time_ns); break;
    case HOP_AT_TOR_DOWN: at_tor_down(n, f, ev->node, ev->time_ns); break;
    case HOP_UPLINK:
    case HOP_DOWNLINK:
    case HOP_PORT: link_start(n, f, (enum sim_hop)ev->arg, ev->node, ev->time_ns); break;
    }
}

void sim_router_broadcast(struct sim_net *n, const struct sim_frame *f, uint64_t now)
{
    struct eth_view eth;
    struct arp_view arp;
    uint32_t rack = sim_topology_rack(n->topo, f->src), gateway = sim_topology_gateway_ipv4(rack);
    if (eth_parse(f->bytes, f->len, &eth) != 0 || eth.ethertype != ETHERTYPE_ARP ||
        arp_parse(eth.payload, eth.len, &arp) != 0 || arp.op != ARP_OP_REQUEST || arp.target_ip != gateway ||
        mac_is_group(arp.sender_mac))
        return;
    if (rng_chance_u32(&n->rng, n->defaults.loss_u32)) {
        sim_net_count_lost(n, f, SIM_NET_BROADCAST, SIM_LOSS_RANDOM);
        return;
    }
    uint8_t tor_mac[6], reply[HAL_NET_MAX_FRAME];
    sim_topology_tor_mac(rack, tor_mac);
    uint32_t len =
        frame_build_arp(reply, arp.sender_mac, tor_mac, ARP_OP_REPLY, gateway, arp.sender_mac, arp.sender_ip);
    struct sim_frame *r = xmalloc(sizeof *r + len);
    *r = (struct sim_frame){.refs = 1, .src = f->src, .len = len};
    memcpy(r->bytes, reply, len);
    /* The reply goes to the sender's port even if its MAC claims another. */
    enqueue(n, r, &n->topo->port_free_at[f->src], n->defaults.bandwidth_bps, now, HOP_PORT, f->src);
}
