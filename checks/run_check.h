/*
 * run_check.h - invariant checks over a finished run's trace.jsonl
 * (docs/trace.md), for any run: `nimbus check-run RUN`, and the swarm's
 * check after every run.
 *
 * What must hold (docs/architecture.md, "What a run guarantees"):
 *   - a pid names one process for the whole run: spawned once, on the
 *     node its pid names;
 *   - a process ends once (exit; a fault is followed by the exit it
 *     causes), or is lost with the node it was
 *     on; nothing of it happens after its end; at a run that ended with
 *     every process exited, each spawned process has ended or was lost;
 *   - a process runs at one place: its sends, exits and faults come from
 *     the node it lives on (where it was born, or installed by a move),
 *     and a move ends once (done or abort) and installs only after done;
 *   - no message is delivered more often than it was sent, per sender
 *     and receiver;
 *   - a send that returned 0 (send_result) was delivered exactly once
 *     between its send line and its result;
 *   - a parent is told a child was lost (child_lost) at most once, only
 *     of its own child, on the node where it runs, and only of a child
 *     that was lost (or whose exit was lost with the node it ended on);
 *     a parent still running at the end was told of every child lost
 *     more than RUN_CHECK_CHILD_LOST_NOTICE_NS (45 s) before;
 *   - every write a node's store acknowledged survives its crashes: a
 *     store mounted after a restart holds the newest commit the node
 *     reported durable (durability.h);
 *   - no kernel's KASSERT failed (an "assert" line).
 * The reader skips events and fields it does not know; a malformed line
 * is reported like a violation.
 */
#ifndef CHECKS_RUN_CHECK_H
#define CHECKS_RUN_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Violations printed in full; the rest are only counted. */
#define RUN_CHECK_MAX_SHOWN 20u

struct run_check_result {
    uint64_t lines;
    uint64_t processes;
    uint64_t messages_sent, messages_delivered;
    uint64_t violations;
    char end[32]; /* the "end" line's reason ("?" without one); "" when there is no end line */
};

/* Check the trace read from `trace` (named `name` in messages). Each
 * violation up to RUN_CHECK_MAX_SHOWN goes to `report` as one line,
 * "<name>:<line>: <what>". Returns 0, or -1 when the file could not be
 * read (message on `report`). */
int run_check_trace(FILE *trace, const char *name, FILE *report, struct run_check_result *out);

#endif
