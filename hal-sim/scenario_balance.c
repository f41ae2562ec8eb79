/*
 * scenario_balance.c - the "balancer" and "migration" objects of a
 * scenario file: how every node's kernel balances load and moves
 * processes (docs/scenarios.md). They fill struct balance_config and the
 * migration mode exactly as core/kernel.h takes them; a field left out
 * stays 0, which the kernel reads as its default from core/param.h.
 */
#include <string.h>

#include "core/names.h"
#include "hal/hal_trace.h"
#include "host/units.h"
#include "scenario_priv.h"

/* Loads are written as numbers of runnable processes, up to this many. */
#define SCN_MAX_LOAD_MILLI 1000000u
#define SCN_MAX_FANOUT 65535u

static const char *const scn_balancer_keys[] = {
    "policy", "threshold", "hysteresis", "margin", "period", "min_residency", "exchange_period",
    "exchange_fanout", NULL,
};
static const char *const scn_migration_keys[] = {"mode", NULL};

_Static_assert(HAL_BALANCE_COUNT == 5, "the policy message below lists every policy");

static int scn_parse_policy(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint8_t *policy)
{
    int found = cJSON_IsString(item) ? balance_policy_find(item->valuestring, strlen(item->valuestring)) : -1;
    if (found >= 0) {
        *policy = (uint8_t)found;
        return 0;
    }
    return jcheck_fail_type(&p->jc, at,
                            "\"none\", \"random\", \"offer\", \"two-choices\" or \"mosix\"", item);
}

/* A load such as 1.5 (runnable processes, up to 3 decimals) in thousandths.
 * Zero is refused: the kernel would read it as "the default". */
static int scn_parse_load(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint32_t *milli)
{
    uint64_t v = 0;
    if (!cJSON_IsNumber(item))
        return jcheck_fail_type(&p->jc, at, "a load like 1.5", item);
    enum units_status st = units_number_to_milli(item->valuedouble, &v);
    char shown[64];
    jcheck_describe(item, shown, sizeof shown);
    if (st == UNITS_FRACTION)
        return jcheck_fail(&p->jc, at, "at most %u digits after the decimal point, got %s",
                           UNITS_MAX_MILLI_DIGITS, shown);
    if (st == UNITS_NEGATIVE || st == UNITS_SYNTAX)
        return jcheck_fail_type(&p->jc, at, "a load like 1.5", item);
    if (st == UNITS_OVERFLOW || v > SCN_MAX_LOAD_MILLI)
        return jcheck_fail(&p->jc, at, "must be at most %u, got %s", SCN_MAX_LOAD_MILLI / 1000u, shown);
    if (v == 0)
        return jcheck_fail(&p->jc, at, "must be more than 0 (leave it out for the default)");
    *milli = (uint32_t)v;
    return 0;
}

static int scn_opt_load(struct scn_parser *p, const struct jpath *at, const cJSON *object, const char *key,
                        uint32_t *milli)
{
    const cJSON *item = jcheck_member(object, key);
    struct jpath sub = jpath_member(at, key);
    return item == NULL ? 0 : scn_parse_load(p, &sub, item, milli);
}

/* A duration longer than zero; left out, *ns stays 0 (the default). */
static int scn_opt_period(struct scn_parser *p, const struct jpath *at, const cJSON *object, const char *key,
                          uint64_t *ns)
{
    const cJSON *item = jcheck_member(object, key);
    struct jpath sub = jpath_member(at, key);
    if (item == NULL)
        return 0;
    if (scn_parse_duration(p, &sub, item, ns) < 0)
        return -1;
    if (*ns == 0)
        return jcheck_fail(&p->jc, &sub, "must be longer than 0s (leave it out for the default)");
    return 0;
}

int scn_parse_balancer(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    struct balance_config *b = &p->s->balance;
    if (jcheck_object(&p->jc, at, item, scn_balancer_keys) < 0)
        return -1;
    const cJSON *policy = jcheck_member(item, "policy");
    struct jpath policy_at = jpath_member(at, "policy");
    if (policy != NULL && scn_parse_policy(p, &policy_at, policy, &b->policy) < 0)
        return -1;
    uint64_t fanout = 0;
    if (scn_opt_load(p, at, item, "threshold", &b->threshold_milli) < 0 ||
        scn_opt_load(p, at, item, "hysteresis", &b->hysteresis_milli) < 0 ||
        scn_opt_load(p, at, item, "margin", &b->margin_milli) < 0 ||
        scn_opt_period(p, at, item, "period", &b->period_ns) < 0 ||
        scn_opt_period(p, at, item, "min_residency", &b->min_residency_ns) < 0 ||
        scn_opt_period(p, at, item, "exchange_period", &b->exchange_period_ns) < 0 ||
        jcheck_opt_uint(&p->jc, at, item, "exchange_fanout", "a positive integer", 1, SCN_MAX_FANOUT,
                        &fanout) < 0)
        return -1;
    b->exchange_fanout = (uint32_t)fanout;
    return 0;
}

int scn_parse_migration(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    if (jcheck_object(&p->jc, at, item, scn_migration_keys) < 0)
        return -1;
    const cJSON *mode = jcheck_member(item, "mode");
    if (mode == NULL)
        return 0;
    struct jpath mode_at = jpath_member(at, "mode");
    int found = cJSON_IsString(mode) ? migrate_mode_find(mode->valuestring, strlen(mode->valuestring)) : -1;
    if (found >= 0) {
        p->s->migrate_mode = (uint8_t)found;
        return 0;
    }
    return jcheck_fail_type(&p->jc, &mode_at, "\"stop-and-copy\" or \"pre-copy\"", mode);
}
