/*
 * sweep_summary.h - the summary `nimbus sweep` prints (and keeps in
 * summary.txt): what ran and which nimbus ran it; per figure shown, a
 * table with one row per combination (successful runs, mean, sd, 95%
 * confidence interval); per key with two values or more, the paired
 * differences from its first value; and the reproduce commands. Tables
 * are at most 100 columns wide unless keys or values are long; the
 * commands are as long as they are.
 */
#ifndef SWEEP_SWEEP_SUMMARY_H
#define SWEEP_SWEEP_SUMMARY_H

#include <stdio.h>

#include "sweep_cells.h"

void sweep_summary_print(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells);

#endif
