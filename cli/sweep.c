/*
 * sweep.c - `nimbus sweep SCENARIO`: parse the grid (sweep/sweep_args.h)
 * and run it (sweep/sweep.h).
 */
#include <stdio.h>

#include "cli.h"
#include "sweep/sweep.h"

static const char sweep_usage[] =
    "Usage: nimbus sweep SCENARIO --policies LIST (--seeds N | --seed-list LIST)\n"
    "                    [--set KEY=VALUE]... [--out DIR] [--jobs N]\n"
    "\n"
    "Run SCENARIO once for every balancer policy in LIST and every seed, each\n"
    "run exactly what 'nimbus run SCENARIO --seed S' does with\n"
    "\"balancer.policy\" set, and summarise the runs. Writes into DIR:\n"
    "  <policy>/seed-<n>/   each run's outputs (as nimbus run) and run.log\n"
    "  <policy>/scenario.json  the scenario each policy ran, overrides applied\n"
    "  sweep.csv            one row per run: end, makespan, lower bound,\n"
    "                       response times, migrations, bytes moved, freezes\n"
    "and prints one row per policy: mean (min-max) over its runs. Figures a\n"
    "run's metrics.json lacks are left empty (\"-\" in the table).\n"
    "\n"
    "Options:\n"
    "      --policies LIST   comma-separated, from none, random, offer,\n"
    "                        two-choices, mosix\n"
    "      --seeds N         seeds 1 to N (N from 1 to 100000)\n"
    "      --seed-list LIST  these seeds instead, e.g. 3,7,9\n"
    "      --set KEY=VALUE   override a scenario key before validation; KEY is\n"
    "                        a JSON path (balancer.threshold, nodes[0].count),\n"
    "                        VALUE is JSON, or else taken as a string\n"
    "                        (--set network.latency=200us); repeatable\n"
    "  -o, --out DIR         output directory (default: runs/<scenario name>-sweep)\n"
    "  -j, --jobs N          runs at once, each in its own process (default: the\n"
    "                        number of online CPUs); results do not depend on it\n"
    "  -h, --help            show this help\n"
    "\n"
    "Progress goes to stderr, one line per run in grid order. See the Sweeps\n"
    "section of docs/experiments.md.\n"
    "Exit status: 0 every run succeeded, 1 bad usage or scenario, 2 a run\n"
    "failed (the others still run) or an output could not be written.\n";

static int sweep_main(int argc, char **argv)
{
    struct sweep_args a;
    int status = sweep_args_parse(argc, argv, &a);
    if (status < 0)
        fputs(sweep_usage, stdout);
    if (status == 0)
        status = sweep_run_grid(&a);
    sweep_args_free(&a);
    return status < 0 ? CLI_EXIT_OK : status;
}

const struct cli_command cli_sweep = {
    .name = "sweep",
    .usage = sweep_usage,
    .main = sweep_main,
};
