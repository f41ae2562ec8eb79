/*
 * bench_xlat.c - a built-in program run by its ahead-of-time translation
 * or by the interpreter (core/rv32_xlat.h), for comparing the two.
 *
 *   bench_xlat xlat|interp [guest_instructions]     (default 100000000)
 *
 * Runs the CPU-bound `worker` program (multiplies, divides, loads and
 * stores over a 64-word buffer) for that many guest instructions in
 * rv_run slices of DEFAULT_QUANTUM_INSNS, as the scheduler runs
 * processes. Prints the instructions executed, the wall time and guest
 * MIPS; bench/xlat_callgrind.sh turns the same run into host instructions
 * per guest instruction.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/elf.h"
#include "core/kernel_priv.h"
#include "core/rv32_xlat.h"
#include "tests/fake_hal.h"
#include "user/programs.h"
#include "user/programs_xlat.h"
#include "bench_clock.h"

#define PROGRAM "worker"
#define ARGS_VA (ABI_USER_TOP - 64u)

/* Load PROGRAM with the argument "100000000" (iterations enough for any
 * run here), its stack at the top, as the kernel would. */
static int bench_setup(struct kernel *k, struct vm *vm, struct rv_cpu *cpu, bool translated)
{
    const struct user_program *p = user_program_find(PROGRAM, sizeof PROGRAM - 1u);
    uint8_t args[64] = {0};
    put_le32(args, ARGS_VA + 16u);
    memcpy(args + 16, "100000000", 10);
    *cpu = (struct rv_cpu){0};
    if (p == NULL || vm_init(vm, k) != 0 || elf_load(vm, k, p->image, p->size, &cpu->pc) != 0 ||
        vm_map(vm, k, ABI_USER_TOP - ABI_USER_STACK_BYTES, ABI_USER_STACK_BYTES, VM_PERM_R | VM_PERM_W) != 0 ||
        vm_copy_out(vm, ARGS_VA, args, sizeof args) != 0)
        return -1;
    cpu->x[RV_SP] = ARGS_VA - 64u;
    cpu->x[RV_A0] = 1;
    cpu->x[RV_A1] = ARGS_VA;
    if (translated) {
        const struct rv_xlat_program *t = user_program_xlat_find(PROGRAM, sizeof PROGRAM - 1u);
        if (t == NULL || !rv_xlat_matches(vm, t))
            return -1;
        vm->xlat = t;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "xlat") != 0 && strcmp(argv[1], "interp") != 0)) {
        fprintf(stderr, "usage: bench_xlat xlat|interp [guest_instructions]\n");
        return 2;
    }
    bool translated = strcmp(argv[1], "xlat") == 0;
    uint64_t total = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000000ull;
    struct fake_hal f;
    fake_hal_init(&f, 0);
    struct kernel k = {0};
    k.hal = f.hal;
    struct vm vm;
    struct rv_cpu cpu;
    if (bench_setup(&k, &vm, &cpu, translated) != 0) {
        fprintf(stderr, "bench_xlat: setup failed (is NIMBUS_TRANSLATE on?)\n");
        return 1;
    }
    uint64_t done = 0, calls = 0;
    double start = bench_seconds(CLOCK_MONOTONIC);
    while (done < total) {
        uint64_t slice = total - done < DEFAULT_QUANTUM_INSNS ? total - done : DEFAULT_QUANTUM_INSNS;
        struct rv_result r = rv_run(&cpu, &vm, (uint32_t)slice);
        done += r.executed;
        if (r.stop == RV_STOP_ECALL) {
            cpu.x[RV_A0] = 0; /* the program's few calls (its printf) see success */
            calls++;
        } else if (r.stop != RV_STOP_BUDGET) {
            fprintf(stderr, "bench_xlat: guest stopped (%d) at pc 0x%08" PRIx32 "\n", (int)r.stop, cpu.pc);
            return 1;
        }
    }
    double secs = bench_seconds(CLOCK_MONOTONIC) - start;
    printf("%s: %" PRIu64 " guest instructions (%" PRIu64 " system calls) in %.3f s: %.1f MIPS\n", argv[1], done,
           calls, secs, secs > 0 ? (double)done / secs / 1e6 : 0.0);
    vm_destroy(&vm, &k);
    return 0;
}
