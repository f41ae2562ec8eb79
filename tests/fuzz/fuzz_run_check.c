/*
 * fuzz_run_check.c - libFuzzer harness for the run checks (checks/
 * run_check.h): any bytes as a trace give violations or none, never a
 * crash, a leak or a count that disagrees with the lines read. Inputs
 * that are real traces (tests/fuzz/corpus, or any run's trace.jsonl)
 * make it explore the state machine.
 *
 * Build and run (from the repository root):
 *   CC=clang cmake -S . -B build-fuzz -DNIMBUS_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_run_check
 *   build-fuzz/tests/fuzz/fuzz_run_check -max_total_time=60
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks/run_check.h"
#include "fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in, *out;
    fuzz_trace_open(data, size, &in, &out);
    struct run_check_result r;
    if (run_check_trace(in, "fuzz", out, &r) != 0)
        abort(); /* a memory stream cannot fail to read */
    if (!fuzz_trace_lines_agree(data, size, r.lines) || (r.end[0] == '\0' && r.violations == 0))
        abort();
    fclose(in);
    fclose(out);
    return 0;
}
