/*
 * vm.h - a process's address space: ABI_USER_TOP bytes in pages of
 * PAGE_SIZE, each mapped with read, write and execute permissions.
 *
 * Page table entries hold the page's host address with the permission bits
 * in its low bits (pages are page-aligned, so those bits are free). Host
 * addresses never leave this module: copies in and out are by value.
 * The table is sparse: a directory of VM_DIR_ENTRIES leaves, each a page
 * of entries made when a page in its range is first mapped, so a process
 * with a few pages of text at the bottom and a stack at the top holds two
 * leaves, not a table for all of user space.
 */
#ifndef CORE_VM_H
#define CORE_VM_H

#include <stdint.h>

#include "param.h"

struct kernel;
struct rv_xlat_program;

#define VM_PERM_R 1u
#define VM_PERM_W 2u
#define VM_PERM_X 4u
#define VM_PERM_MASK 7u

/* The interpreter (rv32*.c) keeps, for every executable page, a cache of
 * its decoded instructions: VM_DECODE_ENTRY_BYTES per instruction word
 * plus one end-of-page entry. vm.c allocates an executable page as
 * 1 + VM_DECODE_PAGES contiguous pages, the page itself first, so the
 * cache starts PAGE_SIZE after the page's address in its table entry.
 * An entry whose first byte is zero is "not decoded yet", so vm.c zeroes
 * the entries of every word it writes (vm_copy_out, vm_write_image) and
 * the first byte of the entry before them (the interpreter may have fused
 * that word with the next), and the cache never goes stale. The cache is derived data: never copied, hashed or
 * sent. */
#define VM_DECODE_ENTRY_BYTES 8u
#define VM_DECODE_PAGES 3u
_Static_assert((PAGE_SIZE / 4u + 1u) * VM_DECODE_ENTRY_BYTES <= VM_DECODE_PAGES * PAGE_SIZE,
               "a page's decode cache fits its pages");

/* Dirty tracking for migration's pre-copy: while `dirty` is not NULL, a
 * bit per user page records that the page was written (by the program or
 * the kernel), mapped or had its permissions changed since the bits were
 * last taken. The interpreter marks a page only when its store TLB misses,
 * and starting or taking the bits empties that TLB, so every page stored
 * to since misses again first: the bits cost nothing on the fast path and
 * nothing at all when no move is running. */
#define VM_DIRTY_WORDS (USER_PAGES / 32u)
_Static_assert(USER_PAGES % 32u == 0, "the dirty bitmap has whole words");

#define VM_LEAF_ENTRIES (PAGE_SIZE / (uint32_t)sizeof(uintptr_t))
#define VM_DIR_ENTRIES ((USER_PAGES + VM_LEAF_ENTRIES - 1u) / VM_LEAF_ENTRIES)
_Static_assert((VM_LEAF_ENTRIES & (VM_LEAF_ENTRIES - 1u)) == 0, "a leaf's entries are a power of two");

/* The interpreter's TLB (rv32_priv.h): per guest base register, the page
 * it last loaded from (or stored to) and that page's host address. It is
 * kept here, from one rv_run to the next, so vm.c can keep it exact: it
 * empties both TLBs whenever a page is mapped, unmapped, changes
 * permissions or is freed, and the store TLB whenever the dirty bits start
 * or are taken. A vm must therefore start with vm_init: a zeroed TLB would
 * claim page 0. */
#define VM_TLB_EMPTY (1ull << 40) /* a tag no 32-bit address is near */
struct vm_tlb {
    uint64_t tag[32]; /* guest page address, or VM_TLB_EMPTY */
    uint8_t *host[32];
};

struct vm {
    /* Leaves of VM_LEAF_ENTRIES entries: page address | VM_PERM_*; 0 =
     * unmapped. A NULL leaf maps nothing. */
    uintptr_t *dir[VM_DIR_ENTRIES];
    uint32_t pages_mapped; /* user pages, not counting decode caches */
    uint32_t *dirty; /* NULL, or VM_DIRTY_WORDS words: pages changed since last taken */
    /* NULL, or the translation of the program in this space's text, set
     * only once its text is checked (rv_xlat_attach, rv32_xlat.h). */
    const struct rv_xlat_program *xlat;
    struct vm_tlb load_tlb, store_tlb;
};

/* The table entry of page vpn (< USER_PAGES): 0 when not mapped. */
static inline uintptr_t vm_pte(const struct vm *vm, uint32_t vpn)
{
    const uintptr_t *leaf = vm->dir[vpn / VM_LEAF_ENTRIES];
    return leaf != NULL ? leaf[vpn & (VM_LEAF_ENTRIES - 1u)] : 0;
}

/* Start an empty address space: 0. It takes no memory until a page is
 * mapped, so it cannot fail (the int and the node are kept for callers). */
int vm_init(struct vm *vm, struct kernel *k);
/* Bytes the table and the pages behind it hold, decode caches included. */
uint32_t vm_memory_bytes(const struct vm *vm);
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

/* Mark the page holding va as changed (when tracking). va < ABI_USER_TOP. */
static inline void vm_mark_dirty(const struct vm *vm, uint32_t va)
{
    if (vm->dirty != NULL)
        vm->dirty[va >> (PAGE_SHIFT + 5u)] |= 1u << ((va >> PAGE_SHIFT) & 31u);
}

/* Start tracking changes (no page marked yet): 0 or ERR_NO_MEMORY. */
int vm_dirty_start(struct vm *vm, struct kernel *k);
/* Stop tracking; vm_destroy stops it too. */
void vm_dirty_stop(struct vm *vm, struct kernel *k);
/* Copy the bits into out (VM_DIRTY_WORDS words) and clear them. */
void vm_dirty_take(struct vm *vm, uint32_t *out);

/* Page-wise access for migration, by virtual page number, ignoring
 * permissions. vm_page_perms: the page's permissions, or -1 when it is
 * not mapped. vm_page_read: copy bytes [off, off+len) of a mapped page
 * (off + len <= PAGE_SIZE).
 * vm_page_set: map the page if need be, give it exactly `perms`, and
 * when data is not NULL replace its contents (0 or ERR_NO_MEMORY).
 * vm_page_unmap: free the page (nothing if not mapped). */
int vm_page_perms(const struct vm *vm, uint32_t vpn);
void vm_page_read(const struct vm *vm, uint32_t vpn, uint32_t off, uint32_t len, uint8_t *out);
int vm_page_set(struct vm *vm, struct kernel *k, uint32_t vpn, uint32_t perms, const uint8_t *data);
void vm_page_unmap(struct vm *vm, struct kernel *k, uint32_t vpn);
/* The next range of a mapped page whose bytes differ from ref's
 * (PAGE_SIZE bytes): its offset, the first changed byte at or after
 * `from`, or PAGE_SIZE when nothing there changed. *len is its length
 * (0 when none), at most max: the range runs on over unchanged stretches
 * shorter than `gap` bytes and ends with a changed byte. */
uint32_t vm_page_next_change(const struct vm *vm, uint32_t vpn, const uint8_t *ref, uint32_t from,
                             uint32_t gap, uint32_t max, uint32_t *len);
/* The CRC-32 (crc32.h) of a mapped page's contents. */
uint32_t vm_page_crc32(const struct vm *vm, uint32_t vpn);

#endif
