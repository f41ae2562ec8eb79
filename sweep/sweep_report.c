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
#include "sweep_csv.h"
#include "sweep_reproduce.h"

#define SWEEP_MAX_EXACT 9007199254740992.0 /* 2^53 */
#define FIGURE_BYTES 64u

void sweep_format_figure(double v, char *buf, size_t bytes)
{
    if (v <= SWEEP_MAX_EXACT && v == (double)(uint64_t)v)
        snprintf(buf, bytes, "%llu", (unsigned long long)v);
    else
        snprintf(buf, bytes, "%.3f", v);
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
    text_buf_putc(&b, '\0');
    csv_put(f, b.data);
    text_buf_free(&b);
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
            sweep_combo_stats(info, cells, c, m, &s);
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
                sweep_paired_stats(info, cells, k, c, m, &s);
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

