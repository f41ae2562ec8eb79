/*
 * net.h - the node's network stack: Ethernet II, ARP, IPv4, UDP and ICMP
 * echo, carrying the cluster protocol (docs/protocol.md).
 *
 * Addressing convention: node n has IPv4 address 10.0.0.0 + n + 1 unless
 * configured otherwise, and its NIC's MAC address; peers' MAC addresses are
 * learnt with ARP.
 *
 * In racks of R nodes (kernel_config.rack_nodes = R), node n is host
 * n % R + 1 of rack n / R's subnet, the /24 at 10.0.0.0 + (n / R) * 256,
 * whose router (the gateway) is host 254. A datagram for another subnet
 * goes to the gateway's MAC, still addressed to its node.
 */
#ifndef CORE_NET_H
#define CORE_NET_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

#define NET_CLUSTER_UDP_PORT 5119u

#define NET_RACK_MAX_NODES 253u    /* hosts 1..253 of a /24 */
#define NET_RACK_GATEWAY_HOST 254u
#define NET_RACK_SUBNET_MASK 0xFFFFFF00u

/* The default IPv4 address of node `node` (host byte order). */
uint32_t net_node_ipv4(uint16_t node);

/* The same in racks of rack_nodes nodes (0: the flat default above). */
uint32_t net_rack_node_ipv4(uint16_t node, uint16_t rack_nodes);

/* The address of node `node` as k's cluster lays addresses out. */
uint32_t netstack_node_ipv4(const struct kernel *k, uint16_t node);

/* Allocate the stack's state for k (k->net). 0 or ERR_NO_MEMORY. */
int netstack_init(struct kernel *k);
void netstack_destroy(struct kernel *k);

/* Handle one received frame: answer ARP and ICMP echo, hand cluster
 * protocol datagrams to the transport, count and drop anything malformed.
 * True when a datagram reached the transport. */
bool netstack_on_frame(struct kernel *k, const uint8_t *frame, uint32_t len);

/* Whether netstack_on_frame would do more with this frame than count it
 * (frames_rx, bytes_rx): false for a frame that is not for us, an ARP
 * packet this node ignores (arp_packet_acts), or an unknown ethertype. */
bool netstack_frame_acts(const struct kernel *k, const uint8_t *frame, uint32_t len);
uint32_t netstack_frame_acts_epoch(const struct kernel *k);

/* Send one cluster protocol datagram (`len` bytes, header included) to
 * node `dst_node` over UDP, resolving its MAC with ARP first if needed
 * (the datagram waits for the reply; a lost one is the transport's to
 * retransmit). 0, ERR_TOO_BIG, ERR_NO_MEMORY or ERR_BUSY. */
int netstack_send_cluster(struct kernel *k, uint16_t dst_node, const uint8_t *datagram, uint32_t len);

/* The same to an explicit address: the transport answers a peer at the
 * address its datagrams came from, which need not be the default one.
 * Also ERR_INVALID for 0, broadcast or our own address. */
int netstack_send_cluster_ipv4(struct kernel *k, uint32_t dst_ipv4, const uint8_t *datagram, uint32_t len);

/* Forget the MAC learnt for dst_ipv4 (its node stopped answering; it may
 * come back with another NIC), so the next send asks ARP again. */
void netstack_forget_ipv4(struct kernel *k, uint32_t dst_ipv4);

/* Count a malformed frame or datagram (frames_bad) and trace its drop. */
void netstack_note_bad_frame(struct kernel *k, uint32_t len);

#endif
