/*
 * rv32_decode.c - an instruction word into the decode-cache entry that
 * rv_run executes (struct rv_decoded, rv32_priv.h), once per word: the
 * first time it runs, and again after it is overwritten.
 */
#include "rv32_priv.h"

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

struct rv_decoded rv_decode(uint32_t insn, uint32_t pc)
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

/* ---- Fused pairs (rv32_priv.h) ---- */

/* The fused op of each pair of unfused ops, or 0 (OP_DECODE) for none. */
#define RV_PAIR_OP(first, second) [OP_##first][OP_##second] = OP_##first##_##second,
static const uint8_t rv_pair_ops[OP_FUSED_BASE][OP_FUSED_BASE] = {RV_FUSED_OPS(RV_PAIR_OP)};
#undef RV_PAIR_OP

/* The first op of each fused op, from OP_FUSED_BASE on. */
#define RV_FIRST_OF(first, second) OP_##first,
static const uint8_t rv_pair_firsts[OP_FUSED_COUNT] = {RV_FUSED_OPS(RV_FIRST_OF)};
#undef RV_FIRST_OF

uint8_t rv_fuse(uint8_t first, uint8_t second)
{
    if (first >= OP_FUSED_BASE || second >= OP_FUSED_BASE || rv_pair_ops[first][second] == OP_DECODE)
        return first;
    return rv_pair_ops[first][second];
}

uint8_t rv_fused_first(uint8_t op)
{
    return op < OP_FUSED_BASE ? op : rv_pair_firsts[op - OP_FUSED_BASE];
}
