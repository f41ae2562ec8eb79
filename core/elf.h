/*
 * elf.h - loading RV32 ELF executables into an address space.
 *
 * The image is untrusted: every header field, offset and size is checked
 * before use. A valid image is a little-endian ELF32 ET_EXEC for EM_RISCV
 * whose PT_LOAD segments lie inside [ABI_USER_BASE, ABI_USER_TOP - stack)
 * and inside the file, with the entry point in an executable segment.
 */
#ifndef CORE_ELF_H
#define CORE_ELF_H

#include <stdint.h>

#include "vm.h"

/* Map and fill the image's segments in `vm` and store the entry point.
 * 0, ERR_BAD_IMAGE (nothing usable was loaded; the caller destroys vm),
 * or ERR_NO_MEMORY. */
int elf_load(struct vm *vm, struct kernel *k, const uint8_t *image, uint32_t size, uint32_t *entry);

#endif
