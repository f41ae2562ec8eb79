/*
 * rv32_xlat.h - ahead-of-time translated guest code: what the generated
 * C (tools/xlat/rvxlat.c writes it at build time from each built-in
 * program's ELF file) and rv_run (rv32_xlat.c) share.
 *
 * A program's translation is one C function over its whole text segment.
 * Guest registers live in locals (loaded on entry, stored on the way
 * out). Each word control can reach other than by falling through (the
 * entry point, a jump or branch target, the word after a block's end, a
 * constant pointing into the text) has an entry label; direct branches
 * and jumps are gotos, and an indirect jump (JALR) goes through a switch
 * over the entries. At any other word (a resumption mid-block, say) the
 * function returns at once and the interpreter runs up to an entry.
 * Loads and stores use the interpreter's per-base-register TLB (the one
 * the vm keeps) and slow paths (rv32_priv.h), so pages are checked, and
 * marked dirty, exactly as there.
 *
 * The budget is charged per block: a block runs from an entry to the
 * next branch, jump, ECALL, EBREAK or illegal word. Entering at word i
 * charges the instructions from i to the block's end, but
 * only when the budget left covers them all; otherwise the function
 * returns RV_XLAT_BUDGET with pc at i and rv_run lets the interpreter
 * spend the rest, so a stop lands on the same instruction either way.
 * Anything unusual - a load or store the TLB and slow path refuse, ECALL,
 * EBREAK, an illegal word, a jump or branch leaving the text or not
 * 4-aligned - returns RV_XLAT_INTERPRET with the state exactly as before
 * that instruction and the budget of the rest of its block given back;
 * the interpreter then runs that one instruction, so faults and system
 * calls have one implementation. An indirect jump out of the text retires
 * first, as in the interpreter.
 *
 * A translation is derived data, like the decode cache: never sent,
 * hashed or saved. It is used only for an address space whose text was
 * checked against it (rv_xlat_attach): every page of the text mapped
 * executable and not writable, and the CRC-32 of those bytes equal to the
 * one the generator computed. vm.c forgets the translation whenever an
 * executable page is mapped, changes permissions, is unmapped or written
 * by the loader, so the text it runs cannot change under it. (A forged
 * text with an equal CRC would run the real program's code instead of
 * its own; the translated code still checks every access, so that is no
 * more than such a peer could do with any code.)
 */
#ifndef CORE_RV32_XLAT_H
#define CORE_RV32_XLAT_H

#include "rv32_alu.h"
#include "rv32_priv.h"

struct kernel;

enum rv_xlat_exit {
    RV_XLAT_BUDGET,    /* the block at pc needs more budget than is left */
    RV_XLAT_INTERPRET, /* the instruction at pc is the interpreter's */
};

/* What a translated function works on. */
struct rv_xlat_state {
    struct rv_cpu *cpu; /* registers in, and out with the pc */
    uint32_t left;      /* budget left, in instructions */
    struct vm *vm;      /* with the TLBs, shared with the interpreter */
    struct rv_mark mark; /* always empty: the slow store path's argument */
};

typedef enum rv_xlat_exit rv_xlat_fn(struct rv_xlat_state *s);

/* One program's translation (generated). */
struct rv_xlat_program {
    const char *name;
    uint32_t text_va;  /* the translated words: [text_va, text_va + text_len) */
    uint32_t text_len; /* a multiple of 4, > 0 */
    uint32_t text_crc; /* CRC-32 (crc32.h) of those bytes */
    rv_xlat_fn *run;   /* starts at cpu->pc, which lies in the text */
};

/* Use the translation of program `name` (from the HAL, if it offers one)
 * for vm when vm's text matches it; otherwise vm is interpreted. For a
 * freshly loaded program and for one that arrived by migration. */
void rv_xlat_attach(struct kernel *k, struct vm *vm, const char *name, uint32_t name_len);

/* Whether t's text checks out in vm (rv_xlat_attach's test). */
bool rv_xlat_matches(const struct vm *vm, const struct rv_xlat_program *t);

/* ---- For the generated code ---- */

/* A load of size bytes at va through base register reg's TLB entry: the
 * value, or RV_LOAD_FAULT. */
static inline uint64_t rv_xlat_load(struct rv_xlat_state *s, unsigned reg, uint32_t va, uint32_t size)
{
    const struct vm_tlb *ld = &s->vm->load_tlb;
    uint64_t off = (uint64_t)va - ld->tag[reg];
    if (__builtin_expect(off <= PAGE_SIZE - size, 1)) {
        const uint8_t *p = ld->host[reg] + off;
        return size == 4 ? rv_get32(p) : size == 2 ? rv_get16(p) : p[0];
    }
    return rv_load_slow(s->vm, reg, va, size);
}

/* A store: 0, or nonzero when it faults (nothing written). */
static inline int rv_xlat_store(struct rv_xlat_state *s, unsigned reg, uint32_t va, uint32_t size, uint32_t value)
{
    const struct vm_tlb *st = &s->vm->store_tlb;
    uint64_t off = (uint64_t)va - st->tag[reg];
    if (__builtin_expect(off <= PAGE_SIZE - size, 1)) {
        uint8_t *p = st->host[reg] + off;
        rv_put_sized(p, size, value);
        return 0;
    }
    return rv_store_slow(s->vm, &s->mark, reg, va, size, value);
}

#endif
