/*
 * test_sweep.c - `nimbus sweep`: the real command over a small grid
 * (policies x seeds of the pingpong scenario), its independence from
 * --jobs, --set overrides and their errors, usage errors; and, directly,
 * the metrics reader (with and without research figures) and the
 * override paths.
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
#include "sweep/sweep_report.h"
#include "sweep/sweep_result.h"

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

Test(sweep, grid_gives_four_cells_in_grid_order)
{
    cr_assert_eq(sweep_in("grid", PINGPONG " " GRID), 0);
    static const char *const cells[] = {"none/seed-1", "none/seed-2", "offer/seed-1", "offer/seed-2"};
    for (int i = 0; i < 4; i++) {
        char file[128];
        snprintf(file, sizeof file, "out/%s/metrics.json", cells[i]);
        cr_expect(contains("grid", file, "\"end\": \"all_exited\""), "%s", file);
    }
    char *csv = read_in("grid", "out/sweep.csv");
    cr_assert_not_null(csv);
    const char *header = "policy,seed,end,sim_time_ns,makespan_ns,lower_bound_ns,ratio_milli,";
    cr_expect(strncmp(csv, header, strlen(header)) == 0, "header: %.80s", csv);
    const char *rows[] = {"\nnone,1,all_exited,", "\nnone,2,all_exited,", "\noffer,1,all_exited,",
                          "\noffer,2,all_exited,"};
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
    free(csv);
    cr_expect(contains("grid", "out/offer/scenario.json", "\"offer\""));
    cr_expect(contains("grid", "err.txt", "[4/4] offer seed 2: makespan "));
    cr_expect(contains("grid", "out.txt", "policy"));
}

Test(sweep, output_does_not_depend_on_jobs)
{
    cr_assert_eq(sweep_in("jobs1", PINGPONG " " GRID " --jobs 1"), 0);
    cr_assert_eq(sweep_in("jobs2", PINGPONG " " GRID " --jobs 2"), 0);
    expect_same_file("jobs1", "jobs2", "out.txt");
    expect_same_file("jobs1", "jobs2", "err.txt");
    expect_same_file("jobs1", "jobs2", "out/sweep.csv");
    static const char *const files[] = {"trace.jsonl", "net.pcap", "metrics.json"};
    for (int i = 0; i < 3; i++) {
        char file[128];
        snprintf(file, sizeof file, "out/offer/seed-2/%s", files[i]);
        expect_same_file("jobs1", "jobs2", file);
    }
}

Test(sweep, a_cell_is_what_nimbus_run_does)
{
    cr_assert_eq(sweep_in("same", PINGPONG " --policies offer --seed-list 7 --out out"), 0);
    char args[1024];
    snprintf(args, sizeof args,
             "run %s/same/out/offer/scenario.json --seed 7 --quiet --out %s/same/run > /dev/null", SWEEPS,
             SWEEPS);
    cr_assert_eq(run_nimbus(args), 0);
    static const char *const files[] = {"trace.jsonl", "net.pcap", "metrics.json"};
    for (int i = 0; i < 3; i++) {
        char cell[1024], run[1024];
        snprintf(cell, sizeof cell, "%s/same/out/offer/seed-7/%s", SWEEPS, files[i]);
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
    cr_expect_eq(count_trace_events(SWEEPS "/set/out/none/seed-1", "deliver", "pid", "n0.1"), 5);
    cr_expect(console_contains(SWEEPS "/set/out/none/seed-1", "client: 5 round trips"));
    /* 1ms start, then 5 round trips of 2 x 2ms each at least. */
    double end_ns = cell_metric("set", "out/none/seed-1", "sim_time_ns");
    cr_expect_gt(end_ns, 21e6, "sim_time_ns %.0f: the latency override did not apply", end_ns);
    cr_expect(contains("set", "out/none/scenario.json", "\"2ms\""));
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

Test(sweep, bad_usage_exits_1_with_the_problem_and_the_hint)
{
    cr_expect_eq(sweep_in("policy", PINGPONG " --policies none,fastest --seeds 2 --out out"), 1);
    char *err = read_in("policy", "err.txt");
    cr_expect_str_eq(err, "nimbus sweep: unknown policy 'fastest' (expected none, random, offer, two-choices or "
                          "mosix)\nTry 'nimbus sweep --help'.\n");
    free(err);
    cr_expect_eq(sweep_in("seeds0", PINGPONG " --policies none --seeds 0"), 1);
    cr_expect_eq(sweep_in("noseeds", PINGPONG " --policies none"), 1);
    cr_expect_eq(sweep_in("twice", PINGPONG " --policies none --seeds 1 --seed-list 2"), 1);
    cr_expect_eq(sweep_in("jobs0", PINGPONG " --policies none --seeds 1 --jobs 0"), 1);
    cr_expect_eq(sweep_in("setpolicy", PINGPONG " --policies none --seeds 1 --set balancer.policy=mosix"), 1);
    cr_expect_eq(sweep_in("missing", "nosuch.json --policies none --seeds 1"), 1);
    cr_expect(contains("missing", "err.txt", "nosuch.json: cannot read"));
}

Test(sweep, failed_cells_are_summarised_and_exit_2)
{
    cr_assert_eq(sweep_in("fail", PINGPONG " --policies none --seed-list 3,9 --set max_time=5ms --out out"),
                 2);
    cr_expect(contains("fail", "out/sweep.csv", "\nnone,3,max_time,"));
    cr_expect(contains("fail", "out/sweep.csv", "\nnone,9,max_time,"));
    cr_expect(contains("fail", "err.txt", "2 of 2 runs failed"));
    cr_expect(contains("fail", "err.txt", "nimbus run out/none/scenario.json --seed 9"));
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

/* The CSV row a single cell gives. */
static char *csv_row_of(const struct sweep_result *r, const char *name)
{
    struct sweep_cell c = {.policy = "offer", .seed = 2, .ok = true, .result = *r};
    char path[512];
    snprintf(path, sizeof path, "%s/%s.csv", SWEEPS, name);
    (void)system("mkdir -p " SWEEPS);
    cr_assert_eq(sweep_report_csv(path, &c, 1), 0);
    char *text = read_file(path, NULL);
    cr_assert_not_null(text);
    char *row = strchr(text, '\n');
    cr_assert_not_null(row);
    char *copy = strdup(row + 1);
    free(text);
    return copy;
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
    cr_expect_str_eq(row, "offer,2,all_exited,21830032,,,,,,,,,,,,,\n");
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
    cr_expect_str_eq(row, "offer,2,all_exited,3000000,3000000,2000000,1500,5,4,9,10,7,123456,1,2,3,250\n");
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

Test(sweep_result, table_marks_missing_figures)
{
    struct sweep_cell cells[2] = {{.policy = "none", .policy_index = 0, .seed = 1, .ok = true},
                                  {.policy = "mosix", .policy_index = 1, .seed = 1, .ok = true}};
    cr_assert_eq(sweep_result_parse(metrics_without_research, &cells[0].result), 0);
    cr_assert_eq(sweep_result_parse(metrics_with_research, &cells[1].result), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sweep_report_table(f, cells, 2, 2);
    fclose(f);
    cr_expect_not_null(strstr(buf, "none "));
    cr_expect_not_null(strstr(buf, "mosix"));
    cr_expect_not_null(strstr(buf, "3.00"), "makespan in ms: %s", buf);
    cr_expect_not_null(strstr(buf, "1.500"), "ratio: %s", buf);
    cr_expect_not_null(strstr(buf, " -"), "missing figures: %s", buf);
    /* Aligned: every line has the same length. */
    size_t first = strcspn(buf, "\n");
    for (const char *p = buf; *p; p += strcspn(p, "\n") + 1)
        cr_expect_eq(strcspn(p, "\n"), first, "ragged table:\n%s", buf);
    free(buf);
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
