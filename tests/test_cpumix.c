/*
 * test_cpumix.c - the CPU benchmark mix (user/programs/cpumix_work.h) run
 * by the interpreter gives the checksums the same source gives compiled
 * for the host (linked into this test), and gives them however the run is
 * cut into rv_run slices: every budget boundary, fused pairs included,
 * retires the same instructions.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "tests/guest_run.h"
#include "user/programs/cpumix_work.h"

#define ROUNDS 3u

static struct guest_run g;

/* The line the program prints for `rounds`, from the host build. */
static void native_line(uint32_t rounds, char *out, size_t cap)
{
    struct cpumix_result r;
    cpumix_run(rounds, &r);
    char line[CPUMIX_REPORT_BYTES];
    cpumix_report(&r, line);
    snprintf(out, cap, "%s\n", line);
}

/* Run cpumix with `arg`, in slices of `slice`; the instructions retired. */
static uint64_t run_cpumix(const char *arg, uint32_t slice)
{
    cr_assert_eq(guest_run_load(&g, "cpumix", 1, &arg), 0, "%s", g.error);
    cr_assert_eq(guest_run_to_exit(&g, slice), 0, "%s", g.error);
    cr_assert_eq(guest_run_destroy(&g), 0, "pages leaked");
    return g.executed;
}

Test(cpumix, checksums_equal_the_native_build)
{
    char want[CPUMIX_REPORT_BYTES + 1];
    native_line(ROUNDS, want, sizeof want);
    run_cpumix("3", DEFAULT_QUANTUM_INSNS);
    cr_assert_eq(g.exit_status, 0);
    cr_assert_str_eq(g.out, want);
    /* Not a degenerate run: every kernel's checksum is set. */
    struct cpumix_result r;
    cpumix_run(ROUNDS, &r);
    cr_assert(r.sort != 0 && r.crc != 0 && r.matrix != 0 && r.list != 0 && r.state != 0);
}

Test(cpumix, any_slicing_retires_the_same_instructions)
{
    char want[CPUMIX_REPORT_BYTES + 1];
    native_line(1, want, sizeof want);
    uint64_t whole = run_cpumix("1", UINT32_MAX);
    static const uint32_t slices[] = {1, 2, 3, 7, 64, 1000};
    for (size_t i = 0; i < sizeof slices / sizeof slices[0]; i++) {
        uint64_t n = run_cpumix("1", slices[i]);
        cr_assert_eq(n, whole, "slices of %u: %lu instructions, one run: %lu", slices[i], (unsigned long)n,
                     (unsigned long)whole);
        cr_assert_str_eq(g.out, want, "slices of %u", slices[i]);
    }
}

Test(cpumix, bad_argument_is_refused)
{
    run_cpumix("three", DEFAULT_QUANTUM_INSNS);
    cr_assert_eq(g.exit_status, 2);
    cr_assert_str_eq(g.out, "usage: cpumix [rounds]\n");
}
