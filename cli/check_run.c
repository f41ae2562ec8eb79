/*
 * check_run.c - `nimbus check-run RUN...`: check the invariants every
 * run must keep (checks/run_check.h) over each run's trace.jsonl.
 */
#include <stdio.h>

#include "checks/run_check.h"
#include "cli.h"
#include "host/args.h"

static const char check_run_usage[] =
    "Usage: nimbus check-run RUN...\n"
    "\n"
    "Check what every run must keep, over RUN/trace.jsonl (RUN is an output\n"
    "directory of 'nimbus run', or a trace file):\n"
    "  - a pid names one process, spawned once on the node its pid names;\n"
    "  - a process ends once, or is lost with its node, and nothing of it\n"
    "    happens after; at an end with every process exited, none is left;\n"
    "  - a process runs at one place: its sends and its end come from the\n"
    "    node it lives on; a move ends once and installs only after done;\n"
    "  - no message is delivered more often than it was sent.\n"
    "Prints each violation as FILE:LINE: what, then one line per run.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 every run keeps them, 1 bad usage or an unreadable run,\n"
    "2 a violation.\n";

static int check_trace(FILE *f, const char *path)
{
    struct run_check_result r;
    if (run_check_trace(f, path, stdout, &r) < 0)
        return CLI_EXIT_USAGE;
    if (r.violations > RUN_CHECK_MAX_SHOWN)
        printf("%s: %llu more violations not shown\n", path,
               (unsigned long long)(r.violations - RUN_CHECK_MAX_SHOWN));
    printf("%s: %s: %llu lines, %llu processes, %llu messages sent, %llu delivered, %llu violations\n", path,
           r.violations ? "FAILED" : "ok", (unsigned long long)r.lines, (unsigned long long)r.processes,
           (unsigned long long)r.messages_sent, (unsigned long long)r.messages_delivered,
           (unsigned long long)r.violations);
    return r.violations ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int check_run_main(int argc, char **argv)
{
    return cli_check_traces("check-run", check_run_usage, argc, argv, check_trace);
}

const struct cli_command cli_check_run = {
    .name = "check-run",
    .usage = check_run_usage,
    .main = check_run_main,
};
