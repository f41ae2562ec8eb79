/*
 * sweep_summary.c - see sweep_summary.h. Figures are formatted with
 * fixed precision, so the same runs always give the same text.
 */
#include "sweep_summary.h"

#include <stdlib.h>
#include <string.h>

#include "host/build_info.h"
#include "host/xalloc.h"
#include "sweep_reproduce.h"
#include "sweep_table.h"

#define FIGURE_BYTES 64u

/* A value in the summary: three decimals, one from 1000 on. */
static void format_shown(double v, char *buf, size_t bytes)
{
    snprintf(buf, bytes, "%.*f", v >= 1000 || v <= -1000 ? 1 : 3, v);
}

static void summary_header(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells)
{
    const struct sweep_grid *g = info->grid;
    size_t combos = sweep_grid_combos(g), ok = 0;
    for (size_t i = 0; i < combos * info->seed_count; i++)
        ok += cells[i].ok;
    fprintf(f, "%s: ", info->scenario_name);
    for (size_t k = 0; k < g->key_count; k++)
        fprintf(f, "%s (%zu) x ", g->key[k], g->value_count[k]);
    size_t runs = combos * info->seed_count;
    fprintf(f, "%zu seed%s = %zu run%s, %zu succeeded\n", info->seed_count, info->seed_count == 1 ? "" : "s", runs,
            runs == 1 ? "" : "s", ok);
    fprintf(f, "scenario %s", info->scenario_path);
    if (info->set_count > 0)
        fputs(", with", f);
    for (size_t i = 0; i < info->set_count; i++)
        fprintf(f, " --set %s", info->set_specs[i]);
    fprintf(f, "\nnimbus %s, commit %s, %s build\n", build_info_version(), build_info_commit(), build_info_type());
    fputs("Figures: mean, sample standard deviation (sd) and 95% confidence interval of the\n"
          "mean (Student t, n - 1 degrees of freedom) over each combination's successful seeds.\n",
          f);
}

static void add_key_cells(struct sweep_table *t, const struct sweep_grid *g, size_t combo)
{
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(g, combo, vi);
    for (size_t k = 0; k < g->key_count; k++)
        sweep_table_add(t, g->value[k][vi[k]]);
}

/* mean, sd and "low .. high" (or "-"). */
static void add_stats_cells(struct sweep_table *t, const struct sweep_stats *s)
{
    char mean[FIGURE_BYTES] = "-", sd[FIGURE_BYTES] = "-", lo[FIGURE_BYTES], hi[FIGURE_BYTES],
         ci[2 * FIGURE_BYTES + 8] = "-";
    if (s->n > 0)
        format_shown(s->mean, mean, sizeof mean);
    if (s->n > 1) {
        format_shown(s->sd, sd, sizeof sd);
        format_shown(s->mean - s->ci_half, lo, sizeof lo);
        format_shown(s->mean + s->ci_half, hi, sizeof hi);
        snprintf(ci, sizeof ci, "%s .. %s", lo, hi);
    }
    sweep_table_add(t, mean);
    sweep_table_add(t, sd);
    sweep_table_add(t, ci);
}

static char *table_align(const struct sweep_grid *g)
{
    char *align = xcalloc(g->key_count + 6, 1);
    memset(align, 'l', g->key_count);
    strcpy(align + g->key_count, "rrrll");
    return align;
}

static void header_cells(struct sweep_table *t, const struct sweep_grid *g, const char *count, const char *mean)
{
    for (size_t k = 0; k < g->key_count; k++)
        sweep_table_add(t, g->key[k]);
    const char *rest[] = {count, mean, "sd", "95% CI", ""};
    for (int i = 0; i < 5; i++)
        sweep_table_add(t, rest[i]);
}

static void metric_table(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells, int m)
{
    const struct sweep_grid *g = info->grid;
    char *align = table_align(g);
    struct sweep_table t;
    sweep_table_init(&t, g->key_count + 5, align);
    header_cells(&t, g, "ok", "mean");
    for (size_t c = 0; c < sweep_grid_combos(g); c++) {
        struct sweep_stats s;
        char count[48];
        sweep_combo_stats(info, cells, c, m, &s);
        snprintf(count, sizeof count, "%zu/%zu", sweep_combo_ok(info, cells, c), info->seed_count);
        add_key_cells(&t, g, c);
        sweep_table_add(&t, count);
        add_stats_cells(&t, &s);
        sweep_table_add(&t, "");
    }
    fprintf(f, "\n%s (%s)\n", sweep_metric_fields[m].title, sweep_metric_fields[m].unit);
    sweep_table_print(&t, f);
    free(align);
}

/* Per value of key k but its first: the difference from the first. */
static void paired_table(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells, size_t k, int m)
{
    const struct sweep_grid *g = info->grid;
    char *align = table_align(g);
    struct sweep_table t;
    sweep_table_init(&t, g->key_count + 5, align);
    header_cells(&t, g, "pairs", "mean diff");
    size_t vi[SWEEP_MAX_KEYS];
    for (size_t c = 0; c < sweep_grid_combos(g); c++) {
        sweep_grid_values_of(g, c, vi);
        if (vi[k] == 0)
            continue;
        struct sweep_stats s;
        char count[48];
        sweep_paired_stats(info, cells, k, c, m, &s);
        snprintf(count, sizeof count, "%zu/%zu", s.n, info->seed_count);
        add_key_cells(&t, g, c);
        sweep_table_add(&t, count);
        add_stats_cells(&t, &s);
        sweep_table_add(&t, sweep_stats_significant(&s) ? "*" : "");
    }
    fprintf(f, "\n%s (%s): paired difference from %s=%s (same seed, other keys equal)\n",
            sweep_metric_fields[m].title, sweep_metric_fields[m].unit, g->key[k], g->value[k][0]);
    sweep_table_print(&t, f);
    free(align);
}

static void reproduce_lines(FILE *f, const struct sweep_info *info)
{
    fputs("\nReproduce a run (S: its seed; sweep.csv's last column has each run's own command):\n", f);
    for (size_t c = 0; c < sweep_grid_combos(info->grid); c++) {
        char *command = sweep_reproduce_template(info, c, "S");
        fprintf(f, "  %s\n", command);
        free(command);
    }
}

void sweep_summary_print(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells)
{
    summary_header(f, info, cells);
    for (size_t i = 0; i < info->metric_count; i++)
        metric_table(f, info, cells, info->metrics[i]);
    bool any_paired = false;
    for (size_t k = 0; k < info->grid->key_count; k++) {
        if (info->grid->value_count[k] < 2)
            continue;
        for (size_t i = 0; i < info->metric_count; i++)
            paired_table(f, info, cells, k, info->metrics[i]);
        any_paired = true;
    }
    if (any_paired)
        fputs("(* the interval excludes 0: the seeds support a difference)\n", f);
    reproduce_lines(f, info);
}
