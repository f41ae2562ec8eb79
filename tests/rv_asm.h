/*
 * rv_asm.h - a small RV32IM instruction encoder for tests and benchmarks:
 * rv_<mnemonic>(operands in assembly order) returns the instruction word.
 * Immediates are byte offsets as in assembly (branch and jump offsets are
 * relative to the instruction itself) and are truncated to their field,
 * so a test can also build out-of-range or odd encodings on purpose.
 */
#ifndef TESTS_RV_ASM_H
#define TESTS_RV_ASM_H

#include <stdint.h>

/* ABI register names. */
enum {
    RV_ZERO = 0,
    RV_RA = 1,
    RV_GP = 3,
    RV_TP = 4,
    RV_T0 = 5,
    RV_T1 = 6,
    RV_T2 = 7,
    RV_S0 = 8,
    RV_S1 = 9,
    RV_A6 = 16,
    RV_S2 = 18,
    RV_S3 = 19,
    RV_S4 = 20,
    RV_S5 = 21,
    RV_T3 = 28,
    RV_T4 = 29,
    RV_T5 = 30,
    RV_T6 = 31,
};

static inline uint32_t rv_enc_r(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd,
                                uint32_t opc)
{
    return (f7 << 25) | ((rs2 & 31u) << 20) | ((rs1 & 31u) << 15) | ((f3 & 7u) << 12) | ((rd & 31u) << 7) |
           opc;
}

static inline uint32_t rv_enc_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc)
{
    return ((uint32_t)imm << 20) | ((rs1 & 31u) << 15) | ((f3 & 7u) << 12) | ((rd & 31u) << 7) | opc;
}

static inline uint32_t rv_enc_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7fu) << 25) | ((rs2 & 31u) << 20) | ((rs1 & 31u) << 15) | ((f3 & 7u) << 12) |
           ((u & 31u) << 7) | opc;
}

static inline uint32_t rv_enc_b(int32_t off, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12 & 1u) << 31) | ((u >> 5 & 0x3fu) << 25) | ((rs2 & 31u) << 20) | ((rs1 & 31u) << 15) |
           ((f3 & 7u) << 12) | ((u >> 1 & 0xfu) << 8) | ((u >> 11 & 1u) << 7) | 0x63u;
}

static inline uint32_t rv_enc_u(uint32_t imm20, uint32_t rd, uint32_t opc)
{
    return (imm20 << 12) | ((rd & 31u) << 7) | opc;
}

static inline uint32_t rv_enc_j(int32_t off, uint32_t rd)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20 & 1u) << 31) | ((u >> 1 & 0x3ffu) << 21) | ((u >> 11 & 1u) << 20) |
           ((u >> 12 & 0xffu) << 12) | ((rd & 31u) << 7) | 0x6fu;
}

/* Upper immediates take the 20-bit field value, as in assembly. */
static inline uint32_t rv_lui(uint32_t rd, uint32_t imm20)
{
    return rv_enc_u(imm20 & 0xfffffu, rd, 0x37);
}
static inline uint32_t rv_auipc(uint32_t rd, uint32_t imm20)
{
    return rv_enc_u(imm20 & 0xfffffu, rd, 0x17);
}
static inline uint32_t rv_jal(uint32_t rd, int32_t off)
{
    return rv_enc_j(off, rd);
}
static inline uint32_t rv_jalr(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 0, rd, 0x67);
}

static inline uint32_t rv_beq(uint32_t a, uint32_t b, int32_t off)
{
    return rv_enc_b(off, b, a, 0);
}
static inline uint32_t rv_bne(uint32_t a, uint32_t b, int32_t off)
{
    return rv_enc_b(off, b, a, 1);
}
static inline uint32_t rv_blt(uint32_t a, uint32_t b, int32_t off)
{
    return rv_enc_b(off, b, a, 4);
}
static inline uint32_t rv_bge(uint32_t a, uint32_t b, int32_t off)
{
    return rv_enc_b(off, b, a, 5);
}
static inline uint32_t rv_bltu(uint32_t a, uint32_t b, int32_t off)
{
    return rv_enc_b(off, b, a, 6);
}
static inline uint32_t rv_bgeu(uint32_t a, uint32_t b, int32_t off)
{
    return rv_enc_b(off, b, a, 7);
}

static inline uint32_t rv_lb(uint32_t rd, int32_t imm, uint32_t rs1)
{
    return rv_enc_i(imm, rs1, 0, rd, 0x03);
}
static inline uint32_t rv_lh(uint32_t rd, int32_t imm, uint32_t rs1)
{
    return rv_enc_i(imm, rs1, 1, rd, 0x03);
}
static inline uint32_t rv_lw(uint32_t rd, int32_t imm, uint32_t rs1)
{
    return rv_enc_i(imm, rs1, 2, rd, 0x03);
}
static inline uint32_t rv_lbu(uint32_t rd, int32_t imm, uint32_t rs1)
{
    return rv_enc_i(imm, rs1, 4, rd, 0x03);
}
static inline uint32_t rv_lhu(uint32_t rd, int32_t imm, uint32_t rs1)
{
    return rv_enc_i(imm, rs1, 5, rd, 0x03);
}
static inline uint32_t rv_sb(uint32_t rs2, int32_t imm, uint32_t rs1)
{
    return rv_enc_s(imm, rs2, rs1, 0, 0x23);
}
static inline uint32_t rv_sh(uint32_t rs2, int32_t imm, uint32_t rs1)
{
    return rv_enc_s(imm, rs2, rs1, 1, 0x23);
}
static inline uint32_t rv_sw(uint32_t rs2, int32_t imm, uint32_t rs1)
{
    return rv_enc_s(imm, rs2, rs1, 2, 0x23);
}

static inline uint32_t rv_addi(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 0, rd, 0x13);
}
static inline uint32_t rv_slti(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 2, rd, 0x13);
}
static inline uint32_t rv_sltiu(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 3, rd, 0x13);
}
static inline uint32_t rv_xori(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 4, rd, 0x13);
}
static inline uint32_t rv_ori(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 6, rd, 0x13);
}
static inline uint32_t rv_andi(uint32_t rd, uint32_t rs1, int32_t imm)
{
    return rv_enc_i(imm, rs1, 7, rd, 0x13);
}
static inline uint32_t rv_slli(uint32_t rd, uint32_t rs1, uint32_t sh)
{
    return rv_enc_r(0x00, sh, rs1, 1, rd, 0x13);
}
static inline uint32_t rv_srli(uint32_t rd, uint32_t rs1, uint32_t sh)
{
    return rv_enc_r(0x00, sh, rs1, 5, rd, 0x13);
}
static inline uint32_t rv_srai(uint32_t rd, uint32_t rs1, uint32_t sh)
{
    return rv_enc_r(0x20, sh, rs1, 5, rd, 0x13);
}

#define RV_OP(name, f7, f3)                                                                                  \
    static inline uint32_t rv_##name(uint32_t rd, uint32_t rs1, uint32_t rs2)                                \
    {                                                                                                        \
        return rv_enc_r(f7, rs2, rs1, f3, rd, 0x33);                                                         \
    }
RV_OP(add, 0x00, 0)
RV_OP(sub, 0x20, 0)
RV_OP(sll, 0x00, 1)
RV_OP(slt, 0x00, 2)
RV_OP(sltu, 0x00, 3)
RV_OP(xor, 0x00, 4)
RV_OP(srl, 0x00, 5)
RV_OP(sra, 0x20, 5)
RV_OP(or, 0x00, 6)
RV_OP(and, 0x00, 7)
RV_OP(mul, 0x01, 0)
RV_OP(mulh, 0x01, 1)
RV_OP(mulhsu, 0x01, 2)
RV_OP(mulhu, 0x01, 3)
RV_OP(div, 0x01, 4)
RV_OP(divu, 0x01, 5)
RV_OP(rem, 0x01, 6)
RV_OP(remu, 0x01, 7)
#undef RV_OP

static inline uint32_t rv_fence(void)
{
    return 0x0ff0000fu;
} /* fence iorw, iorw */
static inline uint32_t rv_fence_i(void)
{
    return 0x0000100fu;
}
static inline uint32_t rv_ecall(void)
{
    return 0x00000073u;
}
static inline uint32_t rv_ebreak(void)
{
    return 0x00100073u;
}
static inline uint32_t rv_csrrw(uint32_t rd, uint32_t csr, uint32_t rs1)
{
    return rv_enc_i((int32_t)csr, rs1, 1, rd, 0x73);
}
static inline uint32_t rv_csrrs(uint32_t rd, uint32_t csr, uint32_t rs1)
{
    return rv_enc_i((int32_t)csr, rs1, 2, rd, 0x73);
}

/* Pseudo-instructions. */
static inline uint32_t rv_nop(void)
{
    return rv_addi(RV_ZERO, RV_ZERO, 0);
}
static inline uint32_t rv_mv(uint32_t rd, uint32_t rs)
{
    return rv_addi(rd, rs, 0);
}
static inline uint32_t rv_j(int32_t off)
{
    return rv_jal(RV_ZERO, off);
}
static inline uint32_t rv_ret(void)
{
    return rv_jalr(RV_ZERO, RV_RA, 0);
}

/* `li rd, value` as LUI + ADDI (always two words, so code size is fixed). */
static inline void rv_li(uint32_t *out, uint32_t rd, uint32_t value)
{
    uint32_t lo = value & 0xfffu;
    uint32_t hi = (value + (lo >= 0x800u ? 0x1000u : 0u)) >> 12;
    out[0] = rv_lui(rd, hi);
    out[1] = rv_addi(rd, rd, (int32_t)(lo >= 0x800u ? lo - 0x1000u : lo));
}

#endif
