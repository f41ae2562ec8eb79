/*
 * viz_export.h - `nimbus viz RUN --export-csv FILE`: the series the
 * pictures are drawn from, as CSV (docs/viz.md, "Exporting the series").
 */
#ifndef VIZ_EXPORT_H
#define VIZ_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "viz_run.h"

#define VIZ_CSV_HEADER "t_ns,node,up,run_queue,load_avg_milli,imbalance_milli"

/* Write one row per node and time at which the node's state, run queue
 * or load average changed (after every event at that time), in time
 * then node order, under VIZ_CSV_HEADER. 0, or -1 on a write error. */
int viz_export_csv(const struct viz_run *r, FILE *out);

#endif
