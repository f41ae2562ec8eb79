/*
 * sweep_result.h - the figures `nimbus sweep` takes from one run's
 * metrics.json (docs/metrics.md).
 *
 * The reader is tolerant: a figure the file does not have (an older
 * simulator, a run without the research metrics) is marked missing, never
 * guessed, and the sweep shows it as an empty cell.
 */
#ifndef SWEEP_SWEEP_RESULT_H
#define SWEEP_SWEEP_RESULT_H

#include <stdbool.h>
#include <stdint.h>

/* The figures, in sweep.csv column order. */
enum sweep_metric {
    SWEEP_SIM_TIME,
    SWEEP_MAKESPAN,
    SWEEP_LOWER_BOUND,
    SWEEP_RATIO_MILLI, /* makespan / lower bound, thousandths */
    SWEEP_RESPONSE_MEAN,
    SWEEP_RESPONSE_P50,
    SWEEP_RESPONSE_P95,
    SWEEP_RESPONSE_P99,
    SWEEP_MIGRATIONS,
    SWEEP_BYTES_MOVED,
    SWEEP_FREEZE_MIN,
    SWEEP_FREEZE_MEDIAN,
    SWEEP_FREEZE_MAX,
    SWEEP_IMBALANCE_CV,
    SWEEP_METRIC_COUNT
};

struct sweep_metric_field {
    const char *column;    /* in sweep.csv: "makespan_ns" */
    const char *json_path; /* in metrics.json: "research.makespan_ns" */
    const char *title;     /* in the summary and on plots: "makespan" */
    const char *unit;      /* what the summary shows it in: "ms" */
    double scale;          /* from the column's unit to that one */
};

extern const struct sweep_metric_field sweep_metric_fields[SWEEP_METRIC_COUNT];

#define SWEEP_END_BYTES 32u

struct sweep_result {
    bool read;                 /* metrics.json was read and parsed */
    char end[SWEEP_END_BYTES]; /* its "end", "" if absent */
    char balancer[SWEEP_END_BYTES];  /* its "balancer" and "migration" */
    char migration[SWEEP_END_BYTES]; /* (policy and mode), "" if absent */
    bool failed;               /* its "failed" was 1 */
    bool has[SWEEP_METRIC_COUNT];
    double value[SWEEP_METRIC_COUNT]; /* non-negative, when has[] */
};

/* The metric whose sweep.csv column is `column`, or -1. */
int sweep_metric_find(const char *column);

/* Parse a metrics.json text; 0, or -1 (r->read false) when it is not a
 * JSON object. Missing or non-numeric figures are left out. */
int sweep_result_parse(const char *text, struct sweep_result *r);
/* Read and parse the file; -1 when it cannot be read or parsed. */
int sweep_result_read(const char *path, struct sweep_result *r);

/* makespan / lower bound in thousandths: metrics.json's figure, or else
 * computed from the two as it does (rounded down); false when it cannot
 * be known or the lower bound is 0 (no jobs: no ratio). */
bool sweep_result_ratio_milli(const struct sweep_result *r, uint64_t *ratio_milli);

#endif
