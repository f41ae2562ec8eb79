/*
 * cli.h - the `nimbus` command: one entry point per subcommand, each in
 * its own file (run.c, check.c, check_run.c, sweep.c, viz.c, boot.c) and
 * each a thin layer over a library (hal-sim, checks, sweep, viz,
 * hal-x86/launcher). Nothing
 * outside cli/ calls into it.
 *
 * Every entry point takes the arguments after the subcommand's name and
 * returns the process exit status: 0 success, 1 bad usage or input, 2 the
 * work failed (boot adds its own, see its usage).
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_USAGE = 1, CLI_EXIT_FAILED = 2 };

struct cli_command {
    const char *name;
    const char *usage;   /* the text of `nimbus NAME --help` */
    int (*main)(int argc, char **argv);
};

extern const struct cli_command cli_run, cli_check, cli_check_run, cli_sweep, cli_viz, cli_boot;

/* "-h" or "--help". */
bool cli_is_help(const char *arg);
/* Print "nimbus CMD: <fmt with arg>" and a "Try --help" line on stderr
 * (cmd "" for the top level); returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);

#endif
