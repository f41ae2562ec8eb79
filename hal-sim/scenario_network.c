/*
 * scenario_network.c - the "network" object of a scenario file: default
 * link behaviour (latency, jitter, bandwidth, loss, duplication,
 * corruption) and per-pair overrides ("links"), which inherit whatever
 * they do not set from the defaults.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario_priv.h"
#include "host/units.h"

static const char *const scn_network_keys[] = {
    "latency", "jitter", "bandwidth", "loss", "duplicate", "corrupt", "links", NULL,
};
static const char *const scn_link_keys[] = {
    "between", "latency", "jitter", "bandwidth", "loss", "duplicate", "corrupt", NULL,
};

static int scn_parse_bandwidth(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint64_t *bps)
{
    enum units_status st = cJSON_IsString(item) ? units_parse_bandwidth(item->valuestring, bps) : UNITS_SYNTAX;
    return st == UNITS_OK ? 0 : scn_fail_units(p, at, item, st, UNITS_KIND_BANDWIDTH);
}

int scn_opt_bandwidth(struct scn_parser *p, const struct jpath *at, const cJSON *object,
                             const char *key, uint64_t *bps)
{
    const cJSON *item = jcheck_member(object, key);
    struct jpath sub = jpath_member(at, key);
    return item == NULL ? 0 : scn_parse_bandwidth(p, &sub, item, bps);
}

int scn_opt_probability(struct scn_parser *p, const struct jpath *at, const cJSON *object,
                               const char *key, uint32_t *p_u32)
{
    const cJSON *item = jcheck_member(object, key);
    if (item == NULL)
        return 0;
    struct jpath sub = jpath_member(at, key);
    /* Written so that NaN fails too. */
    if (!cJSON_IsNumber(item) || !(item->valuedouble >= 0.0 && item->valuedouble <= 1.0))
        return jcheck_fail_type(&p->jc, &sub, "a probability from 0 to 1", item);
    *p_u32 = units_loss_to_u32(item->valuedouble);
    return 0;
}

/* Read whichever of latency, jitter, bandwidth, loss, duplicate and
 * corrupt `object` has; the others keep the values already in *params. */
static int scn_parse_net_params(struct scn_parser *p, const struct jpath *at, const cJSON *object,
                                struct scn_net_params *params)
{
    if (scn_opt_duration(p, at, object, "latency", &params->latency_ns) < 0 ||
        scn_opt_duration(p, at, object, "jitter", &params->jitter_ns) < 0 ||
        scn_opt_bandwidth(p, at, object, "bandwidth", &params->bandwidth_bps) < 0 ||
        scn_opt_probability(p, at, object, "loss", &params->loss_u32) < 0 ||
        scn_opt_probability(p, at, object, "duplicate", &params->duplicate_u32) < 0)
        return -1;
    return scn_opt_probability(p, at, object, "corrupt", &params->corrupt_u32);
}

/* "between": two different nodes, stored lower number first. */
static int scn_parse_between(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                             struct scn_link *link)
{
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 2)
        return jcheck_fail_type(&p->jc, at, "two node numbers like [0, 1]", item);
    uint32_t ends[2];
    for (size_t i = 0; i < 2; i++) {
        struct jpath sub = jpath_element(at, i);
        if (scn_parse_node(p, &sub, cJSON_GetArrayItem(item, (int)i), false, &ends[i], NULL) < 0)
            return -1;
    }
    if (ends[0] == ends[1])
        return jcheck_fail(&p->jc, at, "a link needs two different nodes, got [%u,%u]", ends[0], ends[1]);
    link->node_a = ends[0] < ends[1] ? ends[0] : ends[1];
    link->node_b = ends[0] < ends[1] ? ends[1] : ends[0];
    return 0;
}

static int scn_parse_link(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                          struct scn_link *link)
{
    if (jcheck_object(&p->jc, at, item, scn_link_keys) < 0)
        return -1;
    const cJSON *between;
    if (jcheck_required(&p->jc, at, item, "between", &between) < 0)
        return -1;
    struct jpath sub = jpath_member(at, "between");
    if (scn_parse_between(p, &sub, between, link) < 0)
        return -1;
    link->params = p->s->net;
    return scn_parse_net_params(p, at, item, &link->params);
}

/* A link's pair and file position, sorted to find repeated pairs. */
struct scn_link_key {
    uint32_t a, b;
    uint32_t index;
};

static int scn_compare_link_keys(const void *x, const void *y)
{
    const struct scn_link_key *l = x, *r = y;
    if (l->a != r->a)
        return l->a < r->a ? -1 : 1;
    if (l->b != r->b)
        return l->b < r->b ? -1 : 1;
    return l->index < r->index ? -1 : (l->index > r->index);
}

static bool scn_same_pair(const struct scn_link_key *l, const struct scn_link_key *r)
{
    return l->a == r->a && l->b == r->b;
}

/* Report the earliest link (in file order) that repeats an earlier pair.
 * Sorting keeps this O(n log n) for files with many links; the keys are
 * unique, so the result does not depend on qsort's order of equals. */
static int scn_check_link_pairs(struct scn_parser *p, const struct jpath *at)
{
    const struct scenario *s = p->s;
    if (s->link_count < 2)
        return 0;
    struct scn_link_key *keys = malloc(s->link_count * sizeof *keys);
    if (keys == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    for (uint32_t i = 0; i < s->link_count; i++)
        keys[i] = (struct scn_link_key){s->links[i].node_a, s->links[i].node_b, i};
    qsort(keys, s->link_count, sizeof *keys, scn_compare_link_keys);
    /* In each run of equal pairs the second entry is that pair's first
     * repeat; report the one that comes first in the file. */
    uint32_t first = 0, repeat = UINT32_MAX;
    for (uint32_t i = 1; i < s->link_count; i++) {
        bool run_second =
            scn_same_pair(&keys[i], &keys[i - 1]) && (i == 1 || !scn_same_pair(&keys[i], &keys[i - 2]));
        if (run_second && keys[i].index < repeat) {
            repeat = keys[i].index;
            first = keys[i - 1].index;
        }
    }
    free(keys);
    if (repeat == UINT32_MAX)
        return 0;
    struct jpath link = jpath_element(at, repeat), between = jpath_member(&link, "between");
    return jcheck_fail(&p->jc, &between, "the link between nodes %u and %u is already set by links[%u]",
                       s->links[repeat].node_a, s->links[repeat].node_b, first);
}

static int scn_parse_links(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    size_t n = 0;
    if (jcheck_array(&p->jc, at, item, &n) < 0)
        return -1;
    if (n > SCN_MAX_LINKS)
        return jcheck_fail(&p->jc, at, "at most %u links, got %zu", SCN_MAX_LINKS, n);
    if (n == 0)
        return 0;
    struct scenario *s = p->s;
    s->links = calloc(n, sizeof *s->links);
    if (s->links == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    const cJSON *link;
    cJSON_ArrayForEach(link, item) {
        struct jpath sub = jpath_element(at, s->link_count);
        if (scn_parse_link(p, &sub, link, &s->links[s->link_count]) < 0)
            return -1;
        s->link_count++;
    }
    return scn_check_link_pairs(p, at);
}

int scn_parse_network(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    if (jcheck_object(&p->jc, at, item, scn_network_keys) < 0)
        return -1;
    if (scn_parse_net_params(p, at, item, &p->s->net) < 0)
        return -1;
    const cJSON *links = jcheck_member(item, "links");
    struct jpath sub = jpath_member(at, "links");
    return links == NULL ? 0 : scn_parse_links(p, &sub, links);
}
