/*
 * test_spawn_count.c - a spawn with a "count" is the same run as the spawn
 * written that many times (byte for byte), and its processes are numbered
 * in the documented order (docs/scenarios.md, "spawn").
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_util.h"

#define RUNS NIMBUS_BINARY_DIR "/test-runs/spawn-count"

static void run_into(const char *scenario, const char *out)
{
    char args[2048];
    snprintf(args, sizeof args, "run %s/tests/scenarios/%s --out %s/%s --quiet > %s/%s.log 2>&1",
             NIMBUS_SOURCE_DIR, scenario, RUNS, out, RUNS, out);
    cr_assert_eq(system("mkdir -p " RUNS), 0);
    cr_assert_eq(run_nimbus(args), 0, "nimbus %s failed", args);
}

/* `path`'s text without its "scenario_sha256" line (malloc'd). */
static char *without_scenario_hash(const char *path)
{
    char *text = read_file(path, NULL);
    cr_assert_not_null(text, "%s", path);
    char *line = strstr(text, "  \"scenario_sha256\": ");
    cr_assert_not_null(line, "%s has no scenario_sha256", path);
    char *end = strchr(line, '\n');
    memmove(line, end + 1, strlen(end + 1) + 1);
    return text;
}

Test(spawn_count, is_the_same_run_as_the_spawn_written_count_times)
{
    run_into("spawn-count.json", "count");
    run_into("spawn-pasted.json", "pasted");
    static const char *const outputs[] = {"trace.jsonl", "net.pcap", "console.log"};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, RUNS "/count/%s", outputs[i]);
        snprintf(b, sizeof b, RUNS "/pasted/%s", outputs[i]);
        cr_expect(files_equal(a, b), "%s differs", outputs[i]);
    }
    /* The two files' texts differ, so their hashes do; nothing else may. */
    char *count = without_scenario_hash(RUNS "/count/metrics.json");
    char *pasted = without_scenario_hash(RUNS "/pasted/metrics.json");
    cr_expect_str_eq(count, pasted);
    free(count);
    free(pasted);
}

/* With "node": "all", copy k is spawned on every node before copy k+1, so
 * node i's processes are n<i>.1 .. n<i>.3 in that order. */
Test(spawn_count, copies_go_round_the_nodes_in_order)
{
    run_into("spawn-count.json", "order");
    cr_expect_eq(count_trace_events(RUNS "/order", "spawn", NULL, NULL), 6);
    char *trace = read_file(RUNS "/order/trace.jsonl", NULL);
    cr_assert_not_null(trace);
    static const char *const order[] = {"n0.1", "n1.1", "n0.2", "n1.2", "n0.3", "n1.3"};
    const char *at = trace;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        char field[64];
        snprintf(field, sizeof field, "\"ev\":\"spawn\",\"pid\":\"%s\"", order[i]);
        const char *found = strstr(at, field);
        cr_assert_not_null(found, "spawn of %s missing or out of order", order[i]);
        at = found;
        cr_expect(console_contains(RUNS "/order", order[i]));
    }
    free(trace);
}

/* docs/scenarios.md shows spawn-count.json as it is. */
Test(spawn_count, the_documented_example_is_the_tested_file)
{
    char *doc = read_file(NIMBUS_SOURCE_DIR "/docs/scenarios.md", NULL);
    char *file = read_file(NIMBUS_SOURCE_DIR "/tests/scenarios/spawn-count.json", NULL);
    cr_assert(doc != NULL && file != NULL);
    cr_expect_not_null(strstr(doc, file), "docs/scenarios.md does not show tests/scenarios/spawn-count.json as it is");
    free(doc);
    free(file);
}
