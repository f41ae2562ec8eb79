/*
 * sim_pages.h - the host memory behind the nodes' HAL pages.
 *
 * aligned_alloc of one 4 KiB page costs the host about two pages, and a
 * 10,000-node run holds hundreds of thousands of pages, so small blocks
 * (up to SIM_PAGES_MAX_POOLED pages) are carved from large chunks and
 * recycled through one free list per size. Chunks are anonymous
 * mappings: zero, and faulted in only where a kernel touches them, so a
 * block carved fresh is not cleared again (only recycled ones are), and
 * pages a kernel holds but never touches cost the host nothing.
 * Everything goes back to the host in sim_pages_destroy. Addresses never
 * influence the simulation.
 *
 * Under AddressSanitizer the pool is bypassed so that every block is a
 * separate allocation and use-after-free stays detectable.
 */
#ifndef SIM_PAGES_H
#define SIM_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "hal/hal_mem.h"

#define SIM_PAGES_MAX_POOLED 16u
#define SIM_PAGES_CHUNK_PAGES 256u /* 1 MiB */
#define SIM_PAGES_CHUNK_BYTES ((size_t)SIM_PAGES_CHUNK_PAGES * HAL_PAGE_SIZE)

struct sim_pages {
    void *free[SIM_PAGES_MAX_POOLED + 1]; /* per size: freed blocks, linked */
    uint8_t *chunk;                       /* the chunk being carved */
    uint32_t chunk_left;                  /* pages not yet carved from it */
    void **chunks;                        /* every chunk, to give back */
    size_t chunk_count, chunk_cap;
};

void sim_pages_init(struct sim_pages *p);
/* `count` zeroed, page-aligned pages, or NULL when the host has none. */
void *sim_pages_alloc(struct sim_pages *p, uint32_t count);
/* Give back a block from sim_pages_alloc with the same count. */
void sim_pages_free(struct sim_pages *p, void *block, uint32_t count);
/* Free every chunk; no block may be in use any more. */
void sim_pages_destroy(struct sim_pages *p);

#endif
