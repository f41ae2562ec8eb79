/* swarm_faults.c - see swarm_faults.h. */
#include "swarm_faults.h"

#include <stdio.h>
#include <string.h>

#include "host/units.h"

/* splitmix64: small, and the same numbers everywhere. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound) (bound > 0); the bias of a modulo is negligible
 * at these sizes and does not matter for a test schedule. */
static uint64_t below(uint64_t *state, uint64_t bound) { return next_u64(state) % bound; }

static bool coin(uint64_t *state) { return (next_u64(state) & 1u) != 0; }

static void draw_crash(uint64_t *rng, uint32_t nodes, uint64_t horizon_ns, struct swarm_fault *f)
{
    f->kind = SWARM_CRASH;
    f->value = (uint32_t)below(rng, nodes);
    f->at_ns = below(rng, horizon_ns);
    /* Most nodes come back, after between 1 ms and half the horizon. */
    f->until_ns = below(rng, 5) == 0 ? 0 : f->at_ns + 1000000u + below(rng, horizon_ns / 2 + 1);
}

static void draw_partition(uint64_t *rng, uint32_t nodes, uint64_t horizon_ns, struct swarm_fault *f)
{
    f->kind = SWARM_PARTITION;
    f->at_ns = below(rng, horizon_ns);
    f->until_ns = f->at_ns + 1000000u + below(rng, horizon_ns / 2 + 1);
    uint32_t n = nodes < sizeof f->side ? nodes : (uint32_t)sizeof f->side;
    memset(f->side, 0, sizeof f->side);
    for (uint32_t i = 0; i < n; i++)
        f->side[i] = coin(rng);
    /* Both groups hold a node (the caller draws partitions only for n > 1). */
    uint32_t a = (uint32_t)below(rng, n), b = (a + 1 + (uint32_t)below(rng, n - 1)) % n;
    f->side[a] = 0;
    f->side[b] = 1;
}

void swarm_faults_draw(uint64_t seed, uint32_t nodes, uint64_t horizon_ns, struct swarm_schedule *out)
{
    uint64_t rng = seed ^ 0x5357524dull; /* "SWRM": not the simulator's streams of the same seed */
    memset(out, 0, sizeof *out);
    if (horizon_ns == 0)
        horizon_ns = 1;
    if (coin(&rng))
        out->faults[out->count++] = (struct swarm_fault){.kind = SWARM_LOSS,
                                                         .value = 1 + (uint32_t)below(&rng, SWARM_MAX_LOSS_MILLI)};
    if (coin(&rng))
        out->faults[out->count++] = (struct swarm_fault){.kind = SWARM_JITTER,
                                                         .value = 1000 + (uint32_t)below(&rng, SWARM_MAX_JITTER_NS)};
    uint64_t crashes = below(&rng, SWARM_MAX_CRASHES + 1), partitions = nodes > 1 ? below(&rng, SWARM_MAX_PARTITIONS + 1) : 0;
    for (uint64_t i = 0; i < crashes; i++)
        draw_crash(&rng, nodes, horizon_ns, &out->faults[out->count++]);
    for (uint64_t i = 0; i < partitions; i++)
        draw_partition(&rng, nodes, horizon_ns, &out->faults[out->count++]);
}

static cJSON *child_object(cJSON *parent, const char *key)
{
    cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (cJSON_IsObject(o))
        return o;
    cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    return cJSON_AddObjectToObject(parent, key);
}

static void set_member(cJSON *object, const char *key, cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(object, key);
    cJSON_AddItemToObject(object, key, value);
}

static cJSON *duration(uint64_t ns)
{
    char text[32];
    units_format_duration(ns, text, sizeof text);
    return cJSON_CreateString(text);
}

/* {"at": AT, KIND: BODY} appended to the events. */
static void add_event(cJSON *events, uint64_t at_ns, const char *kind, cJSON *body)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "at", duration(at_ns));
    cJSON_AddItemToObject(e, kind, body);
    cJSON_AddItemToArray(events, e);
}

static cJSON *node_body(uint32_t node)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddNumberToObject(b, "node", node);
    return b;
}

/* The nodes on side 1 form one group; the loader puts the rest in another. */
static void apply_partition(const struct swarm_fault *f, uint32_t nodes, cJSON *events)
{
    cJSON *side = cJSON_CreateArray(), *groups = cJSON_CreateArray();
    for (uint32_t i = 0; i < nodes && i < sizeof f->side; i++)
        if (f->side[i] == 1)
            cJSON_AddItemToArray(side, cJSON_CreateNumber(i));
    cJSON_AddItemToArray(groups, side);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "groups", groups);
    add_event(events, f->at_ns, "partition", body);
    add_event(events, f->until_ns, "heal", cJSON_CreateObject());
}

static uint32_t node_count(const cJSON *root)
{
    uint32_t n = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "nodes")) {
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(group, "count");
        n += cJSON_IsNumber(count) ? (uint32_t)count->valuedouble : 1u;
    }
    return n;
}

void swarm_faults_apply(const struct swarm_schedule *s, uint32_t keep, cJSON *root)
{
    cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (!cJSON_IsArray(events)) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "events");
        events = cJSON_AddArrayToObject(root, "events");
    }
    for (size_t i = 0; i < s->count; i++) {
        const struct swarm_fault *f = &s->faults[i];
        if ((keep & (1u << i)) == 0)
            continue;
        switch (f->kind) {
        case SWARM_LOSS: set_member(child_object(root, "network"), "loss", cJSON_CreateNumber(f->value / 1000.0)); break;
        case SWARM_JITTER: set_member(child_object(root, "network"), "jitter", duration(f->value)); break;
        case SWARM_CRASH:
            add_event(events, f->at_ns, "crash", node_body(f->value));
            if (f->until_ns != 0)
                add_event(events, f->until_ns, "restart", node_body(f->value));
            break;
        case SWARM_PARTITION: apply_partition(f, node_count(root), events); break;
        }
    }
}

void swarm_fault_describe(const struct swarm_fault *f, char *buf, size_t bytes)
{
    char at[32], until[32];
    units_format_duration(f->at_ns, at, sizeof at);
    units_format_duration(f->until_ns, until, sizeof until);
    switch (f->kind) {
    case SWARM_LOSS: snprintf(buf, bytes, "loss %u.%u%% of frames", f->value / 10, f->value % 10); break;
    case SWARM_JITTER: units_format_duration(f->value, at, sizeof at); snprintf(buf, bytes, "jitter up to %s", at); break;
    case SWARM_CRASH:
        if (f->until_ns != 0)
            snprintf(buf, bytes, "crash node %u at %s, restart at %s", f->value, at, until);
        else
            snprintf(buf, bytes, "crash node %u at %s, never restarted", f->value, at);
        break;
    case SWARM_PARTITION: snprintf(buf, bytes, "partition at %s, heal at %s", at, until); break;
    }
}
