/*
 * check_history.c - `nimbus check-history RUN...`: are the atomic actions
 * in each run's trace serializable, and did no aborted write become
 * visible (checks/history.h, docs/history.md)?
 */
#include <stdio.h>

#include "checks/history.h"
#include "cli.h"

static const char check_history_usage[] =
    "Usage: nimbus check-history RUN...\n"
    "\n"
    "Check the history of atomic actions in RUN/trace.jsonl (RUN is an\n"
    "output directory of 'nimbus run', or a trace file), as docs/history.md\n"
    "describes:\n"
    "  - committed actions are serializable: no cycle in their serialization\n"
    "    graph (Adya's G0 write cycle, G1c circular information flow,\n"
    "    G2 anti-dependency cycle);\n"
    "  - no committed action read an aborted or unfinished write (G1a) or a\n"
    "    version its writer overwrote before it ended (G1b);\n"
    "  - every committed write was installed, replicas installed versions in\n"
    "    one order, and no aborted or intermediate write was installed.\n"
    "Prints each finding as FILE:LINE: what (a cycle as FILE: what), then one\n"
    "line per run.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 every history is clean, 1 bad usage or an unreadable run,\n"
    "2 an anomaly or a violation.\n";

static int check_trace(FILE *f, const char *path)
{
    struct history_result r;
    if (history_check_trace(f, path, stdout, &r) < 0)
        return CLI_EXIT_USAGE;
    uint64_t found = r.anomalies + r.violations;
    if (found > HISTORY_MAX_SHOWN)
        printf("%s: %llu more findings not shown\n", path, (unsigned long long)(found - HISTORY_MAX_SHOWN));
    printf("%s: %s: %llu actions (%llu committed, %llu aborted), %llu objects, %llu anomalies, %llu "
           "violations\n",
           path, found ? "FAILED" : "ok", (unsigned long long)r.actions, (unsigned long long)r.committed,
           (unsigned long long)r.aborted, (unsigned long long)r.objects, (unsigned long long)r.anomalies,
           (unsigned long long)r.violations);
    return found ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int check_history_main(int argc, char **argv)
{
    return cli_check_traces("check-history", check_history_usage, argc, argv, check_trace);
}

const struct cli_command cli_check_history = {
    .name = "check-history",
    .usage = check_history_usage,
    .main = check_history_main,
};
