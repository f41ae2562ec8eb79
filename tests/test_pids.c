/*
 * test_pids.c - a pid names one process for the whole run, and what
 * outlives a crash is still found and accounted for: a restarted node
 * hands out no pid an earlier incarnation may still have alive, local
 * numbers that wrap skip emigrants, a restarted home learns where its
 * emigrants are, and a parent learns of a child lost with its node.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/bytes.h"
#include "core/kernel_priv.h"
#include "core/location.h"
#include "core/migrate.h"
#include "core/migrate_priv.h"
#include "core/proc.h"
#include "core/transport.h"
#include "kernel_harness.h"
#include "run_util.h"

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(pids, .fini = teardown);

#define SECOND 1000000000ull
#define MS 1000000ull

/* Spawn `program` with the NULL-terminated arguments on `node`. */
static uint32_t spawn(uint32_t node, const char *program, const char *const *argv)
{
    uint32_t argc = 0;
    while (argv[argc] != NULL)
        argc++;
    int64_t pid = harness_spawn(&h, node, program, argv, argc);
    cr_assert_gt(pid, 0, "spawn %s on node %u: %lld", program, node, (long long)pid);
    return (uint32_t)pid;
}

static const char *pid_text(uint32_t pid, char *buf, size_t size)
{
    snprintf(buf, size, "n%u.%u", ABI_PID_NODE(pid), ABI_PID_LOCAL(pid));
    return buf;
}

/* The parent's home console says its first child ended with `status`. */
static void expect_child_exited(uint32_t parent, int32_t status)
{
    char line[64], buf[16];
    snprintf(line, sizeof line, "child %s exited with %d\n", pid_text(parent + 1, buf, sizeof buf),
             (int)status);
    cr_expect(strstr(h.hal[0].console, line) != NULL, "expected \"%s\" in:\n%s", line, h.hal[0].console);
}

/* Move `pid` from node `from` to node `to` and run until it is there. */
static void move(uint32_t pid, uint32_t from, uint32_t to)
{
    cr_assert_eq(kernel_migrate(h.k[from], pid, (uint16_t)to), 0);
    for (uint32_t i = 0; i < 100 && proc_find(h.k[to], pid) == NULL; i++)
        cr_assert_not(harness_run(&h, MS), "pid %#x ended before it arrived: %s", pid, h.hal[0].console);
    cr_assert_not_null(proc_find(h.k[to], pid), "pid %#x arrived on node %u", pid, to);
}

Test(pids, a_restarted_node_hands_out_no_pid_alive_elsewhere)
{
    harness_init(&h, 2);
    uint32_t stays = spawn(0, "sleeper", (const char *[]){"2000", NULL});
    uint32_t leaves = spawn(0, "sleeper", (const char *[]){"2000", NULL});
    move(leaves, 0, 1);
    harness_restart(&h, 0, NULL);
    for (int i = 0; i < 4; i++) {
        uint32_t fresh = spawn(0, "exitcode", (const char *[]){"0", NULL});
        cr_expect_neq(fresh, stays, "spawn %d after the restart reused n0.%u of the old incarnation", i,
                      ABI_PID_LOCAL(stays));
        cr_expect_neq(fresh, leaves, "spawn %d after the restart reused n0.%u, alive on node 1", i,
                      ABI_PID_LOCAL(leaves));
    }
    cr_assert(harness_run(&h, 5 * SECOND));
}

/* The old incarnation's child exits (status 1, after 300 ms) while the new
 * incarnation's spawner waits for its own child (status 0, after 600 ms):
 * the new parent must hear its own child. */
Test(pids, wait_after_a_restart_reports_the_new_childs_status)
{
    /* The load exchange keeps node 1 talking with node 0's incarnations. */
    struct kernel_config cfg = {.balance = {.policy = HAL_BALANCE_RANDOM}};
    harness_init_config(&h, 2, &cfg);
    uint32_t old_parent = spawn(0, "spawner", (const char *[]){"sink", "1", "1", "300", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    uint32_t old_child = old_parent + 1;
    move(old_child, 0, 1);
    harness_restart(&h, 0, &cfg);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "600", NULL});
    cr_assert(harness_run(&h, 5 * SECOND));
    expect_child_exited(parent, 0);
    cr_expect(strstr(h.hal[0].console, "exited with 1") == NULL,
              "the new parent got the old child's status:\n%s", h.hal[0].console);
}

Test(pids, wrapping_local_numbers_skip_an_emigrants_number)
{
    harness_init(&h, 2);
    uint32_t emigrant = spawn(0, "sink", (const char *[]){"1", "2000", NULL});
    uint32_t local = spawn(0, "sink", (const char *[]){"1", "2000", NULL});
    move(emigrant, 0, 1);
    h.k[0]->next_local_pid = 0xFFFE; /* two spawns from the wrap */
    uint32_t last = spawn(0, "exitcode", (const char *[]){"0", NULL});
    cr_expect_eq(ABI_PID_LOCAL(last), 0xFFFFu);
    uint32_t wrapped = spawn(0, "exitcode", (const char *[]){"0", NULL});
    cr_expect_neq(wrapped, emigrant, "the wrap reused n0.%u, alive on node 1", ABI_PID_LOCAL(emigrant));
    cr_expect_neq(wrapped, local, "the wrap reused n0.%u, alive here", ABI_PID_LOCAL(local));
    cr_expect_eq(ABI_PID_LOCAL(wrapped), 3u, "the first free number after the wrap");
    cr_assert(harness_run(&h, 5 * SECOND));
}

/* Every local number taken by an emigrant (as the LOCATION news from
 * their hosts says): a spawn fails cleanly instead of looping for ever. */
Test(pids, a_node_with_every_number_taken_cannot_spawn)
{
    harness_init(&h, 2);
    for (uint32_t local = 1; local <= 0xFFFFu; local++) {
        uint8_t news[10];
        put_be32(news, ABI_PID(0, local));
        put_be16(news + 4, 1);
        put_be32(news + 6, 1);
        location_on_message(h.k[0], 1, news, sizeof news);
    }
    const char *argv[] = {"0"};
    cr_expect_eq(harness_spawn(&h, 0, "exitcode", argv, 1), ERR_LIMIT);
    cr_expect_eq(kernel_process_count(h.k[0]), 0u);
}

Test(pids, the_counter_survives_a_restart_at_the_wrap)
{
    harness_init(&h, 2);
    uint32_t emigrant = spawn(0, "sink", (const char *[]){"1", "2000", NULL});
    move(emigrant, 0, 1);
    h.k[0]->next_local_pid = 0xFFFF;
    spawn(0, "exitcode", (const char *[]){"0", NULL}); /* n0.1 is taken: n0.2 */
    harness_restart(&h, 0, NULL);
    uint32_t fresh = spawn(0, "exitcode", (const char *[]){"0", NULL});
    cr_expect_eq(ABI_PID_LOCAL(fresh), 3u, "the new incarnation continues after n0.2");
    cr_assert(harness_run(&h, 5 * SECOND));
}

Test(pids, a_sender_reaches_a_migrated_sink_after_its_home_restarted)
{
    harness_init(&h, 3);
    uint32_t sink = spawn(0, "sink", (const char *[]){"5", NULL});
    move(sink, 0, 1);
    harness_restart(&h, 0, NULL);
    cr_assert_not(harness_run(&h, 200 * MS), "the sink waits on node 1");
    char dst[16];
    spawn(2, "sender", (const char *[]){pid_text(sink, dst, sizeof dst), "5", "64", NULL});
    cr_expect(harness_run(&h, 10 * SECOND), "sink and sender finish");
    harness_settle(&h, 100 * MS);
    cr_expect(strstr(h.hal[2].console, "no such process") == NULL, "sender:\n%s", h.hal[2].console);
    cr_expect(strstr(h.hal[0].console, "sink: 5 messages in order\n") != NULL, "sink's home console:\n%s",
              h.hal[0].console);
}

/* The parent's node is the child's home: it suspects the child lost when
 * node 1 restarts, and says so once news of a later move had time to
 * arrive (LOCATION_VERDICT_NS, 12.5 s; test_handover_lost has the news). */
Test(pids, a_parent_learns_a_child_lost_with_its_node)
{
    harness_init(&h, 2);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "5000", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    move(parent + 1, 0, 1);
    harness_restart(&h, 1, NULL);
    cr_assert_not(harness_run(&h, LOCATION_VERDICT_NS - SECOND), "the parent waits for the verdict");
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
    cr_expect(harness_run(&h, 2 * SECOND), "the parent stops waiting");
    expect_child_exited(parent, ABI_STATUS_LOST);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 1u);
}

/* Node 1 is cut off until `heal_ns`. */
static bool partition(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)len;
    const uint64_t *heal_ns = ctx;
    bool to_node1 = memcmp(frame, hh->hal[1].mac, 6) == 0;
    return hh->now_ns >= *heal_ns || (src != 1 && !to_node1);
}

/* Cut node 1 off from now for `ns`. */
static void cut_off_node_1(uint64_t ns)
{
    static uint64_t heal_ns;
    heal_ns = h.now_ns + ns;
    h.frame_filter = partition;
    h.filter_ctx = &heal_ns;
}

/* Declared dead after the transport's retries, the child is only
 * suspected: the partition heals before it is followed, and its exit
 * reaches its parent as any exit does. */
Test(pids, a_child_on_a_node_cut_off_for_a_while_is_not_lost)
{
    /* The load exchange is the traffic that finds the silence. */
    struct kernel_config cfg = {.balance = {.policy = HAL_BALANCE_RANDOM}};
    harness_init_config(&h, 2, &cfg);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "15000", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    move(parent + 1, 0, 1);
    cut_off_node_1(12 * SECOND);
    cr_assert(harness_run(&h, 30 * SECOND), "parent and child both end");
    cr_expect(h.hal[0].trace_counts[HAL_TRACE_PEER_RESET] > 0, "node 1 was declared dead");
    expect_child_exited(parent, 0);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
}

Test(pids, a_program_cannot_pass_for_a_lost_child)
{
    harness_init(&h, 1);
    spawn(0, "spawner", (const char *[]){"exitcode", "1", "-2147483648", NULL});
    cr_assert(harness_run(&h, SECOND));
    cr_expect(strstr(h.hal[0].console, "child n0.2 exited with -2147483647\n") != NULL, "%s", h.hal[0].console);
}

/* ---- whole runs: the simulator's own process table ---- */

#define RUNS NIMBUS_BINARY_DIR "/test-pids"

/* The sink n0.1 moves to node 1; node 0 restarts and spawns again; a
 * sender on node 2 then writes to n0.1. (The sleeper keeps the run going
 * while the sink's last line travels to its home's console.) */
Test(pids, a_run_with_a_restarted_home_keeps_pids_and_reaches_the_emigrant)
{
    (void)system("mkdir -p " RUNS);
    FILE *f = fopen(RUNS "/restart.json", "w");
    cr_assert_not_null(f);
    fputs("{\"nodes\": [{}, {}, {}], \"events\": [\n"
          " {\"at\": \"0ms\", \"spawn\": {\"node\": 0, \"program\": \"sink\", \"args\": [\"5\"]}},\n"
          " {\"at\": \"5ms\", \"migrate\": {\"pid\": \"n0.1\", \"to\": 1}},\n"
          " {\"at\": \"50ms\", \"crash\": {\"node\": 0}},\n"
          " {\"at\": \"60ms\", \"restart\": {\"node\": 0}},\n"
          " {\"at\": \"70ms\", \"spawn\": {\"node\": 0, \"program\": \"exitcode\", \"args\": [\"0\"]}},\n"
          " {\"at\": \"80ms\", \"spawn\": {\"node\": 2, \"program\": \"sender\", \"args\": [\"n0.1\", \"5\", "
          "\"64\"]}},\n"
          " {\"at\": \"80ms\", \"spawn\": {\"node\": 2, \"program\": \"sleeper\", \"args\": [\"300\"]}}\n"
          "]}\n",
          f);
    fclose(f);
    cr_expect_eq(run_nimbus("run " RUNS "/restart.json --out " RUNS "/restart --quiet > " RUNS "/restart.log 2>&1"),
                 0);
    char *log = read_file(RUNS "/restart.log", NULL);
    cr_expect(log != NULL && strstr(log, "spawned a second time") == NULL, "%s", log);
    free(log);
    cr_expect(console_contains(RUNS "/restart", "sink: 5 messages in order"));
    cr_expect_not(console_contains(RUNS "/restart", "no such process"));
    cr_expect_eq(count_trace_events(RUNS "/restart", "spawn", "pid", "n0.2"), 1, "the new incarnation's first pid");
}

/* Nobody talks to node 1 (no balancing, no messages), yet its crash is
 * found: the parent's node probes where its child runs, declares node 1
 * dead within the suspicion timeout and a probe period or two, follows
 * the child LOCATION_VERDICT_NS later, and node 1 staying silent for
 * LOCATION_QUERY_NS, it is lost. */
Test(pids, a_child_on_a_silent_node_that_crashes_is_reported_lost, .timeout = 60)
{
    harness_init(&h, 2);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "60000", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    move(parent + 1, 0, 1);
    cr_assert_not(harness_run(&h, 100 * MS), "the child sleeps on node 1");
    cut_off_node_1(UINT64_MAX - h.now_ns); /* gone for good */
    harness_run(&h, TRANSPORT_SUSPECT_TIMEOUT_NS + LOCATION_VERDICT_NS + LOCATION_QUERY_NS - SECOND);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 0u, "not before it was followed");
    harness_run(&h, 4 * LIVENESS_PROBE_PERIOD_NS);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 1u, "lost within a few probe periods more");
    expect_child_exited(parent, ABI_STATUS_LOST);
}

/* A restart that no node of the parent saw (it had no session with the
 * child's home then) shows only as a new boot epoch of the home. The
 * parent's node keeps the epoch of the child's birth and, finding the
 * home booted since, follows the child: here the child is gone from its
 * home without a word (as in a restart), so it is lost; with the child
 * still there, nothing is said. */
static uint32_t parent_on_2_with_child_at_home(void)
{
    harness_init(&h, 3);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "60000", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    move(parent, 0, 1);
    move(parent, 1, 2);
    cr_assert_not(harness_run(&h, 2 * LIVENESS_PROBE_PERIOD_NS), "node 2 probes the child's home");
    cr_assert_neq(transport_peer_epoch(h.k[2], 0), 0u, "node 2 knows node 0's epoch");
    proc_find(h.k[2], parent)->children[0].home_epoch ^= 1u; /* born under another boot of node 0 */
    return parent;
}

Test(pids, a_child_at_a_home_booted_since_its_birth_is_followed_and_lost_when_gone)
{
    uint32_t parent = parent_on_2_with_child_at_home();
    proc_discard(h.k[0], proc_find(h.k[0], parent + 1));
    cr_assert_not(harness_run(&h, LOCATION_VERDICT_NS - SECOND), "followed only after the verdict wait");
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
    cr_expect(harness_run(&h, 3 * LIVENESS_PROBE_PERIOD_NS), "the parent stops waiting");
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_CHILD_LOST], 1u);
    expect_child_exited(parent, ABI_STATUS_LOST);
}

Test(pids, a_child_at_a_home_booted_since_its_birth_that_is_still_there_is_not_lost, .timeout = 60)
{
    uint32_t parent = parent_on_2_with_child_at_home();
    cr_assert(harness_run(&h, 70 * SECOND), "parent and child end");
    cr_expect_eq(h.hal[2].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
    expect_child_exited(parent, 0);
}

/* The child's exit notice is queued for the parent's node 1 while node 1
 * is cut off; the session is declared dead and drops it. Kept by the
 * child's node, it is sent again and reaches the parent when node 1 is
 * back: the parent learns the real status, not "lost". */
Test(pids, an_exit_notice_dropped_with_a_session_reaches_the_parent_later, .timeout = 60)
{
    harness_init(&h, 2);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "1000", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    move(parent, 0, 1);
    cut_off_node_1(8 * SECOND);
    cr_assert(harness_run(&h, 40 * SECOND), "parent and child end");
    cr_expect(h.hal[0].trace_counts[HAL_TRACE_PEER_RESET] > 0, "node 1 was declared dead meanwhile");
    expect_child_exited(parent, 0);
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_CHILD_LOST], 0u);
}

/* A child's loss reported to a parent frozen for a move, after its image
 * was taken: the copy that lasts knows it, and it is traced once, there. */
static uint32_t parent_imaged_for_a_move_to_1_told_its_child_lost(void)
{
    harness_init(&h, 2);
    uint32_t parent = spawn(0, "spawner", (const char *[]){"sleeper", "1", "60000", NULL});
    cr_assert_not(harness_run(&h, 2 * MS));
    cr_assert_eq(kernel_migrate(h.k[0], parent, 1), 0);
    for (uint32_t i = 0; i < 100 && !migrate_image_taken(h.k[0], parent); i++)
        cr_assert_not(harness_run(&h, MS / 10));
    cr_assert(migrate_image_taken(h.k[0], parent), "the parent's image is taken");
    proc_child_reported(h.k[0], proc_find(h.k[0], parent), parent + 1, ABI_STATUS_LOST, 7);
    return parent;
}

Test(pids, a_loss_told_to_a_parent_imaged_for_a_move_is_traced_once_on_its_target)
{
    uint32_t parent = parent_imaged_for_a_move_to_1_told_its_child_lost();
    for (uint32_t i = 0; i < 100 && proc_find(h.k[1], parent) == NULL; i++)
        cr_assert_not(harness_run(&h, MS));
    harness_settle(&h, 10 * MS);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 0u, "not on the copy left behind");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_CHILD_LOST], 1u);
    cr_expect_eq(h.hal[1].last_of[HAL_TRACE_CHILD_LOST].pid, parent + 1);
}

Test(pids, a_loss_told_to_a_parent_imaged_for_a_move_that_fails_is_traced_at_the_source)
{
    (void)parent_imaged_for_a_move_to_1_told_its_child_lost();
    cut_off_node_1(UINT64_MAX - h.now_ns); /* the move stalls and fails */
    harness_run(&h, 2 * MIGRATE_STALL_NS); /* thawed, told, the parent ends */
    cr_assert_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_ABORT], 1u, "the parent thawed at its source");
    cr_assert_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], 0u);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_CHILD_LOST], 1u);
    cr_expect_eq(h.hal[0].last_of[HAL_TRACE_CHILD_LOST].value2, 7u, "on the node that told it");
}
