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
 * The target is at most twelve host instructions per guest instruction on
 * CPU-bound code (bench/interp_callgrind.sh measures about eleven), and
 * three things get it there:
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
 *  - No budget check on straight-line code. The remaining budget is L - d
 *    in decode-cache bytes: each instruction advances d by one entry, so
 *    the budget falls for free, and a taken jump moves L along with d.
 *    Straight-line code ends at a taken jump or at the page's end marker,
 *    and only there is the budget looked at. If L then lies inside the
 *    page, straight-line code would run out of budget exactly at entry L,
 *    so that entry's op is swapped for OP_BUDGET (the "budget mark", put
 *    back on the way out). So the budget is exact at no cost per
 *    instruction.
 *
 * Loads and stores go through a small TLB per base register, which makes
 * the common case one subtraction and one compare for the page check,
 * misaligned-inside-a-page included. Everything else takes a slow path
 * that checks both pages of an access that straddles two.
 *
 * Faults leave the registers, memory and pc as they were before the
 * faulting instruction. A jump to a page that cannot be executed retires;
 * the fetch fault is then reported at its target.
 */
#ifndef CORE_RV32_PRIV_H
#define CORE_RV32_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"
#include "param.h"
#include "rv32.h"

/* The budget bookkeeping puts 8 * budget next to host addresses. */
_Static_assert(sizeof(uintptr_t) >= sizeof(uint64_t), "the interpreter needs a 64-bit host");

#define RV_ENTRIES (PAGE_SIZE / 4u) /* instruction words per page */
#define RV_SCRATCH 32u              /* where writes to x0 go */
#define RV_PAGE_MASK (PAGE_SIZE - 1u)
#define RV_TLB_EMPTY (1ull << 40)   /* a tag no 32-bit address is near */

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

/* clang-format on */
#define RV_ENUM(name) OP_##name,
enum rv_op { RV_META_OPS(RV_ENUM) RV_INSN_OPS(RV_ENUM) OP_COUNT };
#undef RV_ENUM
_Static_assert(OP_DECODE == 0, "a zeroed decode cache means not decoded");
_Static_assert(OP_COUNT <= 256, "ops fit a byte");

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

/* Per base register, the page it last loaded from (or stored to) and that
 * page's host address. Lives for one rv_run, during which no mapping
 * changes. Store entries are never made for executable pages, so stores
 * there take the slow path, which forgets the decodings they overwrite. */
struct rv_tlb {
    uint64_t tag[32]; /* guest page address, or RV_TLB_EMPTY */
    uint8_t *host[32];
};

static inline void rv_tlb_clear(struct rv_tlb *t)
{
    for (unsigned i = 0; i < 32; i++)
        t->tag[i] = RV_TLB_EMPTY;
}

/* The page table entry of va if it grants every permission in perms. */
static inline uintptr_t rv_pte(const struct vm *vm, uint32_t va, uint32_t perms)
{
    if (va >= ABI_USER_TOP)
        return 0;
    uintptr_t pte = vm->pt[va >> PAGE_SHIFT];
    return (pte & perms) == perms ? pte : 0;
}

static inline uint8_t *rv_pte_host(uintptr_t pte, uint32_t va)
{
    return (uint8_t *)(pte & ~(uintptr_t)RV_PAGE_MASK) + (va & RV_PAGE_MASK);
}

/* The budget mark: the entry whose op is OP_BUDGET for now, and its own
 * op, to put back. */
struct rv_mark {
    struct rv_decoded *at; /* NULL: no mark */
    uint8_t op;
};

/* A load the TLB could not serve: fill the TLB from the page table, or
 * read a straddling access byte by byte. Returns the value, or
 * RV_LOAD_FAULT. (A value rather than an out-parameter keeps the caller's
 * copy in a host register.) */
#define RV_LOAD_FAULT (1ull << 32)
uint64_t rv_load_slow(const struct vm *vm, struct rv_tlb *tlb, unsigned reg, uint32_t va, uint32_t size);

/* A store the TLB could not serve: like rv_load_slow, and the only way to
 * write an executable page. Nothing is written unless all of it may be.
 * Every page a run stores to passes here first, so this is where pages
 * are marked dirty for pre-copy (vm.h). */
int rv_store_slow(const struct vm *vm, struct rv_tlb *tlb, struct rv_mark *mark, unsigned reg, uint32_t va,
                  uint32_t size, uint32_t value);

#endif
