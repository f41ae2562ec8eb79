/*
 * test_kernel_entry.c - the kernel's entry points from a platform and
 * from the network refuse what they cannot do with their error, and leave
 * nothing behind: a boot short of memory at any step, a spawn with too
 * many or too long arguments, a pin of nobody, malformed LOCATION news.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/abi.h"
#include "core/bytes.h"
#include "core/location.h"
#include "kernel_harness.h"

#define BOOT_PAGE_LIMIT 4096u /* far more than a kernel takes to boot */

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(kernel_entry, .fini = teardown);

/* Every page limit below what a boot needs fails the boot at some step;
 * each must return NULL with every page it took given back. */
Test(kernel_entry, a_boot_short_of_memory_at_any_step_fails_and_returns_every_page)
{
    harness_init(&h, 0);
    static struct fake_hal f;
    struct kernel_config cfg = {0};
    uint32_t limit = 1;
    for (; limit < BOOT_PAGE_LIMIT; limit++) {
        fake_hal_init(&f, 0);
        f.page_limit = limit;
        struct kernel *k = kernel_create(&f.hal, &cfg);
        if (k != NULL) {
            kernel_destroy(k);
            cr_assert_eq(f.pages_in_use, 0u, "a kernel booted with %u pages leaked on destroy", limit);
            break;
        }
        cr_assert_eq(f.pages_in_use, 0u, "a boot failed at %u pages and kept %u", limit, f.pages_in_use);
    }
    cr_assert_lt(limit, BOOT_PAGE_LIMIT, "no boot succeeded");
    /* The kernel's page (which starts the heap), then the ARP cache's: the
     * boot failed at its second step too. */
    cr_expect_eq(limit, 2u);
}

Test(kernel_entry, a_spawn_with_more_than_16_arguments_is_invalid)
{
    harness_init(&h, 1);
    const char *argv[ABI_ARGS_MAX_COUNT + 1];
    for (uint32_t i = 0; i <= ABI_ARGS_MAX_COUNT; i++)
        argv[i] = "0";
    cr_expect_eq(harness_spawn(&h, 0, "exitcode", argv, ABI_ARGS_MAX_COUNT + 1), ERR_INVALID);
    cr_expect_eq(kernel_process_count(h.k[0]), 0u);
    cr_expect_eq(harness_spawn(&h, 0, "exitcode", argv, ABI_ARGS_MAX_COUNT), ABI_PID(0, 1), "16 are allowed");
}

/* The arguments with their NULs must fit ABI_ARGS_MAX_BYTES (512). */
Test(kernel_entry, a_spawn_whose_arguments_pass_512_bytes_is_invalid)
{
    harness_init(&h, 1);
    static char big[300], fits[ABI_ARGS_MAX_BYTES - 300], over[ABI_ARGS_MAX_BYTES - 300 + 1];
    memset(big, 'a', sizeof big - 1);
    memset(fits, 'b', sizeof fits - 1); /* 300 + 212 bytes with the NULs: exactly full */
    memset(over, 'c', sizeof over - 1); /* one byte more */
    const char *one_over[] = {big, over};
    cr_expect_eq(harness_spawn(&h, 0, "exitcode", one_over, 2), ERR_INVALID);
    cr_expect_eq(kernel_process_count(h.k[0]), 0u);
    const char *full[] = {big, fits};
    cr_expect_eq(harness_spawn(&h, 0, "exitcode", full, 2), ABI_PID(0, 1), "exactly 512 bytes fit");
}

Test(kernel_entry, pinning_a_pid_nobody_has_is_no_such_process)
{
    harness_init(&h, 1);
    cr_expect_eq(kernel_pin(h.k[0], ABI_PID(0, 1), true), ERR_NO_PROCESS);
    cr_expect_eq(kernel_pin(h.k[0], ABI_PID(3, 1), false), ERR_NO_PROCESS);
}

/* LOCATION news is 10 bytes about a process homed at the receiver; any
 * other is a bad frame, counted, and changes nothing. */
Test(kernel_entry, malformed_location_news_is_counted_as_bad)
{
    harness_init(&h, 2);
    uint8_t news[11];
    put_be32(news, ABI_PID(0, 1));
    put_be16(news + 4, 1);
    put_be32(news + 6, 1);
    location_on_message(h.k[0], 1, news, sizeof news); /* a byte too long */
    cr_expect_eq(kernel_stats(h.k[0])->frames_bad, 1u);
    location_on_message(h.k[0], 1, news, 9); /* a byte too short */
    cr_expect_eq(kernel_stats(h.k[0])->frames_bad, 2u);
    put_be32(news, ABI_PID(1, 1)); /* homed at node 1, not here */
    location_on_message(h.k[0], 1, news, 10);
    cr_expect_eq(kernel_stats(h.k[0])->frames_bad, 3u);
    put_be32(news, ABI_PID(0, 0)); /* the kernel's own pid */
    location_on_message(h.k[0], 1, news, 10);
    cr_expect_eq(kernel_stats(h.k[0])->frames_bad, 4u);
    const char *argv[] = {"0"};
    cr_expect_eq(harness_spawn(&h, 0, "exitcode", argv, 1), ABI_PID(0, 1), "n0.1 was never taken by the bad news");
}

/* Programs print errors by abi_error_name: every code from ERR_MIN to 0
 * has a name of its own, and anything else is "unknown error". */
Test(kernel_entry, every_error_code_has_a_name_of_its_own)
{
    harness_init(&h, 0);
    for (int err = ERR_MIN; err <= 0; err++) {
        cr_expect_str_neq(abi_error_name(err), "unknown error", "error %d has no name", err);
        for (int other = err + 1; other <= 0; other++)
            cr_expect_str_neq(abi_error_name(err), abi_error_name(other), "errors %d and %d share a name", err, other);
    }
    cr_expect_str_eq(abi_error_name(ERR_MIN - 1), "unknown error");
    cr_expect_str_eq(abi_error_name(1), "unknown error");
}
