/*
 * sweep_stats.h - the statistics of a sweep's summary: mean, sample
 * standard deviation and the 95% confidence interval of the mean
 * (Student's t with n - 1 degrees of freedom), over one combination's
 * seeds, or over paired differences (the same seed under two values of
 * one key, every other key equal).
 */
#ifndef SWEEP_SWEEP_STATS_H
#define SWEEP_SWEEP_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct sweep_stats {
    size_t n;
    double mean;
    double sd;      /* sample standard deviation (n - 1); 0 when n < 2 */
    double ci_half; /* the 95% interval is mean +- ci_half; 0 when n < 2 */
};

/* Student's t for a two-sided 95% interval with `df` degrees of freedom
 * (df >= 1): the exact table value up to 30, beyond it the value of the
 * next smaller tabulated df (40, 60, 120), so the interval errs wide. */
double sweep_t95(size_t df);

/* The statistics of values[0..n-1]. */
void sweep_stats_of(const double *values, size_t n, struct sweep_stats *out);

/* Whether the interval excludes 0 (a difference the seeds support). */
bool sweep_stats_significant(const struct sweep_stats *s);

#endif
