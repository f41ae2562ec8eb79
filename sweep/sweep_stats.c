/* sweep_stats.c - see sweep_stats.h. */
#include "sweep_stats.h"

#include <math.h>

/* t(0.975, df) for df = 1 .. 30 (any statistics textbook's table). */
static const double t95_table[30] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double sweep_t95(size_t df)
{
    if (df >= 1 && df <= 30)
        return t95_table[df - 1];
    if (df < 40)
        return 2.042;
    if (df < 60)
        return 2.021;
    if (df < 120)
        return 2.000;
    return 1.980;
}

void sweep_stats_of(const double *values, size_t n, struct sweep_stats *out)
{
    *out = (struct sweep_stats){.n = n};
    if (n == 0)
        return;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    out->mean = sum / (double)n;
    if (n < 2)
        return;
    double squares = 0;
    for (size_t i = 0; i < n; i++)
        squares += (values[i] - out->mean) * (values[i] - out->mean);
    out->sd = sqrt(squares / (double)(n - 1));
    out->ci_half = sweep_t95(n - 1) * out->sd / sqrt((double)n);
}

bool sweep_stats_significant(const struct sweep_stats *s)
{
    return s->n >= 2 && (s->mean - s->ci_half > 0 || s->mean + s->ci_half < 0);
}
