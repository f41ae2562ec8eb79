/*
 * frame.h - wire formats below the cluster protocol: Ethernet II (no FCS),
 * ARP for IPv4 over Ethernet (RFC 826), IPv4 (RFC 791), UDP (RFC 768),
 * ICMP echo (RFC 792) and the Internet checksum (RFC 1071).
 *
 * Pure functions over byte buffers, no node state: the parsers take any
 * bytes and any length, read nothing outside [p, p + len), and return 0
 * with a view of the fields or ERR_PROTOCOL. The builders write a whole
 * frame, padded with zeros to the Ethernet minimum of 60 bytes, into a
 * buffer of at least HAL_NET_MAX_FRAME bytes and return its length.
 * Addresses are host-order integers; MACs are 6-byte arrays.
 */
#ifndef CORE_FRAME_H
#define CORE_FRAME_H

#include <stdint.h>

#include "../hal/hal_net.h"

#define ETH_HEADER_BYTES 14u
#define ETH_MIN_FRAME 60u /* without FCS; shorter frames are padded */
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_ARP 0x0806u

#define ARP_PACKET_BYTES 28u
#define ARP_OP_REQUEST 1u
#define ARP_OP_REPLY 2u

#define IPV4_HEADER_MIN 20u
#define IPV4_HEADER_MAX 60u
#define IPV4_PROTO_ICMP 1u
#define IPV4_PROTO_UDP 17u
#define IPV4_TTL_DEFAULT 64u
#define IPV4_BROADCAST 0xFFFFFFFFu

#define UDP_HEADER_BYTES 8u
#define ICMP_ECHO_HEADER_BYTES 8u
#define ICMP_TYPE_ECHO_REPLY 0u
#define ICMP_TYPE_ECHO_REQUEST 8u

/* The largest UDP payload one unfragmented frame carries. */
#define UDP_PAYLOAD_MAX (HAL_NET_MAX_FRAME - ETH_HEADER_BYTES - IPV4_HEADER_MIN - UDP_HEADER_BYTES)
#define ICMP_ECHO_DATA_MAX (HAL_NET_MAX_FRAME - ETH_HEADER_BYTES - IPV4_HEADER_MIN - ICMP_ECHO_HEADER_BYTES)

struct eth_view {
    const uint8_t *dst, *src;
    uint16_t ethertype;
    const uint8_t *payload;
    uint32_t len;
};

struct arp_view {
    uint16_t op;
    const uint8_t *sender_mac;
    uint32_t sender_ip;
    const uint8_t *target_mac;
    uint32_t target_ip;
};

struct ipv4_view {
    uint32_t src, dst;
    uint8_t proto, ttl;
    uint16_t id;
    uint32_t header_len;    /* options included */
    const uint8_t *payload; /* after the options */
    uint32_t len;           /* total length less header: padding excluded */
};

struct udp_view {
    uint16_t src_port, dst_port;
    const uint8_t *payload;
    uint32_t len;
};

struct icmp_echo_view {
    uint8_t type;
    uint16_t id, seq;
    const uint8_t *data;
    uint32_t len;
};

static inline int mac_is_group(const uint8_t *mac)
{
    return (mac[0] & 1u) != 0;
}
int mac_is_broadcast(const uint8_t *mac);

/* One's complement sum of `len` bytes added to `acc` (an odd last byte is
 * padded with zero); fold and complement it with inet_checksum_finish. */
uint32_t inet_sum(uint32_t acc, const uint8_t *p, uint32_t len);
uint16_t inet_checksum_finish(uint32_t acc);

int eth_parse(const uint8_t *frame, uint32_t len, struct eth_view *v);
int arp_parse(const uint8_t *p, uint32_t len, struct arp_view *v);
/* Checks version, header length, checksum and total length (trailing
 * Ethernet padding is allowed and excluded); drops fragments. */
int ipv4_parse(const uint8_t *p, uint32_t len, struct ipv4_view *v);
/* Checks the UDP length against the IP payload, and the checksum unless
 * the sender left it 0. */
int udp_parse(const struct ipv4_view *ip, struct udp_view *v);
/* Any ICMP message with a good checksum and at least the 8-byte echo
 * header; the caller looks at the type. */
int icmp_echo_parse(const struct ipv4_view *ip, struct icmp_echo_view *v);

struct frame_ipv4_addr {
    const uint8_t *dst_mac, *src_mac;
    uint32_t src_ip, dst_ip;
    uint16_t ip_id;
};

uint32_t frame_build_arp(uint8_t *out, const uint8_t *eth_dst, const uint8_t *src_mac, uint16_t op,
                         uint32_t sender_ip, const uint8_t *target_mac, uint32_t target_ip);
/* UDP_PAYLOAD_MAX bytes of payload at most (callers check). */
uint32_t frame_build_udp(uint8_t *out, const struct frame_ipv4_addr *a, uint16_t src_port, uint16_t dst_port,
                         const uint8_t *payload, uint32_t len);
/* ICMP_ECHO_DATA_MAX bytes of data at most (callers check). */
uint32_t frame_build_icmp_echo(uint8_t *out, const struct frame_ipv4_addr *a, uint8_t type, uint16_t id,
                               uint16_t seq, const uint8_t *data, uint32_t len);

#endif
