/*
 * sweep_report.c - see sweep_report.h. Figures are formatted with fixed
 * precision from the integers in metrics.json, so the same cells always
 * give the same bytes.
 */
#include "sweep_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX_EXACT 9007199254740992.0 /* 2^53 */
#define TABLE_TEXT_BYTES 64u
#define TABLE_COLUMNS 8u

void sweep_format_figure(double v, char *buf, size_t bytes)
{
    if (v <= SWEEP_MAX_EXACT && v == (double)(uint64_t)v)
        snprintf(buf, bytes, "%llu", (unsigned long long)v);
    else
        snprintf(buf, bytes, "%.3f", v);
}

/* ---- sweep.csv ------------------------------------------------------- */

static void csv_header(FILE *f)
{
    fputs("policy,seed,end", f);
    for (int m = 0; m < SWEEP_METRIC_COUNT; m++)
        fprintf(f, ",%s", sweep_metric_fields[m].column);
    fputc('\n', f);
}

static void csv_row(FILE *f, const struct sweep_cell *c)
{
    const struct sweep_result *r = &c->result;
    fprintf(f, "%s,%llu,%s", c->policy, (unsigned long long)c->seed,
            r->read ? (r->end[0] ? r->end : "unknown") : "no_metrics");
    for (int m = 0; m < SWEEP_METRIC_COUNT; m++) {
        char text[TABLE_TEXT_BYTES] = "";
        uint64_t ratio;
        if (m == SWEEP_RATIO_MILLI && sweep_result_ratio_milli(r, &ratio))
            snprintf(text, sizeof text, "%llu", (unsigned long long)ratio);
        else if (m != SWEEP_RATIO_MILLI && r->has[m])
            sweep_format_figure(r->value[m], text, sizeof text);
        fprintf(f, ",%s", text);
    }
    fputc('\n', f);
}

int sweep_report_csv(const char *path, const struct sweep_cell *cells, size_t count)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    csv_header(f);
    for (size_t i = 0; i < count; i++)
        csv_row(f, &cells[i]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* ---- the table ------------------------------------------------------- */

struct table_column {
    const char *title;
    enum sweep_metric metric;
    double scale; /* from metrics.json's unit to the column's */
    int decimals;
};

static const struct table_column table_columns[TABLE_COLUMNS - 2] = {
    {"makespan ms", SWEEP_MAKESPAN, 1e-6, 2},
    {"x lower bound", SWEEP_RATIO_MILLI, 1e-3, 3},
    {"p95 response ms", SWEEP_RESPONSE_P95, 1e-6, 3},
    {"migrations", SWEEP_MIGRATIONS, 1.0, 1},
    {"bytes moved", SWEEP_BYTES_MOVED, 1.0, 0},
    {"median freeze us", SWEEP_FREEZE_MEDIAN, 1.0, 1},
};

struct stat_acc {
    size_t n;
    double sum, min, max;
};

static bool cell_value(const struct sweep_cell *c, const struct table_column *col, double *v)
{
    if (col->metric == SWEEP_RATIO_MILLI) {
        uint64_t ratio;
        if (!sweep_result_ratio_milli(&c->result, &ratio))
            return false;
        *v = (double)ratio * col->scale;
        return true;
    }
    if (!c->result.has[col->metric])
        return false;
    *v = c->result.value[col->metric] * col->scale;
    return true;
}

static void stat_add(struct stat_acc *s, double v)
{
    if (s->n == 0 || v < s->min)
        s->min = v;
    if (s->n == 0 || v > s->max)
        s->max = v;
    s->sum += v;
    s->n++;
}

/* "mean (min-max)", just "mean" for one run, "-" for none. */
static void stat_format(const struct stat_acc *s, int decimals, char *buf, size_t bytes)
{
    if (s->n == 0)
        snprintf(buf, bytes, "-");
    else if (s->n == 1 || s->min == s->max)
        snprintf(buf, bytes, "%.*f", decimals, s->sum / (double)s->n);
    else
        snprintf(buf, bytes, "%.*f (%.*f-%.*f)", decimals, s->sum / (double)s->n, decimals, s->min, decimals,
                 s->max);
}

typedef char table_row[TABLE_COLUMNS][TABLE_TEXT_BYTES];

static void table_policy_row(table_row row, const struct sweep_cell *cells, size_t count, size_t p)
{
    size_t runs = 0, ok = 0;
    for (size_t i = 0; i < count; i++) {
        if (cells[i].policy_index != p)
            continue;
        snprintf(row[0], TABLE_TEXT_BYTES, "%s", cells[i].policy);
        runs++;
        ok += cells[i].ok;
    }
    snprintf(row[1], TABLE_TEXT_BYTES, "%zu/%zu", ok, runs);
    for (size_t c = 0; c + 2 < TABLE_COLUMNS; c++) {
        struct stat_acc s = {0};
        double v;
        for (size_t i = 0; i < count; i++)
            if (cells[i].policy_index == p && cells[i].ok && cell_value(&cells[i], &table_columns[c], &v))
                stat_add(&s, v);
        stat_format(&s, table_columns[c].decimals, row[c + 2], TABLE_TEXT_BYTES);
    }
}

static void table_print_row(FILE *f, table_row row, const size_t *width)
{
    for (size_t c = 0; c < TABLE_COLUMNS; c++) {
        int w = (int)width[c];
        if (c == 0)
            fprintf(f, "%-*s", w, row[c]);
        else
            fprintf(f, "  %*s", w, row[c]);
    }
    fputc('\n', f);
}

void sweep_report_table(FILE *f, const struct sweep_cell *cells, size_t count, size_t policy_count)
{
    size_t rows = policy_count + 1;
    table_row *t = calloc(rows, sizeof t[0]);
    if (t == NULL)
        return;
    snprintf(t[0][0], TABLE_TEXT_BYTES, "policy");
    snprintf(t[0][1], TABLE_TEXT_BYTES, "ok/runs");
    for (size_t c = 0; c + 2 < TABLE_COLUMNS; c++)
        snprintf(t[0][c + 2], TABLE_TEXT_BYTES, "%s", table_columns[c].title);
    for (size_t p = 0; p < policy_count; p++)
        table_policy_row(t[p + 1], cells, count, p);
    size_t width[TABLE_COLUMNS] = {0};
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < TABLE_COLUMNS; c++)
            if (strlen(t[r][c]) > width[c])
                width[c] = strlen(t[r][c]);
    for (size_t r = 0; r < rows; r++)
        table_print_row(f, t[r], width);
    free(t);
}
