/*
 * test_balance.c - load exchange and balancing: the load table's rules,
 * reports reaching a few peers (never all), each policy's decisions on a
 * hotspot, the anti-thrashing guards, the offer protocol's reservations,
 * and work really spreading and finishing sooner than with no balancing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/balance.h"
#include "core/balance_priv.h"
#include "core/bytes.h"
#include "core/kernel_priv.h"
#include "core/migrate_priv.h"
#include "core/proc.h"
#include "core/transport.h"
#include "kernel_harness.h"

#define MS 1000000ull
#define SECOND (1000 * MS)

static struct harness h;
static bool booted;

static void teardown(void)
{
    if (booted)
        cr_expect_eq(harness_destroy(&h), 0, "pages leaked");
    booted = false;
}

TestSuite(balance, .fini = teardown);

static const char *const policy_names[HAL_BALANCE_COUNT] = {"none", "random", "offer", "two-choices",
                                                            "mosix"};

/* Short periods so a test runs in a few hundred simulated milliseconds. */
static struct kernel_config config(uint8_t policy)
{
    return (struct kernel_config){.balance = {.policy = policy,
                                              .period_ns = 10 * MS,
                                              .min_residency_ns = 20 * MS,
                                              .exchange_period_ns = 10 * MS}};
}

static void boot(uint32_t nodes, const struct kernel_config *cfg)
{
    if (booted)
        harness_destroy(&h);
    harness_init_config(&h, nodes, cfg);
    for (uint32_t i = 0; i < nodes; i++)
        cr_assert_not_null(h.k[i]);
    booted = true;
}

static struct balance_state *state(uint32_t node)
{
    return h.k[node]->balance;
}

static int64_t spawn_worker(uint32_t node, const char *iterations)
{
    const char *argv[] = {iterations};
    int64_t pid = harness_spawn(&h, node, "worker", argv, 1);
    cr_assert_gt(pid, 0, "spawn worker on node %u: %lld", node, (long long)pid);
    return pid;
}

static uint32_t traced(uint32_t node, enum hal_trace_type type)
{
    return h.hal[node].trace_counts[type];
}

static uint32_t traced_all(enum hal_trace_type type)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < h.node_count; i++)
        n += traced(i, type);
    return n;
}

static struct load_sample sample(uint32_t seq, uint32_t load_milli)
{
    return (struct load_sample){
        .epoch = 7, .seq = seq, .load_milli = load_milli, .load_avg_milli = load_milli};
}

/* ---- the load table ------------------------------------------------ */

Test(balance, table_keeps_the_newest_sample_of_each_boot)
{
    static struct loadinfo t;
    loadinfo_init(&t);
    struct load_sample s = sample(5, 3000);
    cr_expect(loadinfo_update(&t, 3, &s, 100));
    s = sample(4, 1000); /* older, same boot */
    cr_expect_not(loadinfo_update(&t, 3, &s, 200));
    cr_expect_eq(loadinfo_find(&t, 3, 0)->sample.load_milli, 3000);
    s = sample(1, 0);
    s.epoch = 8; /* the peer restarted: its seq starts again */
    cr_expect(loadinfo_update(&t, 3, &s, 300));
    cr_expect_eq(loadinfo_find(&t, 3, 0)->sample.load_milli, 0);
    cr_expect_eq(loadinfo_find(&t, 3, 0)->heard_ns, 300);
    cr_expect_eq(t.used, 1);
    cr_expect_null(loadinfo_find(&t, 3, 301), "too old");
    cr_expect_null(loadinfo_find(&t, 4, 0));
}

Test(balance, table_is_bounded_and_gives_way_to_the_stalest)
{
    static struct loadinfo t;
    loadinfo_init(&t);
    for (uint16_t node = 0; node < LOADINFO_MAX_ENTRIES; node++) {
        struct load_sample s = sample(1, node * 10u);
        /* Nodes 10 and 20 were heard first (and at the same time). */
        uint64_t heard = node == 10 || node == 20 ? 5 : 1000u + node;
        loadinfo_update(&t, node, &s, heard);
    }
    cr_expect_eq(t.used, LOADINFO_MAX_ENTRIES);
    struct load_sample s = sample(1, 1);
    cr_expect(loadinfo_update(&t, 500, &s, 5000));
    cr_expect_eq(t.used, LOADINFO_MAX_ENTRIES);
    cr_expect_null(loadinfo_find(&t, 10, 0), "the stalest, lower id first, gave way");
    cr_expect_not_null(loadinfo_find(&t, 20, 0));
    cr_expect_not_null(loadinfo_find(&t, 500, 0));
}

Test(balance, table_least_loaded_skips_old_and_excluded_entries)
{
    static struct loadinfo t;
    loadinfo_init(&t);
    struct load_sample a = sample(1, 500), b = sample(1, 2000), c = sample(1, 2000), d = sample(1, 0);
    loadinfo_update(&t, 1, &a, 100); /* old */
    loadinfo_update(&t, 4, &b, 900);
    loadinfo_update(&t, 2, &c, 900);
    loadinfo_update(&t, 0, &d, 900); /* the asking node itself */
    cr_expect_eq(loadinfo_least_loaded(&t, 0, 0, 0), 1);
    cr_expect_eq(loadinfo_least_loaded(&t, 0, 500, 0), 2, "ties go to the lower id");
    cr_expect_eq(loadinfo_least_loaded(&t, 0, 500, 6), 4, "...after the salt: 4 ^ 6 < 2 ^ 6");
    cr_expect_eq(loadinfo_least_loaded(&t, 0, 1000, 0), LOADINFO_NO_NODE);
    loadinfo_add_load(&t, 2, 1000);
    cr_expect_eq(loadinfo_least_loaded(&t, 0, 500, 0), 4, "a move just sent counts");
    loadinfo_expire(&t, 500);
    cr_expect_eq(t.used, 3);
    cr_expect_null(loadinfo_find(&t, 1, 0));
    cr_expect_not_null(loadinfo_find(&t, 0, 0));
}

Test(balance, load_sample_round_trips)
{
    struct load_sample s = {.epoch = 0xA1B2C3D4u, .seq = 9, .load_milli = 4000, .load_avg_milli = 3215}, back;
    uint8_t wire[LOAD_SAMPLE_BYTES];
    load_sample_encode(&s, wire);
    cr_expect_eq(wire[0], 0xA1, "big-endian");
    load_sample_decode(wire, &back);
    cr_expect_eq(memcmp(&s, &back, sizeof s), 0);
}

/* ---- the load exchange --------------------------------------------- */

Test(balance, every_node_hears_every_peer_in_a_small_cluster)
{
    struct kernel_config cfg = config(HAL_BALANCE_MOSIX);
    boot(4, &cfg);
    for (uint32_t node = 0; node < 4; node++)
        spawn_worker(node, "100000");
    harness_run(&h, 60 * MS);
    for (uint32_t node = 0; node < 4; node++) {
        const struct loadinfo *t = &state(node)->table;
        cr_expect_eq(t->used, 3, "node %u knows %u peers", node, t->used);
        cr_expect_null(loadinfo_find(t, (uint16_t)node, 0), "node %u lists itself", node);
        for (uint16_t peer = 0; peer < 4; peer++) {
            const struct loadinfo_entry *e = loadinfo_find(t, peer, h.now_ns - 20 * MS);
            if (peer != node) {
                cr_assert_not_null(e, "node %u has no recent report from %u", node, peer);
                cr_expect_eq(e->sample.load_milli, 1000, "one worker each");
                cr_expect_eq(e->sample.epoch, 100u + peer);
            }
        }
        cr_expect_geq(state(node)->count.reports_sent, 5 * 3, "about one report per peer per period");
        cr_expect_eq(state(node)->count.reports_dropped, 0);
    }
    cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 0, "one worker per node: nothing to move");
}

/* Each node tells exchange_fanout peers per period, never everyone. */
Test(balance, reports_go_to_a_few_random_peers)
{
    struct kernel_config cfg = config(HAL_BALANCE_MOSIX);
    cfg.balance.exchange_fanout = 2;
    boot(16, &cfg);
    spawn_worker(0, "100000");
    harness_run(&h, 105 * MS);
    uint32_t heard_total = 0, sent_total = 0;
    for (uint32_t node = 0; node < 16; node++) {
        const struct balance_state *b = state(node);
        cr_expect_geq(b->count.reports_sent, 2 * 10, "node %u sent %u", node, b->count.reports_sent);
        cr_expect_leq(b->count.reports_sent, 2 * 11, "node %u sent %u", node, b->count.reports_sent);
        cr_expect_leq(b->table.used, 15);
        cr_expect_null(loadinfo_find(&b->table, (uint16_t)node, 0));
        heard_total += b->count.reports_heard;
        sent_total += b->count.reports_sent;
    }
    /* The last period's reports may still be on their way. */
    cr_expect_leq(heard_total, sent_total);
    cr_expect_geq(heard_total + 16 * 2, sent_total, "heard %u of %u", heard_total, sent_total);
}

/* ---- decisions ----------------------------------------------------- */

static void run_hotspot(uint8_t policy, uint32_t nodes, uint32_t workers, const char *iterations)
{
    struct kernel_config cfg = config(policy);
    boot(nodes, &cfg);
    for (uint32_t i = 0; i < workers; i++)
        spawn_worker(0, iterations);
}

Test(balance, policy_none_moves_nothing_and_says_nothing)
{
    run_hotspot(HAL_BALANCE_NONE, 4, 8, "3000");
    cr_assert(harness_run(&h, 10 * SECOND));
    cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 0);
    cr_expect_eq(traced_all(HAL_TRACE_MIGRATE_START), 0);
    for (uint32_t node = 0; node < 4; node++) {
        cr_expect_null(state(node), "no balancer state (nor load exchange) without balancing or a request");
        if (node != 0)
            cr_expect_eq(kernel_stats(h.k[node])->insns, 0);
    }
    cr_expect_eq(balance_next_deadline(h.k[0]), HAL_TIME_NEVER);
}

Test(balance, every_policy_decides_to_move_work_off_a_hotspot)
{
    for (uint8_t policy = HAL_BALANCE_RANDOM; policy < HAL_BALANCE_COUNT; policy++) {
        run_hotspot(policy, 4, 8, "100000");
        harness_run(&h, 100 * MS);
        const char *name = policy_names[policy];
        cr_expect_gt(traced(0, HAL_TRACE_BALANCE), 0, "%s: no decision on the hotspot", name);
        cr_expect_eq(state(0)->count.decisions, traced(0, HAL_TRACE_BALANCE), "%s", name);
        /* Nothing is eligible before min_residency (20 ms); then at most one
         * decision per 10 ms period. */
        cr_expect_leq(traced(0, HAL_TRACE_BALANCE), 9, "%s: %u decisions", name,
                      traced(0, HAL_TRACE_BALANCE));
    }
}

Test(balance, offer_goes_to_every_peer_and_the_first_accept_wins)
{
    run_hotspot(HAL_BALANCE_OFFER, 4, 8, "100000");
    harness_run(&h, 35 * MS);
    const struct balance_state *b = state(0);
    cr_expect_geq(b->count.offers_sent, 3);
    cr_expect_eq(b->count.offers_sent % 3, 0, "each offer goes to all three peers");
    cr_expect_geq(b->count.accepts_won, 1);
    uint32_t accepts = 0;
    for (uint32_t node = 1; node < 4; node++)
        accepts += state(node)->count.accepts_sent;
    cr_expect_geq(accepts, b->count.accepts_won);
    /* Every ACCEPT but a winner whose move started is released (the last
     * offer's ACCEPTs may still be on their way). */
    uint32_t settled = b->count.moves_started + b->count.releases_sent;
    cr_expect(accepts >= settled && accepts <= settled + 3, "accepts %u, started %u, released %u", accepts,
              b->count.moves_started, b->count.releases_sent);
}

Test(balance, two_choices_probes_two_peers_per_decision)
{
    run_hotspot(HAL_BALANCE_TWO_CHOICES, 8, 8, "100000");
    harness_run(&h, 100 * MS);
    const struct balance_state *b = state(0);
    cr_expect_gt(b->count.probes_sent, 0);
    cr_expect_eq(b->count.probes_sent % 2, 0);
    cr_expect_gt(traced(0, HAL_TRACE_BALANCE), 0);
    cr_expect_leq(traced(0, HAL_TRACE_BALANCE), b->count.probes_sent / 2, "one decision per pair of probes");
}

Test(balance, a_balanced_cluster_moves_nothing)
{
    for (uint8_t policy = HAL_BALANCE_NONE; policy < HAL_BALANCE_COUNT; policy++) {
        struct kernel_config cfg = config(policy);
        boot(4, &cfg);
        for (uint32_t node = 0; node < 4; node++)
            spawn_worker(node, "20000");
        cr_assert(harness_run(&h, 10 * SECOND));
        cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 0, "%s", policy_names[policy]);
        cr_expect_eq(traced_all(HAL_TRACE_MIGRATE_START), 0, "%s", policy_names[policy]);
    }
}

Test(balance, pinned_processes_are_never_chosen)
{
    for (uint8_t policy = HAL_BALANCE_RANDOM; policy < HAL_BALANCE_COUNT; policy++) {
        run_hotspot(policy, 4, 0, NULL);
        for (uint32_t i = 0; i < 6; i++)
            cr_assert_eq(kernel_pin(h.k[0], (uint32_t)spawn_worker(0, "3000"), true), 0);
        cr_assert(harness_run(&h, 10 * SECOND));
        cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 0, "%s", policy_names[policy]);
    }
}

Test(balance, nothing_moves_before_min_residency)
{
    for (uint8_t policy = HAL_BALANCE_RANDOM; policy < HAL_BALANCE_COUNT; policy++) {
        struct kernel_config cfg = config(policy);
        cfg.balance.min_residency_ns = 10 * SECOND;
        boot(4, &cfg);
        for (uint32_t i = 0; i < 6; i++)
            spawn_worker(0, "3000");
        cr_assert(harness_run(&h, 10 * SECOND));
        cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 0, "%s", policy_names[policy]);
    }
}

/* mosix moves only when the best known peer is clearly less loaded. */
Test(balance, mosix_needs_a_peer_better_by_the_margin)
{
    struct kernel_config cfg = config(HAL_BALANCE_MOSIX);
    cfg.balance.margin_milli = 3000;
    boot(2, &cfg);
    for (uint32_t i = 0; i < 3; i++)
        spawn_worker(0, "100000");
    harness_run(&h, 100 * MS);
    cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 0, "3 vs 0 is not enough with a margin of 3");
    spawn_worker(0, "100000");
    harness_run(&h, 50 * MS);
    cr_expect_gt(traced(0, HAL_TRACE_BALANCE), 0, "4 vs 0 is");
}

/* ---- the offer protocol, message by message ------------------------ */

static void deliver_offer(uint32_t to, uint16_t from, uint32_t id, uint32_t pid, uint32_t load_milli)
{
    uint8_t msg[BALANCE_OFFER_BYTES];
    struct load_sample s = sample(id, load_milli);
    put_be32(msg, id);
    put_be32(msg + 4, pid);
    put_be32(msg + 8, 65536);
    load_sample_encode(&s, msg + 12);
    balance_on_message(h.k[to], from, BALANCE_MSG_OFFER, msg, sizeof msg);
}

static void deliver_release(uint32_t to, uint16_t from, uint32_t id, uint32_t pid)
{
    uint8_t msg[BALANCE_RELEASE_BYTES];
    put_be32(msg, id);
    put_be32(msg + 4, pid);
    balance_on_message(h.k[to], from, BALANCE_MSG_RELEASE, msg, sizeof msg);
}

static uint32_t reservations(uint32_t node)
{
    return state(node) != NULL ? balance_count_reservations(h.k[node], h.now_ns) : 0u;
}

static void set_time(uint64_t now)
{
    h.now_ns = now;
    for (uint32_t i = 0; i < h.node_count; i++)
        h.hal[i].now_ns = now;
}

Test(balance, an_idle_peer_reserves_room_for_one_offer_at_a_time)
{
    struct kernel_config cfg = config(HAL_BALANCE_OFFER);
    boot(3, &cfg);
    deliver_offer(2, 0, 1, ABI_PID(0, 5), 2000);
    cr_expect_eq(state(2)->count.accepts_sent, 1, "0 + margin < 2000");
    cr_expect_eq(reservations(2), 1);
    deliver_offer(2, 1, 1, ABI_PID(1, 5), 2000);
    cr_expect_eq(state(2)->count.accepts_sent, 1, "1000 reserved + margin is not < 2000");
    cr_expect_eq(reservations(2), 1);
    deliver_release(2, 1, 1, ABI_PID(1, 5));
    cr_expect_eq(reservations(2), 1, "a release names its offer and source");
    deliver_release(2, 0, 1, ABI_PID(0, 5));
    cr_expect_eq(reservations(2), 0);
    deliver_offer(2, 1, 2, ABI_PID(1, 5), 2000);
    cr_expect_eq(state(2)->count.accepts_sent, 2);
    cr_expect_eq(reservations(2), 1);
    set_time(h.now_ns + BALANCE_RESERVE_PERIODS * cfg.balance.period_ns);
    cr_expect_eq(reservations(2), 0, "a reservation the source never settles lapses");
    deliver_offer(2, 0, 3, ABI_PID(0, 6), 5000);
    deliver_offer(2, 1, 3, ABI_PID(1, 6), 5000);
    cr_expect_eq(reservations(2), 2, "a much hotter cluster may send two");
    deliver_offer(2, 2, 9, ABI_PID(2, 6), 9000);
    deliver_offer(2, 77, 9, ABI_PID(77, 6), 9000);
    cr_expect_eq(reservations(2), 2, "never from itself or a node outside the cluster");
}

Test(balance, a_busier_peer_answers_later)
{
    struct kernel_config cfg = config(HAL_BALANCE_OFFER);
    boot(3, &cfg);
    spawn_worker(2, "100000");
    spawn_worker(2, "100000");
    deliver_offer(2, 0, 1, ABI_PID(0, 5), 6000);
    cr_expect_eq(reservations(2), 1);
    cr_expect_eq(state(2)->count.accepts_sent, 0, "two runnable: 2 ms later");
    cr_expect_leq(balance_next_deadline(h.k[2]), h.now_ns + 2 * BALANCE_ACCEPT_DELAY_NS);
    set_time(h.now_ns + 2 * BALANCE_ACCEPT_DELAY_NS);
    balance_on_timer(h.k[2]);
    cr_expect_eq(state(2)->count.accepts_sent, 1);
}

Test(balance, malformed_messages_are_counted_and_ignored)
{
    struct kernel_config cfg = config(HAL_BALANCE_OFFER);
    boot(2, &cfg);
    uint8_t junk[64] = {0};
    uint64_t bad = kernel_stats(h.k[1])->frames_bad;
    balance_on_message(h.k[1], 0, BALANCE_MSG_LOAD, junk, BALANCE_LOAD_BYTES - 1);
    balance_on_message(h.k[1], 0, BALANCE_MSG_OFFER, junk, BALANCE_OFFER_BYTES + 1);
    balance_on_message(h.k[1], 0, CLUSTER_MSG_BALANCE_LAST, junk, 4);
    balance_on_message(h.k[1], 0, BALANCE_MSG_ACCEPT, NULL, 0);
    cr_expect_eq(kernel_stats(h.k[1])->frames_bad, bad + 4);
    cr_expect_eq(state(1)->count.bad_messages, 4);
    cr_expect_eq(state(1)->table.used, 0);
    /* An ACCEPT for no offer of ours is answered with a RELEASE. */
    uint8_t accept[BALANCE_ACCEPT_BYTES] = {0};
    struct load_sample s = sample(1, 0);
    load_sample_encode(&s, accept + 8);
    balance_on_message(h.k[1], 0, BALANCE_MSG_ACCEPT, accept, sizeof accept);
    cr_expect_eq(state(1)->count.releases_sent, 1);
}

static bool lose_everything_of_node_1(struct harness *hh, uint32_t src, uint8_t *frame, uint32_t len,
                                      void *ctx)
{
    (void)len;
    (void)ctx;
    return src != 1 && memcmp(frame, hh->hal[1].mac, 6) != 0;
}

/* Node 1 falls silent for 3 s (300 report periods, short of the suspicion
 * timeout): node 0's reports to it replace each other while they wait, so
 * its queue keeps room for user messages and no report is dropped. */
Test(balance, load_reports_to_a_silent_peer_leave_room_for_messages)
{
    struct kernel_config cfg = config(HAL_BALANCE_MOSIX);
    boot(2, &cfg);
    harness_settle(&h, 100 * MS);
    cr_assert_gt(state(0)->count.reports_sent, 0);
    h.frame_filter = lose_everything_of_node_1;
    harness_settle(&h, 3 * SECOND);
    cr_expect_leq(transport_queued(h.k[0], 1), TRANSPORT_WINDOW + 1u,
                  "in flight, and the newest report waiting");
    cr_expect_eq(state(0)->count.reports_dropped, 0);
    cr_expect_eq(kernel_stats(h.k[0])->peer_resets, 0, "not yet suspected");
}

/* ---- work really moves ------------------------------------------- */

/* 8 workers spawned on node 0 of 4, each about 25 ms of CPU alone. */
static uint64_t hotspot_makespan(uint8_t policy, uint32_t *nodes_used)
{
    run_hotspot(policy, 4, 8, "3000");
    cr_assert(harness_run(&h, 10 * SECOND), "%s: workers did not finish", policy_names[policy]);
    *nodes_used = 0;
    for (uint32_t node = 0; node < 4; node++) {
        *nodes_used += kernel_stats(h.k[node])->insns > 0;
        cr_expect_eq(reservations(node), 0, "%s: node %u still holds room", policy_names[policy], node);
    }
    return h.now_ns;
}

Test(balance, every_policy_spreads_a_hotspot_and_finishes_sooner)
{
    uint32_t used;
    uint64_t none = hotspot_makespan(HAL_BALANCE_NONE, &used);
    cr_expect_eq(used, 1);
    fprintf(stderr, "hotspot makespan: none %llu ms\n", (unsigned long long)(none / MS));
    for (uint8_t policy = HAL_BALANCE_RANDOM; policy < HAL_BALANCE_COUNT; policy++) {
        uint64_t t = hotspot_makespan(policy, &used);
        fprintf(stderr, "hotspot makespan: %s %llu ms, %u nodes, %u moves\n", policy_names[policy],
                (unsigned long long)(t / MS), used, traced_all(HAL_TRACE_MIGRATE_START));
        cr_expect_eq(used, 4, "%s: only %u nodes ran workers", policy_names[policy], used);
        cr_expect_leq(traced_all(HAL_TRACE_MIGRATE_START), 12, "%s: 6 moves balance 8 on 4 nodes",
                      policy_names[policy]);
        cr_expect_eq(traced_all(HAL_TRACE_MIGRATE_ABORT), 0, "%s", policy_names[policy]);
        cr_expect_lt(t, none, "%s: %llu ns, none %llu ns", policy_names[policy], (unsigned long long)t,
                     (unsigned long long)none);
    }
}

/* Once overloaded (above threshold) a node keeps shedding until its load
 * is below threshold - hysteresis; a node that never crossed the
 * threshold does not start. threshold 2500: two workers never trigger,
 * three do, and the node then sheds down to one (band 1500..2500). */
static uint32_t hysteresis_decisions(uint32_t hysteresis_milli, uint32_t workers)
{
    struct kernel_config cfg = config(HAL_BALANCE_MOSIX);
    cfg.balance.threshold_milli = 2500;
    cfg.balance.hysteresis_milli = hysteresis_milli;
    boot(3, &cfg);
    for (uint32_t i = 0; i < workers; i++)
        spawn_worker(0, "20000");
    harness_run(&h, 150 * MS);
    return traced(0, HAL_TRACE_BALANCE);
}

Test(balance, hysteresis_keeps_an_overloaded_node_shedding)
{
    cr_expect_eq(hysteresis_decisions(1000, 2), 0, "2 workers: never above 2500");
    cr_expect_eq(hysteresis_decisions(1000, 3), 2, "3 -> 2 -> 1: 2000 is inside the band");
    cr_expect_eq(hysteresis_decisions(1, 3), 1, "no band: 3 -> 2 and stop");
    cr_expect_eq(traced_all(HAL_TRACE_BALANCE), 1, "the targets stay below the threshold");
}

/* ---- several moves per period ------------------------------------ */

/* 16 workers on node 0 of 8: the excess over the mean (2) is 14. By the
 * first period after min_residency (20..30 ms) plus the Dispatcher's
 * retries, a policy that knows loads starts most of it at once; random,
 * which knows none, one per period. */
static uint32_t moves_after_first_burst(uint8_t policy)
{
    run_hotspot(policy, 8, 16, "20000");
    harness_run(&h, 32 * MS);
    return traced(0, HAL_TRACE_MIGRATE_START);
}

Test(balance, an_overloaded_node_sheds_its_excess_in_one_period)
{
    for (uint8_t policy = HAL_BALANCE_RANDOM; policy < HAL_BALANCE_COUNT; policy++) {
        uint32_t moves = moves_after_first_burst(policy);
        fprintf(stderr, "first burst: %s %u moves\n", policy_names[policy], moves);
        if (policy == HAL_BALANCE_RANDOM)
            cr_expect_leq(moves, 2, "random: one move per period");
        else
            cr_expect_geq(moves, 8, "%s: only %u moves", policy_names[policy], moves);
        cr_expect_leq(moves, 14, "%s: never beyond the excess", policy_names[policy]);
        for (uint32_t node = 1; node < 8; node++)
            cr_expect_leq(kernel_process_count(h.k[node]), 4, "%s: node %u took too many", policy_names[policy],
                          node);
    }
}

/* Every node at 3 runnable, above the threshold: the mean is 3, so there
 * is no excess and no peer better by the margin. Nothing moves. */
Test(balance, a_cluster_loaded_everywhere_moves_nothing)
{
    for (uint8_t policy = HAL_BALANCE_OFFER; policy < HAL_BALANCE_COUNT; policy++) {
        struct kernel_config cfg = config(policy);
        boot(4, &cfg);
        for (uint32_t i = 0; i < 12; i++)
            spawn_worker(i % 4, "20000");
        cr_assert(harness_run(&h, 10 * SECOND));
        cr_expect_eq(traced_all(HAL_TRACE_MIGRATE_START), 0, "%s", policy_names[policy]);
    }
}

/* A move decided while the Dispatcher is full waits as a READY request;
 * if its process may no longer move when it is tried again (pinned
 * meanwhile), the request is dropped, not started. */
Test(balance, a_deferred_move_whose_process_was_pinned_meanwhile_is_dropped)
{
    struct kernel_config cfg = config(HAL_BALANCE_NONE);
    boot(2, &cfg);
    cr_assert_not_null(balance_state_get(h.k[0]), "the balancer's state, which policy none makes on demand");
    int64_t pids[MIGRATE_MAX_OUT + 1];
    for (uint32_t i = 0; i <= MIGRATE_MAX_OUT; i++)
        pids[i] = spawn_worker(0, "100000000");
    spawn_worker(0, "100000000"); /* two that stay: node 0 still sheds load */
    spawn_worker(0, "100000000");
    harness_run(&h, 25 * MS); /* past min_residency */
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        cr_assert_eq(kernel_migrate(h.k[0], (uint32_t)pids[i], 1), 0, "move %u", i);
    struct proc *last = proc_find(h.k[0], (uint32_t)pids[MIGRATE_MAX_OUT]);
    cr_assert(balance_start_migration(h.k[0], last, 1), "the Dispatcher is full: the move waits");
    cr_assert_eq(state(0)->count.moves_deferred, 1);
    cr_assert(balance_has_request(h.k[0], BALANCE_PENDING_READY));
    balance_retry_ready(h.k[0], h.now_ns);
    cr_assert(balance_has_request(h.k[0], BALANCE_PENDING_READY), "still full: the move still waits");

    cr_assert_eq(kernel_pin(h.k[0], (uint32_t)pids[MIGRATE_MAX_OUT], true), 0);
    balance_retry_ready(h.k[0], h.now_ns + BALANCE_RETRY_NS);
    cr_expect(!balance_has_request(h.k[0], BALANCE_PENDING_READY), "the pinned process's move is dropped");
    cr_expect_eq(state(0)->count.moves_started, 0);
    cr_expect_eq(state(0)->count.moves_refused, 0, "dropped before migrate_start is asked");
    harness_run(&h, 100 * MS);
    cr_expect_not_null(proc_find(h.k[0], (uint32_t)pids[MIGRATE_MAX_OUT]), "it never left");
}
