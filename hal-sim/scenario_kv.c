/*
 * scenario_kv.c - the scenario's "kv" object: which node runs the
 * key-value back end (docs/scenarios.md). {"backend": N}, N a node of the
 * scenario; every kernel's front end forwards the key-value calls there.
 */
#include <stdio.h>

#include "scenario_priv.h"

static const char *const scn_kv_keys[] = {"backend", NULL};

int scn_parse_kv(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    if (jcheck_object(&p->jc, at, item, scn_kv_keys) < 0)
        return -1;
    const cJSON *v;
    if (jcheck_required(&p->jc, at, item, "backend", &v) < 0)
        return -1;
    uint64_t node = 0;
    char what[64];
    snprintf(what, sizeof what, "a node number from 0 to %u", p->s->node_count - 1u);
    if (jcheck_opt_uint(&p->jc, at, item, "backend", what, 0, p->s->node_count - 1u, &node) < 0)
        return -1;
    p->s->kv_configured = true;
    p->s->kv_backend = (uint16_t)node;
    return 0;
}
