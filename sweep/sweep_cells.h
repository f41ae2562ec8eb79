/*
 * sweep_cells.h - the runs of a sweep and their figures: one cell per
 * combination and seed, what the reports know about the sweep, and the
 * statistics over a combination's seeds or over paired seeds.
 */
#ifndef SWEEP_SWEEP_CELLS_H
#define SWEEP_SWEEP_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sweep_grid.h"
#include "sweep_result.h"
#include "sweep_stats.h"

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

/* A successful cell's figure m (enum sweep_metric) in the summary's unit
 * (sweep_metric_fields[m].unit); false when it failed or lacks it. */
bool sweep_cell_figure(const struct sweep_cell *c, int m, double *v);
/* Figure m over the combination's successful seeds. */
void sweep_combo_stats(const struct sweep_info *info, const struct sweep_cell *cells, size_t combo, int m,
                       struct sweep_stats *s);
/* Figure m of `combo` minus that of the combination with key k at its
 * first value (every other key equal), seed by seed, over the seeds
 * where both succeeded. */
void sweep_paired_stats(const struct sweep_info *info, const struct sweep_cell *cells, size_t k, size_t combo,
                        int m, struct sweep_stats *s);
/* How many of the combination's runs succeeded. */
size_t sweep_combo_ok(const struct sweep_info *info, const struct sweep_cell *cells, size_t combo);

#endif
