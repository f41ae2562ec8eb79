/*
 * test_migrate.c - moving running processes between nodes, end to end,
 * in both modes (stop-and-copy and pre-copy): a CPU-bound worker moved
 * a hundred times computes what it computes unmoved; messages to a
 * moving sink all arrive once and in order, also over a lossy network
 * with senders on both ends of the moves; a process that moves itself, a
 * sleeping one, a parent whose children exit while it moves, one with a
 * large working set; and the failures: a corrupted image, a target with
 * no room or no memory, a partition, a target that restarts, a source
 * that crashes, a pinned process, a process in a remote send, hostile
 * migration messages. No page leaks in any of them.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "core/bytes.h"
#include "core/crc32.h"
#include "core/frame.h"
#include "core/ipc.h"
#include "core/kernel_priv.h"
#include "core/migrate.h"
#include "core/migrate_priv.h"
#include "core/proc.h"
#include "core/transport.h"
#include "handover_util.h"
#include "kernel_harness.h"

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(migrate, .fini = teardown);

#define SECOND 1000000000ull
#define MS 1000000ull

static void boot(uint32_t nodes, uint8_t mode)
{
    struct kernel_config cfg = {.migrate_mode = mode};
    harness_init_config(&h, nodes, &cfg);
}

static uint32_t spawn(uint32_t node, const char *program, const char *a, const char *b, const char *c)
{
    const char *argv[] = {a, b, c};
    uint32_t argc = a == NULL ? 0 : b == NULL ? 1 : c == NULL ? 2 : 3;
    int64_t pid = harness_spawn(&h, node, program, argv, argc);
    cr_assert_gt(pid, 0, "spawn %s on node %u: %lld", program, node, (long long)pid);
    return (uint32_t)pid;
}

/* The node pid runs on (the lowest, in the instant both hold it), or -1. */
static int node_of(uint32_t pid)
{
    for (uint32_t i = 0; i < h.node_count; i++)
        if (proc_find(h.k[i], pid) != NULL)
            return (int)i;
    return -1;
}

static uint32_t sum_stat(size_t offset)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < h.node_count; i++)
        sum += *(const uint32_t *)((const char *)kernel_stats(h.k[i]) + offset);
    return sum;
}
#define SUM(field) sum_stat(offsetof(struct kernel_stats, field))

static uint32_t traced(uint16_t type)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < h.node_count; i++)
        n += h.hal[i].trace_counts[type];
    return n;
}

/* Run in steps of step_ns; before each, ask to move pid from where it is
 * to the next node of ring[] (the move may still be busy). Stops when
 * every process exited or limit_ns passed; returns the moves started. */
static uint32_t run_moving(uint32_t pid, const uint32_t *ring, uint32_t ring_len, uint64_t step_ns,
                           uint64_t limit_ns)
{
    uint32_t started = 0;
    for (uint64_t t = 0; t < limit_ns; t += step_ns) {
        int at = node_of(pid);
        for (uint32_t i = 0; at >= 0 && i < ring_len; i++) {
            if (ring[i] != (uint32_t)at)
                continue;
            int err = kernel_migrate(h.k[at], pid, (uint16_t)ring[(i + 1) % ring_len]);
            cr_assert(err == 0 || err == ERR_BUSY, "kernel_migrate: %d", err);
            started += err == 0;
            break;
        }
        if (harness_run(&h, step_ns))
            break;
    }
    return started;
}

/* What `program` prints on node 0 when nothing moves it. */
static void run_unmoved(const char *program, const char *a, const char *b, const char *c, char *out, size_t cap)
{
    boot(1, MIGRATE_STOP_AND_COPY);
    spawn(0, program, a, b, c);
    cr_assert(harness_run(&h, 120 * SECOND));
    cr_assert_lt(strlen(h.hal[0].console), cap);
    memcpy(out, h.hal[0].console, strlen(h.hal[0].console) + 1);
    cr_assert_eq(harness_destroy(&h), 0);
}

static void expect_no_aborts(void)
{
    cr_expect_eq(SUM(migrations_aborted), 0u);
    cr_expect_eq(traced(HAL_TRACE_MIGRATE_ABORT), 0u);
}

/* ---- moving working processes ---- */

static void check_worker_moved_100_times(uint8_t mode)
{
    char expected[256];
    run_unmoved("worker", "20000", NULL, NULL, expected, sizeof expected);
    cr_assert_not_null(strstr(expected, "checksum"), "%s", expected);

    boot(2, mode);
    uint32_t pid = spawn(0, "worker", "20000", NULL, NULL);
    uint32_t ring[] = {0, 1};
    uint32_t started = run_moving(pid, ring, 2, MS, 120 * SECOND);
    cr_assert(harness_run(&h, 10 * SECOND));
    cr_expect_str_eq(h.hal[0].console, expected, "the worker's output on its home console");
    cr_expect_geq(started, 100u);
    cr_expect_eq(SUM(migrations_out), started);
    cr_expect_eq(SUM(migrations_in), started);
    cr_expect_eq(traced(HAL_TRACE_MIGRATE_DONE), started);
    cr_expect_eq(traced(HAL_TRACE_MIGRATE_INSTALL), started);
    expect_no_aborts();
}

Test(migrate, worker_moved_100_times_stop_and_copy)
{
    check_worker_moved_100_times(MIGRATE_STOP_AND_COPY);
}

Test(migrate, worker_moved_100_times_pre_copy)
{
    check_worker_moved_100_times(MIGRATE_PRE_COPY);
    cr_expect_geq(traced(HAL_TRACE_MIGRATE_ROUND), 100u, "a round per move at least");
}

static void check_sink_moves(uint8_t mode, uint64_t step_ns)
{
    boot(3, mode);
    uint32_t sink = spawn(1, "sink", "6000", NULL, NULL);
    spawn(0, "sender", "n1.1", "3000", "64");
    spawn(2, "sender", "n1.1", "3000", "1024");
    uint32_t ring[] = {1, 2};
    uint32_t started = run_moving(sink, ring, 2, step_ns, 120 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND), "everyone finished");
    harness_settle(&h, 100 * MS);
    cr_expect_eq(traced(HAL_TRACE_FAULT), 0u, "fault at pc %x addr %x", h.hal[1].last_fault.value,
                 h.hal[1].last_fault.value2);
    cr_expect_str_eq(h.hal[1].console, "sink: 6000 messages in order\n", "exits %u installs %u done %u aborts %u starts %u\n%s\n%s",
                     traced(HAL_TRACE_EXIT), traced(HAL_TRACE_MIGRATE_INSTALL), traced(HAL_TRACE_MIGRATE_DONE),
                     traced(HAL_TRACE_MIGRATE_ABORT), traced(HAL_TRACE_MIGRATE_START), h.hal[0].console, h.hal[2].console);
    cr_expect_str_eq(h.hal[0].console, "sender done\n");
    cr_expect_str_eq(h.hal[2].console, "sender done\n");
    cr_expect_geq(started, 20u, "%u moves in %llu ns", started, (unsigned long long)h.now_ns);
    cr_expect_eq(SUM(migrations_out), started);
    cr_expect_gt(SUM(forwarded), 0u, "messages were handed on");
    expect_no_aborts();
}

Test(migrate, messages_to_a_moving_sink_arrive_once_in_order_stop_and_copy)
{
    check_sink_moves(MIGRATE_STOP_AND_COPY, 200000);
}

Test(migrate, messages_to_a_moving_sink_arrive_once_in_order_pre_copy)
{
    check_sink_moves(MIGRATE_PRE_COPY, 200000);
}

Test(migrate, messages_to_a_sink_moved_at_every_step)
{
    /* As often as the harness lets anything happen: moves overlap with
     * every kind of message in flight; some of them land in the frozen
     * mailbox and are handed on. */
    check_sink_moves(MIGRATE_STOP_AND_COPY, 20000);
}

/* Lose about one frame in 20, from a fixed-seed generator. */
static bool lose_some(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)hh;
    (void)src;
    (void)frame;
    (void)len;
    uint64_t *s = ctx;
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (*s >> 33) % 20 != 0;
}

Test(migrate, messages_to_a_sink_moving_over_a_lossy_network)
{
    /* Retransmissions hold messages back for milliseconds, so late ones
     * reach the frozen mailbox and race the move; senders sit on both
     * ends of the moves. */
    for (uint32_t run = 0; run < 8; run++) {
        uint8_t mode = run % 2 == 0 ? MIGRATE_STOP_AND_COPY : MIGRATE_PRE_COPY;
        boot(3, mode);
        uint64_t seed = 42 + run;
        h.frame_filter = lose_some;
        h.filter_ctx = &seed;
        uint32_t sink = spawn(1, "sink", "9000", NULL, NULL);
        spawn(0, "sender", "n1.1", "3000", "64");
        spawn(1, "sender", "n1.1", "3000", "300");
        spawn(2, "sender", "n1.1", "3000", "1024");
        uint32_t ring[] = {0, 1, 2};
        uint32_t started = run_moving(sink, ring, 3, 500000, 120 * SECOND);
        cr_assert(harness_run(&h, 60 * SECOND), "mode %u: everyone finished", mode);
        harness_settle(&h, SECOND);
        cr_expect_not_null(strstr(h.hal[1].console, "sink: 9000 messages in order\n"), "mode %u: %s", mode,
                           h.hal[1].console);
        cr_expect_not_null(strstr(h.hal[1].console, "sender done\n"), "mode %u: %s", mode, h.hal[1].console);
        cr_expect_eq(strlen(h.hal[1].console), strlen("sink: 9000 messages in order\nsender done\n"));
        cr_expect_str_eq(h.hal[0].console, "sender done\n", "mode %u", mode);
        cr_expect_str_eq(h.hal[2].console, "sender done\n", "mode %u", mode);
        cr_expect_geq(started, 10u, "mode %u: %u moves in %llu ns", mode, started, (unsigned long long)h.now_ns);
        cr_expect_eq(SUM(migrations_out) + SUM(migrations_aborted), started, "mode %u", mode);
        cr_assert_eq(harness_destroy(&h), 0);
    }
    boot(1, 0);
}

Test(migrate, a_moving_sender_loses_nothing)
{
    /* The sender is refused (ERR_BUSY) while it waits for a remote send's
     * answer, and moves in between. */
    boot(3, MIGRATE_PRE_COPY);
    spawn(2, "sink", "5000", NULL, NULL);
    uint32_t sender = spawn(0, "sender", "n2.1", "5000", "100");
    uint32_t ring[] = {0, 1};
    uint32_t started = run_moving(sender, ring, 2, 100000, 120 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND));
    harness_settle(&h, 100 * MS);
    cr_expect_str_eq(h.hal[2].console, "sink: 5000 messages in order\n");
    cr_expect_str_eq(h.hal[0].console, "sender done\n");
    cr_expect_geq(started, 10u);
    expect_no_aborts();
}

Test(migrate, a_process_moves_itself)
{
    for (uint8_t mode = MIGRATE_STOP_AND_COPY; mode <= MIGRATE_PRE_COPY; mode++) {
        boot(3, mode);
        spawn(0, "hopper", "3", "30", NULL);
        cr_assert(harness_run(&h, 60 * SECOND));
        cr_expect_str_eq(h.hal[0].console, "hopper n0.1: 30 hops, now on node 0\n", "mode %u", mode);
        cr_expect_eq(SUM(migrations_out), 30u);
        expect_no_aborts();
        cr_assert_eq(harness_destroy(&h), 0);
    }
    boot(1, 0); /* for the teardown */
}

Test(migrate, a_sleeping_process_keeps_its_deadline)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "sleeper", "300", NULL, NULL);
    cr_assert_not(harness_run(&h, 100 * MS));
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert_not(harness_run(&h, 100 * MS));
    cr_assert_eq(node_of(pid), 1);
    cr_assert(harness_run(&h, 10 * SECOND));
    /* The time left travels; the time in transit comes on top of it. */
    uint32_t slept = 0;
    cr_assert_eq(sscanf(h.hal[0].console, "sleeper: slept %u ms\n", &slept), 1, "%s", h.hal[0].console);
    cr_expect(slept >= 300 && slept <= 310, "slept %u ms", slept);
}

Test(migrate, children_that_exit_while_the_parent_moves_are_counted)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t parent = spawn(0, "spawner", "sleeper", "30", "20");
    uint32_t ring[] = {0, 1};
    run_moving(parent, ring, 2, 2 * MS, 60 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND));
    const char *out = h.hal[0].console;
    cr_expect_not_null(strstr(out, "spawner done\n"), "%s", out);
    uint32_t zero = 0;
    for (const char *at = out; (at = strstr(at, "exited with 0")) != NULL; at++)
        zero++;
    cr_expect_eq(zero, 30u, "%s", out);
}

/* Children that exit with status 1 (sinks that time out) while their
 * parent moves every 2 ms: the parent, elsewhere by then, hears each
 * status as it was. */
Test(migrate, children_that_exit_while_the_parent_moves_report_their_status)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    const char *argv[] = {"sink", "10", "1", "30"};
    int64_t parent = harness_spawn(&h, 0, "spawner", argv, 4);
    cr_assert_gt(parent, 0);
    uint32_t ring[] = {0, 1};
    run_moving((uint32_t)parent, ring, 2, 2 * MS, 60 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND));
    const char *out = h.hal[0].console;
    cr_expect_not_null(strstr(out, "spawner done\n"), "%s", out);
    uint32_t one = 0;
    for (const char *at = out; (at = strstr(at, "exited with 1\n")) != NULL; at++)
        one++;
    cr_expect_eq(one, 10u, "%s", out);
    cr_expect_geq(SUM(migrations_out), 2u, "%u moves", SUM(migrations_out));
}

/* A process moved 0 -> 1 -> 2 -> 3 tells its home where it went after
 * each move, so the home sends to it directly: nothing is forwarded. */
Test(migrate, the_home_sends_straight_to_an_emigrant_moved_three_times)
{
    boot(4, MIGRATE_STOP_AND_COPY);
    uint32_t sink = spawn(0, "sink", "1", NULL, NULL);
    for (uint32_t to = 1; to <= 3; to++) {
        cr_assert_eq(kernel_migrate(h.k[to - 1], sink, (uint16_t)to), 0);
        for (uint32_t i = 0; i < 100 && node_of(sink) != (int)to; i++)
            cr_assert_not(harness_run(&h, MS));
        cr_assert_eq(node_of(sink), (int)to);
    }
    harness_settle(&h, 10 * MS);
    spawn(0, "sender", "n0.1", "1", "64");
    cr_assert(harness_run(&h, 10 * SECOND));
    cr_expect_not_null(strstr(h.hal[0].console, "sink: 1 messages in order\n"), "%s", h.hal[0].console);
    cr_expect_eq(SUM(forwarded), 0u, "the message went to a node the sink had left");
}

Test(migrate, precopy_moves_a_large_working_set)
{
    char expected[256];
    run_unmoved("memtouch", "1024", "3000", "4", expected, sizeof expected);
    cr_assert_not_null(strstr(expected, "checksum"), "%s", expected);
    boot(2, MIGRATE_PRE_COPY);
    uint32_t pid = spawn(0, "memtouch", "1024", "3000", "4");
    cr_assert_not(harness_run(&h, 20 * MS), "it has filled its buffer");
    uint32_t ring[] = {0, 1};
    uint32_t started = run_moving(pid, ring, 2, 5 * MS, 60 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_str_eq(h.hal[0].console, expected);
    cr_expect_geq(started, 3u);
    cr_expect_geq(traced(HAL_TRACE_MIGRATE_ROUND), SUM(migrations_out));
    /* Each move sends the 1 MiB once, and few pages again. */
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < h.node_count; i++)
        bytes += kernel_stats(h.k[i])->migration_bytes;
    uint64_t moves = (uint64_t)SUM(migrations_out) + SUM(migrations_aborted);
    cr_expect_lt(bytes, moves * 1200 * 1024, "%llu bytes", (unsigned long long)bytes);
    /* A move still copying pages when the process exits fails (and only
     * that one can). */
    cr_expect_leq(SUM(migrations_aborted), 1u);
    cr_expect_eq(SUM(migrations_out) + SUM(migrations_aborted), started);
}

/* A process that rewrites many pages in every round of every move (128
 * hot pages of 1 MiB): each page it writes between a round and the freeze
 * must go again, whether the store went through the TLB or filled it, so
 * the checksum of its whole buffer equals the unmoved run's. */
Test(migrate, precopy_keeps_every_page_a_busy_writer_rewrites)
{
    char expected[256];
    run_unmoved("memtouch", "1024", "600", "128", expected, sizeof expected);
    cr_assert_not_null(strstr(expected, "checksum"), "%s", expected);
    boot(2, MIGRATE_PRE_COPY);
    uint32_t pid = spawn(0, "memtouch", "1024", "600", "128");
    cr_assert_not(harness_run(&h, 20 * MS), "it has filled its buffer");
    uint32_t ring[] = {0, 1};
    uint32_t started = run_moving(pid, ring, 2, 3 * MS, 60 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_str_eq(h.hal[0].console, expected);
    cr_expect_geq(SUM(migrations_out), 5u, "%u moves started", started);
    cr_expect_gt(traced(HAL_TRACE_MIGRATE_ROUND), SUM(migrations_out), "some moves took more than one round");
    /* A page left out or sent torn fails its move at the target (the
     * image's CRC-32s) instead of corrupting it: only the move under way
     * when the process exits may fail. */
    cr_expect_leq(SUM(migrations_aborted), 1u, "%u moves failed", SUM(migrations_aborted));
}

/* A process moved from its first instruction on grows its stack to
 * 60 KiB wherever it is (in pre-copy, also while its pages are being
 * sent) and rewrites every stack page while it moves; the checksum of
 * its whole stack equals the unmoved run's. */
static void check_stack_grows_while_moving(uint8_t mode)
{
    char expected[256];
    run_unmoved("stackuse", "60", "3000", NULL, expected, sizeof expected);
    cr_assert_not_null(strstr(expected, "stackuse n0.1: checksum"), "%s", expected);
    boot(2, mode);
    uint32_t pid = spawn(0, "stackuse", "60", "3000", NULL);
    uint32_t ring[] = {0, 1};
    uint32_t started = run_moving(pid, ring, 2, MS / 5, 60 * SECOND);
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_eq(traced(HAL_TRACE_FAULT), 0u, "fault kind %u at %#x", h.hal[1].last_fault.reason,
                 h.hal[1].last_fault.value2);
    cr_expect_str_eq(h.hal[0].console, expected);
    cr_expect_geq(started, 10u);
    cr_expect_geq(SUM(migrations_out), 10u);
}

Test(migrate, a_stack_grown_while_moving_survives_stop_and_copy)
{
    check_stack_grows_while_moving(MIGRATE_STOP_AND_COPY);
}

Test(migrate, a_stack_grown_while_moving_survives_pre_copy)
{
    check_stack_grows_while_moving(MIGRATE_PRE_COPY);
}

/* A process that exits while its pages are being copied ends its move
 * first: migrate_abort (no such process) is traced before its exit, and
 * nothing about it after, so no reader of the trace sees it run on. */
Test(migrate, precopy_move_of_an_exiting_process_aborts_before_the_exit)
{
    boot(2, MIGRATE_PRE_COPY);
    uint32_t pid = spawn(0, "memtouch", "1024", "40", "64");
    cr_assert_not(harness_run(&h, 45 * MS), "it exits after about 46 ms");
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert(harness_run(&h, 60 * SECOND));
    const struct fake_hal *src = &h.hal[0];
    cr_assert_eq(src->trace_counts[HAL_TRACE_EXIT], 1u, "it exits on its own node, unmoved");
    cr_assert_eq(src->trace_counts[HAL_TRACE_MIGRATE_ABORT], 1u);
    cr_expect_eq(src->last_of[HAL_TRACE_MIGRATE_ABORT].pid, pid);
    cr_expect_eq(src->last_of[HAL_TRACE_MIGRATE_ABORT].value, ERR_NO_PROCESS);
    cr_expect_lt(src->last_at[HAL_TRACE_MIGRATE_ABORT], src->last_at[HAL_TRACE_EXIT],
                 "migrate_abort (event %u) after the exit (event %u)",
                 src->last_at[HAL_TRACE_MIGRATE_ABORT], src->last_at[HAL_TRACE_EXIT]);
    cr_expect_eq(traced(HAL_TRACE_MIGRATE_INSTALL), 0u);
}

/* ---- failures: the process stays where it was and runs on ---- */

/* Frame offsets: Ethernet, IPv4 (no options), UDP, cluster header. */
#define AT_UDP 34u
#define AT_CLUSTER 42u
#define AT_PAYLOAD (AT_CLUSTER + 32u)

static uint8_t cluster_type(const uint8_t *frame, uint32_t len)
{
    if (len < AT_PAYLOAD || get_be16(frame + 12) != 0x0800 || frame[23] != 17 ||
        get_be16(frame + AT_CLUSTER) != 0x434E)
        return 0;
    return frame[AT_CLUSTER + 3];
}

/* After changing a cluster payload: a new CRC, and no UDP checksum. */
static void fix_cluster_crc(uint8_t *frame)
{
    uint32_t payload = get_be16(frame + AT_CLUSTER + 24);
    put_be16(frame + AT_UDP + 6, 0);
    put_be32(frame + AT_CLUSTER + 28, 0);
    put_be32(frame + AT_CLUSTER + 28, crc32_compute(frame + AT_CLUSTER, 32 + payload));
}

/* Flip one byte of image data in the first CHUNK (type 27) of a move. */
static bool corrupt_first_chunk(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)hh;
    (void)src;
    bool *done = ctx;
    if (!*done && cluster_type(frame, len) == CLUSTER_MSG_MIGRATE_FIRST + 3) {
        frame[AT_PAYLOAD + 8 + 200] ^= 0x20;
        fix_cluster_crc(frame);
        *done = true;
    }
    return true;
}

static void check_worker_survives(const char *expected)
{
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_str_eq(h.hal[0].console, expected);
    cr_expect_eq(SUM(migrations_out), 0u);
    cr_expect_eq(SUM(migrations_in), 0u);
    cr_expect_eq(kernel_stats(h.k[0])->migrations_aborted, 1u);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_ABORT], 1u);
}

Test(migrate, a_corrupted_image_is_refused_and_the_process_runs_on)
{
    char expected[256];
    run_unmoved("worker", "3000", NULL, NULL, expected, sizeof expected);
    for (uint8_t mode = MIGRATE_STOP_AND_COPY; mode <= MIGRATE_PRE_COPY; mode++) {
        boot(2, mode);
        bool done = false;
        h.frame_filter = corrupt_first_chunk;
        h.filter_ctx = &done;
        uint32_t pid = spawn(0, "worker", "3000", NULL, NULL);
        cr_assert_not(harness_run(&h, 2 * MS));
        cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
        cr_assert_not(harness_run(&h, 20 * MS));
        cr_expect(done, "a chunk went by");
        cr_expect_eq(node_of(pid), 0);
        check_worker_survives(expected);
        cr_assert_eq(harness_destroy(&h), 0);
    }
    boot(1, 0);
}

Test(migrate, a_full_target_refuses_and_the_process_runs_on)
{
    char expected[256];
    run_unmoved("worker", "3000", NULL, NULL, expected, sizeof expected);
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "worker", "3000", NULL, NULL);
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++)
        spawn(1, "sleeper", "50", NULL, NULL);
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    check_worker_survives(expected);
}

Test(migrate, a_target_out_of_memory_refuses_and_the_process_runs_on)
{
    char expected[256];
    run_unmoved("worker", "3000", NULL, NULL, expected, sizeof expected);
    for (uint8_t mode = MIGRATE_STOP_AND_COPY; mode <= MIGRATE_PRE_COPY; mode++) {
        for (uint32_t room = 0; room < 24; room += 3) {
            boot(2, mode);
            uint32_t pid = spawn(0, "worker", "3000", NULL, NULL);
            cr_assert_not(harness_run(&h, MS));
            h.hal[1].page_limit = h.hal[1].pages_in_use + room;
            cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
            cr_assert(harness_run(&h, 60 * SECOND));
            cr_expect_str_eq(h.hal[0].console, expected, "mode %u room %u", mode, room);
            /* Either it moved or it stayed: never both, never neither. */
            cr_expect_eq(SUM(migrations_out) + SUM(migrations_aborted), 1u, "mode %u room %u", mode, room);
            h.hal[1].page_limit = 0;
            cr_assert_eq(harness_destroy(&h), 0, "mode %u room %u", mode, room);
        }
    }
    boot(1, 0);
}

static bool lose_everything_to_node_1(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)len;
    (void)ctx;
    return src == 1 || memcmp(frame, hh->hal[1].mac, 6) != 0;
}

Test(migrate, a_partition_fails_the_move_and_the_process_runs_on)
{
    char expected[256];
    run_unmoved("worker", "20000", NULL, NULL, expected, sizeof expected);
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "worker", "20000", NULL, NULL);
    cr_assert_not(harness_run(&h, MS));
    h.frame_filter = lose_everything_to_node_1;
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert_not(harness_run(&h, 4 * SECOND), "frozen while the move may still succeed");
    cr_expect_eq(kernel_stats(h.k[0])->migrations_aborted, 0u);
    cr_assert(harness_run(&h, 60 * SECOND), "runs on once the move failed");
    cr_expect_str_eq(h.hal[0].console, expected);
    cr_expect_eq(kernel_stats(h.k[0])->migrations_aborted, 1u);
    cr_expect_eq(SUM(migrations_in), 0u);
}

Test(migrate, pinned_and_busy_processes_are_refused)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "worker", "2000", NULL, NULL);
    cr_expect_eq(kernel_migrate(h.k[0], pid, 0), ERR_INVALID, "to its own node");
    cr_expect_eq(kernel_migrate(h.k[0], pid, 2), ERR_INVALID, "outside the cluster");
    cr_expect_eq(kernel_migrate(h.k[0], ABI_PID(0, 99), 1), ERR_NO_PROCESS);
    cr_assert_eq(kernel_pin(h.k[0], pid, true), 0);
    cr_expect_eq(kernel_migrate(h.k[0], pid, 1), ERR_PINNED);
    cr_assert_eq(kernel_pin(h.k[0], pid, false), 0);
    cr_expect_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_expect_eq(kernel_migrate(h.k[0], pid, 1), ERR_BUSY, "already moving");
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_eq(SUM(migrations_out), 1u);
    cr_expect_eq(traced(HAL_TRACE_MIGRATE_START), 1u);
}

Test(migrate, a_pinned_process_in_precopy_stays)
{
    /* Pinned after its pages started to copy: the freeze refuses. */
    char expected[256];
    run_unmoved("worker", "3000", NULL, NULL, expected, sizeof expected);
    boot(2, MIGRATE_PRE_COPY);
    uint32_t pid = spawn(0, "worker", "3000", NULL, NULL);
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert_eq(kernel_pin(h.k[0], pid, true), 0);
    check_worker_survives(expected);
}

Test(migrate, concurrent_moves_are_bounded)
{
    boot(3, MIGRATE_STOP_AND_COPY);
    uint32_t pids[6];
    for (uint32_t i = 0; i < 6; i++)
        pids[i] = spawn(0, "worker", "500", NULL, NULL);
    uint32_t ok = 0;
    for (uint32_t i = 0; i < 6; i++) {
        int err = kernel_migrate(h.k[0], pids[i], (uint16_t)(1 + i % 2));
        cr_expect(err == 0 || err == ERR_BUSY);
        ok += err == 0;
    }
    cr_expect_eq(ok, 4u, "four moves at a time");
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_eq(SUM(migrations_out), 4u);
    expect_no_aborts();
}

/* ---- nodes that go away in the middle of a move ---- */

static void restart_node(uint32_t node, uint8_t mode)
{
    struct kernel_config cfg = {.migrate_mode = mode};
    harness_restart(&h, node, &cfg);
    cr_assert_not_null(h.k[node]);
}

Test(migrate, a_target_that_restarts_fails_the_move_and_the_process_runs_on)
{
    char expected[256];
    run_unmoved("memtouch", "1024", "2000", "4", expected, sizeof expected);
    boot(2, MIGRATE_PRE_COPY);
    uint32_t pid = spawn(0, "memtouch", "1024", "2000", "4");
    cr_assert_not(harness_run(&h, 20 * MS));
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert_not(harness_run(&h, 300000), "some pages are on their way");
    cr_assert_eq(kernel_stats(h.k[0])->migrations_out, 0u);
    restart_node(1, MIGRATE_PRE_COPY);
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_str_eq(h.hal[0].console, expected);
    cr_expect_eq(kernel_stats(h.k[0])->migrations_aborted, 1u);
    cr_expect_eq(kernel_stats(h.k[0])->migrations_out, 0u);
}

Test(migrate, a_source_that_crashes_leaves_nothing_behind_on_the_target)
{
    boot(2, MIGRATE_PRE_COPY);
    uint32_t pid = spawn(0, "memtouch", "1024", "2000", "4");
    cr_assert_not(harness_run(&h, 20 * MS));
    uint32_t before = h.hal[1].pages_in_use;
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert_not(harness_run(&h, 300000));
    cr_assert_gt(h.hal[1].pages_in_use, before + 16, "pages staged on the target");
    restart_node(0, MIGRATE_PRE_COPY); /* the process is gone with it */
    harness_settle(&h, 6 * SECOND);
    cr_expect_leq(h.hal[1].pages_in_use, before + 2, "the half-received move was given up");
    cr_expect_eq(kernel_process_count(h.k[1]), 0u);
}

Test(migrate, destroying_nodes_mid_move_leaks_nothing)
{
    for (uint8_t mode = MIGRATE_STOP_AND_COPY; mode <= MIGRATE_PRE_COPY; mode++) {
        boot(2, mode);
        uint32_t pid = spawn(0, "memtouch", "1024", "2000", "4");
        cr_assert_not(harness_run(&h, 20 * MS));
        cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
        cr_assert_not(harness_run(&h, 300000));
        cr_assert_eq(harness_destroy(&h), 0, "mode %u", mode);
    }
    boot(1, 0);
}

/* ---- hostile migration messages ---- */

static uint32_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

Test(migrate, hostile_migration_messages_change_nothing)
{
    /* Random messages of every migration type, and well-formed openings
     * followed by random ones: nothing installs, nothing crashes or
     * leaks, the node stays usable. */
    boot(2, MIGRATE_STOP_AND_COPY);
    struct kernel *k = h.k[1];
    uint8_t msg[CLUSTER_PAYLOAD_MAX];
    uint64_t s = 7;
    for (uint32_t i = 0; i < 20000; i++) {
        uint32_t id = 1 + rnd(&s) % 3;
        if (rnd(&s) % 4 == 0) { /* open a move, so data messages find one */
            put_be32(msg, id);
            put_be32(msg + 4, ABI_PID(0, 1 + rnd(&s) % 3));
            msg[8] = (uint8_t)(rnd(&s) % 2);
            migrate_on_message(k, 0, CLUSTER_MSG_MIGRATE_FIRST, msg, 9);
        }
        uint32_t len = rnd(&s) % 3 == 0 ? rnd(&s) % sizeof msg : rnd(&s) % 24;
        for (uint32_t j = 0; j < len; j++)
            msg[j] = (uint8_t)rnd(&s);
        if (len >= 4)
            put_be32(msg, id);
        if (len >= 8 && rnd(&s) % 2 == 0) /* a small IMAGE length, or a page in user space */
            put_be32(msg + 4, rnd(&s) % 2 == 0 ? 200 + rnd(&s) % 4000 : 0x10000u + (rnd(&s) % 64) * 4096u + 3);
        uint8_t type = (uint8_t)(CLUSTER_MSG_MIGRATE_FIRST + rnd(&s) % 8);
        migrate_on_message(k, (uint16_t)(rnd(&s) % 2), type, msg, len);
        if (i % 1000 == 0)
            harness_settle(&h, 6 * SECOND); /* stalled moves time out */
    }
    harness_settle(&h, 6 * SECOND);
    cr_expect_eq(kernel_process_count(k), 0u);
    cr_expect_eq(kernel_stats(k)->migrations_in, 0u);
    cr_expect_gt(kernel_stats(k)->frames_bad, 0u);
    /* Still a working target. */
    uint32_t pid = spawn(0, "worker", "300", NULL, NULL);
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    cr_assert(harness_run(&h, 60 * SECOND));
    cr_expect_eq(kernel_stats(k)->migrations_in, 1u);
}

/* Found by a swarm (chatty-8): the source hands the process over and
 * restarts before the target hears "run it". The target drops the copy
 * it held and says so (migrate_drop): the process is lost, and the trace
 * tells, instead of showing it handed over for ever. */
Test(migrate, a_copy_held_when_its_source_restarts_is_dropped_and_traced)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "sleeper", "5000", NULL, NULL);
    cr_assert_not(harness_run(&h, MS));
    static bool cut;
    const char *why = handover_into_the_void(&h, pid, &cut);
    cr_assert_null(why, "%s", why);
    harness_restart(&h, 0, NULL);
    cut = false; /* node 1 hears of the restart */
    harness_run(&h, 100 * MS);
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_DROP], 1u);
    cr_expect_eq(h.hal[1].last_of[HAL_TRACE_MIGRATE_DROP].pid, pid);
    cr_expect_eq(h.hal[1].last_of[HAL_TRACE_MIGRATE_DROP].value2, 0u, "from node 0");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], 0u, "the copy never ran");
    cr_expect_eq(node_of(pid), -1, "it runs nowhere");
}

/* The same copy when HANDOVER DONE never comes and nothing resets. A
 * swarm found the copy dropped at the 5 s stall (chatty-8 seeds 29 and
 * 99 without a word; family-8 seed 63 with DONE on its way to a target
 * that had been paused: the process lost). Silence alone proves nothing:
 * at the stall node 1 keeps the copy and probes node 0, and drops it (and
 * says so) only when its transport declares node 0 unreachable. */
Test(migrate, a_copy_held_past_the_stall_is_dropped_only_when_its_source_is_unreachable)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "sleeper", "5000", NULL, NULL);
    cr_assert_not(harness_run(&h, MS));
    static bool cut;
    const char *why = handover_into_the_void(&h, pid, &cut);
    cr_assert_null(why, "%s", why);
    uint64_t resets = kernel_stats(h.k[1])->peer_resets;
    harness_run(&h, MIGRATE_STALL_NS + 100 * MS);
    cr_expect(handover_target_holds(&h, 1), "kept past the stall");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_DROP], 0u);
    harness_run(&h, TRANSPORT_SUSPECT_TIMEOUT_NS + TRANSPORT_RTO_MAX_NS);
    cr_expect_eq(kernel_stats(h.k[1])->peer_resets, resets + 1, "node 0 declared unreachable");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_DROP], 1u, "dropped then, and traced");
    cr_expect_eq(h.hal[1].last_of[HAL_TRACE_MIGRATE_DROP].pid, pid);
    cr_expect_eq(h.hal[1].last_of[HAL_TRACE_MIGRATE_DROP].value2, 0u, "from node 0");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], 0u, "the copy never ran");
    cr_expect_eq(node_of(pid), -1, "it runs nowhere");
}

/* While *ctx: node 1's messages to node 0 are lost, its pure ACKs pass
 * (so node 0's sends are acknowledged and only the answers wait). */
static bool hold_answers_1_to_0(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    const uint32_t pure_ack = ETH_HEADER_BYTES + IPV4_HEADER_MIN + UDP_HEADER_BYTES + CLUSTER_HEADER_BYTES;
    return !(*(const bool *)ctx && src == 1 && memcmp(frame, hh->hal[0].mac, 6) == 0 && len > pure_ack);
}

/* The other side: INSTALLED reaches the source only after
 * MIGRATE_COMMIT_WINDOW_NS (3 s of silence from the target here; a
 * source paused that long in the swarm, seed 526 of chatty-8, and seed
 * 273 of family-8 once the window was taken out). The target's transport
 * may have declared the source unreachable and dropped its copy by then
 * (it cannot have 2.5 s sooner), so the source must not hand over:
 * it thaws the process and cancels, and the target drops its copy
 * (untraced: the trace's migrate_abort says where the process is). */
Test(migrate, an_installed_that_comes_too_late_is_not_handed_over)
{
    boot(2, MIGRATE_STOP_AND_COPY);
    uint32_t pid = spawn(0, "sleeper", "5000", NULL, NULL);
    cr_assert_not(harness_run(&h, MS));
    static bool cut;
    cut = true; /* INSTALLED does not reach node 0 yet */
    h.frame_filter = hold_answers_1_to_0;
    h.filter_ctx = &cut;
    cr_assert_eq(kernel_migrate(h.k[0], pid, 1), 0);
    harness_run(&h, 3000 * MS);
    cr_assert(handover_target_holds(&h, 1), "node 1 installed the copy and waits");
    cut = false; /* its next resend (1 s apart by now) gets through */
    harness_run(&h, 1500 * MS);
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE], 0u, "never handed over");
    cr_expect_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_ABORT], 1u);
    cr_expect_eq(h.hal[0].last_of[HAL_TRACE_MIGRATE_ABORT].value, ERR_TIMEOUT);
    cr_expect_not(handover_target_holds(&h, 1), "the cancelled copy goes");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_DROP], 0u, "silently: the source thawed it");
    cr_expect_eq(h.hal[1].trace_counts[HAL_TRACE_MIGRATE_INSTALL], 0u);
    cr_expect_eq(node_of(pid), 0, "it runs on at its source");
}
