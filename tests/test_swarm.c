/*
 * test_swarm.c - swarms (swarm/): a seed names one fault schedule, within
 * its bounds, that every scenario it is added to still accepts; the
 * command runs, checks and summarises seeds.
 */
#include <criterion/criterion.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal-sim/scenario.h"
#include "run_util.h"
#include "swarm/swarm_faults.h"
#include "swarm/swarm_shrink.h"

#define MS 1000000ull

Test(swarm_faults, a_seed_names_one_schedule_within_its_bounds)
{
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        struct swarm_schedule a, b;
        swarm_faults_draw(seed, 8, 100 * MS, false, &a);
        swarm_faults_draw(seed, 8, 100 * MS, false, &b);
        cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "seed %llu drew two schedules", (unsigned long long)seed);
        cr_assert_leq(a.count, SWARM_MAX_FAULTS);
        for (size_t i = 0; i < a.count; i++) {
            const struct swarm_fault *f = &a.faults[i];
            if (f->kind == SWARM_LOSS)
                cr_assert(f->value >= 1 && f->value <= SWARM_MAX_LOSS_MILLI);
            if (f->kind == SWARM_CRASH)
                cr_assert(f->value < 8 && f->at_ns < 100 * MS && (f->until_ns == 0 || f->until_ns > f->at_ns));
            if (f->kind == SWARM_DUPLICATE)
                cr_assert(f->value >= 1 && f->value <= SWARM_MAX_DUPLICATE_MILLI);
            if (f->kind == SWARM_CORRUPT)
                cr_assert(f->value >= 1 && f->value <= SWARM_MAX_CORRUPT_MILLI);
            if (f->kind == SWARM_PAUSE)
                cr_assert(f->value < 8 && f->at_ns < 100 * MS && f->until_ns > f->at_ns &&
                          f->until_ns - f->at_ns <= SWARM_LONG_PAUSE_NS + 2000 * MS);
            if (f->kind == SWARM_DRIFT)
                cr_assert(f->value < 8 && f->drift_ppm != 0 && f->drift_ppm >= -(int32_t)SWARM_MAX_DRIFT_PPM &&
                          f->drift_ppm <= (int32_t)SWARM_MAX_DRIFT_PPM);
            if (f->kind == SWARM_FLAP)
                cr_assert(f->count >= 2 && f->count <= SWARM_MAX_FLAPS && f->every_ns <= SWARM_MAX_FLAP_PERIOD_NS &&
                              f->until_ns - f->at_ns >= MS && f->until_ns - f->at_ns < f->every_ns,
                          "seed %llu: a flap that never heals or never cuts", (unsigned long long)seed);
            if (f->kind == SWARM_PARTITION || f->kind == SWARM_ONE_WAY || f->kind == SWARM_FLAP) {
                unsigned ones = 0;
                for (int n = 0; n < 8; n++)
                    ones += f->side[n];
                cr_assert(ones >= 1 && ones <= 7, "seed %llu: a partition with an empty side",
                          (unsigned long long)seed);
                cr_assert(f->until_ns > f->at_ns);
            }
        }
    }
}

Test(swarm_faults, seeds_differ_and_use_every_kind_of_fault)
{
    unsigned kinds[SWARM_KIND_COUNT] = {0}, restarts = 0, never = 0, long_pauses = 0;
    struct swarm_schedule first;
    swarm_faults_draw(1, 4, 50 * MS, false, &first);
    bool differ = false;
    for (uint64_t seed = 2; seed <= 500; seed++) {
        struct swarm_schedule s;
        swarm_faults_draw(seed, 4, 50 * MS, false, &s);
        differ |= memcmp(&s, &first, sizeof s) != 0;
        for (size_t i = 0; i < s.count; i++) {
            kinds[s.faults[i].kind]++;
            if (s.faults[i].kind == SWARM_CRASH)
                s.faults[i].until_ns ? restarts++ : never++;
            if (s.faults[i].kind == SWARM_PAUSE)
                long_pauses += s.faults[i].until_ns - s.faults[i].at_ns >= SWARM_LONG_PAUSE_NS;
        }
    }
    cr_expect(differ);
    for (int k = 0; k < SWARM_KIND_COUNT; k++)
        cr_expect_gt(kinds[k], 50, "kind %d drawn %u times", k, kinds[k]);
    cr_expect_gt(restarts, 0);
    cr_expect_gt(never, 0);
    cr_expect_gt(long_pauses, 20, "some pauses outlast peer suspicion");
}

/* --every-fault: each kind in every schedule, the counted ones at their
 * most; where and when are the seed's, as without it. */
Test(swarm_faults, every_fault_puts_every_kind_in_every_schedule)
{
    for (uint64_t seed = 1; seed <= 200; seed++) {
        struct swarm_schedule all, some;
        swarm_faults_draw(seed, 8, 100 * MS, true, &all);
        swarm_faults_draw(seed, 8, 100 * MS, false, &some);
        unsigned kinds[SWARM_KIND_COUNT] = {0};
        for (size_t i = 0; i < all.count; i++)
            kinds[all.faults[i].kind]++;
        cr_expect_eq(kinds[SWARM_CRASH], SWARM_MAX_CRASHES, "seed %llu", (unsigned long long)seed);
        cr_expect_eq(kinds[SWARM_PARTITION], SWARM_MAX_PARTITIONS, "seed %llu", (unsigned long long)seed);
        cr_expect_eq(kinds[SWARM_PAUSE], SWARM_MAX_PAUSES, "seed %llu", (unsigned long long)seed);
        for (int k = 0; k < SWARM_KIND_COUNT; k++)
            cr_expect_gt(kinds[k], 0, "seed %llu: kind %d missing", (unsigned long long)seed, k);
        /* The first fault of both is drawn from the same numbers. */
        cr_expect_eq(all.faults[0].kind, SWARM_LOSS);
        if (some.count > 0 && some.faults[0].kind == SWARM_LOSS)
            cr_expect_eq(all.faults[0].value, some.faults[0].value, "seed %llu", (unsigned long long)seed);
    }
}

Test(swarm_faults, the_scenario_with_any_schedule_still_loads)
{
    char err[SCN_ERROR_BYTES];
    size_t len;
    char *text = read_file(NIMBUS_SOURCE_DIR "/scenarios/chatty-8.json", &len);
    cr_assert_not_null(text);
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    cr_assert_not_null(root);
    for (uint64_t seed = 1; seed <= 200; seed++) {
        struct swarm_schedule s;
        swarm_faults_draw(seed, 8, 100 * MS, false, &s);
        cJSON *copy = cJSON_Duplicate(root, true);
        swarm_faults_apply(&s, (1u << s.count) - 1u, copy);
        char *out = cJSON_Print(copy);
        struct scenario scn;
        cr_assert_eq(scenario_parse(out, strlen(out), "swarm.json", &scn, err, sizeof err), 0, "seed %llu: %s",
                     (unsigned long long)seed, err);
        scenario_free(&scn);
        free(out);
        cJSON_Delete(copy);
    }
    cJSON_Delete(root);
}

/* hotspot-16 has one group of 16 nodes: a drift splits it, and the
 * drift lands on its node and nowhere else. */
Test(swarm_faults, a_drift_lands_on_its_node)
{
    size_t len;
    char *text = read_file(NIMBUS_SOURCE_DIR "/scenarios/hotspot-16.json", &len);
    cr_assert_not_null(text);
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    struct swarm_schedule s = {.count = 2};
    s.faults[0] = (struct swarm_fault){.kind = SWARM_DRIFT, .value = 13, .drift_ppm = -4321};
    s.faults[1] = (struct swarm_fault){.kind = SWARM_DRIFT, .value = 2, .drift_ppm = 77};
    swarm_faults_apply(&s, 3u, root);
    char *out = cJSON_Print(root), err[SCN_ERROR_BYTES];
    struct scenario scn;
    cr_assert_eq(scenario_parse(out, strlen(out), "swarm.json", &scn, err, sizeof err), 0, "%s", err);
    cr_assert_eq(scn.node_count, 16);
    for (uint32_t i = 0; i < 16; i++)
        cr_assert_eq(scn.nodes[i].clock_drift_ppm, i == 13 ? -4321 : i == 2 ? 77 : 0, "node %u", i);
    scenario_free(&scn);
    free(out);
    cJSON_Delete(root);
}

Test(swarm_faults, a_flap_is_a_partition_and_a_heal_that_repeat)
{
    cJSON *root = cJSON_Parse("{\"nodes\": [{\"count\": 3}]}");
    struct swarm_schedule s = {.count = 1};
    s.faults[0] = (struct swarm_fault){.kind = SWARM_FLAP, .at_ns = 2 * MS, .until_ns = 5 * MS,
                                       .every_ns = 10 * MS, .count = 4, .side = {0, 1, 0}};
    swarm_faults_apply(&s, 1u, root);
    char *out = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(root, "events"));
    cr_assert_str_eq(out, "[{\"at\":\"2ms\",\"partition\":{\"groups\":[[1]]},\"repeat\":{\"every\":\"10ms\",\"count\":4}},"
                          "{\"at\":\"5ms\",\"heal\":{},\"repeat\":{\"every\":\"10ms\",\"count\":4}}]");
    free(out);
    cJSON_Delete(root);
}

Test(swarm_faults, described_for_people)
{
    char line[128];
    struct swarm_fault crash = {.kind = SWARM_CRASH, .value = 3, .at_ns = 12500000, .until_ns = 40 * MS};
    swarm_fault_describe(&crash, line, sizeof line);
    cr_expect_str_eq(line, "crash node 3 at 12.5ms, restart at 40ms");
    struct swarm_fault loss = {.kind = SWARM_LOSS, .value = 23};
    swarm_fault_describe(&loss, line, sizeof line);
    cr_expect_str_eq(line, "loss 2.3% of frames");
    const struct {
        struct swarm_fault f;
        const char *want;
    } cases[] = {
        {{.kind = SWARM_DUPLICATE, .value = 105}, "duplicate 10.5% of frames"},
        {{.kind = SWARM_CORRUPT, .value = 4}, "corrupt 0.4% of frames"},
        {{.kind = SWARM_ONE_WAY, .at_ns = MS, .until_ns = 3 * MS}, "one-way partition at 1ms, heal at 3ms"},
        {{.kind = SWARM_FLAP, .at_ns = 4 * MS, .until_ns = 7 * MS, .every_ns = 10 * MS, .count = 5},
         "flapping partition from 4ms: down 3ms of every 10ms, 5 times"},
        {{.kind = SWARM_PAUSE, .value = 6, .at_ns = 2 * MS, .until_ns = 5502 * MS},
         "pause node 6 at 2ms, resume at 5.502s"},
        {{.kind = SWARM_DRIFT, .value = 1, .drift_ppm = -2500}, "clock of node 1 -2500 ppm"},
        {{.kind = SWARM_DRIFT, .value = 0, .drift_ppm = 90}, "clock of node 0 +90 ppm"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        swarm_fault_describe(&cases[i].f, line, sizeof line);
        cr_expect_str_eq(line, cases[i].want);
    }
}

/* Run a 6-seed pingpong swarm into test-runs/swarm/<name> with `extra`
 * options; expect every seed to pass. */
static void run_pingpong_swarm(const char *name, const char *extra)
{
    char cmd[1024], want[256];
    snprintf(cmd, sizeof cmd,
             "rm -rf test-runs/swarm/%s && %s/nimbus swarm %s/scenarios/pingpong.json --seeds 6 --jobs 2 "
             "--out test-runs/swarm/%s %s > test-runs/swarm-%s.txt 2>&1",
             name, NIMBUS_BINARY_DIR, NIMBUS_SOURCE_DIR, name, extra, name);
    cr_assert_eq(system("mkdir -p test-runs/swarm"), 0);
    int rc = system(cmd);
    size_t len;
    snprintf(want, sizeof want, "test-runs/swarm-%s.txt", name);
    char *out = read_file(want, &len);
    cr_assert_eq(WEXITSTATUS(rc), 0, "%s", out);
    snprintf(want, sizeof want, "test-runs/swarm/%s: 6 of 6 seeds run, 0 broke an invariant;", name);
    cr_expect(strstr(out, want) != NULL, "%s", out);
    free(out);
}

static bool seed_checked(const char *name, int seed)
{
    char path[256];
    snprintf(path, sizeof path, "test-runs/swarm/%s/seed-%d/check.txt", name, seed);
    return access(path, F_OK) == 0;
}

Test(swarm, every_seed_is_run_checked_and_a_passing_one_removed, .timeout = 120)
{
    run_pingpong_swarm("pingpong", "");
    char *out = read_file("test-runs/swarm-pingpong.txt", NULL);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "nimbus swarm: [1/6 runs done, 0 failed, ") != NULL, "progress in a log:\n%s", out);
    cr_expect(strstr(out, "[2/6") == NULL, "only after the 1st, 10th, 100th... seed:\n%s", out);
    free(out);
    for (int seed = 1; seed <= 6; seed++)
        cr_expect_not(seed_checked("pingpong", seed), "seed %d passed: its outputs should be gone", seed);
}

Test(swarm, keep_runs_keeps_passing_seeds, .timeout = 120)
{
    run_pingpong_swarm("pingpong-kept", "--keep-runs --no-progress");
    char *out = read_file("test-runs/swarm-pingpong-kept.txt", NULL);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "runs done") == NULL, "--no-progress:\n%s", out);
    free(out);
    for (int seed = 1; seed <= 6; seed++)
        cr_expect(seed_checked("pingpong-kept", seed), "seed %d: check.txt kept", seed);
}

/* ---- shrinking, over a failure of known cause ----------------------------- */

/* A schedule "fails" when it holds every fault of `needed` (a failure
 * that takes two faults together) and, unless any_of is 0, one of
 * `any_of` (one that either of two faults causes alone). Each question is
 * counted. With both 0 it always fails. */
struct synthetic_failure {
    uint32_t needed, any_of;
    unsigned asked;
};

static bool synthetic_still_fails(void *ctx, uint32_t keep)
{
    struct synthetic_failure *f = ctx;
    f->asked++;
    return (keep & f->needed) == f->needed && (f->any_of == 0 || (keep & f->any_of) != 0);
}

Test(swarm_shrink, keeps_exactly_the_faults_a_failure_needs)
{
    struct synthetic_failure f = {.needed = 1u << 2 | 1u << 9};
    cr_assert_eq(swarm_shrink_mask(12, synthetic_still_fails, &f, NULL), 1u << 2 | 1u << 9);
    /* One pass asks about all 12 and leaves out the 10 others; a second
     * asks about the 2 left and finds neither can go. */
    cr_assert_eq(f.asked, 14);
}

Test(swarm_shrink, keeps_one_of_two_faults_that_fail_alone)
{
    struct synthetic_failure f = {.any_of = 1u << 3 | 1u << 7};
    cr_assert_eq(swarm_shrink_mask(SWARM_MAX_FAULTS, synthetic_still_fails, &f, NULL), 1u << 7,
                 "fault 3 goes first, while 7 still fails; 7 cannot go then");
}

Test(swarm_shrink, a_failure_without_faults_shrinks_to_none)
{
    struct synthetic_failure f = {0};
    cr_assert_eq(swarm_shrink_mask(5, synthetic_still_fails, &f, NULL), 0u);
    struct synthetic_failure never = {.needed = 1u << 31};
    cr_assert_eq(swarm_shrink_mask(5, synthetic_still_fails, &never, NULL), 0x1Fu, "nothing smaller fails: all stay");
}

/* A failure caused by two of the new kinds together: a flapping
 * partition and corruption. Over a drawn schedule that holds both among
 * many other faults, the shrinker keeps exactly those two. */
struct kinds_failure {
    const struct swarm_schedule *s;
};

static bool flap_and_corrupt_fail(void *ctx, uint32_t keep)
{
    const struct swarm_schedule *s = ((struct kinds_failure *)ctx)->s;
    bool flap = false, corrupt = false;
    for (size_t i = 0; i < s->count; i++) {
        if ((keep & (1u << i)) == 0)
            continue;
        flap |= s->faults[i].kind == SWARM_FLAP;
        corrupt |= s->faults[i].kind == SWARM_CORRUPT;
    }
    return flap && corrupt;
}

Test(swarm_shrink, a_drawn_schedule_shrinks_to_the_two_faults_that_fail)
{
    struct swarm_schedule s;
    uint64_t seed = 1;
    for (;; seed++) {
        swarm_faults_draw(seed, 8, 100 * MS, false, &s);
        if (s.count >= 8 && flap_and_corrupt_fail(&(struct kinds_failure){&s}, UINT32_MAX))
            break;
    }
    uint32_t want = 0;
    for (size_t i = 0; i < s.count; i++)
        if (s.faults[i].kind == SWARM_FLAP || s.faults[i].kind == SWARM_CORRUPT)
            want |= 1u << i;
    cr_assert_eq(__builtin_popcount(want), 2, "one of each per schedule");
    struct kinds_failure ctx = {&s};
    cr_assert_eq(swarm_shrink_mask(s.count, flap_and_corrupt_fail, &ctx, NULL), want, "seed %llu",
                 (unsigned long long)seed);
}

Test(swarm_shrink, an_interrupt_stops_with_what_it_has)
{
    struct synthetic_failure f = {.any_of = UINT32_MAX};
    volatile sig_atomic_t stop = 1;
    cr_assert_eq(swarm_shrink_mask(4, synthetic_still_fails, &f, &stop), 0xFu);
    cr_assert_eq(f.asked, 0);
}
