/*
 * test_ipc.c - messages between processes on one node and on two nodes:
 * order, mailbox limits, errors the sender sees.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kernel_harness.h"

#define SECOND 1000000000ull

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(ipc, .fini = teardown);

static int64_t spawn(uint32_t node, const char *program, const char *a, const char *b, const char *c)
{
    const char *argv[] = {a, b, c};
    uint32_t argc = a == NULL ? 0 : b == NULL ? 1 : c == NULL ? 2 : 3;
    int64_t pid = harness_spawn(&h, node, program, argv, argc);
    cr_assert_gt(pid, 0, "spawn %s on node %u: %lld", program, node, (long long)pid);
    return pid;
}

Test(ipc, two_senders_one_sink_same_node)
{
    harness_init(&h, 1);
    spawn(0, "sink", "200", NULL, NULL);
    spawn(0, "sender", "n0.1", "100", "32");
    spawn(0, "sender", "n0.1", "100", "32");
    cr_assert(harness_run(&h, 60ull * 1000 * 1000 * 1000));
    cr_expect_not_null(strstr(h.hal[0].console, "sink: 200 messages in order"), "%s", h.hal[0].console);
    cr_expect_eq(kernel_stats(h.k[0])->msgs_delivered, 200);
}

/* A received message's memory goes back to the kernel: once sink and
 * sender exited, the pages in use are those before they ran (give or take
 * a slab), not the 1,000 KiB that went through the mailbox. */
Test(ipc, received_messages_are_freed)
{
    harness_init(&h, 1);
    uint32_t before = kernel_stats(h.k[0])->pages_in_use;
    spawn(0, "sink", "1000", NULL, NULL);
    spawn(0, "sender", "n0.1", "1000", "1024");
    cr_assert(harness_run(&h, 60ull * 1000 * 1000 * 1000));
    cr_expect_not_null(strstr(h.hal[0].console, "sink: 1000 messages in order"), "%s", h.hal[0].console);
    uint32_t after = kernel_stats(h.k[0])->pages_in_use;
    cr_expect_leq(after, before + 4u, "%u pages in use before, %u after", before, after);
}

Test(ipc, messages_cross_nodes_in_order)
{
    harness_init(&h, 2);
    spawn(1, "sink", "300", NULL, NULL);
    spawn(0, "sender", "n1.1", "300", "1024");
    cr_assert(harness_run(&h, 60ull * 1000 * 1000 * 1000));
    cr_expect_not_null(strstr(h.hal[1].console, "sink: 300 messages in order"), "%s", h.hal[1].console);
    cr_expect_str_eq(h.hal[0].console, "sender done\n");
}

Test(ipc, pingpong_between_nodes)
{
    harness_init(&h, 2);
    spawn(0, "pingpong", "server", "50", NULL);
    spawn(1, "pingpong", "client", "n0.1", "50");
    cr_assert(harness_run(&h, 60ull * 1000 * 1000 * 1000));
    cr_expect_str_eq(h.hal[0].console, "server: answered 50 pings\n");
    cr_expect_not_null(strstr(h.hal[1].console, "client: 50 round trips"), "%s", h.hal[1].console);
}

/* A sleeping process does not empty its mailbox: the 17th message finds
 * it full, and the sender is told (after its one second of retries),
 * whether it is local or remote. */
static void check_mailbox_full(uint32_t sender_node)
{
    harness_init(&h, 2);
    spawn(1, "sleeper", "10000", NULL, NULL);
    spawn(sender_node, "sender", "n1.1", "20", "8");
    cr_assert(harness_run(&h, 30ull * 1000 * 1000 * 1000));
    const char *out = h.hal[sender_node].console;
    for (int seq = 16; seq < 20; seq++) {
        char line[64];
        snprintf(line, sizeof line, "sender: message %d: mailbox full (-6)\n", seq);
        cr_expect_not_null(strstr(out, line), "missing \"%s\" in:\n%s", line, out);
    }
    cr_expect_null(strstr(out, "message 15:"), "%s", out);
}

Test(ipc, full_mailbox_is_reported_locally) { check_mailbox_full(1); }
Test(ipc, full_mailbox_is_reported_across_nodes) { check_mailbox_full(0); }

Test(ipc, send_to_a_missing_process_fails_on_any_node)
{
    harness_init(&h, 2);
    spawn(0, "sender", "n1.7", "1", "8");
    spawn(0, "sender", "n0.9", "1", "8");
    cr_assert(harness_run(&h, 10ull * 1000 * 1000 * 1000));
    const char *out = h.hal[0].console;
    cr_expect_eq(strstr(out, "sender: message 0: no such process (-5)") != NULL, 1, "%s", out);
    cr_expect_eq(kernel_stats(h.k[1])->msgs_dropped, 1);
}

static bool lose_everything_from_node_1(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len,
                                        void *ctx)
{
    (void)hh;
    (void)frame;
    (void)len;
    (void)ctx;
    return src != 1;
}

/* Node 1 takes the message but nothing it sends back arrives: the sink
 * holds it, so the sender must not be told "node unreachable". It learns
 * after the suspicion timeout, not at the 30 s answer timeout. */
Test(ipc, a_send_whose_answer_is_lost_has_an_unknown_outcome)
{
    harness_init(&h, 2);
    spawn(1, "sink", "2", NULL, NULL);
    spawn(0, "sender", "n1.1", "1", "8");
    cr_assert_not(harness_run(&h, SECOND));
    h.frame_filter = lose_everything_from_node_1;
    spawn(0, "sender", "n1.1", "1", "8");
    uint64_t start = h.now_ns;
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_not_null(strstr(h.hal[1].console, "sink: 2 messages in order"), "%s", h.hal[1].console);
    cr_expect_not_null(strstr(h.hal[0].console, "sender: message 0: outcome unknown (-17)"), "%s",
                       h.hal[0].console);
    cr_expect_lt(h.now_ns - start, 7 * SECOND, "told at the suspicion timeout");
}

/* The sender cannot tell a dead node from one that took the message and
 * fell silent before answering: it says so, rather than "not delivered". */
Test(ipc, send_to_a_dead_node_has_an_unknown_outcome)
{
    harness_init(&h, 1); /* node 3 does not exist: nobody answers ARP */
    spawn(0, "sender", "n3.1", "1", "8");
    cr_assert(harness_run(&h, 600ull * 1000 * 1000 * 1000));
    cr_expect_not_null(strstr(h.hal[0].console, "sender: message 0: outcome unknown (-17)"), "%s",
                       h.hal[0].console);
}
