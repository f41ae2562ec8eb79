/*
 * test_divergence.c - where two runs part (checks/divergence.h): the
 * first differing trace line with the one before it, a file that ends
 * early, identical runs, and `nimbus run --check-determinism`.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/divergence.h"
#include "run_util.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void make_run(const char *dir, const char *trace, const char *pcap)
{
    char path[256];
    mkdir("test-runs", 0777);
    mkdir("test-runs/divergence", 0777);
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    write_file(path, trace);
    snprintf(path, sizeof path, "%s/net.pcap", dir);
    write_file(path, pcap);
    snprintf(path, sizeof path, "%s/metrics.json", dir);
    write_file(path, "{}\n");
}

Test(divergence, the_first_line_that_differs_and_the_one_before)
{
    struct divergence d;
    make_run("test-runs/divergence/a", "{\"t\":0}\n{\"t\":1,\"x\":1}\n{\"t\":2}\n", "pcap");
    make_run("test-runs/divergence/b", "{\"t\":0}\n{\"t\":1,\"x\":2}\n{\"t\":2}\n", "pcaP");
    cr_assert_eq(divergence_find("test-runs/divergence/a/trace.jsonl", "test-runs/divergence/b/trace.jsonl", &d), 0);
    cr_expect_eq(d.line, 2);
    cr_expect_str_eq(d.common, "{\"t\":0}");
    cr_expect_str_eq(d.first, "{\"t\":1,\"x\":1}");
    cr_expect_str_eq(d.second, "{\"t\":1,\"x\":2}");
    char *text;
    size_t len;
    FILE *report = open_memstream(&text, &len);
    cr_expect_eq(divergence_compare_runs("test-runs/divergence/a", "test-runs/divergence/b", report, &d), 2);
    fclose(report);
    cr_expect_str_eq(text, "trace.jsonl: the runs part at line 2\n"
                           "  last shared: {\"t\":0}\n"
                           "  first run:   {\"t\":1,\"x\":1}\n"
                           "  second run:  {\"t\":1,\"x\":2}\n"
                           "net.pcap: the runs part at byte 3\n");
    free(text);
}

Test(divergence, a_trace_that_ends_early)
{
    struct divergence d;
    make_run("test-runs/divergence/c", "{\"t\":0}\n", "p");
    make_run("test-runs/divergence/d", "{\"t\":0}\n{\"t\":9}\n", "p");
    cr_assert_eq(divergence_find("test-runs/divergence/c/trace.jsonl", "test-runs/divergence/d/trace.jsonl", &d), 0);
    cr_expect_eq(d.line, 2);
    cr_expect_str_eq(d.first, "(end of file)");
    cr_expect_str_eq(d.second, "{\"t\":9}");
}

Test(divergence, identical_runs_and_a_missing_file)
{
    struct divergence d;
    make_run("test-runs/divergence/e", "{\"t\":0}\n", "p");
    make_run("test-runs/divergence/f", "{\"t\":0}\n", "p");
    cr_expect_eq(divergence_compare_runs("test-runs/divergence/e", "test-runs/divergence/f", stdout, &d), 0);
    cr_expect_eq(d.line, 0);
    cr_expect_eq(divergence_find("test-runs/divergence/e/trace.jsonl", "test-runs/divergence/none", &d), -1);
}

Test(divergence, run_check_determinism_runs_twice_and_compares, .timeout = 120)
{
    cr_assert_eq(run_nimbus("run " NIMBUS_SOURCE_DIR "/scenarios/lossy-pingpong.json --quiet --no-progress "
                            "--check-determinism --out test-runs/divergence/lossy > test-runs/divergence/out.txt"),
                 0);
    size_t len;
    char *out = read_file("test-runs/divergence/out.txt", &len);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "  deterministic: a second run (test-runs/divergence/lossy/rerun) wrote identical "
                          "trace.jsonl, net.pcap and metrics.json\n") != NULL, "%s", out);
    free(out);
    cr_expect(files_equal("test-runs/divergence/lossy/trace.jsonl", "test-runs/divergence/lossy/rerun/trace.jsonl"));
}
