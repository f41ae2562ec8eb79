/*
 * sim_topology.h - a rack topology (scenario.h struct scn_topology) as the
 * simulated network sees it: the address plan and the state of its links.
 *
 * Rack r holds nodes r*R .. r*R+R-1 (R nodes per rack) on the subnet
 * 10.0.0.0 + r*256 /24 (core/net.h). Its top-of-rack router (ToR) has MAC
 * 02:00:00:01:(r>>8):(r&255) and the rack's gateway address, host 254;
 * the spine router has MAC 02:00:00:02:00:00. Broadcasts stay in their
 * rack; the ToR answers ARP for its gateway address and forwards IPv4
 * between racks through the spine (sim_router.c).
 *
 * Links and their timing: a node's link to its ToR has the "tor" tier's
 * latency, bandwidth and loss (the frame is serialised by the sender's NIC
 * as on the flat LAN, and again by the ToR towards a node); each rack's
 * uplink to the spine has the "spine" tier's latency and loss and the
 * uplink bandwidth, one queue each way, shared by every frame leaving or
 * entering the rack. Routers store and forward; links queue without limit
 * (a transport's window bounds what waits).
 */
#ifndef SIM_TOPOLOGY_H
#define SIM_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"

struct sim_topology {
    uint32_t racks, per_rack;
    uint64_t spine_latency_ns;
    uint32_t spine_loss_u32;
    uint64_t uplink_bps;
    bool capture_uplinks;   /* "pcap": "link" */
    uint64_t *up_free_at;   /* per rack: when its ToR -> spine link is free */
    uint64_t *down_free_at; /* per rack: when the spine -> ToR link is free */
    uint64_t *port_free_at; /* per node: when its ToR -> node link is free */
};

/* NULL for a flat LAN. */
struct sim_topology *sim_topology_new(const struct scenario *s);
void sim_topology_free(struct sim_topology *t);

static inline uint32_t sim_topology_rack(const struct sim_topology *t, uint32_t node)
{
    return node / t->per_rack;
}

void sim_topology_tor_mac(uint32_t rack, uint8_t mac[6]);
void sim_topology_spine_mac(uint8_t mac[6]);
uint32_t sim_topology_gateway_ipv4(uint32_t rack);

/* The rack whose ToR has this MAC, or UINT32_MAX. */
uint32_t sim_topology_rack_of_tor_mac(const struct sim_topology *t, const uint8_t mac[6]);

/* The node with this IPv4 address, or UINT32_MAX. */
uint32_t sim_topology_node_of_ipv4(const struct sim_topology *t, uint32_t ip);

/* Capture files (sim_pcaps.h): one per rack (its node links), then with
 * capture_uplinks one per rack's uplink. */
static inline uint32_t sim_topology_uplink_capture(const struct sim_topology *t, uint32_t rack)
{
    return t->racks + rack;
}

#endif
