/*
 * hal_program.h - where user program images (RV32IM ELF files) come from:
 * linked into the simulator, shipped as a boot module on x86.
 *
 * lookup finds the program called `name` (`name_len` bytes, not
 * NUL-terminated). On success it sets *image and *size and returns HAL_OK;
 * the bytes stay valid and unchanged for the node's whole life. The core
 * still validates every byte: an image is untrusted input. Returns
 * HAL_ERR_NOT_FOUND when there is no such program.
 *
 * translation (may be NULL) gives the ahead-of-time translation of the
 * program called `name` (core/rv32_xlat.h), or NULL for none. Like the
 * image it stays valid for the node's life; the core uses it only for a
 * process whose text it checks out against.
 */
#ifndef HAL_PROGRAM_H
#define HAL_PROGRAM_H

#include "hal_types.h"

struct rv_xlat_program;

struct hal_program_ops {
    int (*lookup)(void *ctx, const char *name, uint32_t name_len,
                  const uint8_t **image, uint32_t *size);
    const struct rv_xlat_program *(*translation)(void *ctx, const char *name, uint32_t name_len);
};

#endif
