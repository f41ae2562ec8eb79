/* test_bcast_fanout.c - a broadcast costs queue events and kernel
 * entries only where it acts (kernel_frame_acts, RFC 826's rule for
 * ARP), and what a run writes stays byte for byte what it is when every
 * copy is an event of its own and enters its kernel: each scenario runs
 * both ways (sim_options.every_copy_to_kernel) and trace.jsonl, net.pcap
 * and metrics.json are compared, all but the count of events handled,
 * which must differ by exactly the copies the fast way did not queue. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hal-sim/sim.h"
#include "run_util.h"

#define OUT "test_bcast_fanout_out"

/* What one run did with the broadcasts. */
struct fanout_run {
    uint64_t events;   /* queue events handled */
    uint64_t ignored;  /* copies counted for kernels that ignored them */
    uint64_t ahead;    /* of those, copies that never were a queue event */
    uint64_t records;  /* broadcasts with copies counted ahead: an event each */
};

static struct fanout_run run_into(const struct scenario *scn, const char *name, bool every_copy)
{
    char dir[512], err[SCN_ERROR_BYTES];
    snprintf(dir, sizeof dir, OUT "/%s-%s", name, every_copy ? "every" : "acting");
    cr_assert(mkdir(OUT, 0777) == 0 || errno == EEXIST);
    cr_assert(mkdir(dir, 0777) == 0 || errno == EEXIST);
    static struct sim s;
    struct sim_options opt = {.out_dir = dir, .seed = scn->seed, .every_copy_to_kernel = every_copy};
    cr_assert_eq(sim_open(&s, scn, &opt, err, sizeof err), 0, "%s", err);
    sim_run(&s);
    struct fanout_run r = {.events = s.events, .ahead = s.net.copies_ahead, .records = s.net.bcast_records};
    for (uint32_t i = 0; i < s.node_count; i++)
        r.ignored += s.nodes[i].ignored_rx_frames;
    cr_assert_eq(sim_close(&s, err, sizeof err), 0, "%s", err);
    return r;
}

/* The file's bytes with the digits after every `"events":` (and any
 * spaces) removed: the one figure the two ways must not agree on. */
static char *without_event_count(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    cr_assert_not_null(text, "cannot read %s", path);
    static const char key[] = "\"events\":";
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        if (len - i >= sizeof key - 1 && memcmp(text + i, key, sizeof key - 1) == 0) {
            memmove(text + out, key, sizeof key - 1);
            out += sizeof key - 1;
            i += sizeof key - 1;
            while (i < len && (text[i] == ' ' || (text[i] >= '0' && text[i] <= '9')))
                i++;
            continue;
        }
        text[out++] = text[i++];
    }
    text[out] = '\0';
    return text;
}

static void assert_same_outputs(const char *name)
{
    char a[512], b[512];
    snprintf(a, sizeof a, OUT "/%s-every/net.pcap", name);
    snprintf(b, sizeof b, OUT "/%s-acting/net.pcap", name);
    cr_assert(files_equal(a, b), "%s: net.pcap differs when only acting copies are queued", name);
    static const char *const files[] = {"trace.jsonl", "metrics.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(a, sizeof a, OUT "/%s-every/%s", name, files[i]);
        snprintf(b, sizeof b, OUT "/%s-acting/%s", name, files[i]);
        char *every = without_event_count(a), *acting = without_event_count(b);
        cr_assert_str_eq(every, acting, "%s: %s differs when only acting copies are queued", name, files[i]);
        free(every);
        free(acting);
    }
}

/* Both ways; returns what the fast way did. */
static struct fanout_run compare_runs(const struct scenario *scn, const char *name)
{
    struct fanout_run every = run_into(scn, name, true);
    cr_assert_eq(every.ignored, 0, "%s: the reference enters every kernel", name);
    cr_assert_eq(every.ahead, 0, "%s: the reference queues every copy", name);
    struct fanout_run fast = run_into(scn, name, false);
    assert_same_outputs(name);
    /* Every copy counted ahead is one event the reference handled and
     * the fast way did not; each broadcast with such copies costs one. */
    cr_assert_eq(every.events - fast.events, fast.ahead - fast.records,
                 "%s: %llu events instead of %llu, with %llu copies counted ahead in %llu broadcasts", name,
                 (unsigned long long)fast.events, (unsigned long long)every.events,
                 (unsigned long long)fast.ahead, (unsigned long long)fast.records);
    return fast;
}

static struct fanout_run compare_file(const char *file)
{
    char path[512], err[SCN_ERROR_BYTES];
    snprintf(path, sizeof path, NIMBUS_SOURCE_DIR "/scenarios/%s.json", file);
    static struct scenario scn;
    cr_assert_eq(scenario_load(path, &scn, err, sizeof err), 0, "%s", err);
    struct fanout_run r = compare_runs(&scn, file);
    scenario_free(&scn);
    return r;
}

static struct fanout_run compare_text(const char *name, const char *text)
{
    char err[SCN_ERROR_BYTES];
    static struct scenario scn;
    cr_assert_eq(scenario_parse(text, strlen(text), name, &scn, err, sizeof err), 0, "%s", err);
    struct fanout_run r = compare_runs(&scn, name);
    scenario_free(&scn);
    return r;
}

/* A 64-node ring: 64 ARP requests, each acted on by its target only.
 * No kernel forgets an address here, so a copy that was queued is one
 * its kernel acted on: every ignored copy was counted without an event. */
Test(bcast_fanout, ring_outputs_are_unchanged_and_ignored_copies_never_queued)
{
    struct fanout_run r = compare_file("ring-64");
    /* 64 requests, 63 copies each; the target and (from the second lap
     * on, none here) cachers act: at most 2 of 63 copies per request. */
    cr_assert_geq(r.ignored, 64u * 61u, "ignored %llu", (unsigned long long)r.ignored);
    cr_assert_eq(r.ahead, r.ignored, "%llu of %llu ignored copies were queue events",
                 (unsigned long long)(r.ignored - r.ahead), (unsigned long long)r.ignored);
}

/* Crashes and restarts: a restarted node asks again, and the nodes that
 * cached its old entry refresh it (they act without being the target). */
Test(bcast_fanout, crashes_restarts_and_churn_are_unchanged)
{
    cr_assert_gt(compare_file("crash-heavy-8").ahead, 0);
    cr_assert_gt(compare_file("churn-32").ahead, 0);
}

/* Loss, duplication, jitter and balancing traffic. */
Test(bcast_fanout, lossy_and_balanced_runs_are_unchanged)
{
    compare_file("lossy-pingpong");
    cr_assert_gt(compare_file("hotspot-16").ahead, 0);
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
    cr_assert_gt(compare_text("faults", text).ahead, 0);
}

/* A copy counted ahead as ignored is asked about again when its
 * receiver's ARP cache makes an entry before the copy arrives: node 2
 * starts sending to node 0 while node 0's request for node 1 is still on
 * its way to it (jitter up to 2 ms), so the entry it makes for node 0
 * waits, and node 0's request, when it arrives, resolves it and sends
 * the waiting datagram at once. Counted as ignored, the datagram would
 * wait for the reply to node 2's own request instead. */
Test(bcast_fanout, an_address_learnt_while_a_copy_travels_is_acted_on)
{
    const char *text =
        "{\"seed\": 3, \"nodes\": [{\"count\": 6}],"
        " \"network\": {\"latency\": \"50us\", \"jitter\": \"2ms\"},"
        " \"events\": ["
        "{\"at\": \"0s\", \"spawn\": {\"node\": 0, \"program\": \"sink\", \"args\": [\"5\", \"5000\"]}},"
        "{\"at\": \"0s\", \"spawn\": {\"node\": 1, \"program\": \"sink\", \"args\": [\"5\", \"5000\"]}},"
        "{\"at\": \"10us\", \"spawn\": {\"node\": 0, \"program\": \"sender\", \"args\": [\"n1.1\", \"5\", \"64\"]}},"
        "{\"at\": \"200us\", \"spawn\": {\"node\": 2, \"program\": \"sender\", \"args\": [\"n0.1\", \"5\", \"64\"]}}]}";
    struct fanout_run r = compare_text("learnt", text);
    cr_assert_gt(r.ahead, 0);
}

/* Copies counted ahead as ignored are queued after all when, before they
 * arrive, their receiver pauses (the copy waits in its ring: the resume
 * line counts it), crashes (lost, down) or is cut off (lost, partition):
 * node 0's request for node 1 is on its way for up to 2 ms. */
Test(bcast_fanout, a_pause_crash_or_partition_before_arrival_is_seen)
{
    const char *text =
        "{\"seed\": 3, \"nodes\": [{\"count\": 6}],"
        " \"network\": {\"latency\": \"50us\", \"jitter\": \"2ms\"},"
        " \"events\": ["
        "{\"at\": \"0s\", \"spawn\": {\"node\": 1, \"program\": \"sink\", \"args\": [\"5\", \"5000\"]}},"
        "{\"at\": \"10us\", \"spawn\": {\"node\": 0, \"program\": \"sender\", \"args\": [\"n1.1\", \"5\", \"64\"]}},"
        "{\"at\": \"100us\", \"pause\": {\"node\": 3, \"for\": \"3ms\"}},"
        "{\"at\": \"150us\", \"crash\": {\"node\": 4}},"
        "{\"at\": \"200us\", \"partition\": {\"groups\": [[0, 1, 2, 3, 4], [5]]}},"
        "{\"at\": \"4ms\", \"heal\": {}}]}";
    /* Copies were counted ahead (all were taken back: nothing else sent
     * a broadcast). */
    cr_assert_gt(compare_text("changes", text).records, 0);
}
