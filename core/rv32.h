/*
 * rv32.h - the RV32IM interpreter. A process's CPU state is plain data:
 * 32 registers and a pc.
 *
 * rv_run executes instructions until the budget is used up or an
 * instruction needs the kernel: ECALL (pc already advanced past it), or a
 * fault (pc left at the faulting instruction). Faults never touch kernel
 * state: the caller decides what happens to the process.
 */
#ifndef CORE_RV32_H
#define CORE_RV32_H

#include <stdint.h>

#include "vm.h"

struct rv_cpu {
    uint32_t x[32]; /* x[0] reads as 0 */
    uint32_t pc;
};

enum rv_stop {
    RV_STOP_BUDGET,      /* budget used up; resume with another rv_run */
    RV_STOP_ECALL,       /* system call: number in a7, arguments in a0..a5 */
    RV_STOP_EBREAK,
    RV_STOP_ILLEGAL,     /* illegal or unsupported instruction */
    RV_STOP_FETCH_FAULT, /* pc not mapped executable */
    RV_STOP_LOAD_FAULT,  /* load from memory not mapped readable */
    RV_STOP_STORE_FAULT, /* store to memory not mapped writable */
    RV_STOP_MISALIGNED,  /* jump or branch target not 4-byte aligned */
};

struct rv_result {
    enum rv_stop stop;
    uint32_t executed;   /* instructions retired, including the ECALL */
    uint32_t fault_addr; /* the bad address for the fault stops */
};

struct rv_result rv_run(struct rv_cpu *cpu, struct vm *vm, uint32_t budget);

/* Register names used by the kernel. */
enum { RV_SP = 2, RV_A0 = 10, RV_A1 = 11, RV_A2 = 12, RV_A3 = 13, RV_A4 = 14, RV_A5 = 15, RV_A7 = 17 };

#endif
