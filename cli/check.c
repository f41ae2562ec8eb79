/*
 * check.c - `nimbus check SCENARIO...`: validate scenario files with the
 * simulator's loader (hal-sim/scenario.h) without running them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hal-sim/scenario.h"
#include "host/args.h"
#include "host/xalloc.h"

static const char check_usage[] =
    "Usage: nimbus check SCENARIO...\n"
    "\n"
    "Validate each scenario file (see docs/scenarios.md) without running it.\n"
    "Prints \"<file>: ok\" for a good file and the first problem of a bad one,\n"
    "as \"<file>: <json path>: <problem>\".\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 every file is valid, 1 otherwise.\n";

static int check_main(int argc, char **argv)
{
    const char **files = xcalloc((size_t)argc + 1, sizeof files[0]);
    int count, parsed = cli_operands("check", check_usage, "scenario file", argc, argv, files, &count);
    int status = parsed;
    for (int i = 0; parsed == 0 && i < count; i++) {
        struct scenario s;
        char err[SCN_ERROR_BYTES];
        if (scenario_load(files[i], &s, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            status = CLI_EXIT_USAGE;
            continue;
        }
        printf("%s: ok\n", files[i]);
        scenario_free(&s);
    }
    free(files);
    return status < 0 ? CLI_EXIT_OK : status;
}

const struct cli_command cli_check = {
    .name = "check",
    .usage = check_usage,
    .main = check_main,
};
