/*
 * pages.h - the physical page allocator, fed from the boot loader's memory
 * map. Pages are identity-mapped: the pointer is the physical address.
 */
#ifndef HAL_X86_PAGES_H
#define HAL_X86_PAGES_H

#include <stdint.h>

#include "bootinfo.h"

#define PAGE_BYTES 4096u

/* Take every usable page of the boot memory map below 4 GiB, except the
 * first MiB, the kernel image (with its .bss, stack and page tables) and
 * the boot modules (programs, read in place for the node's whole life).
 * The loader's information must already be copied out (bootinfo_parse). */
void pages_init(const struct boot_info *bi);

/* `count` contiguous zeroed pages, or NULL. */
void *pages_alloc(uint32_t count);
void pages_free(void *pages, uint32_t count);

uint64_t pages_total(void);     /* usable pages managed */
uint64_t pages_available(void); /* of which free now */

#endif
