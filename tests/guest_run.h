/*
 * guest_run.h - runs a built-in user program straight on the RV32IM
 * interpreter, with no kernel around it: the ELF loaded into a fresh
 * address space, the arguments laid out on the stack as the kernel lays
 * them out, and only SYS_WRITE (kept in `out`) and SYS_EXIT served. For
 * benchmarks and tests that want the interpreter's work alone; any other
 * stop is an error.
 */
#ifndef TESTS_GUEST_RUN_H
#define TESTS_GUEST_RUN_H

#include <stdint.h>

#include "core/kernel_priv.h"
#include "core/rv32.h"
#include "core/vm.h"
#include "tests/fake_hal.h"

#define GUEST_RUN_OUT_BYTES 4096u

struct guest_run {
    struct fake_hal f;
    struct kernel k;
    struct vm vm;
    struct rv_cpu cpu;
    uint64_t executed; /* guest instructions retired */
    int exit_status;
    char out[GUEST_RUN_OUT_BYTES]; /* what the program wrote, NUL-terminated */
    uint32_t out_len;
    char error[128]; /* why a call failed */
};

/* Load `program` (a user_programs[] name) with argv[0..argc-1]. 0, or -1
 * with g->error set (the address space is then already destroyed). */
int guest_run_load(struct guest_run *g, const char *program, int argc, const char *const *argv);

/* Run in rv_run slices of `slice` instructions until the program exits.
 * 0, or -1 with g->error set (an unserved stop or call). */
int guest_run_to_exit(struct guest_run *g, uint32_t slice);

/* Free the address space; 0, or -1 if a page was left behind. */
int guest_run_destroy(struct guest_run *g);

#endif
