/*
 * rv32_priv.h - the RV32IM interpreter's decoded form, guest memory
 * helpers and the pieces its files share. The interpreter is written from
 * the RISC-V unprivileged specification (RV32I base and the M extension;
 * Zifencei's FENCE.I is a no-op because the decode cache never goes stale).
 *
 *   rv32.c         rv_interp: threaded dispatch, the budget, the handlers
 *   rv32_xlat.c    rv_run: translated code where there is some (rv32_xlat.h),
 *                  else rv_interp
 *   rv32_decode.c  instruction words into decode-cache entries
 *   rv32_mem.c     loads and stores the TLB cannot serve
 *
 * Under ten host instructions per guest instruction on CPU-bound code
 * (docs/performance.md: bench/cpumix_callgrind.sh on the benchmark mix,
 * bench/interp_callgrind.sh on a hand-written loop), and four things get
 * it there:
 *
 *  - Decode once. vm.c gives every executable page a decode cache (vm.h).
 *    An instruction is decoded the first time it runs into a struct
 *    rv_decoded: register numbers and immediates ready to use, x0 as a
 *    destination redirected to a scratch register, AUIPC and link values
 *    folded to constants, and branches inside the page turned into entry
 *    offsets. While running, the pc is not kept: it is where `d` points.
 *
 *  - Threaded dispatch. Each handler ends by jumping straight to the next
 *    entry's handler through a table of label addresses, a GNU C extension
 *    that gcc and clang both support (no central loop, one indirect jump).
 *
 *  - Fused pairs. The decoder looks ahead over a straight-line run and
 *    gives an entry whose instruction and the next one are a common pair
 *    (RV_FUSED_OPS) a fused op, whose handler runs both with one dispatch.
 *    The next entry keeps its own decoding (a jump may land on it), and
 *    the fused one reads it, so changing a word forgets the decoding of
 *    the word before it too. A branch may be the first of a pair: not
 *    taken, it goes on into the second.
 *
 *  - No budget check on straight-line code. The remaining budget is L - d
 *    in decode-cache bytes: each instruction advances d by one entry, so
 *    the budget falls for free, and a taken jump moves L along with d.
 *    Straight-line code ends at a taken jump or at the page's end marker,
 *    and only there is the budget looked at. If L then lies inside the
 *    page, straight-line code would run out of budget exactly at entry L,
 *    so that entry's op is swapped for OP_BUDGET (the "budget mark", put
 *    back on the way out), and a fused pair ending at it runs its first
 *    instruction alone meanwhile. So the budget is exact at no cost per
 *    instruction. After a jump, a mark anywhere from d to L will do, for
 *    there OP_BUDGET moves it on to L: a loop's turns in the last page
 *    of budget leave the mark after the loop and do not move it (rv32.c).
 *
 * Loads and stores go through a small TLB per base register, which makes
 * the common case one subtraction and one compare for the page check,
 * misaligned-inside-a-page included. It lives in the vm from one rv_run
 * to the next, and vm.c empties it when a mapping or the dirty bits
 * change (vm.h), so a slice starts with the pages the last one used.
 * Everything else takes a slow path that checks both pages of an access
 * that straddles two; the handlers hand it the offset they computed, not
 * the address, so that they need not keep both (rv_load_miss).
 *
 * Faults leave the registers, memory and pc as they were before the
 * faulting instruction. A jump to a page that cannot be executed retires;
 * the fetch fault is then reported at its target.
 */
#ifndef CORE_RV32_PRIV_H
#define CORE_RV32_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "param.h"
#include "rv32.h"

/* The budget bookkeeping puts 8 * budget next to host addresses. */
_Static_assert(sizeof(uintptr_t) >= sizeof(uint64_t), "the interpreter needs a 64-bit host");

#define RV_ENTRIES (PAGE_SIZE / 4u) /* instruction words per page */
#define RV_SCRATCH 32u              /* where writes to x0 go */
#define RV_PAGE_MASK (PAGE_SIZE - 1u)

/* clang-format off */
/* Every decoded operation. The first three are not instructions: an entry
 * not decoded yet (all zero), the marker after a page's last word, and the
 * budget mark. */
#define RV_META_OPS(X) X(DECODE) X(PAGE_END) X(BUDGET)
#define RV_INSN_OPS(X)                                                        \
    X(ILLEGAL) X(ECALL) X(EBREAK) X(NOP) X(LI) X(JAL) X(JAL_FAR) X(JALR) X(JR)\
    X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU)                               \
    X(BEQ_FAR) X(BNE_FAR) X(BLT_FAR) X(BGE_FAR) X(BLTU_FAR) X(BGEU_FAR)       \
    X(LB) X(LH) X(LW) X(LBU) X(LHU) X(SB) X(SH) X(SW)                         \
    X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI) X(SRAI)   \
    X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND)     \
    X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU)

/* Fused pairs: an entry whose op is FIRST_SECOND runs its own instruction
 * (FIRST) and then the next entry's (SECOND) without a dispatch between
 * them. The pairs are the ones that run at least 20 times a round in the
 * benchmark mix (cpumix) with nothing fused, and LUI/AUIPC (LI) + ADDI,
 * LW and JALR. A FIRST is a straight-line instruction or a branch inside
 * the page (a taken one jumps as it would alone); a SECOND is anything
 * that leaves by NEXT or a near jump. A store that goes to an executable
 * page may rewrite the SECOND it is fused with, so it dispatches afresh
 * (rv32.c). X(first, second) for every pair, first by first. */
#define RV_FUSED_OPS(X)                                                       \
    X(LI, JALR) X(LI, LW) X(LI, ADDI)                                         \
    X(BEQ, BEQ) X(BEQ, BLTU) X(BEQ, LW) X(BEQ, ADDI) X(BEQ, ANDI)             \
    X(BEQ, ADD)                                                               \
    X(BNE, LW) X(BNE, ADDI)                                                   \
    X(BLT, JAL) X(BLT, SW) X(BLT, ADDI) X(BLT, SLLI)                          \
    X(BGE, ADDI) X(BGE, SLLI)                                                 \
    X(BLTU, SW) X(BLTU, ADDI) X(BLTU, SLLI)                                   \
    X(BGEU, SW) X(BGEU, ADDI)                                                 \
    X(LB, XOR)                                                                \
    X(LW, JR) X(LW, BEQ) X(LW, BNE) X(LW, BLTU) X(LW, BGEU) X(LW, LW)         \
    X(LW, SW) X(LW, ADDI) X(LW, SRLI) X(LW, ADD) X(LW, XOR) X(LW, MUL)        \
    X(LBU, BEQ) X(LBU, ANDI) X(LBU, XOR)                                      \
    X(SB, BNE)                                                                \
    X(SW, LI) X(SW, BEQ) X(SW, BNE) X(SW, LW) X(SW, SW) X(SW, ADDI)           \
    X(SW, SLLI)                                                               \
    X(ADDI, LI) X(ADDI, JAL) X(ADDI, JR) X(ADDI, BEQ) X(ADDI, BNE)            \
    X(ADDI, BLT) X(ADDI, BGE) X(ADDI, BLTU) X(ADDI, BGEU) X(ADDI, LW)         \
    X(ADDI, SB) X(ADDI, SW) X(ADDI, ADDI) X(ADDI, ANDI) X(ADDI, SLLI)         \
    X(ADDI, ADD) X(ADDI, SUB) X(ADDI, SLTU) X(ADDI, XOR) X(ADDI, MUL)         \
    X(SLTIU, ADDI) X(SLTIU, SLTIU) X(SLTIU, OR)                               \
    X(ANDI, ADDI) X(ANDI, SLTIU) X(ANDI, SRLI) X(ANDI, ADD) X(ANDI, SUB)      \
    X(ANDI, XOR)                                                              \
    X(SLLI, LI) X(SLLI, ANDI) X(SLLI, ADD) X(SLLI, XOR)                       \
    X(SRLI, BEQ) X(SRLI, ADDI) X(SRLI, ANDI) X(SRLI, ADD) X(SRLI, XOR)        \
    X(SRLI, MUL)                                                              \
    X(ADD, LB) X(ADD, LW) X(ADD, LBU) X(ADD, SW) X(ADD, ADDI) X(ADD, SLLI)    \
    X(ADD, SRLI) X(ADD, ADD) X(ADD, MUL)                                      \
    X(SUB, BGE) X(SUB, ADDI) X(SUB, SRLI) X(SUB, ADD) X(SUB, SUB)             \
    X(SUB, AND)                                                               \
    X(SLTU, SLTU) X(SLTU, AND)                                                \
    X(XOR, BNE) X(XOR, ADDI) X(XOR, SLLI) X(XOR, SRLI) X(XOR, ADD)            \
    X(XOR, MUL) X(XOR, MULHU)                                                 \
    X(OR, BNE)                                                                \
    X(AND, BEQ) X(AND, ADDI) X(AND, XOR)                                      \
    X(MUL, BEQ) X(MUL, BNE) X(MUL, LW) X(MUL, ADDI) X(MUL, ADD) X(MUL, SUB)   \
    X(MUL, XOR)                                                               \
    X(MULHU, SRLI) X(MULHU, SUB)

/* clang-format on */
#define RV_ENUM(name) OP_##name,
#define RV_FUSED_ENUM(first, second) OP_##first##_##second,
#define RV_COUNT_ONE(...) +1
enum rv_op { RV_META_OPS(RV_ENUM) RV_INSN_OPS(RV_ENUM) RV_FUSED_OPS(RV_FUSED_ENUM) OP_COUNT };
/* The fused ops come last, in RV_FUSED_OPS's order. */
enum { OP_FUSED_COUNT = 0 RV_FUSED_OPS(RV_COUNT_ONE), OP_FUSED_BASE = OP_COUNT - OP_FUSED_COUNT };
#undef RV_ENUM
#undef RV_FUSED_ENUM
#undef RV_COUNT_ONE
_Static_assert(OP_DECODE == 0, "a zeroed decode cache means not decoded");
_Static_assert(OP_COUNT <= 256, "ops fit a byte");

/* The op of a fused entry's own instruction, run alone. */
uint8_t rv_fused_first(uint8_t op);

/* The fused op for an entry of op `first` followed by one of op `second`,
 * or `first` when the pair is not fused. */
uint8_t rv_fuse(uint8_t first, uint8_t second);

/* One decode-cache entry. imm is the immediate, or for a branch inside
 * the page the target's offset in cache bytes (RV_CACHE_OFFSET); JAL
 * inside the page keeps its link value in imm and its offset in `jump`;
 * far jumps and branches keep their target address in imm. */
struct rv_decoded {
    uint8_t op; /* enum rv_op */
    uint8_t rd; /* 1..31, or RV_SCRATCH */
    union {
        struct {
            uint8_t rs1, rs2;
        };
        int16_t jump;
    };
    int32_t imm;
};
_Static_assert(sizeof(struct rv_decoded) == VM_DECODE_ENTRY_BYTES, "entry size agrees with vm.h");
_Static_assert(offsetof(struct rv_decoded, op) == 0, "vm.c forgets a decoding by its first byte");

/* A guest byte offset as a decode-cache byte offset: 8-byte entries for
 * 4-byte words. */
#define RV_CACHE_OFFSET(off) ((off) * 2)

/* The interpreter: rv_run's contract (rv32.h) for any code. */
struct rv_result rv_interp(struct rv_cpu *cpu, struct vm *vm, uint32_t budget);

/* Decode the instruction word at pc. Never returns OP_DECODE. */
struct rv_decoded rv_decode(uint32_t insn, uint32_t pc);

/* ---- Guest memory ---- */

/* Guest memory is little-endian. These are single host loads and stores
 * on a little-endian host with either compiler, which the byte-by-byte
 * helpers in bytes.h are not under clang. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RV_LE16(v) __builtin_bswap16(v)
#define RV_LE32(v) __builtin_bswap32(v)
#else
#define RV_LE16(v) (v)
#define RV_LE32(v) (v)
#endif

static inline uint32_t rv_get16(const uint8_t *p)
{
    uint16_t v;
    kmemcpy(&v, p, sizeof v);
    return RV_LE16(v);
}

static inline uint32_t rv_get32(const uint8_t *p)
{
    uint32_t v;
    kmemcpy(&v, p, sizeof v);
    return RV_LE32(v);
}

static inline void rv_put16(uint8_t *p, uint32_t v)
{
    uint16_t h = RV_LE16((uint16_t)v);
    kmemcpy(p, &h, sizeof h);
}

static inline void rv_put32(uint8_t *p, uint32_t v)
{
    uint32_t h = RV_LE32(v);
    kmemcpy(p, &h, sizeof h);
}

/* A store of `size` (1, 2 or 4) bytes inside one page. */
static inline void rv_put_sized(uint8_t *p, uint32_t size, uint32_t v)
{
    if (size == 4)
        rv_put32(p, v);
    else if (size == 2)
        rv_put16(p, v);
    else
        p[0] = (uint8_t)v;
}

/* The TLBs (struct vm_tlb) live in the vm, which keeps them exact (vm.h).
 * Store entries are never made for executable pages, so stores there take
 * the slow path, which forgets the decodings they overwrite. */

/* The page table entry of va if it grants every permission in perms. */
static inline uintptr_t rv_pte(const struct vm *vm, uint32_t va, uint32_t perms)
{
    if (va >= ABI_USER_TOP)
        return 0;
    uintptr_t pte = vm_pte(vm, va >> PAGE_SHIFT);
    return (pte & perms) == perms ? pte : 0;
}

static inline uint8_t *rv_pte_host(uintptr_t pte, uint32_t va)
{
    return (uint8_t *)(pte & ~(uintptr_t)RV_PAGE_MASK) + (va & RV_PAGE_MASK);
}

/* The budget mark: the entry whose op is OP_BUDGET for now, and its own
 * op, to put back. When the entry before it is fused, that entry runs
 * its own instruction alone for now (else the pair would step over the
 * mark): `pair` is that entry and `pair_op` its fused op. */
struct rv_mark {
    struct rv_decoded *at; /* NULL: no mark */
    struct rv_decoded *pair; /* NULL: none split */
    intptr_t jump_bytes;     /* the length of the last jump that left L in the page */
    uint8_t op, pair_op;
};

/* Forget entry e's decoding, its word having changed; the mark stays. */
static inline void rv_forget(struct rv_mark *m, struct rv_decoded *e)
{
    if (e == m->at) {
        m->op = OP_DECODE;
        return;
    }
    if (e == m->pair)
        m->pair = NULL; /* decoded again, it is split again (rv32.c) */
    e->op = OP_DECODE;
}

/* A load the TLB could not serve: fill the TLB from the page table, or
 * read a straddling access byte by byte. Returns the value, or
 * RV_LOAD_FAULT. (A value rather than an out-parameter keeps the caller's
 * copy in a host register.) */
#define RV_LOAD_FAULT (1ull << 32)
uint64_t rv_load_slow(struct vm *vm, unsigned reg, uint32_t va, uint32_t size);

/* A store the TLB could not serve: like rv_load_slow, and the only way to
 * write an executable page. Nothing is written unless all of it may be.
 * Every page stored to since the dirty bits were last taken passes here
 * first, so this is where pages are marked dirty for pre-copy (vm.h). */
int rv_store_slow(struct vm *vm, struct rv_mark *mark, unsigned reg, uint32_t va, uint32_t size, uint32_t value);

/* The interpreter's way to rv_load_slow and rv_store_slow for the load
 * or store at entry e: the access is given as `off`, its address less the
 * TLB's tag for e->rs1 (mod 2^64), as the fast path worked it out, so that
 * the fast path need not keep the address or e->rs1 too. A fault comes
 * back as RV_MISS_FAULT | the access address; otherwise the load's value,
 * or 0 for a store. */
#define RV_MISS_FAULT RV_LOAD_FAULT
uint64_t rv_load_miss(struct vm *vm, const struct rv_decoded *e, uint64_t off, uint32_t size);
uint64_t rv_store_miss(struct vm *vm, struct rv_mark *mark, const struct rv_decoded *e, uint64_t off, uint32_t size,
                       uint32_t value);

#endif
