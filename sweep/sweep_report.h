/*
 * sweep_report.h - what `nimbus sweep` writes once every cell has run:
 *   sweep.csv      one row per cell: provenance, the swept keys' values,
 *                  the seed, the outcome, every figure, the command that
 *                  reruns it;
 *   summary.csv    per combination and figure: runs, mean, sd, 95% CI
 *                  (what `nimbus plot` draws);
 *   paired.csv     per key, value and figure: the paired differences
 *                  from the key's first value over the same seeds;
 *   summary.txt    the summary as printed on stdout.
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

#include "sweep_grid.h"
#include "sweep_result.h"

#define SWEEP_PROBLEM_BYTES 512u

/* One run of the grid. */
struct sweep_cell {
    size_t combo; /* its combination (sweep_grid.h) */
    uint64_t seed;
    bool ran;                          /* a child ran it (not: interrupted, or fork failed) */
    bool ok;                           /* it finished as the scenario asks, metrics read */
    char problem[SWEEP_PROBLEM_BYTES]; /* why not, when !ok */
    struct sweep_result result;
};

/* What the reports say about the sweep as a whole. */
struct sweep_info {
    const char *scenario_path; /* as given */
    const char *scenario_name;
    const struct sweep_grid *grid;
    const char *const *combo_sha256; /* per combination: its scenario text's */
    const char *const *set_specs;    /* the --set overrides, as typed */
    size_t set_count;
    size_t seed_count; /* cells are combo-major: cell = combo * seed_count + seed index */
    const int *metrics; /* the figures the printed summary shows (enum sweep_metric) */
    size_t metric_count;
};

/* "nimbus run SCENARIO --seed S --set ..." that reruns the cell into
 * runs/<name>, with byte-identical trace, pcap and metrics (free it). */
char *sweep_reproduce_command(const struct sweep_info *info, size_t combo, uint64_t seed);

/* The files; 0, or -1 with errno set. */
int sweep_report_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells);
int sweep_report_summary_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells);
int sweep_report_paired_csv(const char *path, const struct sweep_info *info, const struct sweep_cell *cells);

/* The summary: provenance, a table per figure (mean, sd, 95% CI per
 * combination), the paired differences per key, and the reproduce
 * commands; at most 100 columns wide but for the commands. */
void sweep_report_summary(FILE *f, const struct sweep_info *info, const struct sweep_cell *cells);

/* A figure as sweep.csv writes it: whole numbers exactly, others with
 * three decimals. buf holds at least 32 bytes. */
void sweep_format_figure(double v, char *buf, size_t bytes);

#endif
