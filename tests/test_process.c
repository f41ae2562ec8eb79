/*
 * test_process.c - processes that misbehave fault alone: the kernel and
 * the other processes carry on; CPU-bound work computes exactly what the
 * RV32IM spec says.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/param.h"
#include "kernel_harness.h"

static struct harness h;

static void setup(void) { harness_init(&h, 1); }
static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(process, .init = setup, .fini = teardown);

/* Run `program` (one or two arguments) beside a bystander worker and
 * expect it to end with one FAULT event of kind `expected`, while the
 * bystander finishes its work; returns the fault's address. */
static uint32_t check_program_faults(const char *program, const char *a, const char *b,
                                     enum hal_trace_fault expected)
{
    struct harness *f = &h;
    harness_destroy(f);
    harness_init(f, 1);
    cr_assert_gt(harness_spawn(f, 0, "worker", (const char *[]){"50"}, 1), 0);
    cr_assert_gt(harness_spawn(f, 0, program, (const char *[]){a, b}, b == NULL ? 1 : 2), 0);
    cr_assert(harness_run(f, 10ull * 1000 * 1000 * 1000));
    cr_expect_eq(f->hal[0].trace_counts[HAL_TRACE_FAULT], 1, "%s %s", program, a);
    cr_expect_eq(f->hal[0].last_fault.reason, expected, "%s %s: fault kind %u at %#x", program, a,
                 f->hal[0].last_fault.reason, f->hal[0].last_fault.value2);
    cr_expect_null(strstr(f->hal[0].console, "survived"), "%s", f->hal[0].console);
    cr_expect_not_null(strstr(f->hal[0].console, "worker n0.1: checksum"), "%s %s: bystander output: %s", program,
                       a, f->hal[0].console);
    return f->hal[0].last_fault.value2;
}

/* Each kind of fault ends the faulting process with the matching FAULT
 * event; returns its address. */
static uint32_t check_fault(const char *kind, enum hal_trace_fault expected)
{
    return check_program_faults("fault", kind, NULL, expected);
}

Test(process, faults_end_only_the_process)
{
    check_fault("load", HAL_FAULT_LOAD);
    check_fault("store", HAL_FAULT_STORE);
    check_fault("fetch", HAL_FAULT_FETCH);
    check_fault("illegal", HAL_FAULT_ILLEGAL_INSTRUCTION);
    check_fault("ebreak", HAL_FAULT_BREAKPOINT);
    check_fault("misaligned", HAL_FAULT_MISALIGNED);
}

/* ---- the stack: grown on demand down to its limit ---- */

#define FRAME_BYTES 512u /* more than `fault stack`'s frame of 256 bytes and its saved registers */

/* Unbounded recursion runs the stack down to its limit, 64 KiB under the
 * top, and faults as an overflow in the frame that crosses it. */
Test(process, recursion_overflows_the_stack_at_its_limit)
{
    uint32_t addr = check_fault("stack", HAL_FAULT_STACK_OVERFLOW);
    cr_expect(addr < STACK_LIMIT && addr >= STACK_LIMIT - FRAME_BYTES, "overflow at %#x, limit %#x", addr,
              STACK_LIMIT);
}

/* 70 KiB of stack, filled from the top down: the first store under the
 * limit, the one that straddles it, is the fault, as an overflow. */
Test(process, a_stack_past_its_limit_faults_at_the_limit)
{
    uint32_t addr = check_program_faults("stackuse", "70", "0", HAL_FAULT_STACK_OVERFLOW);
    cr_expect_eq(addr, STACK_LIMIT - 2u, "overflow at %#x, limit %#x", addr, STACK_LIMIT);
}

/* 60 KiB of stack, each new page first reached by a store straddling it
 * and the page above: the stack grows and the program finishes. */
Test(process, a_stack_grows_on_demand_to_60_kib)
{
    const char *out = harness_run_program(&h, "stackuse", (const char *[]){"60", "3", NULL});
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_FAULT], 0, "fault kind %u at %#x", h.hal[0].last_fault.reason,
                 h.hal[0].last_fault.value2);
    cr_expect_not_null(strstr(out, "stackuse n0.1: checksum "), "%s", out);
}

/* Stack pages count against the node's memory: a node that cannot give
 * one ends the process with an out-of-memory fault at the access. */
Test(process, a_stack_without_memory_to_grow_faults_as_out_of_memory)
{
    cr_assert_gt(harness_spawn(&h, 0, "stackuse", (const char *[]){"60", "0"}, 2), 0);
    h.hal[0].page_limit = h.hal[0].pages_in_use + 4;
    cr_assert(harness_run(&h, 10ull * 1000 * 1000 * 1000));
    h.hal[0].page_limit = 0;
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_FAULT], 1);
    cr_expect_eq(h.hal[0].last_fault.reason, HAL_FAULT_NO_MEMORY, "fault kind %u", h.hal[0].last_fault.reason);
    uint32_t addr = h.hal[0].last_fault.value2;
    cr_expect(addr >= STACK_LIMIT && addr < ABI_USER_TOP, "fault at %#x", addr);
    cr_expect_null(strstr(h.hal[0].console, "checksum"), "%s", h.hal[0].console);
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
