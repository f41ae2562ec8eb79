/*
 * sweep.c - `nimbus sweep SCENARIO`: parse the grid (sweep/sweep_args.h)
 * and run it (sweep/sweep.h).
 */
#include <stdio.h>

#include "cli.h"
#include "sweep/sweep.h"

static const char sweep_usage[] =
    "Usage: nimbus sweep SCENARIO [--grid KEY=V1,V2,...]... (--seeds N | --seed-list LIST)\n"
    "                    [--policies LIST] [--set KEY=VALUE]... [--out DIR] [--jobs N]\n"
    "                    [--metric M]... [--no-progress]\n"
    "\n"
    "Run SCENARIO once for every combination of the --grid keys' values and\n"
    "every seed, each run exactly what 'nimbus run SCENARIO --seed S --set\n"
    "KEY=VALUE...' does, and summarise the runs. Writes into DIR:\n"
    "  <key=value,...>/seed-<n>/   each run's outputs (as nimbus run) and run.log\n"
    "  <key=value,...>/scenario.json  the scenario that combination ran\n"
    "  sweep.csv     one row per run: provenance (scenario hash, nimbus version,\n"
    "                commit, build type), the --set overrides, the keys' values,\n"
    "                seed, outcome, every figure, the command that reruns it\n"
    "  summary.csv   per combination and figure: mean, sd, 95% confidence interval\n"
    "  paired.csv    per key: differences from its first value over the same seeds\n"
    "  summary.txt   the summary it prints\n"
    "Figures a run's metrics.json lacks are left empty (\"-\" in the summary).\n"
    "'nimbus plot DIR' draws summary.csv.\n"
    "\n"
    "Options:\n"
    "  -g, --grid KEY=V1,V2,...  sweep a scenario key (a JSON path as for --set;\n"
    "                        'policy' means balancer.policy) over these values,\n"
    "                        each read like a --set value; repeatable: the runs\n"
    "                        are every combination (first key slowest) x seeds\n"
    "      --policies LIST   the same as --grid balancer.policy=LIST, from none,\n"
    "                        random, offer, two-choices, mosix\n"
    "      --seeds N         seeds 1 to N (N from 1 to 100000)\n"
    "      --seed-list LIST  these seeds instead, e.g. 3,7,9\n"
    "      --set KEY=VALUE   override a key for every run, before the grid's;\n"
    "                        KEY is a JSON path (balancer.threshold, nodes[0].count),\n"
    "                        VALUE is JSON, or else taken as a string\n"
    "                        (--set network.latency=200us); repeatable\n"
    "  -o, --out DIR         output directory (default: runs/<scenario name>-sweep)\n"
    "  -j, --jobs N          runs at once, each in its own process (default: the\n"
    "                        number of online CPUs); results do not depend on it\n"
    "  -m, --metric M        a figure the summary shows (a sweep.csv column such as\n"
    "                        ratio_milli or imbalance_mean_cv_milli); repeatable;\n"
    "                        default makespan_ns, response_p95_ns, migrations\n"
    "      --no-progress     no live progress line, time so far or time left\n"
    "  -h, --help            show this help\n"
    "\n"
    "Progress goes to stderr: a live line on a terminal (runs done, failed, time\n"
    "left), and one line per run in grid order. See the Sweeps section of\n"
    "docs/experiments.md.\n"
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
