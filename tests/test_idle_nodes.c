/* test_idle_nodes.c - an idle node costs no events: it takes load
 * samples (docs/balancing.md) only while something is runnable or its
 * load average is above zero, on the 100 ms grid from its boot, and the
 * last sample it traces reads zero. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hal-sim/sim.h"
#include "run_util.h"

#define OUT "test_idle_nodes_out"

/* 50 nodes; node 0 runs a worker for about a quarter of a second. */
#define BUSY_THEN_IDLE(duration)                                                                         \
    "{\"seed\": 1, \"duration\": \"" duration "\", \"nodes\": [{\"count\": 50, \"cpu_mips\": 100}],"   \
    " \"events\": [{\"at\": \"0s\", \"spawn\": {\"node\": 0, \"program\": \"worker\", \"args\": [\"30000\"]}}]}"

/* Run `text` into OUT/<name>; returns the events it handled. */
static uint64_t run_text(const char *name, const char *text)
{
    char dir[256], err[SCN_ERROR_BYTES];
    snprintf(dir, sizeof dir, OUT "/%s", name);
    cr_assert(mkdir(OUT, 0777) == 0 || errno == EEXIST);
    cr_assert(mkdir(dir, 0777) == 0 || errno == EEXIST);
    static struct scenario scn;
    cr_assert_eq(scenario_parse(text, strlen(text), name, &scn, err, sizeof err), 0, "%s", err);
    static struct sim s;
    struct sim_options opt = {.out_dir = dir, .seed = scn.seed};
    cr_assert_eq(sim_open(&s, &scn, &opt, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sim_run(&s), 0, "%s", s.error);
    uint64_t events = s.events;
    cr_assert_eq(sim_close(&s, err, sizeof err), 0, "%s", err);
    scenario_free(&scn);
    return events;
}

Test(idle_nodes, an_idle_cluster_handles_no_events_as_time_passes)
{
    uint64_t short_run = run_text("20s", BUSY_THEN_IDLE("20s"));
    uint64_t long_run = run_text("40s", BUSY_THEN_IDLE("40s"));
    cr_assert_eq(short_run, long_run, "20 s more of an idle cluster cost %" PRIu64 " events",
                 long_run - short_run);
    /* The worker's slices and a sample per 100 ms until its load decays. */
    cr_assert_lt(long_run, 4000u, "%" PRIu64 " events", long_run);
}

Test(idle_nodes, samples_stay_on_the_grid_and_end_reading_zero)
{
    run_text("trace", BUSY_THEN_IDLE("20s"));
    char *text = read_file(OUT "/trace/trace.jsonl", NULL);
    cr_assert_not_null(text);
    unsigned samples = 0;
    unsigned long long t = 0, last_t = 0, load = 1, runq = 1, first_runq = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strstr(line, "\"ev\":\"load\"") == NULL)
            continue;
        unsigned node;
        cr_assert_eq(sscanf(line, "{\"t\":%llu,\"node\":%u,\"ev\":\"load\",\"load_milli\":%llu,\"runq\":%llu", &t,
                            &node, &load, &runq),
                     4, "%s", line);
        cr_assert_eq(node, 0, "only the busy node samples: %s", line);
        cr_assert_eq(t % 100000000u, 0, "off the 100 ms grid: %s", line);
        cr_assert_gt(t, last_t);
        if (samples++ == 0)
            first_runq = runq;
        last_t = t;
    }
    free(text);
    cr_assert_eq(first_runq, 1, "the first sample sees the worker");
    cr_assert_eq(load, 0, "the last sample reads zero");
    cr_assert_eq(runq, 0);
    /* The load average decays to zero in a few seconds, then stops. */
    cr_assert(samples > 20 && last_t < 15000000000ull, "%u samples, the last at %llu ns", samples, last_t);
}
