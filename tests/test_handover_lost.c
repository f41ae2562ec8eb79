/*
 * test_handover_lost.c - a move cut short at its handover by a crash of
 * either end leaves the process running nowhere; its parent is told it is
 * lost (ABI_STATUS_LOST) wherever the parent runs, also when nothing the
 * parent's node believes about the child points at the crashed node. And
 * nobody is told a process is lost that moved on before the restart,
 * however late the news of that arrives (location_suspect_lost). A
 * child that died with a node before its home heard it went there is
 * reported by the node it left.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/frame.h"
#include "core/kernel_priv.h"
#include "core/location.h"
#include "core/migrate_priv.h"
#include "core/proc.h"
#include "handover_util.h"
#include "kernel_harness.h"

static struct harness h;

static void teardown(void)
{
    cr_expect_eq(harness_destroy(&h), 0, "pages leaked");
}

TestSuite(handover_lost, .fini = teardown);

#define SECOND 1000000000ull
#define MS 1000000ull

static uint32_t spawn_parent(uint32_t node)
{
    const char *argv[] = {"sleeper", "1", "20000"};
    int64_t pid = harness_spawn(&h, node, "spawner", argv, 3);
    cr_assert_gt(pid, 0);
    cr_assert_not(harness_run(&h, 2 * MS), "the child sleeps, its parent waits");
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

static bool cut;

/* The parent's wait reports the child lost, traced on the parent's node
 * with `on`: the node the child was lost on, or the end of the move that
 * knew it ran nowhere. */
static void expect_told_lost(uint32_t parent, uint32_t parent_node, uint16_t on)
{
    cr_expect(harness_run(&h, 15 * SECOND), "the parent's wait returns");
    char line[64];
    snprintf(line, sizeof line, "child n%u.%u exited with %d\n", ABI_PID_NODE(parent + 1),
             ABI_PID_LOCAL(parent + 1), (int)ABI_STATUS_LOST);
    const char *console = h.hal[ABI_PID_NODE(parent)].console;
    cr_expect(strstr(console, line) != NULL, "expected \"%s\" in:\n%s", line, console);
    const struct fake_hal *ph = &h.hal[parent_node];
    cr_expect_eq(ph->trace_counts[HAL_TRACE_CHILD_LOST], 1u);
    cr_expect_eq(ph->last_of[HAL_TRACE_CHILD_LOST].pid, parent + 1);
    cr_expect_eq(ph->last_of[HAL_TRACE_CHILD_LOST].other_pid, parent);
    cr_expect_eq(ph->last_of[HAL_TRACE_CHILD_LOST].value2, on, "on node %u, not %u", on,
                 ph->last_of[HAL_TRACE_CHILD_LOST].value2);
}

/* The child n2.2 goes 2 -> 0 -> 1 and its parent n2.1 moves to node 3;
 * node 0 restarts after handing the child over and before node 1 heard
 * "run it". The parent's node believes the child at its home (node 2,
 * up): only node 1, which drops the copy of a restarted source, knows it
 * ran nowhere. */
Test(handover_lost, a_source_restarting_at_the_handover_loses_the_child_and_its_target_says_so)
{
    harness_init(&h, 4);
    uint32_t parent = spawn_parent(2);
    move(parent + 1, 2, 0);
    move(parent, 2, 3);
    const char *why = handover_into_the_void(&h, parent + 1, &cut);
    cr_assert_null(why, "%s", why);
    harness_restart(&h, 0, NULL);
    cut = false;
    expect_told_lost(parent, 3, 1);
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_DROP], 1u);
}

/* Three nodes: the child n2.2 of n2.1 goes 2 -> 0, then node 0 hands it
 * over to node 1, and HANDOVER DONE never reaches node 1 (while `cut`).
 * Returns the parent. */
static uint32_t hand_child_of_node_2_from_0_to_1(void)
{
    harness_init(&h, 3);
    uint32_t parent = spawn_parent(2);
    move(parent + 1, 2, 0);
    const char *why = handover_into_the_void(&h, parent + 1, &cut);
    cr_assert_null(why, "%s", why);
    return parent;
}

/* The child n2.2 goes 2 -> 0 -> 1; node 1 restarts before HANDOVER DONE
 * reached it. Only a target that installs a process tells its home, so
 * the home (node 2, with the parent) believes the child on node 0, which
 * is up: only node 0, whose handover was never acknowledged, knows the
 * child may have run nowhere; it asks the home, which knows of no later
 * move, and says so. */
Test(handover_lost, a_target_restarting_before_the_handover_loses_the_child_and_its_home_says_so)
{
    uint32_t parent = hand_child_of_node_2_from_0_to_1();
    harness_restart(&h, 1, NULL);
    cut = false; /* node 0 hears of the restart */
    expect_told_lost(parent, 2, 0);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_LOST], 1u);
    cr_expect_eq(h.hal[0].last_of[HAL_TRACE_MIGRATE_LOST].pid, parent + 1);
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_MIGRATE_LOST], 0u, "the home only answers");
}

/* The same move, node 1 only cut off (a swarm, family-8 seed 253: a
 * target paused 6.9 s): node 0 declares it unreachable with HANDOVER DONE
 * unacknowledged and gives DONE up with the rest. When node 1 is heard
 * from again, the SKIP has it drop the copy it held; node 0 followed the
 * child meanwhile, to node 1, which does not have it: lost, and the
 * parent is told. */
Test(handover_lost, a_target_cut_off_past_the_handover_loses_the_child_and_its_source_says_so)
{
    uint32_t parent = hand_child_of_node_2_from_0_to_1();
    cr_assert_not(harness_run(&h, 6 * SECOND));
    cr_assert_eq(kernel_stats(h.k[0])->peer_resets, 1u, "node 1 declared unreachable");
    cr_assert(handover_target_holds(&h, 1), "still waiting for DONE");
    cut = false;
    expect_told_lost(parent, 2, 0);
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_DROP], 1u, "dropped on the SKIP");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], 0u, "never ran there");
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_LOST], 0u, "node 1's migrate_drop says it");
}

/* While `cut`: node 2's frames to node 0 are lost. */
static bool cut_2_to_0(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)len;
    (void)ctx;
    return !(cut && src == 2 && memcmp(frame, hh->hal[0].mac, 6) == 0);
}

/* Found by a swarm (family-8 seed 391): the child n0.2 goes 0 -> 1 -> 2
 * and dies with node 2 before node 2's news of the move reached the home,
 * node 0, which believes it on node 1 (up). Node 1 forwards to node 2 and
 * sees it restarted: it follows the child it forwards there, learns the
 * parent from the home, and tells it. */
Test(handover_lost, a_child_lost_before_its_home_heard_where_it_went_is_reported_by_the_node_it_left)
{
    harness_init(&h, 3);
    uint32_t parent = spawn_parent(0);
    move(parent + 1, 0, 1);
    cut = true;
    h.frame_filter = cut_2_to_0;
    move(parent + 1, 1, 2);
    harness_restart(&h, 2, NULL);
    cut = false;
    cr_expect_eq(location_lookup(h.k[0], parent + 1), 1u, "the home believes it on node 1");
    char child[16];
    snprintf(child, sizeof child, "n0.%u", ABI_PID_LOCAL(parent + 1));
    const char *argv[] = {child, "1", "8"};
    cr_assert_gt(harness_spawn(&h, 1, "sender", argv, 3), 0); /* node 1 forwards to node 2 */
    expect_told_lost(parent, 0, 1);
}

/* Node 1's messages to node 0, held back instead of delivered while
 * `holding` (its pure ACKs pass, so node 0's sends go on): what a paused
 * node 0 would read only when it resumes. */
static struct {
    bool holding;
    uint32_t count;
    uint32_t len[16];
    uint8_t frame[16][2048];
} held;

static bool hold_1_to_0(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)ctx;
    const uint32_t pure_ack = ETH_HEADER_BYTES + IPV4_HEADER_MIN + UDP_HEADER_BYTES + CLUSTER_HEADER_BYTES;
    if (!held.holding || src != 1 || memcmp(frame, hh->hal[0].mac, 6) != 0 || len <= pure_ack)
        return true;
    cr_assert_lt(held.count, 16u, "more frames than a move's answer");
    cr_assert_leq(len, sizeof held.frame[0]);
    memcpy(held.frame[held.count], frame, len);
    held.len[held.count++] = len;
    return false;
}

/* The child n2.2 goes 2 -> 0 -> 1. Node 0 reads node 1's INSTALLED only
 * after node 1 crashed and restarted (node 0 was paused meanwhile: chatty-8
 * seed 9799 of the swarm). It hands the child over to an incarnation that
 * never held it; when the restart shows, node 0 asks the child's home,
 * which traces the child lost and tells its parent. */
Test(handover_lost, an_installed_read_after_its_target_restarted_loses_the_child_and_its_home_says_so)
{
    harness_init(&h, 3);
    uint32_t parent = spawn_parent(2);
    move(parent + 1, 2, 0);
    held.holding = true;
    h.frame_filter = hold_1_to_0;
    cr_assert_eq(kernel_migrate(h.k[0], parent + 1, 1), 0);
    for (uint32_t i = 0; i < 100 && !handover_target_holds(&h, 1); i++)
        harness_run(&h, MS / 10);
    cr_assert(handover_target_holds(&h, 1), "node 1 holds the installed copy");
    cr_assert_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE], 0u, "INSTALLED has not reached node 0");
    harness_restart(&h, 1, NULL);
    held.holding = false;
    for (uint32_t i = 0; i < held.count; i++)
        kernel_on_frame(h.k[0], held.frame[i], held.len[i]);
    cr_assert_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE], 1u, "node 0 handed the child over");
    expect_told_lost(parent, 2, 0);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_LOST], 1u);
    cr_expect_eq(h.hal[0].last_of[HAL_TRACE_MIGRATE_LOST].pid, parent + 1);
    cr_expect_eq(h.hal[0].last_of[HAL_TRACE_MIGRATE_LOST].value2, 1u, "handed over to node 1");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], 0u, "the new node 1 never ran it");
}

/* A handover that reached its target is no loss: a later restart of the
 * source says nothing about the child, which runs on and exits. */
Test(handover_lost, an_acknowledged_handover_is_not_reported_when_the_source_restarts)
{
    harness_init(&h, 3);
    uint32_t parent = spawn_parent(2);
    move(parent + 1, 2, 0);
    move(parent + 1, 0, 1);
    harness_run(&h, 10 * MS);
    harness_restart(&h, 0, NULL);
    cr_expect(harness_run(&h, 30 * SECOND), "the child and its parent end");
    cr_expect(strstr(h.hal[2].console, "child n2.2 exited with 0\n") != NULL, "%s", h.hal[2].console);
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
}

/* Node 1's frames to node 0 are lost once node 0 handed one more process
 * over than `handovers_before` (a one-way partition): its acknowledgement
 * of HANDOVER DONE among them. Node 3's frames to nodes 0 and 2 are lost
 * while `news_held`. */
static uint32_t handovers_before;
static bool news_held;

static bool cut_1_to_0_after_the_handover(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len,
                                          void *ctx)
{
    (void)len;
    bool cutting = *(const bool *)ctx && hh->hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE] > handovers_before;
    bool to_0 = memcmp(frame, hh->hal[0].mac, 6) == 0, to_2 = memcmp(frame, hh->hal[2].mac, 6) == 0;
    return !((to_0 && cutting && src == 1) || ((to_0 || to_2) && news_held && src == 3));
}

static uint32_t handovers_unacknowledged(const struct kernel *k)
{
    uint32_t n = 0;
    for (uint32_t i = 0; k->migrate != NULL && i < MIGRATE_MAX_HANDED; i++)
        n += k->migrate->handed[i].pid != 0;
    return n;
}

/* Move the child from node 0 to node 1 with node 1's acknowledgement of
 * HANDOVER DONE lost (until `cut` is cleared), so node 0 keeps the
 * handover. */
static void hand_over_0_to_1_unacknowledged(uint32_t child)
{
    cut = true;
    news_held = false;
    handovers_before = h.hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE];
    h.frame_filter = cut_1_to_0_after_the_handover;
    h.filter_ctx = &cut;
    move(child, 0, 1);
    cr_assert_eq(handovers_unacknowledged(h.k[0]), 1u, "node 0 still waits for the acknowledgement");
}

/* chatty-8 seed 3372 of the swarm: node 1 ran the child, the child moved
 * on to node 3, and only then did node 1 restart; its acknowledgement of
 * DONE never reached node 0. The home heard of the later move: the child
 * is not lost, runs on and exits, and nobody says otherwise. */
Test(handover_lost, a_target_that_ran_the_child_and_moved_it_on_before_restarting_loses_nothing)
{
    harness_init(&h, 4);
    uint32_t parent = spawn_parent(2);
    move(parent + 1, 2, 0);
    hand_over_0_to_1_unacknowledged(parent + 1);
    move(parent + 1, 1, 3);
    harness_restart(&h, 1, NULL);
    cut = false;
    cr_expect(harness_run(&h, 30 * SECOND), "the child and its parent end");
    cr_expect(strstr(h.hal[2].console, "child n2.2 exited with 0\n") != NULL, "%s", h.hal[2].console);
    for (uint32_t n = 0; n < 4; n++) {
        cr_expect_eq(h.hal[n].trace_counts[HAL_TRACE_MIGRATE_LOST], 0u, "node %u traced it lost", n);
        cr_expect_eq(h.hal[n].trace_counts[HAL_TRACE_CHILD_LOST], 0u, "node %u told a parent", n);
    }
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE], 1u, "node 0 handed it over once");
}

/* The same with the source as the home (the child n0.2 moves 0 -> 1 -> 3),
 * and node 3's news of the move held up until after node 0 saw node 1
 * restart (the partition of seed 3372): node 0 judges from its own table
 * once that news had time to arrive. */
Test(handover_lost, a_home_that_handed_over_judges_from_its_own_table_once_late_news_is_in)
{
    harness_init(&h, 4);
    uint32_t parent = spawn_parent(0);
    hand_over_0_to_1_unacknowledged(parent + 1);
    news_held = true;
    move(parent + 1, 1, 3);
    harness_restart(&h, 1, NULL);
    cut = false;
    cr_assert_not(harness_run(&h, SECOND));
    cr_assert_eq(h.hal[0].trace_counts[HAL_TRACE_PEER_RESET], 1u, "node 0 saw node 1 restart");
    news_held = false;
    cr_expect(harness_run(&h, 30 * SECOND), "the child and its parent end");
    cr_expect(strstr(h.hal[0].console, "child n0.2 exited with 0\n") != NULL, "%s", h.hal[0].console);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_LOST], 0u);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
}

/* And with no later news the home, again the source, says lost: the
 * child n0.2 is handed to node 1, which restarts before acknowledging,
 * while its parent runs on node 2 and believes it at home (node 0, up). */
Test(handover_lost, a_home_that_handed_over_to_a_restarted_target_with_no_later_news_says_lost)
{
    harness_init(&h, 3);
    uint32_t parent = spawn_parent(0);
    move(parent, 0, 2);
    hand_over_0_to_1_unacknowledged(parent + 1);
    harness_restart(&h, 1, NULL);
    cut = false;
    expect_told_lost(parent, 2, 0);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_LOST], 1u);
    cr_expect_eq(h.hal[0].last_of[HAL_TRACE_MIGRATE_LOST].value2, 1u, "lost on node 1");
}

/* The parent n0.1 runs on node 2, away from its child's home (node 0),
 * and its node believes the child on node 1 (as the answer to a send to
 * it would have taught it), and has probed node 1 since (liveness.h). */
static uint32_t parent_away_child_on_1(void)
{
    harness_init(&h, 4);
    uint32_t parent = spawn_parent(0);
    move(parent, 0, 2);
    move(parent + 1, 0, 1);
    cut = false;
    h.frame_filter = cut_1_to_0_after_the_handover;
    h.filter_ctx = &cut;
    location_learn(h.k[2], parent + 1, 1, 1);
    cr_assert_not(harness_run(&h, 2 * LIVENESS_PROBE_PERIOD_NS));
    cr_assert_eq(location_lookup(h.k[2], parent + 1), 1u, "the parent's node believes the child on node 1");
    return parent;
}

/* The child moves on to node 3 just before node 1 restarts, the news held
 * up on its way to the parent's node and the child's home: the parent's
 * node asks the home once the news had time to arrive, and the child,
 * which runs on, is not reported lost. */
Test(handover_lost, a_parent_away_from_home_is_not_told_lost_a_child_that_moved_on)
{
    uint32_t parent = parent_away_child_on_1();
    news_held = true;
    move(parent + 1, 1, 3);
    harness_restart(&h, 1, NULL);
    cr_assert_not(harness_run(&h, SECOND));
    cr_assert_eq(location_lookup(h.k[2], parent + 1), 1u, "still believed on node 1");
    news_held = false;
    cr_expect(harness_run(&h, 30 * SECOND), "the child and its parent end");
    cr_expect(strstr(h.hal[0].console, "child n0.2 exited with 0\n") != NULL, "%s", h.hal[0].console);
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
}

/* The child was on node 1 when it restarted: lost, said by its home. */
Test(handover_lost, a_parent_away_from_home_is_told_a_child_lost_by_the_home)
{
    uint32_t parent = parent_away_child_on_1();
    harness_restart(&h, 1, NULL);
    cr_assert_not(harness_run(&h, LOCATION_VERDICT_NS - SECOND), "the parent waits for the verdict");
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
    expect_told_lost(parent, 2, 0);
}

/* The child never left its home, node 0, which restarts: the new
 * incarnation knows nothing of it, and says lost. */
Test(handover_lost, a_child_lost_with_its_restarted_home_is_reported_by_the_new_home)
{
    harness_init(&h, 3);
    uint32_t parent = spawn_parent(0);
    move(parent, 0, 2);
    harness_restart(&h, 0, NULL);
    expect_told_lost(parent, 2, 0);
}
