/*
 * fuzz_scenario.c - libFuzzer harness for the scenario loader: any bytes
 * must give either a scenario (freed here) or one line of error, never a
 * crash, a leak or an out-of-bounds read.
 *
 * Build and run (from the repository root):
 *   CC=clang cmake -S . -B build-fuzz -DNIMBUS_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_scenario
 *   mkdir -p corpus && cp scenarios/[a-z]*.json tests/scenarios/bad/[a-z]*.json corpus
 *   build-fuzz/tests/fuzz/fuzz_scenario corpus
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal-sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborting turns a broken promise into a crash the fuzzer reports. */
static void fuzz_check_error(const char *err)
{
    static const char prefix[] = "fuzz.json: ";
    if (strncmp(err, prefix, sizeof prefix - 1) != 0 || strchr(err, '\n') != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    /* libFuzzer's buffer is exactly `size` bytes with no terminator, so any
     * read past the end is caught by ASan. */
    if (scenario_parse((const char *)data, size, "fuzz.json", &s, err, sizeof err) == 0)
        scenario_free(&s);
    else
        fuzz_check_error(err);
    return 0;
}
