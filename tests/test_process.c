/*
 * test_process.c - processes that misbehave fault alone: the kernel and
 * the other processes carry on; CPU-bound work computes exactly what the
 * RV32IM spec says.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "kernel_harness.h"

static struct harness h;

static void setup(void) { harness_init(&h, 1); }
static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(process, .init = setup, .fini = teardown);

/* Each kind of fault ends the faulting process with the matching FAULT
 * event, while a bystander on the same node finishes its work. */
static void check_fault(const char *kind, enum hal_trace_fault expected)
{
    struct harness *f = &h;
    harness_destroy(f);
    harness_init(f, 1);
    cr_assert_gt(harness_spawn(f, 0, "worker", (const char *[]){"50"}, 1), 0);
    cr_assert_gt(harness_spawn(f, 0, "fault", (const char *[]){kind}, 1), 0);
    cr_assert(harness_run(f, 10ull * 1000 * 1000 * 1000));
    cr_expect_eq(f->hal[0].trace_counts[HAL_TRACE_FAULT], 1, "%s", kind);
    cr_expect_eq(f->hal[0].last_fault.reason, expected, "%s: fault kind %u", kind, f->hal[0].last_fault.reason);
    cr_expect_null(strstr(f->hal[0].console, "survived"), "%s", f->hal[0].console);
    cr_expect_not_null(strstr(f->hal[0].console, "worker n0.1: checksum"), "%s: bystander output: %s", kind,
                       f->hal[0].console);
}

Test(process, faults_end_only_the_process)
{
    check_fault("load", HAL_FAULT_LOAD);
    check_fault("store", HAL_FAULT_STORE);
    check_fault("fetch", HAL_FAULT_FETCH);
    check_fault("illegal", HAL_FAULT_ILLEGAL_INSTRUCTION);
    check_fault("ebreak", HAL_FAULT_BREAKPOINT);
    check_fault("misaligned", HAL_FAULT_MISALIGNED);
    check_fault("stack", HAL_FAULT_STORE);
}

Test(process, worker_checksums_match_the_reference)
{
    /* Reference values computed by an independent RV32IM model. */
    static const struct {
        const char *iterations, *line;
    } cases[] = {
        {"0", "worker n0.1: checksum 811c9dc5 after 0 iterations\n"},
        {"1", "worker n0.2: checksum 5682c091 after 1 iterations\n"},
        {"10", "worker n0.3: checksum 53a35655 after 10 iterations\n"},
        {"1000", "worker n0.4: checksum 7e8cddc1 after 1000 iterations\n"},
    };
    for (size_t i = 0; i < 4; i++) {
        h.hal[0].console_len = 0;
        const char *argv[] = {cases[i].iterations, NULL};
        const char *out = harness_run_program(&h, "worker", argv);
        cr_assert_not_null(out);
        cr_expect_str_eq(out, cases[i].line);
    }
}

Test(process, quanta_share_the_cpu_round_robin)
{
    /* Two equal workers started together finish within one quantum of
     * each other's instruction counts: neither starves. */
    cr_assert_gt(harness_spawn(&h, 0, "worker", (const char *[]){"300"}, 1), 0);
    cr_assert_gt(harness_spawn(&h, 0, "worker", (const char *[]){"300"}, 1), 0);
    cr_assert(harness_run(&h, 100ull * 1000 * 1000 * 1000));
    const char *first = strstr(h.hal[0].console, "worker n0.1");
    const char *second = strstr(h.hal[0].console, "worker n0.2");
    cr_assert(first != NULL && second != NULL);
    cr_expect_lt(first, second, "the first to start finishes first");
}
