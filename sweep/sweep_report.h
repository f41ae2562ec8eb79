/*
 * sweep_report.h - what `nimbus sweep` writes once every cell has run:
 * sweep.csv, one row per cell, and a table on stdout, one row per policy.
 *
 * Both come out in grid order (policies as given, then seeds as given)
 * and depend only on the cells' metrics, never on how many ran at once or
 * which finished first.
 */
#ifndef SWEEP_SWEEP_REPORT_H
#define SWEEP_SWEEP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep_result.h"

#define SWEEP_PROBLEM_BYTES 512u

/* One run of the grid. */
struct sweep_cell {
    const char *policy;
    size_t policy_index; /* position in --policies */
    uint64_t seed;
    bool ran;                          /* a child ran it (not: interrupted, or fork failed) */
    bool ok;                           /* it finished as the scenario asks, metrics read */
    char problem[SWEEP_PROBLEM_BYTES]; /* why not, when !ok */
    struct sweep_result result;
};

/* sweep.csv: a header and one row per cell; figures the cell's
 * metrics.json lacks are empty. 0, or -1 with errno set. */
int sweep_report_csv(const char *path, const struct sweep_cell *cells, size_t count);

/* The table: per policy, mean (min-max) over its successful runs of
 * makespan, ratio to the lower bound, p95 response, migrations, bytes
 * moved and median freeze; "-" where no run reported the figure.
 * Cells are grouped by policy_index, 0 to policy_count - 1. */
void sweep_report_table(FILE *f, const struct sweep_cell *cells, size_t count, size_t policy_count);

/* A figure as sweep.csv writes it: whole numbers exactly, others with
 * three decimals. buf holds at least 32 bytes. */
void sweep_format_figure(double v, char *buf, size_t bytes);

#endif
