/*
 * fuzz_trace.h - what the harnesses that read a trace share: the fuzzer's
 * bytes as a file to read, a sink for the report, and the line count a
 * reader must agree with.
 */
#ifndef TESTS_FUZZ_FUZZ_TRACE_H
#define TESTS_FUZZ_FUZZ_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The input (not empty: fmemopen refuses that) and /dev/null. */
static inline void fuzz_trace_open(const uint8_t *data, size_t size, FILE **in, FILE **out)
{
    *in = fmemopen((void *)data, size, "r");
    *out = fopen("/dev/null", "w");
    if (*in == NULL || *out == NULL)
        abort();
}

/* Whether a reader that counted `lines` read every line of the input:
 * one a newline, and one more for text after the last newline. */
static inline int fuzz_trace_lines_agree(const uint8_t *data, size_t size, uint64_t lines)
{
    uint64_t newlines = 0;
    for (size_t i = 0; i < size; i++)
        newlines += data[i] == '\n';
    return lines >= newlines && lines <= newlines + 1;
}

#endif
