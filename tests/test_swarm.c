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

#include "hal-sim/scenario.h"
#include "run_util.h"
#include "swarm/swarm_faults.h"

#define MS 1000000ull

Test(swarm_faults, a_seed_names_one_schedule_within_its_bounds)
{
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        struct swarm_schedule a, b;
        swarm_faults_draw(seed, 8, 100 * MS, &a);
        swarm_faults_draw(seed, 8, 100 * MS, &b);
        cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "seed %llu drew two schedules", (unsigned long long)seed);
        cr_assert_leq(a.count, SWARM_MAX_FAULTS);
        for (size_t i = 0; i < a.count; i++) {
            const struct swarm_fault *f = &a.faults[i];
            if (f->kind == SWARM_LOSS)
                cr_assert(f->value >= 1 && f->value <= SWARM_MAX_LOSS_MILLI);
            if (f->kind == SWARM_CRASH)
                cr_assert(f->value < 8 && f->at_ns < 100 * MS && (f->until_ns == 0 || f->until_ns > f->at_ns));
            if (f->kind == SWARM_PARTITION) {
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
    unsigned kinds[4] = {0}, restarts = 0, never = 0;
    struct swarm_schedule first;
    swarm_faults_draw(1, 4, 50 * MS, &first);
    bool differ = false;
    for (uint64_t seed = 2; seed <= 500; seed++) {
        struct swarm_schedule s;
        swarm_faults_draw(seed, 4, 50 * MS, &s);
        differ |= memcmp(&s, &first, sizeof s) != 0;
        for (size_t i = 0; i < s.count; i++) {
            kinds[s.faults[i].kind]++;
            if (s.faults[i].kind == SWARM_CRASH)
                s.faults[i].until_ns ? restarts++ : never++;
        }
    }
    cr_expect(differ);
    for (int k = 0; k < 4; k++)
        cr_expect_gt(kinds[k], 50, "kind %d drawn %u times", k, kinds[k]);
    cr_expect_gt(restarts, 0);
    cr_expect_gt(never, 0);
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
        swarm_faults_draw(seed, 8, 100 * MS, &s);
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

Test(swarm_faults, described_for_people)
{
    char line[128];
    struct swarm_fault crash = {.kind = SWARM_CRASH, .value = 3, .at_ns = 12500000, .until_ns = 40 * MS};
    swarm_fault_describe(&crash, line, sizeof line);
    cr_expect_str_eq(line, "crash node 3 at 12.5ms, restart at 40ms");
    struct swarm_fault loss = {.kind = SWARM_LOSS, .value = 23};
    swarm_fault_describe(&loss, line, sizeof line);
    cr_expect_str_eq(line, "loss 2.3% of frames");
}

Test(swarm, every_seed_is_run_checked_and_summarised, .timeout = 120)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s/nimbus swarm %s/scenarios/pingpong.json --seeds 6 --jobs 2 --out test-runs/swarm/pingpong "
             "> test-runs/swarm-out.txt 2>&1",
             NIMBUS_BINARY_DIR, NIMBUS_SOURCE_DIR);
    cr_assert_eq(system("mkdir -p test-runs/swarm"), 0);
    int rc = system(cmd);
    size_t len;
    char *out = read_file("test-runs/swarm-out.txt", &len);
    cr_assert_eq(WEXITSTATUS(rc), 0, "%s", out);
    cr_expect(strstr(out, "test-runs/swarm/pingpong: 6 of 6 seeds run, 0 broke an invariant;") != NULL, "%s", out);
    free(out);
    for (int seed = 1; seed <= 6; seed++) {
        char path[256];
        snprintf(path, sizeof path, "test-runs/swarm/pingpong/seed-%d/check.txt", seed);
        FILE *f = fopen(path, "r");
        cr_expect_not_null(f, "%s", path);
        if (f != NULL)
            fclose(f);
    }
}
