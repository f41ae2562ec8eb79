/*
 * bench_migrate.c - what moving a process costs, in simulated time: freeze
 * time and total time of stop-and-copy against pre-copy, on a 1 Gb/s LAN
 * with 100 us latency, for a small CPU-bound process (`worker`, a few
 * pages) and for one with a 1 MiB working set that keeps rewriting a few
 * pages, or a quarter of it (`memtouch`, user/testprogs).
 *
 * Each case is one simulator run of two 100 MIPS nodes: the process
 * starts on node 0 and is moved to node 1 at 50 ms, while it runs. The figures come from the run's trace
 * (migrate_start, migrate_round, migrate_done) and node 0's counters:
 *
 *   freeze    how long the process was frozen as the source sees it
 *             (migrate_done's freeze_us: until it handed the process over)
 *   resumed   from the freeze until the process runs on the target
 *             (migrate_install, one network delay later)
 *   total     migrate_start to migrate_done
 *   sent      bytes of migration messages (image and pages, all rounds)
 *   wire      the time node 0's link needed for every frame it sent in
 *             the run (headers, padding and Ethernet overhead included)
 *   ratio     total / wire
 *
 * Usage: bench_migrate [out_dir]   (a scratch directory; default /tmp)
 * Prints one table; exits 1 if a run fails.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal-sim/sim.h"

#define BANDWIDTH_BPS 1000000000ull
#define MIGRATE_AT_NS 50000000ull
#define WIRE_OVERHEAD 24u /* FCS, preamble and gap per frame (sim_net.h) */
#define MIN_FRAME 60u

struct bench_case {
    const char *mode;
    const char *label; /* the working set */
    const char *args;  /* the program and its arguments, as JSON */
};

struct bench_result {
    uint64_t start_ns, done_ns, install_ns, freeze_us, bytes, wire_ns;
    uint32_t rounds;
    bool done;
};

static const char *const scenario_fmt =
    "{\"name\": \"bench-migrate\", \"seed\": 1, \"duration\": \"400ms\", \"max_time\": \"10s\","
    " \"nodes\": [{\"count\": 2, \"cpu_mips\": 100, \"memory_mib\": 64}],"
    " \"network\": {\"latency\": \"100us\", \"bandwidth\": \"1Gbps\"},"
    " \"migration\": {\"mode\": \"%s\"},"
    " \"events\": ["
    "  {\"at\": \"0ms\", \"spawn\": {\"node\": 0, %s}},"
    "  {\"at\": \"50ms\", \"migrate\": {\"pid\": \"n0.1\", \"to\": 1}}]}";

static uint64_t json_u64(const char *line, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(line, pattern);
    return at != NULL ? strtoull(at + strlen(pattern), NULL, 10) : 0;
}

static void read_trace(const char *dir, struct bench_result *r)
{
    char path[1100], line[4096];
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strstr(line, "\"ev\":\"migrate_start\"") != NULL)
            r->start_ns = json_u64(line, "t");
        if (strstr(line, "\"ev\":\"migrate_install\"") != NULL)
            r->install_ns = json_u64(line, "t");
        if (strstr(line, "\"ev\":\"migrate_round\"") != NULL)
            r->rounds++;
        if (strstr(line, "\"ev\":\"migrate_done\"") != NULL) {
            r->done = true;
            r->done_ns = json_u64(line, "t");
            r->freeze_us = json_u64(line, "freeze_us");
            r->bytes = json_u64(line, "bytes");
        }
    }
    fclose(f);
}

/* Node 0's link time for everything it sent. */
static uint64_t wire_ns(const struct sim *s)
{
    struct kernel_stats st;
    sim_node_stats(&s->nodes[0], &st);
    uint64_t bits = (st.bytes_tx + st.frames_tx * WIRE_OVERHEAD) * 8u;
    return bits * 1000000000ull / BANDWIDTH_BPS;
}

static int run_case(const struct bench_case *c, const char *dir, struct bench_result *r)
{
    char text[2048], err[SCN_ERROR_BYTES];
    snprintf(text, sizeof text, scenario_fmt, c->mode, c->args);
    struct scenario scn;
    if (scenario_parse(text, strlen(text), "bench", &scn, err, sizeof err) != 0) {
        fprintf(stderr, "bench_migrate: %s\n", err);
        return -1;
    }
    struct sim_options opt = {.out_dir = dir, .seed = 1};
    static struct sim s;
    memset(&s, 0, sizeof s);
    int rc = sim_open(&s, &scn, &opt, err, sizeof err);
    if (rc == 0) {
        rc = sim_run(&s);
        if (rc != 0)
            fprintf(stderr, "bench_migrate: %s\n", s.error);
        r->wire_ns = wire_ns(&s);
        if (sim_close(&s, err, sizeof err) != 0)
            rc = -1;
    } else {
        fprintf(stderr, "bench_migrate: %s\n", err);
    }
    scenario_free(&scn);
    read_trace(dir, r);
    return rc == 0 && r->done ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "/tmp";
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/bench_migrate.XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        perror("bench_migrate: mkdtemp");
        return 1;
    }
#define WORKER "\"program\": \"worker\", \"args\": [\"1000000\"]"
#define MEMTOUCH(hot) "\"program\": \"memtouch\", \"args\": [\"1024\", \"1000000\", \"" hot "\"]"
    static const struct bench_case cases[] = {
        {"stop-and-copy", "worker", WORKER},
        {"pre-copy", "worker", WORKER},
        {"stop-and-copy", "1 MiB, 4 hot", MEMTOUCH("4")},
        {"pre-copy", "1 MiB, 4 hot", MEMTOUCH("4")},
        {"stop-and-copy", "1 MiB, 64 hot", MEMTOUCH("64")},
        {"pre-copy", "1 MiB, 64 hot", MEMTOUCH("64")},
    };
    int failed = 0;
    printf("1 Gb/s, 100 us latency, 100 MIPS nodes; memtouch moved at %llu ms\n\n",
           (unsigned long long)(MIGRATE_AT_NS / 1000000));
    printf("%-14s %-14s %7s %10s %10s %10s %9s %9s %6s\n", "mode", "process", "rounds", "freeze us",
           "resumed us", "total us", "sent KiB", "wire us", "ratio");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bench_result r = {0};
        if (run_case(&cases[i], dir, &r) != 0) {
            printf("%-14s %-14s run failed\n", cases[i].mode, cases[i].label);
            failed = 1;
            continue;
        }
        uint64_t total_us = (r.done_ns - r.start_ns) / 1000u, wire_us = r.wire_ns / 1000u;
        uint64_t resumed_us = (r.install_ns - (r.done_ns - r.freeze_us * 1000u)) / 1000u;
        printf("%-14s %-14s %7u %10llu %10llu %10llu %9llu %9llu %6.2f\n", cases[i].mode, cases[i].label,
               r.rounds, (unsigned long long)r.freeze_us, (unsigned long long)resumed_us,
               (unsigned long long)total_us,
               (unsigned long long)(r.bytes / 1024u), (unsigned long long)wire_us,
               wire_us != 0 ? (double)total_us / (double)wire_us : 0.0);
    }
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_migrate: could not remove %s\n", dir);
    return failed;
}
