/*
 * check.c - `nimbus check SCENARIO...`: validate scenario files with the
 * simulator's loader (hal-sim/scenario.h) without running them.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hal-sim/scenario.h"

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
    int first = 0, files = 0;
    for (int i = 0; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(check_usage, stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--") == 0) {
            first = i + 1;
            break;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("check", "unknown option '%s'", argv[i]);
    }
    int status = CLI_EXIT_OK;
    for (int i = first; i < argc; i++) {
        if (first == 0 && strcmp(argv[i], "--") == 0)
            continue;
        struct scenario s;
        char err[SCN_ERROR_BYTES];
        files++;
        if (scenario_load(argv[i], &s, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            status = CLI_EXIT_USAGE;
            continue;
        }
        printf("%s: ok\n", argv[i]);
        scenario_free(&s);
    }
    if (files == 0)
        return cli_usage_error("check", "%s", "no scenario file given");
    return status;
}

const struct cli_command cli_check = {
    .name = "check",
    .usage = check_usage,
    .main = check_main,
};
