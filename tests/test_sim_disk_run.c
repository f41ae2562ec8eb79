/*
 * test_sim_disk_run.c - simulated disks inside whole runs (hal-sim/sim.c):
 * image files load at the start and are written back (durable contents
 * only, sparse) at the end, so data persists across two runs; bad images
 * are refused with a message naming the path and left alone; a crash in
 * the middle of a request writes a disk_crash trace line and drops the
 * completion; a run with disks is byte-identical when repeated.
 *
 * The test submits requests through each node's HAL (sim_node_hal: what
 * its kernel gets) before sim_run. Its disks are 128 KiB, too small for a
 * store (Stockholder needs 64 blocks of 4 KiB), so the kernels leave them
 * alone and the test sees only its own requests.
 */
#define _DEFAULT_SOURCE

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal-sim/sim.h"
#include "run_util.h"

#define DIR NIMBUS_BINARY_DIR "/test-runs/sim_disk_run"
#define BLOCK HAL_DISK_BLOCK_BYTES

static void make_dir(const char *path)
{
    cr_assert(mkdir(path, 0777) == 0 || errno == EEXIST, "mkdir %s", path);
}

/* Write `text` as DIR/<name>/scenario.json and load it. */
static void load(const char *name, const char *text, struct scenario *scn)
{
    char path[512], err[SCN_ERROR_BYTES];
    make_dir(NIMBUS_BINARY_DIR "/test-runs");
    make_dir(DIR);
    snprintf(path, sizeof path, DIR "/%s", name);
    make_dir(path);
    snprintf(path, sizeof path, DIR "/%s/scenario.json", name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    cr_assert_eq(scenario_load(path, scn, err, sizeof err), 0, "%s", err);
}

static void open_sim(struct sim *s, const struct scenario *scn, const char *out)
{
    char err[SIM_ERROR_BYTES];
    if (out != NULL)
        make_dir(out);
    struct sim_options opt = {.out_dir = out, .seed = 7};
    cr_assert_eq(sim_open(s, scn, &opt, err, sizeof err), 0, "%s", err);
}

static void submit_ok(struct sim *s, uint32_t node, uint32_t id, enum hal_disk_op op, uint64_t first,
                      uint32_t count, void *buf)
{
    struct hal hal;
    sim_node_hal(&s->nodes[node], &hal);
    cr_assert_eq(hal.disk->submit(hal.ctx, id, op, first, count, buf), HAL_OK);
}

static void close_sim(struct sim *s)
{
    char err[SIM_ERROR_BYTES * 2];
    cr_assert_eq(sim_close(s, err, sizeof err), 0, "%s", err);
}

static const char image_scenario[] =
    "{\"name\":\"disk-image\",\"duration\":\"10ms\","
    "\"nodes\":[{\"count\":2,\"disk\":{\"size\":\"128KiB\",\"image\":\"n{node}.img\"}}]}";

static struct sim sim; /* large: off the stack */

Test(sim_disk_run, images_persist_across_two_runs)
{
    struct scenario scn;
    load("persist", image_scenario, &scn);
    unlink(DIR "/persist/n0.img");
    unlink(DIR "/persist/n1.img");
    static uint8_t fua[BLOCK], cached[BLOCK], got[BLOCK];
    memset(fua, 0xC3, sizeof fua);
    memset(cached, 0x3C, sizeof cached);

    open_sim(&sim, &scn, NULL);
    struct hal hal;
    sim_node_hal(&sim.nodes[1], &hal);
    cr_assert_eq(hal.disk->block_size(hal.ctx), 512);
    cr_assert_eq(hal.disk->block_count(hal.ctx), 256);
    submit_ok(&sim, 1, 1, HAL_DISK_WRITE_FUA, 200, 1, fua);
    submit_ok(&sim, 1, 2, HAL_DISK_WRITE, 201, 1, cached); /* never flushed */
    cr_assert_eq(sim_run(&sim), 0, "%s", sim.error);
    cr_assert_eq(sim.nodes[1].disk.c.writes, 2);
    close_sim(&sim);

    struct stat st;
    cr_assert_eq(stat(DIR "/persist/n1.img", &st), 0, "node 1's image was written");
    cr_assert_eq(st.st_size, 128 << 10);
    cr_assert_lt((uint64_t)st.st_blocks * 512, (uint64_t)128 << 10, "the image is sparse");
    cr_assert_eq(stat(DIR "/persist/n0.img", &st), 0, "every node with an image path gets one");

    open_sim(&sim, &scn, NULL);
    sim_disk_read_durable(&sim.nodes[1].disk, 200, 1, got);
    cr_assert_eq(memcmp(got, fua, BLOCK), 0, "the FUA write came back in the second run");
    sim_disk_read_durable(&sim.nodes[1].disk, 201, 1, got);
    cr_assert_eq(got[0], 0, "the unflushed write was not durable, so not saved");
    sim_disk_read_durable(&sim.nodes[0].disk, 200, 1, got);
    cr_assert_eq(got[0], 0, "node 0's image is its own");
    close_sim(&sim);
    scenario_free(&scn);
}

Test(sim_disk_run, a_bad_image_is_refused_and_left_alone)
{
    struct scenario scn;
    load("bad", image_scenario, &scn);
    FILE *f = fopen(DIR "/bad/n0.img", "w");
    cr_assert_not_null(f);
    fputs("too short", f);
    fclose(f);
    char err[SIM_ERROR_BYTES];
    struct sim_options opt = {.seed = 1};
    cr_assert_eq(sim_open(&sim, &scn, &opt, err, sizeof err), -1);
    cr_assert_str_eq(err,
                     DIR "/bad/n0.img: the image is 9 bytes but the disk is 131072 bytes (its \"size\")");
    struct stat st;
    cr_assert_eq(stat(DIR "/bad/n0.img", &st), 0);
    cr_assert_eq(st.st_size, 9, "a refused image is not overwritten");

    unlink(DIR "/bad/n0.img");
    make_dir(DIR "/bad/n0.img");
    cr_assert_eq(sim_open(&sim, &scn, &opt, err, sizeof err), -1);
    cr_assert_str_eq(err, DIR "/bad/n0.img: not a regular file");
    rmdir(DIR "/bad/n0.img");
    scenario_free(&scn);
}

Test(sim_disk_run, an_image_that_cannot_be_written_is_named)
{
    struct scenario scn;
    load("nowrite",
         "{\"duration\":\"1ms\",\"nodes\":[{\"disk\":{\"size\":\"4KiB\",\"image\":\"none/n.img\"}}]}", &scn);
    rmdir(DIR "/nowrite/none");
    open_sim(&sim, &scn, NULL);
    cr_assert_eq(sim_run(&sim), 0);
    char err[SIM_ERROR_BYTES * 2];
    cr_assert_eq(sim_close(&sim, err, sizeof err), -1);
    cr_assert_str_eq(err, DIR "/nowrite/none/n.img: cannot write: No such file or directory");
    scenario_free(&scn);
}

/* A write in service when node 0 crashes at 1ms (it would end at 2.1ms). */
static const char crash_scenario[] =
    "{\"name\":\"disk-crash\",\"duration\":\"5ms\",\"nodes\":[{\"disk\":{\"size\":\"128KiB\","
    "\"latency\":\"100us\",\"bandwidth\":\"2MB/s\",\"crash\":\"keep-random\"}},{}],"
    "\"events\":[{\"at\":\"1ms\",\"crash\":{\"node\":0}},{\"at\":\"3ms\",\"restart\":{\"node\":0}}]}";

static void crash_run(const struct scenario *scn, const char *out)
{
    static uint8_t first[BLOCK], buf[8 * BLOCK];
    memset(first, 0x99, sizeof first);
    memset(buf, 0x5E, sizeof buf);
    open_sim(&sim, scn, out);
    submit_ok(&sim, 0, 1, HAL_DISK_WRITE, 0, 1, first); /* cached, then lost or kept */
    submit_ok(&sim, 0, 2, HAL_DISK_WRITE, 16, 8, buf);  /* 4 KiB at 2MB/s: in service at 1ms */
    cr_assert_eq(sim_run(&sim), 0, "%s", sim.error);
    cr_assert_eq(sim.nodes[0].disk.c.writes, 1, "the crashed write never completed");
    cr_assert_eq(sim.nodes[0].disk.len, 0);
    close_sim(&sim);
}

Test(sim_disk_run, a_crash_is_traced_and_runs_repeat_byte_for_byte)
{
    struct scenario scn;
    load("crash", crash_scenario, &scn);
    crash_run(&scn, DIR "/crash/a");
    crash_run(&scn, DIR "/crash/b");
    cr_assert_eq(count_trace_events(DIR "/crash/a", "disk_crash", NULL, NULL), 1);
    size_t len;
    char *trace = read_file(DIR "/crash/a/trace.jsonl", &len);
    cr_assert_not_null(trace);
    const char *line = strstr(trace, "\"ev\":\"disk_crash\"");
    cr_assert_not_null(line);
    unsigned lost, kept, torn, sectors;
    cr_assert_eq(sscanf(line,
                        "\"ev\":\"disk_crash\",\"lost\":%u,\"kept\":%u,\"torn\":%u,\"in_flight_sectors\":%u",
                        &lost, &kept, &torn, &sectors),
                 4, "%s", line);
    cr_assert_eq(lost + kept, 1);
    cr_assert_eq(torn, sectors != 0 && sectors != 8);
    free(trace);
    const char *files[] = {"trace.jsonl", "metrics.json", "metrics.csv"};
    for (size_t i = 0; i < 3; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, DIR "/crash/a/%s", files[i]);
        snprintf(b, sizeof b, DIR "/crash/b/%s", files[i]);
        cr_assert(files_equal(a, b), "%s differs between two runs", files[i]);
    }
    char *metrics = read_file(DIR "/crash/a/metrics.json", &len);
    cr_assert_not_null(strstr(metrics, "\"disk_writes\": 1, \"disk_flushes\": 0"), "%s", metrics);
    free(metrics);
    scenario_free(&scn);
}
