/*
 * research_stats.c - see research_stats.h. Integer arithmetic only.
 */
#include "research_stats.h"

#include <stdlib.h>

uint64_t stats_isqrt(uint64_t v)
{
    /* Bit by bit from the top: r is the root so far, and r + bit is
     * tried against what is left of v. Never overflows. */
    uint64_t r = 0, bit = 1ull << 62;
    while (bit > v)
        bit >>= 2;
    while (bit != 0) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

uint64_t stats_sqrt_milli(uint64_t v)
{
    /* sqrt(v) = r + x with r = isqrt(v); the answer is 1000 r + f for
     * the largest f in [0, 999] with (1000 r + f)^2 <= 10^6 v, that is
     * 2000 r f + f^2 <= 10^6 (v - r^2). With r < 2^32 and v - r^2 <= 2r
     * both sides stay below 2^54. */
    uint64_t r = stats_isqrt(v), rest = v - r * r;
    uint64_t lo = 0, hi = 999;
    while (lo < hi) {
        uint64_t f = (lo + hi + 1) / 2;
        if (2000u * r * f + f * f <= 1000000u * rest)
            lo = f;
        else
            hi = f - 1;
    }
    return 1000u * r + lo;
}

uint64_t stats_mean(const uint64_t *values, size_t n)
{
    if (n == 0)
        return 0;
    /* Quotients and remainders summed apart: no overflow for any input. */
    uint64_t q = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        q += values[i] / n;
        r += values[i] % n;
        if (r >= n) {
            q++;
            r -= n;
        }
    }
    return q;
}

static int stats_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void stats_sort(uint64_t *values, size_t n)
{
    if (n > 1)
        qsort(values, n, sizeof *values, stats_compare);
}

uint64_t stats_percentile(const uint64_t *sorted, size_t n, uint32_t percent)
{
    if (n == 0)
        return 0;
    if (percent > 100)
        percent = 100;
    uint64_t rank = stats_div_ceil((uint64_t)n * percent, 100);
    return sorted[rank == 0 ? 0 : rank - 1];
}

uint64_t stats_cv_milli(uint64_t n, uint64_t sum, uint64_t sum_sq)
{
    if (n == 0 || sum == 0)
        return 0;
    /* n * variance * n = n * sum_sq - sum^2 >= 0 (Cauchy-Schwarz), and
     * stddev / mean = sqrt(that) / sum. */
    uint64_t spread = n * sum_sq - sum * sum;
    return stats_sqrt_milli(spread) / sum;
}

uint64_t stats_div_ceil(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}
