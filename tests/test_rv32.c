/*
 * test_rv32.c - the RV32IM interpreter, instruction class by instruction
 * class, with the edge cases the specification calls out; memory
 * protection; illegal encodings; and the budget (exact stops, resuming,
 * single-stepping gives the same result as one long run).
 *
 * Every test runs in a fresh address space: code at CODE (R+X, two
 * pages), read-only data at RODATA, read-write data at DATA (two pages);
 * afterwards the address space is destroyed and no page may be left.
 */
#include <criterion/criterion.h>

#include "core/kalloc.h"
#include "core/kernel_priv.h"
#include "core/rv32.h"
#include "core/vm.h"
#include "tests/fake_hal.h"
#include "tests/rv_asm.h"

#define CODE ABI_USER_BASE
#define CODE_PAGES 2u
#define RODATA (ABI_USER_BASE + 0x8000u)
#define DATA (ABI_USER_BASE + 0x10000u)
#define DATA_PAGES 2u
#define UNMAPPED (ABI_USER_BASE + 0x20000u)

static struct fake_hal f;
static struct kernel k;
static struct vm vm;
static struct rv_cpu cpu;

static void setup(void)
{
    fake_hal_init(&f, 0);
    k = (struct kernel){0};
    k.hal = f.hal;
    cr_assert_eq(vm_init(&vm, &k), 0);
    cr_assert_eq(vm_map(&vm, &k, CODE, CODE_PAGES * PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_map(&vm, &k, RODATA, PAGE_SIZE, VM_PERM_R), 0);
    cr_assert_eq(vm_map(&vm, &k, DATA, DATA_PAGES * PAGE_SIZE, VM_PERM_R | VM_PERM_W), 0);
    cpu = (struct rv_cpu){.pc = CODE};
}

static void teardown(void)
{
    vm_destroy(&vm, &k);
    kalloc_release_all(&k); /* the dirty bits' allocator keeps its page */
    cr_assert_eq(f.pages_in_use, 0, "pages leaked: %u", f.pages_in_use);
}

TestSuite(rv32, .init = setup, .fini = teardown);

/* Write instruction words at va (ignoring permissions, as the loader). */
static void put_code(uint32_t va, const uint32_t *words, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t b[4] = {(uint8_t)words[i], (uint8_t)(words[i] >> 8), (uint8_t)(words[i] >> 16),
                        (uint8_t)(words[i] >> 24)};
        cr_assert_eq(vm_write_image(&vm, va + 4 * i, b, 4), 0);
    }
}

static void put_word(uint32_t va, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    cr_assert_eq(vm_write_image(&vm, va, b, 4), 0);
}

static uint32_t get_word(uint32_t va)
{
    uint8_t b[4];
    cr_assert_eq(vm_copy_in(&vm, b, va, 4), 0);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

#define PROGRAM(...)                                          \
    do {                                                      \
        const uint32_t prog_[] = {__VA_ARGS__};               \
        put_code(CODE, prog_, sizeof prog_ / sizeof prog_[0]); \
    } while (0)

/* Run the program at CODE, which must end in ECALL after n instructions. */
static void run_to_ecall(uint32_t n)
{
    struct rv_result r = rv_run(&cpu, &vm, 1000000);
    cr_assert_eq(r.stop, RV_STOP_ECALL, "stop %d at pc %#x", r.stop, cpu.pc);
    cr_assert_eq(r.executed, n, "executed %u, expected %u", r.executed, n);
}

/* li as two words, for use inside PROGRAM(). */
#define LI(rd, v) rv_lui((rd), ((uint32_t)(v) + 0x800u) >> 12), rv_addi((rd), (rd), rv_lo12(v))
static int32_t rv_lo12(uint32_t v)
{
    uint32_t lo = v & 0xfffu;
    return lo >= 0x800u ? (int32_t)lo - 0x1000 : (int32_t)lo;
}

/* ---- Upper immediates, OP-IMM ---- */

Test(rv32, lui_auipc)
{
    PROGRAM(rv_lui(RV_T0, 0xfffff), rv_auipc(RV_T1, 0x1), rv_auipc(RV_T2, 0x80000), rv_ecall());
    run_to_ecall(4);
    cr_assert_eq(cpu.x[RV_T0], 0xfffff000u);
    cr_assert_eq(cpu.x[RV_T1], CODE + 4 + 0x1000);
    cr_assert_eq(cpu.x[RV_T2], CODE + 8 + 0x80000000u);
    cr_assert_eq(cpu.pc, CODE + 16);
}

Test(rv32, addi_sign_extends_immediate)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, -1), rv_addi(RV_T1, RV_ZERO, -2048), rv_addi(RV_T2, RV_ZERO, 2047),
            rv_addi(RV_T3, RV_T0, 1), rv_ecall());
    run_to_ecall(5);
    cr_assert_eq(cpu.x[RV_T0], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_T1], 0xfffff800u);
    cr_assert_eq(cpu.x[RV_T2], 2047u);
    cr_assert_eq(cpu.x[RV_T3], 0u, "wraps");
}

Test(rv32, slti_sltiu)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, -5),
            rv_slti(RV_T1, RV_T0, -4),   /* -5 < -4 */
            rv_slti(RV_T2, RV_T0, -5),   /* not < itself */
            rv_sltiu(RV_T3, RV_T0, -1),  /* 0xfffffffb < 0xffffffff */
            rv_sltiu(RV_T4, RV_T0, 5),   /* huge < 5: no */
            rv_sltiu(RV_T5, RV_ZERO, 1), /* seqz */
            rv_ecall());
    run_to_ecall(7);
    cr_assert_eq(cpu.x[RV_T1], 1u);
    cr_assert_eq(cpu.x[RV_T2], 0u);
    cr_assert_eq(cpu.x[RV_T3], 1u);
    cr_assert_eq(cpu.x[RV_T4], 0u);
    cr_assert_eq(cpu.x[RV_T5], 1u);
}

Test(rv32, logic_immediates)
{
    PROGRAM(LI(RV_T0, 0x12345678u), rv_xori(RV_T1, RV_T0, -1), rv_ori(RV_T2, RV_T0, 0x0f0),
            rv_andi(RV_T3, RV_T0, -16), rv_andi(RV_T4, RV_T0, 0x7ff), rv_ecall());
    run_to_ecall(7);
    cr_assert_eq(cpu.x[RV_T1], ~0x12345678u);
    cr_assert_eq(cpu.x[RV_T2], 0x123456f8u);
    cr_assert_eq(cpu.x[RV_T3], 0x12345670u);
    cr_assert_eq(cpu.x[RV_T4], 0x678u);
}

Test(rv32, shift_immediates)
{
    PROGRAM(LI(RV_T0, 0x80000001u), rv_slli(RV_T1, RV_T0, 31), rv_srli(RV_T2, RV_T0, 31),
            rv_srai(RV_T3, RV_T0, 31), rv_srai(RV_T4, RV_T0, 0), rv_slli(RV_T5, RV_T0, 1),
            rv_srai(RV_T6, RV_T0, 4), rv_ecall());
    run_to_ecall(9);
    cr_assert_eq(cpu.x[RV_T1], 0x80000000u);
    cr_assert_eq(cpu.x[RV_T2], 1u);
    cr_assert_eq(cpu.x[RV_T3], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_T4], 0x80000001u);
    cr_assert_eq(cpu.x[RV_T5], 2u);
    cr_assert_eq(cpu.x[RV_T6], 0xf8000000u);
}

/* ---- OP ---- */

Test(rv32, add_sub_wrap)
{
    PROGRAM(LI(RV_T0, 0x7fffffffu), rv_addi(RV_T1, RV_ZERO, 1), rv_add(RV_T2, RV_T0, RV_T1),
            rv_sub(RV_T3, RV_ZERO, RV_T1), rv_sub(RV_T4, RV_T2, RV_T1), rv_ecall());
    run_to_ecall(7);
    cr_assert_eq(cpu.x[RV_T2], 0x80000000u);
    cr_assert_eq(cpu.x[RV_T3], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_T4], 0x7fffffffu);
}

Test(rv32, register_shifts_use_low_five_bits)
{
    PROGRAM(LI(RV_T0, 0x80000010u), rv_addi(RV_T1, RV_ZERO, 33), rv_addi(RV_T2, RV_ZERO, -1),
            rv_sll(RV_T3, RV_T0, RV_T1),  /* by 1 */
            rv_srl(RV_T4, RV_T0, RV_T2),  /* by 31 */
            rv_sra(RV_T5, RV_T0, RV_T2),  /* by 31 */
            rv_sra(RV_T6, RV_T0, RV_T1),  /* by 1 */
            rv_addi(RV_S2, RV_ZERO, 32), rv_sll(RV_S3, RV_T0, RV_S2), /* by 0 */
            rv_ecall());
    run_to_ecall(11);
    cr_assert_eq(cpu.x[RV_T3], 0x00000020u);
    cr_assert_eq(cpu.x[RV_T4], 1u);
    cr_assert_eq(cpu.x[RV_T5], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_T6], 0xc0000008u);
    cr_assert_eq(cpu.x[RV_S3], 0x80000010u);
}

Test(rv32, slt_sltu_with_negatives)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, -1), rv_addi(RV_T1, RV_ZERO, 1),
            rv_slt(RV_T2, RV_T0, RV_T1), rv_slt(RV_T3, RV_T1, RV_T0),
            rv_sltu(RV_T4, RV_T0, RV_T1), rv_sltu(RV_T5, RV_T1, RV_T0),
            rv_sltu(RV_T6, RV_ZERO, RV_T1), /* snez */
            rv_slt(RV_S2, RV_T0, RV_T0), rv_ecall());
    run_to_ecall(9);
    cr_assert_eq(cpu.x[RV_T2], 1u);
    cr_assert_eq(cpu.x[RV_T3], 0u);
    cr_assert_eq(cpu.x[RV_T4], 0u);
    cr_assert_eq(cpu.x[RV_T5], 1u);
    cr_assert_eq(cpu.x[RV_T6], 1u);
    cr_assert_eq(cpu.x[RV_S2], 0u);
}

Test(rv32, logic_registers)
{
    PROGRAM(LI(RV_T0, 0xff00ff00u), LI(RV_T1, 0x0ff00ff0u), rv_xor(RV_T2, RV_T0, RV_T1),
            rv_or(RV_T3, RV_T0, RV_T1), rv_and(RV_T4, RV_T0, RV_T1), rv_ecall());
    run_to_ecall(8);
    cr_assert_eq(cpu.x[RV_T2], 0xf0f0f0f0u);
    cr_assert_eq(cpu.x[RV_T3], 0xfff0fff0u);
    cr_assert_eq(cpu.x[RV_T4], 0x0f000f00u);
}

/* ---- M ---- */

Test(rv32, multiply)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, -3), rv_addi(RV_T1, RV_ZERO, 7), rv_addi(RV_T2, RV_ZERO, -1),
            rv_mul(RV_S2, RV_T0, RV_T1),     /* -21 */
            rv_mulh(RV_S3, RV_T0, RV_T1),    /* high of -21: -1 */
            rv_mulh(RV_S4, RV_T0, RV_T0),    /* 9: high 0 */
            rv_mulhu(RV_S5, RV_T2, RV_T2),   /* 0xffffffff^2 high = 0xfffffffe */
            rv_mulhsu(RV_T3, RV_T2, RV_T2),  /* -1 * 0xffffffff = -0xffffffff: high -1 */
            rv_mulhsu(RV_T4, RV_T1, RV_T2),  /* 7 * 0xffffffff: high 6 */
            rv_mulhu(RV_T5, RV_T0, RV_T1),   /* 0xfffffffd * 7: high 6 */
            rv_ecall());
    run_to_ecall(11);
    cr_assert_eq(cpu.x[RV_S2], (uint32_t)-21);
    cr_assert_eq(cpu.x[RV_S3], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_S4], 0u);
    cr_assert_eq(cpu.x[RV_S5], 0xfffffffeu);
    cr_assert_eq(cpu.x[RV_T3], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_T4], 6u);
    cr_assert_eq(cpu.x[RV_T5], 6u);
}

Test(rv32, mulh_of_int_min)
{
    PROGRAM(LI(RV_T0, 0x80000000u), rv_mulh(RV_T1, RV_T0, RV_T0), rv_mulhu(RV_T2, RV_T0, RV_T0),
            rv_mulhsu(RV_T3, RV_T0, RV_T0), rv_mul(RV_T4, RV_T0, RV_T0), rv_ecall());
    run_to_ecall(7);
    cr_assert_eq(cpu.x[RV_T1], 0x40000000u);
    cr_assert_eq(cpu.x[RV_T2], 0x40000000u);
    cr_assert_eq(cpu.x[RV_T3], 0xc0000000u); /* -2^31 * 2^31 = -2^62 */
    cr_assert_eq(cpu.x[RV_T4], 0u);
}

Test(rv32, divide)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, -7), rv_addi(RV_T1, RV_ZERO, 2),
            rv_div(RV_S2, RV_T0, RV_T1),   /* -3: rounds toward zero */
            rv_rem(RV_S3, RV_T0, RV_T1),   /* -1: sign of the dividend */
            rv_divu(RV_S4, RV_T0, RV_T1),  /* 0xfffffff9 / 2 */
            rv_remu(RV_S5, RV_T0, RV_T1),  /* 1 */
            rv_div(RV_T2, RV_T1, RV_T0),   /* 2 / -7 = 0 */
            rv_rem(RV_T3, RV_T1, RV_T0),   /* 2 */
            rv_ecall());
    run_to_ecall(9);
    cr_assert_eq(cpu.x[RV_S2], (uint32_t)-3);
    cr_assert_eq(cpu.x[RV_S3], (uint32_t)-1);
    cr_assert_eq(cpu.x[RV_S4], 0x7ffffffcu);
    cr_assert_eq(cpu.x[RV_S5], 1u);
    cr_assert_eq(cpu.x[RV_T2], 0u);
    cr_assert_eq(cpu.x[RV_T3], 2u);
}

Test(rv32, divide_by_zero)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, -7),
            rv_div(RV_S2, RV_T0, RV_ZERO), rv_divu(RV_S3, RV_T0, RV_ZERO),
            rv_rem(RV_S4, RV_T0, RV_ZERO), rv_remu(RV_S5, RV_T0, RV_ZERO),
            rv_div(RV_T1, RV_ZERO, RV_ZERO), rv_ecall());
    run_to_ecall(7);
    cr_assert_eq(cpu.x[RV_S2], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_S3], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_S4], (uint32_t)-7);
    cr_assert_eq(cpu.x[RV_S5], (uint32_t)-7);
    cr_assert_eq(cpu.x[RV_T1], 0xffffffffu);
}

Test(rv32, divide_overflow)
{
    PROGRAM(LI(RV_T0, 0x80000000u), rv_addi(RV_T1, RV_ZERO, -1),
            rv_div(RV_S2, RV_T0, RV_T1), rv_rem(RV_S3, RV_T0, RV_T1),
            rv_divu(RV_S4, RV_T0, RV_T1), rv_remu(RV_S5, RV_T0, RV_T1), rv_ecall());
    run_to_ecall(8);
    cr_assert_eq(cpu.x[RV_S2], 0x80000000u);
    cr_assert_eq(cpu.x[RV_S3], 0u);
    cr_assert_eq(cpu.x[RV_S4], 0u);
    cr_assert_eq(cpu.x[RV_S5], 0x80000000u);
}

/* ---- x0 ---- */

Test(rv32, x0_is_always_zero)
{
    put_word(DATA, 0xdeadbeefu);
    cpu.x[0] = 0x1234; /* even if the caller put something there */
    PROGRAM(rv_add(RV_T0, RV_ZERO, RV_ZERO), rv_addi(RV_ZERO, RV_ZERO, 5), rv_lui(RV_ZERO, 0x12345),
            LI(RV_T1, DATA), rv_lw(RV_ZERO, 0, RV_T1), rv_auipc(RV_ZERO, 1), rv_jal(RV_ZERO, 4),
            rv_mul(RV_ZERO, RV_T1, RV_T1), rv_add(RV_T2, RV_ZERO, RV_ZERO), rv_sw(RV_ZERO, 4, RV_T1),
            rv_ecall());
    run_to_ecall(12);
    cr_assert_eq(cpu.x[0], 0u);
    cr_assert_eq(cpu.x[RV_T0], 0u);
    cr_assert_eq(cpu.x[RV_T2], 0u);
    cr_assert_eq(get_word(DATA + 4), 0u);
}

/* ---- Jumps and branches ---- */

Test(rv32, jal_links_and_jumps)
{
    PROGRAM(rv_jal(RV_RA, 12),                      /* 0: to 12 */
            rv_addi(RV_T0, RV_ZERO, 1),             /* 4: skipped */
            rv_ecall(),                             /* 8 */
            rv_addi(RV_T1, RV_ZERO, 2),             /* 12 */
            rv_jal(RV_T2, -8),                      /* 16: back to 8 */
            rv_ecall());
    run_to_ecall(4);
    cr_assert_eq(cpu.x[RV_RA], CODE + 4);
    cr_assert_eq(cpu.x[RV_T0], 0u);
    cr_assert_eq(cpu.x[RV_T1], 2u);
    cr_assert_eq(cpu.x[RV_T2], CODE + 20);
    cr_assert_eq(cpu.pc, CODE + 12);
}

Test(rv32, jalr_clears_bit_zero_and_links)
{
    PROGRAM(LI(RV_T0, CODE + 17),                   /* 0,4 */
            rv_jalr(RV_RA, RV_T0, -1),              /* 8: to 16 (bit 0 of 17-1=16 clear anyway) */
            rv_ecall(),                             /* 12 */
            rv_jalr(RV_T1, RV_T0, 4),               /* 16: 21 & ~1 = 20 */
            rv_ecall(),                             /* 20 */
            rv_ecall());
    run_to_ecall(5);
    cr_assert_eq(cpu.x[RV_RA], CODE + 12);
    cr_assert_eq(cpu.x[RV_T1], CODE + 20);
    cr_assert_eq(cpu.pc, CODE + 24);
}

Test(rv32, jalr_rd_equals_rs1)
{
    PROGRAM(LI(RV_RA, CODE + 16), rv_jalr(RV_RA, RV_RA, 0), rv_ecall(), rv_ecall());
    run_to_ecall(4);
    cr_assert_eq(cpu.x[RV_RA], CODE + 12, "link written after the target was read");
    cr_assert_eq(cpu.pc, CODE + 20);
}

Test(rv32, call_and_return)
{
    PROGRAM(rv_addi(RV_A0, RV_ZERO, 5), rv_jal(RV_RA, 12), rv_addi(RV_A0, RV_A0, 100), rv_ecall(),
            rv_addi(RV_A0, RV_A0, 1), rv_ret());
    run_to_ecall(6);
    cr_assert_eq(cpu.x[RV_A0], 106u);
}

/* Each branch, taken and not: t0 = -1, t1 = 1, so signed and unsigned
 * orders disagree. A taken branch skips the addi that counts misses. */
Test(rv32, branches_taken_and_not)
{
    uint32_t (*const br[6])(uint32_t, uint32_t, int32_t) = {rv_beq, rv_bne, rv_blt, rv_bge, rv_bltu, rv_bgeu};
    /* taken for (t0, t1), (t1, t0), (t0, t0) */
    const bool taken[6][3] = {{false, false, true}, {true, true, false}, {true, false, false},
                              {false, true, true}, {false, true, false}, {true, false, true}};
    for (int b = 0; b < 6; b++) {
        const uint32_t pairs[3][2] = {{RV_T0, RV_T1}, {RV_T1, RV_T0}, {RV_T0, RV_T0}};
        for (int p = 0; p < 3; p++) {
            cpu = (struct rv_cpu){.pc = CODE};
            PROGRAM(rv_addi(RV_T0, RV_ZERO, -1), rv_addi(RV_T1, RV_ZERO, 1),
                    br[b](pairs[p][0], pairs[p][1], 8), rv_addi(RV_T2, RV_ZERO, 1), rv_ecall());
            run_to_ecall(taken[b][p] ? 4 : 5);
            cr_assert_eq(cpu.x[RV_T2], taken[b][p] ? 0u : 1u, "branch %d pair %d", b, p);
        }
    }
}

Test(rv32, backward_branch_loop)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, 10), rv_addi(RV_T1, RV_ZERO, 0),
            rv_add(RV_T1, RV_T1, RV_T0), rv_addi(RV_T0, RV_T0, -1), rv_bne(RV_T0, RV_ZERO, -8), rv_ecall());
    run_to_ecall(2 + 30 + 1);
    cr_assert_eq(cpu.x[RV_T1], 55u);
}

Test(rv32, misaligned_jal_faults_without_linking)
{
    PROGRAM(rv_addi(RV_RA, RV_ZERO, 7), rv_jal(RV_RA, 6), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(r.executed, 1u);
    cr_assert_eq(r.fault_addr, CODE + 10);
    cr_assert_eq(cpu.pc, CODE + 4);
    cr_assert_eq(cpu.x[RV_RA], 7u);
}

Test(rv32, misaligned_jalr_faults_without_linking)
{
    PROGRAM(LI(RV_T0, CODE + 0x102), rv_jalr(RV_T0, RV_T0, 0), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(r.fault_addr, CODE + 0x102);
    cr_assert_eq(cpu.pc, CODE + 8);
    cr_assert_eq(cpu.x[RV_T0], CODE + 0x102);
}

Test(rv32, misaligned_branch_faults_only_when_taken)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, 1), rv_beq(RV_T0, RV_ZERO, 6), rv_bne(RV_T0, RV_ZERO, 6), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(r.executed, 2u);
    cr_assert_eq(cpu.pc, CODE + 8);
    cr_assert_eq(r.fault_addr, CODE + 14);
}

Test(rv32, misaligned_far_targets)
{
    /* Targets on another page take the far path; check it too. */
    PROGRAM(rv_jal(RV_RA, 0x1002));
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(cpu.pc, CODE);
    cr_assert_eq(cpu.x[RV_RA], 0u);
    cpu = (struct rv_cpu){.pc = CODE};
    PROGRAM(rv_nop(), rv_nop(), rv_beq(RV_ZERO, RV_ZERO, 0xffa));
    r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(r.executed, 2u);
    cr_assert_eq(r.fault_addr, CODE + 0x1002);
}

Test(rv32, jumps_between_pages)
{
    uint32_t page2 = CODE + PAGE_SIZE;
    /* page 1: call page 2, return, jump to the page's end, branch from
     * there into page 2, which jumps back by jalr */
    PROGRAM(rv_jal(RV_RA, (int32_t)PAGE_SIZE),           /* 0: call page2 */
            rv_addi(RV_T1, RV_T1, 1),                    /* 4 */
            rv_jal(RV_ZERO, (int32_t)PAGE_SIZE - 16),    /* 8: to page2 - 8 */
            rv_ecall());                                 /* 12 */
    const uint32_t edge[] = {rv_beq(RV_ZERO, RV_ZERO, 20)}; /* page2 - 8: to page2 + 12 */
    put_code(page2 - 8, edge, 1);
    const uint32_t p2[] = {rv_addi(RV_T0, RV_T0, 1), rv_ret(), rv_ecall(),
                           rv_addi(RV_T2, RV_ZERO, 3), LI(RV_T3, CODE + 12), rv_jalr(RV_ZERO, RV_T3, 0)};
    put_code(page2, p2, sizeof p2 / sizeof p2[0]);
    run_to_ecall(11);
    cr_assert_eq(cpu.x[RV_T0], 1u);
    cr_assert_eq(cpu.x[RV_T1], 1u);
    cr_assert_eq(cpu.x[RV_T2], 3u);
    cr_assert_eq(cpu.pc, CODE + 16);
}

Test(rv32, straight_line_across_a_page_boundary)
{
    uint32_t last = CODE + PAGE_SIZE - 8;
    const uint32_t tail[] = {rv_addi(RV_T0, RV_ZERO, 1), rv_addi(RV_T1, RV_ZERO, 2)};
    const uint32_t head[] = {rv_addi(RV_T2, RV_ZERO, 3), rv_ecall()};
    put_code(last, tail, 2);
    put_code(CODE + PAGE_SIZE, head, 2);
    cpu.pc = last;
    run_to_ecall(4);
    cr_assert_eq(cpu.x[RV_T0] + cpu.x[RV_T1] + cpu.x[RV_T2], 6u);
}

/* ---- Loads and stores ---- */

Test(rv32, loads_extend_correctly)
{
    put_word(DATA, 0x8081f0ffu);
    PROGRAM(LI(RV_T0, DATA), rv_lb(RV_S2, 0, RV_T0), rv_lbu(RV_S3, 0, RV_T0), rv_lh(RV_S4, 2, RV_T0),
            rv_lhu(RV_S5, 2, RV_T0), rv_lw(RV_T1, 0, RV_T0), rv_lb(RV_T2, 2, RV_T0), rv_lh(RV_T3, 0, RV_T0),
            rv_ecall());
    run_to_ecall(10);
    cr_assert_eq(cpu.x[RV_S2], 0xffffffffu);
    cr_assert_eq(cpu.x[RV_S3], 0xffu);
    cr_assert_eq(cpu.x[RV_S4], 0xffff8081u);
    cr_assert_eq(cpu.x[RV_S5], 0x8081u);
    cr_assert_eq(cpu.x[RV_T1], 0x8081f0ffu);
    cr_assert_eq(cpu.x[RV_T2], 0xffffff81u);
    cr_assert_eq(cpu.x[RV_T3], 0xfffff0ffu);
}

Test(rv32, stores_little_endian_and_negative_offsets)
{
    PROGRAM(LI(RV_T0, DATA + 16), LI(RV_T1, 0x11223344u), rv_sw(RV_T1, -16, RV_T0), rv_sh(RV_T1, -12, RV_T0),
            rv_sb(RV_T1, -8, RV_T0), rv_sb(RV_T1, 2047, RV_T0), rv_lbu(RV_T2, 2047, RV_T0), rv_ecall());
    run_to_ecall(10);
    cr_assert_eq(get_word(DATA), 0x11223344u);
    cr_assert_eq(get_word(DATA + 4), 0x3344u);
    cr_assert_eq(get_word(DATA + 8), 0x44u);
    cr_assert_eq(cpu.x[RV_T2], 0x44u);
}

Test(rv32, misaligned_access_inside_a_page)
{
    PROGRAM(LI(RV_T0, DATA + 1), LI(RV_T1, 0xa1b2c3d4u), rv_sw(RV_T1, 0, RV_T0), rv_lw(RV_T2, 0, RV_T0),
            rv_lhu(RV_T3, 2, RV_T0), rv_sh(RV_T1, 6, RV_T0), rv_lw(RV_T4, 4, RV_T0), rv_ecall());
    run_to_ecall(10);
    cr_assert_eq(cpu.x[RV_T2], 0xa1b2c3d4u);
    cr_assert_eq(cpu.x[RV_T3], 0xa1b2u);
    cr_assert_eq(get_word(DATA), 0xb2c3d400u);
    cr_assert_eq(cpu.x[RV_T4], 0xc3d40000u);
}

Test(rv32, access_straddling_two_mapped_pages)
{
    uint32_t edge = DATA + PAGE_SIZE - 2;
    PROGRAM(LI(RV_T0, edge), LI(RV_T1, 0x01020304u), rv_sw(RV_T1, 0, RV_T0), rv_lw(RV_T2, 0, RV_T0),
            rv_lh(RV_T3, 1, RV_T0), rv_ecall());
    run_to_ecall(8);
    cr_assert_eq(cpu.x[RV_T2], 0x01020304u);
    cr_assert_eq(cpu.x[RV_T3], 0x0203u);
    cr_assert_eq(get_word(DATA + PAGE_SIZE), 0x0102u);
}

Test(rv32, load_from_unmapped_faults)
{
    PROGRAM(LI(RV_T0, UNMAPPED), rv_addi(RV_T1, RV_ZERO, 9), rv_lw(RV_T1, 8, RV_T0), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT);
    cr_assert_eq(r.fault_addr, UNMAPPED + 8);
    cr_assert_eq(r.executed, 3u);
    cr_assert_eq(cpu.pc, CODE + 12);
    cr_assert_eq(cpu.x[RV_T1], 9u, "rd untouched");
}

Test(rv32, load_from_null_and_beyond_user_space_faults)
{
    const uint32_t addrs[] = {0, 4, ABI_USER_BASE - 4, ABI_USER_TOP, 0xfffffffcu, 0xffffffffu};
    for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        cpu = (struct rv_cpu){.pc = CODE};
        PROGRAM(LI(RV_T0, addrs[i]), rv_lw(RV_T1, 0, RV_T0));
        struct rv_result r = rv_run(&cpu, &vm, 100);
        cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT, "address %#x", addrs[i]);
        cr_assert_eq(r.fault_addr, addrs[i]);
    }
}

Test(rv32, load_straddling_into_unmapped_page_faults)
{
    uint32_t edge = DATA + DATA_PAGES * PAGE_SIZE - 2;
    PROGRAM(LI(RV_T0, edge), rv_lh(RV_T1, 0, RV_T0), rv_lw(RV_T2, 0, RV_T0), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT);
    cr_assert_eq(r.fault_addr, edge);
    cr_assert_eq(cpu.pc, CODE + 12, "the halfword fit, the word did not");
}

Test(rv32, store_straddling_into_unmapped_page_writes_nothing)
{
    uint32_t edge = DATA + DATA_PAGES * PAGE_SIZE - 2;
    PROGRAM(LI(RV_T0, edge), rv_addi(RV_T1, RV_ZERO, -1), rv_sw(RV_T1, 0, RV_T0), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_STORE_FAULT);
    cr_assert_eq(r.fault_addr, edge);
    cr_assert_eq(get_word(edge - 2), 0u);
}

Test(rv32, store_to_read_only_faults)
{
    put_word(RODATA, 0x55u);
    PROGRAM(LI(RV_T0, RODATA), rv_lw(RV_T1, 0, RV_T0), rv_sw(RV_T1, 4, RV_T0), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_STORE_FAULT);
    cr_assert_eq(r.fault_addr, RODATA + 4);
    cr_assert_eq(cpu.x[RV_T1], 0x55u);
    cr_assert_eq(get_word(RODATA + 4), 0u);
}

Test(rv32, store_to_text_faults)
{
    PROGRAM(LI(RV_T0, CODE), rv_sb(RV_ZERO, 12, RV_T0), rv_ecall(), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_STORE_FAULT);
    cr_assert_eq(r.fault_addr, CODE + 12);
}

Test(rv32, load_needs_read_permission)
{
    cr_assert_eq(vm_map(&vm, &k, UNMAPPED, PAGE_SIZE, VM_PERM_X), 0);
    cr_assert_eq(vm_map(&vm, &k, UNMAPPED + PAGE_SIZE, PAGE_SIZE, VM_PERM_W), 0);
    PROGRAM(LI(RV_T0, UNMAPPED), rv_lw(RV_T1, 0, RV_T0), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT, "execute-only page");
    cpu = (struct rv_cpu){.pc = CODE};
    PROGRAM(LI(RV_T0, UNMAPPED + PAGE_SIZE), rv_sw(RV_T0, 0, RV_T0), rv_lw(RV_T1, 0, RV_T0), rv_ecall());
    r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT, "write-only page");
    cr_assert_eq(cpu.pc, CODE + 12);
}

Test(rv32, fetch_needs_execute_permission)
{
    put_word(DATA, rv_ecall());
    PROGRAM(LI(RV_T0, DATA), rv_jalr(RV_RA, RV_T0, 0));
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_FETCH_FAULT);
    cr_assert_eq(r.fault_addr, DATA);
    cr_assert_eq(cpu.pc, DATA);
    cr_assert_eq(r.executed, 3u, "the jump itself retired");
    cr_assert_eq(cpu.x[RV_RA], CODE + 12);
}

Test(rv32, fetch_from_unmapped_start)
{
    const uint32_t pcs[] = {0, UNMAPPED, RODATA, ABI_USER_TOP, 0xfffffffcu};
    for (unsigned i = 0; i < sizeof pcs / sizeof pcs[0]; i++) {
        cpu = (struct rv_cpu){.pc = pcs[i]};
        struct rv_result r = rv_run(&cpu, &vm, 100);
        cr_assert_eq(r.stop, RV_STOP_FETCH_FAULT, "pc %#x", pcs[i]);
        cr_assert_eq(r.executed, 0u);
        cr_assert_eq(r.fault_addr, pcs[i]);
        cr_assert_eq(cpu.pc, pcs[i]);
    }
}

Test(rv32, running_off_the_end_of_text_faults)
{
    const uint32_t tail[] = {rv_addi(RV_T0, RV_ZERO, 1), rv_addi(RV_T0, RV_T0, 1)};
    put_code(CODE + CODE_PAGES * PAGE_SIZE - 8, tail, 2);
    cpu.pc = CODE + CODE_PAGES * PAGE_SIZE - 8;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_FETCH_FAULT);
    cr_assert_eq(r.executed, 2u);
    cr_assert_eq(cpu.pc, CODE + CODE_PAGES * PAGE_SIZE);
    cr_assert_eq(cpu.x[RV_T0], 2u);
}

Test(rv32, misaligned_start_pc)
{
    cpu.pc = CODE + 2;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(r.executed, 0u);
    cr_assert_eq(cpu.pc, CODE + 2);
}

/* ---- System, fences, illegal encodings ---- */

Test(rv32, ecall_advances_pc_and_counts)
{
    PROGRAM(rv_addi(RV_A7, RV_ZERO, 42), rv_ecall(), rv_addi(RV_A0, RV_ZERO, 1), rv_ecall());
    run_to_ecall(2);
    cr_assert_eq(cpu.pc, CODE + 8);
    cr_assert_eq(cpu.x[RV_A7], 42u);
    run_to_ecall(2);
    cr_assert_eq(cpu.x[RV_A0], 1u);
}

Test(rv32, ebreak_stops_before_retiring)
{
    PROGRAM(rv_nop(), rv_ebreak(), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_EBREAK);
    cr_assert_eq(r.executed, 1u);
    cr_assert_eq(cpu.pc, CODE + 4);
}

Test(rv32, fences_are_no_ops)
{
    PROGRAM(rv_fence(), rv_fence_i(), 0x8330000fu /* fence.tso */,
            rv_enc_i(0x123, RV_T1, 1, RV_T0, 0x0f) /* fence.i, reserved fields set: ignored */,
            rv_ecall());
    run_to_ecall(5);
}

Test(rv32, illegal_encodings)
{
    const uint32_t bad[] = {
        0x00000000u,                           /* all zero */
        0xffffffffu,                           /* all ones */
        0x00000001u,                           /* compressed c.nop (low bits 01) */
        0x4501u | (0x4501u << 16),             /* compressed pair */
        0x00000002u,                           /* compressed quadrant 2 */
        rv_csrrw(RV_T0, 0x300, RV_T1),         /* CSR access */
        rv_csrrs(RV_T0, 0xc00, RV_ZERO),       /* rdcycle */
        0x30200073u,                           /* mret */
        0x10500073u,                           /* wfi */
        0x00100073u | (1u << 7),               /* ebreak with rd != 0 */
        0x00000073u | (1u << 15),              /* ecall with rs1 != 0 */
        rv_enc_r(0x01, 3, RV_T1, 1, RV_T0, 0x13), /* slli with shamt[5] set */
        rv_enc_r(0x02, 3, RV_T1, 1, RV_T0, 0x13), /* slli, bad funct7 */
        rv_enc_r(0x21, 3, RV_T1, 5, RV_T0, 0x13), /* srai with shamt[5] set */
        rv_enc_r(0x40, 3, RV_T1, 5, RV_T0, 0x13), /* srli/srai, bad funct7 */
        rv_enc_r(0x02, RV_T2, RV_T1, 0, RV_T0, 0x33), /* OP, bad funct7 */
        rv_enc_r(0x20, RV_T2, RV_T1, 1, RV_T0, 0x33), /* funct7 0x20 only for sub/sra */
        rv_enc_r(0x20, RV_T2, RV_T1, 7, RV_T0, 0x33),
        rv_enc_i(0, RV_T1, 3, RV_T0, 0x03),    /* ld (RV64) */
        rv_enc_i(0, RV_T1, 6, RV_T0, 0x03),    /* lwu (RV64) */
        rv_enc_i(0, RV_T1, 7, RV_T0, 0x03),
        rv_enc_s(0, RV_T2, RV_T1, 3, 0x23),    /* sd (RV64) */
        rv_enc_s(0, RV_T2, RV_T1, 4, 0x23),
        rv_enc_b(8, RV_T2, RV_T1, 2),          /* branch funct3 2 */
        rv_enc_b(8, RV_T2, RV_T1, 3),
        rv_enc_i(0, RV_T1, 1, RV_T0, 0x67),    /* jalr funct3 1 */
        rv_enc_i(0, RV_T1, 2, RV_ZERO, 0x0f),  /* MISC-MEM funct3 2 */
        0x0000001bu,                           /* OP-IMM-32 (RV64) */
        0x00000007u,                           /* FLW (no F) */
        0x0000002fu,                           /* AMO (no A) */
        0x0000003fu,                           /* a 64-bit encoding */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cpu = (struct rv_cpu){.pc = CODE};
        cpu.x[RV_T0] = 77;
        PROGRAM(rv_nop(), bad[i], rv_ecall());
        struct rv_result r = rv_run(&cpu, &vm, 100);
        cr_assert_eq(r.stop, RV_STOP_ILLEGAL, "word %#010x stopped with %d", bad[i], r.stop);
        cr_assert_eq(r.executed, 1u);
        cr_assert_eq(cpu.pc, CODE + 4);
        cr_assert_eq(cpu.x[RV_T0], 77u);
    }
}

/* ---- Self-modifying code (writable and executable pages) ---- */

Test(rv32, stores_to_code_take_effect)
{
    cr_assert_eq(vm_map(&vm, &k, CODE, PAGE_SIZE, VM_PERM_W), 0);
    PROGRAM(rv_addi(RV_T2, RV_ZERO, 2),                  /* 0: loop count */
            LI(RV_T0, rv_addi(RV_T1, RV_T1, 10)),        /* 4, 8: the patch */
            LI(RV_T3, CODE + 20),                        /* 12, 16 */
            rv_addi(RV_T1, RV_T1, 1),                    /* 20: loop; patched */
            rv_sw(RV_T0, 0, RV_T3),                      /* 24 */
            rv_addi(RV_T2, RV_T2, -1),                   /* 28 */
            rv_bne(RV_T2, RV_ZERO, -12),                 /* 32: to 20 */
            rv_ecall());                                 /* 36 */
    run_to_ecall(14);
    cr_assert_eq(cpu.x[RV_T1], 11u, "the old instruction, then the patched one");
}

Test(rv32, rewriting_code_between_runs)
{
    PROGRAM(rv_addi(RV_T0, RV_ZERO, 1), rv_ecall());
    run_to_ecall(2);
    cr_assert_eq(cpu.x[RV_T0], 1u);
    PROGRAM(rv_addi(RV_T0, RV_ZERO, 5), rv_ecall());
    cpu.pc = CODE;
    run_to_ecall(2);
    cr_assert_eq(cpu.x[RV_T0], 5u);
}

Test(rv32, copy_out_into_code_takes_effect)
{
    cr_assert_eq(vm_map(&vm, &k, CODE, PAGE_SIZE, VM_PERM_W), 0);
    PROGRAM(rv_addi(RV_T0, RV_ZERO, 1), rv_ecall());
    run_to_ecall(2);
    uint32_t w = rv_addi(RV_T0, RV_ZERO, 9);
    uint8_t b[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
    cr_assert_eq(vm_copy_out(&vm, CODE, b, 4), 0, "as a system call would, e.g. RECV into code");
    cpu.pc = CODE;
    run_to_ecall(2);
    cr_assert_eq(cpu.x[RV_T0], 9u);
}

Test(rv32, code_page_made_executable_later)
{
    /* Data written first, then the page gains X (vm.c moves it into a
     * bigger allocation): the contents survive and run. */
    const uint32_t prog[] = {rv_addi(RV_T0, RV_ZERO, 3), rv_ecall()};
    put_code(DATA, prog, 2);
    cr_assert_eq(vm_map(&vm, &k, DATA, 8, VM_PERM_X), 0);
    cpu.pc = DATA;
    run_to_ecall(2);
    cr_assert_eq(cpu.x[RV_T0], 3u);
}

/* ---- The budget ---- */

/* A loop with calls, loads and stores that ends in ECALL: 1 + 200 * 8 + 1. */
static void put_busy_program(void)
{
    PROGRAM(rv_addi(RV_S2, RV_ZERO, 200),         /* 0 */
            rv_addi(RV_S2, RV_S2, -1),            /* 4: loop */
            rv_jal(RV_RA, 28),                    /* 8: call 36 */
            rv_lw(RV_T1, 0, RV_T0),               /* 12 */
            rv_add(RV_T1, RV_T1, RV_S2),          /* 16 */
            rv_sw(RV_T1, 0, RV_T0),               /* 20 */
            rv_bne(RV_S2, RV_ZERO, -20),          /* 24: to 4 */
            rv_ecall(),                           /* 28 */
            rv_nop(),                             /* 32 */
            rv_mul(RV_T2, RV_S2, RV_S2),          /* 36 */
            rv_ret());                            /* 40 */
    cpu.x[RV_T0] = DATA + 64;
}
#define BUSY_INSNS (1u + 200u * 8u + 1u)

Test(rv32, budget_stops_exactly_and_resumes)
{
    put_busy_program();
    struct rv_result r = rv_run(&cpu, &vm, 5);
    cr_assert_eq(r.stop, RV_STOP_BUDGET);
    cr_assert_eq(r.executed, 5u);
    cr_assert_eq(cpu.pc, CODE + 12, "addi, addi, jal, mul, ret: the lw is next");
    uint32_t total = 5;
    for (;;) {
        r = rv_run(&cpu, &vm, 7);
        total += r.executed;
        if (r.stop == RV_STOP_ECALL)
            break;
        cr_assert_eq(r.stop, RV_STOP_BUDGET);
        cr_assert_eq(r.executed, 7u);
    }
    cr_assert_eq(total, BUSY_INSNS);
    cr_assert_eq(get_word(DATA + 64), 199u * 200u / 2u);
}

Test(rv32, zero_budget_does_nothing)
{
    put_busy_program();
    struct rv_result r = rv_run(&cpu, &vm, 0);
    cr_assert_eq(r.stop, RV_STOP_BUDGET);
    cr_assert_eq(r.executed, 0u);
    cr_assert_eq(cpu.pc, CODE);
    cr_assert_eq(cpu.x[RV_S2], 0u);
}

/* Single-stepping, odd budgets and one long run end in the same state
 * after the same number of instructions. */
Test(rv32, any_budget_split_gives_the_same_run)
{
    put_busy_program();
    struct rv_cpu start = cpu;
    run_to_ecall(BUSY_INSNS);
    struct rv_cpu whole = cpu;
    uint32_t state = 12345;
    for (int pass = 0; pass < 3; pass++) {
        cpu = start;
        cr_assert_eq(vm_write_image(&vm, DATA + 64, "\0\0\0\0", 4), 0);
        uint32_t total = 0;
        for (;;) {
            state ^= state << 13, state ^= state >> 17, state ^= state << 5;
            uint32_t budget = pass == 0 ? 1 : pass == 1 ? state % 40 : state % 3000;
            struct rv_result r = rv_run(&cpu, &vm, budget);
            cr_assert_leq(r.executed, budget);
            total += r.executed;
            if (r.stop == RV_STOP_ECALL)
                break;
            cr_assert_eq(r.stop, RV_STOP_BUDGET);
            cr_assert_eq(r.executed, budget);
        }
        cr_assert_eq(total, BUSY_INSNS, "pass %d", pass);
        cr_assert_eq(memcmp(&cpu, &whole, sizeof cpu), 0, "pass %d", pass);
    }
}

/* The budget ends inside a tight loop on a page with room to spare, and
 * right at a page's end. */
Test(rv32, budget_ends_near_page_end)
{
    uint32_t at = CODE + PAGE_SIZE - 12;
    const uint32_t tail[] = {rv_addi(RV_T0, RV_T0, 1), rv_addi(RV_T0, RV_T0, 1), rv_addi(RV_T0, RV_T0, 1)};
    const uint32_t head[] = {rv_addi(RV_T0, RV_T0, 1), rv_ecall()};
    put_code(at, tail, 3);
    put_code(CODE + PAGE_SIZE, head, 2);
    for (uint32_t b = 0; b <= 5; b++) {
        cpu = (struct rv_cpu){.pc = at};
        struct rv_result r = rv_run(&cpu, &vm, b);
        uint32_t ran = b < 5 ? b : 5;
        cr_assert_eq(r.executed, ran);
        cr_assert_eq(r.stop, b < 5 ? RV_STOP_BUDGET : RV_STOP_ECALL);
        cr_assert_eq(cpu.x[RV_T0], ran < 4 ? ran : 4);
        cr_assert_eq(cpu.pc, at + 4 * ran);
    }
}

/* Nested loops, with a forward branch: a budget of any size stops after
 * exactly that many instructions, in the state single-stepping reaches.
 * After a backward jump in the last page of budget the mark waits past the
 * loop and is moved on to L only when straight-line code reaches it; this
 * checks that every turn of the loops still stops where it must. */
Test(rv32, every_budget_inside_nested_loops_stops_exactly)
{
    PROGRAM(rv_addi(RV_S0, RV_ZERO, 0),
            rv_addi(RV_T0, RV_ZERO, 7),    /* outer: */
            rv_addi(RV_S1, RV_S1, 3),      /* inner: */
            rv_addi(RV_T0, RV_T0, -1),
            rv_bne(RV_T0, RV_ZERO, -8),    /* to inner */
            rv_andi(RV_T1, RV_S0, 1),
            rv_beq(RV_T1, RV_ZERO, 8),     /* to skip on even turns */
            rv_addi(RV_S2, RV_S2, 1),
            rv_addi(RV_S0, RV_S0, 1),      /* skip: */
            rv_addi(RV_T2, RV_ZERO, 40),
            rv_blt(RV_S0, RV_T2, -36),     /* to outer */
            rv_ecall());
    const uint32_t total = 1 + 40 * 27 + 20 + 1;
    struct rv_cpu start = cpu, stepped = cpu;
    for (uint32_t b = 1; b < total; b++) {
        struct rv_result r = rv_run(&stepped, &vm, 1);
        cr_assert_eq(r.stop, RV_STOP_BUDGET);
        cpu = start;
        r = rv_run(&cpu, &vm, b);
        cr_assert_eq(r.stop, RV_STOP_BUDGET, "budget %u", b);
        cr_assert_eq(r.executed, b);
        cr_assert_eq(memcmp(&cpu, &stepped, sizeof cpu), 0, "budget %u: pc %#x, stepped %#x", b, cpu.pc,
                     stepped.pc);
    }
    cpu = start;
    run_to_ecall(total);
    cr_assert_eq(cpu.x[RV_S2], 20u);
}

Test(rv32, large_budget)
{
    put_busy_program();
    struct rv_result r = rv_run(&cpu, &vm, UINT32_MAX);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, BUSY_INSNS);
}

Test(rv32, fault_counts_only_retired_instructions)
{
    PROGRAM(rv_nop(), rv_nop(), rv_nop(), LI(RV_T0, UNMAPPED), rv_sw(RV_T0, 0, RV_T0));
    for (uint32_t b = 5; b <= 7; b++) {
        cpu = (struct rv_cpu){.pc = CODE};
        struct rv_result r = rv_run(&cpu, &vm, b);
        cr_assert_eq(r.executed, 5u);
        cr_assert_eq(r.stop, b == 5 ? RV_STOP_BUDGET : RV_STOP_STORE_FAULT);
        cr_assert_eq(cpu.pc, CODE + 20);
    }
}

/* The decode cache is per address space and survives between runs; a
 * second address space with different code at the same addresses is not
 * confused with the first. */
Test(rv32, two_address_spaces)
{
    struct vm other;
    cr_assert_eq(vm_init(&other, &k), 0);
    cr_assert_eq(vm_map(&other, &k, CODE, PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    const uint32_t a[] = {rv_addi(RV_T0, RV_ZERO, 1), rv_ecall()};
    const uint32_t b[] = {rv_addi(RV_T0, RV_ZERO, 2), rv_ecall()};
    put_code(CODE, a, 2);
    uint8_t bytes[8];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
            bytes[4 * i + j] = (uint8_t)(b[i] >> (8 * j));
    cr_assert_eq(vm_write_image(&other, CODE, bytes, 8), 0);
    for (int round = 0; round < 2; round++) {
        struct rv_cpu c1 = {.pc = CODE}, c2 = {.pc = CODE};
        cr_assert_eq(rv_run(&c1, &vm, 10).stop, RV_STOP_ECALL);
        cr_assert_eq(rv_run(&c2, &other, 10).stop, RV_STOP_ECALL);
        cr_assert_eq(c1.x[RV_T0], 1u);
        cr_assert_eq(c2.x[RV_T0], 2u);
    }
    vm_destroy(&other, &k);
}

/* ---- The TLB kept from one run to the next ---- */

/* Two runs of the same accesses through base register t0: the first fills
 * both TLBs with DATA's page, and whatever a test does to that page
 * between the runs, the second must see it. */
static void program_store_load_twice(void)
{
    PROGRAM(LI(RV_T0, DATA), LI(RV_T1, 0x1234), rv_sw(RV_T1, 0, RV_T0), rv_lw(RV_T2, 0, RV_T0), rv_ecall(),
            rv_lw(RV_T3, 0, RV_T0), rv_sw(RV_T1, 4, RV_T0), rv_ecall());
    run_to_ecall(7);
}

static bool page_dirty(const uint32_t *bits, uint32_t va)
{
    uint32_t vpn = va >> PAGE_SHIFT;
    return (bits[vpn >> 5] >> (vpn & 31u) & 1u) != 0;
}

Test(rv32, a_page_unmapped_between_runs_faults)
{
    program_store_load_twice();
    vm_page_unmap(&vm, &k, DATA >> PAGE_SHIFT);
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT, "stop %d: the load went through a stale TLB entry", r.stop);
    cr_assert_eq(r.fault_addr, DATA);
    cr_assert_eq(r.executed, 0u);
    cr_assert_eq(cpu.pc, CODE + 7 * 4);
}

Test(rv32, a_page_made_read_only_between_runs_refuses_stores)
{
    program_store_load_twice();
    cr_assert_eq(vm_page_set(&vm, &k, DATA >> PAGE_SHIFT, VM_PERM_R, NULL), 0);
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_STORE_FAULT, "stop %d: the store went through a stale TLB entry", r.stop);
    cr_assert_eq(r.fault_addr, DATA + 4);
    cr_assert_eq(r.executed, 1u);
    cr_assert_eq(cpu.x[RV_T3], 0x1234u, "the load still reads the page");
}

/* Another page is mapped first, so that DATA's old host page, if it is
 * handed out again, goes there rather than back to DATA. */
Test(rv32, a_page_remapped_between_runs_is_the_new_page)
{
    program_store_load_twice();
    vm_page_unmap(&vm, &k, DATA >> PAGE_SHIFT);
    cr_assert_eq(vm_map(&vm, &k, UNMAPPED, PAGE_SIZE, VM_PERM_R | VM_PERM_W), 0);
    cr_assert_eq(vm_map(&vm, &k, DATA, PAGE_SIZE, VM_PERM_R | VM_PERM_W), 0);
    run_to_ecall(3);
    cr_assert_eq(cpu.x[RV_T3], 0u, "read the old page");
    cr_assert_eq(get_word(DATA + 4), 0x1234u, "wrote the old page");
}

/* The interpreter marks a page dirty only when its store TLB misses, so
 * taking the bits must make the next store to the page miss again. */
Test(rv32, a_store_after_the_dirty_bits_are_taken_marks_again)
{
    uint32_t taken[VM_DIRTY_WORDS];
    cr_assert_eq(vm_dirty_start(&vm, &k), 0);
    program_store_load_twice();
    vm_dirty_take(&vm, taken);
    cr_assert(page_dirty(taken, DATA));
    run_to_ecall(3);
    vm_dirty_take(&vm, taken);
    cr_assert(page_dirty(taken, DATA), "a store after the bits were taken left its page clean");
    cr_assert_not(page_dirty(taken, RODATA));
    vm_dirty_stop(&vm, &k);
}

Test(rv32, a_store_after_tracking_starts_marks_its_page)
{
    uint32_t taken[VM_DIRTY_WORDS];
    program_store_load_twice();
    cr_assert_eq(vm_dirty_start(&vm, &k), 0);
    run_to_ecall(3);
    vm_dirty_take(&vm, taken);
    cr_assert(page_dirty(taken, DATA), "a store after tracking started left its page clean");
    vm_dirty_stop(&vm, &k);
}
