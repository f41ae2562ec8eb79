/*
 * vm.c - a process's address space: a sparse table of USER_PAGES entries
 * (vm.h), each a page from kpage_alloc with its permissions in the low bits.
 *
 * Every range from outside (a system call argument, an ELF segment) is
 * checked against [ABI_USER_BASE, ABI_USER_TOP) in 64-bit arithmetic, so
 * va + len never wraps. Copies check the whole range before touching a
 * byte, so a failed copy changes nothing.
 *
 * Executable pages carry the interpreter's decode cache right after them
 * (vm.h): this file allocates it with the page, moves a page into a
 * bigger allocation when it becomes executable, and zeroes the entries of
 * any word it writes, so that rv32.c never runs a stale decoding. It
 * also holds the interpreter's TLBs across runs and empties them whenever
 * what they cache changes (vm.h).
 */
#include "vm.h"

#include "bytes.h"
#include "kassert.h"
#include "crc32.h"
#include "kalloc.h"

#define VM_PAGE_MASK ((uintptr_t)PAGE_SIZE - 1u)

static uint8_t *vm_page_host(uintptr_t pte)
{
    return (uint8_t *)(pte & ~VM_PAGE_MASK);
}

/* Host pages behind a table entry: executable pages carry their cache. */
static uint32_t vm_pte_pages(uintptr_t pte)
{
    return (pte & VM_PERM_X) != 0 ? 1u + VM_DECODE_PAGES : 1u;
}

static void vm_tlb_empty(struct vm_tlb *t)
{
    for (unsigned i = 0; i < 32; i++)
        t->tag[i] = VM_TLB_EMPTY;
}

/* A page's host address or permissions change, or it goes: no TLB entry
 * may still point at it. */
static void vm_tlbs_empty(struct vm *vm)
{
    vm_tlb_empty(&vm->load_tlb);
    vm_tlb_empty(&vm->store_tlb);
}

int vm_init(struct vm *vm, struct kernel *k)
{
    (void)k;
    *vm = (struct vm){0};
    vm_tlbs_empty(vm);
    return 0;
}

uint32_t vm_memory_bytes(const struct vm *vm)
{
    uint32_t pages = 0;
    for (uint32_t d = 0; d < VM_DIR_ENTRIES; d++) {
        const uintptr_t *leaf = vm->dir[d];
        for (uint32_t i = 0; leaf != NULL && i < VM_LEAF_ENTRIES; i++)
            pages += leaf[i] != 0 ? vm_pte_pages(leaf[i]) : 0u;
        pages += leaf != NULL;
    }
    return pages * PAGE_SIZE;
}

void vm_destroy(struct vm *vm, struct kernel *k)
{
    uint32_t owned = 0;
    for (uint32_t d = 0; d < VM_DIR_ENTRIES; d++) {
        uintptr_t *leaf = vm->dir[d];
        if (leaf == NULL)
            continue;
        for (uint32_t i = 0; i < VM_LEAF_ENTRIES; i++) {
            if (leaf[i] != 0) {
                kpage_free(k, vm_page_host(leaf[i]), vm_pte_pages(leaf[i]));
                owned++;
            }
        }
        kpage_free(k, leaf, 1);
        vm->dir[d] = NULL;
    }
    /* The table owns exactly the pages it counts (a scan it does anyway). */
    KASSERT(k, owned == vm->pages_mapped);
    vm->pages_mapped = 0;
    vm_tlbs_empty(vm);
    vm_dirty_stop(vm, k);
}

/* Where page vpn's entry lives, making its leaf if need be; NULL without memory. */
static uintptr_t *vm_slot(struct vm *vm, struct kernel *k, uint32_t vpn)
{
    uintptr_t **leaf = &vm->dir[vpn / VM_LEAF_ENTRIES];
    if (*leaf == NULL && (*leaf = kpage_alloc(k, 1)) == NULL)
        return NULL;
    return &(*leaf)[vpn & (VM_LEAF_ENTRIES - 1u)];
}

/* Whether [va, va+len) lies inside the mappable part of user space. */
static bool vm_range_mappable(uint32_t va, uint32_t len)
{
    return len != 0 && va >= ABI_USER_BASE && (uint64_t)va + len <= ABI_USER_TOP;
}

/* Give page vpn exactly `perms`, mapping a zeroed page if it has none.
 * A page that becomes executable (or stops being so) moves, contents and
 * all, into an allocation of the right size, so an X bit in the table
 * always has a cache behind it. */
static int vm_page_place(struct vm *vm, struct kernel *k, uint32_t vpn, uint32_t perms)
{
    KASSERT(k, vpn < USER_PAGES && vm->pages_mapped <= USER_PAGES);
    uintptr_t *slot = vm_slot(vm, k, vpn);
    if (slot == NULL)
        return ERR_NO_MEMORY;
    uintptr_t old = *slot;
    vm_mark_dirty(vm, vpn << PAGE_SHIFT);
    vm_tlbs_empty(vm);
    if (((old | perms) & VM_PERM_X) != 0)
        vm->xlat = NULL; /* code may change: its translation is no longer checked */
    if (old != 0 && vm_pte_pages(perms) == vm_pte_pages(old)) {
        *slot = (old & ~VM_PAGE_MASK) | perms;
        return 0;
    }
    uint8_t *page = kpage_alloc(k, vm_pte_pages(perms));
    if (page == NULL)
        return ERR_NO_MEMORY;
    if (old != 0) {
        kmemcpy(page, vm_page_host(old), PAGE_SIZE);
        kpage_free(k, vm_page_host(old), vm_pte_pages(old));
    } else {
        vm->pages_mapped++;
    }
    *slot = (uintptr_t)page | perms;
    return 0;
}

/* Map one page, or widen its permissions. */
static int vm_map_page(struct vm *vm, struct kernel *k, uint32_t vpn, uint32_t perms)
{
    uintptr_t old = vm_pte(vm, vpn);
    if (old != 0 && (old & perms) == perms)
        return 0;
    return vm_page_place(vm, k, vpn, (uint32_t)(old & VM_PERM_MASK) | perms);
}

int vm_map(struct vm *vm, struct kernel *k, uint32_t va, uint32_t len, uint32_t perms)
{
    if (!vm_range_mappable(va, len) || (perms & ~VM_PERM_MASK) != 0)
        return ERR_INVALID;
    uint32_t last = (uint32_t)(((uint64_t)va + len - 1u) >> PAGE_SHIFT);
    for (uint32_t vpn = va >> PAGE_SHIFT; vpn <= last; vpn++) {
        int err = vm_map_page(vm, k, vpn, perms);
        if (err != 0)
            return err; /* pages mapped so far stay; vm_destroy frees them */
    }
    return 0;
}

int vm_check(const struct vm *vm, uint32_t va, uint32_t len, uint32_t perms)
{
    if (len == 0)
        return 0;
    if ((uint64_t)va + len > ABI_USER_TOP)
        return ERR_FAULT;
    uint32_t last = (va + len - 1u) >> PAGE_SHIFT;
    for (uint32_t vpn = va >> PAGE_SHIFT; vpn <= last; vpn++) {
        uintptr_t pte = vm_pte(vm, vpn);
        if (pte == 0 || (pte & perms) != perms)
            return ERR_FAULT;
    }
    return 0;
}

/* Forget the decodings of the words in [off, off+len) of page vpn, which
 * are about to change, and of the word before them: the interpreter may
 * have fused it with the first (vm.h). That entry keeps the rest of its
 * decoding, which an entry fused with it in turn still reads. */
static void vm_forget_decoded(const struct vm *vm, uint32_t vpn, uint32_t off, uint32_t len)
{
    if ((vm_pte(vm, vpn) & VM_PERM_X) == 0)
        return;
    uint8_t *cache = vm_page_host(vm_pte(vm, vpn)) + PAGE_SIZE;
    uint32_t first = off >> 2, last = (off + len - 1u) >> 2;
    kmemset(cache + first * VM_DECODE_ENTRY_BYTES, 0, (last - first + 1u) * VM_DECODE_ENTRY_BYTES);
    if (first > 0)
        cache[(first - 1u) * VM_DECODE_ENTRY_BYTES] = 0;
}

/* The chunk of [va, va+len) that lies in va's page: its host address and
 * length. The range has been checked. */
static uint8_t *vm_chunk(const struct vm *vm, uint32_t va, uint32_t len, uint32_t *chunk)
{
    uint32_t off = va & (PAGE_SIZE - 1u);
    *chunk = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
    return vm_page_host(vm_pte(vm, va >> PAGE_SHIFT)) + off;
}

static void vm_read_checked(const struct vm *vm, uint8_t *dst, uint32_t va, uint32_t len)
{
    while (len > 0) {
        uint32_t chunk;
        const uint8_t *host = vm_chunk(vm, va, len, &chunk);
        kmemcpy(dst, host, chunk);
        dst += chunk;
        va += chunk;
        len -= chunk;
    }
}

static void vm_write_checked(const struct vm *vm, uint32_t va, const uint8_t *src, uint32_t len)
{
    while (len > 0) {
        uint32_t chunk;
        uint8_t *host = vm_chunk(vm, va, len, &chunk);
        vm_mark_dirty(vm, va);
        vm_forget_decoded(vm, va >> PAGE_SHIFT, va & (PAGE_SIZE - 1u), chunk);
        kmemcpy(host, src, chunk);
        src += chunk;
        va += chunk;
        len -= chunk;
    }
}

int vm_copy_in(const struct vm *vm, void *dst, uint32_t va, uint32_t len)
{
    if (vm_check(vm, va, len, VM_PERM_R) != 0)
        return ERR_FAULT;
    vm_read_checked(vm, dst, va, len);
    return 0;
}

int vm_copy_out(struct vm *vm, uint32_t va, const void *src, uint32_t len)
{
    if (vm_check(vm, va, len, VM_PERM_W) != 0)
        return ERR_FAULT;
    vm_write_checked(vm, va, src, len);
    return 0;
}

int vm_write_image(struct vm *vm, uint32_t va, const void *src, uint32_t len)
{
    if (vm_check(vm, va, len, 0) != 0)
        return ERR_FAULT;
    vm->xlat = NULL; /* it may write code, ignoring permissions */
    vm_write_checked(vm, va, src, len);
    return 0;
}

/* ---- Migration: dirty pages and page-wise access ---- */

#define VM_DIRTY_BYTES (VM_DIRTY_WORDS * (uint32_t)sizeof(uint32_t))

/* No page is marked now. The interpreter marks a page only when its store
 * TLB misses, so the TLB is emptied too: the next store to each page marks
 * it again. */
static void vm_dirty_clear(struct vm *vm)
{
    kmemset(vm->dirty, 0, VM_DIRTY_BYTES);
    vm_tlb_empty(&vm->store_tlb);
}

int vm_dirty_start(struct vm *vm, struct kernel *k)
{
    if (vm->dirty == NULL && (vm->dirty = kalloc(k, VM_DIRTY_BYTES)) == NULL)
        return ERR_NO_MEMORY;
    vm_dirty_clear(vm);
    return 0;
}

void vm_dirty_stop(struct vm *vm, struct kernel *k)
{
    if (vm->dirty != NULL)
        kfree(k, vm->dirty, VM_DIRTY_BYTES);
    vm->dirty = NULL;
}

void vm_dirty_take(struct vm *vm, uint32_t *out)
{
    kmemcpy(out, vm->dirty, VM_DIRTY_BYTES);
    vm_dirty_clear(vm);
}

int vm_page_perms(const struct vm *vm, uint32_t vpn)
{
    uintptr_t pte = vm_pte(vm, vpn);
    return pte == 0 ? -1 : (int)(pte & VM_PERM_MASK);
}

void vm_page_read(const struct vm *vm, uint32_t vpn, uint32_t off, uint32_t len, uint8_t *out)
{
    kmemcpy(out, vm_page_host(vm_pte(vm, vpn)) + off, len);
}

int vm_page_set(struct vm *vm, struct kernel *k, uint32_t vpn, uint32_t perms, const uint8_t *data)
{
    int err = vm_page_place(vm, k, vpn, perms & VM_PERM_MASK);
    if (err != 0 || data == NULL)
        return err;
    vm_forget_decoded(vm, vpn, 0, PAGE_SIZE);
    kmemcpy(vm_page_host(vm_pte(vm, vpn)), data, PAGE_SIZE);
    return 0;
}

void vm_page_unmap(struct vm *vm, struct kernel *k, uint32_t vpn)
{
    KASSERT(k, vpn < USER_PAGES);
    uintptr_t pte = vm_pte(vm, vpn);
    if (pte == 0)
        return;
    KASSERT(k, vm->pages_mapped > 0);
    if ((pte & VM_PERM_X) != 0)
        vm->xlat = NULL;
    kpage_free(k, vm_page_host(pte), vm_pte_pages(pte));
    vm->dir[vpn / VM_LEAF_ENTRIES][vpn & (VM_LEAF_ENTRIES - 1u)] = 0;
    vm->pages_mapped--;
    vm_mark_dirty(vm, vpn << PAGE_SHIFT);
    vm_tlbs_empty(vm);
}

uint32_t vm_page_next_change(const struct vm *vm, uint32_t vpn, const uint8_t *ref, uint32_t from,
                             uint32_t gap, uint32_t max, uint32_t *len)
{
    const uint8_t *page = vm_page_host(vm_pte(vm, vpn));
    uint32_t at = from;
    while (at < PAGE_SIZE && page[at] == ref[at])
        at++;
    uint32_t end = at, same = 0; /* end: past the last changed byte taken */
    for (uint32_t i = at; i < PAGE_SIZE && i - at < max && same < gap; i++) {
        if (page[i] != ref[i]) {
            end = i + 1u;
            same = 0;
        } else {
            same++;
        }
    }
    *len = end - at;
    return at;
}

uint32_t vm_page_crc32(const struct vm *vm, uint32_t vpn)
{
    return crc32_compute(vm_page_host(vm_pte(vm, vpn)), PAGE_SIZE);
}
