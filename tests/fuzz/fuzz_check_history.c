/*
 * fuzz_check_history.c - libFuzzer harness for the history checker
 * (checks/history.h): any bytes as a trace give findings or none, never a
 * crash, a leak or counts that disagree with each other. The seeds in
 * tests/fuzz/corpus/check_history are small histories with every anomaly.
 *
 * Build and run (from the repository root):
 *   CC=clang cmake -S . -B build-fuzz -DNIMBUS_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_check_history
 *   build-fuzz/tests/fuzz/fuzz_check_history -max_total_time=60
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks/history.h"
#include "fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in, *out;
    fuzz_trace_open(data, size, &in, &out);
    struct history_result r;
    if (history_check_trace(in, "fuzz", out, &r) != 0)
        abort(); /* a memory stream cannot fail to read */
    if (!fuzz_trace_lines_agree(data, size, r.lines) || r.committed + r.aborted > r.actions ||
        r.actions > r.lines)
        abort();
    fclose(in);
    fclose(out);
    return 0;
}
