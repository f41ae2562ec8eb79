/*
 * test_stock_crashpoints.c - crash-point enumeration of the running
 * Stockholder service (the CrashMonkey/ALICE method, in whole simulated
 * runs of the real `nimbus`): tests/scenarios/stock-crashpoints.json runs
 * a log writer, key-value puts from two nodes and a mkdir/rename/unlink
 * sequence against node 0's disk, then a crash, a restart and more puts
 * on the recovered store; for N = 1, 2, ... its disk's crash_at
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
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "run_util.h"

#define RUNS NIMBUS_BINARY_DIR "/test-runs/crashpoints"
#define SCENARIO NIMBUS_SOURCE_DIR "/tests/scenarios/stock-crashpoints.json"

/* A workload: overrides of the scenario's spawn arguments, and seeds. */
struct workload {
    const char *name;
    const char *dir;  /* its runs, under RUNS: one at a time, the last kept */
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

/* What the last stockcheck for the keys with `prefix` found (the readers
 * run twice, the first time maybe cut by the crash): the log's intact
 * records and the last intact key. */
static void stockcheck_found(const char *console, char prefix, const char *run, long *records, long *last_key)
{
    char needle[64];
    snprintf(needle, sizeof needle, "intact, kv keys %c0..", prefix);
    const char *at = NULL;
    for (const char *next = strstr(console, needle); next != NULL; next = strstr(next + 1, needle))
        at = next;
    cr_assert_not_null(at, "%s: no stockcheck line for %c", run, prefix);
    while (at > console && at[-1] != '\n')
        at--;
    cr_assert_eq(sscanf(strstr(at, "stockcheck: "), "stockcheck: log records 1..%ld intact, kv keys %*c0..%ld",
                        records, last_key),
                 2, "%s: %.80s", run, at);
}

/* The key prefixes of the scenario's kvput processes: k from node 1, j
 * from node 0, m from node 0 after its first restart; one stockcheck each. */
static const char put_prefixes[] = "kjm";
#define PUTTERS (sizeof put_prefixes - 1)

/* Everything acknowledged before the crash is there and intact, nothing
 * half made: the writers' console lines against the readers'. */
static void expect_acknowledged_kept(const char *out, const char *run)
{
    char path[512];
    snprintf(path, sizeof path, "%s/console.log", out);
    char *console = read_file(path, NULL);
    cr_assert_not_null(console, "%s: no console.log", run);
    cr_expect_eq(occurrences(console, "FAILED"), 0, "%s: a reader found damage", run);
    cr_expect_geq(occurrences(console, "stockcheck: ok\n"), PUTTERS, "%s: every stockcheck says ok", run);
    long durable = last_number_after(console, "logwriter: durable through record ");
    long records[PUTTERS], keys[PUTTERS];
    for (size_t i = 0; i < PUTTERS; i++) {
        char prefix = put_prefixes[i], acked_line[32];
        stockcheck_found(console, prefix, run, &records[i], &keys[i]);
        cr_expect_eq(records[i], records[0], "%s: every reader sees one log", run);
        snprintf(acked_line, sizeof acked_line, "kvput: acked %c", prefix);
        long acked = last_number_after(console, acked_line);
        cr_expect_geq(keys[i], acked, "%s: %c0..%ld acknowledged, %c0..%ld found", run, prefix, acked, prefix,
                      keys[i]);
    }
    cr_expect_geq(records[0], durable, "%s: records 1..%ld acknowledged, 1..%ld found", run, durable, records[0]);
    long synced = last_number_after(console, "fsops: durable through op ");
    long state = last_number_after(console, "fsops: state after op ");
    cr_expect_geq(state, synced < 0 ? 0 : synced, "%s: ops 1..%ld acknowledged, the store holds 1..%ld", run,
                  synced, state);
    free(console);
}

/* `nimbus <command>` (its output into `log`) must succeed. */
static void expect_nimbus_ok(const char *run, const char *command, const char *log)
{
    char args[1024];
    snprintf(args, sizeof args, "%s > %s 2>&1", command, log);
    cr_assert_eq(run_nimbus(args), 0, "%s: nimbus %s", run, args);
}

/* The summary of a run whose disk never reached request n says so, and
 * that it served n - 1 (crash_at n - 1 did crash, and nothing before a
 * crash_at depends on it). */
static void expect_never_reached(const char *dir, unsigned n, const char *run)
{
    char path[256], line[128];
    snprintf(path, sizeof path, "%s/run.log", dir);
    char *log = read_file(path, NULL);
    cr_assert_not_null(log, "%s", path);
    snprintf(line, sizeof line, "  crash_at: node 0 never reached disk request %u (its disk served %u)\n", n, n - 1);
    cr_expect_not_null(strstr(log, line), "%s: %s", run, log);
    free(log);
}

/* One run with crash_at `n`, checked; false when node 0's disk never
 * reached request n (that run, without a crash, is checked too). */
static bool check_crash_point(const struct workload *w, unsigned seed, unsigned n, bool torn)
{
    char run[160], dir[200], out[256], image[256], log[320], cmd[1024];
    snprintf(run, sizeof run, "%s seed %u, crash at disk request %u%s", w->name, seed, n, torn ? " torn" : "");
    snprintf(dir, sizeof dir, RUNS "/%s", w->dir);
    snprintf(out, sizeof out, "%s/run", dir);
    snprintf(image, sizeof image, "%s/n0.img", dir);
    snprintf(cmd, sizeof cmd,
             "run " SCENARIO " --out %s --quiet --no-progress --seed %u %s --set 'nodes[0].disk.image=\"%s\"'"
             " --set 'nodes[0].disk.crash_at={\"request\":%u,\"torn\":%s}'",
             out, seed, w->sets, image, n, torn ? "true" : "false");
    (void)unlink(image); /* every run starts from a blank disk */
    snprintf(log, sizeof log, "%s/run.log", dir);
    expect_nimbus_ok(run, cmd, log);
    snprintf(log, sizeof log, "%s/trace.jsonl", out);
    char *trace = read_file(log, NULL);
    cr_assert_not_null(trace, "%s", run);
    char crash_line[96];
    snprintf(crash_line, sizeof crash_line, "\"node\":0,\"ev\":\"crash\",\"disk_request\":%u}", n);
    bool crashed = strstr(trace, crash_line) != NULL;
    cr_expect_eq(occurrences(trace, "\"disk_request\""), crashed, "%s: crash_at crashed once, at request %u", run,
                 n);
    cr_expect_eq(occurrences(trace, "\"ev\":\"store_error\""), 0, "%s: the store reported an error", run);
    free(trace);
    if (!crashed)
        expect_never_reached(dir, n, run);
    snprintf(cmd, sizeof cmd, "check-run %s", out);
    snprintf(log, sizeof log, "%s/check-run.log", dir);
    expect_nimbus_ok(run, cmd, log);
    snprintf(cmd, sizeof cmd, "fs fsck %s", image);
    snprintf(log, sizeof log, "%s/fsck.log", dir);
    expect_nimbus_ok(run, cmd, log);
    expect_acknowledged_kept(out, run);
    return crashed;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* CPU seconds (user and system) of the `nimbus` commands run so far. */
static double children_cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void make_run_dir(const struct workload *w)
{
    char mkdir[320];
    snprintf(mkdir, sizeof mkdir, "mkdir -p " RUNS "/%s", w->dir);
    cr_assert_eq(system(mkdir), 0, "%s", mkdir);
}

/* Every crash point of `w`, both ways, for each seed; the count printed. */
static void enumerate(const struct workload *w)
{
    make_run_dir(w);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double cpu0 = children_cpu_seconds();
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
    double took = seconds_since(&t0), cpu = children_cpu_seconds() - cpu0;
    printf("crash points (%s): %u crash states checked in %.1f s (%.1f s of CPU): %.1f states/s, "
           "%.1f per CPU second\n",
           w->name, states, took, cpu, (double)states / took, (double)states / cpu);
    fflush(stdout);
}

Test(stock_crashpoints, every_disk_request_of_a_small_workload)
{
    static const struct workload small = {"small workload", "small", "", 1};
    enumerate(&small);
}

/* NIMBUS_SLOW_TESTS=1: a longer log and more puts, over three seeds (each
 * draws other kept subsets of the write cache and other tears), then with
 * a cache that loses everything and with no write cache. */
#define BIGGER                                                                                               \
    "--set 'events[0].spawn.args=[\"/log\",\"40\",\"3\"]' --set 'events[1].spawn.args=[\"k\",\"12\",\"100\"]'" \
    " --set 'events[2].spawn.args=[\"j\",\"12\",\"3000\"]'"

Test(stock_crashpoints, every_disk_request_of_bigger_workloads)
{
    const char *slow = getenv("NIMBUS_SLOW_TESTS");
    if (slow == NULL || strcmp(slow, "1") != 0)
        cr_skip_test("set NIMBUS_SLOW_TESTS=1 for the bigger sweeps");
    static const struct workload bigger[] = {
        {"bigger workload", "bigger", BIGGER, 3},
        {"bigger workload, lose-all", "lose-all", BIGGER " --set 'nodes[0].disk.crash=\"lose-all\"'", 1},
        {"bigger workload, no write cache", "no-cache", BIGGER " --set nodes[0].disk.write_cache=false", 1},
    };
    for (size_t i = 0; i < sizeof bigger / sizeof bigger[0]; i++)
        enumerate(&bigger[i]);
}

/* The bug the enumeration found: a crash while the first boot formats the
 * disk (request 6 is the FUA write of the first commit's superblock, to
 * block 1; torn, it leaves block 1 neither blank nor valid and block 0
 * blank) left a disk every later boot refused as damaged. It is now
 * formatted again after the restart. */
Test(stock_crashpoints, a_crash_while_formatting_leaves_a_disk_that_formats_again)
{
    static const struct workload one = {"format crash", "format", "", 1};
    make_run_dir(&one);
    cr_assert(check_crash_point(&one, 1, 6, true));
    char *trace = read_file(RUNS "/format/run/trace.jsonl", NULL);
    cr_assert_not_null(trace);
    cr_expect_not_null(strstr(trace, "\"ev\":\"disk_crash\",\"lost\":0,\"kept\":0,\"torn\":1,"), "torn");
    cr_expect_eq(occurrences(trace, "\"ev\":\"store_mount\""), 1, "the first format never finished");
    cr_expect_eq(occurrences(trace, "\"formatted\":1}"), 1, "formatted after the restart");
    free(trace);
}
