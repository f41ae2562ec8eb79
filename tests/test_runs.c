/*
 * test_runs.c - end-to-end: the real `nimbus` command runs the shipped
 * scenarios, and the outcomes users rely on are checked in what it wrote.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_util.h"

#define RUNS NIMBUS_BINARY_DIR "/test-runs"

/* Run the scenario at `scenario` (relative to the repository) into RUNS/out. */
static int run_scenario(const char *scenario, const char *out, const char *extra)
{
    char args[2048];
    snprintf(args, sizeof args, "run %s/%s --out %s/%s --quiet %s > %s/%s.log 2>&1",
             NIMBUS_SOURCE_DIR, scenario, RUNS, out, extra, RUNS, out);
    (void)system("mkdir -p " RUNS);
    return run_nimbus(args);
}

Test(runs, hello_prints_and_exits)
{
    cr_assert_eq(run_scenario("scenarios/hello.json", "hello", ""), 0);
    cr_expect(console_contains(RUNS "/hello", "hello from n0.1"));
    cr_expect_eq(count_trace_events(RUNS "/hello", "exit", "pid", "n0.1"), 1);
    cr_expect_eq(count_trace_events(RUNS "/hello", "end", NULL, NULL), 1);
}

/* The trace names a stack overflow and its address: the first store
 * under the 64 KiB limit (0xff0000), which straddles it. */
Test(runs, a_stack_past_its_limit_is_traced_as_an_overflow_at_the_limit)
{
    cr_assert_eq(run_scenario("tests/scenarios/stack.json", "stack", ""), 0);
    cr_expect(console_contains(RUNS "/stack", "stackuse n0.1: checksum "));
    cr_expect_eq(count_trace_events(RUNS "/stack", "fault", NULL, NULL), 1);
    cr_expect_eq(count_trace_events(RUNS "/stack", "fault", "reason", "stack_overflow"), 1);
    char *trace = read_file(RUNS "/stack/trace.jsonl", NULL);
    cr_assert_not_null(trace);
    cr_expect_not_null(strstr(trace, "\"reason\":\"stack_overflow\",\"pc\":"), "the fault's fields");
    cr_expect_not_null(strstr(trace, "\"addr\":16711678}"), "the address 0xfefffe");
    free(trace);
}

Test(runs, pingpong_completes_every_round)
{
    cr_assert_eq(run_scenario("scenarios/pingpong.json", "pingpong", ""), 0);
    cr_expect(console_contains(RUNS "/pingpong", "server: answered 100 pings"));
    cr_expect(console_contains(RUNS "/pingpong", "client: 100 round trips"));
    /* 100 pings and 100 pongs, each delivered exactly once. */
    cr_expect_eq(count_trace_events(RUNS "/pingpong", "deliver", "pid", "n0.1"), 100);
    cr_expect_eq(count_trace_events(RUNS "/pingpong", "deliver", "pid", "n1.1"), 100);
    cr_expect_eq(count_trace_events(RUNS "/pingpong", "fault", NULL, NULL), 0);
}

Test(runs, lossy_pingpong_loses_nothing)
{
    cr_assert_eq(run_scenario("scenarios/lossy-pingpong.json", "lossy", ""), 0);
    cr_expect(console_contains(RUNS "/lossy", "client: 200 round trips"));
    cr_expect_eq(count_trace_events(RUNS "/lossy", "deliver", "pid", "n0.1"), 200);
    cr_expect_eq(count_trace_events(RUNS "/lossy", "deliver", "pid", "n1.1"), 200);
    cr_expect_gt(count_trace_events(RUNS "/lossy", "frame_lost", NULL, NULL), 0, "the run lost no frames");
    cr_expect_gt(count_trace_events(RUNS "/lossy", "retransmit", NULL, NULL), 0);
}

Test(runs, ring_64_every_lap_arrives)
{
    cr_assert_eq(run_scenario("scenarios/ring-64.json", "ring", ""), 0);
    for (int lap = 1; lap <= 10; lap++) {
        char line[64];
        snprintf(line, sizeof line, "lap %d done at", lap);
        cr_expect(console_contains(RUNS "/ring", line), "missing \"%s\"", line);
    }
    cr_expect_eq(count_trace_events(RUNS "/ring", "exit", NULL, NULL), 64);
    for (int node = 0; node < 64; node++) {
        char line[64];
        snprintf(line, sizeof line, "ring member n%d.1 exiting after 10 tokens", node);
        cr_expect(console_contains(RUNS "/ring", line), "missing \"%s\"", line);
    }
}

/* The target: over 10,000 moves of processes that are sending
 * and receiving, and no message lost, duplicated or reordered. */
Test(runs, ten_thousand_migrations_lose_no_message, .timeout = 600)
{
    cr_assert_eq(run_scenario("bench/scenarios/chatty-10k.json", "chatty", ""), 0);
    cr_expect_eq(count_trace_events(RUNS "/chatty", "console", "text", "sink: 70000 messages in order\n"), 4);
    cr_expect_gt(count_trace_events(RUNS "/chatty", "migrate_done", NULL, NULL), 10000);
    cr_expect_eq(count_trace_events(RUNS "/chatty", "migrate_abort", NULL, NULL), 0);
}

/* A sink that moves every 3 ms over a lossy network, with senders on
 * every node (one of them moving too): nothing lost, nothing reordered. */
Test(runs, a_fast_moving_sink_on_a_lossy_network_loses_nothing, .timeout = 600)
{
    cr_assert_eq(run_scenario("bench/scenarios/swarm-lossy.json", "swarm", ""), 0);
    cr_expect_eq(count_trace_events(RUNS "/swarm", "console", "text", "sink: 12000 messages in order\n"), 1);
    cr_expect_eq(count_trace_events(RUNS "/swarm", "drop", "reason", "no_process"), 0);
}

/* Whether RUNS/file holds `text`. */
static int out_contains(const char *file, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", RUNS, file);
    char *data = read_file(path, NULL);
    int found = data != NULL && strstr(data, text) != NULL;
    free(data);
    return found;
}

/* A process that exits while a pre-copy move copies its pages: the abort
 * that ends the move must not bring it back, so the repeating migrate
 * stops and the run finishes (it used to run to max_time, "0 processes
 * still alive"). */
Test(runs, a_process_exiting_mid_precopy_move_ends_the_run)
{
    cr_assert_eq(run_scenario("tests/scenarios/precopy-exit.json", "precopy-exit", ""), 0);
    cr_expect(out_contains("precopy-exit/metrics.json", "\"end\": \"all_exited\""));
    cr_expect(out_contains("precopy-exit.log", "finished: every process exited, network quiet after"));
    cr_expect_eq(count_trace_events(RUNS "/precopy-exit", "exit", "pid", "n0.1"), 1);
    cr_expect_eq(count_trace_events(RUNS "/precopy-exit", "migrate_abort", "message", "no such process"), 1);
}

/* Pre-copy moves every few ms of processes that exit mid-move, under
 * loss and jitter: every one of 10 seeds finishes. */
Test(runs, precopy_stress_finishes_over_ten_seeds, .timeout = 300)
{
    for (int seed = 1; seed <= 10; seed++) {
        char out[64], extra[64], metrics[96];
        snprintf(out, sizeof out, "precopy-stress-%d", seed);
        snprintf(extra, sizeof extra, "--seed %d", seed);
        snprintf(metrics, sizeof metrics, "%s/metrics.json", out);
        cr_expect_eq(run_scenario("tests/scenarios/precopy-stress.json", out, extra), 0, "seed %d failed", seed);
        cr_expect(out_contains(metrics, "\"end\": \"all_exited\""), "seed %d", seed);
    }
}

/* The last line of a moved process travels home after its exit: the run
 * ends only when it has arrived, with every frame delivered. */
Test(runs, the_last_output_of_a_moved_process_reaches_console_log)
{
    cr_assert_eq(run_scenario("tests/scenarios/sleeper-moved.json", "sleeper-moved", ""), 0);
    char *log = read_file(RUNS "/sleeper-moved/console.log", NULL);
    cr_assert_not_null(log);
    cr_expect_str_eq(log, "[   50.792698 ms] n0.1: sleeper: slept 50 ms\n");
    free(log);
    cr_expect(out_contains("sleeper-moved/metrics.json", "\"quiet\": 1,"));
    cr_expect(out_contains("sleeper-moved.log", "frames sent 46, delivered 46, lost 0"));
}

static void expect_same_outputs(const char *a, const char *b)
{
    static const char *const files[] = {"trace.jsonl", "net.pcap", "metrics.json"};
    for (int i = 0; i < 3; i++) {
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/%s/%s", RUNS, a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s/%s", RUNS, b, files[i]);
        cr_expect(files_equal(pa, pb), "%s differs between %s and %s", files[i], a, b);
    }
}

Test(runs, same_scenario_and_seed_give_identical_outputs)
{
    cr_assert_eq(run_scenario("scenarios/lossy-pingpong.json", "det-a", ""), 0);
    cr_assert_eq(run_scenario("scenarios/lossy-pingpong.json", "det-b", ""), 0);
    expect_same_outputs("det-a", "det-b");
    cr_assert_eq(run_scenario("scenarios/lossy-pingpong.json", "det-c", "--seed 99"), 0);
    cr_expect(!files_equal(RUNS "/det-a/net.pcap", RUNS "/det-c/net.pcap"),
              "another seed gave the same pcap");
    cr_expect(console_contains(RUNS "/det-c", "client: 200 round trips"));
}

Test(runs, check_accepts_every_shipped_scenario)
{
    char args[1024];
    snprintf(args, sizeof args, "check %s/scenarios/*.json > /dev/null", NIMBUS_SOURCE_DIR);
    cr_expect_eq(run_nimbus(args), 0);
}

Test(runs, bad_scenario_gets_one_clear_line_and_status_1)
{
    char args[1024];
    (void)system("mkdir -p " RUNS);
    FILE *f = fopen(RUNS "/bad.json", "w");
    cr_assert_not_null(f);
    fputs("{\"nodes\": [{\"cpu_mips\": \"fast\"}]}\n", f);
    fclose(f);
    snprintf(args, sizeof args, "run %s/bad.json --out %s/bad > %s/bad.log 2>&1", RUNS, RUNS, RUNS);
    cr_expect_eq(run_nimbus(args), 1);
    char *log = read_file(RUNS "/bad.log", NULL);
    cr_assert_not_null(log);
    cr_expect_not_null(strstr(log, RUNS "/bad.json: nodes[0].cpu_mips: expected a positive integer, got \"fast\""),
                       "%s", log);
    free(log);
}

Test(runs, set_overrides_a_key_and_saves_the_scenario_run)
{
    cr_assert_eq(run_scenario("scenarios/pingpong.json", "set-rounds",
                              "--set 'events[0].spawn.args[1]=\"7\"' --set 'events[1].spawn.args[2]=\"7\"'"),
                 0);
    cr_expect(console_contains(RUNS "/set-rounds", "client: 7 round trips"));
    char *saved = read_file(RUNS "/set-rounds/scenario.json", NULL);
    cr_assert_not_null(saved, "no scenario.json next to the outputs");
    cr_expect_not_null(strstr(saved, "\"7\""), "%s", saved);
    free(saved);
    /* A later run without --set leaves no stale scenario.json behind. */
    cr_assert_eq(run_scenario("scenarios/pingpong.json", "set-rounds", ""), 0);
    cr_expect_null(read_file(RUNS "/set-rounds/scenario.json", NULL));
}

/* A swarm's reproduce line runs DIR/scenario.json into DIR: the scenario
 * is the input there, and a run never removes or overwrites it. */
Test(runs, a_scenario_run_into_its_own_directory_is_kept)
{
    (void)system("mkdir -p " RUNS "/in-place && cp " NIMBUS_SOURCE_DIR "/scenarios/hello.json " RUNS
                 "/in-place/scenario.json");
    char *before = read_file(RUNS "/in-place/scenario.json", NULL);
    cr_assert_not_null(before);
    char args[1024];
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "run %s/in-place/scenario.json --out %s/in-place --quiet > /dev/null", RUNS,
                 RUNS);
        cr_assert_eq(run_nimbus(args), 0, "run %d", i + 1);
    }
    snprintf(args, sizeof args, "run %s/in-place/scenario.json --out %s/in-place --set seed=3 > %s/in-place.log 2>&1",
             RUNS, RUNS, RUNS);
    cr_expect_eq(run_nimbus(args), 2, "--set would overwrite the input");
    char *log = read_file(RUNS "/in-place.log", NULL);
    cr_assert_not_null(log);
    cr_expect_not_null(strstr(log, "nimbus run: " RUNS "/in-place/scenario.json is the scenario file itself; with "
                                   "--set the run would overwrite it with the changed scenario: give another --out\n"),
                       "%s", log);
    char *after = read_file(RUNS "/in-place/scenario.json", NULL);
    cr_assert_not_null(after, "the scenario was removed");
    cr_expect_str_eq(after, before);
    free(log);
    free(after);
    free(before);
}

Test(runs, a_bad_set_names_itself_and_gives_status_1)
{
    cr_expect_eq(run_scenario("scenarios/pingpong.json", "set-bad", "--set network.latency=fast"), 1);
    char *log = read_file(RUNS "/set-bad.log", NULL);
    cr_assert_not_null(log);
    cr_expect_not_null(strstr(log, "--set network.latency=fast: "), "%s", log);
    cr_expect_not_null(strstr(log, "network.latency: expected a duration"), "%s", log);
    free(log);
}

/* Every output file that could not be written is named with its reason,
 * the summary does not call the run finished, and the status is 2. */
Test(runs, every_unwritable_output_is_named_and_fails_the_run)
{
    const char *dir = RUNS "/full";
    (void)system("rm -rf " RUNS "/full && mkdir -p " RUNS "/full/research.csv && cd " RUNS "/full && "
                 "for f in trace.jsonl net.pcap console.log metrics.json metrics.csv; do ln -s /dev/full $f; done");
    cr_assert_eq(run_scenario("scenarios/pingpong.json", "full", ""), 2);
    char *log = read_file(RUNS "/full.log", NULL);
    cr_assert_not_null(log);
    static const char *const lines[] = {
        "metrics.json: cannot write: No space left on device",
        "metrics.csv: cannot write: No space left on device",
        "research.csv: cannot write: Is a directory",
        "trace.jsonl: cannot write: No space left on device",
        "net.pcap: cannot write: No space left on device",
        "console.log: cannot write: No space left on device",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, "nimbus run: %s/%s\n", dir, lines[i]);
        cr_expect_not_null(strstr(log, want), "missing \"%s\" in:\n%s", want, log);
    }
    cr_expect_not_null(strstr(log, "pingpong: FAILED: output files not written completely at "), "%s", log);
    cr_expect_null(strstr(log, ": finished"), "%s", log);
    free(log);
}

Test(runs, an_output_that_cannot_be_created_is_named_once)
{
    (void)system("rm -rf " RUNS "/pcapdir && mkdir -p " RUNS "/pcapdir/net.pcap");
    cr_assert_eq(run_scenario("scenarios/hello.json", "pcapdir", ""), 2);
    char *log = read_file(RUNS "/pcapdir.log", NULL);
    cr_assert_not_null(log);
    cr_expect_str_eq(log, "nimbus run: " RUNS "/pcapdir/net.pcap: cannot create: Is a directory\n");
    free(log);
}
