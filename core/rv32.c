/*
 * rv32.c - the RV32IM interpreter, written from the RISC-V unprivileged
 * specification (RV32I base and the M extension; Zifencei's FENCE.I is a
 * no-op because the decode cache below never goes stale).
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
#include "rv32.h"

#include "bytes.h"
#include "param.h"

/* The budget bookkeeping puts 8 * budget next to host addresses. */
_Static_assert(sizeof(uintptr_t) >= sizeof(uint64_t), "rv32.c needs a 64-bit host");

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

/* ---- Decoding ---- */

/* Sign-extend the low `bits` bits of v. */
static int32_t rv_sext(uint32_t v, unsigned bits)
{
    uint32_t sign = 1u << (bits - 1u);
    v &= (sign << 1) - 1u;
    return (int32_t)((v ^ sign) - sign);
}

static uint8_t rv_dest(uint32_t insn)
{
    uint8_t rd = (uint8_t)((insn >> 7) & 31u);
    return rd == 0 ? (uint8_t)RV_SCRATCH : rd;
}

static int32_t rv_imm_i(uint32_t insn) { return rv_sext(insn >> 20, 12); }
static int32_t rv_imm_s(uint32_t insn) { return rv_sext(((insn >> 20) & ~31u) | ((insn >> 7) & 31u), 12); }
static uint32_t rv_funct3(uint32_t insn) { return (insn >> 12) & 7u; }
static uint32_t rv_funct7(uint32_t insn) { return insn >> 25; }

static int32_t rv_imm_b(uint32_t insn)
{
    uint32_t v = ((insn >> 19) & 0x1000u) | ((insn << 4) & 0x800u) |
                 ((insn >> 20) & 0x7e0u) | ((insn >> 7) & 0x1eu);
    return rv_sext(v, 13);
}

static int32_t rv_imm_j(uint32_t insn)
{
    uint32_t v = ((insn >> 11) & 0x100000u) | (insn & 0xff000u) |
                 ((insn >> 9) & 0x800u) | ((insn >> 20) & 0x7feu);
    return rv_sext(v, 21);
}

static struct rv_decoded rv_make(uint8_t op, uint32_t insn, int32_t imm)
{
    struct rv_decoded e = {.op = op, .rd = rv_dest(insn), .imm = imm};
    e.rs1 = (uint8_t)((insn >> 15) & 31u);
    e.rs2 = (uint8_t)((insn >> 20) & 31u);
    return e;
}

static struct rv_decoded rv_illegal(void) { return (struct rv_decoded){.op = OP_ILLEGAL}; }

/* A jump target the handler can reach by an entry offset: aligned and on
 * the jumping instruction's own page. */
static bool rv_target_near(uint32_t pc, uint32_t target)
{
    return (target & 3u) == 0 && (target >> PAGE_SHIFT) == (pc >> PAGE_SHIFT);
}

static struct rv_decoded rv_decode_branch(uint32_t insn, uint32_t pc)
{
    static const uint8_t ops[8] = {OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
                                   OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
    uint8_t op = ops[rv_funct3(insn)];
    if (op == OP_ILLEGAL)
        return rv_illegal();
    uint32_t target = pc + (uint32_t)rv_imm_b(insn);
    if (rv_target_near(pc, target))
        return rv_make(op, insn, RV_CACHE_OFFSET(rv_imm_b(insn)));
    return rv_make((uint8_t)(op + OP_BEQ_FAR - OP_BEQ), insn, (int32_t)target);
}

static struct rv_decoded rv_decode_jal(uint32_t insn, uint32_t pc)
{
    uint32_t target = pc + (uint32_t)rv_imm_j(insn);
    if (!rv_target_near(pc, target))
        return rv_make(OP_JAL_FAR, insn, (int32_t)target);
    struct rv_decoded e = rv_make(OP_JAL, insn, (int32_t)(pc + 4u));
    e.jump = (int16_t)RV_CACHE_OFFSET(rv_imm_j(insn));
    return e;
}

/* JALR without a link (rd = x0: returns, tail calls) has its own op. */
static struct rv_decoded rv_decode_jalr(uint32_t insn)
{
    if (rv_funct3(insn) != 0)
        return rv_illegal();
    struct rv_decoded e = rv_make(OP_JALR, insn, rv_imm_i(insn));
    if (e.rd == RV_SCRATCH)
        e.op = OP_JR;
    return e;
}

static struct rv_decoded rv_decode_load(uint32_t insn)
{
    static const uint8_t ops[8] = {OP_LB, OP_LH, OP_LW, OP_ILLEGAL,
                                   OP_LBU, OP_LHU, OP_ILLEGAL, OP_ILLEGAL};
    uint8_t op = ops[rv_funct3(insn)];
    return op == OP_ILLEGAL ? rv_illegal() : rv_make(op, insn, rv_imm_i(insn));
}

static struct rv_decoded rv_decode_store(uint32_t insn)
{
    static const uint8_t ops[8] = {OP_SB, OP_SH, OP_SW, OP_ILLEGAL,
                                   OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL};
    uint8_t op = ops[rv_funct3(insn)];
    return op == OP_ILLEGAL ? rv_illegal() : rv_make(op, insn, rv_imm_s(insn));
}

/* OP-IMM. The shifts take a 5-bit shamt; a set shamt[5] (RV64's encoding)
 * or any other funct7 than the spec's is illegal. */
static struct rv_decoded rv_decode_op_imm(uint32_t insn)
{
    static const uint8_t ops[8] = {OP_ADDI, OP_SLLI, OP_SLTI, OP_SLTIU,
                                   OP_XORI, OP_SRLI, OP_ORI, OP_ANDI};
    uint32_t f3 = rv_funct3(insn), f7 = rv_funct7(insn);
    if (f3 == 1 || f3 == 5) {
        uint32_t shamt = (insn >> 20) & 31u;
        if (f7 == 0)
            return rv_make(ops[f3], insn, (int32_t)shamt);
        if (f7 == 0x20 && f3 == 5)
            return rv_make(OP_SRAI, insn, (int32_t)shamt);
        return rv_illegal();
    }
    return rv_make(ops[f3], insn, rv_imm_i(insn));
}

static struct rv_decoded rv_decode_op(uint32_t insn)
{
    static const uint8_t base[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND};
    static const uint8_t muldiv[8] = {OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
                                      OP_DIV, OP_DIVU, OP_REM, OP_REMU};
    uint32_t f3 = rv_funct3(insn), f7 = rv_funct7(insn);
    if (f7 == 0)
        return rv_make(base[f3], insn, 0);
    if (f7 == 1)
        return rv_make(muldiv[f3], insn, 0);
    if (f7 == 0x20 && f3 == 0)
        return rv_make(OP_SUB, insn, 0);
    if (f7 == 0x20 && f3 == 5)
        return rv_make(OP_SRA, insn, 0);
    return rv_illegal();
}

/* SYSTEM: only ECALL and EBREAK exist here; CSRs and the privileged
 * instructions are illegal in a user process. */
static struct rv_decoded rv_decode_system(uint32_t insn)
{
    if (insn == 0x00000073u)
        return (struct rv_decoded){.op = OP_ECALL};
    if (insn == 0x00100073u)
        return (struct rv_decoded){.op = OP_EBREAK};
    return rv_illegal();
}

/* MISC-MEM: FENCE and FENCE.I order nothing in a single-hart interpreter;
 * their unused fields are ignored, as the spec asks. */
static struct rv_decoded rv_decode_fence(uint32_t insn)
{
    uint32_t f3 = rv_funct3(insn);
    return f3 <= 1 ? (struct rv_decoded){.op = OP_NOP} : rv_illegal();
}

/* Decode the instruction word at pc. Never returns OP_DECODE. */
static struct rv_decoded rv_decode(uint32_t insn, uint32_t pc)
{
    if ((insn & 3u) != 3u)
        return rv_illegal(); /* a compressed encoding: no C extension */
    switch ((insn >> 2) & 31u) {
    case 0x00: return rv_decode_load(insn);
    case 0x03: return rv_decode_fence(insn);
    case 0x04: return rv_decode_op_imm(insn);
    case 0x05: return rv_make(OP_LI, insn, (int32_t)(pc + (insn & 0xfffff000u))); /* AUIPC */
    case 0x08: return rv_decode_store(insn);
    case 0x0c: return rv_decode_op(insn);
    case 0x0d: return rv_make(OP_LI, insn, (int32_t)(insn & 0xfffff000u)); /* LUI */
    case 0x18: return rv_decode_branch(insn, pc);
    case 0x19: return rv_decode_jalr(insn);
    case 0x1b: return rv_decode_jal(insn, pc);
    case 0x1c: return rv_decode_system(insn);
    default: return rv_illegal();
    }
}

/* ---- Arithmetic the spec defines case by case ---- */

/* Signed views rely on two's complement conversions and an arithmetic
 * >> of negative values, which gcc and clang both define. */
static uint32_t rv_sra(uint32_t a, uint32_t n) { return (uint32_t)((int32_t)a >> (n & 31u)); }
static uint32_t rv_slt(uint32_t a, uint32_t b) { return (int32_t)a < (int32_t)b; }

static uint32_t rv_mulh(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32);
}

static uint32_t rv_mulhsu(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)b) >> 32);
}

static uint32_t rv_mulhu(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a * b) >> 32); }

/* Division never traps: x/0 is all ones, INT_MIN/-1 overflows to INT_MIN. */
static uint32_t rv_div(uint32_t a, uint32_t b)
{
    if (b == 0)
        return UINT32_MAX;
    if (a == 0x80000000u && b == UINT32_MAX)
        return a;
    return (uint32_t)((int32_t)a / (int32_t)b);
}

static uint32_t rv_divu(uint32_t a, uint32_t b) { return b == 0 ? UINT32_MAX : a / b; }

/* The remainder of x/0 is x; of INT_MIN/-1 it is 0. */
static uint32_t rv_rem(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if (a == 0x80000000u && b == UINT32_MAX)
        return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}

static uint32_t rv_remu(uint32_t a, uint32_t b) { return b == 0 ? a : a % b; }

/* ---- Memory ---- */

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

static uint32_t rv_get16(const uint8_t *p)
{
    uint16_t v;
    kmemcpy(&v, p, sizeof v);
    return RV_LE16(v);
}

static uint32_t rv_get32(const uint8_t *p)
{
    uint32_t v;
    kmemcpy(&v, p, sizeof v);
    return RV_LE32(v);
}

static void rv_put16(uint8_t *p, uint32_t v)
{
    uint16_t h = RV_LE16((uint16_t)v);
    kmemcpy(p, &h, sizeof h);
}

static void rv_put32(uint8_t *p, uint32_t v)
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

static void rv_tlb_clear(struct rv_tlb *t)
{
    for (unsigned i = 0; i < 32; i++)
        t->tag[i] = RV_TLB_EMPTY;
}

/* The page table entry of va if it grants every permission in perms. */
static uintptr_t rv_pte(const struct vm *vm, uint32_t va, uint32_t perms)
{
    if (va >= ABI_USER_TOP)
        return 0;
    uintptr_t pte = vm->pt[va >> PAGE_SHIFT];
    return (pte & perms) == perms ? pte : 0;
}

static uint8_t *rv_pte_host(uintptr_t pte, uint32_t va)
{
    return (uint8_t *)(pte & ~(uintptr_t)RV_PAGE_MASK) + (va & RV_PAGE_MASK);
}

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

/* A load the TLB could not serve: fill the TLB from the page table, or
 * read a straddling access byte by byte. Returns the value, or
 * RV_LOAD_FAULT. (A value rather than an out-parameter keeps the caller's
 * copy in a host register.) */
#define RV_LOAD_FAULT (1ull << 32)
static uint64_t rv_load_slow(const struct vm *vm, struct rv_tlb *tlb, unsigned reg,
                             uint32_t va, uint32_t size)
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

/* The budget mark: the entry whose op is OP_BUDGET for now, and its own
 * op, to put back. */
struct rv_mark {
    struct rv_decoded *at; /* NULL: no mark */
    uint8_t op;
};

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

/* Write one byte of a checked store, forgetting the decoding of the
 * instruction word it lands in (kept behind the mark if it is marked). */
static void rv_store_byte(const struct vm *vm, struct rv_mark *mark, uint32_t va, uint8_t byte)
{
    uintptr_t pte = rv_pte(vm, va, VM_PERM_W);
    *rv_pte_host(pte, va) = byte;
    if ((pte & VM_PERM_X) == 0)
        return;
    struct rv_decoded *cache = (struct rv_decoded *)(rv_pte_host(pte, 0) + PAGE_SIZE);
    struct rv_decoded *e = cache + ((va & RV_PAGE_MASK) >> 2);
    if (e == mark->at)
        mark->op = OP_DECODE;
    else
        e->op = OP_DECODE;
}

/* A store the TLB could not serve: like rv_load_slow, and the only way to
 * write an executable page. Nothing is written unless all of it may be.
 * Every page a run stores to passes here first, so this is where pages
 * are marked dirty for pre-copy (vm.h). */
static int rv_store_slow(const struct vm *vm, struct rv_tlb *tlb, struct rv_mark *mark,
                         unsigned reg, uint32_t va, uint32_t size, uint32_t value)
{
    uintptr_t pte = rv_pte(vm, va, VM_PERM_W);
    if (pte != 0 && rv_one_page(va, size) && (pte & VM_PERM_X) == 0) {
        vm_mark_dirty(vm, va); /* later stores this run hit the TLB */
        tlb->tag[reg] = va & ~RV_PAGE_MASK;
        tlb->host[reg] = rv_pte_host(pte, 0);
        uint8_t *p = rv_pte_host(pte, va);
        if (size == 4)
            rv_put32(p, value);
        else if (size == 2)
            rv_put16(p, value);
        else
            p[0] = (uint8_t)value;
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
struct rv_result rv_run(struct rv_cpu *cpu, struct vm *vm, uint32_t budget)
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
