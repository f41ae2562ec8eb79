/*
 * arp.c - the ARP cache (see arp.h).
 *
 * Learning follows RFC 826's merge rule: a packet refreshes the entry we
 * already hold for its sender; a new entry is made only when the packet is
 * addressed to us (a request we answer or a reply to our request). So
 * broadcast chatter between other hosts never fills the cache.
 */
#include "arp.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "netstack_priv.h"

static const uint8_t arp_zero_mac[6] = {0, 0, 0, 0, 0, 0};
static const uint8_t arp_broadcast_mac[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* The index of ip's entry, or ARP_CACHE_SIZE. Every broadcast request on
 * the LAN is looked up here, so the search stops at the part of the
 * table ever used. */
static uint32_t arp_index(const struct arp_cache *c, uint32_t ip)
{
    for (uint32_t i = 0; i < c->span; i++)
        if (c->entries[i].state != ARP_FREE && c->entries[i].ip == ip)
            return i;
    return ARP_CACHE_SIZE;
}

static struct arp_entry *arp_find(struct arp_cache *c, uint32_t ip)
{
    uint32_t i = arp_index(c, ip);
    return i < ARP_CACHE_SIZE ? &c->entries[i] : NULL;
}

static void arp_touch(struct arp_cache *c, struct arp_entry *e)
{
    e->last_use = ++c->use_clock;
}

static void arp_drop_pending(struct kernel *k, struct arp_entry *e)
{
    kfree(k, e->pending, e->pending_len);
    e->pending = NULL;
    e->pending_len = 0;
}

/* A free entry, or else the least recently used one, emptied. */
static struct arp_entry *arp_claim(struct kernel *k, uint32_t ip)
{
    struct arp_cache *c = &k->net->arp;
    struct arp_entry *victim = &c->entries[0];
    for (uint32_t i = 0; i < ARP_CACHE_SIZE; i++) {
        struct arp_entry *e = &c->entries[i];
        if (e->state == ARP_FREE) {
            victim = e;
            break;
        }
        if (e->last_use < victim->last_use)
            victim = e;
    }
    arp_drop_pending(k, victim);
    kmemset(victim, 0, sizeof *victim);
    victim->ip = ip;
    c->claims++;
    arp_touch(c, victim);
    uint32_t index = (uint32_t)(victim - c->entries);
    if (index >= c->span)
        c->span = index + 1;
    return victim;
}

static void arp_send_request(struct kernel *k, struct arp_entry *e)
{
    uint32_t len =
        frame_build_arp(k->net->tx, arp_broadcast_mac, k->mac, ARP_OP_REQUEST, k->ipv4, arp_zero_mac, e->ip);
    e->requested_ns = kernel_now(k);
    (void)netstack_transmit(k, len); /* a lost request is asked again on the next send */
}

static void arp_send_reply(struct kernel *k, const struct arp_view *v)
{
    uint32_t len = frame_build_arp(k->net->tx, v->sender_mac, k->mac, ARP_OP_REPLY, k->ipv4, v->sender_mac,
                                   v->sender_ip);
    (void)netstack_transmit(k, len);
}

/* Record a MAC and send the datagram that waited for it, if any. */
static void arp_resolve(struct kernel *k, struct arp_entry *e, const uint8_t *mac)
{
    kmemcpy(e->mac, mac, 6);
    e->state = ARP_RESOLVED;
    arp_touch(&k->net->arp, e);
    if (e->pending != NULL) {
        (void)netstack_send_udp_to(k, e->mac, e->pending_dst, e->pending, e->pending_len);
        arp_drop_pending(k, e);
    }
}

/* A sender we must never believe: no address, a group MAC, or a claim
 * to our own address. */
static int arp_sender_is_bogus(const struct kernel *k, const struct arp_view *v)
{
    return v->sender_ip == 0 || v->sender_ip == IPV4_BROADCAST || mac_is_group(v->sender_mac) ||
           kmemcmp(v->sender_mac, arp_zero_mac, 6) == 0 || v->sender_ip == k->ipv4;
}

bool arp_packet_acts(const struct kernel *k, const struct arp_view *v)
{
    return v->target_ip == k->ipv4 ||
           (!arp_sender_is_bogus(k, v) && arp_index(&k->net->arp, v->sender_ip) < ARP_CACHE_SIZE);
}

void arp_on_packet(struct kernel *k, const struct arp_view *v)
{
    int for_us = v->target_ip == k->ipv4;
    if (!arp_sender_is_bogus(k, v)) {
        struct arp_entry *e = arp_find(&k->net->arp, v->sender_ip);
        if (e == NULL && for_us)
            e = arp_claim(k, v->sender_ip);
        if (e != NULL)
            arp_resolve(k, e, v->sender_mac);
    }
    /* Requests are answered even from an unlearnable sender (an RFC 5227
     * probe has sender address 0), as long as its MAC can take a reply. */
    if (for_us && v->op == ARP_OP_REQUEST && !mac_is_group(v->sender_mac))
        arp_send_reply(k, v);
}

/* Keep the first datagram that waits: the transport sends in sequence
 * order, and the rest are retransmitted once the address is known. */
static int arp_hold(struct kernel *k, struct arp_entry *e, uint32_t dst_ip, const uint8_t *datagram,
                    uint32_t len)
{
    if (e->pending != NULL)
        return ERR_BUSY;
    e->pending = kalloc(k, len);
    if (e->pending == NULL)
        return ERR_NO_MEMORY;
    kmemcpy(e->pending, datagram, len);
    e->pending_len = len;
    e->pending_dst = dst_ip;
    return 0;
}

int arp_send_datagram(struct kernel *k, uint32_t ip, uint32_t dst_ip, const uint8_t *datagram, uint32_t len)
{
    struct arp_entry *e = arp_find(&k->net->arp, ip);
    if (e != NULL && e->state == ARP_RESOLVED) {
        arp_touch(&k->net->arp, e);
        return netstack_send_udp_to(k, e->mac, dst_ip, datagram, len);
    }
    if (e == NULL) {
        e = arp_claim(k, ip);
        e->state = ARP_PENDING;
        arp_send_request(k, e);
    } else if (kernel_now(k) - e->requested_ns >= TRANSPORT_RTO_INITIAL_NS) {
        /* Still unanswered when the transport retries: ask again, at most
         * once per initial retransmission timeout. */
        arp_send_request(k, e);
    }
    return arp_hold(k, e, dst_ip, datagram, len);
}

void arp_forget(struct kernel *k, uint32_t ip)
{
    struct arp_entry *e = arp_find(&k->net->arp, ip);
    if (e == NULL)
        return;
    arp_drop_pending(k, e);
    kmemset(e, 0, sizeof *e);
}

void arp_release(struct kernel *k)
{
    for (uint32_t i = 0; i < ARP_CACHE_SIZE; i++)
        arp_drop_pending(k, &k->net->arp.entries[i]);
}
