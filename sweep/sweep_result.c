/*
 * sweep_result.c - see sweep_result.h.
 */
#include "sweep_result.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/files.h"
#include "host/text_buf.h"

#define SWEEP_MAX_EXACT 9007199254740992.0 /* 2^53: doubles hold integers exactly up to here */
#define SWEEP_RESULT_MAX_BYTES (64u << 20) /* a metrics.json larger than this is not one of ours */

const struct sweep_metric_field sweep_metric_fields[SWEEP_METRIC_COUNT] = {
    [SWEEP_SIM_TIME] = {"sim_time_ns", "sim_time_ns", "simulated time", "ms", 1e-6},
    [SWEEP_MAKESPAN] = {"makespan_ns", "research.makespan_ns", "makespan", "ms", 1e-6},
    [SWEEP_LOWER_BOUND] = {"lower_bound_ns", "research.lower_bound_ns", "lower bound", "ms", 1e-6},
    [SWEEP_RATIO_MILLI] = {"ratio_milli", "research.makespan_over_bound_milli", "makespan / lower bound", "x",
                           1e-3},
    [SWEEP_RESPONSE_MEAN] = {"response_mean_ns", "research.response_ns.mean", "mean response", "ms", 1e-6},
    [SWEEP_RESPONSE_P50] = {"response_p50_ns", "research.response_ns.p50", "median response", "ms", 1e-6},
    [SWEEP_RESPONSE_P95] = {"response_p95_ns", "research.response_ns.p95", "p95 response", "ms", 1e-6},
    [SWEEP_RESPONSE_P99] = {"response_p99_ns", "research.response_ns.p99", "p99 response", "ms", 1e-6},
    [SWEEP_MIGRATIONS] = {"migrations", "research.migrations", "migrations", "count", 1.0},
    [SWEEP_BYTES_MOVED] = {"bytes_moved", "research.bytes_moved", "bytes moved", "KiB", 1.0 / 1024.0},
    [SWEEP_FREEZE_MIN] = {"freeze_min_us", "research.freeze_us.min", "shortest freeze", "us", 1.0},
    [SWEEP_FREEZE_MEDIAN] = {"freeze_median_us", "research.freeze_us.median", "median freeze", "us", 1.0},
    [SWEEP_FREEZE_MAX] = {"freeze_max_us", "research.freeze_us.max", "longest freeze", "us", 1.0},
    [SWEEP_IMBALANCE_CV] = {"imbalance_mean_cv_milli", "research.imbalance.mean_cv_milli",
                            "mean load imbalance (CV)", "CV", 1e-3},
};

int sweep_metric_find(const char *column)
{
    for (int m = 0; m < SWEEP_METRIC_COUNT; m++)
        if (strcmp(sweep_metric_fields[m].column, column) == 0)
            return m;
    return -1;
}

/* The member at a dotted path such as "research.response_ns.p95". */
static const cJSON *lookup(const cJSON *root, const char *path)
{
    const cJSON *at = root;
    char key[64];
    while (at != NULL && *path != '\0') {
        size_t len = strcspn(path, ".");
        if (len >= sizeof key)
            return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        at = cJSON_IsObject(at) ? cJSON_GetObjectItemCaseSensitive(at, key) : NULL;
        path += len + (path[len] == '.');
    }
    return at;
}

static void read_figure(const cJSON *root, enum sweep_metric m, struct sweep_result *r)
{
    const cJSON *item = lookup(root, sweep_metric_fields[m].json_path);
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) || item->valuedouble < 0)
        return;
    r->has[m] = true;
    r->value[m] = item->valuedouble;
}

static void read_string(const cJSON *root, const char *key, char out[SWEEP_END_BYTES])
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
    if (cJSON_IsString(item))
        snprintf(out, SWEEP_END_BYTES, "%s", item->valuestring);
}

int sweep_result_parse(const char *text, struct sweep_result *r)
{
    memset(r, 0, sizeof *r);
    cJSON *root = cJSON_Parse(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return -1;
    }
    r->read = true;
    read_string(root, "end", r->end);
    read_string(root, "balancer", r->balancer);
    read_string(root, "migration", r->migration);
    const cJSON *failed = cJSON_GetObjectItemCaseSensitive(root, "failed");
    r->failed = cJSON_IsNumber(failed) && failed->valuedouble != 0;
    for (int m = 0; m < SWEEP_METRIC_COUNT; m++)
        read_figure(root, (enum sweep_metric)m, r);
    cJSON_Delete(root);
    return 0;
}

int sweep_result_read(const char *path, struct sweep_result *r)
{
    memset(r, 0, sizeof *r);
    size_t len;
    char *text = files_read_text(path, SWEEP_RESULT_MAX_BYTES, &len);
    if (text == NULL)
        return -1;
    int rc = sweep_result_parse(text, r);
    free(text);
    return rc;
}

static bool whole(const struct sweep_result *r, enum sweep_metric m, uint64_t *out)
{
    double v = r->value[m];
    if (!r->has[m] || v > SWEEP_MAX_EXACT || v != (double)(uint64_t)v)
        return false;
    *out = (uint64_t)v;
    return true;
}

bool sweep_result_ratio_milli(const struct sweep_result *r, uint64_t *ratio_milli)
{
    uint64_t span, bound;
    if (!whole(r, SWEEP_LOWER_BOUND, &bound) || bound == 0)
        return false;
    if (whole(r, SWEEP_RATIO_MILLI, ratio_milli))
        return true;
    if (!whole(r, SWEEP_MAKESPAN, &span))
        return false;
    /* Both are below 2^53, so rem * 1000 fits in 64 bits. */
    *ratio_milli = span / bound * 1000u + span % bound * 1000u / bound;
    return true;
}
