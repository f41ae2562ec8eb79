/*
 * test_precopy_freeze.c - pre-copy of a write-heavy process, end to end in
 * the simulator (tests/scenarios/precopy-hot-pages.json): memtouch with a
 * 1 MiB working set rewrites 64 of its pages about every 0.4 ms, faster
 * than 1 Gb/s can send them whole, and is moved while it runs. The move
 * must freeze it for under 1 ms (migrate_done's freeze_us), take at most
 * 1.25 times the time node 0's link needed for what it sent (as
 * bench/bench_migrate measures it), and the process must finish with the
 * checksum of its whole buffer that it prints when nothing moves it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hal-sim/sim.h"
#include "hal-sim/sim_net.h"
#include "hal-sim/sim_node.h"
#include "run_util.h"

#define OUT NIMBUS_BINARY_DIR "/test-precopy-freeze"
#define SCENARIO NIMBUS_SOURCE_DIR "/tests/scenarios/precopy-hot-pages.json"
#define BANDWIDTH_BPS 1000000000ull

struct move_figures {
    uint64_t start_ns, done_ns, freeze_us;
    uint64_t wire_ns; /* node 0's link time for every frame it sent */
};

static uint64_t json_u64(const char *line, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(line, pattern);
    cr_assert_not_null(at, "no %s in %s", key, line);
    return strtoull(at + strlen(pattern), NULL, 10);
}

/* The move's figures from the run's trace. */
static void read_move(const char *dir, struct move_figures *f)
{
    char path[512], line[4096];
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    FILE *trace = fopen(path, "r");
    cr_assert_not_null(trace, "%s", path);
    uint32_t done = 0;
    while (fgets(line, sizeof line, trace) != NULL) {
        if (strstr(line, "\"ev\":\"migrate_start\"") != NULL)
            f->start_ns = json_u64(line, "t");
        if (strstr(line, "\"ev\":\"migrate_done\"") != NULL) {
            done++;
            f->done_ns = json_u64(line, "t");
            f->freeze_us = json_u64(line, "freeze_us");
        }
    }
    fclose(trace);
    cr_assert_eq(done, 1u, "the move completed once");
}

/* Run the scenario into `dir`, without its move when `moved` is false;
 * fills in node 0's wire time. */
static void run(const char *dir, bool moved, struct move_figures *f)
{
    struct scenario scn;
    char err[1024];
    cr_assert_eq(scenario_load(SCENARIO, &scn, err, sizeof err), 0, "%s", err);
    uint32_t events = scn.event_count;
    cr_assert_eq(events, 2u);
    cr_assert_eq(scn.events[1].kind, SCN_MIGRATE);
    if (!moved)
        scn.event_count = 1; /* the migrate event holds nothing to free */
    cr_assert(mkdir(OUT, 0777) == 0 || errno == EEXIST);
    cr_assert(mkdir(dir, 0777) == 0 || errno == EEXIST);
    static struct sim s;
    memset(&s, 0, sizeof s);
    struct sim_options opt = {.out_dir = dir, .seed = scn.seed};
    cr_assert_eq(sim_open(&s, &scn, &opt, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sim_run(&s), 0, "%s", s.error);
    struct kernel_stats st;
    sim_node_stats(&s.nodes[0], &st);
    f->wire_ns = (st.bytes_tx + st.frames_tx * SIM_NET_WIRE_OVERHEAD) * 8u * 1000000000ull / BANDWIDTH_BPS;
    cr_assert_eq(sim_close(&s, err, sizeof err), 0, "%s", err);
    scn.event_count = events;
    scenario_free(&scn);
}

/* The checksum line memtouch printed (console.log), without its time. */
static void checksum_line(const char *dir, char *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/console.log", dir);
    char *log = read_file(path, NULL);
    cr_assert_not_null(log, "%s", path);
    const char *line = strstr(log, "memtouch n0.1: checksum ");
    cr_assert_not_null(line, "%s", log);
    size_t len = strcspn(line, "\n");
    cr_assert_lt(len, cap);
    memcpy(out, line, len);
    out[len] = '\0';
    free(log);
}

Test(precopy, a_write_heavy_process_freezes_under_1ms_and_keeps_its_memory)
{
    struct move_figures unmoved = {0}, moved = {0};
    run(OUT "/unmoved", false, &unmoved);
    run(OUT "/moved", true, &moved);
    read_move(OUT "/moved", &moved);
    char expected[128], got[128];
    checksum_line(OUT "/unmoved", expected, sizeof expected);
    checksum_line(OUT "/moved", got, sizeof got);
    cr_expect_str_eq(got, expected, "the moved process's memory differs from the unmoved run's");
    cr_expect_lt(moved.freeze_us, 1000u, "freeze %llu us", (unsigned long long)moved.freeze_us);
    uint64_t total_ns = moved.done_ns - moved.start_ns;
    cr_expect_leq(total_ns * 4u, moved.wire_ns * 5u, "total %llu ns, wire %llu ns",
                  (unsigned long long)total_ns, (unsigned long long)moved.wire_ns);
}
