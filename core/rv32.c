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
    if (m->pair != NULL)
        m->pair->op = m->pair_op;
    if (m->at != NULL)
        m->at->op = m->op;
    m->at = NULL;
    m->pair = NULL;
}

/* If entry e starts a fused pair that would step over the mark, make it
 * run its own instruction alone while the mark stands. */
static void rv_mark_split(struct rv_mark *m, struct rv_decoded *e)
{
    if (e + 1 != m->at || e->op < OP_FUSED_BASE)
        return;
    m->pair = e;
    m->pair_op = e->op;
    e->op = rv_fused_first(e->op);
}

static void rv_mark_set(struct rv_mark *m, struct rv_decoded *at, const struct rv_decoded *page_start)
{
    rv_mark_clear(m);
    m->at = at;
    m->op = at->op;
    at->op = OP_BUDGET;
    if (at != page_start)
        rv_mark_split(m, at - 1);
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

/* Where an entry's op as decoded is kept: behind the mark, or in it. */
static uint8_t *rv_real_op(struct rv_mark *m, struct rv_decoded *e)
{
    return e == m->at ? &m->op : e == m->pair ? &m->pair_op : &e->op;
}

/* Whether straight-line code stops after an entry of op `op`: the ops
 * listed before the loads are meta ops, stops, jumps and branches, but
 * for NOP and LI. */
static bool rv_op_ends_run(uint8_t op)
{
    return op < OP_LB && op != OP_NOP && op != OP_LI;
}

/* How many entries one decoding looks at, at most. */
#define RV_DECODE_AHEAD 32u

/* Decode entry e (not decoded yet) and the entries after it up to the end
 * of its straight-line run, the next decoded entry or the page's end, then
 * give each of them that can fuse with its successor the fused op. So a
 * pair is fused wherever control enters it, and a fused entry's successor
 * is always decoded. The mark keeps its place throughout. */
static void rv_decode_at(const struct rv_page *page, struct rv_mark *m, struct rv_decoded *e)
{
    uint32_t first = (uint32_t)(e - page->cache), last = first;
    for (;;) {
        struct rv_decoded *at = page->cache + last;
        struct rv_decoded n = rv_decode_entry(page, last);
        uint8_t *op = rv_real_op(m, at);
        *op = n.op;
        n.op = at->op; /* OP_BUDGET if at is the mark */
        *at = n;
        if (last + 1u >= RV_ENTRIES || last + 1u - first >= RV_DECODE_AHEAD || rv_op_ends_run(*op) ||
            *rv_real_op(m, at + 1) != OP_DECODE)
            break;
        last++;
    }
    for (uint32_t i = last + 1u; i-- > first;) {
        if (i + 1u >= RV_ENTRIES)
            continue;
        uint8_t next = *rv_real_op(m, page->cache + i + 1u);
        if (next == OP_DECODE)
            continue;
        uint8_t *op = rv_real_op(m, page->cache + i);
        *op = rv_fuse(*op, rv_fused_first(next));
    }
    if (m->at != NULL && m->at != page->cache)
        rv_mark_split(m, m->at - 1);
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

/* What a straight-line instruction does, without moving on. */
#define ALU_RR(expr)                                   \
    do {                                               \
        uint32_t a = x[d->rs1], b = x[d->rs2];         \
        x[d->rd] = (expr);                             \
    } while (0)
#define ALU_RI(expr)                                   \
    do {                                               \
        uint32_t a = x[d->rs1], b = (uint32_t)d->imm;  \
        x[d->rd] = (expr);                             \
    } while (0)
/* size bytes at x[rs1] + imm; `get` reads them, `ext` widens v. */
#define LOAD(size, get, ext)                                                  \
    do {                                                                      \
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
    } while (0)
#define STORE(size, put)                                                      \
    do {                                                                      \
        uint64_t off = (uint32_t)(x[d->rs1] + (uint32_t)d->imm);              \
        off -= st.tag[d->rs1];                                                \
        if (off <= PAGE_SIZE - (size)) {                                      \
            put(st.host[d->rs1] + off, x[d->rs2]);                            \
        } else {                                                              \
            uint32_t va = x[d->rs1] + (uint32_t)d->imm;                       \
            if (rv_store_slow(vm, &st, &mark, d->rs1, va, (size), x[d->rs2]) != 0) \
                STOP(RV_STOP_STORE_FAULT, va);                                \
        }                                                                     \
    } while (0)
#define GET8(p) (*(p))
#define PUT8(p, v) (*(p) = (uint8_t)(v))

/* Control transfers: each ends by dispatching. */
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
#define DO_JAL                                         \
    {                                                  \
        x[d->rd] = (uint32_t)d->imm;                   \
        JUMP_NEAR(d->jump);                            \
    }
/* JALR with (link) or without a link. */
#define DO_JALR(link)                                  \
    {                                                  \
        uint32_t to = (x[d->rs1] + (uint32_t)d->imm) & ~1u; \
        if ((to & 3u) != 0)                            \
            STOP(RV_STOP_MISALIGNED, to);              \
        link;                                          \
        JUMP_TO(to);                                   \
    }

#define STRAIGHT(work) \
    {                  \
        work;          \
        NEXT();        \
    }

/* Every op a fused pair can hold: WORK_x is its work, SECOND_x its work
 * and the move on, as its own handler does. */
#define WORK_LI x[d->rd] = (uint32_t)d->imm
#define WORK_ADDI ALU_RI(a + b)
#define WORK_ANDI ALU_RI(a & b)
#define WORK_SLLI ALU_RI(a << b)
#define WORK_SRLI ALU_RI(a >> b)
#define WORK_ADD ALU_RR(a + b)
#define WORK_XOR ALU_RR(a ^ b)
#define WORK_AND ALU_RR(a & b)
#define WORK_MUL ALU_RR(a * b)
#define WORK_LW LOAD(4, rv_get32, v)
#define WORK_LBU LOAD(1, GET8, v)
#define WORK_SW STORE(4, rv_put32)
#define WORK_SB STORE(1, PUT8)
#define SECOND_ADDI STRAIGHT(WORK_ADDI)
#define SECOND_ANDI STRAIGHT(WORK_ANDI)
#define SECOND_SLLI STRAIGHT(WORK_SLLI)
#define SECOND_SRLI STRAIGHT(WORK_SRLI)
#define SECOND_ADD STRAIGHT(WORK_ADD)
#define SECOND_XOR STRAIGHT(WORK_XOR)
#define SECOND_AND STRAIGHT(WORK_AND)
#define SECOND_MUL STRAIGHT(WORK_MUL)
#define SECOND_LW STRAIGHT(WORK_LW)
#define SECOND_LBU STRAIGHT(WORK_LBU)
#define SECOND_SW STRAIGHT(WORK_SW)
#define SECOND_SB STRAIGHT(WORK_SB)
#define SECOND_BEQ BRANCH(a == b)
#define SECOND_BNE BRANCH(a != b)
#define SECOND_BLT BRANCH(rv_slt(a, b))
#define SECOND_BGE BRANCH(!rv_slt(a, b))
#define SECOND_BLTU BRANCH(a < b)
#define SECOND_BGEU BRANCH(a >= b)
#define SECOND_JAL DO_JAL
#define SECOND_JALR DO_JALR(x[d->rd] = PC_OF(d) + 4u)
#define SECOND_JR DO_JALR((void)0)

/* A fused pair: the first instruction, then the second, one entry on. A
 * fault in the second stops there, with the first retired. */
#define FUSED_HANDLER(first, second) \
    op_##first##_##second:           \
    WORK_##first;                   \
    d++;                             \
    SECOND_##second

#define RV_LABEL(name) [OP_##name] = &&op_##name,
#define RV_FUSED_LABEL(first, second) RV_LABEL(first##_##second)

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
    static const void *const ops[OP_COUNT] = {
        RV_META_OPS(RV_LABEL) RV_INSN_OPS(RV_LABEL) RV_FUSED_OPS(RV_FUSED_LABEL)};
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
    rv_mark_set(&mark, (struct rv_decoded *)L, page.cache);
    DISPATCH();

/* Straight-line code reached the mark: out of budget, unless the mark is
 * stale (a jump since moved L on or off the page). */
op_BUDGET:
    if ((uintptr_t)d == L)
        STOP(RV_STOP_BUDGET, 0);
    rv_mark_clear(&mark);
    DISPATCH();
op_DECODE:
    rv_decode_at(&page, &mark, d);
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
op_LI: STRAIGHT(WORK_LI)

op_JAL: SECOND_JAL
op_JAL_FAR:
    if (((uint32_t)d->imm & 3u) != 0)
        STOP(RV_STOP_MISALIGNED, (uint32_t)d->imm);
    x[d->rd] = PC_OF(d) + 4u;
    JUMP_FAR((uint32_t)d->imm);
op_JALR: SECOND_JALR
op_JR: SECOND_JR

op_BEQ: SECOND_BEQ
op_BNE: SECOND_BNE
op_BLT: SECOND_BLT
op_BGE: SECOND_BGE
op_BLTU: SECOND_BLTU
op_BGEU: SECOND_BGEU
op_BEQ_FAR: BRANCH_FAR(a == b)
op_BNE_FAR: BRANCH_FAR(a != b)
op_BLT_FAR: BRANCH_FAR(rv_slt(a, b))
op_BGE_FAR: BRANCH_FAR(!rv_slt(a, b))
op_BLTU_FAR: BRANCH_FAR(a < b)
op_BGEU_FAR: BRANCH_FAR(a >= b)

op_LB: STRAIGHT(LOAD(1, GET8, (uint32_t)(int32_t)(int8_t)v))
op_LH: STRAIGHT(LOAD(2, rv_get16, (uint32_t)(int32_t)(int16_t)v))
op_LW: SECOND_LW
op_LBU: SECOND_LBU
op_LHU: STRAIGHT(LOAD(2, rv_get16, v))
op_SB: SECOND_SB
op_SH: STRAIGHT(STORE(2, rv_put16))
op_SW: SECOND_SW

op_ADDI: SECOND_ADDI
op_SLTI: STRAIGHT(ALU_RI(rv_slt(a, b)))
op_SLTIU: STRAIGHT(ALU_RI(a < b))
op_XORI: STRAIGHT(ALU_RI(a ^ b))
op_ORI: STRAIGHT(ALU_RI(a | b))
op_ANDI: SECOND_ANDI
op_SLLI: SECOND_SLLI
op_SRLI: SECOND_SRLI
op_SRAI: STRAIGHT(ALU_RI(rv_sra(a, b)))

op_ADD: SECOND_ADD
op_SUB: STRAIGHT(ALU_RR(a - b))
op_SLL: STRAIGHT(ALU_RR(a << (b & 31u)))
op_SLT: STRAIGHT(ALU_RR(rv_slt(a, b)))
op_SLTU: STRAIGHT(ALU_RR(a < b))
op_XOR: SECOND_XOR
op_SRL: STRAIGHT(ALU_RR(a >> (b & 31u)))
op_SRA: STRAIGHT(ALU_RR(rv_sra(a, b)))
op_OR: STRAIGHT(ALU_RR(a | b))
op_AND: SECOND_AND

op_MUL: SECOND_MUL
op_MULH: STRAIGHT(ALU_RR(rv_mulh(a, b)))
op_MULHSU: STRAIGHT(ALU_RR(rv_mulhsu(a, b)))
op_MULHU: STRAIGHT(ALU_RR(rv_mulhu(a, b)))
op_DIV: STRAIGHT(ALU_RR(rv_div(a, b)))
op_DIVU: STRAIGHT(ALU_RR(rv_divu(a, b)))
op_REM: STRAIGHT(ALU_RR(rv_rem(a, b)))
op_REMU: STRAIGHT(ALU_RR(rv_remu(a, b)))

RV_FUSED_OPS(FUSED_HANDLER)

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
