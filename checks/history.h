/*
 * history.h - `nimbus check-history RUN`: is the history of atomic
 * actions in a run's trace serializable, and did no aborted action's
 * write become visible? The events it reads (docs/history.md):
 *
 *   action_begin   action, parent (absent for a top-level action)
 *   action_read    action, object, writer + wseq of the version read
 *                  (writer absent: the object's first version)
 *   action_write   action, object, wseq (1, 2... per action and object)
 *   action_commit  action (a nested one commits into its parent)
 *   action_abort   action
 *   object_install node, object, writer, wseq: on a node holding the
 *                  object, the version became current (in this order)
 *
 * A top-level action is the unit of serializability; its nested actions'
 * reads and writes count as its own unless they, or an action between
 * them and it, aborted. What is checked, with Adya's names:
 *   G1a  a committed action read a version of an action that aborted (or
 *        never finished);
 *   G1b  a committed action read a version that was not the writer's last
 *        write of that object;
 *   G0, G1c, G2  cycles in the serialization graph (dep_graph.h);
 * and, as plain violations: an action both committed and aborted, events
 * of unknown or ended actions, a commit with nested actions running, an
 * installed version that is not a committed action's last write, a
 * committed write no node installed, replicas that installed versions in
 * different orders.
 */
#ifndef CHECKS_HISTORY_H
#define CHECKS_HISTORY_H

#include <stdint.h>
#include <stdio.h>

/* Findings printed in full; the rest are only counted. */
#define HISTORY_MAX_SHOWN 20u

struct history_result {
    uint64_t lines;
    uint64_t actions, committed, aborted; /* top-level actions */
    uint64_t objects;
    uint64_t anomalies;  /* G0, G1a, G1b, G1c and G2 found */
    uint64_t violations; /* everything else that is wrong */
};

/* Check the history in `trace` (named `name` in messages); findings up to
 * HISTORY_MAX_SHOWN go to `report`, one a line. Returns 0, or -1 when the
 * file could not be read (message on `report`). */
int history_check_trace(FILE *trace, const char *name, FILE *report, struct history_result *out);

#endif
