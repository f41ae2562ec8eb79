/*
 * kalloc.c - per-node kernel memory. Pages come from the HAL. Objects of
 * up to 2^KALLOC_MAX_SHIFT bytes, whatever their class, are cut from the
 * front of one region of fresh memory (first the tail of the kernel's own
 * page, then one slab page after another) and come back on per-class free
 * lists for reuse. Mixing classes in a page lets a node holding a few
 * small objects of many sizes pay for one page, not one per class.
 *
 * Fresh memory is zero (the HAL's pages are, and nothing wrote them), so
 * only reused objects are cleared: no page is zeroed twice. Slabs go back
 * to the HAL only when the node is destroyed (kalloc_release_all), which
 * keeps kfree O(1) at the cost of holding the peak.
 */
#include "kalloc.h"

#include "bytes.h"
#include "kassert.h"
#include "kernel_priv.h"

#define KALLOC_MIN_BYTES (1u << KALLOC_MIN_SHIFT)

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

static uint32_t class_bytes(uint32_t cls)
{
    return 1u << (cls + KALLOC_MIN_SHIFT);
}

static uint32_t pages_for(uint32_t size)
{
    return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Each slab starts with this header, which chains all slabs of a node. */
struct slab {
    struct slab *next;
};
#define SLAB_HEADER_BYTES KALLOC_MIN_BYTES
_Static_assert(sizeof(struct slab) <= SLAB_HEADER_BYTES, "slab header fits");

static void push_free(struct kernel *k, uint32_t cls, void *obj)
{
    void **slot = obj;
    *slot = k->heap.free_list[cls];
    k->heap.free_list[cls] = slot;
}

void kalloc_init(struct kernel *k, uint8_t *start, uint32_t bytes)
{
    KASSERT(k, ((uintptr_t)start & (KALLOC_MIN_BYTES - 1u)) == 0 && bytes % KALLOC_MIN_BYTES == 0);
    kmemset(&k->heap, 0, sizeof k->heap);
    k->heap.fresh = start;
    k->heap.fresh_bytes = bytes;
    k->heap.first_bytes = bytes;
}

/* Cut `bytes` from the fresh region (which holds them). */
static void *take_fresh(struct kernel *k, uint32_t bytes)
{
    void *obj = k->heap.fresh;
    k->heap.fresh += bytes;
    k->heap.fresh_bytes -= bytes;
    return obj;
}

/* The fresh region cannot hold an object of class `cls`: hand what is
 * left of it to the free lists, largest pieces first, and take a new slab. */
static int refill_fresh(struct kernel *k, uint32_t cls)
{
    for (uint32_t c = cls; c-- > 0;)
        if (k->heap.fresh_bytes >= class_bytes(c))
            push_free(k, c, take_fresh(k, class_bytes(c)));
    KASSERT(k, k->heap.fresh_bytes == 0);
    uint8_t *base = kpage_alloc(k, 1);
    if (base == NULL)
        return ERR_NO_MEMORY;
    struct slab *slab = (struct slab *)base;
    slab->next = k->heap.slabs;
    k->heap.slabs = slab;
    k->heap.fresh = base + SLAB_HEADER_BYTES;
    k->heap.fresh_bytes = PAGE_SIZE - SLAB_HEADER_BYTES;
    return 0;
}

void *kalloc(struct kernel *k, uint32_t size)
{
    if (size == 0)
        size = 1;
    if (size > (1u << KALLOC_MAX_SHIFT))
        return kpage_alloc(k, pages_for(size));
    uint32_t cls = size_class(size), bytes = class_bytes(cls);
    void **obj = k->heap.free_list[cls];
    if (obj != NULL) {
        k->heap.free_list[cls] = *obj;
        kmemset(obj, 0, bytes); /* reused: not zero any more */
    } else {
        if (k->heap.fresh_bytes < bytes && refill_fresh(k, cls) != 0)
            return NULL;
        obj = take_fresh(k, bytes);
    }
    k->heap.object_bytes += bytes;
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
    KASSERT_MSG(k, k->heap.free_list[cls] != p, "object freed twice in a row");
    KASSERT(k, k->heap.object_bytes >= class_bytes(cls));
    k->heap.object_bytes -= class_bytes(cls);
    push_free(k, cls, p);
}

void kalloc_usage(const struct kernel *k, uint32_t *slabs, uint32_t *free_bytes)
{
    uint32_t n = 0;
    for (const struct slab *s = k->heap.slabs; s != NULL; s = s->next)
        n++;
    *slabs = n;
    *free_bytes = k->heap.first_bytes + n * (PAGE_SIZE - SLAB_HEADER_BYTES) - k->heap.object_bytes;
}

void kalloc_release_all(struct kernel *k)
{
    while (k->heap.slabs != NULL) {
        struct slab *slab = k->heap.slabs;
        k->heap.slabs = slab->next;
        kpage_free(k, slab, 1);
    }
    kmemset(&k->heap, 0, sizeof k->heap);
}
