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

/* After a taken jump to entry d that left the budget's end L inside the
 * page, straight-line code from d must meet a mark at or before L: there
 * op_BUDGET stops, or moves the mark on to L. Whether the mark does. */
static inline bool rv_mark_guards(const struct rv_mark *m, const struct rv_decoded *d, uintptr_t L)
{
    return m->at != NULL && d <= m->at && (uintptr_t)m->at <= L;
}

/* When it does not: mark the entry after the jump if the jump went back
 * (that guards L for the following turns of the loop it closes, until L
 * falls inside the loop), else L itself. So a loop does not move the mark
 * at every turn. */
static void rv_mark_after_jump(struct rv_mark *m, struct rv_decoded *d, struct rv_decoded *L,
                               const struct rv_decoded *page_start)
{
    struct rv_decoded *after = (struct rv_decoded *)((char *)d - m->jump_bytes) + 1;
    rv_mark_set(m, m->jump_bytes < 0 && after <= L ? after : L, page_start);
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

/* Whether decoding stops after an entry of op `op`: the ops listed
 * before the loads are meta ops, stops, jumps and branches, but for NOP,
 * LI and branches inside the page, whose next word runs when they are not
 * taken (and may fuse with them). */
static bool rv_op_ends_run(uint8_t op)
{
    return op < OP_LB && op != OP_NOP && op != OP_LI && !(op >= OP_BEQ && op <= OP_BGEU);
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
 * budget. If the budget now ends inside the page, the mark must guard it
 * (`jumped`). The jump's length goes to memory: kept in a register for
 * `jumped`, gcc kept the old d too, costing every jump two instructions. */
#define JUMP_NEAR(bytes)                                             \
    do {                                                             \
        intptr_t by_ = (bytes);                                      \
        d = (struct rv_decoded *)((char *)d + by_);                  \
        L += (uintptr_t)by_ - sizeof *d;                             \
        if (L < page.end) {                                          \
            mark.jump_bytes = by_;                                   \
            goto jumped;                                             \
        }                                                            \
        DISPATCH();                                                  \
    } while (0)

/* A taken jump to entry `to` of this page. */
#define JUMP_ENTRY(to)                                               \
    do {                                                             \
        struct rv_decoded *to_ = (to);                               \
        intptr_t by_ = (char *)to_ - (char *)d;                      \
        d = to_;                                                     \
        L += (uintptr_t)by_ - sizeof *d;                             \
        if (L < page.end) {                                          \
            mark.jump_bytes = by_;                                   \
            goto jumped;                                             \
        }                                                            \
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
        uint32_t a = x[e->rs1], b = x[e->rs2];         \
        x[e->rd] = (expr);                             \
    } while (0)
#define ALU_RI(expr)                                   \
    do {                                               \
        uint32_t a = x[e->rs1], b = (uint32_t)e->imm;  \
        x[e->rd] = (expr);                             \
    } while (0)
/* size bytes at x[rs1] + imm; `get` reads them, `ext` widens v. */
#define LOAD(size, get, ext)                                                  \
    do {                                                                      \
        uint64_t off = (uint32_t)(x[e->rs1] + (uint32_t)e->imm);              \
        uint32_t v;                                                           \
        off -= ld->tag[e->rs1];                                               \
        if (off <= PAGE_SIZE - (size)) {                                      \
            v = get(ld->host[e->rs1] + off);                                  \
        } else {                                                              \
            uint64_t got = rv_load_miss(vm, e, off, (size));                  \
            if (got >= RV_MISS_FAULT) {                                       \
                d = e;                                                        \
                STOP(RV_STOP_LOAD_FAULT, (uint32_t)got);                      \
            }                                                                 \
            v = (uint32_t)got;                                                \
        }                                                                     \
        x[e->rd] = ext;                                                       \
    } while (0)
#define STORE(size, put)                                                      \
    do {                                                                      \
        uint64_t off = (uint32_t)(x[e->rs1] + (uint32_t)e->imm);              \
        off -= st->tag[e->rs1];                                               \
        if (off <= PAGE_SIZE - (size)) {                                      \
            put(st->host[e->rs1] + off, x[e->rs2]);                           \
        } else {                                                              \
            uint64_t got = rv_store_miss(vm, &mark, e, off, (size), x[e->rs2]); \
            d = e;                                                            \
            if (got != 0)                                                     \
                STOP(RV_STOP_STORE_FAULT, (uint32_t)got);                     \
            NEXT(); /* it may have rewritten the next entry */                \
        }                                                                     \
    } while (0)
#define GET8(p) (*(p))
#define PUT8(p, v) (*(p) = (uint8_t)(v))

/* A branch inside the page: taken, it jumps; not taken, it falls
 * through to what follows (the next instruction of a fused pair, or
 * NEXT). */
#define BRANCH(cond)                                   \
    {                                                  \
        uint32_t a = x[e->rs1], b = x[e->rs2];         \
        if (cond) {                                    \
            d = e;                                     \
            JUMP_NEAR(d->imm);                         \
        }                                              \
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
/* JALR with (link) or without a link. */
#define DO_JALR(link)                                  \
    {                                                  \
        uint32_t to = (x[e->rs1] + (uint32_t)e->imm) & ~1u; \
        d = e;                                         \
        if ((to & 3u) != 0)                            \
            STOP(RV_STOP_MISALIGNED, to);              \
        link;                                          \
        JUMP_TO(to);                                   \
    }

/* WORK_x: what an instruction of op x, at entry e, does. It leaves only
 * when it jumps, stops or dispatches afresh, setting d to e first, and
 * otherwise falls through with d unmoved, so a fused pair moves d once,
 * at its end (gcc kept the second entry's address on the stack in some
 * pairs when d moved between the two). */
#define WORK_LI x[e->rd] = (uint32_t)e->imm
#define WORK_JAL                                       \
    {                                                  \
        x[e->rd] = (uint32_t)e->imm;                   \
        d = e;                                         \
        JUMP_NEAR(d->jump);                            \
    }
#define WORK_JALR DO_JALR(x[e->rd] = PC_OF(d) + 4u)
#define WORK_JR DO_JALR((void)0)
#define WORK_BEQ BRANCH(a == b)
#define WORK_BNE BRANCH(a != b)
#define WORK_BLT BRANCH(rv_slt(a, b))
#define WORK_BGE BRANCH(!rv_slt(a, b))
#define WORK_BLTU BRANCH(a < b)
#define WORK_BGEU BRANCH(a >= b)
#define WORK_LB LOAD(1, GET8, (uint32_t)(int32_t)(int8_t)v)
#define WORK_LH LOAD(2, rv_get16, (uint32_t)(int32_t)(int16_t)v)
#define WORK_LW LOAD(4, rv_get32, v)
#define WORK_LBU LOAD(1, GET8, v)
#define WORK_LHU LOAD(2, rv_get16, v)
#define WORK_SB STORE(1, PUT8)
#define WORK_SH STORE(2, rv_put16)
#define WORK_SW STORE(4, rv_put32)
#define WORK_ADDI ALU_RI(a + b)
#define WORK_SLTI ALU_RI(rv_slt(a, b))
#define WORK_SLTIU ALU_RI(a < b)
#define WORK_XORI ALU_RI(a ^ b)
#define WORK_ORI ALU_RI(a | b)
#define WORK_ANDI ALU_RI(a & b)
#define WORK_SLLI ALU_RI(a << b)
#define WORK_SRLI ALU_RI(a >> b)
#define WORK_SRAI ALU_RI(rv_sra(a, b))
#define WORK_ADD ALU_RR(a + b)
#define WORK_SUB ALU_RR(a - b)
#define WORK_SLL ALU_RR(a << (b & 31u))
#define WORK_SLT ALU_RR(rv_slt(a, b))
#define WORK_SLTU ALU_RR(a < b)
#define WORK_XOR ALU_RR(a ^ b)
#define WORK_SRL ALU_RR(a >> (b & 31u))
#define WORK_SRA ALU_RR(rv_sra(a, b))
#define WORK_OR ALU_RR(a | b)
#define WORK_AND ALU_RR(a & b)
#define WORK_MUL ALU_RR(a * b)
#define WORK_MULH ALU_RR(rv_mulh(a, b))
#define WORK_MULHSU ALU_RR(rv_mulhsu(a, b))
#define WORK_MULHU ALU_RR(rv_mulhu(a, b))
#define WORK_DIV ALU_RR(rv_div(a, b))
#define WORK_DIVU ALU_RR(rv_divu(a, b))
#define WORK_REM ALU_RR(rv_rem(a, b))
#define WORK_REMU ALU_RR(rv_remu(a, b))

/* The ops with a WORK_x, which is all their handler does. */
#define RV_WORK_OPS(X)                                                            \
    X(LI) X(JAL) X(JALR) X(JR) X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU)        \
    X(LB) X(LH) X(LW) X(LBU) X(LHU) X(SB) X(SH) X(SW)                             \
    X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI) X(SRAI)       \
    X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND)         \
    X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU)

/* An instruction's own handler. */
#define HANDLER(name)                     \
    op_##name : {                         \
        struct rv_decoded *e = d;         \
        WORK_##name;                      \
    }                                     \
    NEXT();

/* A fused pair: the first instruction, then the second, one entry on. A
 * fault in the second stops there, with the first retired. */
#define FUSED_HANDLER(first, second)      \
    op_##first##_##second : {             \
        struct rv_decoded *e = d;         \
        WORK_##first;                     \
        e = d + 1;                        \
        WORK_##second;                    \
    }                                     \
    d += 2;                               \
    DISPATCH();

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
    struct vm_tlb *ld = &vm->load_tlb, *st = &vm->store_tlb;
    struct rv_page page = {0};
    struct rv_mark mark = {0};
    struct rv_decoded *d = NULL;
    uintptr_t L = 0, rem = (uintptr_t)budget * sizeof *d, left;
    uint32_t target = cpu->pc, out_pc;

    kmemcpy(x, cpu->x, sizeof cpu->x);
    x[0] = 0;
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
    if (L < page.end)
        rv_mark_set(&mark, (struct rv_decoded *)L, page.cache);
    DISPATCH();
jumped:
    if (!rv_mark_guards(&mark, d, L))
        rv_mark_after_jump(&mark, d, (struct rv_decoded *)L, page.cache);
    DISPATCH();

/* Straight-line code reached the mark: out of budget, unless the mark is
 * short of L (it guarded L from a jump's target) or stale (a jump since
 * moved L off the page). */
op_BUDGET:
    if ((uintptr_t)d == L)
        STOP(RV_STOP_BUDGET, 0);
    if (L < page.end)
        rv_mark_set(&mark, (struct rv_decoded *)L, page.cache);
    else
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
op_JAL_FAR:
    if (((uint32_t)d->imm & 3u) != 0)
        STOP(RV_STOP_MISALIGNED, (uint32_t)d->imm);
    x[d->rd] = PC_OF(d) + 4u;
    JUMP_FAR((uint32_t)d->imm);
op_BEQ_FAR: BRANCH_FAR(a == b)
op_BNE_FAR: BRANCH_FAR(a != b)
op_BLT_FAR: BRANCH_FAR(rv_slt(a, b))
op_BGE_FAR: BRANCH_FAR(!rv_slt(a, b))
op_BLTU_FAR: BRANCH_FAR(a < b)
op_BGEU_FAR: BRANCH_FAR(a >= b)

RV_WORK_OPS(HANDLER)
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
