/*
 * kalloc.h - the kernel's memory: whole pages from the HAL and small
 * objects carved from them in power-of-two size classes, per node.
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
#define KALLOC_SLAB_PAGES 1u

struct slab;

struct kalloc {
    void *free_list[KALLOC_CLASSES];
    struct slab *slabs;
};

void *kpage_alloc(struct kernel *k, uint32_t count);
void kpage_free(struct kernel *k, void *pages, uint32_t count);
void *kalloc(struct kernel *k, uint32_t size);
void kfree(struct kernel *k, void *p, uint32_t size);
/* Give every slab back to the HAL; every kalloc'd object dies with it. */
void kalloc_release_all(struct kernel *k);

#endif
