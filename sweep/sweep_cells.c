/* sweep_cells.c - see sweep_cells.h. */
#include "sweep_cells.h"

#include <stdlib.h>

#include "host/xalloc.h"

bool sweep_cell_figure(const struct sweep_cell *c, int m, double *v)
{
    if (!c->ok)
        return false;
    if (m == SWEEP_RATIO_MILLI) {
        uint64_t ratio;
        if (!sweep_result_ratio_milli(&c->result, &ratio))
            return false;
        *v = (double)ratio * sweep_metric_fields[m].scale;
        return true;
    }
    if (!c->result.has[m])
        return false;
    *v = c->result.value[m] * sweep_metric_fields[m].scale;
    return true;
}

void sweep_combo_stats(const struct sweep_info *info, const struct sweep_cell *cells, size_t combo, int m,
                        struct sweep_stats *s)
{
    double *v = xcalloc(info->seed_count, sizeof v[0]);
    size_t n = 0;
    for (size_t i = 0; i < info->seed_count; i++)
        n += sweep_cell_figure(&cells[combo * info->seed_count + i], m, &v[n]);
    sweep_stats_of(v, n, s);
    free(v);
}

/* The combination with key k at its first value, the others as in combo. */
static size_t baseline_of(const struct sweep_grid *g, size_t combo, size_t k)
{
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(g, combo, vi);
    vi[k] = 0;
    return sweep_grid_combo_of(g, vi);
}

void sweep_paired_stats(const struct sweep_info *info, const struct sweep_cell *cells, size_t k, size_t combo,
                         int m, struct sweep_stats *s)
{
    size_t base = baseline_of(info->grid, combo, k);
    double *d = xcalloc(info->seed_count, sizeof d[0]);
    size_t n = 0;
    for (size_t i = 0; i < info->seed_count; i++) {
        double x, y;
        if (sweep_cell_figure(&cells[combo * info->seed_count + i], m, &x) &&
            sweep_cell_figure(&cells[base * info->seed_count + i], m, &y))
            d[n++] = x - y;
    }
    sweep_stats_of(d, n, s);
    free(d);
}

size_t sweep_combo_ok(const struct sweep_info *info, const struct sweep_cell *cells, size_t combo)
{
    size_t ok = 0;
    for (size_t i = 0; i < info->seed_count; i++)
        ok += cells[combo * info->seed_count + i].ok;
    return ok;
}

