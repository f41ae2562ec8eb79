/*
 * rv32.c - rv_interp (rv32_priv.h), the interpreter behind rv_run
 * (rv32.h): runs decoded instructions by threaded dispatch, decoding a
 * word the first time it runs, with an exact budget at no cost per
 * instruction; how and why is in rv32_priv.h.
 */
#include "rv32_alu.h"
#include "rv32_priv.h"

/* The budget mark goes back before anything else reads the cache: on the
 * way out of rv_run, and before it moves. */
static void rv_mark_clear(struct rv_mark *m)
{
    if (m->at != NULL)
        m->at->op = m->op;
    m->at = NULL;
}

static void rv_mark_set(struct rv_mark *m, struct rv_decoded *at)
{
    rv_mark_clear(m);
    m->at = at;
    m->op = at->op;
    at->op = OP_BUDGET;
}

/* ---- The interpreter ---- */

/* The code page being run. pc_bias turns an entry's host address into its
 * guest pc: pc = (entry address >> 1) + pc_bias (mod 2^32), because
 * entries are twice the size of the words they decode. */
struct rv_page {
    uint32_t va;
    uint32_t pc_bias;
    const uint8_t *code;
    struct rv_decoded *cache;
    uintptr_t end; /* address of the end-of-page entry */
};

/* Make pc's page current; false if it is not mapped executable. Its
 * decode cache follows the page (vm.h). */
static bool rv_page_enter(const struct vm *vm, uint32_t pc, struct rv_page *page)
{
    uintptr_t pte = rv_pte(vm, pc, VM_PERM_X);
    if (pte == 0)
        return false;
    page->va = pc & ~RV_PAGE_MASK;
    page->code = rv_pte_host(pte, 0);
    page->cache = (struct rv_decoded *)(rv_pte_host(pte, 0) + PAGE_SIZE);
    page->pc_bias = page->va - (uint32_t)((uintptr_t)page->cache >> 1);
    page->end = (uintptr_t)(page->cache + RV_ENTRIES);
    return true;
}

static struct rv_decoded rv_decode_entry(const struct rv_page *page, uint32_t index)
{
    if (index == RV_ENTRIES)
        return (struct rv_decoded){.op = OP_PAGE_END};
    return rv_decode(rv_get32(page->code + 4u * index), page->va + 4u * index);
}

/* clang-format off */
/* Dispatch to the current entry / the next one. */
#define DISPATCH() goto *ops[d->op]
#define NEXT()         \
    do {               \
        d++;           \
        DISPATCH();    \
    } while (0)

/* A taken jump inside the page, `bytes` of cache away: the jump used one
 * entry of budget, and L moves with d so that L - d stays the remaining
 * budget. If the budget now ends inside the page, mark where. */
#define JUMP_NEAR(bytes)                                             \
    do {                                                             \
        intptr_t by_ = (bytes);                                      \
        d = (struct rv_decoded *)((char *)d + by_);                  \
        L += (uintptr_t)by_ - sizeof *d;                             \
        if (L < page.end)                                            \
            goto set_mark;                                           \
        DISPATCH();                                                  \
    } while (0)

/* A taken jump to entry `to` of this page. */
#define JUMP_ENTRY(to)                                               \
    do {                                                             \
        struct rv_decoded *to_ = (to);                               \
        L += (uintptr_t)to_ - (uintptr_t)d - sizeof *d;              \
        d = to_;                                                     \
        if (L < page.end)                                            \
            goto set_mark;                                           \
        DISPATCH();                                                  \
    } while (0)

#define JUMP_FAR(to)                                \
    do {                                            \
        target = (to);                              \
        rem = L - (uintptr_t)d - sizeof *d;         \
        goto enter_page;                            \
    } while (0)

/* A taken jump to guest address `to` (4-aligned). */
#define JUMP_TO(to)                                  \
    do {                                             \
        uint32_t off_ = (to) - page.va;              \
        if (off_ >= PAGE_SIZE)                       \
            JUMP_FAR(to);                            \
        JUMP_ENTRY(page.cache + (off_ >> 2));        \
    } while (0)

/* Stop before the current instruction: it did not retire. */
#define STOP(why, addr)          \
    do {                         \
        res.stop = (why);        \
        res.fault_addr = (addr); \
        goto stop_here;          \
    } while (0)

#define PC_OF(e) ((uint32_t)((uintptr_t)(e) >> 1) + page.pc_bias)

#define ALU_RR(expr)                                   \
    {                                                  \
        uint32_t a = x[d->rs1], b = x[d->rs2];         \
        x[d->rd] = (expr);                             \
        NEXT();                                        \
    }
#define ALU_RI(expr)                                   \
    {                                                  \
        uint32_t a = x[d->rs1], b = (uint32_t)d->imm;  \
        x[d->rd] = (expr);                             \
        NEXT();                                        \
    }
#define BRANCH(cond)                                   \
    {                                                  \
        uint32_t a = x[d->rs1], b = x[d->rs2];         \
        if (cond)                                      \
            JUMP_NEAR(d->imm);                         \
        NEXT();                                        \
    }
#define BRANCH_FAR(cond)                                    \
    {                                                       \
        uint32_t a = x[d->rs1], b = x[d->rs2];              \
        if (cond) {                                         \
            if (((uint32_t)d->imm & 3u) != 0)               \
                STOP(RV_STOP_MISALIGNED, (uint32_t)d->imm); \
            JUMP_FAR((uint32_t)d->imm);                     \
        }                                                   \
        NEXT();                                             \
    }
/* size bytes at x[rs1] + imm; `get` reads them, `ext` widens v. */
#define LOAD(size, get, ext)                                                  \
    {                                                                         \
        uint64_t off = (uint32_t)(x[d->rs1] + (uint32_t)d->imm);              \
        uint32_t v;                                                           \
        off -= ld.tag[d->rs1];                                                \
        if (off <= PAGE_SIZE - (size)) {                                      \
            v = get(ld.host[d->rs1] + off);                                   \
        } else {                                                              \
            uint32_t va = x[d->rs1] + (uint32_t)d->imm;                       \
            uint64_t got = rv_load_slow(vm, &ld, d->rs1, va, (size));         \
            if (got == RV_LOAD_FAULT)                                         \
                STOP(RV_STOP_LOAD_FAULT, va);                                 \
            v = (uint32_t)got;                                                \
        }                                                                     \
        x[d->rd] = ext;                                                       \
        NEXT();                                                               \
    }
#define STORE(size, put)                                                      \
    {                                                                         \
        uint64_t off = (uint32_t)(x[d->rs1] + (uint32_t)d->imm);              \
        off -= st.tag[d->rs1];                                                \
        if (off <= PAGE_SIZE - (size)) {                                      \
            put(st.host[d->rs1] + off, x[d->rs2]);                            \
        } else {                                                              \
            uint32_t va = x[d->rs1] + (uint32_t)d->imm;                       \
            if (rv_store_slow(vm, &st, &mark, d->rs1, va, (size), x[d->rs2]) != 0) \
                STOP(RV_STOP_STORE_FAULT, va);                                \
        }                                                                     \
        NEXT();                                                               \
    }
#define GET8(p) (*(p))
#define PUT8(p, v) (*(p) = (uint8_t)(v))

#define RV_LABEL(name) [OP_##name] = &&op_##name,

/*
 * One function, so that d and L stay in host registers across handlers;
 * each handler is a line or two.
 */
#if defined(__GNUC__) && !defined(__clang__)
/* gcc would otherwise merge the handlers' identical tails, adding a jump
 * to most of them. */
__attribute__((optimize("no-crossjumping")))
#endif
struct rv_result rv_interp(struct rv_cpu *cpu, struct vm *vm, uint32_t budget)
{
    static const void *const ops[OP_COUNT] = {RV_META_OPS(RV_LABEL) RV_INSN_OPS(RV_LABEL)};
    struct rv_result res = {.stop = RV_STOP_BUDGET};
    uint32_t x[33];
    struct rv_tlb ld, st;
    struct rv_page page = {0};
    struct rv_mark mark = {0};
    struct rv_decoded *d = NULL;
    uintptr_t L = 0, rem = (uintptr_t)budget * sizeof *d, left;
    uint32_t target = cpu->pc, out_pc;

    kmemcpy(x, cpu->x, sizeof cpu->x);
    x[0] = 0;
    rv_tlb_clear(&ld);
    rv_tlb_clear(&st);
    if ((target & 3u) != 0) {
        res.stop = RV_STOP_MISALIGNED;
        res.fault_addr = target;
        return res;
    }

/* Continue at `target` (4-aligned) with `rem` bytes of budget. */
enter_page:
    rv_mark_clear(&mark);
    if (rem == 0) {
        res.stop = RV_STOP_BUDGET;
        goto stop_at_target;
    }
    if (!rv_page_enter(vm, target, &page)) {
        res.stop = RV_STOP_FETCH_FAULT;
        res.fault_addr = target;
        goto stop_at_target;
    }
    d = page.cache + ((target & RV_PAGE_MASK) >> 2);
    L = (uintptr_t)d + rem;
    if (L >= page.end)
        DISPATCH();
set_mark:
    rv_mark_set(&mark, (struct rv_decoded *)L);
    DISPATCH();

/* Straight-line code reached the mark: out of budget, unless the mark is
 * stale (a jump since moved L on or off the page). */
op_BUDGET:
    if ((uintptr_t)d == L)
        STOP(RV_STOP_BUDGET, 0);
    rv_mark_clear(&mark);
    DISPATCH();
op_DECODE:
    *d = rv_decode_entry(&page, (uint32_t)(d - page.cache));
    DISPATCH();
op_PAGE_END:
    target = page.va + PAGE_SIZE;
    rem = L - (uintptr_t)d;
    goto enter_page;

op_ILLEGAL: STOP(RV_STOP_ILLEGAL, 0);
op_EBREAK: STOP(RV_STOP_EBREAK, 0);
op_ECALL:
    res.stop = RV_STOP_ECALL;
    out_pc = PC_OF(d) + 4u;
    left = (L - (uintptr_t)d) / sizeof *d - 1u;
    goto out;
op_NOP: NEXT();
op_LI: x[d->rd] = (uint32_t)d->imm; NEXT();

op_JAL:
    x[d->rd] = (uint32_t)d->imm;
    JUMP_NEAR(d->jump);
op_JAL_FAR:
    if (((uint32_t)d->imm & 3u) != 0)
        STOP(RV_STOP_MISALIGNED, (uint32_t)d->imm);
    x[d->rd] = PC_OF(d) + 4u;
    JUMP_FAR((uint32_t)d->imm);
op_JALR: {
    uint32_t to = (x[d->rs1] + (uint32_t)d->imm) & ~1u;
    if ((to & 3u) != 0)
        STOP(RV_STOP_MISALIGNED, to);
    x[d->rd] = PC_OF(d) + 4u;
    JUMP_TO(to);
}
op_JR: {
    uint32_t to = (x[d->rs1] + (uint32_t)d->imm) & ~1u;
    if ((to & 3u) != 0)
        STOP(RV_STOP_MISALIGNED, to);
    JUMP_TO(to);
}

op_BEQ: BRANCH(a == b)
op_BNE: BRANCH(a != b)
op_BLT: BRANCH(rv_slt(a, b))
op_BGE: BRANCH(!rv_slt(a, b))
op_BLTU: BRANCH(a < b)
op_BGEU: BRANCH(a >= b)
op_BEQ_FAR: BRANCH_FAR(a == b)
op_BNE_FAR: BRANCH_FAR(a != b)
op_BLT_FAR: BRANCH_FAR(rv_slt(a, b))
op_BGE_FAR: BRANCH_FAR(!rv_slt(a, b))
op_BLTU_FAR: BRANCH_FAR(a < b)
op_BGEU_FAR: BRANCH_FAR(a >= b)

op_LB: LOAD(1, GET8, (uint32_t)(int32_t)(int8_t)v)
op_LH: LOAD(2, rv_get16, (uint32_t)(int32_t)(int16_t)v)
op_LW: LOAD(4, rv_get32, v)
op_LBU: LOAD(1, GET8, v)
op_LHU: LOAD(2, rv_get16, v)
op_SB: STORE(1, PUT8)
op_SH: STORE(2, rv_put16)
op_SW: STORE(4, rv_put32)

op_ADDI: ALU_RI(a + b)
op_SLTI: ALU_RI(rv_slt(a, b))
op_SLTIU: ALU_RI(a < b)
op_XORI: ALU_RI(a ^ b)
op_ORI: ALU_RI(a | b)
op_ANDI: ALU_RI(a & b)
op_SLLI: ALU_RI(a << b)
op_SRLI: ALU_RI(a >> b)
op_SRAI: ALU_RI(rv_sra(a, b))

op_ADD: ALU_RR(a + b)
op_SUB: ALU_RR(a - b)
op_SLL: ALU_RR(a << (b & 31u))
op_SLT: ALU_RR(rv_slt(a, b))
op_SLTU: ALU_RR(a < b)
op_XOR: ALU_RR(a ^ b)
op_SRL: ALU_RR(a >> (b & 31u))
op_SRA: ALU_RR(rv_sra(a, b))
op_OR: ALU_RR(a | b)
op_AND: ALU_RR(a & b)

op_MUL: ALU_RR(a * b)
op_MULH: ALU_RR(rv_mulh(a, b))
op_MULHSU: ALU_RR(rv_mulhsu(a, b))
op_MULHU: ALU_RR(rv_mulhu(a, b))
op_DIV: ALU_RR(rv_div(a, b))
op_DIVU: ALU_RR(rv_divu(a, b))
op_REM: ALU_RR(rv_rem(a, b))
op_REMU: ALU_RR(rv_remu(a, b))

stop_here:
    out_pc = PC_OF(d);
    left = (L - (uintptr_t)d) / sizeof *d;
    goto out;
stop_at_target:
    out_pc = target;
    left = rem / sizeof *d;
out:
    rv_mark_clear(&mark);
    kmemcpy(cpu->x, x, sizeof cpu->x);
    cpu->x[0] = 0;
    cpu->pc = out_pc;
    res.executed = budget - (uint32_t)left;
    return res;
}
/* clang-format on */
