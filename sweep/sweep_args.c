/*
 * sweep_args.c - see sweep_args.h. The policy names are checked here
 * only to fail early with a usage error; the scenario loader has the last
 * word on them.
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

_Static_assert(SWEEP_MAX_POLICIES == HAL_BALANCE_COUNT, "a sweep may list every balancer policy");

static int parse_policies(const char *list, struct sweep_args *a)
{
    a->policy_count = 0;
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        int k = balance_policy_find(p, len);
        if (k < 0)
            return args_usage_error("sweep", "unknown policy '%.*s' (expected none, random, offer, two-choices "
                               "or mosix)",
                               (int)len, p);
        for (size_t i = 0; i < a->policy_count; i++)
            if (a->policies[i] == balance_policy_name((uint32_t)k))
                return args_usage_error("sweep", "--policies: '%s' is listed twice", balance_policy_name((uint32_t)k));
        a->policies[a->policy_count++] = balance_policy_name((uint32_t)k);
        p += len;
        if (*p == '\0')
            return 0;
    }
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
            return args_usage_error("sweep", "--seed-list: '%.*s' is not a seed (0 to 18446744073709551615)", (int)len, p);
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
    a->set_count++;
    if (strcmp(o->path, "balancer.policy") == 0)
        return args_usage_error("sweep", "--set %s: the policy is the sweep's to choose; use --policies", spec);
    if (strcmp(o->path, "seed") == 0)
        return args_usage_error("sweep", "--set %s: the seed is the sweep's to choose; use --seeds or --seed-list", spec);
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

enum sweep_option { OPT_HELP, OPT_POLICIES, OPT_SEEDS, OPT_SEED_LIST, OPT_SET, OPT_JOBS, OPT_OUT };

static const struct args_option sweep_options[] = {
    {"help", 'h', NULL, OPT_HELP},        {"policies", 0, "LIST", OPT_POLICIES},
    {"seeds", 0, "N", OPT_SEEDS},         {"seed-list", 0, "LIST", OPT_SEED_LIST},
    {"set", 0, "KEY=VALUE", OPT_SET},     {"jobs", 'j', "N", OPT_JOBS},
    {"out", 'o', "DIR", OPT_OUT},
};

/* One option and its value: 0, or the usage status after a message. */
static int take_option(int id, const char *value, void *ctx)
{
    struct sweep_args *a = ctx;
    a->seed_options += id == OPT_SEEDS || id == OPT_SEED_LIST;
    switch (id) {
    case OPT_HELP: return -1;
    case OPT_POLICIES: return parse_policies(value, a);
    case OPT_SEEDS: return parse_seed_count(value, a);
    case OPT_SEED_LIST: return parse_seed_list(value, a);
    case OPT_SET: return parse_set(value, a);
    case OPT_JOBS: return parse_jobs(value, a);
    default:
        if (value[0] == '\0')
            return args_usage_error("sweep", "--out: the directory name is empty");
        if (strlen(value) >= SWEEP_PATH_BYTES)
            return args_usage_error("sweep", "--out: the directory name is too long");
        a->out_dir = value;
        return 0;
    }
}

/* Policies and seeds are required: one of --seeds and --seed-list. */
static int check_complete(const struct sweep_args *a)
{
    if (a->policy_count == 0)
        return args_usage_error("sweep", "no policies given (--policies none,offer,...)");
    if (a->seed_options == 0)
        return args_usage_error("sweep", "no seeds given (--seeds N or --seed-list 3,7,9)");
    if (a->seed_options > 1)
        return args_usage_error("sweep", "give one of --seeds and --seed-list, once");
    return 0;
}

int sweep_args_parse(int argc, char **argv, struct sweep_args *a)
{
    memset(a, 0, sizeof *a);
    a->jobs = default_jobs();
    a->sets = xcalloc((size_t)argc + 1, sizeof a->sets[0]);
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
    free(a->sets);
    free(a->seeds);
}
