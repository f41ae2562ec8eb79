/*
 * test_transport_restart.c - rule 7 of docs/protocol.md through whole
 * kernels: a process's first message to another node is delivered, every
 * acknowledgement is lost, the receiver restarts, and the sender's resend
 * reaches the new incarnation. It must not be delivered again, and the
 * send returns ERR_OUTCOME_UNKNOWN (the old incarnation took it, which
 * the sender cannot know).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/bytes.h"
#include "core/kernel_priv.h"
#include "kernel_harness.h"

#define MS 1000000ull
#define SECOND 1000000000ull
#define CLUSTER_OFFSET_BYTES (14u + 20u + 8u) /* Ethernet, IPv4, UDP */
#define CLUSTER_MAGIC 0x434Eu

static struct harness h;

static void teardown(void)
{
    cr_expect_eq(harness_destroy(&h), 0, "pages leaked");
}

TestSuite(transport_restart, .fini = teardown);

/* Lose node 1's cluster datagrams (its acks); ARP still passes. */
static bool mute_node1(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)hh;
    bool *muted = ctx;
    bool cluster = len >= CLUSTER_OFFSET_BYTES + 2u && get_be16(frame + CLUSTER_OFFSET_BYTES) == CLUSTER_MAGIC;
    return !(*muted && src == 1 && cluster);
}

Test(transport_restart, a_resend_to_a_restarted_node_is_not_delivered_again)
{
    static bool muted = true;
    harness_init(&h, 2);
    h.frame_filter = mute_node1;
    h.filter_ctx = &muted;
    const char *sink_argv[] = {"1"};
    int64_t sink = harness_spawn(&h, 1, "sink", sink_argv, 1);
    cr_assert_gt(sink, 0);
    char dst[16];
    snprintf(dst, sizeof dst, "n%u.%u", ABI_PID_NODE((uint32_t)sink), ABI_PID_LOCAL((uint32_t)sink));
    const char *sender_argv[] = {dst, "1", "8"};
    cr_assert_gt(harness_spawn(&h, 0, "sender", sender_argv, 3), 0);
    cr_assert_not(harness_run(&h, 50 * MS), "the sender waits for an ack that never comes");
    cr_assert(strstr(h.hal[1].console, "sink: 1 messages in order\n") != NULL, "%s", h.hal[1].console);
    uint32_t delivered = h.hal[1].trace_counts[HAL_TRACE_DELIVER];
    uint32_t dropped = h.hal[1].trace_counts[HAL_TRACE_DROP];
    harness_restart(&h, 1, NULL);
    muted = false;
    cr_assert(harness_run(&h, 10 * SECOND), "the sender ends");
    cr_expect(strstr(h.hal[0].console, "sender: message 0: outcome unknown (-17)\n") != NULL, "%s",
              h.hal[0].console);
    cr_expect(strstr(h.hal[0].console, "sender done\n") != NULL, "%s", h.hal[0].console);
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_DELIVER], delivered, "the new incarnation delivered nothing");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_DROP], dropped, "nor dropped a message for the old sink");
}
