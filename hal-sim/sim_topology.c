/*
 * sim_topology.c - see sim_topology.h.
 */
#include "sim_topology.h"

#include <stdlib.h>

#include "core/net.h"
#include "host/xalloc.h"

#define SIM_TOPOLOGY_BASE_IPV4 0x0A000000u /* 10.0.0.0, as core/net.h lays it out */

struct sim_topology *sim_topology_new(const struct scenario *s)
{
    const struct scn_topology *st = &s->topology;
    if (st->racks == 0)
        return NULL;
    struct sim_topology *t = xcalloc(1, sizeof *t);
    t->racks = st->racks;
    t->per_rack = st->nodes_per_rack;
    t->spine_latency_ns = st->spine_latency_ns;
    t->spine_loss_u32 = st->spine_loss_u32;
    t->uplink_bps = st->uplink_bps;
    t->capture_uplinks = st->pcap == SCN_PCAP_LINK;
    t->up_free_at = xcalloc(t->racks, sizeof t->up_free_at[0]);
    t->down_free_at = xcalloc(t->racks, sizeof t->down_free_at[0]);
    t->port_free_at = xcalloc(s->node_count, sizeof t->port_free_at[0]);
    return t;
}

void sim_topology_free(struct sim_topology *t)
{
    if (t == NULL)
        return;
    free(t->up_free_at);
    free(t->down_free_at);
    free(t->port_free_at);
    free(t);
}

void sim_topology_tor_mac(uint32_t rack, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = mac[2] = 0;
    mac[3] = 0x01;
    mac[4] = (uint8_t)(rack >> 8);
    mac[5] = (uint8_t)rack;
}

void sim_topology_spine_mac(uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = mac[2] = 0;
    mac[3] = 0x02;
    mac[4] = mac[5] = 0;
}

uint32_t sim_topology_gateway_ipv4(uint32_t rack)
{
    return SIM_TOPOLOGY_BASE_IPV4 + (rack << 8) + NET_RACK_GATEWAY_HOST;
}

uint32_t sim_topology_rack_of_tor_mac(const struct sim_topology *t, const uint8_t mac[6])
{
    if (mac[0] != 0x02 || mac[1] != 0 || mac[2] != 0 || mac[3] != 0x01)
        return UINT32_MAX;
    uint32_t rack = ((uint32_t)mac[4] << 8) | mac[5];
    return rack < t->racks ? rack : UINT32_MAX;
}

uint32_t sim_topology_node_of_ipv4(const struct sim_topology *t, uint32_t ip)
{
    if ((ip & 0xFF000000u) != SIM_TOPOLOGY_BASE_IPV4)
        return UINT32_MAX;
    uint32_t rack = (ip & 0x00FFFF00u) >> 8, host = ip & 0xFFu;
    if (rack >= t->racks || host == 0 || host > t->per_rack)
        return UINT32_MAX;
    return rack * t->per_rack + host - 1u;
}
