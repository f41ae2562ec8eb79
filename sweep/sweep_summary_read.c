/* sweep_summary_read.c - see sweep_summary_read.h. */
#include "sweep_summary_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/files.h"
#include "host/xalloc.h"
#include "sweep_csv.h"
#include "sweep_result.h"

#define STAT_COLUMNS 8u /* metric,unit,runs,n,mean,sd,ci95_low,ci95_high */
#define MAX_FIELDS (SWEEP_MAX_KEYS + STAT_COLUMNS)

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t bytes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, bytes, fmt, ap);
    va_end(ap);
    return -1;
}

/* The header: the keys, then exactly the statistics' columns. */
static int read_header(char *line, struct sweep_grid *g)
{
    char *f[MAX_FIELDS];
    int n = csv_split(line, f, MAX_FIELDS);
    if (n < (int)STAT_COLUMNS || strcmp(f[n - (int)STAT_COLUMNS], "metric") != 0)
        return -1;
    for (int i = 0; i < n - (int)STAT_COLUMNS; i++)
        sweep_grid_add_key(g, f[i]);
    return 0;
}

/* A number field: empty is "none" (false). */
static bool number(const char *text, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    return text[0] != '\0' && *end == '\0' && errno == 0;
}

/* Pass one: every key's values, in first-seen order. */
static void collect_values(struct sweep_grid *g, char **f)
{
    for (size_t k = 0; k < g->key_count; k++)
        sweep_grid_add_value(g, k, f[k]); /* false: seen already */
}

static size_t combo_of_fields(const struct sweep_grid *g, char **f)
{
    size_t vi[SWEEP_MAX_KEYS] = {0};
    for (size_t k = 0; k < g->key_count; k++)
        for (size_t i = 0; i < g->value_count[k]; i++)
            if (strcmp(g->value[k][i], f[k]) == 0)
                vi[k] = i;
    return sweep_grid_combo_of(g, vi);
}

/* The statistics of one row (fields after the keys: metric,unit,runs,n,mean,sd,lo,hi). */
static bool row_stats(char **s, size_t *runs, struct sweep_stats *out)
{
    double v[6] = {0};
    bool has[6];
    for (int i = 0; i < 6; i++)
        has[i] = number(s[2 + i], &v[i]);
    if (!has[0] || !has[1] || v[1] < 0 || v[1] > v[0] || (v[1] > 0 && !has[2]) || (v[1] > 1 && !has[5]))
        return false;
    *runs = (size_t)v[0];
    *out = (struct sweep_stats){.n = (size_t)v[1], .mean = v[2], .sd = v[3], .ci_half = (v[5] - v[4]) / 2};
    return true;
}

/* Each line split into fields; the count of lines, or -1 after err. */
static int split_lines(char *text, const char *path, char ***fields_out, size_t key_count, char *err,
                       size_t bytes)
{
    size_t cap = 0, n = 0, want = key_count + STAT_COLUMNS;
    char **fields = NULL;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (n == cap)
            fields = xrealloc(fields, (cap = cap * 2 + 64) * want * sizeof fields[0]);
        if (csv_split(line, fields + n * want, want) != (int)want) {
            free(fields);
            return fail(err, bytes, "%s:%zu: expected %zu fields", path, n + 2, want);
        }
        n++;
    }
    *fields_out = fields;
    return (int)n;
}

static int read_rows(char *text, const char *path, const char *metric, struct sweep_summary *out, char *err,
                     size_t bytes)
{
    struct sweep_grid *g = &out->grid;
    size_t want = g->key_count + STAT_COLUMNS;
    char **f = NULL;
    int rows = split_lines(text, path, &f, g->key_count, err, bytes);
    if (rows < 0)
        return -1;
    for (int r = 0; r < rows; r++)
        collect_values(g, f + (size_t)r * want);
    size_t combos = sweep_grid_combos(g);
    out->stats = xcalloc(combos + 1, sizeof out->stats[0]);
    out->present = xcalloc(combos + 1, sizeof out->present[0]);
    int rc = 0;
    for (int r = 0; r < rows && rc == 0; r++) {
        char **row = f + (size_t)r * want;
        if (strcmp(row[g->key_count], metric) != 0)
            continue;
        size_t c = combo_of_fields(g, row);
        if (!row_stats(row + g->key_count, &out->runs, &out->stats[c]))
            rc = fail(err, bytes, "%s:%d: the statistics are not numbers as nimbus sweep writes them", path,
                      r + 2);
        out->present[c] = true;
    }
    free(f);
    return rc;
}

int sweep_summary_read(const char *path, const char *metric, struct sweep_summary *out, char *err,
                       size_t err_bytes)
{
    memset(out, 0, sizeof *out);
    if (sweep_metric_find(metric) < 0)
        return fail(err, err_bytes, "no figure '%s' (one of sweep.csv's columns, e.g. makespan_ns, "
                                    "response_p95_ns, migrations)", metric);
    size_t len;
    char *text = files_read_text(path, SWEEP_CSV_MAX_BYTES, &len);
    if (text == NULL)
        return fail(err, err_bytes, "%s: cannot read: %s", path, strerror(errno));
    char *body = strchr(text, '\n');
    int rc = -1;
    if (body == NULL || (*body++ = '\0', read_header(text, &out->grid) < 0))
        fail(err, err_bytes, "%s:1: not a sweep summary (expected KEY...,metric,unit,runs,n,mean,...)", path);
    else
        rc = read_rows(body, path, metric, out, err, err_bytes);
    free(text);
    if (rc < 0)
        sweep_summary_free(out);
    return rc;
}

void sweep_summary_free(struct sweep_summary *s)
{
    sweep_grid_free(&s->grid);
    free(s->stats);
    free(s->present);
    memset(s, 0, sizeof *s);
}
