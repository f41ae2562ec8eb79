/*
 * cluster.h - the cluster protocol's 32-byte header (docs/protocol.md):
 * encoding, and decoding that checks everything that can be checked
 * without the node's session state (magic, version, length, CRC-32).
 *
 * Layout, big-endian, offsets in bytes:
 *    0 magic 'C' 'N'     2 version (1)     3 type
 *    4 src_node          6 dst_node
 *    8 src_epoch        12 dst_epoch (sender's belief of ours, 0 = unknown)
 *   16 seq (0 for unreliable types)
 *   20 ack (cumulative: highest in-order seq received from the peer)
 *   24 payload length   26 flags
 *   28 checksum: CRC-32 of the header with this field zero, then the payload
 */
#ifndef CORE_CLUSTER_H
#define CORE_CLUSTER_H

#include <stdint.h>

#include "transport.h"

#define CLUSTER_MAGIC 0x434Eu /* "CN" */
#define CLUSTER_VERSION 1u

#define CLUSTER_OFF_MAGIC 0u
#define CLUSTER_OFF_VERSION 2u
#define CLUSTER_OFF_TYPE 3u
#define CLUSTER_OFF_SRC_NODE 4u
#define CLUSTER_OFF_DST_NODE 6u
#define CLUSTER_OFF_SRC_EPOCH 8u
#define CLUSTER_OFF_DST_EPOCH 12u
#define CLUSTER_OFF_SEQ 16u
#define CLUSTER_OFF_ACK 20u
#define CLUSTER_OFF_LENGTH 24u
#define CLUSTER_OFF_FLAGS 26u
#define CLUSTER_OFF_CHECKSUM 28u
_Static_assert(CLUSTER_OFF_CHECKSUM + 4u == CLUSTER_HEADER_BYTES, "header layout fills 32 bytes");

/* The transport's own message types (below CLUSTER_MSG_FIRST_KERNEL). */
enum cluster_transport_msg {
    CLUSTER_MSG_ACK = 1,  /* pure acknowledgement, unreliable */
    CLUSTER_MSG_RST = 2,  /* "no such session here", unreliable */
    CLUSTER_MSG_SKIP = 3, /* reliable: seqs seq..last are abandoned */
};

/* Flags. Unknown bits are sent as 0 and ignored on receipt. */
#define CLUSTER_FLAG_OPENING 0x0001u /* sender's seq 1 not yet acknowledged */
#define CLUSTER_FLAG_RETRY 0x0002u   /* a reliable packet sent again */

/* Payload sizes of the transport's own types. */
#define CLUSTER_RST_PAYLOAD_BYTES 8u  /* rejected seq, rejected dst_epoch */
#define CLUSTER_SKIP_PAYLOAD_BYTES 4u /* last abandoned seq */

struct cluster_header {
    uint8_t type;
    uint16_t src_node, dst_node;
    uint32_t src_epoch, dst_epoch;
    uint32_t seq, ack;
    uint16_t payload_len;
    uint16_t flags;
};

/* Reliable types carry a sequence number and are acknowledged. */
static inline int cluster_type_is_reliable(uint8_t type)
{
    return type >= CLUSTER_MSG_FIRST_KERNEL || type == CLUSTER_MSG_SKIP;
}

/* Write header `h` (magic, version and checksum filled in here) and
 * h->payload_len bytes of payload into out, which must hold
 * CLUSTER_HEADER_BYTES + h->payload_len bytes. Returns the datagram's
 * length. */
uint32_t cluster_encode(const struct cluster_header *h, const uint8_t *payload, uint8_t *out);

/* Parse a datagram of exactly `len` bytes. On success fills h, points
 * *payload into data and returns 0; ERR_PROTOCOL for a short datagram,
 * wrong magic or version, a length that disagrees, or a bad checksum. */
int cluster_decode(const uint8_t *data, uint32_t len, struct cluster_header *h, const uint8_t **payload);

#endif
