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
#include "host/xalloc.h"

_Static_assert(SWEEP_MAX_POLICIES == HAL_BALANCE_COUNT, "a sweep may list every balancer policy");

int sweep_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nimbus sweep: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static bool parse_u64(const char *text, uint64_t *out)
{
    uint64_t v = 0;
    if (*text == '\0')
        return false;
    for (const char *p = text; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static int parse_policies(const char *list, struct sweep_args *a)
{
    a->policy_count = 0;
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        int k = balance_policy_find(p, len);
        if (k < 0)
            return sweep_usage_error("unknown policy '%.*s' (expected none, random, offer, two-choices "
                               "or mosix)",
                               (int)len, p);
        for (size_t i = 0; i < a->policy_count; i++)
            if (a->policies[i] == balance_policy_name((uint32_t)k))
                return sweep_usage_error("--policies: '%s' is listed twice", balance_policy_name((uint32_t)k));
        a->policies[a->policy_count++] = balance_policy_name((uint32_t)k);
        p += len;
        if (*p == '\0')
            return 0;
    }
}

static int parse_seed_count(const char *text, struct sweep_args *a)
{
    uint64_t n;
    if (!parse_u64(text, &n) || n < 1 || n > SWEEP_MAX_SEEDS)
        return sweep_usage_error("--seeds: '%s' is not a number from 1 to %u", text, SWEEP_MAX_SEEDS);
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
        if (len >= sizeof num || !parse_u64(num, &seed))
            return sweep_usage_error("--seed-list: '%.*s' is not a seed (0 to 18446744073709551615)", (int)len, p);
        for (size_t i = 0; i < a->seed_count; i++)
            if (a->seeds[i] == seed)
                return sweep_usage_error("--seed-list: seed %s is listed twice", num);
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
        return sweep_usage_error("--set: %s", err);
    a->set_count++;
    if (strcmp(o->path, "balancer.policy") == 0)
        return sweep_usage_error("--set %s: the policy is the sweep's to choose; use --policies", spec);
    if (strcmp(o->path, "seed") == 0)
        return sweep_usage_error("--set %s: the seed is the sweep's to choose; use --seeds or --seed-list", spec);
    return 0;
}

static int parse_jobs(const char *text, struct sweep_args *a)
{
    uint64_t n;
    if (!parse_u64(text, &n) || n < 1 || n > SWEEP_MAX_JOBS)
        return sweep_usage_error("--jobs: '%s' is not a number from 1 to %u", text, SWEEP_MAX_JOBS);
    a->jobs = (unsigned)n;
    return 0;
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > (long)SWEEP_MAX_JOBS ? SWEEP_MAX_JOBS : (unsigned)n;
}

/* One option with a value: --name VALUE or --name=VALUE. */
static int parse_option(const char *name, const char *value, struct sweep_args *a)
{
    if (value == NULL)
        return sweep_usage_error("option '%s' needs a value", name);
    if (strcmp(name, "--policies") == 0)
        return parse_policies(value, a);
    if (strcmp(name, "--seeds") == 0)
        return parse_seed_count(value, a);
    if (strcmp(name, "--seed-list") == 0)
        return parse_seed_list(value, a);
    if (strcmp(name, "--set") == 0)
        return parse_set(value, a);
    if (strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0)
        return parse_jobs(value, a);
    /* what is left: -o, --out */
    if (value[0] == '\0')
        return sweep_usage_error("option '%s' needs a directory", name);
    if (strlen(value) >= SWEEP_PATH_BYTES)
        return sweep_usage_error("option '%s': the directory name is too long", name);
    a->out_dir = value;
    return 0;
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {"--policies", "--seeds", "--seed-list", "--set",
                                        "-j",         "--jobs",  "-o",          "--out"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* A scenario, policies and seeds are required; seed_options counts the
 * --seeds and --seed-list options given, of which there must be one. */
static int check_complete(const struct sweep_args *a, int seed_options)
{
    if (a->scenario == NULL)
        return sweep_usage_error("no scenario file given");
    if (a->policy_count == 0)
        return sweep_usage_error("no policies given (--policies none,offer,...)");
    if (seed_options == 0)
        return sweep_usage_error("no seeds given (--seeds N or --seed-list 3,7,9)");
    if (seed_options > 1)
        return sweep_usage_error("give one of --seeds and --seed-list, once");
    return 0;
}

int sweep_args_parse(int argc, char **argv, struct sweep_args *a)
{
    memset(a, 0, sizeof *a);
    a->jobs = default_jobs();
    a->sets = xcalloc((size_t)argc + 1, sizeof a->sets[0]);
    int seed_options = 0;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (a->scenario != NULL)
                return sweep_usage_error("one scenario at a time (got '%s' too)", arg);
            a->scenario = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
            return -1;
        char name[32];
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), arg);
        if (len >= sizeof name || !takes_value(name))
            return sweep_usage_error("unknown option '%s' (try 'nimbus sweep --help')", arg);
        seed_options += strcmp(name, "--seeds") == 0 || strcmp(name, "--seed-list") == 0;
        const char *value = eq != NULL ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        int rc = parse_option(name, value, a);
        if (rc != 0)
            return rc;
    }
    return check_complete(a, seed_options);
}

void sweep_args_free(struct sweep_args *a)
{
    for (size_t i = 0; i < a->set_count; i++)
        scenario_override_free(&a->sets[i]);
    free(a->sets);
    free(a->seeds);
}
