/*
 * fuzz_elf.c - libFuzzer harness for the ELF loader and the interpreter:
 * every input is a program image. It is loaded into a fresh address space
 * of a test kernel; if it loads, a stack is mapped as the kernel would and
 * the program runs for a bounded budget, system calls answered with 0.
 * Any result is fine except a crash, an error code elf_load may not
 * return, a budget overrun, or a page not given back at the end.
 *
 * Build and run (from the repository root):
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *     tests/fuzz/fuzz_elf.c core/elf.c core/vm.c core/rv32.c core/rv32_decode.c \
 *     core/rv32_mem.c core/kalloc.c \
 *     tests/fake_hal.c <the user programs, or a stub> -o fuzz_elf
 *   mkdir -p corpus   # seed it with the user programs' .elf files from the build
 *   ./fuzz_elf corpus
 * (or configure with CC=clang -DNIMBUS_FUZZ=ON and build fuzz_elf).
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/elf.h"
#include "core/kernel_priv.h"
#include "core/rv32.h"
#include "core/vm.h"
#include "tests/fake_hal.h"

#define FUZZ_PAGE_LIMIT 256u /* so huge segments fail fast with ERR_NO_MEMORY */
#define FUZZ_BUDGET 100000u  /* guest instructions per input */
#define FUZZ_SLICE 997u      /* odd slices exercise budget stops */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_hal fuzz_hal; /* large: keep it off the stack */

/* Run until a fault or the budget is spent, resuming after every ECALL
 * and budget stop as the scheduler would. */
static void fuzz_run(struct vm *vm, uint32_t entry)
{
    struct rv_cpu cpu = {.pc = entry};
    cpu.x[RV_SP] = ABI_USER_TOP - 16;
    uint32_t used = 0;
    while (used < FUZZ_BUDGET) {
        struct rv_result r = rv_run(&cpu, vm, FUZZ_SLICE);
        if (r.executed > FUZZ_SLICE || cpu.x[0] != 0)
            abort();
        used += r.executed;
        if (r.stop == RV_STOP_ECALL)
            cpu.x[RV_A0] = 0;
        else if (r.stop != RV_STOP_BUDGET)
            return;
        else if (r.executed != FUZZ_SLICE)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX)
        return 0;
    fake_hal_init(&fuzz_hal, 1);
    fuzz_hal.page_limit = FUZZ_PAGE_LIMIT;
    struct kernel k = {0};
    k.hal = fuzz_hal.hal;
    struct vm vm;
    if (vm_init(&vm, &k) != 0)
        abort();
    uint32_t entry = 0;
    int err = elf_load(&vm, &k, data, (uint32_t)size, &entry);
    if (err == 0) {
        if (vm_map(&vm, &k, ABI_USER_TOP - ABI_USER_STACK_BYTES, ABI_USER_STACK_BYTES,
                   VM_PERM_R | VM_PERM_W) == 0)
            fuzz_run(&vm, entry);
    } else if (err != ERR_BAD_IMAGE && err != ERR_NO_MEMORY) {
        abort();
    }
    vm_destroy(&vm, &k);
    if (fuzz_hal.pages_in_use != 0)
        abort();
    return 0;
}
