/*
 * sweep.c - a sweep (see sweep.h): the grid, and the pool of child
 * processes that runs it (arguments in sweep_args.c).
 *
 * The parent loads and validates the scenario once per combination of
 * the grid's values (the --set overrides, then the combination's), so a
 * bad value stops the sweep before anything runs; then it forks one
 * child per cell, at most --jobs at a time (sweep_run.c). It reports
 * cells strictly in grid order as they become available, reading each
 * cell's metrics.json, shows the progress (sweep_progress.c), and writes
 * the CSV files and the summary at the end (sweep_report.c).
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
#include "run_pool.h"
#include "sweep_args.h"
#include "sweep_progress.h"
#include "sweep_report.h"
#include "sweep_reproduce.h"
#include "sweep_run.h"
#include "sweep_summary.h"

enum { SWEEP_EXIT_OK = 0, SWEEP_EXIT_USAGE = 1, SWEEP_EXIT_FAILED = 2 };

#define SWEEP_CELL_BYTES (SWEEP_PATH_BYTES + SWEEP_DIR_NAME_BYTES + 64u) /* a cell directory in it */
#define SWEEP_FILE_BYTES (SWEEP_CELL_BYTES + 64u) /* a file in that */

/* The loaded grid and its results. */
struct sweep_plan {
    const struct sweep_args *a;
    size_t combo_count;
    struct scenario *scn; /* per combination, overrides applied */
    char **text;          /* its effective scenario: scenario.json, byte for byte */
    char **combo_dir;     /* its directory: <dir> or <dir>/<key=value,...> */
    const char **sha256;  /* its scenario text's, for the reports */
    size_t loaded;
    char dir[SWEEP_PATH_BYTES];
    struct sweep_cell *cells;
    size_t cell_count;
    struct sweep_progress progress;
};

/* The figures the printed summary shows without --metric. */
static const int default_metrics[] = {SWEEP_MAKESPAN, SWEEP_RESPONSE_P95, SWEEP_MIGRATIONS};

static volatile sig_atomic_t sweep_interrupted;

/* The first Ctrl-C stops the running cells cleanly and starts no more
 * (children inherit this handler); a second one kills the program. */
static void on_interrupt(int sig)
{
    sweep_interrupted = 1;
    signal(sig, SIG_DFL);
}

/* ---- loading the scenario, once per combination ------------------------ */

/* A bad scenario: one line, and the usage exit status. */
static int scenario_error(const char *err)
{
    fprintf(stderr, "nimbus sweep: %s\n", err);
    return SWEEP_EXIT_USAGE;
}

/* The --set overrides, then the combination's grid values. */
static int load_combo(const struct sweep_args *a, struct sweep_plan *p, size_t c)
{
    char err[SCN_ERROR_BYTES + 256];
    size_t vi[SWEEP_MAX_KEYS], n = a->set_count + a->grid.key_count;
    sweep_grid_values_of(&a->grid, c, vi);
    struct scenario_override *ov = xcalloc(n + 1, sizeof ov[0]); /* shallow copies: not freed */
    for (size_t i = 0; i < a->set_count; i++)
        ov[i] = a->sets[i];
    for (size_t k = 0; k < a->grid.key_count; k++)
        ov[a->set_count + k] = a->grid_sets[k][vi[k]];
    int rc = scenario_load_overridden(a->scenario, ov, n, &p->scn[c], &p->text[c], err, sizeof err);
    free(ov);
    if (rc < 0)
        return scenario_error(err);
    p->sha256[c] = p->scn[c].sha256;
    p->loaded = c + 1;
    return 0;
}

/* ---- output directories -------------------------------------------- */

/* <combination's dir>/seed-<n>; false when it does not fit. */
static bool cell_dir(const struct sweep_plan *p, const struct sweep_cell *c, char *buf, size_t bytes)
{
    int n = snprintf(buf, bytes, "%s/seed-%llu", p->combo_dir[c->combo], (unsigned long long)c->seed);
    return n > 0 && (size_t)n < bytes;
}

static int write_combo_scenario(const struct sweep_plan *p, size_t c)
{
    char path[SWEEP_FILE_BYTES];
    snprintf(path, sizeof path, "%s/scenario.json", p->combo_dir[c]);
    int rc = files_write_bytes(path, p->text[c], strlen(p->text[c]));
    if (rc < 0)
        fprintf(stderr, "nimbus sweep: cannot write %s: %s\n", path, strerror(errno));
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
static int prepare_dirs(struct sweep_plan *p)
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
    for (size_t c = 0; c < p->combo_count; c++)
        if (write_combo_scenario(p, c) < 0)
            return -1;
    return 0;
}

/* Every combination's directory; false when a name is too long. */
static bool plan_combo_dirs(const struct sweep_args *a, struct sweep_plan *p)
{
    char name[SWEEP_DIR_NAME_BYTES];
    for (size_t c = 0; c < p->combo_count; c++) {
        if (!sweep_grid_dir_name(&a->grid, c, name, sizeof name))
            return false;
        size_t bytes = strlen(p->dir) + strlen(name) + 2;
        p->combo_dir[c] = xmalloc(bytes);
        snprintf(p->combo_dir[c], bytes, name[0] != '\0' ? "%s/%s" : "%s%s", p->dir, name);
    }
    return true;
}

static int plan_grid(const struct sweep_args *a, struct sweep_plan *p)
{
    if (a->out_dir != NULL)
        snprintf(p->dir, sizeof p->dir, "%s", a->out_dir);
    else /* scenario names are safe in paths: the loader checks them */
        snprintf(p->dir, sizeof p->dir, "runs/%s-sweep", p->scn[0].name);
    if (!plan_combo_dirs(a, p)) {
        fprintf(stderr, "nimbus sweep: a combination's directory name is too long (more than %u bytes)\n",
                SWEEP_DIR_NAME_BYTES - 1);
        return -1;
    }
    p->cell_count = p->combo_count * a->seed_count;
    p->cells = xcalloc(p->cell_count, sizeof p->cells[0]);
    for (size_t c = 0; c < p->combo_count; c++) {
        for (size_t s = 0; s < a->seed_count; s++) {
            struct sweep_cell *cell = &p->cells[c * a->seed_count + s];
            cell->combo = c;
            cell->seed = a->seeds[s];
        }
    }
    return 0;
}

/* ---- running the cells ------------------------------------------------ */

static void print_ms(FILE *f, double ns)
{
    fprintf(f, ns < 1e7 ? "%.3f ms" : "%.1f ms", ns / 1e6);
}

/* "balancer.policy=offer network.loss=0.01 seed 2" */
static void print_cell_name(FILE *f, const struct sweep_args *a, const struct sweep_cell *c)
{
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(&a->grid, c->combo, vi);
    for (size_t k = 0; k < a->grid.key_count; k++)
        fprintf(f, "%s=%s ", a->grid.key[k], a->grid.value[k][vi[k]]);
    fprintf(f, "seed %llu", (unsigned long long)c->seed);
}

static void print_result(const struct sweep_cell *c)
{
    const struct sweep_result *r = &c->result;
    if (!c->ok && r->read && r->end[0] != '\0') {
        fprintf(stderr, "FAILED: %s at ", r->end);
        print_ms(stderr, r->value[SWEEP_SIM_TIME]);
    } else if (!c->ok) {
        fprintf(stderr, "FAILED: %s", c->problem);
    } else if (r->has[SWEEP_MAKESPAN]) {
        fputs("makespan ", stderr);
        print_ms(stderr, r->value[SWEEP_MAKESPAN]);
    } else {
        fprintf(stderr, "%s at ", r->end);
        print_ms(stderr, r->value[SWEEP_SIM_TIME]);
        fputs(" (no makespan in metrics.json)", stderr);
    }
}

/* One line per cell, in grid order: "[3/18] <cell>: makespan 12.3 ms". */
static void print_cell_line(struct sweep_plan *p, size_t i)
{
    sweep_progress_before_line(&p->progress);
    fprintf(stderr, "[%zu/%zu] ", i + 1, p->cell_count);
    print_cell_name(stderr, p->a, &p->cells[i]);
    fputs(": ", stderr);
    print_result(&p->cells[i]);
    sweep_progress_end_line(&p->progress);
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
    return sweep_run_start(&p->scn[c->combo], c->seed, dir, &sweep_interrupted);
}

static void cell_ended(void *ctx, size_t i, const struct run_pool_job *job)
{
    struct sweep_plan *p = ctx;
    (void)i;
    bool ok = WIFEXITED(job->wait_status) && WEXITSTATUS(job->wait_status) == SWEEP_CHILD_OK;
    sweep_progress_ended(&p->progress, !ok);
}

static void cell_tick(void *ctx)
{
    struct sweep_plan *p = ctx;
    sweep_progress_tick(&p->progress);
}

static void cell_finished(void *ctx, size_t i, const struct run_pool_job *job)
{
    struct sweep_plan *p = ctx;
    finish_cell(p, &p->cells[i], job);
    print_cell_line(p, i);
}

/* Run every cell, --jobs at a time; after an interrupt, start no more. */
static void run_cells(struct sweep_plan *p, unsigned jobs)
{
    static const struct run_pool_ops ops = {
        .start = start_cell, .finished = cell_finished, .ended = cell_ended, .tick = cell_tick};
    if (p->a->progress)
        fprintf(stderr, "nimbus sweep: %zu runs (%zu combination%s x %zu seed%s), %u at once, into %s/\n",
                p->cell_count, p->combo_count, p->combo_count == 1 ? "" : "s", p->a->seed_count,
                p->a->seed_count == 1 ? "" : "s", jobs, p->dir);
    sweep_progress_start(&p->progress, p->a->progress, p->cell_count);
    run_pool_run(p->cell_count, jobs, &sweep_interrupted, &ops, p);
    sweep_progress_finish(&p->progress);
}

/* ---- the summary ---------------------------------------------------- */

static void sweep_info_of(const struct sweep_plan *p, struct sweep_info *info)
{
    const struct sweep_args *a = p->a;
    *info = (struct sweep_info){
        .scenario_path = a->scenario,
        .scenario_name = p->scn[0].name,
        .grid = &a->grid,
        .combo_sha256 = p->sha256,
        .set_specs = a->set_specs,
        .set_count = a->set_count,
        .seed_count = a->seed_count,
        .metrics = a->metric_count > 0 ? a->metrics : default_metrics,
        .metric_count = a->metric_count > 0 ? a->metric_count : sizeof default_metrics / sizeof default_metrics[0],
    };
}

static size_t report_failures(const struct sweep_plan *p, const struct sweep_info *info)
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
        fputs("  ", stderr);
        print_cell_name(stderr, p->a, c);
        fprintf(stderr, ": %s\n", c->problem);
        if (c->ran)
            fprintf(stderr, "    log: %s/%s\n", dir, SWEEP_RUN_LOG);
        char *command = sweep_reproduce_command(info, c->combo, c->seed);
        fprintf(stderr, "    reproduce: %s\n", command);
        free(command);
    }
    return failed;
}

/* One report file, <dir>/<name>; 0, or -1 after a message. */
static int write_report(const struct sweep_plan *p, const char *name, const struct sweep_info *info,
                        int (*write)(const char *, const struct sweep_info *, const struct sweep_cell *))
{
    char path[SWEEP_FILE_BYTES];
    snprintf(path, sizeof path, "%s/%s", p->dir, name);
    if (write(path, info, p->cells) == 0)
        return 0;
    fprintf(stderr, "nimbus sweep: cannot write %s: %s\n", path, strerror(errno));
    return -1;
}

/* The printed summary, also kept as <dir>/summary.txt. */
static int write_summary_text(const char *path, const struct sweep_info *info, const struct sweep_cell *cells)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    sweep_summary_print(f, info, cells);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return -1;
    return 0;
}

static int report(const struct sweep_plan *p)
{
    struct sweep_info info;
    sweep_info_of(p, &info);
    int status = SWEEP_EXIT_OK;
    if (write_report(p, "sweep.csv", &info, sweep_report_csv) < 0 ||
        write_report(p, "summary.csv", &info, sweep_report_summary_csv) < 0 ||
        write_report(p, "paired.csv", &info, sweep_report_paired_csv) < 0 ||
        write_report(p, "summary.txt", &info, write_summary_text) < 0)
        status = SWEEP_EXIT_FAILED;
    sweep_summary_print(stdout, &info, p->cells);
    printf("\nper run: %s/sweep.csv; statistics: summary.csv, paired.csv; plot: nimbus plot %s\n", p->dir,
           p->dir);
    fflush(stdout);
    if (report_failures(p, &info) > 0)
        status = SWEEP_EXIT_FAILED;
    return status;
}

static void plan_free(struct sweep_plan *p)
{
    for (size_t c = 0; c < p->loaded; c++) {
        scenario_free(&p->scn[c]);
        free(p->text[c]);
    }
    for (size_t c = 0; c < p->combo_count; c++)
        free(p->combo_dir[c]);
    free(p->scn);
    free(p->text);
    free(p->combo_dir);
    free(p->sha256);
    free(p->cells);
}

int sweep_run_grid(const struct sweep_args *a)
{
    struct sweep_plan p;
    memset(&p, 0, sizeof p);
    p.a = a;
    p.combo_count = sweep_grid_combos(&a->grid);
    p.scn = xcalloc(p.combo_count, sizeof p.scn[0]);
    p.text = xcalloc(p.combo_count, sizeof p.text[0]);
    p.combo_dir = xcalloc(p.combo_count, sizeof p.combo_dir[0]);
    p.sha256 = xcalloc(p.combo_count, sizeof p.sha256[0]);
    int status = SWEEP_EXIT_OK;
    for (size_t c = 0; c < p.combo_count && status == SWEEP_EXIT_OK; c++)
        status = load_combo(a, &p, c);
    if (status == SWEEP_EXIT_OK)
        status = plan_grid(a, &p) < 0 || prepare_dirs(&p) < 0 ? SWEEP_EXIT_FAILED : SWEEP_EXIT_OK;
    if (status == SWEEP_EXIT_OK) {
        signal(SIGINT, on_interrupt);
        signal(SIGTERM, on_interrupt);
        run_cells(&p, a->jobs);
        status = report(&p);
    }
    plan_free(&p);
    return status;
}
