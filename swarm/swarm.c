/*
 * swarm.c - see swarm.h. The parent reads the scenario once, then the
 * pool runs one child per seed into DIR/seed-<n>/; each finished run is
 * checked in seed order. Failures are shrunk one after another at the
 * end, and each gets its reproduce commands.
 */
#define _POSIX_C_SOURCE 200809L
#include "swarm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal-sim/scenario.h"
#include "host/files.h"
#include "host/xalloc.h"
#include "sweep/run_pool.h"
#include "sweep/sweep_progress.h"
#include "swarm_shrink.h"

/* Failing seeds shrunk and explained in full; the rest are listed. */
#define SWARM_MAX_EXPLAINED 5u

struct swarm {
    const struct swarm_args *a;
    struct swarm_base base;
    char dir[4096];
    uint64_t *failing; /* seeds that broke an invariant, in order */
    size_t failing_count;
    uint64_t finished, lost_runs;
    struct sweep_progress progress;
};

static volatile sig_atomic_t swarm_interrupted;

static void on_interrupt(int sig)
{
    swarm_interrupted = 1;
    signal(sig, SIG_DFL);
}

static void seed_dir(const struct swarm *s, uint64_t seed, char *buf, size_t bytes)
{
    snprintf(buf, bytes, "%s/seed-%llu", s->dir, (unsigned long long)seed);
}

static pid_t start_seed(void *ctx, size_t i)
{
    struct swarm *s = ctx;
    uint64_t seed = s->a->first_seed + i;
    struct swarm_schedule faults;
    swarm_faults_draw(seed, s->base.nodes, s->base.horizon_ns, s->a->every_fault, &faults);
    char dir[4200], err[512];
    seed_dir(s, seed, dir, sizeof dir);
    pid_t pid = swarm_run_start(&s->base, seed, &faults, (1u << faults.count) - 1u, dir, err, sizeof err);
    if (pid < 0)
        fprintf(stderr, "nimbus swarm: seed %llu: %s\n", (unsigned long long)seed, err);
    return pid;
}

static void seed_finished(void *ctx, size_t i, const struct run_pool_job *job)
{
    struct swarm *s = ctx;
    uint64_t seed = s->a->first_seed + i;
    if (!job->started || job->start_errno != 0)
        return;
    char dir[4200];
    seed_dir(s, seed, dir, sizeof dir);
    struct swarm_outcome o;
    swarm_run_check(dir, &o);
    s->finished++;
    sweep_progress_ended(&s->progress, !o.ran || o.violations > 0);
    sweep_progress_log(&s->progress, "nimbus swarm");
    sweep_progress_before_line(&s->progress); /* a line of ours may follow */
    if (!o.ran) {
        s->lost_runs++;
        fprintf(stderr, "seed %llu: the run left no trace (see %s/run.log)\n", (unsigned long long)seed, dir);
        return;
    }
    if (o.violations == 0) {
        /* A passing run's outputs are tens of MB and say nothing new. */
        if (!s->a->keep_runs && files_remove_tree(dir) < 0)
            fprintf(stderr, "nimbus swarm: cannot remove %s: %s\n", dir, strerror(errno));
        return;
    }
    s->failing[s->failing_count++] = seed;
    printf("seed %llu: %llu violation%s (end %s), first in %s/check.txt\n", (unsigned long long)seed,
           (unsigned long long)o.violations, o.violations == 1 ? "" : "s", o.end, dir);
    fflush(stdout);
}

static void seed_tick(void *ctx)
{
    struct swarm *s = ctx;
    sweep_progress_tick(&s->progress);
}

static void explain(struct swarm *s, uint64_t seed)
{
    char dir[4200], line[256];
    seed_dir(s, seed, dir, sizeof dir);
    struct swarm_schedule faults;
    swarm_faults_draw(seed, s->base.nodes, s->base.horizon_ns, s->a->every_fault, &faults);
    uint32_t keep = s->a->shrink ? swarm_shrink(&s->base, seed, &faults, dir, s->a->keep_runs)
                                 : (1u << faults.count) - 1u;
    char min_dir[4300], err[512];
    snprintf(min_dir, sizeof min_dir, "%s/minimal", dir);
    if (swarm_run_write(&s->base, &faults, keep, min_dir, err, sizeof err) < 0)
        fprintf(stderr, "nimbus swarm: %s\n", err);
    printf("\nseed %llu fails with %s:\n", (unsigned long long)seed, s->a->shrink ? "these faults (shrunk)" : "these faults");
    for (size_t i = 0; i < faults.count; i++) {
        if ((keep & (1u << i)) == 0)
            continue;
        swarm_fault_describe(&faults.faults[i], line, sizeof line);
        printf("  %s\n", line);
    }
    if (keep == 0)
        printf("  (none: it fails without faults)\n");
    printf("reproduce: nimbus run %s/scenario.json --seed %llu --out %s && nimbus check-run %s\n", min_dir,
           (unsigned long long)seed, min_dir, min_dir);
}

static double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); /* for the figures people read, never for a run */
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The scenario, checked as `nimbus run` would, and its JSON to add faults to. */
static int load_base(const struct swarm_args *a, struct scenario *scn, cJSON **root)
{
    char err[SCN_ERROR_BYTES];
    if (scenario_load(a->scenario, scn, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    size_t len;
    char *text = files_read_text(a->scenario, SCN_MAX_FILE_BYTES, &len);
    *root = text != NULL ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    if (*root == NULL) {
        fprintf(stderr, "nimbus swarm: %s changed while it was read\n", a->scenario);
        scenario_free(scn);
        return -1;
    }
    return 0;
}

int swarm_run(const struct swarm_args *a)
{
    struct swarm s = {.a = a};
    struct scenario scn;
    cJSON *root = NULL;
    if (load_base(a, &scn, &root) < 0)
        return 1;
    s.base = (struct swarm_base){.root = root, .path = a->scenario, .nodes = scn.node_count,
                                 .horizon_ns = a->horizon_ns, .interrupt = &swarm_interrupted};
    snprintf(s.dir, sizeof s.dir, a->out_dir != NULL ? "%s" : "runs/%s-swarm", a->out_dir != NULL ? a->out_dir : scn.name);
    scenario_free(&scn);
    if (files_make_dirs(s.dir) < 0) {
        fprintf(stderr, "nimbus swarm: cannot create %s: %s\n", s.dir, strerror(errno));
        cJSON_Delete(root);
        return 1;
    }
    s.failing = xcalloc(a->seed_count, sizeof s.failing[0]);
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
    double start = wall_seconds();
    static const struct run_pool_ops ops = {.start = start_seed, .finished = seed_finished, .tick = seed_tick};
    sweep_progress_start(&s.progress, a->progress, a->seed_count);
    run_pool_run(a->seed_count, a->jobs, &swarm_interrupted, &ops, &s);
    sweep_progress_before_line(&s.progress);
    double wall = wall_seconds() - start;
    for (size_t i = 0; i < s.failing_count && i < SWARM_MAX_EXPLAINED && !swarm_interrupted; i++)
        explain(&s, s.failing[i]);
    /* A blank line sets the summary apart from the failures' reports, if any. */
    printf("%s%s: %llu of %llu seeds run, %zu broke an invariant; %.1f seeds per minute on %u job%s%s\n",
           s.failing_count > 0 ? "\n" : "", s.dir, (unsigned long long)s.finished, (unsigned long long)a->seed_count,
           s.failing_count, wall > 0 ? (double)s.finished * 60.0 / wall : 0.0, a->jobs, a->jobs == 1 ? "" : "s",
           swarm_interrupted ? " (interrupted)" : "");
    int status = s.failing_count > 0 || s.lost_runs > 0 ? 2 : 0;
    free(s.failing);
    cJSON_Delete(root);
    return status;
}
