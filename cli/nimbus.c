/*
 * nimbus.c - the `nimbus` command's entry: find the subcommand in the
 * table and hand it the rest of the arguments; `help`, `--version`.
 * Each subcommand lives in its own file of cli/ (cli.h).
 *
 * Exit status: 0 success, 1 bad usage or a bad scenario, 2 the run failed
 * (or its outputs could not be written).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "host/args.h"
#include "host/build_info.h"

static const char usage_main[] =
    "nimbus - the Cumulonimbus cluster simulator\n"
    "\n"
    "Usage:\n"
    "  nimbus run SCENARIO [--out DIR] [--seed N] [--set KEY=VALUE]... [--quiet]\n"
    "  nimbus check SCENARIO...\n"
    "  nimbus check-run RUN...\n"
    "  nimbus check-history RUN...\n"
    "  nimbus sweep SCENARIO --grid KEY=V1,V2,... --seeds N [--set KEY=VALUE]...\n"
    "  nimbus plot SWEEP_DIR [--metric M] [--x KEY]\n"
    "  nimbus swarm SCENARIO --seeds N\n"
    "  nimbus viz RUN_DIR [--screenshot FILE --at TIME]\n"
    "  nimbus boot [--nodes N] [--out DIR]\n"
    "  nimbus fs ACTION IMAGE [PATH] [LOCALFILE] [--size SIZE]\n"
    "  nimbus kvd --db DIR --node N --port PATH --peer PATH | --dump | --get KEY\n"
    "  nimbus help [COMMAND]\n"
    "  nimbus --version\n"
    "\n"
    "Commands:\n"
    "  run     simulate a scenario; write its event trace, pcap and metrics\n"
    "  check   validate scenario files without running them\n"
    "  check-run  check a finished run's invariants (pids, ends, moves, messages)\n"
    "  check-history  check a run's atomic actions: serializable, no aborted write seen\n"
    "  sweep   run a scenario over a grid of key values x seeds; summarise\n"
    "  plot    draw a sweep's figures (PDF, SVG, PNG) with 95% confidence intervals\n"
    "  swarm   run a scenario under random faults per seed; check every run\n"
    "  viz     watch a finished run: load, processes, migrations\n"
    "  boot    start a local cluster of x86 nodes under QEMU\n"
    "  fs      make, check, read and change store images (mkfs, fsck, ls, cat, put, ...)\n"
    "  kvd     serve the key-value store of QEMU nodes from the host, in LMDB\n"
    "  help    show this help, or a command's\n"
    "\n"
    "Run 'nimbus COMMAND --help' for a command's options. Scenario files are\n"
    "described in docs/scenarios.md.\n"
    "Exit status: 0 success, 1 bad usage or scenario, 2 the run failed.\n";

static const struct cli_command *const commands[] = {&cli_run,   &cli_check, &cli_check_run, &cli_check_history, &cli_sweep,
                                                      &cli_plot,  &cli_swarm, &cli_viz,       &cli_boot,
                                                      &cli_fs,    &cli_kvd};

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

int cli_operands(const char *command, const char *usage, const char *what, int argc, char **argv,
                 const char **operands, int *count)
{
    static const struct args_option help_only[] = {{"help", 'h', NULL, 0}};
    struct args p;
    args_init(&p, command, help_only, 1, argc, argv);
    const char *v;
    *count = 0;
    for (int id; (id = args_next(&p, &v)) != ARGS_END;) {
        if (id == ARGS_ERROR)
            return CLI_EXIT_USAGE;
        if (id != ARGS_OPERAND) {
            fputs(usage, stdout);
            return -1;
        }
        operands[(*count)++] = v;
    }
    if (*count == 0)
        return args_usage_error(command, "no %s given", what);
    return 0;
}

static int unknown_command(const char *name)
{
    const char *names[sizeof commands / sizeof commands[0]];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        names[i] = commands[i]->name;
    const char *near = args_closest(name, names, sizeof names / sizeof names[0]);
    fprintf(stderr, "nimbus: unknown command '%s'", name);
    if (near != NULL)
        fprintf(stderr, " (did you mean '%s'?)", near);
    fputs("\nTry 'nimbus --help'.\n", stderr);
    return CLI_EXIT_USAGE;
}

static int help(int argc, char **argv)
{
    if (argc == 0) {
        fputs(usage_main, stdout);
        return CLI_EXIT_OK;
    }
    const struct cli_command *c = find_command(argv[0]);
    if (c == NULL)
        return unknown_command(argv[0]);
    fputs(c->usage, stdout);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    const struct cli_command *c = find_command(name);
    if (c != NULL)
        return c->main(argc - 2, argv + 2);
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 || strcmp(name, "version") == 0) {
        printf("nimbus %s (commit %s, %s build)\n", build_info_version(), build_info_commit(), build_info_type());
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "help") == 0)
        return help(argc - 2, argv + 2);
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0)
        return help(0, NULL);
    if (name[0] == '-') {
        fprintf(stderr, "nimbus: unknown option '%s'\nTry 'nimbus --help'.\n", name);
        return CLI_EXIT_USAGE;
    }
    return unknown_command(name);
}
