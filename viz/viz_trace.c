/*
 * viz_trace.c - see viz_trace.h. Which fields each drawn event needs is a
 * table, so adding an event is one row.
 */
#include "viz_trace.h"

#include <stdio.h>
#include <string.h>

enum field_kind { F_INT, F_U64, F_PID, F_STR, F_ARRAY };
enum field_slot { S_A, S_B, S_C, S_SEED, S_PID, S_OTHER, S_TEXT, S_GROUPS };

struct field_spec {
    const char *key;
    enum field_kind kind;
    enum field_slot slot;
};

#define MAX_SPEC_FIELDS 4

struct event_spec {
    const char *name;
    enum viz_ev ev;
    int on_node; /* the line must carry "node" */
    struct field_spec fields[MAX_SPEC_FIELDS];
};

static const struct event_spec specs[] = {
    {"start", VIZ_EV_START, 0,
     {{"scenario", F_STR, S_TEXT}, {"seed", F_U64, S_SEED}, {"nodes", F_INT, S_A}}},
    {"boot", VIZ_EV_BOOT, 1, {{0}}},
    {"spawn", VIZ_EV_SPAWN, 1,
     {{"pid", F_PID, S_PID}, {"parent", F_PID, S_OTHER}, {"program", F_STR, S_TEXT}}},
    {"exit", VIZ_EV_EXIT, 1, {{"pid", F_PID, S_PID}, {"status", F_INT, S_A}}},
    {"fault", VIZ_EV_FAULT, 1, {{"pid", F_PID, S_PID}, {"reason", F_STR, S_TEXT}}},
    {"send", VIZ_EV_SEND, 1, {{"pid", F_PID, S_PID}, {"dst", F_PID, S_OTHER}}},
    {"load", VIZ_EV_LOAD, 1,
     {{"load_milli", F_INT, S_A}, {"runq", F_INT, S_B}, {"procs", F_INT, S_C}}},
    {"crash", VIZ_EV_CRASH, 1, {{0}}},
    {"restart", VIZ_EV_RESTART, 1, {{0}}},
    {"partition", VIZ_EV_PARTITION, 0, {{"groups", F_ARRAY, S_GROUPS}}},
    {"heal", VIZ_EV_HEAL, 0, {{0}}},
    {"migrate_start", VIZ_EV_MIGRATE_START, 1, {{"pid", F_PID, S_PID}, {"to", F_INT, S_A}}},
    {"migrate_install", VIZ_EV_MIGRATE_INSTALL, 1,
     {{"pid", F_PID, S_PID}, {"from", F_INT, S_A}}},
    {"migrate_done", VIZ_EV_MIGRATE_DONE, 1,
     {{"pid", F_PID, S_PID}, {"to", F_INT, S_A}, {"freeze_us", F_INT, S_B}, {"bytes", F_INT, S_C}}},
    {"migrate_abort", VIZ_EV_MIGRATE_ABORT, 1,
     {{"pid", F_PID, S_PID}, {"to", F_INT, S_A}, {"error", F_INT, S_B}}},
    {"block", VIZ_EV_BLOCK, 1, {{"pid", F_PID, S_PID}}},
    {"wake", VIZ_EV_WAKE, 1, {{"pid", F_PID, S_PID}}},
    {"deliver", VIZ_EV_DELIVER, 1, {{"pid", F_PID, S_PID}, {"src", F_PID, S_OTHER}}},
    {"drop", VIZ_EV_DROP, 1, {{"pid", F_PID, S_PID}, {"src", F_PID, S_OTHER}}},
    {"pause", VIZ_EV_PAUSE, 1, {{0}}},
    {"resume", VIZ_EV_RESUME, 1, {{0}}},
    {"partition_one_way", VIZ_EV_PARTITION_ONE_WAY, 0, {{0}}},
    {"ksend", VIZ_EV_KSEND, 1, {{"to", F_INT, S_A}, {"seq", F_INT, S_B}}},
    {"krecv", VIZ_EV_KRECV, 1, {{"from", F_INT, S_A}, {"seq", F_INT, S_B}}},
    {"end", VIZ_EV_END, 0, {{"reason", F_STR, S_TEXT}, {"events", F_INT, S_C}}},
};

/* Documented events that carry nothing the pictures use. */
static const char *const skipped[] = {
    "console", "retransmit", "peer_reset", "migrate_round", "forward",
    "balance", "child_lost", "migrate_drop", "migrate_lost", "frame_lost", "spawn_failed", "migrate_failed", "ignored",
    "store_mount", "store_commit", "store_error",
};

int viz_pid_parse(const char *s, size_t len, struct viz_pid *out)
{
    uint64_t part[2] = {0, 0};
    size_t i = 0;
    if (len < 4 || s[i++] != 'n')
        return -1;
    for (int k = 0; k < 2; k++) {
        size_t digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            part[k] = part[k] * 10 + (uint64_t)(s[i++] - '0');
            if (part[k] > UINT32_MAX)
                return -1;
            digits++;
        }
        if (digits == 0)
            return -1;
        if (k == 0 && (i >= len || s[i++] != '.'))
            return -1;
    }
    if (i != len)
        return -1;
    out->node = (uint32_t)part[0];
    out->local = (uint32_t)part[1];
    return 0;
}

static const char *kind_name(enum field_kind k)
{
    switch (k) {
    case F_INT: return "an integer";
    case F_U64: return "a non-negative integer";
    case F_PID: return "a pid string \"n<node>.<local>\"";
    case F_STR: return "a string";
    default: return "an array of integers";
    }
}

static bool type_fits(const struct viz_json_field *f, enum field_kind k)
{
    switch (k) {
    case F_INT: return f->type == VIZ_JSON_INT && f->mag <= (uint64_t)INT64_MAX;
    case F_U64: return f->type == VIZ_JSON_INT && !f->neg;
    case F_STR: return f->type == VIZ_JSON_STR;
    case F_PID: return f->type == VIZ_JSON_STR;
    default: return f->type == VIZ_JSON_ARRAY;
    }
}

static int take_field(struct viz_line *l, const struct field_spec *fs, const char *ev_name,
                      char *err, size_t err_bytes)
{
    const struct viz_json_field *f = viz_json_get(&l->obj, fs->key);
    if (f == NULL || !type_fits(f, fs->kind)) {
        if (f == NULL)
            snprintf(err, err_bytes, "\"%s\" event: field \"%s\" is missing (should be %s)", ev_name, fs->key,
                     kind_name(fs->kind));
        else
            snprintf(err, err_bytes, "\"%s\" event: field \"%s\" has the wrong type (should be %s, got %s)",
                     ev_name, fs->key, kind_name(fs->kind), f->shape);
        return -1;
    }
    int64_t v = f->neg ? -(int64_t)f->mag : (int64_t)f->mag;
    switch (fs->slot) {
    case S_A: l->a = v; break;
    case S_B: l->b = v; break;
    case S_C: l->c = v; break;
    case S_SEED: l->seed = f->mag; break;
    case S_TEXT: l->text = f; break;
    case S_GROUPS: l->groups = f; break;
    case S_PID:
    case S_OTHER:
        if (viz_pid_parse(f->raw, f->raw_len, fs->slot == S_PID ? &l->pid : &l->other) < 0) {
            snprintf(err, err_bytes, "\"%s\" event: field \"%s\" is not a pid \"n<node>.<local>\"",
                     ev_name, fs->key);
            return -1;
        }
        break;
    }
    return 0;
}

static const struct event_spec *find_spec(const struct viz_json_field *ev)
{
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (viz_json_raw_is(ev, specs[i].name))
            return &specs[i];
    return NULL;
}

static bool is_skipped(const struct viz_json_field *ev)
{
    for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
        if (viz_json_raw_is(ev, skipped[i]))
            return true;
    return false;
}

/* "t", "ev" and (for node events) "node", common to every line. */
static int take_common(struct viz_line *l, const struct viz_json_field **ev, char *err,
                       size_t err_bytes)
{
    const struct viz_json_field *t = viz_json_get(&l->obj, "t");
    if (t == NULL) {
        snprintf(err, err_bytes, "no \"t\" field (the time in ns)");
        return -1;
    }
    if (t->type != VIZ_JSON_INT || t->neg) {
        snprintf(err, err_bytes, "\"t\" must be a non-negative integer, got %s", t->neg ? "a negative one" : t->shape);
        return -1;
    }
    l->t_ns = t->mag;
    *ev = viz_json_get(&l->obj, "ev");
    if (*ev == NULL || (*ev)->type != VIZ_JSON_STR) {
        snprintf(err, err_bytes, "%s", *ev == NULL ? "no \"ev\" field (the event name)"
                                                   : "\"ev\" must be a string");
        return -1;
    }
    const struct viz_json_field *node = viz_json_get(&l->obj, "node");
    l->node = VIZ_NO_NODE;
    if (node != NULL) {
        if (node->type != VIZ_JSON_INT || node->neg || node->mag >= VIZ_MAX_NODES) {
            snprintf(err, err_bytes, "\"node\" must be an integer from 0 to %u", VIZ_MAX_NODES - 1);
            return -1;
        }
        l->node = (uint32_t)node->mag;
    }
    return 0;
}

int viz_trace_decode(const char *s, size_t len, struct viz_line *l, char *err, size_t err_bytes)
{
    memset(l, 0, offsetof(struct viz_line, obj));
    if (viz_json_parse(s, len, &l->obj, err, err_bytes) < 0)
        return -1;
    const struct viz_json_field *ev;
    if (take_common(l, &ev, err, err_bytes) < 0)
        return -1;
    const struct event_spec *spec = find_spec(ev);
    if (spec == NULL) {
        l->ev = is_skipped(ev) ? VIZ_EV_OTHER : VIZ_EV_UNKNOWN;
        return 0;
    }
    l->ev = spec->ev;
    if (spec->on_node && l->node == VIZ_NO_NODE) {
        snprintf(err, err_bytes, "\"%s\" event without a \"node\" field", spec->name);
        return -1;
    }
    for (int i = 0; i < MAX_SPEC_FIELDS && spec->fields[i].key != NULL; i++)
        if (take_field(l, &spec->fields[i], spec->name, err, err_bytes) < 0)
            return -1;
    return 0;
}
