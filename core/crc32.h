/*
 * crc32.h - CRC-32 as used by Ethernet, zlib and PNG (IEEE 802.3
 * polynomial 0x04C11DB7, bit-reflected, initial value and final XOR
 * 0xFFFFFFFF). The check value of "123456789" is 0xCBF43926.
 *
 * The cluster protocol uses it to catch corruption the 16-bit Internet
 * checksums miss (docs/protocol.md).
 */
#ifndef CORE_CRC32_H
#define CORE_CRC32_H

#include <stdint.h>

#define CRC32_INIT 0xFFFFFFFFu

/* Continue a CRC over `len` more bytes. Start from CRC32_INIT and pass the
 * result through crc32_finish; this lets a caller checksum a message kept
 * in several pieces. */
uint32_t crc32_update(uint32_t state, const uint8_t *data, uint32_t len);

static inline uint32_t crc32_finish(uint32_t state)
{
    return state ^ 0xFFFFFFFFu;
}

/* The CRC-32 of one contiguous buffer. */
uint32_t crc32_compute(const uint8_t *data, uint32_t len);

#endif
