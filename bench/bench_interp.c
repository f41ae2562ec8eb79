/*
 * bench_interp.c - how fast the RV32IM interpreter runs a CPU-bound guest.
 *
 *   bench_interp [guest_instructions]     (default 100000000)
 *
 * The guest is a hand-encoded checksum loop with a typical mix: loads and
 * stores (array and stack), a multiply, ALU work, a data-dependent branch
 * taken about half the time, and a call to a leaf function. It runs in
 * rv_run slices of DEFAULT_QUANTUM_INSNS, as the scheduler runs processes,
 * so the per-slice cost is part of the figure. Prints the instructions
 * executed, the wall time and guest MIPS; bench/interp_callgrind.sh turns
 * the same run into host instructions per guest instruction.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/bytes.h"
#include "core/kernel_priv.h"
#include "core/rv32.h"
#include "core/vm.h"
#include "tests/fake_hal.h"
#include "tests/rv_asm.h"
#include "bench_clock.h"

#define CODE_VA ABI_USER_BASE
#define DATA_VA (ABI_USER_BASE + 0x10000u)
#define STACK_TOP ABI_USER_TOP

/* Assemble the guest into code[]; returns the number of words. */
static uint32_t bench_assemble(uint32_t *code)
{
    uint32_t n = 0;
    rv_li(code + n, RV_S0, DATA_VA); n += 2;         /* s0 = array */
    code[n++] = rv_addi(RV_S1, RV_ZERO, 0);          /* s1 = i */
    code[n++] = rv_addi(RV_T0, RV_ZERO, 1);          /* t0 = acc */
    rv_li(code + n, RV_T1, 0x9e3779b9u); n += 2;     /* t1 = mix */
    /* loop: (n == 6) */
    uint32_t loop = n;
    code[n++] = rv_slli(RV_T2, RV_S1, 2);
    code[n++] = rv_add(RV_T2, RV_T2, RV_S0);
    code[n++] = rv_lw(RV_T3, 0, RV_T2);              /* a[i] */
    code[n++] = rv_mul(RV_T4, RV_T3, RV_T1);
    code[n++] = rv_add(RV_T0, RV_T0, RV_T4);
    code[n++] = rv_bge(RV_T4, RV_ZERO, 8);           /* taken about half the time */
    code[n++] = rv_sub(RV_T0, RV_T0, RV_T3);
    code[n++] = rv_sw(RV_T0, -4, RV_SP);             /* spill and reload, as compiled code does */
    code[n++] = rv_mv(RV_A0, RV_T0);
    code[n++] = rv_mv(RV_A1, RV_T1);
    uint32_t call = n++;                             /* jal ra, mix (below) */
    code[n++] = rv_mv(RV_T1, RV_A0);
    code[n++] = rv_lw(RV_T0, -4, RV_SP);
    code[n++] = rv_srli(RV_T5, RV_T0, 7);
    code[n++] = rv_add(RV_T3, RV_T3, RV_T5);
    code[n++] = rv_sw(RV_T3, 0, RV_T2);              /* a[i] += acc >> 7 */
    code[n++] = rv_addi(RV_S1, RV_S1, 1);
    code[n++] = rv_andi(RV_S1, RV_S1, 255);
    code[n] = rv_jal(RV_ZERO, -4 * (int32_t)(n - loop));
    n++;
    /* mix(a0, a1): a0 = (a0 ^ a1) rotated left by 5 */
    code[call] = rv_jal(RV_RA, 4 * (int32_t)(n - call));
    code[n++] = rv_xor(RV_A0, RV_A0, RV_A1);
    code[n++] = rv_slli(RV_A1, RV_A0, 5);
    code[n++] = rv_srli(RV_A0, RV_A0, 27);
    code[n++] = rv_or(RV_A0, RV_A0, RV_A1);
    code[n++] = rv_ret();
    return n;
}

static int bench_setup(struct kernel *k, struct vm *vm, struct rv_cpu *cpu)
{
    uint32_t code[64];
    uint32_t words = bench_assemble(code);
    uint8_t image[sizeof code];
    for (uint32_t i = 0; i < words; i++)
        put_le32(image + 4 * i, code[i]);
    if (vm_init(vm, k) != 0 ||
        vm_map(vm, k, CODE_VA, 4 * words, VM_PERM_R | VM_PERM_X) != 0 ||
        vm_map(vm, k, DATA_VA, 1024, VM_PERM_R | VM_PERM_W) != 0 ||
        vm_map(vm, k, STACK_TOP - ABI_USER_STACK_BYTES, ABI_USER_STACK_BYTES, VM_PERM_R | VM_PERM_W) != 0 ||
        vm_write_image(vm, CODE_VA, image, 4 * words) != 0)
        return -1;
    *cpu = (struct rv_cpu){.pc = CODE_VA};
    cpu->x[RV_SP] = STACK_TOP - 16;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000000ull;
    struct fake_hal f;
    fake_hal_init(&f, 0);
    struct kernel k = {0};
    k.hal = f.hal;
    struct vm vm;
    struct rv_cpu cpu;
    if (bench_setup(&k, &vm, &cpu) != 0) {
        fprintf(stderr, "bench_interp: setup failed\n");
        return 1;
    }
    uint64_t done = 0;
    double start = bench_seconds(CLOCK_MONOTONIC);
    while (done < total) {
        uint64_t slice = total - done < DEFAULT_QUANTUM_INSNS ? total - done : DEFAULT_QUANTUM_INSNS;
        struct rv_result r = rv_run(&cpu, &vm, (uint32_t)slice);
        done += r.executed;
        if (r.stop != RV_STOP_BUDGET) {
            fprintf(stderr, "bench_interp: guest stopped (%d) at pc 0x%08" PRIx32 "\n", (int)r.stop, cpu.pc);
            return 1;
        }
    }
    double secs = bench_seconds(CLOCK_MONOTONIC) - start;
    printf("guest instructions: %" PRIu64 "\n", done);
    printf("seconds: %.3f\n", secs);
    printf("guest MIPS: %.1f\n", secs > 0 ? (double)done / secs / 1e6 : 0.0);
    printf("checksum: 0x%08" PRIx32 "\n", cpu.x[RV_T0] ^ cpu.x[RV_T1]);
    vm_destroy(&vm, &k);
    return f.pages_in_use == 0 ? 0 : 1;
}
