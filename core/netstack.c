/*
 * netstack.c - frames in and out: Ethernet II demultiplexing, IPv4, UDP
 * to the cluster protocol's port, and answers to ICMP echo requests
 * (see net.h; wire formats in frame.c, address resolution in arp.c).
 *
 * Whatever a frame holds, it is parsed with bounds checks and either
 * acted upon, ignored (well formed but not for us), or counted in
 * frames_bad with a DROP trace event (malformed). The stack keeps no
 * buffer of a received frame: everything it needs later is copied.
 */
#include "net.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "netstack_priv.h"
#include "transport.h"

#define NET_DEFAULT_BASE 0x0A000000u /* 10.0.0.0 */
/* What the receive path returns for a datagram handed to the transport
 * (errors are negative, other frames 0). */
#define NETSTACK_TO_TRANSPORT 1

uint32_t net_node_ipv4(uint16_t node)
{
    return NET_DEFAULT_BASE + (uint32_t)node + 1u;
}

uint32_t net_rack_node_ipv4(uint16_t node, uint16_t rack_nodes)
{
    if (rack_nodes == 0)
        return net_node_ipv4(node);
    uint32_t rack = node / rack_nodes, host = node % rack_nodes + 1u;
    return NET_DEFAULT_BASE + (rack << 8) + host;
}

uint32_t netstack_node_ipv4(const struct kernel *k, uint16_t node)
{
    return net_rack_node_ipv4(node, k->rack_nodes);
}

/* Where a datagram for dst_ip goes first: dst_ip itself on our subnet
 * (always, on a flat LAN), our rack's gateway otherwise. */
static uint32_t netstack_next_hop(const struct kernel *k, uint32_t dst_ip)
{
    uint32_t subnet = k->ipv4 & NET_RACK_SUBNET_MASK;
    if (k->rack_nodes == 0 || (dst_ip & NET_RACK_SUBNET_MASK) == subnet)
        return dst_ip;
    return subnet | NET_RACK_GATEWAY_HOST;
}

int netstack_init(struct kernel *k)
{
    k->net = kalloc(k, sizeof *k->net);
    if (k->net == NULL)
        return ERR_NO_MEMORY;
    if (k->ipv4 == 0)
        k->ipv4 = net_node_ipv4(k->node_id);
    return 0;
}

int netstack_tx_ready(struct kernel *k)
{
    if (k->net->tx == NULL)
        k->net->tx = kalloc(k, HAL_NET_MAX_FRAME);
    return k->net->tx != NULL ? 0 : ERR_NO_MEMORY;
}

uint32_t netstack_memory_bytes(const struct kernel *k)
{
    if (k->net == NULL)
        return 0;
    return (uint32_t)sizeof *k->net + (k->net->tx != NULL ? HAL_NET_MAX_FRAME : 0u);
}

void netstack_destroy(struct kernel *k)
{
    if (k->net == NULL)
        return;
    arp_release(k);
    kfree(k, k->net->tx, HAL_NET_MAX_FRAME);
    kfree(k, k->net, sizeof *k->net);
    k->net = NULL;
}

void netstack_note_bad_frame(struct kernel *k, uint32_t len)
{
    k->stats.frames_bad++;
    struct hal_trace_event ev = {.type = HAL_TRACE_DROP, .reason = HAL_DROP_BAD_FRAME, .value = (int32_t)len};
    ktrace(k, &ev);
}

int netstack_transmit(struct kernel *k, uint32_t len)
{
    if (k->hal.net->send_frame(k->hal.ctx, k->net->tx, len) != HAL_OK)
        return ERR_BUSY;
    k->stats.frames_tx++;
    k->stats.bytes_tx += len;
    return 0;
}

static struct frame_ipv4_addr netstack_addr_to(struct kernel *k, const uint8_t *mac, uint32_t dst_ip)
{
    struct frame_ipv4_addr a = {mac, k->mac, k->ipv4, dst_ip, k->net->ip_id++};
    return a;
}

int netstack_send_udp_to(struct kernel *k, const uint8_t *mac, uint32_t dst_ip, const uint8_t *datagram,
                         uint32_t len)
{
    struct frame_ipv4_addr a = netstack_addr_to(k, mac, dst_ip);
    uint32_t frame_len =
        frame_build_udp(k->net->tx, &a, NET_CLUSTER_UDP_PORT, NET_CLUSTER_UDP_PORT, datagram, len);
    return netstack_transmit(k, frame_len);
}

int netstack_send_cluster_ipv4(struct kernel *k, uint32_t dst_ip, const uint8_t *datagram, uint32_t len)
{
    if (len > UDP_PAYLOAD_MAX)
        return ERR_TOO_BIG;
    if (dst_ip == 0 || dst_ip == IPV4_BROADCAST || dst_ip == k->ipv4)
        return ERR_INVALID;
    if (netstack_tx_ready(k) != 0)
        return ERR_NO_MEMORY;
    return arp_send_datagram(k, netstack_next_hop(k, dst_ip), dst_ip, datagram, len);
}

int netstack_send_cluster(struct kernel *k, uint16_t dst_node, const uint8_t *datagram, uint32_t len)
{
    return netstack_send_cluster_ipv4(k, netstack_node_ipv4(k, dst_node), datagram, len);
}

void netstack_forget_ipv4(struct kernel *k, uint32_t ip)
{
    arp_forget(k, ip);
}

/* Echo replies go straight back to the requester's MAC: no ARP needed,
 * and the data is returned as received (IP options are not reflected). */
static void netstack_answer_echo(struct kernel *k, const struct eth_view *eth, const struct ipv4_view *ip,
                                 const struct icmp_echo_view *echo)
{
    struct frame_ipv4_addr a = netstack_addr_to(k, eth->src, ip->src);
    uint32_t len = frame_build_icmp_echo(k->net->tx, &a, ICMP_TYPE_ECHO_REPLY, echo->id, echo->seq,
                                         echo->data, echo->len);
    (void)netstack_transmit(k, len);
}

static int netstack_on_icmp(struct kernel *k, const struct eth_view *eth, const struct ipv4_view *ip)
{
    struct icmp_echo_view echo;
    if (icmp_echo_parse(ip, &echo) != 0)
        return ERR_PROTOCOL;
    /* Echo requests to broadcast go unanswered (RFC 1122 3.2.2.6 allows
     * it), so one ping cannot make every node transmit at once. */
    if (echo.type == ICMP_TYPE_ECHO_REQUEST && ip->dst == k->ipv4 && !mac_is_group(eth->dst) &&
        netstack_tx_ready(k) == 0)
        netstack_answer_echo(k, eth, ip, &echo);
    return 0;
}

static int netstack_on_udp(struct kernel *k, const struct ipv4_view *ip)
{
    struct udp_view udp;
    if (udp_parse(ip, &udp) != 0)
        return ERR_PROTOCOL;
    /* The cluster protocol uses its port at both ends; anything else is
     * not ours and is ignored, not counted as bad. */
    if (udp.dst_port != NET_CLUSTER_UDP_PORT || udp.src_port != NET_CLUSTER_UDP_PORT)
        return 0;
    transport_on_datagram(k, ip->src, udp.payload, udp.len);
    return NETSTACK_TO_TRANSPORT;
}

static int netstack_on_ipv4(struct kernel *k, const struct eth_view *eth)
{
    struct ipv4_view ip;
    if (ipv4_parse(eth->payload, eth->len, &ip) != 0)
        return ERR_PROTOCOL;
    if (ip.dst != k->ipv4 && ip.dst != IPV4_BROADCAST)
        return 0;
    if (ip.proto == IPV4_PROTO_UDP)
        return netstack_on_udp(k, &ip);
    if (ip.proto == IPV4_PROTO_ICMP)
        return netstack_on_icmp(k, eth, &ip);
    return 0;
}

static int netstack_on_arp(struct kernel *k, const struct eth_view *eth)
{
    struct arp_view arp;
    if (arp_parse(eth->payload, eth->len, &arp) != 0)
        return ERR_PROTOCOL;
    /* Only a packet for us can make the cache claim an entry or answer;
     * without a buffer to answer from, it is ignored as if lost. */
    if (arp.target_ip == k->ipv4 && netstack_tx_ready(k) != 0)
        return 0;
    arp_on_packet(k, &arp);
    return 0;
}

static bool netstack_addressed_to_us(const struct kernel *k, const struct eth_view *eth)
{
    /* Broadcast first: on a big LAN most frames a node sees are. */
    return mac_is_broadcast(eth->dst) || kmemcmp(eth->dst, k->mac, 6) == 0;
}

static int netstack_dispatch(struct kernel *k, const uint8_t *frame, uint32_t len)
{
    struct eth_view eth;
    if (eth_parse(frame, len, &eth) != 0)
        return ERR_PROTOCOL;
    if (!netstack_addressed_to_us(k, &eth))
        return 0;
    if (eth.ethertype == ETHERTYPE_IPV4)
        return netstack_on_ipv4(k, &eth);
    if (eth.ethertype == ETHERTYPE_ARP)
        return netstack_on_arp(k, &eth);
    return 0;
}

bool netstack_on_frame(struct kernel *k, const uint8_t *frame, uint32_t len)
{
    k->stats.frames_rx++;
    k->stats.bytes_rx += len;
    if (frame == NULL)
        len = 0;
    int rc = netstack_dispatch(k, frame, len);
    if (rc < 0)
        netstack_note_bad_frame(k, len);
    return rc == NETSTACK_TO_TRANSPORT;
}

/* Mirrors netstack_dispatch without acting: anything malformed acts (it
 * is counted bad and traced), and so does every IPv4 packet for us; an
 * ARP packet acts by arp_packet_acts; everything else is ignored. */
uint32_t netstack_frame_acts_epoch(const struct kernel *k)
{
    return k->net->arp.claims;
}

bool netstack_frame_acts(const struct kernel *k, const uint8_t *frame, uint32_t len)
{
    struct eth_view eth;
    if (frame == NULL || eth_parse(frame, len, &eth) != 0)
        return true;
    if (!netstack_addressed_to_us(k, &eth))
        return false;
    if (eth.ethertype == ETHERTYPE_IPV4)
        return true;
    if (eth.ethertype != ETHERTYPE_ARP)
        return false;
    struct arp_view arp;
    return arp_parse(eth.payload, eth.len, &arp) != 0 || arp_packet_acts(k, &arp);
}
