/*
 * fuzz_frame.c - libFuzzer harness for the network stack and transport:
 * every input is a short conversation with one test kernel (node 7).
 *
 * Input: records of [control (1)] [length (2, big-endian)] [frame bytes].
 * Control bits: 0x01 repair the IPv4, UDP and cluster checksums first, so
 * the fuzzer gets past them to the transport's logic; 0x02 advance time
 * by (control >> 2 & 0x1F) ms and run the retransmission timer; 0x80 also
 * queue a message for node (control & 3) with the frame as payload. A
 * kernel message received is answered from inside the upcall, as the real
 * kernel does. After the input, the kernel is destroyed and must have
 * returned every page.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -I. core/... tests/fake_hal.c
 *        tests/fuzz/fuzz_frame.c (plus the user programs, or a stub).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/cluster.h"
#include "core/crc32.h"
#include "core/frame.h"
#include "core/kernel_priv.h"
#include "core/net.h"
#include "core/transport.h"
#include "tests/fake_hal.h"

#define FUZZ_NODE 7u

static struct fake_hal fuzz_hal; /* large: keep it off the stack */

void ipc_on_cluster_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                            uint32_t len)
{
    if (len > CLUSTER_PAYLOAD_MAX)
        abort();
    if (type < CLUSTER_MSG_FIRST_KERNEL)
        abort();
    (void)transport_send(k, src_node, (uint8_t)(type + 1u < 256u ? type + 1u : type), payload, len / 2u);
}

void ipc_on_peer_reset(struct kernel *k, uint16_t node, bool restarted)
{
    (void)restarted;
    if (node == k->node_id)
        abort();
}

void ipc_on_peer_abandoned(struct kernel *k, uint16_t node)
{
    if (node == k->node_id)
        abort();
}

/* Recompute the checksums a mutated frame broke, where its own lengths
 * say where they are; leave anything inconsistent alone. */
static void fuzz_fix_checksums(uint8_t *f, uint32_t len)
{
    if (len < ETH_HEADER_BYTES + IPV4_HEADER_MIN || get_be16(f + 12) != ETHERTYPE_IPV4)
        return;
    uint8_t *ip = f + ETH_HEADER_BYTES;
    uint32_t ihl = (ip[0] & 0xFu) * 4u;
    if (ihl < IPV4_HEADER_MIN || ETH_HEADER_BYTES + ihl > len)
        return;
    put_be16(ip + 10, 0);
    put_be16(ip + 10, inet_checksum_finish(inet_sum(0, ip, ihl)));
    if (ip[9] != IPV4_PROTO_UDP || ETH_HEADER_BYTES + ihl + UDP_HEADER_BYTES > len)
        return;
    uint8_t *udp = ip + ihl;
    uint32_t ulen = get_be16(udp + 4);
    if (ulen < UDP_HEADER_BYTES || ETH_HEADER_BYTES + ihl + ulen > len)
        return;
    uint8_t *c = udp + UDP_HEADER_BYTES;
    uint32_t clen = ulen - UDP_HEADER_BYTES;
    if (clen >= CLUSTER_HEADER_BYTES) {
        put_be32(c + CLUSTER_OFF_CHECKSUM, 0);
        put_be32(c + CLUSTER_OFF_CHECKSUM, crc32_compute(c, clen));
    }
    put_be16(udp + 6, 0); /* "no checksum": valid, and simpler than redoing it */
}

static void fuzz_boot(struct kernel *k)
{
    fake_hal_init(&fuzz_hal, FUZZ_NODE);
    memset(k, 0, sizeof *k);
    k->hal = fuzz_hal.hal;
    k->node_id = FUZZ_NODE;
    k->epoch = 0x5EED0001u;
    fuzz_hal.hal.net->get_mac(fuzz_hal.hal.ctx, k->mac);
    k->ipv4 = net_node_ipv4(FUZZ_NODE);
    if (netstack_init(k) != 0 || transport_init(k) != 0)
        abort();
}

static void fuzz_step(struct kernel *k, uint8_t control, uint8_t *frame, uint32_t len)
{
    if (control & 0x01)
        fuzz_fix_checksums(frame, len);
    netstack_on_frame(k, frame, len);
    if (control & 0x80)
        (void)transport_send(k, (uint16_t)(control & 3u), 16, frame, len > CLUSTER_PAYLOAD_MAX ? 0 : len);
    if (control & 0x02) {
        fuzz_hal.now_ns += (uint64_t)((control >> 2) & 0x1Fu) * 1000000u;
        transport_on_timer(k);
    }
    fuzz_hal.frame_count = 0; /* what the kernel sent is not looked at */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kernel k;
    fuzz_boot(&k);
    size_t at = 0;
    while (at + 3 <= size) {
        uint8_t control = data[at];
        uint32_t len = get_be16(data + at + 1);
        at += 3;
        if (len > size - at)
            len = (uint32_t)(size - at);
        /* An exact-size copy: the sanitizer sees any read past the frame. */
        uint8_t *frame = malloc(len ? len : 1);
        if (frame == NULL)
            abort();
        memcpy(frame, data + at, len);
        fuzz_step(&k, control, frame, len);
        free(frame);
        at += len;
    }
    transport_destroy(&k);
    netstack_destroy(&k);
    kalloc_release_all(&k);
    if (fuzz_hal.pages_in_use != 0)
        abort();
    return 0;
}
