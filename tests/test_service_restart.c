/*
 * test_service_restart.c - the kernel servers (a home's console, the load
 * balancer) fail only with their node and serve again as soon as it has
 * restarted; their clients see retries and a new incarnation, never an
 * error (docs/architecture.md, "Crashes and restarts").
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/balance.h"
#include "core/kernel_priv.h"
#include "core/proc.h"
#include "kernel_harness.h"

static struct harness h;

static void teardown(void)
{
    cr_expect_eq(harness_destroy(&h), 0, "pages leaked");
}

TestSuite(service_restart, .fini = teardown);

#define SECOND 1000000000ull
#define MS 1000000ull

/* Frames to and from node *ctx are lost until h.now_ns reaches `back_ns`. */
static uint32_t silent_node;
static uint64_t back_ns;

static bool silence(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)len;
    (void)ctx;
    bool to_it = memcmp(frame, hh->hal[silent_node].mac, 6) == 0;
    return hh->now_ns >= back_ns || (src != silent_node && !to_it);
}

static void go_silent(uint32_t node, uint64_t for_ns)
{
    silent_node = node;
    back_ns = h.now_ns + for_ns;
    h.frame_filter = silence;
}

static uint32_t spawn_worker(uint32_t node, const char *iterations)
{
    const char *argv[] = {iterations};
    int64_t pid = harness_spawn(&h, node, "worker", argv, 1);
    cr_assert_gt(pid, 0);
    return (uint32_t)pid;
}

/* Move `pid` from node `from` to node `to` and run until it is there. */
static void move(uint32_t pid, uint32_t from, uint32_t to)
{
    cr_assert_eq(kernel_migrate(h.k[from], pid, (uint16_t)to), 0);
    for (uint32_t i = 0; i < 100 && proc_find(h.k[to], pid) == NULL; i++)
        cr_assert_not(harness_run(&h, MS));
    cr_assert_not_null(proc_find(h.k[to], pid), "pid %#x arrived on node %u", pid, to);
}

static uint32_t console_lines_from(uint32_t node, const char *text)
{
    uint32_t n = 0;
    for (const char *at = h.hal[node].console; (at = strstr(at, text)) != NULL; at++)
        n++;
    return n;
}

/* The worker n0.1 runs on node 1 and prints on its home's console. The
 * home is silent for a second while the line is written: the transport
 * retries it, and it appears once the home answers again. */
Test(service_restart, output_for_a_silent_home_is_retried_until_it_answers)
{
    harness_init(&h, 2);
    uint32_t pid = spawn_worker(0, "500");
    move(pid, 0, 1);
    go_silent(0, SECOND);
    cr_assert(harness_run(&h, 2 * SECOND), "the worker finishes on node 1");
    cr_assert_lt(h.now_ns, back_ns, "it printed while its home was silent");
    cr_expect_eq(console_lines_from(0, "worker n0.1: checksum"), 0u, "nothing arrived yet");
    harness_settle(&h, 2 * SECOND);
    cr_expect_eq(console_lines_from(0, "worker n0.1: checksum"), 1u, "retried, it arrives once:\n%s",
                 h.hal[0].console);
}

/* The home restarts while its emigrant runs: the new incarnation's
 * console serves the emigrant's output as the old one did. */
Test(service_restart, a_restarted_home_serves_its_emigrants_console)
{
    harness_init(&h, 2);
    uint32_t pid = spawn_worker(0, "20000");
    move(pid, 0, 1);
    harness_restart(&h, 0, NULL);
    uint32_t consoles_before = h.hal[0].trace_counts[HAL_TRACE_CONSOLE];
    cr_assert(harness_run(&h, 5 * SECOND), "the worker finishes on node 1");
    harness_settle(&h, 100 * MS);
    cr_expect_eq(console_lines_from(0, "worker n0.1: checksum"), 1u, "%s", h.hal[0].console);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CONSOLE], consoles_before + 1u,
                 "written by the new incarnation");
}

static struct kernel_config offer_config(void)
{
    return (struct kernel_config){.balance = {.policy = HAL_BALANCE_OFFER,
                                              .period_ns = 10 * MS,
                                              .min_residency_ns = 20 * MS,
                                              .exchange_period_ns = 10 * MS}};
}

static uint32_t exits(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < h.node_count; i++)
        n += h.hal[i].trace_counts[HAL_TRACE_EXIT];
    return n;
}

/* Node 1 is down for 200 ms (silent, then restarted) while node 0 sheds
 * a hotspot. Node 0's balancer gets no answers meanwhile (moves to node 1
 * fail and their processes run on at node 0: a failed try, not a lost
 * process); node 1's new balancer takes work again once it is back. */
Test(service_restart, a_restarted_balancer_takes_work_again)
{
    struct kernel_config cfg = offer_config();
    harness_init_config(&h, 2, &cfg);
    for (uint32_t i = 0; i < 8; i++)
        spawn_worker(0, "20000");
    harness_run(&h, 40 * MS);
    uint32_t on_node0 = kernel_process_count(h.k[0]), exits_before = exits();
    go_silent(1, 200 * MS);
    harness_run(&h, 200 * MS);
    harness_restart(&h, 1, &cfg);
    uint32_t moved_before = h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL];
    cr_assert(harness_run(&h, 20 * SECOND), "every worker left ends");
    cr_expect_gt(kernel_stats(h.k[1])->migrations_in, 0u, "the new incarnation took work");
    cr_expect_gt(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], moved_before);
    cr_expect_geq(exits() - exits_before, on_node0,
                  "every worker node 0 had when node 1 fell silent finished");
    cr_expect_eq(h.hal[0].asserts + h.hal[1].asserts, 0u);
}
