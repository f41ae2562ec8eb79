/* test_bcast_fanout.c - a broadcast enters only the kernels it acts on
 * (kernel_frame_acts, RFC 826's rule for ARP), and what a run writes
 * stays byte for byte what it was when every copy entered its kernel:
 * each scenario runs both ways (sim_options.every_copy_to_kernel) and
 * trace.jsonl, net.pcap and metrics.json are compared. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hal-sim/sim.h"
#include "run_util.h"

#define OUT "test_bcast_fanout_out"

/* Broadcast copies the kernels were spared, summed over the nodes. */
static uint64_t ignored_copies(const struct sim *s)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < s->node_count; i++)
        n += s->nodes[i].ignored_rx_frames;
    return n;
}

/* Run `scn` into OUT/<name>-<every|acting>; returns the copies spared. */
static uint64_t run_into(const struct scenario *scn, const char *name, bool every_copy)
{
    char dir[512], err[SCN_ERROR_BYTES];
    snprintf(dir, sizeof dir, OUT "/%s-%s", name, every_copy ? "every" : "acting");
    cr_assert(mkdir(OUT, 0777) == 0 || errno == EEXIST);
    cr_assert(mkdir(dir, 0777) == 0 || errno == EEXIST);
    static struct sim s;
    struct sim_options opt = {.out_dir = dir, .seed = scn->seed, .every_copy_to_kernel = every_copy};
    cr_assert_eq(sim_open(&s, scn, &opt, err, sizeof err), 0, "%s", err);
    sim_run(&s);
    uint64_t spared = ignored_copies(&s);
    cr_assert_eq(sim_close(&s, err, sizeof err), 0, "%s", err);
    return spared;
}

static void assert_same_outputs(const char *name)
{
    static const char *const files[] = {"trace.jsonl", "net.pcap", "metrics.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, OUT "/%s-every/%s", name, files[i]);
        snprintf(b, sizeof b, OUT "/%s-acting/%s", name, files[i]);
        cr_assert(files_equal(a, b), "%s: %s differs when only acting kernels see broadcasts", name, files[i]);
    }
}

/* Both ways; returns the copies the fast way spared. */
static uint64_t compare_runs(const struct scenario *scn, const char *name)
{
    cr_assert_eq(run_into(scn, name, true), 0, "%s: the reference enters every kernel", name);
    uint64_t spared = run_into(scn, name, false);
    assert_same_outputs(name);
    return spared;
}

static uint64_t compare_file(const char *file)
{
    char path[512], err[SCN_ERROR_BYTES];
    snprintf(path, sizeof path, NIMBUS_SOURCE_DIR "/scenarios/%s.json", file);
    static struct scenario scn;
    cr_assert_eq(scenario_load(path, &scn, err, sizeof err), 0, "%s", err);
    uint64_t spared = compare_runs(&scn, file);
    scenario_free(&scn);
    return spared;
}

static uint64_t compare_text(const char *name, const char *text)
{
    char err[SCN_ERROR_BYTES];
    static struct scenario scn;
    cr_assert_eq(scenario_parse(text, strlen(text), name, &scn, err, sizeof err), 0, "%s", err);
    uint64_t spared = compare_runs(&scn, name);
    scenario_free(&scn);
    return spared;
}

/* A 64-node ring: 64 ARP requests, each acted on by its target only. */
Test(bcast_fanout, ring_outputs_are_unchanged_and_most_copies_spared)
{
    uint64_t spared = compare_file("ring-64");
    /* 64 requests, 63 copies each; the target and (from the second lap
     * on, none here) cachers act: at most 2 of 63 copies per request. */
    cr_assert_geq(spared, 64u * 61u, "spared %llu", (unsigned long long)spared);
}

/* Crashes and restarts: a restarted node asks again, and the nodes that
 * cached its old entry refresh it (they act without being the target). */
Test(bcast_fanout, crashes_restarts_and_churn_are_unchanged)
{
    cr_assert_gt(compare_file("crash-heavy-8"), 0);
    cr_assert_gt(compare_file("churn-32"), 0);
}

/* Loss, duplication, jitter and balancing traffic. */
Test(bcast_fanout, lossy_and_balanced_runs_are_unchanged)
{
    compare_file("lossy-pingpong");
    cr_assert_gt(compare_file("hotspot-16"), 0);
}

/* Duplicated and corrupted copies, a partition, a paused node whose NIC
 * holds broadcasts, and a clock that drifts. */
Test(bcast_fanout, faults_pauses_and_drift_are_unchanged)
{
    const char *text =
        "{\"seed\": 3, \"nodes\": [{\"count\": 12, \"clock_drift_ppm\": 40}],"
        " \"network\": {\"latency\": \"50us\", \"jitter\": \"20us\", \"loss\": 0.02, \"duplicate\": 0.05,"
        " \"corrupt\": 0.02},"
        " \"events\": ["
        "{\"at\": \"0s\", \"spawn\": {\"node\": \"all\", \"program\": \"ring\", \"args\": [\"12\", \"3\"]}},"
        "{\"at\": \"1ms\", \"pause\": {\"node\": 5, \"for\": \"3ms\"}},"
        "{\"at\": \"2ms\", \"partition\": {\"groups\": [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]}},"
        "{\"at\": \"6ms\", \"heal\": {}}]}";
    cr_assert_gt(compare_text("faults", text), 0);
}
