/*
 * stream.h - the message format that sender writes and sink checks, so
 * that a message cut short, grown, mixed up with another sender's or
 * changed anywhere on its way is caught at the first wrong byte.
 *
 * A message of n bytes (n >= STREAM_HEADER_BYTES) from process <pid>:
 *   bytes 0..3   its sequence number, big-endian (0, 1, 2, ... per sender)
 *   bytes 4..7   n, big-endian
 *   byte  i >= 8 stream_byte(pid, seq, i)
 */
#ifndef NIMBUS_TESTPROGS_STREAM_H
#define NIMBUS_TESTPROGS_STREAM_H

#include "nimbus.h"

#define STREAM_HEADER_BYTES 8u

static inline uint32_t stream_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void stream_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Payload byte at offset i of message seq from pid: a hash of all three,
 * so that no two messages of a run share their contents by accident. */
static inline uint8_t stream_byte(uint32_t pid, uint32_t seq, uint32_t i)
{
    uint32_t x = pid * 2654435761u ^ seq * 2246822519u ^ i * 3266489917u;
    x ^= x >> 15;
    x *= 668265263u;
    x ^= x >> 13;
    return (uint8_t)x;
}

/* Fill message seq of len bytes from pid. */
static inline void stream_fill(uint8_t *msg, uint32_t len, uint32_t pid, uint32_t seq)
{
    stream_put_be32(msg, seq);
    stream_put_be32(msg + 4, len);
    for (uint32_t i = STREAM_HEADER_BYTES; i < len; i++)
        msg[i] = stream_byte(pid, seq, i);
}

#endif
