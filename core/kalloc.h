/*
 * kalloc.h - the kernel's memory: whole pages from the HAL and small
 * objects in power-of-two size classes, per node.
 *
 * Every allocation is zeroed and may fail (NULL): callers turn that into
 * ERR_NO_MEMORY. kfree takes the size that was asked for. Pages in use are
 * counted in the node's kernel_stats.
 */
#ifndef CORE_KALLOC_H
#define CORE_KALLOC_H

#include <stdint.h>

struct kernel;

#define KALLOC_MIN_SHIFT 4u  /* smallest class: 16 bytes */
#define KALLOC_MAX_SHIFT 11u /* largest class: 2048 bytes; larger sizes take whole pages */
#define KALLOC_CLASSES (KALLOC_MAX_SHIFT - KALLOC_MIN_SHIFT + 1u)

struct slab;

struct kalloc {
    void *free_list[KALLOC_CLASSES]; /* objects freed, per class */
    struct slab *slabs;              /* pages taken for objects, to give back */
    uint8_t *fresh;                  /* bytes never handed out yet (still zero)... */
    uint32_t fresh_bytes;            /* ...this many of them */
    uint32_t object_bytes;           /* bytes handed out and not freed, in whole classes */
    uint32_t first_bytes;            /* the region kalloc_init was given */
};

/* Start the heap on `bytes` zeroed bytes the caller owns (the tail of the
 * kernel's own page, so a quiet node needs no page for small objects);
 * start and bytes are multiples of 1 << KALLOC_MIN_SHIFT. */
void kalloc_init(struct kernel *k, uint8_t *start, uint32_t bytes);
void *kpage_alloc(struct kernel *k, uint32_t count);
void kpage_free(struct kernel *k, void *pages, uint32_t count);
void *kalloc(struct kernel *k, uint32_t size);
void kfree(struct kernel *k, void *p, uint32_t size);
/* Slabs held, and bytes in them (and in the first region) not in use. */
void kalloc_usage(const struct kernel *k, uint32_t *slabs, uint32_t *free_bytes);
/* Give every slab back to the HAL; every kalloc'd object dies with it. */
void kalloc_release_all(struct kernel *k);

#endif
