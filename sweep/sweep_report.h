/*
 * sweep_report.h - what `nimbus sweep` writes once every cell has run:
 *   sweep.csv      one row per cell: provenance, the swept keys' values,
 *                  the seed, the outcome, every figure, the command that
 *                  reruns it;
 *   summary.csv    per combination and figure: runs, mean, sd, 95% CI
 *                  (what `nimbus plot` draws);
 *   paired.csv     per key, value and figure: the paired differences
 *                  from the key's first value over the same seeds.
 * (summary.txt, the printed summary, is sweep_summary.h's.)
 *
 * Everything comes out in grid order and depends only on the cells'
 * metrics, never on how many ran at once or which finished first.
 */
#ifndef SWEEP_SWEEP_REPORT_H
#define SWEEP_SWEEP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep_cells.h"

/* The files; 0, or -1 with errno set. */
int sweep_report_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells);
int sweep_report_summary_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells);
int sweep_report_paired_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells);

/* A figure as sweep.csv writes it: whole numbers exactly, others with
 * three decimals. buf holds at least 32 bytes. */
void sweep_format_figure(double v, char *buf, size_t bytes);

#endif
