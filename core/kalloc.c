/*
 * kalloc.c - per-node kernel memory. Pages come from the HAL; objects of
 * up to 2^KALLOC_MAX_SHIFT bytes are carved from slabs of KALLOC_SLAB_PAGES
 * pages in power-of-two classes and kept on per-class free lists. Slabs go
 * back to the HAL only when the node is destroyed (kalloc_release_all),
 * which keeps kfree O(1) at the cost of holding the peak.
 */
#include "kalloc.h"

#include "bytes.h"
#include "kassert.h"
#include "kernel_priv.h"

void *kpage_alloc(struct kernel *k, uint32_t count)
{
    void *p = k->hal.mem->alloc_pages(k->hal.ctx, count);
    if (p == NULL)
        return NULL;
    k->stats.pages_in_use += count;
    if (k->stats.pages_in_use > k->stats.pages_peak)
        k->stats.pages_peak = k->stats.pages_in_use;
    return p;
}

void kpage_free(struct kernel *k, void *pages, uint32_t count)
{
    if (pages == NULL)
        return;
    /* More pages back than out: a page freed twice. */
    KASSERT(k, count <= k->stats.pages_in_use);
    KASSERT(k, ((uintptr_t)pages & (PAGE_SIZE - 1u)) == 0);
    k->hal.mem->free_pages(k->hal.ctx, pages, count);
    k->stats.pages_in_use -= count;
}

static uint32_t size_class(uint32_t size)
{
    uint32_t shift = KALLOC_MIN_SHIFT;
    while ((1u << shift) < size)
        shift++;
    return shift - KALLOC_MIN_SHIFT;
}

static uint32_t pages_for(uint32_t size)
{
    return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Each slab starts with this header, which chains all slabs of a node. */
struct slab {
    struct slab *next;
};
#define SLAB_HEADER_BYTES 16u
_Static_assert(sizeof(struct slab) <= SLAB_HEADER_BYTES, "slab header fits");

/* Split a fresh slab into objects of class `cls` on its free list. */
static int refill_class(struct kernel *k, uint32_t cls)
{
    uint8_t *base = kpage_alloc(k, KALLOC_SLAB_PAGES);
    if (base == NULL)
        return ERR_NO_MEMORY;
    struct slab *slab = (struct slab *)base;
    slab->next = k->heap.slabs;
    k->heap.slabs = slab;
    uint32_t obj = 1u << (cls + KALLOC_MIN_SHIFT);
    for (uint32_t off = SLAB_HEADER_BYTES; off + obj <= KALLOC_SLAB_PAGES * PAGE_SIZE; off += obj) {
        void **slot = (void **)(base + off);
        *slot = k->heap.free_list[cls];
        k->heap.free_list[cls] = slot;
    }
    return 0;
}

void *kalloc(struct kernel *k, uint32_t size)
{
    if (size == 0)
        size = 1;
    if (size > (1u << KALLOC_MAX_SHIFT))
        return kpage_alloc(k, pages_for(size));
    uint32_t cls = size_class(size);
    if (k->heap.free_list[cls] == NULL && refill_class(k, cls) != 0)
        return NULL;
    void **obj = k->heap.free_list[cls];
    k->heap.free_list[cls] = *obj;
    kmemset(obj, 0, 1u << (cls + KALLOC_MIN_SHIFT));
    return obj;
}

void kfree(struct kernel *k, void *p, uint32_t size)
{
    if (p == NULL)
        return;
    if (size == 0)
        size = 1;
    if (size > (1u << KALLOC_MAX_SHIFT)) {
        kpage_free(k, p, pages_for(size));
        return;
    }
    uint32_t cls = size_class(size);
    void **obj = p;
    KASSERT_MSG(k, k->heap.free_list[cls] != obj, "object freed twice in a row");
    *obj = k->heap.free_list[cls];
    k->heap.free_list[cls] = obj;
}

void kalloc_release_all(struct kernel *k)
{
    while (k->heap.slabs != NULL) {
        struct slab *slab = k->heap.slabs;
        k->heap.slabs = slab->next;
        kpage_free(k, slab, KALLOC_SLAB_PAGES);
    }
    kmemset(k->heap.free_list, 0, sizeof k->heap.free_list);
}
