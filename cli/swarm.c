/*
 * swarm.c - `nimbus swarm SCENARIO --seeds N`: run the scenario under the
 * faults each seed draws and check every run (swarm/swarm.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "host/args.h"
#include "host/units.h"
#include "swarm/swarm.h"

static const char swarm_usage[] =
    "Usage: nimbus swarm SCENARIO --seeds N [--first-seed S] [--horizon TIME]\n"
    "                    [--jobs N] [--out DIR] [--every-fault] [--no-shrink]\n"
    "                    [--keep-runs] [--no-progress]\n"
    "\n"
    "Run SCENARIO once per seed, each time under faults drawn from the seed:\n"
    "frame loss, jitter, duplication and corruption, crashes of any node\n"
    "with or without a restart, partitions (both ways, one way, flapping),\n"
    "pauses and clock drift, all before --horizon. Check every run's trace as\n"
    "'nimbus check-run' does. For each seed that breaks an invariant, print\n"
    "it, shrink its faults to the fewest that still break one, and print the\n"
    "commands that reproduce it. Each failing run is kept in DIR/seed-<n>/\n"
    "(scenario.json, the run's outputs, check.txt); a passing one, and each\n"
    "run of the shrinking, is removed when it has been checked, unless\n"
    "--keep-runs.\n"
    "\n"
    "Options:\n"
    "      --seeds N         how many seeds (1 to 1000000)\n"
    "      --first-seed S    the first seed (default 1)\n"
    "      --horizon TIME    faults happen before this simulated time\n"
    "                        (default 100ms)\n"
    "  -j, --jobs N          runs at once (default: the number of online CPUs)\n"
    "  -o, --out DIR         output directory (default: runs/<scenario name>-swarm)\n"
    "      --every-fault     every kind of fault in every seed's schedule, with\n"
    "                        3 crashes, 2 partitions and 2 pauses\n"
    "      --no-shrink       report failing schedules as drawn\n"
    "      --keep-runs       keep the outputs of passing seeds and of the\n"
    "                        shrinking's runs too\n"
    "      --no-progress     no progress on stderr (a live line on a terminal;\n"
    "                        else a line after the 1st, 10th, 100th, 1000th seed\n"
    "                        and every 1000 after)\n"
    "  -h, --help            show this help\n"
    "\n"
    "See docs/swarm.md.\n"
    "Exit status: 0 every run kept the invariants, 1 bad usage or scenario,\n"
    "2 a run broke one (or left no trace).\n";

enum swarm_option {
    OPT_HELP,
    OPT_SEEDS,
    OPT_FIRST_SEED,
    OPT_HORIZON,
    OPT_JOBS,
    OPT_OUT,
    OPT_EVERY_FAULT,
    OPT_NO_SHRINK,
    OPT_KEEP_RUNS,
    OPT_NO_PROGRESS
};

static const struct args_option swarm_options[] = {
    {"help", 'h', NULL, OPT_HELP},       {"seeds", 0, "N", OPT_SEEDS},   {"first-seed", 0, "S", OPT_FIRST_SEED},
    {"horizon", 0, "TIME", OPT_HORIZON}, {"jobs", 'j', "N", OPT_JOBS},   {"out", 'o', "DIR", OPT_OUT},
    {"every-fault", 0, NULL, OPT_EVERY_FAULT}, {"no-shrink", 0, NULL, OPT_NO_SHRINK},
    {"keep-runs", 0, NULL, OPT_KEEP_RUNS}, {"no-progress", 0, NULL, OPT_NO_PROGRESS},
};

#define SWARM_MAX_SEEDS 1000000u
#define SWARM_MAX_JOBS 1024u

/* One option: 0, -1 after --help, or an exit status. */
static int take_option(int id, const char *v, void *ctx)
{
    struct swarm_args *a = ctx;
    uint64_t n;
    char why[256];
    switch (id) {
    case OPT_HELP: fputs(swarm_usage, stdout); return -1;
    case OPT_NO_SHRINK: a->shrink = false; return 0;
    case OPT_KEEP_RUNS: a->keep_runs = true; return 0;
    case OPT_NO_PROGRESS: a->progress = false; return 0;
    case OPT_EVERY_FAULT: a->every_fault = true; return 0;
    case OPT_OUT: a->out_dir = v; return 0;
    case OPT_SEEDS:
        if (!args_parse_u64(v, SWARM_MAX_SEEDS, &a->seed_count) || a->seed_count == 0)
            return args_usage_error("swarm", "--seeds: '%s' is not a number from 1 to %u", v, SWARM_MAX_SEEDS);
        return 0;
    case OPT_FIRST_SEED:
        if (!args_parse_u64(v, UINT64_MAX - SWARM_MAX_SEEDS, &a->first_seed))
            return args_usage_error("swarm", "--first-seed: '%s' is not a whole number", v);
        return 0;
    case OPT_HORIZON:
        if (units_parse_kind(UNITS_KIND_DURATION, v, &a->horizon_ns, why, sizeof why) != UNITS_OK)
            return args_usage_error("swarm", "--horizon: %s", why);
        if (a->horizon_ns == 0)
            return args_usage_error("swarm", "--horizon: must be longer than 0s, got '%s'", v);
        return 0;
    default:
        if (!args_parse_u64(v, SWARM_MAX_JOBS, &n) || n == 0)
            return args_usage_error("swarm", "--jobs: '%s' is not a number from 1 to %u", v, SWARM_MAX_JOBS);
        a->jobs = (unsigned)n;
        return 0;
    }
}

/* 0 to run, -1 after --help, or an exit status. */
static int parse(int argc, char **argv, struct swarm_args *a)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *a = (struct swarm_args){.first_seed = 1, .jobs = cpus < 1 ? 1u : (unsigned)cpus, .horizon_ns = 100000000u,
                             .shrink = true, .progress = true};
    struct args p;
    args_init(&p, "swarm", swarm_options, sizeof swarm_options / sizeof swarm_options[0], argc, argv);
    int rc = args_parse_with_operand(&p, "scenario file", &a->scenario, take_option, a);
    if (rc != 0)
        return rc;
    if (a->seed_count == 0)
        return args_usage_error("swarm", "how many seeds? (--seeds N)");
    return 0;
}

static int swarm_main(int argc, char **argv)
{
    struct swarm_args a;
    int rc = parse(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    return swarm_run(&a);
}

const struct cli_command cli_swarm = {
    .name = "swarm",
    .usage = swarm_usage,
    .main = swarm_main,
};
