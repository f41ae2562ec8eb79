/*
 * test_kernel_query.c - the read-only views a platform's console and
 * status display use: the process list and the peer list.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/abi.h"
#include "kernel_harness.h"

#define MS 1000000ull

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(kernel_query, .fini = teardown);

Test(kernel_query, processes_come_in_pid_order_with_their_state)
{
    harness_init(&h, 1);
    const char *nap[] = {"500"};
    const char *work[] = {"100000"};
    cr_assert_eq(harness_spawn(&h, 0, "sleeper", nap, 1), ABI_PID(0, 1));
    cr_assert_eq(harness_spawn(&h, 0, "worker", work, 1), ABI_PID(0, 2));
    cr_assert_eq(harness_spawn(&h, 0, "sleeper", nap, 1), ABI_PID(0, 3));
    harness_run(&h, 2 * MS);
    cr_assert_eq(kernel_pin(h.k[0], ABI_PID(0, 3), true), 0);

    struct kernel_proc_info info[4];
    memset(info, 0xAB, sizeof info);
    cr_assert_eq(kernel_list_processes(h.k[0], info, 4), 3);
    cr_expect_eq(info[0].pid, ABI_PID(0, 1));
    cr_expect_eq(info[1].pid, ABI_PID(0, 2));
    cr_expect_eq(info[2].pid, ABI_PID(0, 3));
    cr_expect_str_eq(info[0].name, "sleeper");
    cr_expect_str_eq(info[1].name, "worker");
    cr_expect(info[0].blocked, "the sleeper is in its sleep call");
    cr_expect(!info[1].blocked, "the worker computes");
    cr_expect(info[1].insns > 0);
    cr_expect(info[1].pages > 0);
    cr_expect(info[2].pinned && !info[0].pinned);
    cr_expect_eq(info[0].parent_pid, ABI_PID(0, 0));

    cr_expect_eq(kernel_list_processes(h.k[0], info, 2), 2, "the list stops at max");
    cr_expect_eq(info[1].pid, ABI_PID(0, 2));
}

Test(kernel_query, peers_are_the_nodes_talked_with_and_heard_from)
{
    struct kernel_config cfg = {0};
    cfg.balance.policy = HAL_BALANCE_OFFER;
    cfg.balance.exchange_period_ns = 10 * MS;
    cfg.balance.exchange_fanout = 3;
    harness_init_config(&h, 4, &cfg);
    struct kernel_peer_info peers[8];
    cr_expect_eq(kernel_list_peers(h.k[0], peers, 8), 0, "nobody heard yet");

    harness_settle(&h, 200 * MS);
    uint32_t n = kernel_list_peers(h.k[0], peers, 8);
    cr_assert_eq(n, 3, "every other node reported its load");
    for (uint32_t i = 0; i < n; i++) {
        cr_expect_eq(peers[i].node, i + 1, "in node order, never itself");
        cr_expect(peers[i].has_load);
        cr_expect(peers[i].has_session, "load reports travel on sessions");
        cr_expect_eq(peers[i].load_milli, 0, "idle nodes");
    }
    cr_expect_eq(kernel_list_peers(h.k[0], peers, 2), 2, "the list stops at max");
}
