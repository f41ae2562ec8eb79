/*
 * pages.c - see pages.h. One bit per 4 KiB page of the identity-mapped
 * 4 GiB, set when the page is in use or is not RAM. Allocation is first
 * fit from the lowest page that may be free, which keeps the memory in
 * use packed low and makes contiguous runs easy to find.
 */
#include "pages.h"

#include <stdbool.h>

#include "kstring.h"
#include "panic.h"

#define MAP_PAGES (0x100000000ull / PAGE_BYTES)
#define WORD_BITS 64u
#define MAP_WORDS (MAP_PAGES / WORD_BITS)
#define LOW_MEMORY_END 0x100000ull /* BIOS data, the real-mode world */

extern const char _kernel_start[], _kernel_end[]; /* link.ld */

static uint64_t used[MAP_WORDS];
static uint64_t first_maybe_free; /* no free page below this one */
static uint64_t total, available;

static bool is_used(uint64_t page)
{
    return used[page / WORD_BITS] >> (page % WORD_BITS) & 1;
}

static void set_used(uint64_t page)
{
    used[page / WORD_BITS] |= 1ull << (page % WORD_BITS);
}

static void set_free(uint64_t page)
{
    used[page / WORD_BITS] &= ~(1ull << (page % WORD_BITS));
}

/* Whether `page` holds part of a boot module (bootinfo.h). */
static bool in_module(const struct boot_info *bi, uint64_t page)
{
    for (uint32_t m = 0; m < bi->module_count; m++) {
        uint64_t first = bi->modules[m].start / PAGE_BYTES;
        uint64_t end = ((uint64_t)bi->modules[m].end + PAGE_BYTES - 1) / PAGE_BYTES;
        if (page >= first && page < end)
            return true;
    }
    return false;
}

void pages_init(const struct boot_info *bi)
{
    memset(used, 0xFF, sizeof used);
    uint64_t kernel_first = (uintptr_t)_kernel_start / PAGE_BYTES;
    uint64_t kernel_end = ((uintptr_t)_kernel_end + PAGE_BYTES - 1) / PAGE_BYTES;
    for (uint32_t r = 0; r < bi->mem_count; r++) {
        uint64_t base = bi->mem[r].base, end = base + bi->mem[r].length;
        if (base < LOW_MEMORY_END)
            base = LOW_MEMORY_END;
        /* Whole pages only. */
        for (uint64_t p = (base + PAGE_BYTES - 1) / PAGE_BYTES; p < end / PAGE_BYTES && p < MAP_PAGES; p++) {
            if ((p >= kernel_first && p < kernel_end) || !is_used(p) || in_module(bi, p))
                continue;
            set_free(p);
            total++;
        }
    }
    available = total;
    first_maybe_free = 0;
}

/* The first page of `count` free ones in a row at or after `from`, or
 * MAP_PAGES when there is none. */
static uint64_t find_run(uint64_t from, uint32_t count)
{
    uint64_t run = 0;
    for (uint64_t p = from; p < MAP_PAGES; p++) {
        if (run == 0 && p % WORD_BITS == 0 && used[p / WORD_BITS] == ~0ull) {
            p += WORD_BITS - 1; /* a whole word in use */
            continue;
        }
        run = is_used(p) ? 0 : run + 1;
        if (run == count)
            return p + 1 - count;
    }
    return MAP_PAGES;
}

void *pages_alloc(uint32_t count)
{
    if (count == 0 || count > available)
        return NULL;
    uint64_t first = find_run(first_maybe_free, count);
    if (first == MAP_PAGES)
        return NULL;
    for (uint64_t p = first; p < first + count; p++)
        set_used(p);
    if (first == first_maybe_free)
        first_maybe_free = first + count;
    available -= count;
    void *mem = (void *)(uintptr_t)(first * PAGE_BYTES);
    memset(mem, 0, (size_t)count * PAGE_BYTES);
    return mem;
}

void pages_free(void *pages, uint32_t count)
{
    uintptr_t addr = (uintptr_t)pages;
    uint64_t first = addr / PAGE_BYTES;
    if (addr % PAGE_BYTES != 0 || first + count > MAP_PAGES)
        panic("pages_free(%p, %u): not an allocated run", pages, count);
    for (uint64_t p = first; p < first + count; p++) {
        if (!is_used(p))
            panic("pages_free(%p, %u): page %p is already free", pages, count,
                  (void *)(uintptr_t)(p * PAGE_BYTES));
        set_free(p);
    }
    available += count;
    if (first < first_maybe_free)
        first_maybe_free = first;
}

uint64_t pages_total(void)
{
    return total;
}

uint64_t pages_available(void)
{
    return available;
}
