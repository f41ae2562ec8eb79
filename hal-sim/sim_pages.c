/* sim_pages.c - see sim_pages.h. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "sim_pages.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hal/hal_mem.h"
#include "host/xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define SIM_PAGES_POOL false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_PAGES_POOL false
#endif
#endif
#ifndef SIM_PAGES_POOL
#define SIM_PAGES_POOL true
#endif

void sim_pages_init(struct sim_pages *p) { memset(p, 0, sizeof *p); }

static void *carve(struct sim_pages *p, uint32_t count)
{
    if (p->chunk_left < count) {
        /* The tail of the old chunk (fewer than count pages) is left unused. */
        /* Anonymous mappings are zero and cost nothing until touched. */
        void *chunk = mmap(NULL, SIM_PAGES_CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (chunk == MAP_FAILED)
            return NULL;
        if (p->chunk_count == p->chunk_cap) {
            p->chunk_cap = p->chunk_cap ? p->chunk_cap * 2 : 64;
            p->chunks = xrealloc(p->chunks, p->chunk_cap * sizeof p->chunks[0]);
        }
        p->chunks[p->chunk_count++] = chunk;
        p->chunk = chunk;
        p->chunk_left = SIM_PAGES_CHUNK_PAGES;
    }
    void *block = p->chunk;
    p->chunk += (size_t)count * HAL_PAGE_SIZE;
    p->chunk_left -= count;
    return block;
}

void *sim_pages_alloc(struct sim_pages *p, uint32_t count)
{
    size_t bytes = (size_t)count * HAL_PAGE_SIZE;
    void *block;
    if (!SIM_PAGES_POOL || count > SIM_PAGES_MAX_POOLED) {
        block = aligned_alloc(HAL_PAGE_SIZE, bytes);
    } else if (p->free[count] != NULL) {
        block = p->free[count];
        memcpy(&p->free[count], block, sizeof(void *));
    } else {
        return carve(p, count); /* never used: zero already */
    }
    if (block != NULL)
        memset(block, 0, bytes);
    return block;
}

void sim_pages_free(struct sim_pages *p, void *block, uint32_t count)
{
    if (block == NULL)
        return;
    if (!SIM_PAGES_POOL || count > SIM_PAGES_MAX_POOLED || count == 0) {
        free(block);
        return;
    }
    memcpy(block, &p->free[count], sizeof(void *));
    p->free[count] = block;
}

void sim_pages_destroy(struct sim_pages *p)
{
    for (size_t i = 0; i < p->chunk_count; i++)
        munmap(p->chunks[i], SIM_PAGES_CHUNK_BYTES);
    free(p->chunks);
    sim_pages_init(p);
}
