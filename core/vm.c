/*
 * vm.c - a process's address space: a flat table of USER_PAGES entries,
 * each a page from kpage_alloc with its permissions in the low bits.
 *
 * Every range from outside (a system call argument, an ELF segment) is
 * checked against [ABI_USER_BASE, ABI_USER_TOP) in 64-bit arithmetic, so
 * va + len never wraps. Copies check the whole range before touching a
 * byte, so a failed copy changes nothing.
 *
 * Executable pages carry the interpreter's decode cache right after them
 * (vm.h): this file allocates it with the page, moves a page into a
 * bigger allocation when it becomes executable, and zeroes the entries of
 * any word it writes, so that rv32.c never runs a stale decoding.
 */
#include "vm.h"

#include "bytes.h"
#include "kassert.h"
#include "crc32.h"
#include "kalloc.h"

#define VM_TABLE_BYTES (USER_PAGES * (uint32_t)sizeof(uintptr_t))
#define VM_TABLE_PAGES ((VM_TABLE_BYTES + PAGE_SIZE - 1u) / PAGE_SIZE)
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

int vm_init(struct vm *vm, struct kernel *k)
{
    vm->pages_mapped = 0;
    vm->dirty = NULL;
    vm->xlat = NULL;
    vm->pt = kpage_alloc(k, VM_TABLE_PAGES);
    return vm->pt == NULL ? ERR_NO_MEMORY : 0;
}

void vm_destroy(struct vm *vm, struct kernel *k)
{
    if (vm->pt == NULL)
        return;
    uint32_t owned = 0;
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++) {
        if (vm->pt[vpn] != 0) {
            kpage_free(k, vm_page_host(vm->pt[vpn]), vm_pte_pages(vm->pt[vpn]));
            owned++;
        }
    }
    /* The table owns exactly the pages it counts (a scan it does anyway). */
    KASSERT(k, owned == vm->pages_mapped);
    kpage_free(k, vm->pt, VM_TABLE_PAGES);
    vm->pt = NULL;
    vm->pages_mapped = 0;
    vm_dirty_stop(vm, k);
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
    uintptr_t old = vm->pt[vpn];
    vm_mark_dirty(vm, vpn << PAGE_SHIFT);
    if (((old | perms) & VM_PERM_X) != 0)
        vm->xlat = NULL; /* code may change: its translation is no longer checked */
    if (old != 0 && vm_pte_pages(perms) == vm_pte_pages(old)) {
        vm->pt[vpn] = (old & ~VM_PAGE_MASK) | perms;
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
    vm->pt[vpn] = (uintptr_t)page | perms;
    return 0;
}

/* Map one page, or widen its permissions. */
static int vm_map_page(struct vm *vm, struct kernel *k, uint32_t vpn, uint32_t perms)
{
    uintptr_t old = vm->pt[vpn];
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
        uintptr_t pte = vm->pt[vpn];
        if (pte == 0 || (pte & perms) != perms)
            return ERR_FAULT;
    }
    return 0;
}

/* Forget the decodings of the words in [off, off+len) of page vpn, which
 * are about to change. */
static void vm_forget_decoded(const struct vm *vm, uint32_t vpn, uint32_t off, uint32_t len)
{
    if ((vm->pt[vpn] & VM_PERM_X) == 0)
        return;
    uint8_t *cache = vm_page_host(vm->pt[vpn]) + PAGE_SIZE;
    uint32_t first = off >> 2, last = (off + len - 1u) >> 2;
    kmemset(cache + first * VM_DECODE_ENTRY_BYTES, 0, (last - first + 1u) * VM_DECODE_ENTRY_BYTES);
}

/* The chunk of [va, va+len) that lies in va's page: its host address and
 * length. The range has been checked. */
static uint8_t *vm_chunk(const struct vm *vm, uint32_t va, uint32_t len, uint32_t *chunk)
{
    uint32_t off = va & (PAGE_SIZE - 1u);
    *chunk = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
    return vm_page_host(vm->pt[va >> PAGE_SHIFT]) + off;
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

int vm_dirty_start(struct vm *vm, struct kernel *k)
{
    if (vm->dirty == NULL)
        vm->dirty = kalloc(k, VM_DIRTY_BYTES);
    else
        kmemset(vm->dirty, 0, VM_DIRTY_BYTES);
    return vm->dirty == NULL ? ERR_NO_MEMORY : 0;
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
    kmemset(vm->dirty, 0, VM_DIRTY_BYTES);
}

int vm_page_perms(const struct vm *vm, uint32_t vpn)
{
    uintptr_t pte = vm->pt[vpn];
    return pte == 0 ? -1 : (int)(pte & VM_PERM_MASK);
}

void vm_page_read(const struct vm *vm, uint32_t vpn, uint32_t off, uint32_t len, uint8_t *out)
{
    kmemcpy(out, vm_page_host(vm->pt[vpn]) + off, len);
}

int vm_page_set(struct vm *vm, struct kernel *k, uint32_t vpn, uint32_t perms, const uint8_t *data)
{
    int err = vm_page_place(vm, k, vpn, perms & VM_PERM_MASK);
    if (err != 0 || data == NULL)
        return err;
    vm_forget_decoded(vm, vpn, 0, PAGE_SIZE);
    kmemcpy(vm_page_host(vm->pt[vpn]), data, PAGE_SIZE);
    return 0;
}

void vm_page_unmap(struct vm *vm, struct kernel *k, uint32_t vpn)
{
    KASSERT(k, vpn < USER_PAGES);
    uintptr_t pte = vm->pt[vpn];
    if (pte == 0)
        return;
    KASSERT(k, vm->pages_mapped > 0);
    if ((pte & VM_PERM_X) != 0)
        vm->xlat = NULL;
    kpage_free(k, vm_page_host(pte), vm_pte_pages(pte));
    vm->pt[vpn] = 0;
    vm->pages_mapped--;
    vm_mark_dirty(vm, vpn << PAGE_SHIFT);
}

uint32_t vm_page_crc32(const struct vm *vm, uint32_t vpn)
{
    return crc32_compute(vm_page_host(vm->pt[vpn]), PAGE_SIZE);
}
