/*
 * run.c - `nimbus run SCENARIO`: load the scenario (with --set overrides),
 * simulate it (hal-sim/sim.h) into an output directory, optionally with a
 * live window (run_viz.h), and print a summary.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/divergence.h"
#include "cli.h"
#include "hal-sim/scenario.h"
#include "hal-sim/scenario_override.h"
#include "hal-sim/sim.h"
#include "host/args.h"
#include "host/files.h"
#include "host/xalloc.h"
#include "run_viz.h"

static const char run_usage[] =
    "Usage: nimbus run SCENARIO [--out DIR] [--seed N] [--set KEY=VALUE]... [--quiet]\n"
    "                  [--viz] [--interpret]\n"
    "\n"
    "Simulate SCENARIO (a JSON file, see docs/scenarios.md) and write into DIR:\n"
    "  trace.jsonl   the event trace, one JSON object a line (docs/trace.md)\n"
    "  net.pcap      every frame on the simulated LAN, simulated timestamps\n"
    "                (with a topology: net-rack<R>.pcap per rack, docs/scenarios.md)\n"
    "  metrics.json  per-node, total and research figures (docs/metrics.md)\n"
    "  metrics.csv   the per-node figures, one row per node\n"
    "  research.csv  the research figures (makespan, response times,\n"
    "                migrations, imbalance, lower bound) as one row\n"
    "  console.log   what the processes printed\n"
    "  scenario.json the scenario as run, with the --set overrides applied\n"
    "                (only when there are any)\n"
    "The same scenario and seed always give byte-identical trace.jsonl,\n"
    "net.pcap and metrics.json.\n"
    "\n"
    "Options:\n"
    "  -o, --out DIR      output directory, created if missing\n"
    "                     (default: runs/<scenario name>)\n"
    "  -s, --seed N       seed every random choice with N (0 to 18446744073709551615)\n"
    "                     instead of the scenario's seed\n"
    "      --set KEY=VALUE  override a scenario key before validation; KEY is a\n"
    "                     JSON path (balancer.policy, nodes[0].count), VALUE is\n"
    "                     JSON, or else taken as a string\n"
    "                     (--set network.latency=200us); repeatable\n"
    "  -q, --quiet        do not print the processes' output (console.log still\n"
    "                     has it); only the summary\n"
    "      --no-progress  no live progress line on stderr\n"
    "      --check-determinism  run it again into DIR/rerun and compare: name the\n"
    "                     first trace line where the two runs part, if they do\n"
    "      --interpret    interpret every program, even those translated at\n"
    "                     build time (docs/translation.md); the files are the same\n"
    "      --viz          watch the run live in a window (docs/viz.md); the files\n"
    "                     are the same as without it\n"
    "      --viz-exit     with --viz: close the window when the run has ended\n"
    "      --viz-shot FILE  with --viz: save the window's last frame as a PNG\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 the run finished, 1 bad usage or scenario, 2 the run failed\n"
    "(max_time reached, processes stuck, a node could not boot) or its outputs\n"
    "could not be written.\n";

struct run_args {
    const char *scenario;
    const char *out_dir;
    bool seed_set;
    uint64_t seed;
    bool quiet;
    bool progress;
    bool viz;             /* --viz: a live window (a child process) */
    bool check_determinism;
    bool interpret; /* --interpret: no translated code */
    bool viz_exit;
    const char *viz_shot;
    struct scenario_override *sets; /* --set, in order */
    const char **set_specs;         /* each as typed: KEY=VALUE */
    size_t set_count;
};

enum run_option {
    OPT_HELP, OPT_QUIET, OPT_NO_PROGRESS, OPT_VIZ, OPT_VIZ_EXIT, OPT_VIZ_SHOT, OPT_OUT, OPT_SET, OPT_SEED,
    OPT_CHECK_DETERMINISM, OPT_INTERPRET
};

static const struct args_option run_options[] = {
    {"help", 'h', NULL, OPT_HELP},
    {"quiet", 'q', NULL, OPT_QUIET},
    {"no-progress", 0, NULL, OPT_NO_PROGRESS},
    {"viz", 0, NULL, OPT_VIZ},
    {"viz-exit", 0, NULL, OPT_VIZ_EXIT},
    {"viz-shot", 0, "FILE", OPT_VIZ_SHOT},
    {"out", 'o', "DIR", OPT_OUT},
    {"set", 0, "KEY=VALUE", OPT_SET},
    {"seed", 's', "N", OPT_SEED},
    {"check-determinism", 0, NULL, OPT_CHECK_DETERMINISM},
    {"interpret", 0, NULL, OPT_INTERPRET},
};

/* One option: 0, -1 after --help, or an exit status. */
static int take_run_option(int id, const char *v, void *ctx)
{
    struct run_args *a = ctx;
    char why[SCN_ERROR_BYTES];
    switch (id) {
    case OPT_HELP: fputs(run_usage, stdout); return -1;
    case OPT_QUIET: a->quiet = true; return 0;
    case OPT_CHECK_DETERMINISM: a->check_determinism = true; return 0;
    case OPT_INTERPRET: a->interpret = true; return 0;
    case OPT_NO_PROGRESS: a->progress = false; return 0;
    case OPT_VIZ_EXIT: a->viz_exit = a->viz = true; return 0;
    case OPT_VIZ: a->viz = true; return 0;
    case OPT_VIZ_SHOT:
        if (v[0] == '\0')
            return args_usage_error("run", "--viz-shot: the file name is empty");
        a->viz_shot = v;
        a->viz = true;
        return 0;
    case OPT_OUT:
        if (v[0] == '\0')
            return args_usage_error("run", "--out: the directory name is empty");
        a->out_dir = v;
        return 0;
    case OPT_SET:
        if (scenario_override_parse(v, &a->sets[a->set_count], why, sizeof why) < 0)
            return args_usage_error("run", "--set: %s", why);
        a->set_specs[a->set_count++] = v;
        return 0;
    default:
        if (!args_parse_u64(v, UINT64_MAX, &a->seed))
            return args_usage_error("run", "--seed: '%s' is not a whole number from 0 to 18446744073709551615",
                                    v);
        a->seed_set = true;
        return 0;
    }
}

/* 0 to run, -1 when help was shown, or an exit status > 0. Whatever it
 * returns, free_run_args releases what it parsed. */
static int parse_run_args(int argc, char **argv, struct run_args *a)
{
    memset(a, 0, sizeof *a);
    a->progress = true;
    a->sets = xcalloc((size_t)argc + 1, sizeof a->sets[0]);
    a->set_specs = xcalloc((size_t)argc + 1, sizeof a->set_specs[0]);
    struct args p;
    args_init(&p, "run", run_options, sizeof run_options / sizeof run_options[0], argc, argv);
    return args_parse_with_operand(&p, "scenario file", &a->scenario, take_run_option, a);
}

static void free_run_args(struct run_args *a)
{
    for (size_t i = 0; i < a->set_count; i++)
        scenario_override_free(&a->sets[i]);
    free(a->sets);
    free(a->set_specs);
}

/* The scenario file with the --set overrides applied; with any, its
 * effective text goes to *text (else NULL). 0, or -1 after a message. */
static int load_scenario(const struct run_args *a, struct scenario *scn, char **text)
{
    char err[SCN_ERROR_BYTES];
    *text = NULL;
    int rc = a->set_count == 0 ? scenario_load(a->scenario, scn, err, sizeof err)
                               : scenario_load_overridden(a->scenario, a->sets, a->set_count, scn, text, err,
                                                          sizeof err);
    if (rc < 0)
        fprintf(stderr, "%s\n", err);
    return rc;
}

/* "nimbus run FILE --seed N --set A --set B", as the user can type it
 * again (free it): the reproduce-with line of a failed run. */
static char *reproduce_command(const struct run_args *a, uint64_t seed)
{
    size_t bytes = strlen(a->scenario) + 64;
    for (size_t i = 0; i < a->set_count; i++)
        bytes += strlen(a->set_specs[i]) + 10;
    char *text = xcalloc(bytes, 1);
    size_t n = snprintf(text, bytes, "nimbus run %s --seed %llu", a->scenario, (unsigned long long)seed);
    for (size_t i = 0; i < a->set_count; i++)
        n += snprintf(text + n, bytes - n, " --set '%s'", a->set_specs[i]);
    return text;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* DIR/scenario.json: the effective scenario when --set changed it, byte
 * for byte the text metrics.json's scenario_sha256 is of;
 * otherwise an old one is removed, so the directory never shows a
 * scenario that was not run. The scenario file run is never removed or
 * overwritten (a swarm's reproduce line runs DIR/scenario.json into DIR).
 * 0, or -1 after a message. */
static int save_effective_scenario(const char *dir, const char *scenario_path, const char *effective)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    bool is_input = same_file(path, scenario_path);
    if (is_input && effective != NULL) {
        fprintf(stderr, "nimbus run: %s is the scenario file itself; with --set the run would overwrite it "
                        "with the changed scenario: give another --out\n", path);
        return -1;
    }
    if (is_input)
        return 0; /* it is the scenario that was run */
    if (effective != NULL ? files_write_bytes(path, effective, strlen(effective)) < 0
                          : unlink(path) < 0 && errno != ENOENT) {
        fprintf(stderr, "nimbus run: cannot %s %s: %s\n", effective != NULL ? "write" : "remove", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* runs/<name>, with anything but letters, digits, '.', '-' and '_' made
 * '_' so a scenario name cannot point elsewhere. */
static void default_out_dir(const char *name, char *buf, size_t bytes)
{
    size_t n = snprintf(buf, bytes, "runs/");
    for (const char *p = name; *p && n + 1 < bytes; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && p != name);
        buf[n++] = ok ? c : '_';
    }
    buf[n] = '\0';
}

static void print_ns(FILE *f, uint64_t ns)
{
    if (ns < 1000000000u)
        fprintf(f, "%llu.%06llu ms", (unsigned long long)(ns / 1000000u),
                (unsigned long long)(ns % 1000000u));
    else
        fprintf(f, "%llu.%09llu s", (unsigned long long)(ns / 1000000000u),
                (unsigned long long)(ns % 1000000000u));
}

/* How the network ended a run whose processes all exited. */
static void print_drain(const struct sim *s)
{
    printf(s->quiet ? ", network quiet after " : ", network NOT quiet after ");
    print_ns(stdout, s->now - s->drain_from_ns);
    if (!s->quiet)
        printf(" (the limit, SIM_DRAIN_MAX_NS or max_time: output may be lost)");
}

/* Each line of `text` with `prefix` in front. */
static void print_lines(FILE *f, const char *prefix, const char *text)
{
    for (const char *line = text; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        fprintf(f, "%s%.*s\n", prefix, (int)n, line);
        line += n + (line[n] == '\n' ? 1 : 0);
    }
}

/* One line per node whose disk has a crash_at: where it crashed, or that
 * its disk never got that far (an enumeration stops there). */
static void print_crash_at(const struct sim *s)
{
    for (uint32_t i = 0; i < s->node_count; i++) {
        const struct sim_disk *d = &s->nodes[i].disk;
        if (d->cfg == NULL || d->cfg->crash_at_request == 0)
            continue;
        unsigned long long n = (unsigned long long)d->cfg->crash_at_request;
        if (d->c.crashed_at != 0)
            printf("  crash_at: node %u crashed at disk request %llu%s\n", i, n,
                   d->cfg->crash_at_torn ? ", torn" : "");
        else
            printf("  crash_at: node %u never reached disk request %llu (its disk served %llu)\n", i, n,
                   (unsigned long long)d->c.requests);
    }
}

static void print_summary(const struct sim *s, const char *out_dir, double wall_s, bool outputs_ok)
{
    struct metrics_node *rows = xcalloc(s->node_count, sizeof rows[0]);
    struct metrics_run run;
    struct metrics_node t;
    sim_collect_metrics(s, rows, &run);
    metrics_totals(&run, &t);
    const char *how = "stopped";
    switch (s->end) {
    case SIM_END_DURATION: how = "ran its duration"; break;
    case SIM_END_ALL_EXITED: how = "finished: every process exited"; break;
    case SIM_END_MAX_TIME: how = "FAILED: reached max_time"; break;
    case SIM_END_STUCK: how = "FAILED: stuck"; break;
    case SIM_END_ERROR: how = "FAILED"; break;
    case SIM_END_INTERRUPTED: how = "INTERRUPTED"; break;
    default: break;
    }
    if (!outputs_ok)
        how = "FAILED: output files not written completely";
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s: %s", s->scn->name, how);
    if (s->end == SIM_END_ALL_EXITED && outputs_ok)
        print_drain(s);
    printf(" at ");
    print_ns(stdout, s->now);
    printf(" (seed %llu)\n", (unsigned long long)s->opt.seed);
    printf("  nodes %u (%llu up)   processes spawned %llu, exited %llu, faulted %llu\n",
           s->node_count, (unsigned long long)t.v[M_UP], (unsigned long long)t.v[M_SPAWNED],
           (unsigned long long)t.v[M_EXITED], (unsigned long long)t.v[M_FAULTED]);
    printf("  messages sent %llu, delivered %llu, dropped %llu   retransmits %llu\n",
           (unsigned long long)t.v[M_MSGS_SENT], (unsigned long long)t.v[M_MSGS_DELIVERED],
           (unsigned long long)t.v[M_MSGS_DROPPED], (unsigned long long)t.v[M_RETRANSMITS]);
    uint64_t lost = run.net.lost_loss + run.net.lost_partition + run.net.lost_down +
                    run.net.lost_no_route + run.net.lost_ring_full;
    printf("  frames sent %llu, delivered %llu, lost %llu, refused %llu\n",
           (unsigned long long)run.net.frames_sent, (unsigned long long)run.net.frames_delivered,
           (unsigned long long)lost, (unsigned long long)run.net.frames_busy);
    const uint64_t *r = run.research.v;
    printf("  balancer %s: migrations %llu (aborted %llu), bytes moved %llu, "
           "freeze min/median/max %llu/%llu/%llu us\n",
           run.balancer, (unsigned long long)r[R_MIGRATIONS], (unsigned long long)r[R_MIGRATIONS_ABORTED],
           (unsigned long long)r[R_BYTES_MOVED], (unsigned long long)r[R_FREEZE_MIN_US],
           (unsigned long long)r[R_FREEZE_MEDIAN_US], (unsigned long long)r[R_FREEZE_MAX_US]);
    printf("  makespan ");
    print_ns(stdout, r[R_MAKESPAN_NS]);
    printf(", lower bound ");
    print_ns(stdout, r[R_LOWER_BOUND_NS]);
    printf(" (%llu.%03llu x), jobs finished %llu of %llu\n",
           (unsigned long long)(r[R_MAKESPAN_OVER_BOUND_MILLI] / 1000),
           (unsigned long long)(r[R_MAKESPAN_OVER_BOUND_MILLI] % 1000),
           (unsigned long long)r[R_JOBS_FINISHED], (unsigned long long)r[R_JOBS]);
    printf("  events %llu in %.3f s wall (%.0f events/s), peak memory %ld MiB\n",
           (unsigned long long)s->events, wall_s, wall_s > 0 ? (double)s->events / wall_s : 0.0,
           ru.ru_maxrss / 1024);
    print_crash_at(s);
    if (out_dir != NULL)
        printf("  output in %s/\n", out_dir);
    free(rows);
}

static volatile sig_atomic_t interrupted;

/* The first Ctrl-C stops the run cleanly (outputs are complete up to that
 * point); a second one kills the program. */
static void on_interrupt(int sig)
{
    interrupted = 1;
    signal(sig, SIG_DFL);
}

/* Simulate `scn` with `opt` into opt->out_dir, the trace also to
 * `viz_fd` (-1: none); print the summary when `summary`. The exit status. */
static int simulate(const struct run_args *a, const struct scenario *scn, const struct sim_options *opt, int viz_fd,
                    bool summary)
{
    static struct sim s; /* large; keep it off the stack */
    char err[SCN_ERROR_BYTES + SIM_ERROR_BYTES];
    if (sim_open(&s, scn, opt, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus run: %s\n", err);
        return CLI_EXIT_FAILED;
    }
    trace_out_tee(&s.trace, viz_fd);
    bool run_ok = sim_run(&s) == 0;
    double wall_s = progress_wall_seconds(&s.progress);
    /* Outputs first, so the summary never calls a run with lost output
     * finished. */
    bool outputs_ok = sim_finish(&s, err, sizeof err) == 0;
    fflush(stdout);
    if (summary)
        print_summary(&s, opt->out_dir, wall_s, outputs_ok);
    fflush(stdout);
    if (!outputs_ok)
        print_lines(stderr, "nimbus run: ", err);
    if (!run_ok) {
        fprintf(stderr, "nimbus run: %s: run failed: %s\n", a->scenario, s.error);
        if (s.end != SIM_END_INTERRUPTED) {
            fprintf(stderr, "nimbus run: reproduce with: %s\n", opt->reproduce);
        }
    }
    sim_close(&s, err, sizeof err); /* the outputs are closed: nothing left to fail */
    int status = run_ok && outputs_ok ? CLI_EXIT_OK : CLI_EXIT_FAILED;
    return status;
}

/* --check-determinism: the same run again into DIR/rerun, quietly, and
 * where the two part if they do. The exit status. */
static int check_determinism(const struct run_args *a, const struct scenario *scn, const struct sim_options *first)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/rerun", first->out_dir);
    if (files_make_dirs(dir) < 0) {
        fprintf(stderr, "nimbus run: cannot create %s: %s\n", dir, strerror(errno));
        return CLI_EXIT_FAILED;
    }
    struct sim_options opt = *first;
    opt.out_dir = dir;
    opt.console_echo = NULL;
    opt.progress = false;
    int status = simulate(a, scn, &opt, -1, false);
    if (interrupted)
        return status;
    struct divergence d;
    int differ = divergence_compare_runs(first->out_dir, dir, stdout, &d);
    if (differ == 0)
        printf("  deterministic: a second run (%s) wrote identical trace.jsonl, net.pcap and metrics.json\n", dir);
    else if (differ > 0)
        printf("nimbus run: NOT deterministic: %d of 3 files differ between %s and %s\n", differ, first->out_dir,
               dir);
    return differ == 0 ? status : CLI_EXIT_FAILED;
}

/* The output directory: --out, or runs/<scenario name>. 0, or -1 after a message. */
static int prepare_dir(const struct run_args *a, const struct scenario *scn, const char *effective, char *dir,
                       size_t bytes)
{
    if (a->out_dir != NULL)
        snprintf(dir, bytes, "%s", a->out_dir);
    else
        default_out_dir(scn->name, dir, bytes);
    if (files_make_dirs(dir) < 0) {
        fprintf(stderr, "nimbus run: cannot create output directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return save_effective_scenario(dir, a->scenario, effective);
}

static int run_scenario(const struct run_args *a)
{
    struct scenario scn;
    char *effective;
    if (load_scenario(a, &scn, &effective) < 0)
        return CLI_EXIT_USAGE;
    char dir[4096];
    int prepared = prepare_dir(a, &scn, effective, dir, sizeof dir);
    free(effective);
    if (prepared < 0) {
        scenario_free(&scn);
        return CLI_EXIT_FAILED;
    }
    pid_t viz_child = -1;
    int viz_fd = a->viz ? run_viz_start(a->viz_exit, a->viz_shot, &viz_child) : -1;
    struct sim_options opt = {
        .out_dir = dir,
        .seed = a->seed_set ? a->seed : scn.seed,
        .console_echo = a->quiet ? NULL : stdout,
        .diagnostics = stderr,
        .progress = a->progress && isatty(STDERR_FILENO),
        .trace_frame_loss = true,
        .interpret = a->interpret,
        .interrupt = &interrupted,
    };
    char *reproduce = reproduce_command(a, opt.seed);
    opt.reproduce = reproduce;
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
    int status = simulate(a, &scn, &opt, viz_fd, true);
    run_viz_finish(viz_fd, viz_child);
    if (a->check_determinism && !interrupted) {
        int again = check_determinism(a, &scn, &opt);
        status = again > status ? again : status;
    }
    scenario_free(&scn);
    free(reproduce);
    return status;
}

static int run_main(int argc, char **argv)
{
    struct run_args a;
    int rc = parse_run_args(argc, argv, &a);
    if (rc == 0 && a.viz)
        rc = run_viz_available();
    if (rc == 0)
        rc = run_scenario(&a);
    free_run_args(&a);
    return rc < 0 ? CLI_EXIT_OK : rc;
}

const struct cli_command cli_run = {
    .name = "run",
    .usage = run_usage,
    .main = run_main,
};
