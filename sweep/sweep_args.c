/*
 * sweep_args.c - see sweep_args.h. Values are checked here only as far
 * as the command line goes (a key path, no value listed twice); the
 * scenario loader has the last word on them, and the sweep loads every
 * combination before it runs anything.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_args.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/names.h"
#include "hal/hal_trace.h"
#include "host/args.h"
#include "host/xalloc.h"

#define POLICY_KEY "balancer.policy"
#define GRID_LABEL_BYTES 512u

/* --grid's short names for keys people sweep often. */
static const char *key_alias(const char *key)
{
    return strcmp(key, "policy") == 0 ? POLICY_KEY : key;
}

/* The length of the first value of a comma-separated list: up to a comma
 * outside JSON strings, arrays and objects, so `[1,2]` stays one value. */
static size_t value_length(const char *p)
{
    size_t depth = 0;
    bool quoted = false;
    const char *q = p;
    for (; *q != '\0' && (quoted || depth > 0 || *q != ','); q++) {
        if (quoted && *q == '\\' && q[1] != '\0')
            q++;
        else if (*q == '"')
            quoted = !quoted;
        else if (!quoted && (*q == '[' || *q == '{'))
            depth++;
        else if (!quoted && (*q == ']' || *q == '}') && depth > 0)
            depth--;
    }
    return (size_t)(q - p);
}

/* One value of key k: its override, labelled "--grid KEY=VALUE". */
static int add_grid_value(struct sweep_args *a, size_t k, const char *value)
{
    struct sweep_grid *g = &a->grid;
    if (value[0] == '\0')
        return args_usage_error("sweep", "--grid %s: an empty value", g->key[k]);
    if (g->value_count[k] == SWEEP_MAX_VALUES)
        return args_usage_error("sweep", "--grid %s: more than %u values", g->key[k], SWEEP_MAX_VALUES);
    if (!sweep_grid_add_value(g, k, value))
        return args_usage_error("sweep", "--grid %s: value '%s' is listed twice", g->key[k], value);
    size_t i = g->value_count[k] - 1;
    a->grid_sets[k] = xrealloc(a->grid_sets[k], (i + 1) * sizeof a->grid_sets[k][0]);
    char label[GRID_LABEL_BYTES], err[SCN_ERROR_BYTES];
    snprintf(label, sizeof label, "--grid %s=%s", g->key[k], value);
    if (scenario_override_from_text(label, g->key[k], value, &a->grid_sets[k][i], err, sizeof err) < 0) {
        g->value_count[k]--; /* nothing to free for it */
        free(g->value[k][i]);
        return args_usage_error("sweep", "--grid: %s", err);
    }
    return 0;
}

static int add_grid_key(struct sweep_args *a, const char *key)
{
    if (strcmp(key, "seed") == 0)
        return args_usage_error("sweep", "--grid seed: the seeds are the sweep's own axis; use --seeds or "
                                         "--seed-list");
    if (sweep_grid_find_key(&a->grid, key) >= 0)
        return args_usage_error("sweep", "--grid %s: the key is swept twice (--policies sweeps %s)", key,
                                POLICY_KEY);
    if (!sweep_grid_add_key(&a->grid, key))
        return args_usage_error("sweep", "--grid %s: at most %u keys", key, SWEEP_MAX_KEYS);
    return 0;
}

/* "KEY=V1,V2,...". */
static int parse_grid(const char *spec, struct sweep_args *a)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec)
        return args_usage_error("sweep", "--grid: '%s' is not KEY=VALUE,VALUE,...", spec);
    char *key = xmalloc((size_t)(eq - spec) + 1);
    snprintf(key, (size_t)(eq - spec) + 1, "%s", spec);
    int rc = add_grid_key(a, key_alias(key));
    free(key);
    size_t k = a->grid.key_count - 1;
    for (const char *p = eq + 1; rc == 0; p++) {
        size_t len = value_length(p);
        char *value = xmalloc(len + 1);
        memcpy(value, p, len);
        value[len] = '\0';
        rc = add_grid_value(a, k, value);
        free(value);
        p += len;
        if (*p == '\0')
            break;
    }
    return rc;
}

/* --policies LIST: --grid balancer.policy=LIST, the names checked now. */
static int parse_policies(const char *list, struct sweep_args *a)
{
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        if (balance_policy_find(p, len) < 0)
            return args_usage_error("sweep", "unknown policy '%.*s' (expected none, random, offer, two-choices "
                                             "or mosix)",
                                    (int)len, p);
        p += len;
        if (*p == '\0')
            break;
    }
    char spec[GRID_LABEL_BYTES];
    if (snprintf(spec, sizeof spec, "%s=%s", POLICY_KEY, list) >= (int)sizeof spec)
        return args_usage_error("sweep", "--policies: the list is too long");
    return parse_grid(spec, a);
}

static int parse_seed_count(const char *text, struct sweep_args *a)
{
    uint64_t n;
    if (!args_parse_u64(text, UINT64_MAX, &n) || n < 1 || n > SWEEP_MAX_SEEDS)
        return args_usage_error("sweep", "--seeds: '%s' is not a number from 1 to %u", text, SWEEP_MAX_SEEDS);
    free(a->seeds);
    a->seeds = xcalloc(n, sizeof a->seeds[0]);
    for (size_t i = 0; i < n; i++)
        a->seeds[i] = i + 1;
    a->seed_count = n;
    return 0;
}

static int parse_seed_list(const char *list, struct sweep_args *a)
{
    free(a->seeds);
    a->seeds = xcalloc(strlen(list) / 2 + 1, sizeof a->seeds[0]);
    a->seed_count = 0;
    for (const char *p = list;; p++) {
        char num[32];
        size_t len = strcspn(p, ",");
        snprintf(num, sizeof num, "%.*s", (int)(len < sizeof num ? len : sizeof num - 1), p);
        uint64_t seed;
        if (len >= sizeof num || !args_parse_u64(num, UINT64_MAX, &seed))
            return args_usage_error("sweep", "--seed-list: '%.*s' is not a seed (0 to 18446744073709551615)",
                                    (int)len, p);
        for (size_t i = 0; i < a->seed_count; i++)
            if (a->seeds[i] == seed)
                return args_usage_error("sweep", "--seed-list: seed %s is listed twice", num);
        a->seeds[a->seed_count++] = seed;
        p += len;
        if (*p == '\0')
            return 0;
    }
}

static int parse_set(const char *spec, struct sweep_args *a)
{
    char err[SCN_ERROR_BYTES];
    struct scenario_override *o = &a->sets[a->set_count];
    if (scenario_override_parse(spec, o, err, sizeof err) < 0)
        return args_usage_error("sweep", "--set: %s", err);
    a->set_specs[a->set_count++] = spec;
    if (strcmp(o->path, "seed") == 0)
        return args_usage_error("sweep", "--set %s: the seed is the sweep's to choose; use --seeds or --seed-list", spec);
    return 0;
}

static int parse_metric(const char *name, struct sweep_args *a)
{
    int m = sweep_metric_find(name);
    if (m < 0)
        return args_usage_error("sweep", "--metric: no figure '%s' (one of sweep.csv's columns, e.g. makespan_ns, "
                                         "response_p95_ns, migrations)", name);
    for (size_t i = 0; i < a->metric_count; i++)
        if (a->metrics[i] == m)
            return args_usage_error("sweep", "--metric %s: given twice", name);
    a->metrics[a->metric_count++] = m;
    return 0;
}

static int parse_jobs(const char *text, struct sweep_args *a)
{
    uint64_t n;
    if (!args_parse_u64(text, UINT64_MAX, &n) || n < 1 || n > SWEEP_MAX_JOBS)
        return args_usage_error("sweep", "--jobs: '%s' is not a number from 1 to %u", text, SWEEP_MAX_JOBS);
    a->jobs = (unsigned)n;
    return 0;
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > (long)SWEEP_MAX_JOBS ? SWEEP_MAX_JOBS : (unsigned)n;
}

enum sweep_option {
    OPT_HELP, OPT_GRID, OPT_POLICIES, OPT_SEEDS, OPT_SEED_LIST, OPT_SET, OPT_JOBS, OPT_OUT, OPT_NO_PROGRESS,
    OPT_METRIC
};

static const struct args_option sweep_options[] = {
    {"help", 'h', NULL, OPT_HELP},        {"grid", 'g', "KEY=LIST", OPT_GRID},
    {"policies", 0, "LIST", OPT_POLICIES}, {"seeds", 0, "N", OPT_SEEDS},
    {"seed-list", 0, "LIST", OPT_SEED_LIST}, {"set", 0, "KEY=VALUE", OPT_SET},
    {"jobs", 'j', "N", OPT_JOBS},         {"out", 'o', "DIR", OPT_OUT},
    {"no-progress", 0, NULL, OPT_NO_PROGRESS}, {"metric", 'm', "M", OPT_METRIC},
};

/* One option and its value: 0, or the usage status after a message. */
static int take_option(int id, const char *value, void *ctx)
{
    struct sweep_args *a = ctx;
    a->seed_options += id == OPT_SEEDS || id == OPT_SEED_LIST;
    switch (id) {
    case OPT_HELP: return -1;
    case OPT_GRID: return parse_grid(value, a);
    case OPT_POLICIES: return parse_policies(value, a);
    case OPT_SEEDS: return parse_seed_count(value, a);
    case OPT_SEED_LIST: return parse_seed_list(value, a);
    case OPT_SET: return parse_set(value, a);
    case OPT_JOBS: return parse_jobs(value, a);
    case OPT_NO_PROGRESS: a->progress = false; return 0;
    case OPT_METRIC: return parse_metric(value, a);
    default:
        if (value[0] == '\0')
            return args_usage_error("sweep", "--out: the directory name is empty");
        if (strlen(value) >= SWEEP_PATH_BYTES)
            return args_usage_error("sweep", "--out: the directory name is too long");
        a->out_dir = value;
        return 0;
    }
}

/* Seeds are required (one of --seeds and --seed-list); a key is either
 * swept or set; the grid has a size and distinct directory names. */
static int check_complete(const struct sweep_args *a)
{
    if (a->seed_options == 0)
        return args_usage_error("sweep", "no seeds given (--seeds N or --seed-list 3,7,9)");
    if (a->seed_options > 1)
        return args_usage_error("sweep", "give one of --seeds and --seed-list, once");
    for (size_t i = 0; i < a->set_count; i++)
        if (sweep_grid_find_key(&a->grid, a->sets[i].path) >= 0)
            return args_usage_error("sweep", "--set %s: %s is swept by --grid; give it one or the other",
                                    a->set_specs[i], a->sets[i].path);
    if (sweep_grid_combos(&a->grid) == 0)
        return args_usage_error("sweep", "the grid has more than %u combinations", SWEEP_MAX_COMBOS);
    for (size_t k = 0; k < a->grid.key_count; k++) {
        size_t x, y;
        if (sweep_grid_names_clash(&a->grid, k, &x, &y))
            return args_usage_error("sweep", "--grid %s: values '%s' and '%s' would share a directory name",
                                    a->grid.key[k], a->grid.value[k][x], a->grid.value[k][y]);
    }
    return 0;
}

int sweep_args_parse(int argc, char **argv, struct sweep_args *a)
{
    memset(a, 0, sizeof *a);
    a->jobs = default_jobs();
    a->progress = true;
    a->sets = xcalloc((size_t)argc + 1, sizeof a->sets[0]);
    a->set_specs = xcalloc((size_t)argc + 1, sizeof a->set_specs[0]);
    struct args p;
    args_init(&p, "sweep", sweep_options, sizeof sweep_options / sizeof sweep_options[0], argc, argv);
    int rc = args_parse_with_operand(&p, "scenario file", &a->scenario, take_option, a);
    if (rc != 0)
        return rc;
    return check_complete(a);
}

void sweep_args_free(struct sweep_args *a)
{
    for (size_t i = 0; i < a->set_count; i++)
        scenario_override_free(&a->sets[i]);
    for (size_t k = 0; k < a->grid.key_count; k++) {
        for (size_t i = 0; i < a->grid.value_count[k]; i++)
            scenario_override_free(&a->grid_sets[k][i]);
        free(a->grid_sets[k]);
    }
    sweep_grid_free(&a->grid);
    free(a->sets);
    free(a->set_specs);
    free(a->seeds);
}
