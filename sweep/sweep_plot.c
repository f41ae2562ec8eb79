/*
 * sweep_plot.c - see sweep_plot.h. Writes NAME.dat (one gnuplot data
 * block per line of the figure: x, mean, CI low, CI high, runs) and
 * NAME.gp, then runs gnuplot on the script in SWEEP_DIR/plots/.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_plot.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/files.h"
#include "host/xalloc.h"
#include "sweep_csv.h"
#include "sweep_result.h"
#include "sweep_summary_read.h"

#define PLOT_PATH_BYTES 4096u
#define PLOT_EXIT_USAGE 1
#define PLOT_EXIT_FAILED 2
#define GNUPLOT_NOT_FOUND 127 /* the child's status when exec failed */

struct plot {
    const struct sweep_summary *sum;
    size_t x;          /* the key on the x axis */
    bool numeric;      /* its values are numbers: plot at their values */
    int metric;        /* enum sweep_metric */
    const char *scenario;
    char name[512];    /* "makespan_ns-by-network.loss" */
};

/* The key's values all read as numbers (then the axis is numeric). */
static bool all_numbers(const struct sweep_grid *g, size_t k)
{
    for (size_t i = 0; i < g->value_count[k]; i++) {
        char *end;
        strtod(g->value[k][i], &end);
        if (end == g->value[k][i] || *end != '\0')
            return false;
    }
    return true;
}

/* The combinations of the keys other than x: one line of the figure each. */
static size_t series_count(const struct plot *p)
{
    const struct sweep_grid *g = &p->sum->grid;
    return sweep_grid_combos(g) / g->value_count[p->x];
}

/* Series s's value index for every key, with x at value i. */
static void series_point(const struct plot *p, size_t s, size_t i, size_t vi[SWEEP_MAX_KEYS])
{
    const struct sweep_grid *g = &p->sum->grid;
    for (size_t k = g->key_count; k-- > 0;) {
        if (k == p->x) {
            vi[k] = i;
            continue;
        }
        vi[k] = s % g->value_count[k];
        s /= g->value_count[k];
    }
}

/* The x position of value i of series s: its number, or its index
 * shifted a little per series so that error bars do not hide each other. */
static double x_position(const struct plot *p, size_t s, size_t i)
{
    if (p->numeric)
        return strtod(p->sum->grid.value[p->x][i], NULL);
    double count = (double)series_count(p);
    return (double)i + ((double)s - (count - 1) / 2) * (count > 1 ? 0.3 / count : 0);
}

static int write_data(const struct plot *p, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fprintf(f, "# x mean ci95_low ci95_high runs (nimbus plot, from summary.csv)\n");
    for (size_t s = 0; s < series_count(p); s++) {
        fprintf(f, "%s# series %zu\n", s > 0 ? "\n\n" : "", s);
        for (size_t i = 0; i < p->sum->grid.value_count[p->x]; i++) {
            size_t vi[SWEEP_MAX_KEYS];
            series_point(p, s, i, vi);
            size_t c = sweep_grid_combo_of(&p->sum->grid, vi);
            const struct sweep_stats *st = &p->sum->stats[c];
            if (!p->sum->present[c] || st->n == 0)
                continue;
            fprintf(f, "%.9g %.9g %.9g %.9g %zu\n", x_position(p, s, i), st->mean, st->mean - st->ci_half,
                    st->mean + st->ci_half, st->n);
        }
    }
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* A gnuplot string literal: double quotes, with " and \ escaped. */
static void gp_string(FILE *f, const char *text)
{
    fputc('"', f);
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            fputc('\\', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

/* "balancer.policy=offer, network.loss=0.01": the other keys of series s. */
static void gp_series_title(FILE *f, const struct plot *p, size_t s)
{
    const struct sweep_grid *g = &p->sum->grid;
    size_t vi[SWEEP_MAX_KEYS];
    series_point(p, s, 0, vi);
    char title[1024] = "";
    size_t n = 0;
    for (size_t k = 0; k < g->key_count; k++)
        if (k != p->x && n < sizeof title)
            n += (size_t)snprintf(title + n, sizeof title - n, "%s%s=%s", n > 0 ? ", " : "", g->key[k],
                                  g->value[k][vi[k]]);
    gp_string(f, title);
}

static void gp_axes(FILE *f, const struct plot *p)
{
    const struct sweep_metric_field *m = &sweep_metric_fields[p->metric];
    const struct sweep_grid *g = &p->sum->grid;
    char text[512];
    fputs("set termoption noenhanced\nset grid ytics\nset border 3\nset tics nomirror\n", f);
    snprintf(text, sizeof text, "%s: %s, mean and 95%% CI over %zu seeds", p->scenario, m->title, p->sum->runs);
    fputs("set title ", f);
    gp_string(f, text);
    fputs("\nset xlabel ", f);
    gp_string(f, g->key[p->x]);
    snprintf(text, sizeof text, "%s (%s)", m->title, m->unit);
    fputs("\nset ylabel ", f);
    gp_string(f, text);
    fputs("\nset yrange [0:*]\n", f);
    if (!p->numeric) {
        fprintf(f, "set xrange [-0.5:%zu.5]\nset xtics (", g->value_count[p->x] - 1);
        for (size_t i = 0; i < g->value_count[p->x]; i++) {
            gp_string(f, g->value[p->x][i]);
            fprintf(f, " %zu%s", i, i + 1 < g->value_count[p->x] ? ", " : ")\n");
        }
    } else {
        fputs("set offsets graph 0.05, graph 0.05, 0, 0\n", f);
    }
    fprintf(f, series_count(p) > 1 ? "set key outside right top\n" : "unset key\n");
}

/* One plot command, the same for every terminal. */
static void gp_plot(FILE *f, const struct plot *p)
{
    fputs("plot \\\n", f);
    for (size_t s = 0; s < series_count(p); s++) {
        fprintf(f, "  '%s.dat' index %zu using 1:2:3:4 with %s lw 1.5 pt %zu ps 0.8 title ", p->name, s,
                p->numeric ? "yerrorlines" : "yerrorbars", s % 12 + 1);
        gp_series_title(f, p, s);
        fputs(s + 1 < series_count(p) ? ", \\\n" : "\n", f);
    }
}

static int write_script(const struct plot *p, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fprintf(f, "# %s.gp - written by nimbus plot from summary.csv; edit and run 'gnuplot %s.gp' here.\n",
            p->name, p->name);
    gp_axes(f, p);
    static const char *const terminals[][2] = {
        {"pdfcairo size 6in,3.6in font 'DejaVu Sans,10'", "pdf"},
        {"svg size 900,540 dynamic font 'DejaVu Sans,12'", "svg"},
        {"pngcairo size 1000,600 font 'DejaVu Sans,12'", "png"},
    };
    for (size_t t = 0; t < 3; t++) {
        fprintf(f, "\nset terminal %s\nset output '%s.%s'\n", terminals[t][0], p->name, terminals[t][1]);
        gp_plot(f, p);
    }
    fputs("unset output\n", f);
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* gnuplot NAME.gp in `dir`: 0, or the exit status after a message. */
static int run_gnuplot(const char *dir, const char *script)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) == 0)
            execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(GNUPLOT_NOT_FOUND);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        fprintf(stderr, "nimbus plot: cannot run gnuplot: %s\n", strerror(errno));
        return PLOT_EXIT_FAILED;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == GNUPLOT_NOT_FOUND)
        fprintf(stderr, "nimbus plot: gnuplot not found: install it (Debian: apt-get install gnuplot-nox); "
                        "the script is %s/%s\n", dir, script);
    else
        fprintf(stderr, "nimbus plot: gnuplot failed on %s/%s (its messages are above)\n", dir, script);
    return PLOT_EXIT_FAILED;
}

/* The scenario's name: the first field of sweep.csv's first row. */
static void read_scenario_name(const char *dir, char *buf, size_t bytes)
{
    char path[PLOT_PATH_BYTES];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    snprintf(buf, bytes, "sweep");
    size_t len;
    char *text = files_read_text(path, SWEEP_CSV_MAX_BYTES, &len);
    char *row = text != NULL ? strchr(text, '\n') : NULL;
    char *fields[SWEEP_CSV_MAX_FIELDS];
    if (row != NULL) {
        row++;
        row[strcspn(row, "\n")] = '\0';
        if (csv_split(row, fields, SWEEP_CSV_MAX_FIELDS) > 0)
            snprintf(buf, bytes, "%s", fields[0]);
    }
    free(text);
}

/* Which key is on the x axis: 0, or -1 after a message. */
static int choose_x(const struct sweep_plot_args *a, const struct sweep_grid *g, size_t *x)
{
    if (g->key_count == 0) {
        fprintf(stderr, "nimbus plot: %s: the sweep has no --grid keys: nothing to plot against\n", a->dir);
        return -1;
    }
    int k = a->x_key != NULL ? sweep_grid_find_key(g, a->x_key) : 0;
    if (k >= 0) {
        *x = (size_t)k;
        return 0;
    }
    fprintf(stderr, "nimbus plot: --x %s: not a key of this sweep (its keys:", a->x_key);
    for (size_t i = 0; i < g->key_count; i++)
        fprintf(stderr, " %s", g->key[i]);
    fputs(")\n", stderr);
    return -1;
}

/* Write NAME.dat and NAME.gp into `plots` and run gnuplot. */
static int draw(const struct plot *p, const char *plots)
{
    char dat[PLOT_PATH_BYTES + 600], gp[PLOT_PATH_BYTES + 600], script[600];
    snprintf(dat, sizeof dat, "%s/%s.dat", plots, p->name);
    snprintf(gp, sizeof gp, "%s/%s.gp", plots, p->name);
    snprintf(script, sizeof script, "%s.gp", p->name);
    if (files_make_dirs(plots) < 0 || write_data(p, dat) < 0 || write_script(p, gp) < 0) {
        fprintf(stderr, "nimbus plot: cannot write into %s: %s\n", plots, strerror(errno));
        return PLOT_EXIT_FAILED;
    }
    int status = run_gnuplot(plots, script);
    if (status == 0)
        printf("nimbus plot: %s/%s.pdf, .svg and .png (script %s.gp, data %s.dat)\n", plots, p->name, p->name,
               p->name);
    return status;
}

int sweep_plot(const struct sweep_plot_args *a)
{
    const char *metric = a->metric != NULL ? a->metric : "makespan_ns";
    char path[PLOT_PATH_BYTES], err[SWEEP_READ_ERROR_BYTES], scenario[128], plots[PLOT_PATH_BYTES];
    snprintf(path, sizeof path, "%s/summary.csv", a->dir);
    snprintf(plots, sizeof plots, "%s/plots", a->dir);
    struct sweep_summary sum;
    if (sweep_summary_read(path, metric, &sum, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus plot: %s\n", err);
        return PLOT_EXIT_USAGE;
    }
    struct plot p = {.sum = &sum, .metric = sweep_metric_find(metric), .scenario = scenario};
    int status = PLOT_EXIT_USAGE;
    if (choose_x(a, &sum.grid, &p.x) == 0) {
        read_scenario_name(a->dir, scenario, sizeof scenario);
        p.numeric = all_numbers(&sum.grid, p.x);
        char key[256];
        sweep_grid_safe_name(sum.grid.key[p.x], key, sizeof key);
        snprintf(p.name, sizeof p.name, "%s-by-%s", metric, key);
        status = draw(&p, plots);
    }
    sweep_summary_free(&sum);
    return status;
}
