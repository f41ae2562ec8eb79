/*
 * test_stock_crashpoints.c - crash-point enumeration of the running
 * Stockholder service (the CrashMonkey/ALICE method, in whole simulated
 * runs of the real `nimbus`): tests/scenarios/stock-crashpoints.json runs
 * a log writer, key-value puts from two nodes and a mkdir/rename/unlink
 * sequence against node 0's disk; for N = 1, 2, ... its disk's crash_at
 * crashes node 0 at its N-th disk request, once as the request completes
 * and once torn in service, until the disk never reaches N. After each
 * crash node 0 restarts and readers check that everything acknowledged
 * before the crash is there, intact, and that no change is half made;
 * `nimbus check-run` checks the trace (a mounted store holds the newest
 * commit reported durable) and `nimbus fs fsck` the disk image.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run_util.h"

#define RUNS NIMBUS_BINARY_DIR "/test-runs/crashpoints"
#define SCENARIO NIMBUS_SOURCE_DIR "/tests/scenarios/stock-crashpoints.json"
#define OUT RUNS "/run"
#define IMAGE RUNS "/n0.img"

/* A workload: overrides of the scenario's spawn arguments, and seeds. */
struct workload {
    const char *name;
    const char *sets; /* extra `nimbus run` arguments */
    unsigned seeds;
};

/* The number after the last `prefix` in `text`; -1 when there is none. */
static long last_number_after(const char *text, const char *prefix)
{
    long n = -1;
    for (const char *at = strstr(text, prefix); at != NULL; at = strstr(at + 1, prefix))
        n = strtol(at + strlen(prefix), NULL, 10);
    return n;
}

static unsigned occurrences(const char *text, const char *needle)
{
    unsigned n = 0;
    for (const char *at = strstr(text, needle); at != NULL; at = strstr(at + 1, needle))
        n++;
    return n;
}

/* What stockcheck found for the keys with `prefix`: the log's intact
 * records and the last intact key. */
static void stockcheck_found(const char *console, char prefix, const char *run, long *records, long *last_key)
{
    char needle[64];
    snprintf(needle, sizeof needle, "intact, kv keys %c0..", prefix);
    const char *at = strstr(console, needle);
    cr_assert_not_null(at, "%s: no stockcheck line for %c", run, prefix);
    while (at > console && at[-1] != '\n')
        at--;
    cr_assert_eq(sscanf(strstr(at, "stockcheck: "), "stockcheck: log records 1..%ld intact, kv keys %*c0..%ld",
                        records, last_key),
                 2, "%s: %.80s", run, at);
}

/* Everything acknowledged before the crash is there and intact, nothing
 * half made: the writers' console lines against the readers'. */
static void expect_acknowledged_kept(const char *run)
{
    char *console = read_file(OUT "/console.log", NULL);
    cr_assert_not_null(console, "%s: no console.log", run);
    long durable = last_number_after(console, "logwriter: durable through record ");
    long records_k, records_j, keys_k, keys_j;
    stockcheck_found(console, 'k', run, &records_k, &keys_k);
    stockcheck_found(console, 'j', run, &records_j, &keys_j);
    cr_expect_eq(occurrences(console, "stockcheck: ok\n"), 2, "%s: both stockchecks say ok", run);
    cr_expect_eq(records_k, records_j, "%s: the two readers see one log", run);
    cr_expect_geq(records_k, durable, "%s: records 1..%ld acknowledged, 1..%ld found", run, durable, records_k);
    long acked_k = last_number_after(console, "kvput: acked k"), acked_j = last_number_after(console, "kvput: acked j");
    cr_expect_geq(keys_k, acked_k, "%s: k0..%ld acknowledged, k0..%ld found", run, acked_k, keys_k);
    cr_expect_geq(keys_j, acked_j, "%s: j0..%ld acknowledged, j0..%ld found", run, acked_j, keys_j);
    long synced = last_number_after(console, "fsops: durable through op ");
    long state = last_number_after(console, "fsops: state after op ");
    cr_expect_eq(occurrences(console, "FAILED"), 0, "%s: a reader found damage", run);
    cr_expect_geq(state, synced < 0 ? 0 : synced, "%s: ops 1..%ld acknowledged, the store holds 1..%ld", run,
                  synced, state);
    free(console);
}

/* One run with crash_at `n`, checked; false when node 0's disk never
 * reached request n (that run, without a crash, is checked too). */
static bool check_crash_point(const struct workload *w, unsigned seed, unsigned n, bool torn)
{
    char run[160], args[1024];
    snprintf(run, sizeof run, "%s seed %u, crash at disk request %u%s", w->name, seed, n, torn ? " torn" : "");
    snprintf(args, sizeof args,
             "run " SCENARIO " --out " OUT " --quiet --no-progress --seed %u %s"
             " --set 'nodes[0].disk.image=\"" IMAGE "\"'"
             " --set 'nodes[0].disk.crash_at={\"request\":%u,\"torn\":%s}' > " RUNS "/run.log 2>&1",
             seed, w->sets, n, torn ? "true" : "false");
    (void)unlink(IMAGE); /* every run starts from a blank disk */
    cr_assert_eq(run_nimbus(args), 0, "%s: nimbus %s", run, args);
    char *trace = read_file(OUT "/trace.jsonl", NULL);
    cr_assert_not_null(trace, "%s", run);
    char crash_line[96];
    snprintf(crash_line, sizeof crash_line, "\"node\":0,\"ev\":\"crash\",\"disk_request\":%u}", n);
    bool crashed = strstr(trace, crash_line) != NULL;
    cr_expect_eq(occurrences(trace, "\"ev\":\"crash\""), crashed, "%s: one crash, at request %u", run, n);
    cr_expect_eq(occurrences(trace, "\"ev\":\"store_error\""), 0, "%s: the store reported an error", run);
    free(trace);
    cr_assert_eq(run_nimbus("check-run " OUT " > " RUNS "/check-run.log 2>&1"), 0, "%s: see %s", run,
                 RUNS "/check-run.log");
    cr_assert_eq(run_nimbus("fs fsck " IMAGE " > " RUNS "/fsck.log 2>&1"), 0, "%s: see %s", run, RUNS "/fsck.log");
    expect_acknowledged_kept(run);
    return crashed;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Every crash point of `w`, both ways, for each seed; the count printed. */
static void enumerate(const struct workload *w)
{
    (void)system("mkdir -p " RUNS);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned states = 0;
    for (unsigned seed = 1; seed <= w->seeds; seed++) {
        for (int torn = 0; torn <= 1; torn++) {
            unsigned n = 1;
            while (check_crash_point(w, seed, n, torn))
                n++;
            cr_assert_gt(n, 30, "%s: the workload reached only %u disk requests", w->name, n - 1);
            states += n - 1;
        }
    }
    double took = seconds_since(&t0);
    printf("crash points (%s): %u crash states checked in %.1f s, %.1f states/s\n", w->name, states, took,
           (double)states / took);
    fflush(stdout);
}

Test(stock_crashpoints, every_disk_request_of_a_small_workload)
{
    static const struct workload small = {"small workload", "", 1};
    enumerate(&small);
}

/* NIMBUS_SLOW_TESTS=1: a longer log, more puts, three seeds (each seed
 * draws other kept subsets of the write cache and other tears). */
Test(stock_crashpoints, every_disk_request_of_a_bigger_workload)
{
    const char *slow = getenv("NIMBUS_SLOW_TESTS");
    if (slow == NULL || strcmp(slow, "1") != 0)
        cr_skip_test("set NIMBUS_SLOW_TESTS=1 for the bigger sweep");
    static const struct workload bigger = {
        "bigger workload",
        "--set 'events[0].spawn.args=[\"/log\",\"40\",\"3\"]' --set 'events[1].spawn.args=[\"k\",\"12\",\"100\"]'"
        " --set 'events[2].spawn.args=[\"j\",\"12\",\"3000\"]'",
        3,
    };
    enumerate(&bigger);
}
