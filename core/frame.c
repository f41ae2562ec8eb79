/*
 * frame.c - parsers and builders for Ethernet II, ARP, IPv4, UDP and ICMP
 * echo (see frame.h).
 *
 * Every parser checks a length before each read, so no input can make it
 * read past the buffer it was given; each rejects what the RFCs call
 * malformed and tolerates what real stacks send (Ethernet padding, IPv4
 * options, UDP without a checksum).
 */
#include "frame.h"

#include "abi.h"
#include "bytes.h"

int mac_is_broadcast(const uint8_t *mac)
{
    return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xFFu;
}

uint32_t inet_sum(uint32_t acc, const uint8_t *p, uint32_t len)
{
    /* Carries are added back once at the end (RFC 1071 "deferred
     * carries"): 64 bits hold the sum of any buffer below 2^48 bytes. */
    uint64_t sum = acc;
    uint32_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += get_be32(p + i);
    if (i + 2 <= len) {
        sum += get_be16(p + i);
        i += 2;
    }
    if (i < len)
        sum += (uint32_t)p[i] << 8;
    while (sum >> 32)
        sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    /* A 32-bit sum of 16-bit words folds to the same one's complement sum. */
    sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint32_t)sum;
}

uint16_t inet_checksum_finish(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xFFFFu) + (acc >> 16);
    return (uint16_t)~acc;
}

/* The UDP pseudo-header (RFC 768): addresses, protocol and UDP length. */
static uint32_t udp_pseudo_sum(uint32_t src, uint32_t dst, uint32_t udp_len)
{
    uint32_t acc = (src >> 16) + (src & 0xFFFFu) + (dst >> 16) + (dst & 0xFFFFu);
    return acc + IPV4_PROTO_UDP + udp_len;
}

int eth_parse(const uint8_t *frame, uint32_t len, struct eth_view *v)
{
    if (len < ETH_HEADER_BYTES || len > HAL_NET_MAX_FRAME)
        return ERR_PROTOCOL;
    v->dst = frame;
    v->src = frame + 6;
    v->ethertype = get_be16(frame + 12);
    v->payload = frame + ETH_HEADER_BYTES;
    v->len = len - ETH_HEADER_BYTES;
    /* A group address is never a source (IEEE 802.3 3.2.3). */
    return mac_is_group(v->src) ? ERR_PROTOCOL : 0;
}

int arp_parse(const uint8_t *p, uint32_t len, struct arp_view *v)
{
    if (len < ARP_PACKET_BYTES)
        return ERR_PROTOCOL;
    /* Only Ethernet hardware (1) resolving IPv4 (0x0800) is spoken here. */
    if (get_be16(p) != 1u || get_be16(p + 2) != ETHERTYPE_IPV4 || p[4] != 6u || p[5] != 4u)
        return ERR_PROTOCOL;
    v->op = get_be16(p + 6);
    if (v->op != ARP_OP_REQUEST && v->op != ARP_OP_REPLY)
        return ERR_PROTOCOL;
    v->sender_mac = p + 8;
    v->sender_ip = get_be32(p + 14);
    v->target_mac = p + 18;
    v->target_ip = get_be32(p + 24);
    return 0;
}

int ipv4_parse(const uint8_t *p, uint32_t len, struct ipv4_view *v)
{
    if (len < IPV4_HEADER_MIN || (p[0] >> 4) != 4u)
        return ERR_PROTOCOL;
    uint32_t header_len = (p[0] & 0x0Fu) * 4u;
    uint32_t total_len = get_be16(p + 2);
    if (header_len < IPV4_HEADER_MIN || header_len > len)
        return ERR_PROTOCOL;
    /* Longer than the frame is a truncation; shorter is Ethernet padding. */
    if (total_len < header_len || total_len > len)
        return ERR_PROTOCOL;
    if (inet_checksum_finish(inet_sum(0, p, header_len)) != 0)
        return ERR_PROTOCOL;
    /* More-fragments set or a non-zero offset: part of a datagram we
     * would have to reassemble, which this stack never needs. */
    if ((get_be16(p + 6) & 0x3FFFu) != 0)
        return ERR_PROTOCOL;
    v->id = get_be16(p + 4);
    v->ttl = p[8];
    v->proto = p[9];
    v->src = get_be32(p + 12);
    v->dst = get_be32(p + 16);
    v->header_len = header_len;
    v->payload = p + header_len;
    v->len = total_len - header_len;
    return 0;
}

int udp_parse(const struct ipv4_view *ip, struct udp_view *v)
{
    if (ip->len < UDP_HEADER_BYTES)
        return ERR_PROTOCOL;
    const uint8_t *p = ip->payload;
    uint32_t udp_len = get_be16(p + 4);
    if (udp_len < UDP_HEADER_BYTES || udp_len > ip->len)
        return ERR_PROTOCOL;
    if (get_be16(p + 6) != 0) {
        uint32_t acc = inet_sum(udp_pseudo_sum(ip->src, ip->dst, udp_len), p, udp_len);
        if (inet_checksum_finish(acc) != 0)
            return ERR_PROTOCOL;
    }
    v->src_port = get_be16(p);
    v->dst_port = get_be16(p + 2);
    v->payload = p + UDP_HEADER_BYTES;
    v->len = udp_len - UDP_HEADER_BYTES;
    return 0;
}

int icmp_echo_parse(const struct ipv4_view *ip, struct icmp_echo_view *v)
{
    if (ip->len < ICMP_ECHO_HEADER_BYTES)
        return ERR_PROTOCOL;
    const uint8_t *p = ip->payload;
    if (inet_checksum_finish(inet_sum(0, p, ip->len)) != 0)
        return ERR_PROTOCOL;
    v->type = p[0];
    v->id = get_be16(p + 4);
    v->seq = get_be16(p + 6);
    v->data = p + ICMP_ECHO_HEADER_BYTES;
    v->len = ip->len - ICMP_ECHO_HEADER_BYTES;
    return 0;
}

static uint32_t frame_write_eth(uint8_t *out, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    kmemcpy(out, dst, 6);
    kmemcpy(out + 6, src, 6);
    put_be16(out + 12, type);
    return ETH_HEADER_BYTES;
}

/* Zero-fill up to the Ethernet minimum, as a NIC would on transmit, so
 * the simulator's pcap shows what a real wire carries. */
static uint32_t frame_pad(uint8_t *out, uint32_t len)
{
    if (len < ETH_MIN_FRAME) {
        kmemset(out + len, 0, ETH_MIN_FRAME - len);
        len = ETH_MIN_FRAME;
    }
    return len;
}

uint32_t frame_build_arp(uint8_t *out, const uint8_t *eth_dst, const uint8_t *src_mac, uint16_t op,
                         uint32_t sender_ip, const uint8_t *target_mac, uint32_t target_ip)
{
    uint8_t *p = out + frame_write_eth(out, eth_dst, src_mac, ETHERTYPE_ARP);
    put_be16(p, 1u);
    put_be16(p + 2, ETHERTYPE_IPV4);
    p[4] = 6u;
    p[5] = 4u;
    put_be16(p + 6, op);
    kmemcpy(p + 8, src_mac, 6);
    put_be32(p + 14, sender_ip);
    kmemcpy(p + 18, target_mac, 6);
    put_be32(p + 24, target_ip);
    return frame_pad(out, ETH_HEADER_BYTES + ARP_PACKET_BYTES);
}

/* An option-less header; DF is set because this stack never fragments. */
static void frame_write_ipv4(uint8_t *p, const struct frame_ipv4_addr *a, uint8_t proto, uint32_t payload_len)
{
    p[0] = 0x45u;
    p[1] = 0;
    put_be16(p + 2, (uint16_t)(IPV4_HEADER_MIN + payload_len));
    put_be16(p + 4, a->ip_id);
    put_be16(p + 6, 0x4000u);
    p[8] = IPV4_TTL_DEFAULT;
    p[9] = proto;
    put_be16(p + 10, 0);
    put_be32(p + 12, a->src_ip);
    put_be32(p + 16, a->dst_ip);
    put_be16(p + 10, inet_checksum_finish(inet_sum(0, p, IPV4_HEADER_MIN)));
}

uint32_t frame_build_udp(uint8_t *out, const struct frame_ipv4_addr *a, uint16_t src_port, uint16_t dst_port,
                         const uint8_t *payload, uint32_t len)
{
    uint8_t *ip = out + frame_write_eth(out, a->dst_mac, a->src_mac, ETHERTYPE_IPV4);
    uint8_t *udp = ip + IPV4_HEADER_MIN;
    uint32_t udp_len = UDP_HEADER_BYTES + len;
    frame_write_ipv4(ip, a, IPV4_PROTO_UDP, udp_len);
    put_be16(udp, src_port);
    put_be16(udp + 2, dst_port);
    put_be16(udp + 4, (uint16_t)udp_len);
    put_be16(udp + 6, 0);
    if (len != 0)
        kmemmove(udp + UDP_HEADER_BYTES, payload, len);
    uint16_t sum =
        inet_checksum_finish(inet_sum(udp_pseudo_sum(a->src_ip, a->dst_ip, udp_len), udp, udp_len));
    /* 0 means "no checksum" on the wire; its one's complement twin is sent. */
    put_be16(udp + 6, sum == 0 ? 0xFFFFu : sum);
    return frame_pad(out, ETH_HEADER_BYTES + IPV4_HEADER_MIN + udp_len);
}

uint32_t frame_build_icmp_echo(uint8_t *out, const struct frame_ipv4_addr *a, uint8_t type, uint16_t id,
                               uint16_t seq, const uint8_t *data, uint32_t len)
{
    uint8_t *ip = out + frame_write_eth(out, a->dst_mac, a->src_mac, ETHERTYPE_IPV4);
    uint8_t *icmp = ip + IPV4_HEADER_MIN;
    uint32_t icmp_len = ICMP_ECHO_HEADER_BYTES + len;
    frame_write_ipv4(ip, a, IPV4_PROTO_ICMP, icmp_len);
    icmp[0] = type;
    icmp[1] = 0;
    put_be16(icmp + 2, 0);
    put_be16(icmp + 4, id);
    put_be16(icmp + 6, seq);
    if (len != 0)
        kmemmove(icmp + ICMP_ECHO_HEADER_BYTES, data, len);
    put_be16(icmp + 2, inet_checksum_finish(inet_sum(0, icmp, icmp_len)));
    return frame_pad(out, ETH_HEADER_BYTES + IPV4_HEADER_MIN + icmp_len);
}
