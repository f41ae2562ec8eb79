/*
 * sweep_report.c - see sweep_report.h. Figures are formatted with fixed
 * precision from the integers in metrics.json, so the same cells always
 * give the same bytes.
 */
#include "sweep_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/build_info.h"
#include "host/text_buf.h"
#include "host/xalloc.h"
#include "sweep_csv.h"
#include "sweep_stats.h"
#include "sweep_table.h"

#define SWEEP_MAX_EXACT 9007199254740992.0 /* 2^53 */
#define FIGURE_BYTES 64u

void sweep_format_figure(double v, char *buf, size_t bytes)
{
    if (v <= SWEEP_MAX_EXACT && v == (double)(uint64_t)v)
        snprintf(buf, bytes, "%llu", (unsigned long long)v);
    else
        snprintf(buf, bytes, "%.3f", v);
}

/* A value in the summary: three decimals, one from 1000 on. */
static void format_shown(double v, char *buf, size_t bytes)
{
    snprintf(buf, bytes, "%.*f", v >= 1000 || v <= -1000 ? 1 : 3, v);
}

/* ---- figures of cells ---------------------------------------------------- */

/* A successful cell's figure m in the summary's unit. */
static bool cell_figure(const struct sweep_cell *c, int m, double *v)
{
    if (!c->ok)
        return false;
    if (m == SWEEP_RATIO_MILLI) {
        uint64_t ratio;
        if (!sweep_result_ratio_milli(&c->result, &ratio))
            return false;
        *v = (double)ratio * sweep_metric_fields[m].scale;
        return true;
    }
    if (!c->result.has[m])
        return false;
    *v = c->result.value[m] * sweep_metric_fields[m].scale;
    return true;
}

/* Figure m over the combination's successful seeds. */
static void combo_stats(const struct sweep_info *info, const struct sweep_cell *cells, size_t combo, int m,
                        struct sweep_stats *s)
{
    double *v = xcalloc(info->seed_count, sizeof v[0]);
    size_t n = 0;
    for (size_t i = 0; i < info->seed_count; i++)
        n += cell_figure(&cells[combo * info->seed_count + i], m, &v[n]);
    sweep_stats_of(v, n, s);
    free(v);
}

/* The combination with key k at its first value, the others as in combo. */
static size_t baseline_of(const struct sweep_grid *g, size_t combo, size_t k)
{
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(g, combo, vi);
    vi[k] = 0;
    return sweep_grid_combo_of(g, vi);
}

/* Figure m of combo minus that of its baseline for key k, seed by seed,
 * over the seeds where both succeeded. */
static void paired_stats(const struct sweep_info *info, const struct sweep_cell *cells, size_t k, size_t combo,
                         int m, struct sweep_stats *s)
{
    size_t base = baseline_of(info->grid, combo, k);
    double *d = xcalloc(info->seed_count, sizeof d[0]);
    size_t n = 0;
    for (size_t i = 0; i < info->seed_count; i++) {
        double x, y;
        if (cell_figure(&cells[combo * info->seed_count + i], m, &x) &&
            cell_figure(&cells[base * info->seed_count + i], m, &y))
            d[n++] = x - y;
    }
    sweep_stats_of(d, n, s);
    free(d);
}

static size_t combo_ok(const struct sweep_info *info, const struct sweep_cell *cells, size_t combo)
{
    size_t ok = 0;
    for (size_t i = 0; i < info->seed_count; i++)
        ok += cells[combo * info->seed_count + i].ok;
    return ok;
}

/* ---- reproduce commands ---------------------------------------------------- */

/* `text` as one shell word: as it is when it holds nothing special,
 * else in single quotes. */
static void shell_word(struct text_buf *b, const char *text)
{
    size_t plain = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/=,+-:@%");
    if (text[0] != '\0' && text[plain] == '\0') {
        text_buf_puts(b, text);
        return;
    }
    text_buf_putc(b, '\'');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\'')
            text_buf_puts(b, "'\\''");
        else
            text_buf_putc(b, *p);
    }
    text_buf_putc(b, '\'');
}

/* The overrides in the order the cell applied them: --set, then the grid. */
static void put_overrides(struct text_buf *b, const struct sweep_info *info, size_t combo)
{
    const struct sweep_grid *g = info->grid;
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(g, combo, vi);
    for (size_t i = 0; i < info->set_count; i++) {
        text_buf_puts(b, " --set ");
        shell_word(b, info->set_specs[i]);
    }
    for (size_t k = 0; k < g->key_count; k++) {
        size_t bytes = strlen(g->key[k]) + strlen(g->value[k][vi[k]]) + 2;
        char *spec = xmalloc(bytes);
        snprintf(spec, bytes, "%s=%s", g->key[k], g->value[k][vi[k]]);
        text_buf_puts(b, " --set ");
        shell_word(b, spec);
        free(spec);
    }
}

/* The buffer's text as a string the caller frees. */
static char *text_of(struct text_buf *b)
{
    text_buf_putc(b, '\0');
    return b->data;
}

/* The command with the seed as `seed_text`. */
static char *command_with_seed(const struct sweep_info *info, size_t combo, const char *seed_text)
{
    struct text_buf b = {0};
    text_buf_puts(&b, "nimbus run ");
    shell_word(&b, info->scenario_path);
    text_buf_puts(&b, " --seed ");
    text_buf_puts(&b, seed_text);
    put_overrides(&b, info, combo);
    return text_of(&b);
}

char *sweep_reproduce_command(const struct sweep_info *info, size_t combo, uint64_t seed)
{
    char seed_text[32];
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    return command_with_seed(info, combo, seed_text);
}

/* ---- the CSV files ----------------------------------------------------------- */

static int close_file(FILE *f)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

static void put_keys_header(FILE *f, const struct sweep_grid *g)
{
    for (size_t k = 0; k < g->key_count; k++) {
        csv_put(f, g->key[k]);
        fputc(',', f);
    }
}

static void put_key_values(FILE *f, const struct sweep_grid *g, size_t combo)
{
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(g, combo, vi);
    for (size_t k = 0; k < g->key_count; k++) {
        csv_put(f, g->value[k][vi[k]]);
        fputc(',', f);
    }
}

/* The sweep's --set overrides as one field: "KEY=VALUE KEY=VALUE". */
static void put_sets(FILE *f, const struct sweep_info *info)
{
    struct text_buf b = {0};
    for (size_t i = 0; i < info->set_count; i++) {
        if (i > 0)
            text_buf_putc(&b, ' ');
        text_buf_puts(&b, info->set_specs[i]);
    }
    char *text = text_of(&b);
    csv_put(f, text);
    free(text);
}

static void csv_row(FILE *f, const struct sweep_info *info, const struct sweep_cell *c)
{
    const struct sweep_result *r = &c->result;
    csv_put(f, info->scenario_name);
    fprintf(f, ",%s,%s,%s,%s,", info->combo_sha256[c->combo], build_info_version(), build_info_commit(),
            build_info_type());
    put_sets(f, info);
    fputc(',', f);
    put_key_values(f, info->grid, c->combo);
    fprintf(f, "%llu,%s,%d,", (unsigned long long)c->seed,
            r->read ? (r->end[0] ? r->end : "unknown") : "no_metrics", c->ok);
    csv_put(f, r->balancer);
    fputc(',', f);
    csv_put(f, r->migration);
    for (int m = 0; m < SWEEP_METRIC_COUNT; m++) {
        char text[FIGURE_BYTES] = "";
        uint64_t ratio;
        if (m == SWEEP_RATIO_MILLI && sweep_result_ratio_milli(r, &ratio))
            snprintf(text, sizeof text, "%llu", (unsigned long long)ratio);
        else if (m != SWEEP_RATIO_MILLI && r->has[m])
            sweep_format_figure(r->value[m], text, sizeof text);
        fprintf(f, ",%s", text);
    }
    char *command = sweep_reproduce_command(info, c->combo, c->seed);
    fputc(',', f);
    csv_put(f, command);
    free(command);
    fputc('\n', f);
}

int sweep_report_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fputs("scenario,scenario_sha256,nimbus,commit,build_type,overrides,", f);
    put_keys_header(f, info->grid);
    fputs("seed,end,ok,balancer,migration", f);
    for (int m = 0; m < SWEEP_METRIC_COUNT; m++)
        fprintf(f, ",%s", sweep_metric_fields[m].column);
    fputs(",reproduce\n", f);
    size_t combos = sweep_grid_combos(info->grid);
    for (size_t i = 0; i < combos * info->seed_count; i++)
        csv_row(f, info, &cells[i]);
    return close_file(f);
}

/* n,mean,sd,ci95_low,ci95_high: full precision for plotting; empty
 * figures for no runs, and an interval only from two runs on. */
static void put_stats(FILE *f, const struct sweep_stats *s)
{
    fprintf(f, "%zu", s->n);
    if (s->n == 0)
        fputs(",,,,", f);
    else if (s->n == 1)
        fprintf(f, ",%.9g,,,", s->mean);
    else
        fprintf(f, ",%.9g,%.9g,%.9g,%.9g", s->mean, s->sd, s->mean - s->ci_half, s->mean + s->ci_half);
}

int sweep_report_summary_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    put_keys_header(f, info->grid);
    fputs("metric,unit,runs,n,mean,sd,ci95_low,ci95_high\n", f);
    size_t combos = sweep_grid_combos(info->grid);
    for (size_t c = 0; c < combos; c++) {
        for (int m = 0; m < SWEEP_METRIC_COUNT; m++) {
            struct sweep_stats s;
            combo_stats(info, cells, c, m, &s);
            put_key_values(f, info->grid, c);
            fprintf(f, "%s,%s,%zu,", sweep_metric_fields[m].column, sweep_metric_fields[m].unit, info->seed_count);
            put_stats(f, &s);
            fputc('\n', f);
        }
    }
    return close_file(f);
}

int sweep_report_paired_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    const struct sweep_grid *g = info->grid;
    fputs("key,baseline,", f);
    put_keys_header(f, g);
    fputs("metric,unit,seeds,n,mean,sd,ci95_low,ci95_high\n", f);
    size_t combos = sweep_grid_combos(g), vi[SWEEP_MAX_KEYS];
    for (size_t k = 0; k < g->key_count; k++) {
        for (size_t c = 0; c < combos; c++) {
            sweep_grid_values_of(g, c, vi);
            for (int m = 0; m < SWEEP_METRIC_COUNT && vi[k] != 0; m++) {
                struct sweep_stats s;
                paired_stats(info, cells, k, c, m, &s);
                csv_put(f, g->key[k]);
                fputc(',', f);
                csv_put(f, g->value[k][0]);
                fputc(',', f);
                put_key_values(f, g, c);
                fprintf(f, "%s,%s,%zu,", sweep_metric_fields[m].column, sweep_metric_fields[m].unit,
                        info->seed_count);
                put_stats(f, &s);
                fputc('\n', f);
            }
        }
    }
    return close_file(f);
}

/* ---- the printed summary ------------------------------------------------------ */

static void summary_header(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells)
{
    const struct sweep_grid *g = info->grid;
    size_t combos = sweep_grid_combos(g), ok = 0;
    for (size_t i = 0; i < combos * info->seed_count; i++)
        ok += cells[i].ok;
    fprintf(f, "%s: ", info->scenario_name);
    for (size_t k = 0; k < g->key_count; k++)
        fprintf(f, "%s (%zu)%s", g->key[k], g->value_count[k], k + 1 < g->key_count ? " x " : " x ");
    fprintf(f, "%zu seed%s = %zu runs, %zu succeeded\n", info->seed_count, info->seed_count == 1 ? "" : "s",
            combos * info->seed_count, ok);
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
        combo_stats(info, cells, c, m, &s);
        snprintf(count, sizeof count, "%zu/%zu", combo_ok(info, cells, c), info->seed_count);
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
        paired_stats(info, cells, k, c, m, &s);
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
        char *command = command_with_seed(info, c, "S");
        fprintf(f, "  %s\n", command);
        free(command);
    }
}

void sweep_report_summary(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells)
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
