/*
 * sha256.h - SHA-256 (FIPS 180-4) of a byte string, for provenance: the
 * hash of the scenario text a run checked, which metrics.json and
 * sweep.csv record so a figure can be traced to its input. Not for
 * secrets (no constant-time promises).
 */
#ifndef HOST_SHA256_H
#define HOST_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32u
#define SHA256_HEX_BYTES (2u * SHA256_BYTES + 1u) /* lower-case hex and its NUL */

void sha256(const void *data, size_t len, uint8_t digest[SHA256_BYTES]);
/* The digest as 64 lower-case hex digits, as `sha256sum` prints it. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_BYTES]);

#endif
