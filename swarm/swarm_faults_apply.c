/*
 * swarm_faults_apply.c - a schedule's faults as scenario text: network
 * keys (loss, jitter, duplicate, corrupt), a node's clock_drift_ppm, and
 * events (crash, restart, partition, heal, pause; a flapping partition
 * is a partition and a heal that repeat). See swarm_faults.h.
 */
#include <string.h>

#include "host/units.h"
#include "swarm_faults.h"

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

/* {"at": AT, KIND: BODY} appended to the events; the event itself. */
static cJSON *add_event(cJSON *events, uint64_t at_ns, const char *kind, cJSON *body)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "at", duration(at_ns));
    cJSON_AddItemToObject(e, kind, body);
    cJSON_AddItemToArray(events, e);
    return e;
}

static cJSON *node_body(uint32_t node)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddNumberToObject(b, "node", node);
    return b;
}

/* The nodes whose side is `side`, as a JSON array. */
static cJSON *nodes_on(const struct swarm_fault *f, uint32_t nodes, uint8_t side)
{
    cJSON *list = cJSON_CreateArray();
    for (uint32_t i = 0; i < nodes && i < sizeof f->side; i++)
        if (f->side[i] == side)
            cJSON_AddItemToArray(list, cJSON_CreateNumber(i));
    return list;
}

/* The nodes on side 1 form one group; the loader puts the rest in
 * another. A one-way partition drops side 1's frames to side 0. */
static cJSON *partition_body(const struct swarm_fault *f, uint32_t nodes)
{
    cJSON *body = cJSON_CreateObject();
    if (f->kind == SWARM_ONE_WAY) {
        cJSON_AddItemToObject(body, "from", nodes_on(f, nodes, 1));
        cJSON_AddItemToObject(body, "to", nodes_on(f, nodes, 0));
        return body;
    }
    cJSON *groups = cJSON_CreateArray();
    cJSON_AddItemToArray(groups, nodes_on(f, nodes, 1));
    cJSON_AddItemToObject(body, "groups", groups);
    return body;
}

static void add_repeat(cJSON *event, const struct swarm_fault *f)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "every", duration(f->every_ns));
    cJSON_AddNumberToObject(r, "count", f->count);
    cJSON_AddItemToObject(event, "repeat", r);
}

static void apply_partition(const struct swarm_fault *f, uint32_t nodes, cJSON *events)
{
    cJSON *cut = add_event(events, f->at_ns, "partition", partition_body(f, nodes));
    cJSON *heal = add_event(events, f->until_ns, "heal", cJSON_CreateObject());
    if (f->kind == SWARM_FLAP) {
        add_repeat(cut, f);
        add_repeat(heal, f);
    }
}

static void apply_pause(const struct swarm_fault *f, cJSON *events)
{
    cJSON *body = node_body(f->value);
    cJSON_AddItemToObject(body, "for", duration(f->until_ns - f->at_ns));
    add_event(events, f->at_ns, "pause", body);
}

static uint32_t group_count(const cJSON *group)
{
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(group, "count");
    return cJSON_IsNumber(count) ? (uint32_t)count->valuedouble : 1u;
}

static uint32_t node_count(const cJSON *root)
{
    uint32_t n = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "nodes"))
        n += group_count(group);
    return n;
}

/* Give node `node` its own entry in "nodes" (splitting its group into
 * one entry per node) and set its clock's drift there. */
static void apply_drift(const struct swarm_fault *f, cJSON *root)
{
    cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes"), *single = cJSON_CreateArray();
    const cJSON *group;
    cJSON_ArrayForEach(group, nodes) {
        for (uint32_t i = 0, n = group_count(group); i < n; i++) {
            cJSON *one = cJSON_Duplicate(group, true);
            cJSON_DeleteItemFromObjectCaseSensitive(one, "count");
            cJSON_AddItemToArray(single, one);
        }
    }
    cJSON *entry = cJSON_GetArrayItem(single, (int)f->value);
    if (entry != NULL)
        set_member(entry, "clock_drift_ppm", cJSON_CreateNumber(f->drift_ppm));
    set_member(root, "nodes", single);
}

static void apply_rate(cJSON *root, const char *key, uint32_t milli)
{
    set_member(child_object(root, "network"), key, cJSON_CreateNumber(milli / 1000.0));
}

static void apply_one(const struct swarm_fault *f, cJSON *root, cJSON *events)
{
    switch (f->kind) {
    case SWARM_LOSS: apply_rate(root, "loss", f->value); break;
    case SWARM_DUPLICATE: apply_rate(root, "duplicate", f->value); break;
    case SWARM_CORRUPT: apply_rate(root, "corrupt", f->value); break;
    case SWARM_JITTER: set_member(child_object(root, "network"), "jitter", duration(f->value)); break;
    case SWARM_CRASH:
        add_event(events, f->at_ns, "crash", node_body(f->value));
        if (f->until_ns != 0)
            add_event(events, f->until_ns, "restart", node_body(f->value));
        break;
    case SWARM_PARTITION:
    case SWARM_ONE_WAY:
    case SWARM_FLAP: apply_partition(f, node_count(root), events); break;
    case SWARM_PAUSE: apply_pause(f, events); break;
    case SWARM_DRIFT: apply_drift(f, root); break;
    default: break;
    }
}

void swarm_faults_apply(const struct swarm_schedule *s, uint32_t keep, cJSON *root)
{
    cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (!cJSON_IsArray(events)) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "events");
        events = cJSON_AddArrayToObject(root, "events");
    }
    for (size_t i = 0; i < s->count; i++)
        if ((keep & (1u << i)) != 0)
            apply_one(&s->faults[i], root, events);
}
