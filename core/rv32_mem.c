/*
 * rv32_mem.c - the loads and stores rv_run's TLB cannot serve: the first
 * access through a base register to a page since the TLB last held it
 * (vm.c empties it when mappings or the dirty bits change), an access
 * that straddles two pages, one that faults, and every store to an
 * executable page, which forgets the decodings it overwrites. Nothing is read or written unless all of the
 * access may be.
 */
#include "rv32_priv.h"

/* Whether both ends of [va, va+size) may be accessed with perms (an access
 * touches at most two pages). */
static bool rv_access_ok(const struct vm *vm, uint32_t va, uint32_t size, uint32_t perms)
{
    return rv_pte(vm, va, perms) != 0 && rv_pte(vm, va + size - 1u, perms) != 0;
}

static bool rv_one_page(uint32_t va, uint32_t size)
{
    return (va & RV_PAGE_MASK) <= PAGE_SIZE - size;
}

/* rv_load_slow, inlined into it and into rv_load_miss. */
static inline uint64_t rv_load_at(const struct vm *vm, struct vm_tlb *tlb, unsigned reg, uint32_t va,
                                  uint32_t size)
{
    uintptr_t pte = rv_pte(vm, va, VM_PERM_R);
    if (pte != 0 && rv_one_page(va, size)) {
        tlb->tag[reg] = va & ~RV_PAGE_MASK;
        tlb->host[reg] = rv_pte_host(pte, 0);
        const uint8_t *p = rv_pte_host(pte, va);
        return size == 4 ? rv_get32(p) : size == 2 ? rv_get16(p) : p[0];
    }
    if (!rv_access_ok(vm, va, size, VM_PERM_R))
        return RV_LOAD_FAULT;
    uint32_t v = 0;
    for (uint32_t i = 0; i < size; i++)
        v |= (uint32_t)*rv_pte_host(rv_pte(vm, va + i, VM_PERM_R), va + i) << (8u * i);
    return v;
}

/* Write one byte of a checked store, forgetting the decoding of the
 * instruction word it lands in and of the word before, which may be
 * fused with it (rv32_priv.h). */
static void rv_store_byte(const struct vm *vm, struct rv_mark *mark, uint32_t va, uint8_t byte)
{
    uintptr_t pte = rv_pte(vm, va, VM_PERM_W);
    *rv_pte_host(pte, va) = byte;
    if ((pte & VM_PERM_X) == 0)
        return;
    struct rv_decoded *cache = (struct rv_decoded *)(rv_pte_host(pte, 0) + PAGE_SIZE);
    struct rv_decoded *e = cache + ((va & RV_PAGE_MASK) >> 2);
    rv_forget(mark, e);
    if (e != cache)
        rv_forget(mark, e - 1);
}

/* rv_store_slow, inlined into it and into rv_store_miss. */
static inline int rv_store_at(const struct vm *vm, struct vm_tlb *tlb, struct rv_mark *mark, unsigned reg,
                              uint32_t va, uint32_t size, uint32_t value)
{
    uintptr_t pte = rv_pte(vm, va, VM_PERM_W);
    if (pte != 0 && rv_one_page(va, size) && (pte & VM_PERM_X) == 0) {
        vm_mark_dirty(vm, va); /* later stores hit the TLB until the bits are taken */
        tlb->tag[reg] = va & ~RV_PAGE_MASK;
        tlb->host[reg] = rv_pte_host(pte, 0);
        uint8_t *p = rv_pte_host(pte, va);
        rv_put_sized(p, size, value);
        return 0;
    }
    if (!rv_access_ok(vm, va, size, VM_PERM_W))
        return ERR_FAULT;
    vm_mark_dirty(vm, va);
    vm_mark_dirty(vm, va + size - 1u);
    for (uint32_t i = 0; i < size; i++)
        rv_store_byte(vm, mark, va + i, (uint8_t)(value >> (8u * i)));
    return 0;
}

uint64_t rv_load_slow(struct vm *vm, unsigned reg, uint32_t va, uint32_t size)
{
    return rv_load_at(vm, &vm->load_tlb, reg, va, size);
}

int rv_store_slow(struct vm *vm, struct rv_mark *mark, unsigned reg, uint32_t va, uint32_t size, uint32_t value)
{
    return rv_store_at(vm, &vm->store_tlb, mark, reg, va, size, value);
}

uint64_t rv_load_miss(struct vm *vm, const struct rv_decoded *e, uint64_t off, uint32_t size)
{
    unsigned reg = e->rs1;
    uint32_t va = (uint32_t)(off + vm->load_tlb.tag[reg]);
    uint64_t got = rv_load_at(vm, &vm->load_tlb, reg, va, size);
    return got == RV_LOAD_FAULT ? RV_MISS_FAULT | va : got;
}

uint64_t rv_store_miss(struct vm *vm, struct rv_mark *mark, const struct rv_decoded *e, uint64_t off, uint32_t size,
                       uint32_t value)
{
    unsigned reg = e->rs1;
    uint32_t va = (uint32_t)(off + vm->store_tlb.tag[reg]);
    return rv_store_at(vm, &vm->store_tlb, mark, reg, va, size, value) != 0 ? RV_MISS_FAULT | va : 0;
}
