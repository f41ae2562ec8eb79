/*
 * cpumix_work.h - a CPU-bound benchmark mix in the classic embedded style:
 * sorting, CRC-32, matrix multiply, linked-list work and a state machine.
 * The same source is built as the RV32IM program cpumix (cpumix.c) and
 * natively for the host (bench/cpumix_native.c), so the interpreter's
 * speed can be set against native code and a wrong execution shows as a
 * different report line. Plain C: no library calls, no host state, the
 * input drawn from a fixed-seed generator.
 */
#ifndef USER_PROGRAMS_CPUMIX_WORK_H
#define USER_PROGRAMS_CPUMIX_WORK_H

#include <stdint.h>

/* One checksum per kernel, each over every round. */
struct cpumix_result {
    uint32_t sort, crc, matrix, list, state;
};

/* Run `rounds` rounds of every kernel (0 rounds: all checksums 0). */
void cpumix_run(uint32_t rounds, struct cpumix_result *out);

/* "sort 0x........ crc 0x........ matrix 0x........ list 0x........
 * state 0x........" and a NUL: the line both builds print. */
#define CPUMIX_REPORT_BYTES 96u
void cpumix_report(const struct cpumix_result *r, char out[CPUMIX_REPORT_BYTES]);

#endif
