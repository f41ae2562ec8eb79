/*
 * plot.c - `nimbus plot SWEEP_DIR`: draw one figure of a finished sweep
 * (sweep/sweep_plot.h) with gnuplot.
 */
#include <stdio.h>

#include "cli.h"
#include "host/args.h"
#include "sweep/sweep_plot.h"

static const char plot_usage[] =
    "Usage: nimbus plot SWEEP_DIR [--metric M] [--x KEY]\n"
    "\n"
    "Draw a figure of a finished sweep (nimbus sweep --out SWEEP_DIR) from its\n"
    "summary.csv: the mean of M against the values of KEY, one line per\n"
    "combination of the other keys, with 95% confidence intervals (Student t\n"
    "over the seeds) as error bars. Writes into SWEEP_DIR/plots/:\n"
    "  M-by-KEY.pdf, .svg, .png   the figure (PDF for papers)\n"
    "  M-by-KEY.gp, .dat          the gnuplot script and its data: edit the\n"
    "                             script and run 'gnuplot M-by-KEY.gp' there\n"
    "Needs gnuplot (Debian: gnuplot-nox).\n"
    "\n"
    "Options:\n"
    "  -m, --metric M   a figure, named as sweep.csv's column (default makespan_ns;\n"
    "                   also response_p95_ns, migrations, bytes_moved, ratio_milli, ...)\n"
    "  -x, --x KEY      the key on the x axis (default: the sweep's first --grid key);\n"
    "                   numbers are placed at their values, other values side by side\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 drawn, 1 bad usage or not a sweep directory, 2 gnuplot failed\n"
    "or the files could not be written.\n";

enum plot_option { OPT_HELP, OPT_METRIC, OPT_X };

static const struct args_option plot_options[] = {
    {"help", 'h', NULL, OPT_HELP},
    {"metric", 'm', "M", OPT_METRIC},
    {"x", 'x', "KEY", OPT_X},
};

static int take_plot_option(int id, const char *value, void *ctx)
{
    struct sweep_plot_args *a = ctx;
    switch (id) {
    case OPT_HELP: fputs(plot_usage, stdout); return -1;
    case OPT_METRIC: a->metric = value; return 0;
    default: a->x_key = value; return 0;
    }
}

static int plot_main(int argc, char **argv)
{
    struct sweep_plot_args a = {0};
    struct args p;
    args_init(&p, "plot", plot_options, sizeof plot_options / sizeof plot_options[0], argc, argv);
    int status = args_parse_with_operand(&p, "sweep directory", &a.dir, take_plot_option, &a);
    if (status != 0)
        return status < 0 ? CLI_EXIT_OK : status;
    return sweep_plot(&a);
}

const struct cli_command cli_plot = {
    .name = "plot",
    .usage = plot_usage,
    .main = plot_main,
};
