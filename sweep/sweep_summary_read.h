/*
 * sweep_summary_read.h - a sweep's summary.csv read back (the file
 * sweep_report.h writes): the grid of keys and values, and each
 * combination's statistics of one figure. `nimbus plot` draws from it.
 */
#ifndef SWEEP_SWEEP_SUMMARY_READ_H
#define SWEEP_SWEEP_SUMMARY_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep_grid.h"
#include "sweep_stats.h"

#define SWEEP_READ_ERROR_BYTES 512u

struct sweep_summary {
    struct sweep_grid grid;     /* values in the order the file lists them */
    size_t runs;                /* seeds per combination */
    struct sweep_stats *stats;  /* per combination (grid order), of the figure */
    bool *present;              /* whether the file has a row for it */
};

/* Read `path` and keep the rows of figure `metric` (a sweep.csv column
 * name). 0, or -1 with "<path>:<line>: <reason>" (or a reason about the
 * metric) in err. */
int sweep_summary_read(const char *path, const char *metric, struct sweep_summary *out, char *err,
                       size_t err_bytes);
void sweep_summary_free(struct sweep_summary *s);

#endif
