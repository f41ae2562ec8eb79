/*
 * test_rv32_fused.c - the interpreter's fused pairs (core/rv32_priv.h):
 * every pair gives the same registers, memory, pc and count as the two
 * instructions run one at a time; a budget that ends between the two
 * stops there; a fault in either stops at the faulting one with what came
 * before it retired; a taken branch first skips its second; and rewriting
 * the second word of a pair, by a store (its own first included) or from
 * outside, takes effect.
 */
#include <criterion/criterion.h>

#include "core/kernel_priv.h"
#include "core/rv32.h"
#include "core/rv32_priv.h"
#include "core/vm.h"
#include "tests/fake_hal.h"
#include "tests/rv_asm.h"

#define CODE ABI_USER_BASE
#define RODATA (ABI_USER_BASE + 0x8000u)
#define DATA (ABI_USER_BASE + 0x10000u)
#define SMC (ABI_USER_BASE + 0x18000u) /* read, write and execute */
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
    cr_assert_eq(vm_map(&vm, &k, CODE, PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_map(&vm, &k, RODATA, PAGE_SIZE, VM_PERM_R), 0);
    cr_assert_eq(vm_map(&vm, &k, DATA, PAGE_SIZE, VM_PERM_R | VM_PERM_W), 0);
    cr_assert_eq(vm_map(&vm, &k, SMC, PAGE_SIZE, VM_PERM_R | VM_PERM_W | VM_PERM_X), 0);
    cpu = (struct rv_cpu){.pc = CODE};
}

static void teardown(void)
{
    vm_destroy(&vm, &k);
    cr_assert_eq(f.pages_in_use, 0, "pages leaked: %u", f.pages_in_use);
}

TestSuite(rv32_fused, .init = setup, .fini = teardown);

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

static void put_code(uint32_t va, const uint32_t *words, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        put_word(va + 4 * i, words[i]);
}

#define PROGRAM_AT(va, ...)                                                                                  \
    do {                                                                                                     \
        const uint32_t prog_[] = {__VA_ARGS__};                                                              \
        put_code((va), prog_, sizeof prog_ / sizeof prog_[0]);                                               \
    } while (0)

/* The decode-cache op of the word at va (an executable page). */
static uint8_t cached_op(uint32_t va)
{
    uintptr_t pte = vm_pte(&vm, va >> PAGE_SHIFT);
    const struct rv_decoded *cache =
        (const struct rv_decoded *)((pte & ~(uintptr_t)RV_PAGE_MASK) + PAGE_SIZE);
    return cache[(va & RV_PAGE_MASK) >> 2].op;
}

static bool is_fused(uint32_t va)
{
    return cached_op(va) >= OP_FUSED_BASE;
}

/* ---- Every pair against its two instructions run one at a time ---- */

/* Each first writes t0 or memory, or branches by t1 and t2; each second
 * reads t0 where it reads anything; both leave for word 11 when they
 * jump. */
static uint32_t first_sample(uint8_t op)
{
    switch (op) {
    case OP_LI: return rv_lui(RV_T0, 0x80001);
    case OP_BEQ: return rv_beq(RV_T1, RV_T2, 12);
    case OP_BNE: return rv_bne(RV_T1, RV_T2, 12);
    case OP_BLT: return rv_blt(RV_T1, RV_T2, 12);
    case OP_BGE: return rv_bge(RV_T1, RV_T2, 12);
    case OP_BLTU: return rv_bltu(RV_T1, RV_T2, 12);
    case OP_BGEU: return rv_bgeu(RV_T1, RV_T2, 12);
    case OP_LB: return rv_lb(RV_T0, 6, RV_S0);
    case OP_SB: return rv_sb(RV_T2, 3, RV_S0);
    case OP_SW: return rv_sw(RV_T1, 8, RV_S0);
    case OP_SLTIU: return rv_sltiu(RV_T0, RV_T1, 9);
    case OP_SUB: return rv_sub(RV_T0, RV_T1, RV_T2);
    case OP_SLTU: return rv_sltu(RV_T0, RV_T1, RV_T2);
    case OP_OR: return rv_or(RV_T0, RV_T1, RV_T2);
    case OP_AND: return rv_and(RV_T0, RV_T1, RV_T2);
    case OP_MUL: return rv_mul(RV_T0, RV_T1, RV_T2);
    case OP_MULHU: return rv_mulhu(RV_T0, RV_T1, RV_T2);
    case OP_ADDI: return rv_addi(RV_T0, RV_T1, -5);
    case OP_ADD: return rv_add(RV_T0, RV_T1, RV_T2);
    case OP_XOR: return rv_xor(RV_T0, RV_T1, RV_T2);
    case OP_SLLI: return rv_slli(RV_T0, RV_T1, 7);
    case OP_SRLI: return rv_srli(RV_T0, RV_T1, 3);
    case OP_ANDI: return rv_andi(RV_T0, RV_T1, 0x5a5);
    case OP_LW: return rv_lw(RV_T0, 4, RV_S0);
    case OP_LBU: return rv_lbu(RV_T0, 7, RV_S0);
    default: cr_assert_fail("no sample first for op %u", op);
    }
    return 0;
}

static uint32_t second_sample(uint8_t op)
{
    switch (op) {
    case OP_ADDI: return rv_addi(RV_T3, RV_T0, 99);
    case OP_ADD: return rv_add(RV_T3, RV_T0, RV_T1);
    case OP_XOR: return rv_xor(RV_T3, RV_T0, RV_T2);
    case OP_SLLI: return rv_slli(RV_T3, RV_T0, 5);
    case OP_SRLI: return rv_srli(RV_T3, RV_T0, 9);
    case OP_ANDI: return rv_andi(RV_T3, RV_T0, 0x7f0);
    case OP_AND: return rv_and(RV_T3, RV_T0, RV_T1);
    case OP_LI: return rv_lui(RV_T3, 0x12345);
    case OP_LB: return rv_lb(RV_T3, 10, RV_S0);
    case OP_SLTIU: return rv_sltiu(RV_T3, RV_T0, 77);
    case OP_SUB: return rv_sub(RV_T3, RV_T0, RV_T2);
    case OP_SLTU: return rv_sltu(RV_T3, RV_T0, RV_T2);
    case OP_OR: return rv_or(RV_T3, RV_T0, RV_T1);
    case OP_MULHU: return rv_mulhu(RV_T3, RV_T0, RV_T1);
    case OP_MUL: return rv_mul(RV_T3, RV_T0, RV_T1);
    case OP_LW: return rv_lw(RV_T3, 8, RV_S0);
    case OP_LBU: return rv_lbu(RV_T3, 9, RV_S0);
    case OP_SW: return rv_sw(RV_T0, 12, RV_S0);
    case OP_SB: return rv_sb(RV_T0, 13, RV_S0);
    case OP_BEQ: return rv_beq(RV_T0, RV_T1, 8);
    case OP_BNE: return rv_bne(RV_T0, RV_T1, 8);
    case OP_BLT: return rv_blt(RV_T0, RV_T1, 8);
    case OP_BGE: return rv_bge(RV_T0, RV_T1, 8);
    case OP_BLTU: return rv_bltu(RV_T0, RV_T1, 8);
    case OP_BGEU: return rv_bgeu(RV_T0, RV_T1, 8);
    case OP_JAL: return rv_jal(RV_RA, 8);
    case OP_JALR: return rv_jalr(RV_RA, RV_S1, 0);
    case OP_JR: return rv_jalr(RV_ZERO, RV_S1, 0);
    default: cr_assert_fail("no sample second for op %u", op);
    }
    return 0;
}

#define PAIR_AT (CODE + 32u)   /* words 8 and 9 */
#define PAIR_PROGRAM_INSNS 11u /* on the path that falls through */

/* li s0, DATA; li s1, word 11; li t1, v1; li t2, v2; the pair; a marker
 * the jumps skip; ecall. */
static void put_pair_program(uint8_t first, uint8_t second, uint32_t v1, uint32_t v2)
{
    uint32_t w[12];
    rv_li(w + 0, RV_S0, DATA);
    rv_li(w + 2, RV_S1, CODE + 44u);
    rv_li(w + 4, RV_T1, v1);
    rv_li(w + 6, RV_T2, v2);
    w[8] = first_sample(first);
    w[9] = second_sample(second);
    w[10] = rv_addi(RV_A0, RV_A0, 1);
    w[11] = rv_ecall();
    put_code(CODE, w, 12);
}

/* Fresh registers and data for another run of the same code. */
static void reset_state(void)
{
    cpu = (struct rv_cpu){.pc = CODE};
    uint8_t data[16];
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(0x91u + 37u * i);
    cr_assert_eq(vm_copy_out(&vm, DATA, data, sizeof data), 0);
}

struct outcome {
    struct rv_cpu cpu;
    uint32_t executed;
    uint32_t data[4];
};

/* Run to the ECALL in slices of `slice` (0: one run), after `head`
 * instructions run on their own first when head > 0. */
static struct outcome run_pair_program(uint32_t head, uint32_t slice)
{
    struct outcome o = {0};
    reset_state();
    bool ended = false;
    if (head > 0) {
        /* A taken branch first reaches the ECALL within 10. */
        struct rv_result r = rv_run(&cpu, &vm, head);
        ended = r.stop == RV_STOP_ECALL;
        cr_assert(ended || r.stop == RV_STOP_BUDGET, "stop %d at 0x%x", r.stop, cpu.pc);
        cr_assert(ended || r.executed == head, "a budget of %u ran %u", head, r.executed);
        o.executed = r.executed;
    }
    while (!ended) {
        struct rv_result r = rv_run(&cpu, &vm, slice == 0 ? 1000u : slice);
        o.executed += r.executed;
        if (r.stop == RV_STOP_ECALL)
            break;
        cr_assert_eq(r.stop, RV_STOP_BUDGET, "stop %d at 0x%x", r.stop, cpu.pc);
    }
    o.cpu = cpu;
    for (uint32_t i = 0; i < 4; i++)
        o.data[i] = get_word(DATA + 4 * i);
    return o;
}

static void assert_same(const struct outcome *a, const struct outcome *b, const char *what, uint32_t first,
                        uint32_t second)
{
    cr_assert_eq(a->executed, b->executed, "%s, pair %u+%u: executed %u vs %u", what, first, second,
                 a->executed, b->executed);
    cr_assert_eq(a->cpu.pc, b->cpu.pc, "%s, pair %u+%u: pc", what, first, second);
    for (uint32_t r = 0; r < 32; r++)
        cr_assert_eq(a->cpu.x[r], b->cpu.x[r], "%s, pair %u+%u: x%u is 0x%x, not 0x%x", what, first, second,
                     r, a->cpu.x[r], b->cpu.x[r]);
    cr_assert_arr_eq(a->data, b->data, sizeof a->data, "%s, pair %u+%u: memory", what, first, second);
}

#define PAIR_OPS(first, second) {OP_##first, OP_##second},
static const uint8_t fused_pairs[][2] = {RV_FUSED_OPS(PAIR_OPS)};

/* Values for t1 and t2 that send the branches both ways. */
static const uint32_t values[][2] = {
    {0x80001000u, 0x80001000u}, {0x12345678u, 0x9abcdef0u}, {5u, 0u}, {0xfffffff0u, 7u}};

Test(rv32_fused, every_pair_runs_as_its_two_instructions)
{
    cr_assert_eq(sizeof fused_pairs / sizeof fused_pairs[0], (size_t)(OP_COUNT - OP_FUSED_BASE));
    for (size_t p = 0; p < sizeof fused_pairs / sizeof fused_pairs[0]; p++) {
        uint8_t first = fused_pairs[p][0], second = fused_pairs[p][1];
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            put_pair_program(first, second, values[v][0], values[v][1]);
            /* One instruction per run: the budget ends between the two
             * every time, so the pair never runs fused. */
            struct outcome alone = run_pair_program(0, 1);
            struct outcome whole = run_pair_program(0, 0);
            cr_assert_eq(cached_op(PAIR_AT), rv_fuse(first, second), "pair %u+%u not fused", first, second);
            cr_assert(is_fused(PAIR_AT));
            assert_same(&whole, &alone, "one run", first, second);
            /* Budgets ending before, inside and after the fused pair. */
            for (uint32_t head = 8; head <= 10; head++) {
                struct outcome split = run_pair_program(head, 0);
                assert_same(&split, &alone, "split run", first, second);
            }
        }
    }
}

/* ---- The pairs the issue names, by hand ---- */

Test(rv32_fused, lui_addi_builds_constants)
{
    uint32_t w[5];
    rv_li(w, RV_T0, 0x12345fffu); /* the low part is negative */
    rv_li(w + 2, RV_T1, 0x80000800u);
    w[4] = rv_ecall();
    put_code(CODE, w, 5);
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, 5);
    cr_assert_eq(cpu.x[RV_T0], 0x12345fffu);
    cr_assert_eq(cpu.x[RV_T1], 0x80000800u);
    cr_assert(is_fused(CODE) && is_fused(CODE + 8));
}

Test(rv32_fused, auipc_jalr_calls_and_links)
{
    /* call +12 as the toolchain writes it (auipc ra; jalr ra), then
     * return; the callee sets t1. */
    PROGRAM_AT(CODE, rv_auipc(RV_RA, 0), rv_jalr(RV_RA, RV_RA, 12), rv_ecall(), rv_addi(RV_T1, RV_ZERO, 7),
               rv_ret());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, 5);
    cr_assert_eq(cpu.x[RV_T1], 7u);
    cr_assert_eq(cpu.x[RV_RA], CODE + 8);
    cr_assert_eq(cpu.pc, CODE + 12);
    cr_assert(is_fused(CODE));
}

/* for (t0 = 0; t0 != 100; t0++); the loop tail ADDI+BNE is the loop. */
static void put_counting_loop(void)
{
    PROGRAM_AT(CODE, rv_addi(RV_T2, RV_ZERO, 100), rv_addi(RV_T0, RV_T0, 1), rv_bne(RV_T0, RV_T2, -4),
               rv_ecall());
}
#define LOOP_INSNS (1u + 100u * 2u + 1u)

Test(rv32_fused, loop_tail_compare_and_branch)
{
    put_counting_loop();
    struct rv_result r = rv_run(&cpu, &vm, 10000);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, LOOP_INSNS);
    cr_assert_eq(cpu.x[RV_T0], 100u);
    cr_assert_eq(cached_op(CODE + 4), rv_fuse(OP_ADDI, OP_BNE));
}

Test(rv32_fused, every_budget_in_a_fused_loop_is_exact)
{
    put_counting_loop();
    for (uint32_t budget = 1; budget < LOOP_INSNS - 1u; budget++) { /* the last ends at the ECALL */
        cpu = (struct rv_cpu){.pc = CODE};
        struct rv_result r = rv_run(&cpu, &vm, budget);
        cr_assert_eq(r.stop, RV_STOP_BUDGET, "budget %u", budget);
        cr_assert_eq(r.executed, budget);
        /* After the first instruction, each iteration is addi, bne: an
         * odd budget ends between the two. */
        uint32_t in_loop = budget - 1u, step = in_loop % 2u;
        cr_assert_eq(cpu.x[RV_T0], in_loop / 2u + step, "budget %u: t0 %u", budget, cpu.x[RV_T0]);
        cr_assert_eq(cpu.pc, CODE + 4u + 4u * step, "budget %u: pc 0x%x", budget, cpu.pc);
        r = rv_run(&cpu, &vm, 10000);
        cr_assert_eq(r.stop, RV_STOP_ECALL);
        cr_assert_eq(r.executed, LOOP_INSNS - budget);
        cr_assert_eq(cpu.x[RV_T0], 100u);
        /* The mark's split of the pair was put back. */
        cr_assert_eq(cached_op(CODE + 4), rv_fuse(OP_ADDI, OP_BNE), "budget %u", budget);
    }
}

/* ---- Faults inside a pair ---- */

Test(rv32_fused, fault_in_the_second_retires_the_first)
{
    PROGRAM_AT(CODE, rv_lui(RV_T0, UNMAPPED >> 12), rv_lw(RV_T3, 4, RV_T0), rv_ecall());
    cpu.x[RV_T3] = 0x5555u;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT);
    cr_assert_eq(r.fault_addr, UNMAPPED + 4);
    cr_assert_eq(r.executed, 1, "the LUI retired, the load did not");
    cr_assert_eq(cpu.pc, CODE + 4);
    cr_assert_eq(cpu.x[RV_T0], UNMAPPED);
    cr_assert_eq(cpu.x[RV_T3], 0x5555u);
    cr_assert_eq(cached_op(CODE), rv_fuse(OP_LI, OP_LW));
}

Test(rv32_fused, store_fault_in_the_second_writes_nothing)
{
    PROGRAM_AT(CODE, rv_addi(RV_T0, RV_T0, 8), rv_sw(RV_T1, 0, RV_T0), rv_ecall());
    cpu.x[RV_T0] = RODATA;
    cpu.x[RV_T1] = 0xabcdu;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_STORE_FAULT);
    cr_assert_eq(r.fault_addr, RODATA + 8);
    cr_assert_eq(r.executed, 1);
    cr_assert_eq(cpu.pc, CODE + 4);
    cr_assert_eq(cpu.x[RV_T0], RODATA + 8);
    cr_assert_eq(get_word(RODATA + 8), 0u);
    cr_assert(is_fused(CODE));
}

Test(rv32_fused, misaligned_jalr_in_the_second)
{
    PROGRAM_AT(CODE, rv_auipc(RV_T0, 0), rv_jalr(RV_RA, RV_T0, 2), rv_ecall());
    cpu.x[RV_RA] = 0x1234u;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_MISALIGNED);
    cr_assert_eq(r.fault_addr, CODE + 2);
    cr_assert_eq(r.executed, 1);
    cr_assert_eq(cpu.pc, CODE + 4);
    cr_assert_eq(cpu.x[RV_T0], CODE);
    cr_assert_eq(cpu.x[RV_RA], 0x1234u, "no link for a jump that did not happen");
    cr_assert(is_fused(CODE));
}

Test(rv32_fused, fault_in_the_first_retires_neither)
{
    PROGRAM_AT(CODE, rv_lw(RV_T0, 0, RV_T1), rv_addi(RV_T2, RV_T2, 1), rv_ecall());
    cpu.x[RV_T1] = UNMAPPED;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT);
    cr_assert_eq(r.executed, 0);
    cr_assert_eq(cpu.pc, CODE);
    cr_assert_eq(cpu.x[RV_T2], 0u);
    cr_assert(is_fused(CODE));
}

/* ---- Rewriting the second word of a pair ---- */

/* Run the program put at SMC, whose stores write s2 (addi t1,t1,100) at
 * s3 + 4, to its ECALL. */
static struct rv_result run_smc_program(void)
{
    cpu.pc = SMC;
    cpu.x[RV_S3] = SMC;
    cpu.x[RV_S2] = rv_addi(RV_T1, RV_T1, 100);
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    return r;
}

Test(rv32_fused, store_into_the_second_word_takes_effect)
{
    /* 0: addi t0,t0,1; 1: addi t1,t1,1 (fused); 2: bne t2,x0 -> 6;
     * 3: sw s2, 4(s3), rewriting word 1; 4: t2 = 1; 5: j 0; 6: ecall */
    PROGRAM_AT(SMC, rv_addi(RV_T0, RV_T0, 1), rv_addi(RV_T1, RV_T1, 1), rv_bne(RV_T2, RV_ZERO, 16),
               rv_sw(RV_S2, 4, RV_S3), rv_addi(RV_T2, RV_ZERO, 1), rv_jal(RV_ZERO, -20), rv_ecall());
    struct rv_result r = run_smc_program();
    cr_assert_eq(r.executed, 10);
    cr_assert_eq(cpu.x[RV_T0], 2u);
    cr_assert_eq(cpu.x[RV_T1], 101u, "the second pass ran the rewritten word");
}

Test(rv32_fused, store_first_rewriting_its_second_takes_effect)
{
    /* 0: sw s2, 4(s3) (fused with word 1), rewriting word 1; 1: addi
     * t1,t1,1; 2: ecall. The one pass runs the new word 1. */
    cr_assert_neq(rv_fuse(OP_SW, OP_ADDI), OP_SW, "the pair this test is about is fused");
    PROGRAM_AT(SMC, rv_sw(RV_S2, 4, RV_S3), rv_addi(RV_T1, RV_T1, 1), rv_ecall());
    struct rv_result r = run_smc_program();
    cr_assert_eq(r.executed, 3);
    cr_assert_eq(cpu.x[RV_T1], 100u, "the store's own second ran as rewritten");
}

Test(rv32_fused, taken_branch_first_skips_its_second)
{
    /* 0: beq t1,t2 -> 2 (fused with word 1); 1: addi t0,t0,1; 2: ecall,
     * taken once and not taken once. */
    PROGRAM_AT(CODE, rv_beq(RV_T1, RV_T2, 8), rv_addi(RV_T0, RV_T0, 1), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, 2);
    cr_assert_eq(cpu.x[RV_T0], 0u);
    cr_assert_eq(cached_op(CODE), rv_fuse(OP_BEQ, OP_ADDI));
    cr_assert(is_fused(CODE));
    cpu = (struct rv_cpu){.pc = CODE};
    cpu.x[RV_T2] = 1;
    r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, 3);
    cr_assert_eq(cpu.x[RV_T0], 1u);
}

Test(rv32_fused, copy_into_the_second_word_takes_effect)
{
    PROGRAM_AT(CODE, rv_addi(RV_T0, RV_T0, 1), rv_addi(RV_T1, RV_T1, 1), rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert(is_fused(CODE));
    put_word(CODE + 4, rv_addi(RV_T1, RV_T1, 100));
    cpu.pc = CODE;
    r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(cpu.x[RV_T0], 2u);
    cr_assert_eq(cpu.x[RV_T1], 101u);
}

Test(rv32_fused, copy_after_a_pair_keeps_the_pair_whole)
{
    /* Words 0+1 and 1+2 are both fused pairs; rewriting word 2 forgets
     * words 1 and 2, and word 0's pair still runs word 1 as it is. */
    PROGRAM_AT(CODE, rv_addi(RV_T0, RV_T0, 1), rv_addi(RV_T1, RV_T1, 1), rv_addi(RV_T2, RV_T2, 1),
               rv_ecall());
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert(is_fused(CODE) && is_fused(CODE + 4));
    put_word(CODE + 8, rv_addi(RV_T2, RV_T2, 100));
    cpu.pc = CODE;
    r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(cpu.x[RV_T0], 2u);
    cr_assert_eq(cpu.x[RV_T1], 2u, "word 1 ran twice");
    cr_assert_eq(cpu.x[RV_T2], 101u);
}

Test(rv32_fused, last_word_of_a_page_is_never_fused)
{
    /* A pair across a page boundary would need the next page's cache. */
    uint32_t last = SMC + PAGE_SIZE - 4u;
    cr_assert_eq(vm_map(&vm, &k, SMC + PAGE_SIZE, PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    put_word(last, rv_addi(RV_T0, RV_T0, 1));
    put_word(last + 4, rv_addi(RV_T0, RV_T0, 1));
    put_word(last + 8, rv_ecall());
    cpu.pc = last;
    struct rv_result r = rv_run(&cpu, &vm, 100);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, 3);
    cr_assert_eq(cpu.x[RV_T0], 2u);
    cr_assert_eq(cached_op(last), OP_ADDI);
}
