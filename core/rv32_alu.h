/*
 * rv32_alu.h - the RV32IM arithmetic the specification defines case by
 * case, shared by the interpreter (rv32.c) and the ahead-of-time
 * translations (rv32_xlat.h), so both compute every result alike.
 *
 * Signed views rely on two's complement conversions and an arithmetic
 * >> of negative values, which gcc and clang both define.
 */
#ifndef CORE_RV32_ALU_H
#define CORE_RV32_ALU_H

#include <stdint.h>

static inline uint32_t rv_sra(uint32_t a, uint32_t n) { return (uint32_t)((int32_t)a >> (n & 31u)); }
static inline uint32_t rv_slt(uint32_t a, uint32_t b) { return (int32_t)a < (int32_t)b; }

static inline uint32_t rv_mulh(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32);
}

static inline uint32_t rv_mulhsu(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)b) >> 32);
}

static inline uint32_t rv_mulhu(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a * b) >> 32); }

/* Division never traps: x/0 is all ones, INT_MIN/-1 overflows to INT_MIN. */
static inline uint32_t rv_div(uint32_t a, uint32_t b)
{
    if (b == 0)
        return UINT32_MAX;
    if (a == 0x80000000u && b == UINT32_MAX)
        return a;
    return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t rv_divu(uint32_t a, uint32_t b) { return b == 0 ? UINT32_MAX : a / b; }

/* The remainder of x/0 is x; of INT_MIN/-1 it is 0. */
static inline uint32_t rv_rem(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if (a == 0x80000000u && b == UINT32_MAX)
        return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}

static inline uint32_t rv_remu(uint32_t a, uint32_t b) { return b == 0 ? a : a % b; }

#endif
