/*
 * test_wire.c - the network stack's wire formats and parsers: CRC-32, the
 * cluster header, Ethernet, ARP, IPv4, UDP and ICMP echo, built with the
 * stack's own builders and fed back through netstack_on_frame of a test
 * kernel. Every parser meets truncated, oversized and corrupted input and
 * a deterministic mutation fuzz loop; run it under ASan/UBSan.
 *
 * The test kernel is assembled by hand (no kernel.c): a fake HAL, the
 * network stack and the transport. The ipc upcalls are defined here to
 * record what the transport delivers.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/bytes.h"
#include "core/cluster.h"
#include "core/crc32.h"
#include "core/frame.h"
#include "core/kernel_priv.h"
#include "core/net.h"
#include "core/transport.h"
#include "tests/fake_hal.h"

/* ---- a test kernel and what reaches its ipc upcalls ---- */

struct delivery {
    uint16_t src;
    uint8_t type;
    uint32_t len;
    uint8_t payload[CLUSTER_PAYLOAD_MAX];
};

static struct fake_hal fh;
static struct kernel kn;
static struct delivery last_delivery;
static uint32_t deliveries, resets;

void ipc_on_cluster_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                            uint32_t len)
{
    cr_assert_eq(k, &kn);
    cr_assert(len <= CLUSTER_PAYLOAD_MAX);
    last_delivery.src = src_node;
    last_delivery.type = type;
    last_delivery.len = len;
    memcpy(last_delivery.payload, payload, len);
    deliveries++;
}

void ipc_on_peer_reset(struct kernel *k, uint16_t node, bool restarted)
{
    (void)restarted;
    (void)k;
    (void)node;
    resets++;
}

void ipc_on_peer_abandoned(struct kernel *k, uint16_t node)
{
    (void)k;
    (void)node;
}

#define ME 7u
#define PEER 3u
#define ME_EPOCH 0x11110001u
#define PEER_EPOCH 0x22220002u

static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, PEER};
static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* Boot the stack on an already initialised fake HAL (cheap enough to do
 * thousands of times). */
static void kernel_boot(void)
{
    memset(&kn, 0, sizeof kn);
    kn.hal = fh.hal;
    kn.node_id = ME;
    kn.epoch = ME_EPOCH;
    fh.hal.net->get_mac(fh.hal.ctx, kn.mac);
    kn.ipv4 = net_node_ipv4(ME);
    cr_assert_eq(netstack_init(&kn), 0);
    cr_assert_eq(transport_init(&kn), 0);
    fh.frame_count = 0;
    deliveries = resets = 0;
}

static void kernel_halt(void)
{
    transport_destroy(&kn);
    netstack_destroy(&kn);
    kalloc_release_all(&kn);
    cr_assert_eq(fh.pages_in_use, 0, "pages leaked: %u", fh.pages_in_use);
}

static void setup(void)
{
    fake_hal_init(&fh, ME);
    kernel_boot();
}

static void teardown(void)
{
    kernel_halt();
}

TestSuite(wire, .init = setup, .fini = teardown);

/* ---- building test frames ---- */

static uint32_t peer_ip(void)
{
    return net_node_ipv4(PEER);
}

/* A cluster datagram from PEER to us: a kernel message (type 16) of seq 1. */
static uint32_t make_datagram(uint8_t *out, uint8_t type, uint32_t seq, const uint8_t *payload, uint16_t len)
{
    struct cluster_header h = {0};
    h.type = type;
    h.src_node = PEER;
    h.dst_node = ME;
    h.src_epoch = PEER_EPOCH;
    h.seq = seq;
    h.payload_len = len;
    return cluster_encode(&h, payload, out);
}

static uint32_t make_udp_frame(uint8_t *out, const uint8_t *dgram, uint32_t dlen)
{
    struct frame_ipv4_addr a = {kn.mac, peer_mac, peer_ip(), kn.ipv4, 77};
    return frame_build_udp(out, &a, NET_CLUSTER_UDP_PORT, NET_CLUSTER_UDP_PORT, dgram, dlen);
}

static const uint8_t hello[] = "hello, cluster";

static uint32_t make_hello_frame(uint8_t *out)
{
    uint8_t dgram[UDP_PAYLOAD_MAX];
    uint32_t dlen = make_datagram(dgram, 16, 1, hello, sizeof hello);
    return make_udp_frame(out, dgram, dlen);
}

/* Recompute the IPv4, UDP and cluster checksums of a frame whose fields
 * were edited, so a test reaches the check it means to. */
static void fix_checksums(uint8_t *f, uint32_t len)
{
    uint8_t *ip = f + ETH_HEADER_BYTES;
    uint32_t ihl = (ip[0] & 0xFu) * 4u;
    put_be16(ip + 10, 0);
    put_be16(ip + 10, inet_checksum_finish(inet_sum(0, ip, ihl)));
    uint8_t *udp = ip + ihl;
    uint32_t ulen = get_be16(udp + 4);
    if (udp + ulen > f + len)
        return;
    uint8_t *c = udp + UDP_HEADER_BYTES;
    if (ulen >= UDP_HEADER_BYTES + CLUSTER_HEADER_BYTES) {
        put_be32(c + CLUSTER_OFF_CHECKSUM, 0);
        put_be32(c + CLUSTER_OFF_CHECKSUM, crc32_compute(c, ulen - UDP_HEADER_BYTES));
    }
    put_be16(udp + 6, 0);
    uint32_t acc =
        (get_be16(ip + 12) + get_be16(ip + 14) + get_be16(ip + 16) + get_be16(ip + 18)) + 17u + ulen;
    uint16_t sum = inet_checksum_finish(inet_sum(acc, udp, ulen));
    put_be16(udp + 6, sum == 0 ? 0xFFFF : sum);
}

/* Parse one sent frame down to its cluster header; 0 if it is one. */
static int parse_cluster_frame(const uint8_t *f, uint32_t len, struct ipv4_view *ip, struct cluster_header *h,
                               const uint8_t **payload)
{
    struct eth_view eth;
    struct udp_view udp;
    if (eth_parse(f, len, &eth) || eth.ethertype != ETHERTYPE_IPV4 || ipv4_parse(eth.payload, eth.len, ip))
        return -1;
    if (ip->proto != IPV4_PROTO_UDP || udp_parse(ip, &udp))
        return -1;
    return cluster_decode(udp.payload, udp.len, h, payload);
}

/* ---- CRC-32 and the Internet checksum ---- */

Test(wire, crc32_known_values)
{
    cr_assert_eq(crc32_compute((const uint8_t *)"123456789", 9), 0xCBF43926u);
    cr_assert_eq(crc32_compute(NULL, 0), 0);
    cr_assert_eq(crc32_compute((const uint8_t *)"a", 1), 0xE8B7BE43u);
    const uint8_t *text = (const uint8_t *)"The quick brown fox jumps over the lazy dog";
    cr_assert_eq(crc32_compute(text, 43), 0x414FA339u);
    uint32_t st = crc32_update(CRC32_INIT, text, 10);
    cr_assert_eq(crc32_finish(crc32_update(st, text + 10, 33)), 0x414FA339u);
}

/* The definition, one bit at a time, to check the table-driven code. */
static uint32_t crc32_bitwise(const uint8_t *p, uint32_t len)
{
    uint32_t c = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* The Internet checksum's definition: 16-bit words, carries wrapped. */
static uint16_t inet_reference(const uint8_t *p, uint32_t len, uint32_t acc)
{
    acc = (acc & 0xFFFF) + (acc >> 16);
    for (uint32_t i = 0; i < len; i += 2) {
        acc += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
        acc = (acc & 0xFFFF) + (acc >> 16);
    }
    return (uint16_t)~acc;
}

Test(wire, checksums_match_their_definitions)
{
    uint8_t buf[300];
    uint32_t x = 12345;
    for (uint32_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    memset(buf + 200, 0xFF, 100); /* long carry chains */
    for (uint32_t len = 0; len <= sizeof buf; len++) {
        cr_assert_eq(crc32_compute(buf, len), crc32_bitwise(buf, len), "crc length %u", len);
        uint32_t split = len / 3;
        cr_assert_eq(
            crc32_finish(crc32_update(crc32_update(CRC32_INIT, buf, split), buf + split, len - split)),
            crc32_bitwise(buf, len));
        cr_assert_eq(inet_checksum_finish(inet_sum(0, buf, len)), inet_reference(buf, len, 0),
                     "sum length %u", len);
        cr_assert_eq(inet_checksum_finish(inet_sum(0x1FFFE, buf + len % 2, len - len % 2)),
                     inet_reference(buf + len % 2, len - len % 2, 0x1FFFE));
    }
}

Test(wire, inet_checksum_rfc1071_example)
{
    /* RFC 1071 section 3: the sum of these words is ddf2, so the checksum is 220d. */
    const uint8_t words[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    cr_assert_eq(inet_checksum_finish(inet_sum(0, words, sizeof words)), 0x220d);
    const uint8_t odd[] = {0x01};
    cr_assert_eq(inet_checksum_finish(inet_sum(0, odd, 1)), (uint16_t)~0x0100);
}

/* ---- the cluster header ---- */

Test(wire, cluster_header_round_trip)
{
    uint8_t buf[UDP_PAYLOAD_MAX];
    struct cluster_header h = {.type = 200,
                               .src_node = 0xFFFE,
                               .dst_node = 1,
                               .src_epoch = 0xDEADBEEF,
                               .dst_epoch = 5,
                               .seq = 0x01020304,
                               .ack = 0xA0B0C0D0,
                               .payload_len = 3,
                               .flags = CLUSTER_FLAG_OPENING};
    uint32_t len = cluster_encode(&h, (const uint8_t *)"abc", buf);
    cr_assert_eq(len, CLUSTER_HEADER_BYTES + 3);
    cr_assert_eq(buf[0], 'C');
    cr_assert_eq(buf[1], 'N');
    cr_assert_eq(buf[2], 1);
    cr_assert_eq(get_be32(buf + 16), 0x01020304u);
    /* The checksum is the CRC of the datagram with its field zero. */
    uint32_t sum = get_be32(buf + 28);
    put_be32(buf + 28, 0);
    cr_assert_eq(crc32_compute(buf, len), sum);
    put_be32(buf + 28, sum);

    struct cluster_header d;
    const uint8_t *p;
    cr_assert_eq(cluster_decode(buf, len, &d, &p), 0);
    cr_assert_eq(d.type, 200);
    cr_assert_eq(d.src_node, 0xFFFE);
    cr_assert_eq(d.dst_node, 1);
    cr_assert_eq(d.src_epoch, 0xDEADBEEFu);
    cr_assert_eq(d.dst_epoch, 5);
    cr_assert_eq(d.seq, 0x01020304u);
    cr_assert_eq(d.ack, 0xA0B0C0D0u);
    cr_assert_eq(d.payload_len, 3);
    cr_assert_eq(d.flags, CLUSTER_FLAG_OPENING);
    cr_assert_eq(memcmp(p, "abc", 3), 0);
}

Test(wire, cluster_header_rejects_every_truncation_and_flip)
{
    uint8_t buf[64], bad[80];
    struct cluster_header h = {
        .type = 16, .src_node = 1, .dst_node = 2, .src_epoch = 9, .seq = 1, .payload_len = 20};
    uint8_t payload[20];
    for (int i = 0; i < 20; i++)
        payload[i] = (uint8_t)(i * 7);
    uint32_t len = cluster_encode(&h, payload, buf);
    struct cluster_header d;
    const uint8_t *p;
    for (uint32_t n = 0; n < len; n++)
        cr_assert_neq(cluster_decode(buf, n, &d, &p), 0, "length %u accepted", n);
    /* One byte too many: the length field no longer agrees. */
    memcpy(bad, buf, len);
    bad[len] = 0;
    cr_assert_neq(cluster_decode(bad, len + 1, &d, &p), 0);
    /* A CRC-32 detects every error confined to one byte. */
    for (uint32_t i = 0; i < len; i++) {
        for (uint32_t x = 1; x < 256; x++) {
            memcpy(bad, buf, len);
            bad[i] ^= (uint8_t)x;
            cr_assert_neq(cluster_decode(bad, len, &d, &p), 0, "flip %u at %u accepted", x, i);
        }
    }
}

Test(wire, cluster_header_rejects_wrong_version_even_with_good_crc)
{
    uint8_t buf[64];
    struct cluster_header h = {.type = 16, .src_node = 1, .dst_node = 2, .src_epoch = 9, .seq = 1};
    uint32_t len = cluster_encode(&h, NULL, buf);
    buf[2] = 2;
    put_be32(buf + 28, 0);
    put_be32(buf + 28, crc32_compute(buf, len));
    struct cluster_header d;
    const uint8_t *p;
    cr_assert_neq(cluster_decode(buf, len, &d, &p), 0);
}

/* ---- Ethernet, IPv4 and UDP ---- */

Test(wire, udp_frame_builder_and_parsers_agree)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    cr_assert_eq(len, 14 + 20 + 8 + 32 + sizeof hello);
    struct eth_view eth;
    cr_assert_eq(eth_parse(f, len, &eth), 0);
    cr_assert_eq(memcmp(eth.dst, kn.mac, 6), 0);
    cr_assert_eq(memcmp(eth.src, peer_mac, 6), 0);
    cr_assert_eq(eth.ethertype, ETHERTYPE_IPV4);
    struct ipv4_view ip;
    cr_assert_eq(ipv4_parse(eth.payload, eth.len, &ip), 0);
    cr_assert_eq(ip.src, peer_ip());
    cr_assert_eq(ip.dst, kn.ipv4);
    cr_assert_eq(ip.ttl, 64);
    cr_assert_eq(ip.id, 77);
    cr_assert_eq(ip.proto, IPV4_PROTO_UDP);
    cr_assert_eq(get_be16(eth.payload + 6), 0x4000, "DF set, no fragment");
    struct udp_view udp;
    cr_assert_eq(udp_parse(&ip, &udp), 0);
    cr_assert_eq(udp.src_port, NET_CLUSTER_UDP_PORT);
    cr_assert_eq(udp.dst_port, NET_CLUSTER_UDP_PORT);
    cr_assert_eq(udp.len, 32 + sizeof hello);
    cr_assert_neq(get_be16(eth.payload + 20 + 6), 0, "UDP checksum always generated");
}

Test(wire, addresses_follow_the_node_convention)
{
    cr_assert_eq(net_node_ipv4(0), 0x0A000001u);
    cr_assert_eq(net_node_ipv4(65535), 0x0A010000u);
    cr_assert_eq(kn.ipv4, 0x0A000008u);
}

Test(wire, short_frames_are_padded_to_60_bytes)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    memset(f, 0xAB, sizeof f);
    struct frame_ipv4_addr a = {peer_mac, kn.mac, kn.ipv4, peer_ip(), 1};
    uint32_t len = frame_build_udp(f, &a, 1, 2, (const uint8_t *)"x", 1);
    cr_assert_eq(len, 60);
    for (uint32_t i = 14 + 20 + 8 + 1; i < 60; i++)
        cr_assert_eq(f[i], 0);
    len = frame_build_arp(f, bcast, kn.mac, ARP_OP_REQUEST, kn.ipv4, bcast, peer_ip());
    cr_assert_eq(len, 60);
}

Test(wire, valid_cluster_frame_is_delivered)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 1);
    cr_assert_eq(last_delivery.src, PEER);
    cr_assert_eq(last_delivery.type, 16);
    cr_assert_eq(last_delivery.len, sizeof hello);
    cr_assert_eq(memcmp(last_delivery.payload, hello, sizeof hello), 0);
    cr_assert_eq(kn.stats.frames_rx, 1);
    cr_assert_eq(kn.stats.bytes_rx, len);
    cr_assert_eq(kn.stats.frames_bad, 0);
    /* The same frame again is a duplicate: acknowledged, not delivered. */
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 1);
}

Test(wire, every_truncation_is_rejected)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    for (uint32_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees any overread */
        memcpy(copy, f, n);
        netstack_on_frame(&kn, copy, n);
        free(copy);
    }
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, len);
    cr_assert_eq(fh.trace_counts[HAL_TRACE_DROP], len);
    netstack_on_frame(&kn, NULL, 0);
    cr_assert_eq(kn.stats.frames_bad, len + 1);
}

Test(wire, oversized_frame_is_rejected)
{
    static uint8_t big[4096];
    uint32_t len = make_hello_frame(big);
    (void)len;
    netstack_on_frame(&kn, big, sizeof big);
    netstack_on_frame(&kn, big, HAL_NET_MAX_FRAME + 1);
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, 2);
}

/* Every single-byte change of a valid frame is either rejected or harmless:
 * nothing is delivered but the original message from the original sender. */
static void check_every_flip(const uint8_t *f, uint32_t len)
{
    uint32_t delivered = 0;
    for (uint32_t i = 0; i < len; i++) {
        for (uint32_t x = 1; x < 256; x++) {
            uint8_t copy[HAL_NET_MAX_FRAME];
            memcpy(copy, f, len);
            copy[i] ^= (uint8_t)x;
            kernel_halt();
            kernel_boot();
            netstack_on_frame(&kn, copy, len);
            if (deliveries == 0)
                continue;
            delivered++;
            cr_assert_eq(last_delivery.src, PEER, "byte %u ^ %u", i, x);
            cr_assert_eq(last_delivery.type, 16);
            cr_assert_eq(last_delivery.len, sizeof hello);
            cr_assert_eq(memcmp(last_delivery.payload, hello, sizeof hello), 0);
            cr_assert(i >= 6 && i < 12, "only the source MAC may change harmlessly, not byte %u", i);
        }
    }
    cr_assert(delivered > 0, "source MAC changes are harmless");
}

Test(wire, every_byte_flip_is_rejected_or_harmless)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    check_every_flip(f, make_hello_frame(f));
}

Test(wire, every_byte_flip_without_udp_checksum_is_caught_by_the_crc)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    put_be16(f + 14 + 20 + 6, 0); /* UDP checksum "not computed" */
    check_every_flip(f, len);
}

Test(wire, wrong_checksums_are_rejected)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    f[14 + 10] ^= 0x40; /* IPv4 header checksum */
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    f[14 + 20 + 6] ^= 0x01; /* UDP checksum */
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    f[14 + 20 + 8 + 28] ^= 0x01; /* cluster CRC, with IP and UDP sums redone */
    fix_checksums(f, len);
    f[14 + 20 + 8 + 28] ^= 0x01;
    put_be16(f + 14 + 20 + 6, 0);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, 3);
}

Test(wire, udp_without_checksum_is_accepted)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    put_be16(f + 14 + 20 + 6, 0);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 1);
}

Test(wire, ipv4_options_are_skipped)
{
    uint8_t plain[HAL_NET_MAX_FRAME], f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(plain);
    /* Insert 8 bytes of options (NOPs and an end-of-list) after the base header. */
    memcpy(f, plain, 14 + 20);
    memset(f + 34, 1, 7);
    f[34 + 7] = 0;
    memcpy(f + 42, plain + 34, len - 34);
    f[14] = 0x47;
    put_be16(f + 16, (uint16_t)(get_be16(plain + 16) + 8));
    fix_checksums(f, len + 8);
    netstack_on_frame(&kn, f, len + 8);
    cr_assert_eq(deliveries, 1);
    cr_assert_eq(memcmp(last_delivery.payload, hello, sizeof hello), 0);
    /* A header length past the frame's end, or below 5 words. */
    f[14] = 0x4F;
    fix_checksums(f, len + 8);
    netstack_on_frame(&kn, f, 14 + 40);
    f[14] = 0x44;
    netstack_on_frame(&kn, f, len + 8);
    cr_assert_eq(kn.stats.frames_bad, 2);
}

Test(wire, ethernet_padding_is_accepted)
{
    uint8_t dgram[64], f[HAL_NET_MAX_FRAME];
    uint32_t dlen = make_datagram(dgram, 16, 1, NULL, 0); /* 32 bytes: a 74-byte frame */
    uint32_t len = make_udp_frame(f, dgram, dlen);
    memset(f + len, 0xEE, 40); /* a sloppy NIC's non-zero padding */
    netstack_on_frame(&kn, f, len + 40);
    cr_assert_eq(deliveries, 1);
    cr_assert_eq(last_delivery.len, 0);
    cr_assert_eq(kn.stats.frames_bad, 0);
}

Test(wire, fragments_are_dropped)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    put_be16(f + 14 + 6, 0x2000); /* more fragments */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    put_be16(f + 14 + 6, 0x0001); /* offset 8 */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, 2);
    put_be16(f + 14 + 6, 0x0000); /* DF clear is fine */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 1);
}

Test(wire, bad_ip_and_udp_lengths_are_rejected)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    put_be16(f + 14 + 2, (uint16_t)(len - 14 + 1)); /* IP total length past the frame */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    put_be16(f + 14 + 2, 19); /* shorter than its header */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    put_be16(f + 34 + 4, (uint16_t)(get_be16(f + 34 + 4) + 1)); /* UDP length past IP */
    put_be16(f + 34 + 6, 0);
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    put_be16(f + 34 + 4, 7); /* UDP length below its header */
    put_be16(f + 34 + 6, 0);
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    f[14] = 0x65; /* IP version 6 */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, 5);
}

Test(wire, frames_not_for_us_are_ignored_not_bad)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    f[5] ^= 0x10; /* another node's MAC */
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    put_be16(f + 12, 0x86DD); /* IPv6 */
    netstack_on_frame(&kn, f, len);
    len = make_hello_frame(f);
    put_be32(f + 14 + 16, net_node_ipv4(99)); /* another IP */
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    uint8_t dgram[64];
    struct frame_ipv4_addr a = {kn.mac, peer_mac, peer_ip(), kn.ipv4, 1};
    len = frame_build_udp(f, &a, 53, NET_CLUSTER_UDP_PORT, dgram, make_datagram(dgram, 16, 1, NULL, 0));
    netstack_on_frame(&kn, f, len); /* wrong source port */
    len = frame_build_udp(f, &a, NET_CLUSTER_UDP_PORT, 9, dgram, 32);
    netstack_on_frame(&kn, f, len); /* another port */
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, 0);
    cr_assert_eq(kn.stats.frames_rx, 5);
    cr_assert_eq(fh.frame_count, 0, "nothing answered");
}

Test(wire, broadcast_ip_is_accepted)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_hello_frame(f);
    memcpy(f, bcast, 6);
    put_be32(f + 14 + 16, IPV4_BROADCAST);
    fix_checksums(f, len);
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(deliveries, 1);
}

Test(wire, cluster_datagrams_failing_transport_checks_are_bad)
{
    uint8_t dgram[64], f[HAL_NET_MAX_FRAME];
    struct cluster_header h = {
        .type = 16, .src_node = PEER, .dst_node = ME + 1, .src_epoch = PEER_EPOCH, .seq = 1};
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, NULL, dgram))); /* not our node */
    h.dst_node = ME;
    h.src_node = ME;
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, NULL, dgram))); /* from ourselves */
    h.src_node = PEER;
    h.src_epoch = 0;
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, NULL, dgram))); /* epoch 0 */
    h.src_epoch = PEER_EPOCH;
    h.seq = 0;
    netstack_on_frame(&kn, f,
                      make_udp_frame(f, dgram, cluster_encode(&h, NULL, dgram))); /* reliable, seq 0 */
    h.type = 5;
    h.seq = 1;
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, NULL, dgram))); /* unknown type */
    h.type = CLUSTER_MSG_ACK;
    h.payload_len = 1;
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, (const uint8_t *)"x", dgram)));
    h.type = CLUSTER_MSG_RST;
    h.seq = 0;
    h.payload_len = 4;
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, (const uint8_t *)"abcd", dgram)));
    h.type = CLUSTER_MSG_SKIP;
    h.seq = 5;
    uint8_t last[4];
    put_be32(last, 4); /* last below first */
    netstack_on_frame(&kn, f, make_udp_frame(f, dgram, cluster_encode(&h, last, dgram)));
    cr_assert_eq(deliveries, 0);
    cr_assert_eq(kn.stats.frames_bad, 8);
    cr_assert_eq(fh.trace_counts[HAL_TRACE_DROP], 8);
}

/* ---- ARP ---- */

static uint32_t make_arp(uint8_t *f, const uint8_t *eth_dst, uint16_t op, const uint8_t *smac, uint32_t sip,
                         uint32_t tip)
{
    static const uint8_t zero[6] = {0};
    return frame_build_arp(f, eth_dst, smac, op, sip, op == ARP_OP_REPLY ? kn.mac : zero, tip);
}

Test(wire, arp_request_for_us_is_answered_and_learnt)
{
    uint8_t f[HAL_NET_MAX_FRAME], out[HAL_NET_MAX_FRAME];
    netstack_on_frame(&kn, f, make_arp(f, bcast, ARP_OP_REQUEST, peer_mac, peer_ip(), kn.ipv4));
    cr_assert_eq(fh.frame_count, 1);
    uint32_t len = fake_hal_pop_frame(&fh, out);
    cr_assert_eq(len, 60);
    struct eth_view eth;
    struct arp_view arp;
    cr_assert_eq(eth_parse(out, len, &eth), 0);
    cr_assert_eq(memcmp(eth.dst, peer_mac, 6), 0, "replies are unicast");
    cr_assert_eq(memcmp(eth.src, kn.mac, 6), 0);
    cr_assert_eq(eth.ethertype, ETHERTYPE_ARP);
    cr_assert_eq(arp_parse(eth.payload, eth.len, &arp), 0);
    cr_assert_eq(arp.op, ARP_OP_REPLY);
    cr_assert_eq(memcmp(arp.sender_mac, kn.mac, 6), 0);
    cr_assert_eq(arp.sender_ip, kn.ipv4);
    cr_assert_eq(memcmp(arp.target_mac, peer_mac, 6), 0);
    cr_assert_eq(arp.target_ip, peer_ip());
    /* Learnt: a datagram to the peer leaves at once, unicast. */
    uint8_t dgram[64];
    cr_assert_eq(netstack_send_cluster(&kn, PEER, dgram, make_datagram(dgram, 16, 1, NULL, 0)), 0);
    cr_assert_eq(fh.frame_count, 1);
    len = fake_hal_pop_frame(&fh, out);
    cr_assert_eq(memcmp(out, peer_mac, 6), 0);
    cr_assert_eq(get_be16(out + 12), ETHERTYPE_IPV4);
    cr_assert_eq(kn.stats.frames_tx, 2);
}

Test(wire, arp_for_other_ips_is_neither_answered_nor_learnt)
{
    uint8_t f[HAL_NET_MAX_FRAME], out[HAL_NET_MAX_FRAME];
    netstack_on_frame(&kn, f, make_arp(f, bcast, ARP_OP_REQUEST, peer_mac, peer_ip(), net_node_ipv4(50)));
    netstack_on_frame(&kn, f, make_arp(f, kn.mac, ARP_OP_REPLY, peer_mac, peer_ip(), net_node_ipv4(50)));
    cr_assert_eq(fh.frame_count, 0);
    uint8_t dgram[64];
    netstack_send_cluster(&kn, PEER, dgram, make_datagram(dgram, 16, 1, NULL, 0));
    cr_assert_eq(fh.frame_count, 1);
    uint32_t len = fake_hal_pop_frame(&fh, out);
    cr_assert_eq(get_be16(out + 12), ETHERTYPE_ARP, "still unknown: asks");
    cr_assert_eq(memcmp(out, bcast, 6), 0, "requests are broadcast");
    struct arp_view arp;
    cr_assert_eq(arp_parse(out + 14, len - 14, &arp), 0);
    cr_assert_eq(arp.op, ARP_OP_REQUEST);
    cr_assert_eq(arp.target_ip, peer_ip());
    cr_assert_eq(kn.stats.frames_bad, 0);
}

Test(wire, bogus_arp_is_rejected)
{
    uint8_t f[HAL_NET_MAX_FRAME];
    uint32_t len = make_arp(f, bcast, ARP_OP_REQUEST, peer_mac, peer_ip(), kn.ipv4);
    f[14 + 7] = 3; /* RARP request */
    netstack_on_frame(&kn, f, len);
    len = make_arp(f, bcast, ARP_OP_REQUEST, peer_mac, peer_ip(), kn.ipv4);
    f[14 + 1] = 6; /* IEEE 802 hardware */
    netstack_on_frame(&kn, f, len);
    netstack_on_frame(&kn, f, 14 + 27);
    cr_assert_eq(kn.stats.frames_bad, 3);
    cr_assert_eq(fh.frame_count, 0);
    /* A claim to our own address, or from a group MAC, is not learnt. */
    const uint8_t group[6] = {0x01, 0, 0x5e, 0, 0, 1};
    netstack_on_frame(&kn, f, make_arp(f, kn.mac, ARP_OP_REPLY, group, peer_ip(), kn.ipv4));
    netstack_on_frame(&kn, f, make_arp(f, kn.mac, ARP_OP_REPLY, peer_mac, kn.ipv4, kn.ipv4));
    cr_assert_eq(fh.frame_count, 0);
}

Test(wire, arp_probe_from_address_zero_is_answered)
{
    uint8_t f[HAL_NET_MAX_FRAME], out[HAL_NET_MAX_FRAME];
    netstack_on_frame(&kn, f, make_arp(f, bcast, ARP_OP_REQUEST, peer_mac, 0, kn.ipv4));
    cr_assert_eq(fh.frame_count, 1);
    fake_hal_pop_frame(&fh, out);
    cr_assert_eq(memcmp(out, peer_mac, 6), 0);
}

Test(wire, datagram_waits_for_the_arp_reply)
{
    uint8_t dgram[UDP_PAYLOAD_MAX], f[HAL_NET_MAX_FRAME], out[HAL_NET_MAX_FRAME];
    uint32_t dlen = make_datagram(dgram, 16, 1, hello, sizeof hello);
    cr_assert_eq(netstack_send_cluster(&kn, PEER, dgram, dlen), 0);
    cr_assert_eq(netstack_send_cluster(&kn, PEER, dgram, dlen), ERR_BUSY, "one waits per entry");
    cr_assert_eq(fh.frame_count, 1, "one request");
    fake_hal_pop_frame(&fh, out);
    /* The transport retries within the initial timeout: no second request. */
    fh.now_ns += TRANSPORT_RTO_INITIAL_NS - 1;
    netstack_send_cluster(&kn, PEER, dgram, dlen);
    cr_assert_eq(fh.frame_count, 0);
    fh.now_ns += 1;
    netstack_send_cluster(&kn, PEER, dgram, dlen);
    cr_assert_eq(fh.frame_count, 1, "asked again after the timeout");
    fake_hal_pop_frame(&fh, out);
    /* The reply releases the waiting datagram. */
    netstack_on_frame(&kn, f, make_arp(f, kn.mac, ARP_OP_REPLY, peer_mac, peer_ip(), kn.ipv4));
    cr_assert_eq(fh.frame_count, 1);
    uint32_t len = fake_hal_pop_frame(&fh, out);
    struct ipv4_view ip;
    struct cluster_header h;
    const uint8_t *payload;
    cr_assert_eq(parse_cluster_frame(out, len, &ip, &h, &payload), 0);
    cr_assert_eq(memcmp(out, peer_mac, 6), 0);
    cr_assert_eq(ip.dst, peer_ip());
    cr_assert_eq(ip.src, kn.ipv4);
    cr_assert_eq(h.seq, 1);
    cr_assert_eq(memcmp(payload, hello, sizeof hello), 0);
}

Test(wire, netstack_send_checks_its_arguments)
{
    uint8_t dgram[UDP_PAYLOAD_MAX + 1] = {0};
    cr_assert_eq(netstack_send_cluster(&kn, PEER, dgram, UDP_PAYLOAD_MAX + 1), ERR_TOO_BIG);
    cr_assert_eq(netstack_send_cluster(&kn, ME, dgram, 32), ERR_INVALID);
    cr_assert_eq(netstack_send_cluster_ipv4(&kn, IPV4_BROADCAST, dgram, 32), ERR_INVALID);
    cr_assert_eq(netstack_send_cluster(&kn, PEER, dgram, UDP_PAYLOAD_MAX), 0);
}

Test(wire, arp_cache_replaces_the_least_recently_used)
{
    uint8_t f[HAL_NET_MAX_FRAME], out[HAL_NET_MAX_FRAME];
    uint8_t dgram[64];
    uint32_t dlen = make_datagram(dgram, 16, 1, NULL, 0);
    for (uint32_t n = 0; n < ARP_CACHE_SIZE + 8; n++) {
        uint8_t mac[6] = {0x02, 0, 0, 1, (uint8_t)(n >> 8), (uint8_t)n};
        netstack_on_frame(
            &kn, f, make_arp(f, bcast, ARP_OP_REQUEST, mac, net_node_ipv4((uint16_t)(100 + n)), kn.ipv4));
        while (fake_hal_pop_frame(&fh, out))
            ;
    }
    /* The newest are known; the oldest were replaced. */
    netstack_send_cluster(&kn, (uint16_t)(100 + ARP_CACHE_SIZE + 7), dgram, dlen);
    fake_hal_pop_frame(&fh, out);
    cr_assert_eq(get_be16(out + 12), ETHERTYPE_IPV4);
    netstack_send_cluster(&kn, 100, dgram, dlen);
    fake_hal_pop_frame(&fh, out);
    cr_assert_eq(get_be16(out + 12), ETHERTYPE_ARP);
}

/* ---- ICMP echo ---- */

static uint32_t make_echo(uint8_t *f, const uint8_t *dst_mac, uint32_t dst_ip, const uint8_t *data,
                          uint32_t len)
{
    struct frame_ipv4_addr a = {dst_mac, peer_mac, peer_ip(), dst_ip, 5};
    return frame_build_icmp_echo(f, &a, ICMP_TYPE_ECHO_REQUEST, 0x1234, 0x0042, data, len);
}

Test(wire, icmp_echo_is_answered)
{
    uint8_t f[HAL_NET_MAX_FRAME], out[HAL_NET_MAX_FRAME], data[1000];
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13 + 1);
    netstack_on_frame(&kn, f, make_echo(f, kn.mac, kn.ipv4, data, sizeof data));
    cr_assert_eq(fh.frame_count, 1);
    uint32_t len = fake_hal_pop_frame(&fh, out);
    struct eth_view eth;
    struct ipv4_view ip;
    struct icmp_echo_view echo;
    cr_assert_eq(eth_parse(out, len, &eth), 0);
    cr_assert_eq(memcmp(eth.dst, peer_mac, 6), 0);
    cr_assert_eq(ipv4_parse(eth.payload, eth.len, &ip), 0);
    cr_assert_eq(ip.src, kn.ipv4);
    cr_assert_eq(ip.dst, peer_ip());
    cr_assert_eq(ip.proto, IPV4_PROTO_ICMP);
    cr_assert_eq(ip.ttl, 64);
    cr_assert_eq(icmp_echo_parse(&ip, &echo), 0, "checksum verifies");
    cr_assert_eq(echo.type, ICMP_TYPE_ECHO_REPLY);
    cr_assert_eq(echo.id, 0x1234);
    cr_assert_eq(echo.seq, 0x0042);
    cr_assert_eq(echo.len, sizeof data);
    cr_assert_eq(memcmp(echo.data, data, sizeof data), 0);
    /* An empty echo, and an odd-length one. */
    netstack_on_frame(&kn, f, make_echo(f, kn.mac, kn.ipv4, NULL, 0));
    netstack_on_frame(&kn, f, make_echo(f, kn.mac, kn.ipv4, data, 3));
    cr_assert_eq(fh.frame_count, 2);
    fake_hal_pop_frame(&fh, out);
    len = fake_hal_pop_frame(&fh, out);
    cr_assert_eq(eth_parse(out, len, &eth), 0);
    cr_assert_eq(ipv4_parse(eth.payload, eth.len, &ip), 0);
    cr_assert_eq(icmp_echo_parse(&ip, &echo), 0);
    cr_assert_eq(echo.len, 3);
    cr_assert_eq(kn.stats.frames_bad, 0);
}

Test(wire, icmp_bad_or_not_for_us_is_not_answered)
{
    uint8_t f[HAL_NET_MAX_FRAME], data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t len = make_echo(f, kn.mac, kn.ipv4, data, sizeof data);
    f[14 + 20 + 8] ^= 1; /* data no longer matches the ICMP checksum */
    netstack_on_frame(&kn, f, len);
    cr_assert_eq(kn.stats.frames_bad, 1);
    netstack_on_frame(&kn, f, 14 + 20 + 7); /* IP says more than the frame holds */
    cr_assert_eq(kn.stats.frames_bad, 2);
    netstack_on_frame(&kn, f, make_echo(f, bcast, IPV4_BROADCAST, data, sizeof data));
    struct frame_ipv4_addr a = {kn.mac, peer_mac, peer_ip(), kn.ipv4, 5};
    netstack_on_frame(&kn, f, frame_build_icmp_echo(f, &a, ICMP_TYPE_ECHO_REPLY, 1, 1, data, 8));
    netstack_on_frame(&kn, f, frame_build_icmp_echo(f, &a, 3, 1, 1, data, 8)); /* unreachable */
    cr_assert_eq(fh.frame_count, 0);
    cr_assert_eq(kn.stats.frames_bad, 2);
}

/* ---- a deterministic mutation fuzz loop ---- */

static uint32_t rng_state;
static uint32_t rng(void)
{
    /* xorshift32: fixed seed, same frames on every run and machine */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static uint32_t seed_frame(uint8_t *f, uint32_t which)
{
    uint8_t dgram[UDP_PAYLOAD_MAX];
    uint8_t data[300];
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)rng();
    switch (which % 6) {
    case 0: return make_hello_frame(f);
    case 1: return make_arp(f, bcast, ARP_OP_REQUEST, peer_mac, peer_ip(), kn.ipv4);
    case 2: return make_echo(f, kn.mac, kn.ipv4, data, rng() % sizeof data);
    case 3: return make_udp_frame(f, dgram, make_datagram(dgram, CLUSTER_MSG_ACK, 0, NULL, 0));
    case 4:
        return make_udp_frame(f, dgram,
                              make_datagram(dgram, (uint8_t)(16 + rng() % 4), 1 + rng() % 4, data,
                                            (uint16_t)(rng() % sizeof data)));
    default: {
        uint8_t skip[4];
        put_be32(skip, 2 + rng() % 8);
        return make_udp_frame(f, dgram, make_datagram(dgram, CLUSTER_MSG_SKIP, 1 + rng() % 2, skip, 4));
    }
    }
}

static uint32_t mutate(uint8_t *f, uint32_t len)
{
    uint32_t edits = 1 + rng() % 4;
    for (uint32_t e = 0; e < edits; e++) {
        uint32_t r = rng();
        switch (r % 5) {
        case 0: f[rng() % len] ^= (uint8_t)(1u << (r >> 8) % 8); break;
        case 1: f[rng() % len] = (uint8_t)(r >> 8); break;
        case 2: len = rng() % (len + 1); break;
        case 3: {
            uint32_t grow = rng() % 64;
            if (len + grow <= HAL_NET_MAX_FRAME + 16) {
                for (uint32_t i = 0; i < grow; i++)
                    f[len + i] = (uint8_t)rng();
                len += grow;
            }
            break;
        }
        default: put_be16(f + (rng() % (len > 1 ? len - 1 : 1)), (uint16_t)rng()); break;
        }
        if (len < 2)
            break;
    }
    return len;
}

Test(wire, mutation_fuzz_50000_frames)
{
    static uint8_t f[HAL_NET_MAX_FRAME + 128];
    uint8_t out[HAL_NET_MAX_FRAME];
    rng_state = 0xC0FFEEu;
    uint32_t accepted = 0;
    for (uint32_t i = 0; i < 50000; i++) {
        uint32_t len = seed_frame(f, i);
        len = mutate(f, len);
        /* Half the time repair the checksums, to reach the layers above. */
        if ((rng() & 1) && len >= 14 + 20 + 8 && get_be16(f + 12) == ETHERTYPE_IPV4 && (f[14] & 0xF) >= 5 &&
            14u + (f[14] & 0xFu) * 4u + 8u <= len)
            fix_checksums(f, len);
        uint64_t bad = kn.stats.frames_bad;
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, f, len);
        netstack_on_frame(&kn, exact, len);
        free(exact);
        accepted += kn.stats.frames_bad == bad;
        fh.now_ns += 1000;
        transport_on_timer(&kn);
        while (fake_hal_pop_frame(&fh, out))
            ;
        if (i % 5000 == 4999) { /* fresh state now and then, and prove nothing leaks */
            kernel_halt();
            kernel_boot();
        }
    }
    cr_assert_eq(kn.stats.frames_rx, 50000 % 5000);
    cr_assert(accepted > 1000, "the loop reaches past the parsers (%u accepted)", accepted);
}
