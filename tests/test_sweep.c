/*
 * test_sweep.c - `nimbus sweep`: the real command over a small grid
 * (policies x seeds of the pingpong scenario, and two keys), its
 * independence from --jobs, --grid and --set overrides and their errors,
 * usage errors; and, directly, the metrics reader (with and without
 * research figures), the statistics, the CSV and grid helpers, the
 * summary, and the override paths. tests/sweep_plot.sh checks the whole
 * path to a figure and the rerun of a cell.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream, strdup */

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "run_util.h"
#include "hal-sim/scenario_override.h"
#include "host/build_info.h"
#include "sweep/sweep_csv.h"
#include "sweep/sweep_grid.h"
#include "sweep/sweep_report.h"
#include "sweep/sweep_result.h"
#include "sweep/sweep_stats.h"
#include "sweep/sweep_summary.h"

#define SWEEPS NIMBUS_BINARY_DIR "/test-sweep"
#define PINGPONG NIMBUS_SOURCE_DIR "/scenarios/pingpong.json"

/* Run `nimbus sweep <args>` in a fresh directory SWEEPS/<dir>, stdout to
 * <dir>/out.txt and stderr to <dir>/err.txt; returns the exit status. */
static int sweep_in(const char *dir, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s/%s && mkdir -p %s/%s && cd %s/%s && %s/nimbus sweep %s > out.txt 2> err.txt", SWEEPS,
             dir, SWEEPS, dir, SWEEPS, dir, NIMBUS_BINARY_DIR, args);
    int status = system(cmd);
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *read_in(const char *dir, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", SWEEPS, dir, file);
    return read_file(path, NULL);
}

static int contains(const char *dir, const char *file, const char *text)
{
    char *data = read_in(dir, file);
    int found = data != NULL && strstr(data, text) != NULL;
    free(data);
    return found;
}

static void expect_same_file(const char *a, const char *b, const char *file)
{
    char pa[1024], pb[1024];
    snprintf(pa, sizeof pa, "%s/%s/%s", SWEEPS, a, file);
    snprintf(pb, sizeof pb, "%s/%s/%s", SWEEPS, b, file);
    cr_expect(files_equal(pa, pb), "%s differs between %s and %s", file, a, b);
}

/* The figure at a dotted path of <dir>/<cell>/metrics.json, or -1. */
static double cell_metric(const char *dir, const char *cell, const char *path)
{
    char file[512];
    snprintf(file, sizeof file, "%s/metrics.json", cell);
    char *text = read_in(dir, file);
    cJSON *root = cJSON_Parse(text != NULL ? text : "");
    free(text);
    const cJSON *at = root;
    char key[64];
    while (at != NULL && *path != '\0') {
        size_t len = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)len, path);
        at = cJSON_GetObjectItemCaseSensitive(at, key);
        path += len + (path[len] == '.');
    }
    double v = cJSON_IsNumber(at) ? at->valuedouble : -1;
    cJSON_Delete(root);
    return v;
}

#define GRID "--policies none,offer --seeds 2 --out out"
#define NONE_DIR "out/balancer.policy=none"
#define OFFER_DIR "out/balancer.policy=offer"

Test(sweep, grid_gives_four_cells_in_grid_order)
{
    cr_assert_eq(sweep_in("grid", PINGPONG " " GRID), 0);
    static const char *const cells[] = {NONE_DIR "/seed-1", NONE_DIR "/seed-2", OFFER_DIR "/seed-1",
                                        OFFER_DIR "/seed-2"};
    for (int i = 0; i < 4; i++) {
        char file[128];
        snprintf(file, sizeof file, "%s/metrics.json", cells[i]);
        cr_expect(contains("grid", file, "\"end\": \"all_exited\""), "%s", file);
    }
    char *csv = read_in("grid", "out/sweep.csv");
    cr_assert_not_null(csv);
    const char *header = "scenario,scenario_sha256,nimbus,commit,build_type,overrides,balancer.policy,seed,end,ok,"
                         "balancer,migration,sim_time_ns,makespan_ns,lower_bound_ns,ratio_milli,";
    cr_expect(strncmp(csv, header, strlen(header)) == 0, "header: %.200s", csv);
    const char *rows[] = {",none,1,all_exited,1,none,stop-and-copy,", ",none,2,all_exited,1,none,stop-and-copy,",
                          ",offer,1,all_exited,1,offer,stop-and-copy,", ",offer,2,all_exited,1,offer,stop-and-copy,"};
    const char *at = csv;
    for (int i = 0; i < 4; i++) {
        const char *row = strstr(at, rows[i]);
        cr_expect_not_null(row, "row %d (%s) missing or out of order", i, rows[i] + 1);
        at = row != NULL ? row + 1 : at;
    }
    int lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    cr_expect_eq(lines, 5, "a header and 4 rows");
    /* Provenance: the scenario's hash (64 hex digits), version, commit, build type. */
    const char *row = strstr(csv, "\npingpong,");
    cr_assert_not_null(row);
    cr_expect_eq(strspn(row + 10, "0123456789abcdef"), 64u, "%.100s", row);
    char provenance[256];
    snprintf(provenance, sizeof provenance, ",%s,%s,%s,,none,1,all_exited,", build_info_version(),
             build_info_commit(), build_info_type());
    cr_expect_eq(strncmp(row + 74, provenance, strlen(provenance)), 0, "%.200s", row);
    free(csv);
    cr_expect(contains("grid", OFFER_DIR "/scenario.json", "\"offer\""));
    cr_expect(contains("grid", "err.txt", "[4/4] balancer.policy=offer seed 2: makespan "));
    cr_expect(contains("grid", "out.txt", "balancer.policy"));
    cr_expect(contains("grid", "out/summary.txt", "95% CI"));
}

Test(sweep, output_does_not_depend_on_jobs)
{
    cr_assert_eq(sweep_in("jobs1", PINGPONG " " GRID " --jobs 1 --no-progress"), 0);
    cr_assert_eq(sweep_in("jobs2", PINGPONG " " GRID " --jobs 2 --no-progress"), 0);
    expect_same_file("jobs1", "jobs2", "out.txt");
    expect_same_file("jobs1", "jobs2", "err.txt");
    static const char *const files[] = {"out/sweep.csv", "out/summary.csv", "out/paired.csv", "out/summary.txt",
                                        OFFER_DIR "/seed-2/trace.jsonl", OFFER_DIR "/seed-2/net.pcap",
                                        OFFER_DIR "/seed-2/metrics.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        expect_same_file("jobs1", "jobs2", files[i]);
}

Test(sweep, progress_shows_runs_done_and_time_left)
{
    cr_assert_eq(sweep_in("progress", PINGPONG " --policies none --seeds 2 --out out --jobs 1"), 0);
    char *err = read_in("progress", "err.txt");
    cr_assert_not_null(err);
    cr_expect(strncmp(err, "nimbus sweep: 2 runs (1 combination x 2 seeds), 1 at once, into out/\n", 69) == 0,
              "%s", err);
    cr_expect_not_null(strstr(err, "seed 1: makespan "), "%s", err);
    cr_expect_not_null(strstr(err, "  [1/2 runs done, 0 failed, "), "%s", err);
    cr_expect_not_null(strstr(err, " so far, about "), "%s", err);
    cr_expect_not_null(strstr(err, "  [2/2 runs done, 0 failed, "), "%s", err);
    cr_expect_not_null(strstr(err, " so far, none left]\nnimbus sweep: 2 runs in "), "%s", err);
    free(err);
}

Test(sweep, two_keys_make_every_combination)
{
    cr_assert_eq(sweep_in("keys", PINGPONG " --grid policy=none,offer --grid network.loss=0,0.05 --seeds 2"
                                          " --out out --no-progress"),
                 0);
    static const char *const dirs[] = {"none,network.loss=0", "none,network.loss=0.05", "offer,network.loss=0",
                                       "offer,network.loss=0.05"};
    for (int i = 0; i < 4; i++) {
        char file[256];
        snprintf(file, sizeof file, "out/balancer.policy=%s/seed-2/metrics.json", dirs[i]);
        cr_expect(contains("keys", file, "\"end\": \"all_exited\""), "%s", file);
    }
    cr_expect(contains("keys", "out/sweep.csv", ",balancer.policy,network.loss,seed,"));
    cr_expect(contains("keys", "out/sweep.csv", ",offer,0.05,2,all_exited,1,offer,"));
    cr_expect(contains("keys", "out/summary.csv", "balancer.policy,network.loss,metric,unit,runs,n,mean,sd,"));
    cr_expect(contains("keys", "out/summary.csv", "\noffer,0.05,makespan_ns,ms,2,2,"));
    cr_expect(contains("keys", "out/paired.csv", "\nnetwork.loss,0,none,0.05,makespan_ns,ms,2,2,"));
    cr_expect(contains("keys", "out.txt", "paired difference from network.loss=0 (same seed, other keys equal)"));
    cr_expect(contains("keys", "out.txt", "--seed S --set balancer.policy=offer --set network.loss=0.05\n"));
    cr_expect(contains("keys", "out.txt", "\nmigrations (count)\n"), "the default tables");
    /* --metric chooses the tables; the CSV files keep every figure. */
    cr_assert_eq(sweep_in("metric", PINGPONG " --grid policy=none,offer --seeds 2 --out out --no-progress"
                                            " --metric ratio_milli --metric sim_time_ns"),
                 0);
    cr_expect(contains("metric", "out.txt", "\nmakespan / lower bound (x)\nbalancer.policy   ok"));
    cr_expect(contains("metric", "out.txt", "\nsimulated time (ms)\n"));
    cr_expect_not(contains("metric", "out.txt", "\nmakespan (ms)\n"));
    cr_expect(contains("metric", "out/summary.csv", "\noffer,migrations,count,2,2,"));
    /* The loss shows: 5% loss makes the runs longer than none. */
    double lossless = cell_metric("keys", "out/balancer.policy=none,network.loss=0/seed-2", "sim_time_ns");
    double lossy = cell_metric("keys", "out/balancer.policy=none,network.loss=0.05/seed-2", "sim_time_ns");
    cr_expect_gt(lossy, lossless, "loss 0.05: %.0f ns, loss 0: %.0f ns", lossy, lossless);
}

Test(sweep, a_cell_is_what_its_reproduce_command_does)
{
    cr_assert_eq(sweep_in("same", PINGPONG " --policies offer --seed-list 7 --set network.latency=200us --out out"), 0);
    char expected[1024];
    snprintf(expected, sizeof expected,
             ",nimbus run %s --seed 7 --set network.latency=200us --set balancer.policy=offer\n", PINGPONG);
    cr_assert(contains("same", "out/sweep.csv", expected), "no reproduce column %s", expected);
    char args[1024];
    snprintf(args, sizeof args,
             "run %s --seed 7 --set network.latency=200us --set balancer.policy=offer --quiet --out %s/same/run"
             " > /dev/null",
             PINGPONG, SWEEPS);
    cr_assert_eq(run_nimbus(args), 0);
    static const char *const files[] = {"trace.jsonl", "net.pcap", "metrics.json"};
    for (int i = 0; i < 3; i++) {
        char cell[1024], run[1024];
        snprintf(cell, sizeof cell, "%s/same/" OFFER_DIR "/seed-7/%s", SWEEPS, files[i]);
        snprintf(run, sizeof run, "%s/same/run/%s", SWEEPS, files[i]);
        cr_expect(files_equal(cell, run), "%s differs from nimbus run's", files[i]);
    }
}

Test(sweep, set_overrides_take_effect)
{
    /* 5 rounds instead of 100, over a 2ms link instead of 100us. */
    cr_assert_eq(sweep_in("set", PINGPONG " --policies none --seeds 1 --out out"
                                          " --set 'events[0].spawn.args[1]=\"5\"'"
                                          " --set 'events[1].spawn.args[2]=\"5\"'"
                                          " --set network.latency=2ms"),
                 0);
    cr_expect_eq(count_trace_events(SWEEPS "/set/" NONE_DIR "/seed-1", "deliver", "pid", "n0.1"), 5);
    cr_expect(console_contains(SWEEPS "/set/" NONE_DIR "/seed-1", "client: 5 round trips"));
    /* 1ms start, then 5 round trips of 2 x 2ms each at least. */
    double end_ns = cell_metric("set", NONE_DIR "/seed-1", "sim_time_ns");
    cr_expect_gt(end_ns, 21e6, "sim_time_ns %.0f: the latency override did not apply", end_ns);
    cr_expect(contains("set", NONE_DIR "/scenario.json", "\"2ms\""));
    cr_expect(contains("set", "out/sweep.csv",
                       ",\"events[0].spawn.args[1]=\"\"5\"\" events[1].spawn.args[2]=\"\"5\"\" network.latency=2ms\","));
}

Test(sweep, bad_set_is_named_in_the_error)
{
    cr_expect_eq(sweep_in("badset", PINGPONG " --policies none --seeds 1 --set network.latency=fast"), 1);
    cr_expect(contains("badset", "err.txt", "--set network.latency=fast: "));
    cr_expect(contains("badset", "err.txt", "network.latency: expected a duration"));
    cr_expect_eq(sweep_in("badset2", PINGPONG " --policies none --seeds 1 --set 'nodes[0].count=1'"), 1);
    cr_expect(contains("badset2", "err.txt", "--set nodes[0].count=1: "));
    cr_expect(contains("badset2", "err.txt", "node 1 does not exist"));
    /* A value that parses as JSON is JSON: 5 is a number, and args are strings. */
    cr_expect_eq(sweep_in("badset3", PINGPONG " --policies none --seeds 1 --set 'events[1].spawn.args[2]=5'"),
                 1);
    cr_expect(contains("badset3", "err.txt", "events[1].spawn.args[2]: expected a string, got 5"));
    cr_expect_eq(sweep_in("malformed", PINGPONG " --policies none --seeds 1 --set novalue"), 1);
    cr_expect(contains("malformed", "err.txt", "'novalue' is not KEY=VALUE"));
    cr_expect_eq(sweep_in("badpath", PINGPONG " --policies none --seeds 1 --set 'nodes[x]=1'"), 1);
    cr_expect(contains("badpath", "err.txt", "--set"));
}

/* `nimbus sweep PINGPONG <args>` fails with exit 1 and exactly `message`
 * and the hint on stderr. */
static void expect_usage_error(const char *dir, const char *args, const char *message)
{
    char cmd[1024], want[1024];
    snprintf(cmd, sizeof cmd, "%s %s", PINGPONG, args);
    cr_expect_eq(sweep_in(dir, cmd), 1, "%s", args);
    snprintf(want, sizeof want, "nimbus sweep: %s\nTry 'nimbus sweep --help'.\n", message);
    char *err = read_in(dir, "err.txt");
    cr_expect_str_eq(err != NULL ? err : "", want, "%s", args);
    free(err);
}

Test(sweep, bad_grid_names_the_key_or_value)
{
    expect_usage_error("g1", "--grid seed=1,2 --seeds 1",
                       "--grid seed: the seeds are the sweep's own axis; use --seeds or --seed-list");
    expect_usage_error("g2", "--grid network.loss=0,,1 --seeds 1", "--grid network.loss: an empty value");
    expect_usage_error("g3", "--grid network.loss=0,0 --seeds 1", "--grid network.loss: value '0' is listed twice");
    expect_usage_error("g4", "--grid policy=none --policies offer --seeds 1",
                       "--grid balancer.policy: the key is swept twice (--policies sweeps balancer.policy)");
    expect_usage_error("g5", "--grid 'description=a b,a_b' --seeds 1",
                       "--grid description: values 'a b' and 'a_b' would share a directory name");
    expect_usage_error("g6", "--grid nokey --seeds 1", "--grid: 'nokey' is not KEY=VALUE,VALUE,...");
    expect_usage_error("m1", "--seeds 1 --metric speed",
                       "--metric: no figure 'speed' (one of sweep.csv's columns, e.g. makespan_ns, response_p95_ns, "
                       "migrations)");
    expect_usage_error("g7", "--grid network.loss=0,1 --set network.loss=0 --seeds 1",
                       "--set network.loss=0: network.loss is swept by --grid; give it one or the other");
    /* Values the loader refuses: the message names the value. */
    cr_expect_eq(sweep_in("g8", PINGPONG " --grid network.loss=0,2 --seeds 1"), 1);
    char *err = read_in("g8", "err.txt");
    char want[1024];
    snprintf(want, sizeof want, "nimbus sweep: --grid network.loss=2: %s: network.loss: expected a probability "
                                "from 0 to 1, got 2\n", PINGPONG);
    cr_expect_str_eq(err != NULL ? err : "", want);
    free(err);
    /* A JSON value with commas is one value. */
    cr_expect_eq(sweep_in("g9", PINGPONG " --grid 'nodes[0].count=[1,2],3' --seeds 1"), 1);
    cr_expect(contains("g9", "err.txt", "--grid nodes[0].count=[1,2]: "));
}

Test(sweep, bad_usage_exits_1_with_the_problem_and_the_hint)
{
    expect_usage_error("policy", "--policies none,fastest --seeds 2 --out out",
                       "unknown policy 'fastest' (expected none, random, offer, two-choices or mosix)");
    cr_expect_eq(sweep_in("seeds0", PINGPONG " --policies none --seeds 0"), 1);
    cr_expect_eq(sweep_in("noseeds", PINGPONG " --policies none"), 1);
    cr_expect_eq(sweep_in("twice", PINGPONG " --policies none --seeds 1 --seed-list 2"), 1);
    cr_expect_eq(sweep_in("jobs0", PINGPONG " --policies none --seeds 1 --jobs 0"), 1);
    cr_expect_eq(sweep_in("setseed", PINGPONG " --policies none --seeds 1 --set seed=3"), 1);
    cr_expect_eq(sweep_in("missing", "nosuch.json --policies none --seeds 1"), 1);
    cr_expect(contains("missing", "err.txt", "nosuch.json: cannot read"));
}

Test(sweep, failed_cells_are_summarised_and_exit_2)
{
    cr_assert_eq(sweep_in("fail", PINGPONG " --policies none --seed-list 3,9 --set max_time=5ms --out out"),
                 2);
    cr_expect(contains("fail", "out/sweep.csv", ",none,3,max_time,0,none,"));
    cr_expect(contains("fail", "out/sweep.csv", ",none,9,max_time,0,none,"));
    cr_expect(contains("fail", "err.txt", "2 of 2 runs failed"));
    char want[1024];
    snprintf(want, sizeof want, "reproduce: nimbus run %s --seed 9 --set max_time=5ms --set balancer.policy=none\n",
             PINGPONG);
    cr_expect(contains("fail", "err.txt", want));
    cr_expect(contains("fail", "out.txt", "0/2"));
}

/* ---- the metrics reader ------------------------------------------------ */

static const char metrics_without_research[] =
    "{\"scenario\": \"x\", \"seed\": 1, \"end\": \"all_exited\", \"failed\": 0,"
    " \"sim_time_ns\": 21830032, \"totals\": {\"insns\": 5}}";

static const char metrics_with_research[] =
    "{\"end\": \"all_exited\", \"failed\": 0, \"sim_time_ns\": 3000000,"
    " \"research\": {\"makespan_ns\": 3000000, \"lower_bound_ns\": 2000000,"
    "  \"response_ns\": {\"mean\": 5, \"p50\": 4, \"p95\": 9, \"p99\": 10, \"max\": 11},"
    "  \"migrations\": 7, \"bytes_moved\": 123456,"
    "  \"freeze_us\": {\"min\": 1, \"median\": 2, \"max\": 3},"
    "  \"imbalance\": {\"mean_cv_milli\": 250}}}";

/* A sweep without keys, one seed: what the reports need to know. */
static const struct sweep_grid no_keys;
static const char *const one_sha[] = {"5eed"};
static const struct sweep_info one_cell_info = {
    .scenario_path = "x.json", .scenario_name = "x", .grid = &no_keys, .combo_sha256 = one_sha, .seed_count = 1};

/* The CSV row a single cell gives. */
static char *csv_row_of(const struct sweep_result *r, const char *name)
{
    struct sweep_cell c = {.seed = 2, .ok = true, .result = *r};
    char path[512];
    snprintf(path, sizeof path, "%s/%s.csv", SWEEPS, name);
    (void)system("mkdir -p " SWEEPS);
    cr_assert_eq(sweep_report_csv(path, &one_cell_info, &c), 0);
    char *text = read_file(path, NULL);
    cr_assert_not_null(text);
    char *row = strchr(text, '\n');
    cr_assert_not_null(row);
    char *copy = strdup(row + 1);
    free(text);
    return copy;
}

/* The row's fields after the provenance (scenario, sha, nimbus, commit,
 * build type, overrides). */
static const char *after_provenance(const char *row)
{
    char want[256];
    snprintf(want, sizeof want, "x,5eed,%s,%s,%s,,", build_info_version(), build_info_commit(), build_info_type());
    cr_assert(strncmp(row, want, strlen(want)) == 0, "%s", row);
    return row + strlen(want);
}

Test(sweep_result, missing_research_figures_are_left_empty)
{
    struct sweep_result r;
    cr_assert_eq(sweep_result_parse(metrics_without_research, &r), 0);
    cr_expect(r.read);
    cr_expect_str_eq(r.end, "all_exited");
    cr_expect(r.has[SWEEP_SIM_TIME]);
    for (int m = SWEEP_MAKESPAN; m < SWEEP_METRIC_COUNT; m++)
        cr_expect_not(r.has[m], "%s should be missing", sweep_metric_fields[m].column);
    uint64_t ratio;
    cr_expect_not(sweep_result_ratio_milli(&r, &ratio));
    char *row = csv_row_of(&r, "no-research");
    cr_expect_str_eq(after_provenance(row), "2,all_exited,1,,,21830032,,,,,,,,,,,,,,nimbus run x.json --seed 2\n");
    free(row);
}

Test(sweep_result, research_figures_are_read)
{
    struct sweep_result r;
    cr_assert_eq(sweep_result_parse(metrics_with_research, &r), 0);
    uint64_t ratio = 0;
    cr_expect(sweep_result_ratio_milli(&r, &ratio));
    cr_expect_eq(ratio, 1500, "computed when metrics.json has no ratio");
    char *row = csv_row_of(&r, "research");
    cr_expect_str_eq(after_provenance(row), "2,all_exited,1,,,3000000,3000000,2000000,1500,5,4,9,10,7,123456,1,2,3,"
                                            "250,nimbus run x.json --seed 2\n");
    free(row);
}

Test(sweep_result, odd_values_are_missing_not_guessed)
{
    struct sweep_result r;
    cr_assert_eq(sweep_result_parse("{\"research\": {\"makespan_ns\": \"soon\", \"migrations\": -1,"
                                    " \"response_ns\": 5, \"freeze_us\": {\"median\": null}}}",
                                    &r),
                 0);
    cr_expect_not(r.has[SWEEP_MAKESPAN]);
    cr_expect_not(r.has[SWEEP_MIGRATIONS]);
    cr_expect_not(r.has[SWEEP_RESPONSE_P95]);
    cr_expect_not(r.has[SWEEP_FREEZE_MEDIAN]);
    cr_expect_str_eq(r.end, "");
    cr_expect_eq(sweep_result_parse("not json", &r), -1);
    cr_expect_not(r.read);
    cr_expect_eq(sweep_result_read(SWEEPS "/no/such/metrics.json", &r), -1);
}

Test(sweep_summary, marks_missing_figures_and_gives_intervals)
{
    struct sweep_grid g = {0};
    sweep_grid_add_key(&g, "balancer.policy");
    sweep_grid_add_value(&g, 0, "none");
    sweep_grid_add_value(&g, 0, "mosix");
    struct sweep_cell cells[4] = {{.combo = 0, .seed = 1, .ok = true}, {.combo = 0, .seed = 2, .ok = true},
                                  {.combo = 1, .seed = 1, .ok = true}, {.combo = 1, .seed = 2, .ok = true}};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(sweep_result_parse(i < 2 ? metrics_without_research : metrics_with_research,
                                        &cells[i].result), 0);
    cells[3].result.value[SWEEP_MAKESPAN] = 5000000; /* mosix: 3 ms and 5 ms */
    static const char *const shas[] = {"a", "b"};
    static const int metrics[] = {SWEEP_MAKESPAN};
    struct sweep_info info = {.scenario_path = "x.json", .scenario_name = "x", .grid = &g, .combo_sha256 = shas,
                              .seed_count = 2, .metrics = metrics, .metric_count = 1};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sweep_summary_print(f, &info, cells);
    fclose(f);
    /* mean 4, sd 1.414, 95% CI 4 +- 12.706 x 1.414 / sqrt(2) = 4 +- 12.706 */
    cr_expect_not_null(strstr(buf, "\nmakespan (ms)\nbalancer.policy   ok   mean     sd  95% CI\n"
                                   "none             2/2      -      -  -\n"
                                   "mosix            2/2  4.000  1.414  -8.706 .. 16.706\n"),
                       "%s", buf);
    cr_expect_not_null(strstr(buf, "makespan (ms): paired difference from balancer.policy=none"), "%s", buf);
    cr_expect_not_null(strstr(buf, "mosix              0/2          -   -  -\n"), "no pairs: %s", buf);
    cr_expect_not_null(strstr(buf, "  nimbus run x.json --seed S --set balancer.policy=mosix\n"), "%s", buf);
    /* Narrow: no line of a table wider than 100 columns. */
    for (const char *p = buf; *p; p += strcspn(p, "\n") + 1)
        cr_expect(strcspn(p, "\n") <= 100 || strncmp(p, "  nimbus run", 12) == 0, "wide: %.120s", p);
    free(buf);
    sweep_grid_free(&g);
}

/* ---- statistics, CSV and the grid ------------------------------------- */

Test(sweep_stats, mean_sd_and_student_t_interval)
{
    struct sweep_stats s;
    const double v[] = {1, 2, 3, 4, 5};
    sweep_stats_of(v, 5, &s);
    cr_expect_eq(s.n, 5u);
    cr_expect_float_eq(s.mean, 3.0, 1e-12);
    cr_expect_float_eq(s.sd, 1.5811388300841898, 1e-12);                 /* sqrt(10 / 4) */
    cr_expect_float_eq(s.ci_half, 2.776 * 1.5811388300841898 / 2.2360679774997898, 1e-12); /* t(4) sd / sqrt 5 */
    cr_expect(sweep_stats_significant(&s));
    sweep_stats_of(v, 1, &s);
    cr_expect(s.n == 1 && s.mean == 1 && s.sd == 0 && s.ci_half == 0);
    cr_expect_not(sweep_stats_significant(&s));
    sweep_stats_of(v, 0, &s);
    cr_expect_eq(s.n, 0u);
    const double around_zero[] = {-1, 1, -2, 2};
    sweep_stats_of(around_zero, 4, &s);
    cr_expect_not(sweep_stats_significant(&s));
    cr_expect_float_eq(sweep_t95(1), 12.706, 1e-9);
    cr_expect_float_eq(sweep_t95(30), 2.042, 1e-9);
    cr_expect_float_eq(sweep_t95(35), 2.042, 1e-9, "between table rows: the smaller df's, wider");
    cr_expect_float_eq(sweep_t95(59), 2.021, 1e-9);
    cr_expect_float_eq(sweep_t95(100000), 1.980, 1e-9);
}

Test(sweep_csv, quoted_fields_round_trip)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *fields[] = {"plain", "a,b", "say \"hi\"", ""};
    for (int i = 0; i < 4; i++) {
        if (i > 0)
            fputc(',', f);
        csv_put(f, fields[i]);
    }
    fclose(f);
    cr_expect_str_eq(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",");
    char *got[8];
    cr_assert_eq(csv_split(buf, got, 8), 4);
    for (int i = 0; i < 4; i++)
        cr_expect_str_eq(got[i], fields[i]);
    free(buf);
    char open_quote[] = "a,\"b";
    cr_expect_eq(csv_split(open_quote, got, 8), -1);
    char too_many[] = "a,b,c";
    cr_expect_eq(csv_split(too_many, got, 2), -1);
}

Test(sweep_grid, combinations_in_grid_order_and_their_directories)
{
    struct sweep_grid g = {0};
    cr_expect_eq(sweep_grid_combos(&g), 1u, "no keys: one combination");
    sweep_grid_add_key(&g, "balancer.policy");
    sweep_grid_add_value(&g, 0, "none");
    sweep_grid_add_value(&g, 0, "offer");
    sweep_grid_add_key(&g, "events[0].spawn.args[1]");
    const char *values[] = {"\"5\"", "7", "a/b"};
    for (int i = 0; i < 3; i++)
        cr_expect(sweep_grid_add_value(&g, 1, values[i]));
    cr_expect_not(sweep_grid_add_value(&g, 1, "7"), "listed twice");
    cr_expect_eq(sweep_grid_combos(&g), 6u);
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(&g, 4, vi);
    cr_expect(vi[0] == 1 && vi[1] == 1, "the first key varies slowest");
    cr_expect_eq(sweep_grid_combo_of(&g, vi), 4u);
    char name[SWEEP_DIR_NAME_BYTES];
    cr_assert(sweep_grid_dir_name(&g, 5, name, sizeof name));
    cr_expect_str_eq(name, "balancer.policy=offer,events_0_.spawn.args_1_=a_b");
    cr_expect_not(sweep_grid_dir_name(&g, 5, name, 10), "too long");
    size_t a, b;
    cr_expect_not(sweep_grid_names_clash(&g, 1, &a, &b));
    sweep_grid_add_value(&g, 1, "a_b");
    cr_expect(sweep_grid_names_clash(&g, 1, &a, &b));
    cr_expect(a == 2 && b == 3);
    cr_expect_eq(sweep_grid_find_key(&g, "balancer.policy"), 0);
    cr_expect_eq(sweep_grid_find_key(&g, "seed"), -1);
    sweep_grid_free(&g);
}

/* ---- override paths ---------------------------------------------------- */

static char *apply(const char *doc, const char *spec, int *rc)
{
    struct scenario_override o;
    char err[256];
    cJSON *root = cJSON_Parse(doc);
    cr_assert_eq(scenario_override_parse(spec, &o, err, sizeof err), 0, "%s", err);
    *rc = scenario_override_apply(root, &o, err, sizeof err);
    scenario_override_free(&o);
    char *out = *rc == 0 ? cJSON_PrintUnformatted(root) : strdup(err);
    cJSON_Delete(root);
    return out;
}

static void expect_apply(const char *doc, const char *spec, int want_rc, const char *want)
{
    int rc;
    char *got = apply(doc, spec, &rc);
    cr_expect_eq(rc, want_rc, "%s on %s: %s", spec, doc, got);
    cr_expect_str_eq(got, want, "%s on %s", spec, doc);
    free(got);
}

Test(scenario_override, paths_values_and_errors)
{
    expect_apply("{}", "balancer.threshold=2", 0, "{\"balancer\":{\"threshold\":2}}");
    expect_apply("{\"a\":1}", "a=\"x\"", 0, "{\"a\":\"x\"}");
    expect_apply("{\"a\":1}", "a=200us", 0, "{\"a\":\"200us\"}");
    expect_apply("{\"a\":1}", "a={\"b\":[1,2]}", 0, "{\"a\":{\"b\":[1,2]}}");
    expect_apply("{\"n\":[{\"c\":1}]}", "n[0].c=32", 0, "{\"n\":[{\"c\":32}]}");
    expect_apply("{\"n\":[1]}", "n[1]=2", 0, "{\"n\":[1,2]}");
    expect_apply("{}", "n[0].c=1", 0, "{\"n\":[{\"c\":1}]}");
    expect_apply("{\"n\":[1]}", "n[3]=2", -1, "n has 1 element; n[3] is past the end");
    expect_apply("{\"a\":1}", "a.b=2", -1, "a is a number, not an object");
    expect_apply("{\"a\":{}}", "a[0]=2", -1, "a is an object, not an array");

    struct scenario_override o;
    char err[256];
    static const char *const bad[] = {"x", "=1", "a..b=1", "a[=1", "a[1x]=1", "a]=1", ".a=1", "a.=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(scenario_override_parse(bad[i], &o, err, sizeof err), -1, "%s was accepted", bad[i]);
}

/* Load `doc` from a file with the overrides `specs`: 0 or -1, with the
 * seed in *seed and the message in err. */
static int load_with_sets(const char *doc, const char *const *specs, size_t count, uint64_t *seed, char *err,
                          size_t err_bytes)
{
    const char *path = SWEEPS "/override.json";
    cr_assert_eq(system("mkdir -p " SWEEPS), 0);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(doc, f);
    fclose(f);
    struct scenario_override ov[4];
    cr_assert_leq(count, 4u);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(scenario_override_parse(specs[i], &ov[i], err, err_bytes), 0, "%s", err);
    struct scenario s;
    int rc = scenario_load_overridden(path, ov, count, &s, NULL, err, err_bytes);
    for (size_t i = 0; i < count; i++)
        scenario_override_free(&ov[i]);
    if (rc == 0) {
        *seed = s.seed;
        scenario_free(&s);
    }
    return rc;
}

Test(scenario_override, numbers_stay_exact_and_strings_strict)
{
    char err[512];
    uint64_t seed = 0;
    const char *latency[] = {"network.latency=1ms"};
    cr_assert_eq(load_with_sets("{\"nodes\":[{}],\"seed\":18446744073709551615}", latency, 1, &seed, err,
                                sizeof err), 0, "%s", err);
    cr_expect_eq(seed, UINT64_MAX, "the file's seed printed as a double: %llu", (unsigned long long)seed);
    const char *big_seed[] = {"seed=9007199254740993"};
    cr_assert_eq(load_with_sets("{\"nodes\":[{}]}", big_seed, 1, &seed, err, sizeof err), 0, "%s", err);
    cr_expect_eq(seed, 9007199254740993ull, "--set seed rounded: %llu", (unsigned long long)seed);
    cr_expect_eq(load_with_sets("{\"nodes\":[{}],\"description\":\"a\\u0000b\"}", latency, 1, &seed, err,
                                sizeof err), -1);
    cr_expect_str_eq(err, SWEEPS "/override.json: description: a string may not contain \\u0000 (NUL), got "
                           "\"a\\u0000...\"");
}
