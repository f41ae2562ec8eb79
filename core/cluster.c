/*
 * cluster.c - the cluster protocol header codec (see cluster.h).
 *
 * Decoding only proves the datagram is intact and well formed; whether it
 * is for this node and fits a session is the transport's to decide.
 */
#include "cluster.h"

#include "abi.h"
#include "bytes.h"
#include "crc32.h"

static const uint8_t zero_checksum[4] = {0, 0, 0, 0};

/* The CRC covers the header with its checksum field taken as zero, then
 * the payload, so it is computed the same way when sending and checking. */
static uint32_t cluster_checksum(const uint8_t *header, const uint8_t *payload, uint32_t len)
{
    uint32_t state = crc32_update(CRC32_INIT, header, CLUSTER_OFF_CHECKSUM);
    state = crc32_update(state, zero_checksum, sizeof zero_checksum);
    state = crc32_update(state, payload, len);
    return crc32_finish(state);
}

uint32_t cluster_encode(const struct cluster_header *h, const uint8_t *payload, uint8_t *out)
{
    put_be16(out + CLUSTER_OFF_MAGIC, CLUSTER_MAGIC);
    out[CLUSTER_OFF_VERSION] = CLUSTER_VERSION;
    out[CLUSTER_OFF_TYPE] = h->type;
    put_be16(out + CLUSTER_OFF_SRC_NODE, h->src_node);
    put_be16(out + CLUSTER_OFF_DST_NODE, h->dst_node);
    put_be32(out + CLUSTER_OFF_SRC_EPOCH, h->src_epoch);
    put_be32(out + CLUSTER_OFF_DST_EPOCH, h->dst_epoch);
    put_be32(out + CLUSTER_OFF_SEQ, h->seq);
    put_be32(out + CLUSTER_OFF_ACK, h->ack);
    put_be16(out + CLUSTER_OFF_LENGTH, h->payload_len);
    put_be16(out + CLUSTER_OFF_FLAGS, h->flags);
    if (h->payload_len != 0)
        kmemmove(out + CLUSTER_HEADER_BYTES, payload, h->payload_len);
    uint8_t *body = out + CLUSTER_HEADER_BYTES;
    put_be32(out + CLUSTER_OFF_CHECKSUM, cluster_checksum(out, body, h->payload_len));
    return CLUSTER_HEADER_BYTES + h->payload_len;
}

static void cluster_read_fields(const uint8_t *data, struct cluster_header *h)
{
    h->type = data[CLUSTER_OFF_TYPE];
    h->src_node = get_be16(data + CLUSTER_OFF_SRC_NODE);
    h->dst_node = get_be16(data + CLUSTER_OFF_DST_NODE);
    h->src_epoch = get_be32(data + CLUSTER_OFF_SRC_EPOCH);
    h->dst_epoch = get_be32(data + CLUSTER_OFF_DST_EPOCH);
    h->seq = get_be32(data + CLUSTER_OFF_SEQ);
    h->ack = get_be32(data + CLUSTER_OFF_ACK);
    h->payload_len = get_be16(data + CLUSTER_OFF_LENGTH);
    h->flags = get_be16(data + CLUSTER_OFF_FLAGS);
}

int cluster_decode(const uint8_t *data, uint32_t len, struct cluster_header *h, const uint8_t **payload)
{
    if (len < CLUSTER_HEADER_BYTES)
        return ERR_PROTOCOL;
    if (get_be16(data + CLUSTER_OFF_MAGIC) != CLUSTER_MAGIC || data[CLUSTER_OFF_VERSION] != CLUSTER_VERSION)
        return ERR_PROTOCOL;
    cluster_read_fields(data, h);
    if ((uint32_t)CLUSTER_HEADER_BYTES + h->payload_len != len)
        return ERR_PROTOCOL;
    const uint8_t *body = data + CLUSTER_HEADER_BYTES;
    if (get_be32(data + CLUSTER_OFF_CHECKSUM) != cluster_checksum(data, body, h->payload_len))
        return ERR_PROTOCOL;
    *payload = body;
    return 0;
}
