/*
 * netstack_priv.h - the network stack's per-node state, shared by
 * netstack.c (frames in and out, IPv4, UDP, ICMP) and arp.c.
 */
#ifndef CORE_NETSTACK_PRIV_H
#define CORE_NETSTACK_PRIV_H

#include "arp.h"
#include "frame.h"

struct kernel;

struct netstack {
    struct arp_cache arp;
    uint16_t ip_id;                /* IPv4 identification of the next datagram */
    /* Where outgoing frames are built: allocated before the node first
     * transmits or learns an address (netstack_tx_ready), so a node that
     * never speaks holds none. Every ARP entry implies it. */
    uint8_t *tx;
};

/* Bytes the stack holds (kernel_memory). */
uint32_t netstack_memory_bytes(const struct kernel *k);

/* Make sure k->net->tx exists: 0 or ERR_NO_MEMORY. */
int netstack_tx_ready(struct kernel *k);

/* Hand the frame built in k->net->tx to the NIC and count it.
 * 0 or ERR_BUSY. */
int netstack_transmit(struct kernel *k, uint32_t len);

/* Send a cluster datagram in a UDP frame to a resolved MAC. */
int netstack_send_udp_to(struct kernel *k, const uint8_t *mac, uint32_t dst_ip, const uint8_t *datagram,
                         uint32_t len);

#endif
