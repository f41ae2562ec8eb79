/*
 * sim_net_faults.c - what the LAN does beyond carrying frames: partitions
 * (between groups, or one way), corruption of a delivered copy, and the
 * receive ring that holds a paused node's frames (sim_net.h).
 */
#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"
#include "sim_net_priv.h"

#define ETH_HEADER_BYTES 14u
#define IPV4_HEADER_MIN_BYTES 20u

/* A partition or a heal changes whom a copy in flight reaches: the
 * copies counted ahead of arrival are queued to arrive as events. */
void sim_net_partition(struct sim_net *n, const uint32_t *group_of_node)
{
    sim_net_take_back(n, SIM_NET_BROADCAST);
    for (uint32_t i = 0; i < n->node_count; i++) {
        n->ports[i].group = group_of_node[i];
        n->ports[i].side = SCN_SIDE_NONE;
    }
    n->partitioned = true;
}

void sim_net_partition_one_way(struct sim_net *n, const uint32_t *side_of_node)
{
    sim_net_take_back(n, SIM_NET_BROADCAST);
    for (uint32_t i = 0; i < n->node_count; i++) {
        n->ports[i].group = 0;
        n->ports[i].side = side_of_node[i];
    }
    n->partitioned = true;
}

void sim_net_heal(struct sim_net *n)
{
    sim_net_take_back(n, SIM_NET_BROADCAST);
    for (uint32_t i = 0; i < n->node_count; i++)
        n->ports[i].group = n->ports[i].side = 0;
    n->partitioned = false;
}

/* The bytes of f's IPv4 packet: from the end of the Ethernet header to
 * the packet's total length (or the frame's end); 0 when it has none.
 * Only there does every receiver check what arrives: the Ethernet
 * header (the switch routed by it) and ARP have no checksum of their own
 * beyond the Ethernet FCS, which would have dropped the frame. */
static uint32_t ipv4_bytes(const struct sim_frame *f)
{
    const uint8_t *b = f->bytes;
    /* The EtherType (bytes 12-13) says IPv4, 0x0800; the IPv4 header's
     * total length is its bytes 2-3. */
    if (f->len < ETH_HEADER_BYTES + IPV4_HEADER_MIN_BYTES || b[12] != 0x08 || b[13] != 0x00)
        return 0;
    uint32_t total = (uint32_t)b[ETH_HEADER_BYTES + 2] << 8 | b[ETH_HEADER_BYTES + 3];
    uint32_t room = f->len - ETH_HEADER_BYTES;
    return total < room ? total : room;
}

bool sim_net_corrupt(struct sim_net *n, const struct sim_frame *f, struct rng *r, uint8_t *out)
{
    uint32_t bytes = ipv4_bytes(f);
    if (bytes == 0)
        return false;
    uint64_t bit = rng_below(r, (uint64_t)bytes * 8u);
    memcpy(out, f->bytes, f->len);
    out[ETH_HEADER_BYTES + bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
    n->ports[f->src].c.corrupted++;
    n->total.corrupted++;
    return true;
}

void sim_net_hold(struct sim_net *n, uint32_t node)
{
    struct sim_net_port *port = &n->ports[node];
    sim_net_take_back(n, node); /* what arrives now waits in the ring */
    if (port->held == NULL)
        port->held = xcalloc(SIM_NET_RX_RING_FRAMES, sizeof port->held[0]);
    port->holding = true;
}

void sim_net_hold_copy(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq)
{
    struct sim_net_port *port = &n->ports[dst];
    if (port->held_count == SIM_NET_RX_RING_FRAMES) {
        sim_net_count_lost(n, f, dst, SIM_LOSS_RING_FULL);
        return;
    }
    f->refs++;
    port->held[port->held_count++] = (struct sim_net_held){.f = f, .seq = seq};
    n->held++;
}

uint32_t sim_net_release(struct sim_net *n, uint32_t node)
{
    struct sim_net_port *port = &n->ports[node];
    uint32_t count = port->held_count;
    port->holding = false;
    port->held_count = 0;
    n->held -= count;
    /* The hook may send frames but never pauses this node again. */
    for (uint32_t i = 0; i < count; i++) {
        sim_net_deliver(n, port->held[i].f, node, port->held[i].seq);
        sim_frame_release(port->held[i].f);
    }
    return count;
}

void sim_net_drop_held(struct sim_net *n, uint32_t node)
{
    struct sim_net_port *port = &n->ports[node];
    sim_net_take_back(n, node); /* what arrives now is lost (down) */
    for (uint32_t i = 0; i < port->held_count; i++) {
        sim_net_count_lost(n, port->held[i].f, node, SIM_LOSS_DOWN);
        sim_frame_release(port->held[i].f);
    }
    n->held -= port->held_count;
    port->held_count = 0;
    port->holding = false;
}
