/*
 * research_stats.h - the statistics behind the research metrics, in
 * integers only: square roots, means, percentiles and the coefficient of
 * variation. No floating point, so every figure is the same on every
 * machine and at every optimisation level (docs/metrics.md).
 */
#ifndef SIM_RESEARCH_STATS_H
#define SIM_RESEARCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* floor(sqrt(v)), exact for every 64-bit v. */
uint64_t stats_isqrt(uint64_t v);

/* floor(1000 * sqrt(v)), exact for every 64-bit v. */
uint64_t stats_sqrt_milli(uint64_t v);

/* floor(sum of values[0..n) / n), exact without overflow; 0 when n is 0. */
uint64_t stats_mean(const uint64_t *values, size_t n);

/* Sort ascending (in place). */
void stats_sort(uint64_t *values, size_t n);

/* The nearest-rank percentile of sorted values: the smallest value such
 * that at least `percent` % of the values are at most it, i.e.
 * sorted[ceil(percent * n / 100) - 1] (the first value for percent 0).
 * 0 when n is 0. percent is 0 to 100. */
uint64_t stats_percentile(const uint64_t *sorted, size_t n, uint32_t percent);

/* The coefficient of variation (population standard deviation / mean) in
 * thousandths, rounded down, of n values given as their sum and the sum
 * of their squares: floor(1000 * sqrt(n * sum_sq - sum^2) / sum). 0 when
 * n or sum is 0. n * sum_sq must fit in 64 bits (it does for 65535
 * values of at most 65535 each). */
uint64_t stats_cv_milli(uint64_t n, uint64_t sum, uint64_t sum_sq);

/* ceil(a / b) for b > 0, without overflow. */
uint64_t stats_div_ceil(uint64_t a, uint64_t b);

#endif
