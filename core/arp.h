/*
 * arp.h - the node's ARP cache (RFC 826): IPv4 address to MAC address,
 * ARP_CACHE_SIZE entries, least recently used replaced first.
 *
 * A datagram for an address not yet resolved waits in its entry (one per
 * entry; a second is refused, since the transport retransmits) while a
 * broadcast request goes out. Only netstack.c calls these.
 */
#ifndef CORE_ARP_H
#define CORE_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "param.h"

struct kernel;

enum arp_state { ARP_FREE, ARP_PENDING, ARP_RESOLVED };

struct arp_entry {
    uint32_t ip;
    uint8_t mac[6];
    uint8_t state;         /* enum arp_state */
    uint64_t last_use;     /* from arp_cache.use_clock: the LRU order */
    uint64_t requested_ns; /* when the last request went out */
    uint8_t *pending;      /* a waiting UDP payload (kalloc'd), or NULL */
    uint32_t pending_len;
    uint32_t pending_dst;  /* where the waiting datagram is addressed */
};

struct arp_cache {
    struct arp_entry entries[ARP_CACHE_SIZE];
    uint64_t use_clock; /* counts uses, so ties in the LRU order never happen */
    uint32_t span;      /* entries at and past this index have never been used */
    uint32_t claims;    /* counts entries made: arp_packet_acts can turn true only then */
};

/* Whether arp_on_packet would change anything for this packet: RFC 826's
 * rule, it is addressed to us or refreshes the entry we hold for its
 * sender. Every other node of the LAN ignores it. */
bool arp_packet_acts(const struct kernel *k, const struct arp_view *v);

/* Learn from and answer one parsed ARP packet. */
void arp_on_packet(struct kernel *k, const struct arp_view *v);

/* Send a cluster datagram addressed to dst_ip through next hop `ip` (dst_ip
 * itself, or a gateway): at once if the hop's MAC is known, otherwise after
 * the ARP reply. 0, ERR_BUSY (a datagram already waits, or the NIC queue is
 * full) or ERR_NO_MEMORY. */
int arp_send_datagram(struct kernel *k, uint32_t ip, uint32_t dst_ip, const uint8_t *datagram, uint32_t len);

/* Drop what is known about `ip`, so the next send asks again. */
void arp_forget(struct kernel *k, uint32_t ip);

/* Free every waiting datagram. */
void arp_release(struct kernel *k);

#endif
