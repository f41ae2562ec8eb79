/*
 * test_racks_net.c - the simulated network with a rack topology
 * (hal-sim/sim_topology.h, sim_router.c), driven without kernels: frames
 * in, arrival times and bytes out. Two racks of four nodes; node links
 * 1 Gbps with 1 us latency, ToR-spine links 500 Mbps with 3 us latency.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/frame.h"
#include "core/net.h"
#include "hal-sim/sim_net.h"

#define NODES 8u
#define PER_RACK 4u
#define TOR_LATENCY_NS 1000u
#define TOR_BPS 1000000000u
#define SPINE_LATENCY_NS 3000u
#define UPLINK_BPS 500000000u
#define MAX_ARRIVALS 64u

struct arrival {
    uint64_t t;
    uint32_t node, len;
    uint8_t bytes[HAL_NET_MAX_FRAME];
};

static struct {
    struct scenario scn;
    struct scn_node nodes[NODES];
    struct sim_queue q;
    struct sim_net net;
    uint64_t now;
    struct arrival got[MAX_ARRIVALS];
    uint32_t got_count;
    uint32_t captured[2 * NODES]; /* frames per capture file */
    uint32_t lost[SIM_LOSS_COUNT];
} w;

static bool up(void *ctx, uint32_t node)
{
    return (void)ctx, (void)node, true;
}

static void deliver(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len)
{
    (void)ctx;
    cr_assert_lt(w.got_count, MAX_ARRIVALS);
    struct arrival *a = &w.got[w.got_count++];
    a->t = w.now;
    a->node = node;
    a->len = len;
    memcpy(a->bytes, frame, len);
}

static void wire(void *ctx, uint32_t src, const uint8_t *frame, uint32_t len)
{
    (void)ctx, (void)frame, (void)len;
    w.captured[sim_net_capture_of_node(&w.net, src)]++;
}

static void router_wire(void *ctx, uint32_t capture, const uint8_t *frame, uint32_t len)
{
    (void)ctx, (void)frame, (void)len;
    w.captured[capture]++;
}

static void lost(void *ctx, uint32_t src, uint32_t dst, enum sim_loss_reason why, uint32_t len)
{
    (void)ctx, (void)src, (void)dst, (void)len;
    w.lost[why]++;
}

static void setup(uint64_t uplink_bps)
{
    memset(&w, 0, sizeof w);
    w.scn.node_count = NODES;
    w.scn.nodes = w.nodes;
    w.scn.net = (struct scn_net_params){.latency_ns = TOR_LATENCY_NS, .bandwidth_bps = TOR_BPS};
    w.scn.topology = (struct scn_topology){.racks = NODES / PER_RACK,
                                           .nodes_per_rack = PER_RACK,
                                           .spine_latency_ns = SPINE_LATENCY_NS,
                                           .uplink_bps = uplink_bps,
                                           .pcap = SCN_PCAP_LINK};
    sim_queue_init(&w.q);
    struct sim_net_hooks hooks = {
        .ctx = &w, .node_up = up, .deliver = deliver, .wire = wire, .router_wire = router_wire, .lost = lost};
    sim_net_init(&w.net, &w.scn, 1, &w.q, &hooks);
}

static void teardown(void)
{
    struct sim_event ev;
    while (sim_queue_pop(&w.q, &ev))
        sim_net_discard(&w.net, &ev);
    sim_net_free(&w.net);
    sim_queue_free(&w.q);
}

static void run(void)
{
    struct sim_event ev;
    while (sim_queue_pop(&w.q, &ev)) {
        w.now = ev.time_ns;
        sim_net_handle(&w.net, &ev);
    }
    cr_assert_eq(w.net.events_queued, 0);
}

static void node_mac(uint32_t node, uint8_t mac[6])
{
    sim_net_mac_of_node(node, mac);
}

static void tor_mac(uint32_t rack, uint8_t mac[6])
{
    const uint8_t m[6] = {0x02, 0, 0, 0x01, 0, (uint8_t)rack};
    memcpy(mac, m, 6);
}

/* A UDP frame with `payload` bytes from node src to node dst's address,
 * sent to Ethernet address eth_dst, with IPv4 TTL ttl. */
static uint32_t udp_frame(uint8_t *out, uint32_t src, uint32_t dst, const uint8_t eth_dst[6],
                          uint32_t payload, uint8_t ttl)
{
    uint8_t src_mac[6], data[HAL_NET_MAX_FRAME] = {0};
    node_mac(src, src_mac);
    struct frame_ipv4_addr a = {eth_dst, src_mac, net_rack_node_ipv4((uint16_t)src, PER_RACK),
                                net_rack_node_ipv4((uint16_t)dst, PER_RACK), 7};
    uint32_t len = frame_build_udp(out, &a, NET_CLUSTER_UDP_PORT, NET_CLUSTER_UDP_PORT, data, payload);
    uint8_t *ip = out + ETH_HEADER_BYTES;
    ip[8] = ttl;
    ip[10] = ip[11] = 0;
    uint16_t sum = inet_checksum_finish(inet_sum(0, ip, IPV4_HEADER_MIN));
    ip[10] = (uint8_t)(sum >> 8);
    ip[11] = (uint8_t)sum;
    return len;
}

/* Wire time of a frame of len bytes at bps, as the network charges it:
 * the frame, FCS, preamble and gap. */
static uint64_t wire_ns(uint32_t len, uint64_t bps)
{
    return ((uint64_t)(len + SIM_NET_WIRE_OVERHEAD) * 8u * 1000000000u + bps - 1) / bps;
}

Test(racks, cross_rack_frame_takes_every_tier, .fini = teardown)
{
    setup(UPLINK_BPS);
    uint8_t f[HAL_NET_MAX_FRAME], gw[6];
    tor_mac(0, gw);
    uint32_t len = udp_frame(f, 1, 6, gw, 100, 64);
    cr_assert_eq(sim_net_send(&w.net, 1, f, len, 0), HAL_OK);
    run();
    cr_assert_eq(w.got_count, 1);
    /* Node 1's NIC, its link to ToR 0, ToR 0's uplink and its link to the
     * spine, the spine's downlink to rack 1 and its link, ToR 1's port to
     * node 6 and that link. */
    uint64_t want = wire_ns(len, TOR_BPS) + TOR_LATENCY_NS +
                    2 * (wire_ns(len, UPLINK_BPS) + SPINE_LATENCY_NS) + wire_ns(len, TOR_BPS) +
                    TOR_LATENCY_NS;
    cr_assert_eq(want, 1328u + 1000u + 2 * (2656u + 3000u) + 1328u + 1000u, "142 bytes on the wire");
    cr_assert_eq(w.got[0].t, want);
    cr_assert_eq(w.got[0].node, 6);
    struct eth_view eth;
    struct ipv4_view ip;
    cr_assert_eq(eth_parse(w.got[0].bytes, w.got[0].len, &eth), 0);
    uint8_t mac6[6], tor1[6];
    node_mac(6, mac6);
    tor_mac(1, tor1);
    cr_assert_arr_eq(eth.dst, mac6, 6, "the last router addresses the node");
    cr_assert_arr_eq(eth.src, tor1, 6, "...from its own MAC");
    cr_assert_eq(ipv4_parse(eth.payload, eth.len, &ip), 0, "the header checksum still holds");
    cr_assert_eq(ip.ttl, 61, "three routers on the way");
    cr_assert_eq(ip.dst, net_rack_node_ipv4(6, PER_RACK));
    /* Rack 0 saw it leave node 1, rack 1 saw ToR 1 send it, and both
     * uplinks carried it. */
    cr_assert_eq(w.captured[0], 1);
    cr_assert_eq(w.captured[1], 1);
    cr_assert_eq(w.captured[2], 1);
    cr_assert_eq(w.captured[3], 1);
}

/* Two nodes of rack 0 each send FRAMES full frames to rack 1 at once:
 * their NICs together offer twice what the uplink (at the node links'
 * rate here: 4 nodes x 1 Gbps / 4) carries, so the uplink paces them. */
#define FRAMES 10u
Test(racks, oversubscribed_uplink_is_shared, .fini = teardown)
{
    setup(TOR_BPS);
    uint8_t f[HAL_NET_MAX_FRAME], gw[6];
    tor_mac(0, gw);
    uint32_t len = 0;
    for (uint32_t i = 0; i < FRAMES; i++) {
        for (uint32_t src = 0; src < 2; src++) {
            len = udp_frame(f, src, 4 + src, gw, UDP_PAYLOAD_MAX, 64);
            cr_assert_eq(sim_net_send(&w.net, src, f, len, 0), HAL_OK);
        }
    }
    run();
    cr_assert_eq(w.got_count, 2 * FRAMES);
    uint64_t frame_ns = wire_ns(len, TOR_BPS);
    cr_assert_eq(frame_ns, 12304u);
    /* The uplink starts when the first frames reach ToR 0 and is busy
     * from then on with all 2 x FRAMES; the last one then crosses the
     * spine and rack 1 without waiting (each link there is as fast). */
    uint64_t uplink_done = frame_ns + TOR_LATENCY_NS + 2 * FRAMES * frame_ns;
    uint64_t want_last =
        uplink_done + SPINE_LATENCY_NS + frame_ns + SPINE_LATENCY_NS + frame_ns + TOR_LATENCY_NS;
    cr_assert_eq(w.got[w.got_count - 1].t, want_last);
    /* Without the shared uplink each node's frames would be paced by its
     * own NIC only: the last would leave it FRAMES frames after 0. */
    cr_assert_gt(want_last, FRAMES * frame_ns + 3 * frame_ns + 2 * SPINE_LATENCY_NS + 2 * TOR_LATENCY_NS);
}

Test(racks, broadcasts_stay_in_the_rack_and_the_tor_answers_arp, .fini = teardown)
{
    setup(UPLINK_BPS);
    uint8_t f[HAL_NET_MAX_FRAME], mac1[6];
    const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, zero[6] = {0};
    node_mac(1, mac1);
    uint32_t gateway = (net_rack_node_ipv4(1, PER_RACK) & NET_RACK_SUBNET_MASK) | NET_RACK_GATEWAY_HOST;
    uint32_t len =
        frame_build_arp(f, bcast, mac1, ARP_OP_REQUEST, net_rack_node_ipv4(1, PER_RACK), zero, gateway);
    cr_assert_eq(sim_net_send(&w.net, 1, f, len, 0), HAL_OK);
    run();
    /* Nodes 0, 2 and 3 (rack 0) get the request, none of rack 1; node 1
     * gets the ToR's reply. */
    cr_assert_eq(w.got_count, 4);
    uint32_t seen = 0;
    for (uint32_t i = 0; i < w.got_count; i++) {
        cr_assert_lt(w.got[i].node, PER_RACK, "node %u of rack 1 got rack 0's broadcast", w.got[i].node);
        seen |= 1u << w.got[i].node;
    }
    cr_assert_eq(seen, 0xFu);
    const struct arrival *reply = &w.got[w.got_count - 1];
    cr_assert_eq(reply->node, 1);
    uint64_t arp_ns = wire_ns(ETH_MIN_FRAME, TOR_BPS);
    cr_assert_eq(reply->t, 2 * (arp_ns + TOR_LATENCY_NS), "request up to the ToR, reply back down");
    struct eth_view eth;
    struct arp_view arp;
    cr_assert_eq(eth_parse(reply->bytes, reply->len, &eth), 0);
    cr_assert_eq(arp_parse(eth.payload, eth.len, &arp), 0);
    uint8_t tor0[6];
    tor_mac(0, tor0);
    cr_assert_eq(arp.op, ARP_OP_REPLY);
    cr_assert_eq(arp.sender_ip, gateway);
    cr_assert_arr_eq(arp.sender_mac, tor0, 6);
    cr_assert_eq(w.captured[0], 2, "rack 0's capture: the request and the reply");
    cr_assert_eq(w.captured[1], 0, "rack 1's capture: nothing");
}

Test(racks, unroutable_frames_are_lost_no_route, .fini = teardown)
{
    setup(UPLINK_BPS);
    uint8_t f[HAL_NET_MAX_FRAME], gw[6], mac5[6];
    tor_mac(0, gw);
    node_mac(5, mac5);
    /* TTL 2: ToR 0 makes it 1, the spine cannot forward it. */
    uint32_t len = udp_frame(f, 1, 6, gw, 10, 2);
    cr_assert_eq(sim_net_send(&w.net, 1, f, len, 0), HAL_OK);
    /* Straight to a node of another rack: no layer-2 path. */
    len = udp_frame(f, 1, 5, mac5, 10, 64);
    cr_assert_eq(sim_net_send(&w.net, 1, f, len, 0), HAL_OK);
    run();
    cr_assert_eq(w.got_count, 0);
    cr_assert_eq(w.lost[SIM_LOSS_NO_ROUTE], 2);
    cr_assert_eq(w.captured[2], 1, "the first crossed rack 0's uplink");
}
