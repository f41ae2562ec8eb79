/*
 * vm.h - a process's address space: ABI_USER_TOP bytes in pages of
 * PAGE_SIZE, each mapped with read, write and execute permissions.
 *
 * Page table entries hold the page's host address with the permission bits
 * in its low bits (pages are page-aligned, so those bits are free). Host
 * addresses never leave this module: copies in and out are by value.
 */
#ifndef CORE_VM_H
#define CORE_VM_H

#include <stdint.h>

#include "param.h"

struct kernel;

#define VM_PERM_R 1u
#define VM_PERM_W 2u
#define VM_PERM_X 4u
#define VM_PERM_MASK 7u

/* The interpreter (rv32.c) keeps, for every executable page, a cache of
 * its decoded instructions: VM_DECODE_ENTRY_BYTES per instruction word
 * plus one end-of-page entry. vm.c allocates an executable page as
 * 1 + VM_DECODE_PAGES contiguous pages, the page itself first, so the
 * cache starts PAGE_SIZE after the page's address in its table entry.
 * An all-zero entry means "not decoded yet", so vm.c zeroes the entries
 * of every word it writes (vm_copy_out, vm_write_image) and the cache
 * never goes stale. The cache is derived data: never copied, hashed or
 * sent. */
#define VM_DECODE_ENTRY_BYTES 8u
#define VM_DECODE_PAGES 3u
_Static_assert((PAGE_SIZE / 4u + 1u) * VM_DECODE_ENTRY_BYTES <= VM_DECODE_PAGES * PAGE_SIZE,
               "a page's decode cache fits its pages");

struct vm {
    uintptr_t *pt; /* USER_PAGES entries: page address | VM_PERM_* ; 0 = unmapped */
    uint32_t pages_mapped; /* user pages, not counting decode caches */
};

/* Allocate an empty address space. 0 or ERR_NO_MEMORY. */
int vm_init(struct vm *vm, struct kernel *k);
/* Free every page and the table. */
void vm_destroy(struct vm *vm, struct kernel *k);
/* Map zeroed pages covering [va, va+len) and add `perms` to pages already
 * mapped. 0, ERR_INVALID (outside user space or len 0), ERR_NO_MEMORY. */
int vm_map(struct vm *vm, struct kernel *k, uint32_t va, uint32_t len, uint32_t perms);
/* 0 if every byte of [va, va+len) is mapped with all of `perms`, else ERR_FAULT. */
int vm_check(const struct vm *vm, uint32_t va, uint32_t len, uint32_t perms);
/* Copy from user memory (needs R) / to user memory (needs W). 0 or ERR_FAULT;
 * on ERR_FAULT nothing was written to user memory. */
int vm_copy_in(const struct vm *vm, void *dst, uint32_t va, uint32_t len);
int vm_copy_out(struct vm *vm, uint32_t va, const void *src, uint32_t len);
/* Like vm_copy_out but ignores permissions (needs the pages mapped): for
 * the program loader. 0 or ERR_FAULT. */
int vm_write_image(struct vm *vm, uint32_t va, const void *src, uint32_t len);

#endif
