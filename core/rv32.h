/*
 * rv32.h - the RV32IM interpreter. A process's CPU state is plain data:
 * 32 registers and a pc.
 *
 * rv_run executes instructions until the budget is used up or an
 * instruction needs the kernel: ECALL (pc already advanced past it), or a
 * fault (pc left at the faulting instruction, which did not retire and
 * changed no register or memory). Faults never touch kernel state: the
 * caller decides what happens to the process.
 *
 * The budget is exact: a BUDGET stop has executed == budget, and running
 * a program in any number of rv_run calls gives the same result as one
 * call. x[0] is ignored on entry and 0 on return. Instructions are
 * decoded once into the cache vm.c keeps beside each executable page
 * (vm.h), so rv_run writes to that cache even when the program writes no
 * memory: one vm, one rv_run at a time.
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
    RV_STOP_EBREAK,      /* pc at the EBREAK, which did not retire */
    RV_STOP_ILLEGAL,     /* illegal or unsupported instruction (CSRs, C, F, A...) */
    RV_STOP_FETCH_FAULT, /* pc not mapped executable (a jump there retired) */
    RV_STOP_LOAD_FAULT,  /* load from memory not mapped readable */
    RV_STOP_STORE_FAULT, /* store to memory not mapped writable */
    RV_STOP_MISALIGNED,  /* taken jump or branch target (or pc) not 4-byte aligned */
};

struct rv_result {
    enum rv_stop stop;
    uint32_t executed;   /* instructions retired, including the ECALL */
    uint32_t translated; /* of which in translated code (rv32_xlat.h) */
    uint32_t fault_addr; /* FETCH: the pc; LOAD/STORE: the access address;
                            MISALIGNED: the target; otherwise 0 */
};

struct rv_result rv_run(struct rv_cpu *cpu, struct vm *vm, uint32_t budget);

/* Register names used by the kernel. */
enum { RV_SP = 2, RV_A0 = 10, RV_A1 = 11, RV_A2 = 12, RV_A3 = 13, RV_A4 = 14, RV_A5 = 15, RV_A7 = 17 };

#endif
