/*
 * check_traces.c - what the commands that check finished runs share
 * (check-run, check-history): operands that name runs, each opened as its
 * trace, and the worst status of all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "host/xalloc.h"

void cli_trace_path(const char *run, char *buf, size_t bytes)
{
    struct stat st;
    if (stat(run, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(buf, bytes, "%s/trace.jsonl", run);
    else
        snprintf(buf, bytes, "%s", run);
}

static int check_one(const char *run, cli_trace_check_fn *check)
{
    char path[4200];
    cli_trace_path(run, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return CLI_EXIT_USAGE;
    }
    int status = check(f, path);
    fclose(f);
    return status;
}

int cli_check_traces(const char *command, const char *usage, int argc, char **argv, cli_trace_check_fn *check)
{
    const char **runs = xcalloc((size_t)argc + 1, sizeof runs[0]);
    int count, parsed = cli_operands(command, usage, "run", argc, argv, runs, &count);
    int status = parsed;
    for (int i = 0; parsed == 0 && i < count; i++) {
        int rc = check_one(runs[i], check);
        status = rc > status ? rc : status;
    }
    free(runs);
    return status < 0 ? CLI_EXIT_OK : status;
}
