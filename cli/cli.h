/*
 * cli.h - the `nimbus` command: one entry point per subcommand, each in
 * its own file (run.c, check.c, check_run.c, check_history.c, sweep.c, swarm.c, viz.c,
 * boot.c, fs.c, kvd.c) and each a thin layer over a library (hal-sim, checks,
 * sweep, swarm, viz, hal-x86/launcher, core/store). Nothing
 * outside cli/ calls into it.
 *
 * Every entry point takes the arguments after the subcommand's name and
 * returns the process exit status: 0 success, 1 bad usage or input, 2 the
 * work failed (boot adds its own, see its usage).
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_USAGE = 1, CLI_EXIT_FAILED = 2 };

struct cli_command {
    const char *name;
    const char *usage;   /* the text of `nimbus NAME --help` */
    int (*main)(int argc, char **argv);
};

extern const struct cli_command cli_run, cli_check, cli_check_run, cli_check_history, cli_sweep, cli_plot, cli_swarm, cli_viz, cli_boot,
    cli_fs, cli_kvd;

/* For a command that takes only operands (and --help): the operands into
 * `operands` (room for argc) and their number, at least one, into *count.
 * 0 to go on, -1 after the usage was shown, or the usage exit status after
 * a message (none given: "no <what> given"). */
int cli_operands(const char *command, const char *usage, const char *what, int argc, char **argv,
                 const char **operands, int *count);

/* A run given on the command line as its trace: RUN/trace.jsonl for a
 * directory, else RUN itself (check-run, check-history). */
void cli_trace_path(const char *run, char *buf, size_t bytes);

/* Check one open trace (named `path`); returns an exit status. */
typedef int cli_trace_check_fn(FILE *trace, const char *path);
/* `nimbus COMMAND RUN...`: check each run's trace; the worst status. */
int cli_check_traces(const char *command, const char *usage, int argc, char **argv, cli_trace_check_fn *check);

#endif
