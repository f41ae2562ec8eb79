/*
 * test_syscall.c - every system call fed bad arguments (the sysabuse
 * program), and the calls' ordinary behaviour: time, sleep, exit status.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/abi.h"
#include "kernel_harness.h"

static struct harness h;

static void setup(void) { harness_init(&h, 1); }
static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(syscall, .init = setup, .fini = teardown);

/* Expected "<case>: <result>" lines, in order (docs/programs.md). */
static const char *const sysabuse_expected[] = {
    "syscall 99: -13", "syscall 0xffffffff: -13", "syscall SYS_COUNT: -13",
    "write null: -2", "write below base: -2", "write unmapped: -2", "write high: -2",
    "write past top: -2", "write wrap: -8", "write too long: -8", "write empty: 0",
    "spawn nonexistent: -4", "spawn name at limit: -4", "spawn name too long: -1",
    "spawn name empty: -1", "spawn name null: -2", "spawn name unmapped: -2", "spawn name wrap: -1",
    "spawn args unterminated: -1", "spawn args too long: -1", "spawn args too many: -1",
    "spawn args null: -2", "spawn args unmapped: -2", "spawn args wrap: -1",
    "wait any without children: -9", "wait self: -9", "wait non-child: -9", "wait kernel: -9",
    "send nonexistent: -5", "send null: -2", "send unmapped: -2", "send past top: -2",
    "send too big: -8", "send wrap: -8", "recv empty: -7", "recv null empty: -2", "send self: 0",
    "recv into null: -2", "recv into below base: -2", "recv into text: -2", "recv into rodata: -2",
    "recv into unmapped: -2", "recv into high: -2", "recv capacity wrap: -2",
    "recv sender into text: -2", "recv sender wrap: -2", "recv too small: -8", "recv one byte short: -8", "recv: 5",
    "recv sender is self: ok", "recv empty again: -7", "spawn echo: ok", "wait child poll: -7",
    "wait status into text: -2", "wait status unmapped: -2", "wait status wrap: -2",
    "send child: 0", "recv child reply: 2", "wait child: ok", "child status: 0",
    "wait child again: -9", "sleep 0: 0", "yield: 0", "time: ok", "getpid: ok",
    "migrate to own node: -1", "migrate to node 70000: -1", "migrate nonexistent: -5",
    "migrate outside cluster: -1", "pin: 0", "migrate pinned: -16", "unpin: 0", "sysabuse done",
};

Test(syscall, bad_arguments_get_error_codes)
{
    const char *out = harness_run_program(&h, "sysabuse", NULL);
    cr_assert_not_null(out);
    const char *at = out;
    for (size_t i = 0; i < sizeof sysabuse_expected / sizeof *sysabuse_expected; i++) {
        size_t n = strlen(sysabuse_expected[i]);
        const char *nl = strchr(at, '\n');
        cr_assert_not_null(nl, "output ended before \"%s\":\n%s", sysabuse_expected[i], out);
        cr_assert(nl - at == (ptrdiff_t)n && strncmp(at, sysabuse_expected[i], n) == 0,
                  "expected \"%s\", got \"%.*s\"", sysabuse_expected[i], (int)(nl - at), at);
        at = nl + 1;
    }
    cr_expect_str_empty(at, "unexpected extra output: %s", at);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_FAULT], 0);
}

Test(syscall, sleep_takes_simulated_time)
{
    const char *argv[] = {"250", NULL};
    const char *out = harness_run_program(&h, "sleeper", argv);
    cr_assert_not_null(out);
    unsigned ms;
    cr_assert_eq(sscanf(out, "sleeper: slept %u ms", &ms), 1, "output: %s", out);
    cr_expect(ms >= 250 && ms <= 251, "slept %u ms", ms);
}

Test(syscall, exit_status_reaches_the_parent)
{
    const char *argv[] = {"exitcode", "3", "42", NULL};
    const char *out = harness_run_program(&h, "spawner", argv);
    cr_assert_not_null(out);
    cr_expect_str_eq(out, "child n0.2 exited with 42\nchild n0.3 exited with 42\n"
                          "child n0.4 exited with 42\nspawner done\n");
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_SPAWN], 4);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_EXIT], 4);
}

Test(syscall, unknown_program_is_refused)
{
    cr_expect_eq(harness_spawn(&h, 0, "nosuchprogram", NULL, 0), ERR_NOT_FOUND);
    cr_expect_eq(harness_spawn(&h, 0, "", NULL, 0), ERR_INVALID);
    cr_expect_eq(harness_spawn(&h, 0, "a-name-that-is-longer-than-32-bytes", NULL, 0), ERR_INVALID);
    cr_expect_eq(kernel_process_count(h.k[0]), 0);
}

Test(syscall, process_table_full_is_an_error)
{
    const char *argv[] = {"1000"};
    for (int i = 0; i < 64; i++)
        cr_assert_gt(harness_spawn(&h, 0, "sleeper", argv, 1), 0);
    cr_expect_eq(harness_spawn(&h, 0, "sleeper", argv, 1), ERR_LIMIT);
}

Test(syscall, out_of_memory_is_an_error_not_a_crash)
{
    h.hal[0].page_limit = h.hal[0].pages_in_use + 5; /* less than a page table */
    cr_expect_eq(harness_spawn(&h, 0, "hello", NULL, 0), ERR_NO_MEMORY);
    h.hal[0].page_limit = 0;
    cr_expect_gt(harness_spawn(&h, 0, "hello", NULL, 0), 0);
    cr_expect(harness_run(&h, 1000000000ull));
}
