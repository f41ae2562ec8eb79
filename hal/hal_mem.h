/*
 * hal_mem.h - physical memory pages.
 *
 * alloc_pages returns `count` contiguous, zeroed, HAL_PAGE_SIZE-aligned
 * pages, or NULL when the node's memory is exhausted (the core then fails
 * the operation with an error; it never assumes success). free_pages takes
 * back exactly what one alloc_pages call returned, with the same count.
 * The core owns the pages in between. Callable from any entry point.
 */
#ifndef HAL_MEM_H
#define HAL_MEM_H

#include "hal_types.h"

#define HAL_PAGE_SIZE 4096u

struct hal_mem_ops {
    void *(*alloc_pages)(void *ctx, uint32_t count);
    void (*free_pages)(void *ctx, void *pages, uint32_t count);
};

#endif
