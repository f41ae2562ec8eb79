/*
 * sweep.c - a sweep (see sweep.h): the grid, and the pool of child
 * processes that runs it (arguments in sweep_args.c).
 *
 * The parent loads and validates the scenario once per policy (with the
 * --set overrides and "balancer.policy"), then forks one child per cell,
 * at most --jobs at a time (sweep_run.c). It reports cells strictly in
 * grid order as they become available, reading each cell's metrics.json,
 * and writes sweep.csv and the table at the end (sweep_report.c).
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hal-sim/scenario_override.h"
#include "host/files.h"
#include "host/xalloc.h"
#include "sweep_args.h"
#include "run_pool.h"
#include "sweep_report.h"
#include "sweep_run.h"

enum { SWEEP_EXIT_OK = 0, SWEEP_EXIT_USAGE = 1, SWEEP_EXIT_FAILED = 2 };

#define SWEEP_CELL_BYTES (SWEEP_PATH_BYTES + 64u) /* a cell directory in it */
#define SWEEP_FILE_BYTES (SWEEP_CELL_BYTES + 64u) /* a file in that */

/* The loaded grid and its results. */
struct sweep_plan {
    struct scenario scn[SWEEP_MAX_POLICIES];
    char *text[SWEEP_MAX_POLICIES]; /* the effective scenario, for scenario.json */
    size_t loaded;
    char dir[SWEEP_PATH_BYTES];
    struct sweep_cell *cells;
    size_t cell_count;
};

static volatile sig_atomic_t sweep_interrupted;

/* The first Ctrl-C stops the running cells cleanly and starts no more
 * (children inherit this handler); a second one kills the program. */
static void on_interrupt(int sig)
{
    sweep_interrupted = 1;
    signal(sig, SIG_DFL);
}

/* ---- loading the scenario, once per policy ------------------------------ */

/* A bad scenario: one line, and the usage exit status. */
static int scenario_error(const char *err)
{
    fprintf(stderr, "nimbus sweep: %s\n", err);
    return SWEEP_EXIT_USAGE;
}

static int load_policy(const struct sweep_args *a, struct sweep_plan *p, size_t k)
{
    char err[SCN_ERROR_BYTES + 256], label[64];
    snprintf(label, sizeof label, "policy \"%s\"", a->policies[k]);
    struct scenario_override *ov = &a->sets[a->set_count]; /* the spare slot */
    if (scenario_override_make(label, "balancer.policy", cJSON_CreateString(a->policies[k]), ov, err,
                               sizeof err) < 0)
        return scenario_error(err);
    int rc = scenario_load_overridden(a->scenario, a->sets, a->set_count + 1, &p->scn[k], &p->text[k], err,
                                      sizeof err);
    scenario_override_free(ov);
    if (rc < 0)
        return scenario_error(err);
    p->loaded = k + 1;
    return 0;
}

/* scenario.json must keep the scenario's name, which the loader may have
 * taken from the file name: write it in when the text has none. */
static char *text_with_name(const char *text, const char *name)
{
    cJSON *doc = cJSON_Parse(text);
    if (doc == NULL)
        return xstrdup(text);
    if (cJSON_GetObjectItemCaseSensitive(doc, "name") == NULL)
        cJSON_AddStringToObject(doc, "name", name);
    char *printed = cJSON_Print(doc);
    cJSON_Delete(doc);
    char *out = xstrdup(printed != NULL ? printed : text);
    cJSON_free(printed);
    return out;
}

/* ---- output directories -------------------------------------------- */

/* <dir>/<policy>/seed-<n>; false when it does not fit. */
static bool cell_dir(const struct sweep_plan *p, const struct sweep_cell *c, char *buf, size_t bytes)
{
    int n = snprintf(buf, bytes, "%s/%s/seed-%llu", p->dir, c->policy, (unsigned long long)c->seed);
    return n > 0 && (size_t)n < bytes;
}

static int write_policy_scenario(const struct sweep_plan *p, const struct sweep_args *a, size_t k)
{
    char path[SWEEP_FILE_BYTES];
    snprintf(path, sizeof path, "%s/%s/scenario.json", p->dir, a->policies[k]);
    char *text = text_with_name(p->text[k], p->scn[k].name);
    int rc = files_write_text(path, text);
    if (rc < 0)
        fprintf(stderr, "nimbus sweep: cannot write %s: %s\n", path, strerror(errno));
    free(text);
    return rc;
}

/* Remove <dir>/<file> if it is there; 0, or -1 after a message. */
static int remove_stale(const char *dir, const char *file)
{
    char path[SWEEP_FILE_BYTES];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (unlink(path) == 0 || errno == ENOENT)
        return 0;
    fprintf(stderr, "nimbus sweep: cannot remove %s: %s\n", path, strerror(errno));
    return -1;
}

/* Every cell's directory, without the metrics.json and run.log of an
 * earlier sweep (a cell that dies early must not look finished). */
static int prepare_dirs(const struct sweep_args *a, struct sweep_plan *p)
{
    char dir[SWEEP_CELL_BYTES];
    for (size_t i = 0; i < p->cell_count; i++) {
        if (!cell_dir(p, &p->cells[i], dir, sizeof dir)) {
            fprintf(stderr, "nimbus sweep: output directory %s: name too long\n", p->dir);
            return -1;
        }
        if (files_make_dirs(dir) < 0) {
            fprintf(stderr, "nimbus sweep: cannot create output directory %s: %s\n", dir, strerror(errno));
            return -1;
        }
        if (remove_stale(dir, "metrics.json") < 0 || remove_stale(dir, SWEEP_RUN_LOG) < 0)
            return -1;
    }
    for (size_t k = 0; k < a->policy_count; k++)
        if (write_policy_scenario(p, a, k) < 0)
            return -1;
    return 0;
}

static void plan_grid(const struct sweep_args *a, struct sweep_plan *p)
{
    if (a->out_dir != NULL)
        snprintf(p->dir, sizeof p->dir, "%s", a->out_dir);
    else /* scenario names are safe in paths: the loader checks them */
        snprintf(p->dir, sizeof p->dir, "runs/%s-sweep", p->scn[0].name);
    p->cell_count = a->policy_count * a->seed_count;
    p->cells = xcalloc(p->cell_count, sizeof p->cells[0]);
    for (size_t k = 0; k < a->policy_count; k++) {
        for (size_t s = 0; s < a->seed_count; s++) {
            struct sweep_cell *c = &p->cells[k * a->seed_count + s];
            c->policy = a->policies[k];
            c->policy_index = k;
            c->seed = a->seeds[s];
        }
    }
}

/* ---- running the cells ------------------------------------------------ */

/* How the pool tracks one cell. */
static void print_ms(FILE *f, double ns)
{
    fprintf(f, ns < 1e7 ? "%.3f ms" : "%.1f ms", ns / 1e6);
}

static void print_progress(const struct sweep_cell *c, size_t i, size_t count)
{
    const struct sweep_result *r = &c->result;
    fprintf(stderr, "[%zu/%zu] %s seed %llu: ", i + 1, count, c->policy, (unsigned long long)c->seed);
    if (!c->ok && r->read && r->end[0] != '\0') {
        fprintf(stderr, "FAILED: %s at ", r->end);
        print_ms(stderr, r->value[SWEEP_SIM_TIME]);
        fputc('\n', stderr);
    } else if (!c->ok) {
        fprintf(stderr, "FAILED: %s\n", c->problem);
    } else if (r->has[SWEEP_MAKESPAN]) {
        fputs("makespan ", stderr);
        print_ms(stderr, r->value[SWEEP_MAKESPAN]);
        fputc('\n', stderr);
    } else {
        fprintf(stderr, "%s at ", r->end);
        print_ms(stderr, r->value[SWEEP_SIM_TIME]);
        fputs(" (no makespan in metrics.json)\n", stderr);
    }
}

/* Read a finished cell's figures and decide whether it succeeded. */
static void finish_cell(const struct sweep_plan *p, struct sweep_cell *c, const struct run_pool_job *s)
{
    char dir[SWEEP_CELL_BYTES], path[SWEEP_FILE_BYTES];
    if (!s->started || s->start_errno != 0) {
        snprintf(c->problem, sizeof c->problem, "not run: %s",
                 s->started ? strerror(s->start_errno) : "the sweep was interrupted");
        return;
    }
    c->ran = true;
    cell_dir(p, c, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/metrics.json", dir);
    bool read = sweep_result_read(path, &c->result) == 0;
    bool exited_ok = WIFEXITED(s->wait_status) && WEXITSTATUS(s->wait_status) == SWEEP_CHILD_OK;
    c->ok = exited_ok && read && !c->result.failed;
    if (c->ok)
        return;
    if (exited_ok)
        snprintf(c->problem, sizeof c->problem, "its metrics.json is missing or unreadable");
    else
        sweep_run_explain(s->wait_status, dir, c->problem, sizeof c->problem);
}

static pid_t start_cell(void *ctx, size_t i)
{
    const struct sweep_plan *p = ctx;
    char dir[SWEEP_CELL_BYTES];
    const struct sweep_cell *c = &p->cells[i];
    cell_dir(p, c, dir, sizeof dir);
    return sweep_run_start(&p->scn[c->policy_index], c->seed, dir, &sweep_interrupted);
}

static void cell_finished(void *ctx, size_t i, const struct run_pool_job *job)
{
    struct sweep_plan *p = ctx;
    finish_cell(p, &p->cells[i], job);
    print_progress(&p->cells[i], i, p->cell_count);
}

/* Run every cell, --jobs at a time; after an interrupt, start no more. */
static void run_cells(struct sweep_plan *p, unsigned jobs)
{
    static const struct run_pool_ops ops = {.start = start_cell, .finished = cell_finished};
    run_pool_run(p->cell_count, jobs, &sweep_interrupted, &ops, p);
}

/* ---- the summary ---------------------------------------------------- */

static size_t report_failures(const struct sweep_plan *p)
{
    size_t failed = 0;
    for (size_t i = 0; i < p->cell_count; i++)
        failed += !p->cells[i].ok;
    if (failed == 0)
        return 0;
    fprintf(stderr, "nimbus sweep: %zu of %zu runs failed:\n", failed, p->cell_count);
    for (size_t i = 0; i < p->cell_count; i++) {
        const struct sweep_cell *c = &p->cells[i];
        if (c->ok)
            continue;
        char dir[SWEEP_CELL_BYTES];
        cell_dir(p, c, dir, sizeof dir);
        fprintf(stderr, "  %s seed %llu: %s\n", c->policy, (unsigned long long)c->seed, c->problem);
        if (c->ran)
            fprintf(stderr, "    log: %s/%s\n", dir, SWEEP_RUN_LOG);
        fprintf(stderr, "    reproduce: nimbus run %s/%s/scenario.json --seed %llu\n", p->dir, c->policy,
                (unsigned long long)c->seed);
    }
    return failed;
}

static int report(const struct sweep_args *a, const struct sweep_plan *p)
{
    char csv[SWEEP_FILE_BYTES];
    snprintf(csv, sizeof csv, "%s/sweep.csv", p->dir);
    int status = SWEEP_EXIT_OK;
    if (sweep_report_csv(csv, p->cells, p->cell_count) < 0) {
        fprintf(stderr, "nimbus sweep: cannot write %s: %s\n", csv, strerror(errno));
        status = SWEEP_EXIT_FAILED;
    }
    printf("%s: %zu polic%s x %zu seed%s; mean (min-max) over each policy's successful runs\n\n",
           p->scn[0].name, a->policy_count, a->policy_count == 1 ? "y" : "ies", a->seed_count,
           a->seed_count == 1 ? "" : "s");
    sweep_report_table(stdout, p->cells, p->cell_count, a->policy_count);
    printf("\nper run: %s, outputs in %s/<policy>/seed-<n>/\n", csv, p->dir);
    fflush(stdout);
    if (report_failures(p) > 0)
        status = SWEEP_EXIT_FAILED;
    return status;
}

int sweep_run_grid(const struct sweep_args *a)
{
    struct sweep_plan p;
    memset(&p, 0, sizeof p);
    int status = SWEEP_EXIT_OK;
    for (size_t k = 0; k < a->policy_count && status == SWEEP_EXIT_OK; k++)
        status = load_policy(a, &p, k);
    if (status == SWEEP_EXIT_OK) {
        plan_grid(a, &p);
        status = prepare_dirs(a, &p) < 0 ? SWEEP_EXIT_FAILED : SWEEP_EXIT_OK;
    }
    if (status == SWEEP_EXIT_OK) {
        signal(SIGINT, on_interrupt);
        signal(SIGTERM, on_interrupt);
        run_cells(&p, a->jobs);
        status = report(a, &p);
    }
    for (size_t k = 0; k < p.loaded; k++) {
        scenario_free(&p.scn[k]);
        free(p.text[k]);
    }
    free(p.cells);
    return status;
}
