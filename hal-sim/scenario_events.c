/*
 * scenario_events.c - the "events" array of a scenario file: spawn, crash,
 * restart, partition (between groups, or one way), heal, migrate and
 * pause, each at a time (migrate, partition, heal and pause may repeat),
 * sorted by time with file order breaking ties (docs/scenarios.md).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdlib.h>
#include <string.h>

#include "../core/abi.h"
#include "scenario_priv.h"

/* Indexed by enum scn_event_kind. */
static const char *const scn_action_keys[] = {
    "spawn", "crash", "restart", "partition", "heal", "migrate", "pause", NULL,
};
static const char *const scn_event_keys[] = {
    "at", "spawn", "crash", "restart", "partition", "heal", "migrate", "pause", "repeat", NULL,
};
static const char *const scn_spawn_keys[] = {"node", "program", "args", "pinned", "count", NULL};
static const char *const scn_migrate_keys[] = {"pid", "to", NULL};
static const char *const scn_repeat_keys[] = {"every", "count", NULL};
static const char *const scn_target_keys[] = {"node", NULL};
static const char *const scn_partition_keys[] = {"groups", "from", "to", NULL};
static const char *const scn_pause_keys[] = {"node", "for", NULL};
static const char *const scn_no_keys[] = {NULL};

_Static_assert(SCN_PAUSE == 6 && SCN_MIGRATE == 5 && SCN_SPAWN == 0,
               "scn_action_keys follows enum scn_event_kind");

/* A repeating event happens at most this many times. */
#define SCN_MAX_REPEAT 1000000u
/* One spawn event starts at most this many processes on a node (a node
 * numbers its processes up to 65535). */
#define SCN_MAX_SPAWN_COUNT 65535u

/* ---- spawn --------------------------------------------------------------- */

bool scn_is_program_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > ABI_PROGRAM_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-';
        if (!ok)
            return false;
    }
    return true;
}

static int scn_parse_program(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                             struct scn_event *ev)
{
    if (!cJSON_IsString(item) || !scn_is_program_name(item->valuestring))
        return jcheck_fail_type(&p->jc, at, SCN_PROGRAM_NAME_RULE, item);
    _Static_assert(ABI_PROGRAM_NAME_MAX == 32, "the message above names the limit");
    ev->program = strdup(item->valuestring);
    if (ev->program == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    return 0;
}

/* The arguments must fit the kernel's spawn block: ABI_ARGS_MAX_COUNT
 * strings taking ABI_ARGS_MAX_BYTES with their NULs. */
static int scn_parse_args(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                          struct scn_event *ev)
{
    size_t count = 0;
    if (jcheck_array(&p->jc, at, item, &count) < 0)
        return -1;
    if (count > ABI_ARGS_MAX_COUNT)
        return jcheck_fail(&p->jc, at, "at most %u arguments, got %zu", ABI_ARGS_MAX_COUNT, count);
    ev->argv = calloc(count > 0 ? count : 1, sizeof *ev->argv);
    if (ev->argv == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    ev->argc = (uint32_t)count;
    size_t i = 0, total = 0;
    const cJSON *arg;
    cJSON_ArrayForEach(arg, item) {
        struct jpath sub = jpath_element(at, i);
        const char *text = NULL;
        if (jcheck_string(&p->jc, &sub, arg, &text) < 0)
            return -1;
        total += strlen(text) + 1;
        if ((ev->argv[i++] = strdup(text)) == NULL)
            return jcheck_fail(&p->jc, &sub, "out of memory");
    }
    if (total > ABI_ARGS_MAX_BYTES)
        return jcheck_fail(&p->jc, at, "the arguments take %zu bytes with their NULs, at most %u", total,
                           ABI_ARGS_MAX_BYTES);
    return 0;
}

/* "count": how many processes the event starts on each node. Every copy
 * is one more event of the run, so the copies of all spawns count
 * against SCN_MAX_EVENTS together with the events themselves. */
static int scn_parse_spawn_count(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                                 struct scn_event *ev)
{
    uint64_t count = 1;
    if (jcheck_opt_uint(&p->jc, at, item, "count", "a positive integer", 1, SCN_MAX_SPAWN_COUNT, &count) < 0)
        return -1;
    p->spawn_copies += count - 1;
    if (p->s->event_count + p->spawn_copies > SCN_MAX_EVENTS) {
        struct jpath count_at = jpath_member(at, "count");
        return jcheck_fail(&p->jc, &count_at, "too many processes to spawn: at most %u events and spawn "
                           "counts in all", SCN_MAX_EVENTS);
    }
    ev->copies = (uint32_t)count;
    return 0;
}

static int scn_parse_spawn(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                           struct scn_event *ev)
{
    if (jcheck_object(&p->jc, at, item, scn_spawn_keys) < 0)
        return -1;
    const cJSON *node, *program, *args = jcheck_member(item, "args");
    if (jcheck_required(&p->jc, at, item, "node", &node) < 0 ||
        jcheck_required(&p->jc, at, item, "program", &program) < 0)
        return -1;
    struct jpath node_at = jpath_member(at, "node"), program_at = jpath_member(at, "program");
    struct jpath args_at = jpath_member(at, "args");
    if (scn_parse_node(p, &node_at, node, true, &ev->node, &ev->all_nodes) < 0 ||
        scn_parse_program(p, &program_at, program, ev) < 0)
        return -1;
    const cJSON *pinned = jcheck_member(item, "pinned");
    struct jpath pinned_at = jpath_member(at, "pinned");
    if (pinned != NULL && jcheck_bool(&p->jc, &pinned_at, pinned, &ev->pinned) < 0)
        return -1;
    if (scn_parse_spawn_count(p, at, item, ev) < 0)
        return -1;
    if (args != NULL)
        return scn_parse_args(p, &args_at, args, ev);
    ev->argv = calloc(1, sizeof *ev->argv);
    return ev->argv != NULL ? 0 : jcheck_fail(&p->jc, at, "out of memory");
}

/* ---- crash, restart, heal ------------------------------------------------ */

static int scn_parse_target(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                            struct scn_event *ev)
{
    if (jcheck_object(&p->jc, at, item, scn_target_keys) < 0)
        return -1;
    const cJSON *node;
    if (jcheck_required(&p->jc, at, item, "node", &node) < 0)
        return -1;
    struct jpath node_at = jpath_member(at, "node");
    return scn_parse_node(p, &node_at, node, true, &ev->node, &ev->all_nodes);
}

/* ---- partition ----------------------------------------------------------- */

/* A node listed a second time: in a group, or on a one-way side. */
static int scn_fail_placed(struct scn_parser *p, const struct jpath *at, uint32_t node, uint32_t first,
                           bool sides)
{
    if (sides)
        return jcheck_fail(&p->jc, at, "node %u is already in \"%s\"", node, first == SCN_SIDE_FROM ? "from" : "to");
    return jcheck_fail(&p->jc, at, "node %u is already in group %u", node, first);
}

/* One group: its nodes get group number `group` (with `sides`, the
 * enum scn_side of a one-way partition); a node may be in one group only
 * (UINT32_MAX marks nodes not yet placed). */
static int scn_parse_group(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint32_t group,
                           bool sides, uint32_t *group_of_node)
{
    size_t n = 0;
    if (jcheck_array(&p->jc, at, item, &n) < 0)
        return -1;
    if (n == 0)
        return jcheck_fail(&p->jc, at, "a group needs at least one node, got []");
    size_t i = 0;
    const cJSON *member;
    cJSON_ArrayForEach(member, item) {
        struct jpath sub = jpath_element(at, i++);
        uint32_t node = 0;
        if (scn_parse_node(p, &sub, member, false, &node, NULL) < 0)
            return -1;
        if (group_of_node[node] != UINT32_MAX)
            return scn_fail_placed(p, &sub, node, group_of_node[node], sides);
        group_of_node[node] = group;
    }
    return 0;
}

static int scn_alloc_groups(struct scn_parser *p, const struct jpath *at, struct scn_event *ev)
{
    uint32_t nodes = p->s->node_count;
    if (p->partition_cells + nodes > SCN_MAX_PARTITION_CELLS)
        return jcheck_fail(&p->jc, at, "too many partitions for %u nodes (at most %u in all)", nodes,
                           SCN_MAX_PARTITION_CELLS / nodes);
    p->partition_cells += nodes;
    ev->group_of_node = malloc(nodes * sizeof *ev->group_of_node);
    if (ev->group_of_node == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    for (uint32_t i = 0; i < nodes; i++)
        ev->group_of_node[i] = UINT32_MAX;
    return 0;
}

/* "from" and "to" of a one-way partition: each a group, the others
 * SCN_SIDE_NONE (a node in both is reported where it comes again). */
static int scn_parse_one_way(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                             struct scn_event *ev)
{
    const cJSON *from, *to;
    if (jcheck_member(item, "groups") != NULL)
        return jcheck_fail(&p->jc, at, "\"groups\" or \"from\" and \"to\", not both");
    if (jcheck_required(&p->jc, at, item, "from", &from) < 0 || jcheck_required(&p->jc, at, item, "to", &to) < 0 ||
        scn_alloc_groups(p, at, ev) < 0)
        return -1;
    struct jpath from_at = jpath_member(at, "from"), to_at = jpath_member(at, "to");
    if (scn_parse_group(p, &from_at, from, SCN_SIDE_FROM, true, ev->group_of_node) < 0 ||
        scn_parse_group(p, &to_at, to, SCN_SIDE_TO, true, ev->group_of_node) < 0)
        return -1;
    for (uint32_t i = 0; i < p->s->node_count; i++)
        if (ev->group_of_node[i] == UINT32_MAX)
            ev->group_of_node[i] = SCN_SIDE_NONE;
    ev->one_way = true;
    return 0;
}

static int scn_parse_partition(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                               struct scn_event *ev)
{
    if (jcheck_object(&p->jc, at, item, scn_partition_keys) < 0)
        return -1;
    if (jcheck_member(item, "from") != NULL || jcheck_member(item, "to") != NULL)
        return scn_parse_one_way(p, at, item, ev);
    const cJSON *groups;
    size_t count = 0;
    if (jcheck_required(&p->jc, at, item, "groups", &groups) < 0)
        return -1;
    struct jpath groups_at = jpath_member(at, "groups");
    if (jcheck_array(&p->jc, &groups_at, groups, &count) < 0)
        return -1;
    if (count == 0)
        return jcheck_fail(&p->jc, &groups_at, "expected at least one group, got []");
    if (scn_alloc_groups(p, at, ev) < 0)
        return -1;
    uint32_t g = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, groups) {
        struct jpath sub = jpath_element(&groups_at, g);
        if (scn_parse_group(p, &sub, group, g, false, ev->group_of_node) < 0)
            return -1;
        g++;
    }
    /* The nodes no group lists form one more group together. */
    for (uint32_t i = 0; i < p->s->node_count; i++)
        if (ev->group_of_node[i] == UINT32_MAX)
            ev->group_of_node[i] = g;
    return 0;
}

/* ---- migrate and repeat -------------------------------------------------- */

/* Decimal digits at *text into *v (at most 65535); false if there are
 * none, too many, or a leading zero. Advances *text. */
static bool scn_parse_pid_part(const char **text, uint32_t *v)
{
    const char *t = *text;
    uint32_t n = 0;
    size_t digits = 0;
    while (t[digits] >= '0' && t[digits] <= '9') {
        n = n * 10u + (uint32_t)(t[digits] - '0');
        if (++digits > 5 || n > 0xFFFFu)
            return false;
    }
    if (digits == 0 || (digits > 1 && t[0] == '0'))
        return false;
    *v = n;
    *text = t + digits;
    return true;
}

/* "n<node>.<local>": a process born on an existing node (local number 0
 * is the node's kernel, which does not move). */
static int scn_parse_pid(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint32_t *pid)
{
    const char *what = "a pid like \"n0.1\"";
    if (!cJSON_IsString(item))
        return jcheck_fail_type(&p->jc, at, what, item);
    const char *t = item->valuestring;
    uint32_t node = 0, local = 0;
    if (*t++ != 'n' || !scn_parse_pid_part(&t, &node) || *t++ != '.' || !scn_parse_pid_part(&t, &local) ||
        *t != '\0')
        return jcheck_fail_type(&p->jc, at, what, item);
    uint32_t count = p->s->node_count;
    if (node >= count)
        return jcheck_fail(&p->jc, at, "node %u does not exist (the scenario has %u node%s)", node, count,
                           count == 1 ? "" : "s");
    if (local == 0)
        return jcheck_fail(&p->jc, at, "n%u.0 is node %u's kernel, not a process", node, node);
    *pid = ABI_PID(node, local);
    return 0;
}

static int scn_parse_migrate(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                             struct scn_event *ev)
{
    if (jcheck_object(&p->jc, at, item, scn_migrate_keys) < 0)
        return -1;
    const cJSON *pid, *to;
    if (jcheck_required(&p->jc, at, item, "pid", &pid) < 0 || jcheck_required(&p->jc, at, item, "to", &to) < 0)
        return -1;
    struct jpath pid_at = jpath_member(at, "pid"), to_at = jpath_member(at, "to");
    if (scn_parse_pid(p, &pid_at, pid, &ev->pid) < 0)
        return -1;
    if (cJSON_IsString(to) && strcmp(to->valuestring, "next") == 0) {
        ev->to_next = true;
        return 0;
    }
    uint64_t n = 0;
    if (!jcheck_is_uint(to, &n))
        return jcheck_fail_type(&p->jc, &to_at, "a node number or \"next\"", to);
    return scn_parse_node(p, &to_at, to, false, &ev->to_node, NULL);
}

/* ---- pause ---------------------------------------------------------------- */

static int scn_parse_pause(struct scn_parser *p, const struct jpath *at, const cJSON *item, struct scn_event *ev)
{
    if (jcheck_object(&p->jc, at, item, scn_pause_keys) < 0)
        return -1;
    const cJSON *node, *length;
    if (jcheck_required(&p->jc, at, item, "node", &node) < 0 || jcheck_required(&p->jc, at, item, "for", &length) < 0)
        return -1;
    struct jpath node_at = jpath_member(at, "node"), for_at = jpath_member(at, "for");
    if (scn_parse_node(p, &node_at, node, true, &ev->node, &ev->all_nodes) < 0 ||
        scn_parse_duration(p, &for_at, length, &ev->pause_ns) < 0)
        return -1;
    return ev->pause_ns != 0 ? 0 : jcheck_fail(&p->jc, &for_at, "must be longer than 0s");
}

/* "repeat": {"every": <duration>, "count": <n>}, on the events that
 * change only the network, a node's pace or where a process runs. */
static int scn_parse_repeat(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                            struct scn_event *ev)
{
    if (ev->kind != SCN_MIGRATE && ev->kind != SCN_PARTITION && ev->kind != SCN_HEAL && ev->kind != SCN_PAUSE)
        return jcheck_fail(&p->jc, at, "only \"migrate\", \"partition\", \"heal\" and \"pause\" events repeat");
    if (jcheck_object(&p->jc, at, item, scn_repeat_keys) < 0)
        return -1;
    const cJSON *every, *count;
    if (jcheck_required(&p->jc, at, item, "every", &every) < 0 ||
        jcheck_required(&p->jc, at, item, "count", &count) < 0)
        return -1;
    struct jpath every_at = jpath_member(at, "every"), count_at = jpath_member(at, "count");
    if (scn_parse_duration(p, &every_at, every, &ev->every_ns) < 0)
        return -1;
    if (ev->every_ns == 0)
        return jcheck_fail(&p->jc, &every_at, "must be longer than 0s");
    uint64_t n = 0;
    if (jcheck_uint(&p->jc, &count_at, count, "a positive integer", 1, SCN_MAX_REPEAT, &n) < 0)
        return -1;
    ev->count = (uint32_t)n;
    return 0;
}

/* ---- one event ----------------------------------------------------------- */

/* The event's one action key, which sets ev->kind. */
static int scn_find_action(struct scn_parser *p, const struct jpath *at, const cJSON *object,
                           struct scn_event *ev, const cJSON **action)
{
    *action = NULL;
    for (int kind = SCN_SPAWN; kind <= SCN_PAUSE; kind++) {
        const cJSON *v = jcheck_member(object, scn_action_keys[kind]);
        if (v == NULL)
            continue;
        if (*action != NULL)
            return jcheck_fail(&p->jc, at, "more than one action: \"%s\" and \"%s\"",
                               scn_action_keys[ev->kind], scn_action_keys[kind]);
        *action = v;
        ev->kind = (enum scn_event_kind)kind;
    }
    if (*action == NULL)
        return jcheck_fail(&p->jc, at,
                           "no action: expected one of \"spawn\", \"crash\", \"restart\", "
                           "\"partition\", \"heal\", \"migrate\" or \"pause\"");
    return 0;
}

static int scn_parse_at(struct scn_parser *p, const struct jpath *at, const cJSON *object,
                        struct scn_event *ev)
{
    const cJSON *v;
    if (jcheck_required(&p->jc, at, object, "at", &v) < 0)
        return -1;
    struct jpath sub = jpath_member(at, "at");
    if (scn_parse_duration(p, &sub, v, &ev->at_ns) < 0)
        return -1;
    if (ev->at_ns > p->s->max_time_ns)
        return scn_fail_after_max_time(p, &sub, v, "after");
    return 0;
}

static int scn_parse_event(struct scn_parser *p, const struct jpath *at, const cJSON *object,
                           struct scn_event *ev)
{
    const cJSON *action;
    if (jcheck_object(&p->jc, at, object, scn_event_keys) < 0 || scn_parse_at(p, at, object, ev) < 0 ||
        scn_find_action(p, at, object, ev, &action) < 0)
        return -1;
    struct jpath sub = jpath_member(at, scn_action_keys[ev->kind]);
    int rc = -1;
    switch (ev->kind) {
    case SCN_SPAWN: rc = scn_parse_spawn(p, &sub, action, ev); break;
    case SCN_CRASH:
    case SCN_RESTART: rc = scn_parse_target(p, &sub, action, ev); break;
    case SCN_PARTITION: rc = scn_parse_partition(p, &sub, action, ev); break;
    case SCN_HEAL: rc = jcheck_object(&p->jc, &sub, action, scn_no_keys); break;
    case SCN_MIGRATE: rc = scn_parse_migrate(p, &sub, action, ev); break;
    case SCN_PAUSE: rc = scn_parse_pause(p, &sub, action, ev); break;
    }
    const cJSON *repeat = jcheck_member(object, "repeat");
    struct jpath repeat_at = jpath_member(at, "repeat");
    if (rc == 0 && repeat != NULL)
        rc = scn_parse_repeat(p, &repeat_at, repeat, ev);
    return rc;
}

/* ---- the array ----------------------------------------------------------- */

/* Stable merge of sorted runs a[lo, mid) and a[mid, hi) through tmp. */
static void scn_merge_events(struct scn_event *a, struct scn_event *tmp, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmp[k++] = a[j].at_ns < a[i].at_ns ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

/* Bottom-up merge sort: stable, so events at the same time keep file
 * order, and O(n log n) whatever the input. */
static int scn_sort_events(struct scenario *s)
{
    size_t n = s->event_count;
    struct scn_event *tmp = malloc((n > 0 ? n : 1) * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            scn_merge_events(s->events, tmp, lo, lo + width, hi);
        }
    free(tmp);
    return 0;
}

int scn_parse_events(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    size_t count = 0;
    if (jcheck_array(&p->jc, at, item, &count) < 0)
        return -1;
    if (count > SCN_MAX_EVENTS)
        return jcheck_fail(&p->jc, at, "at most %u events, got %zu", SCN_MAX_EVENTS, count);
    if (count == 0)
        return 0;
    struct scenario *s = p->s;
    /* Counted in full at once so that scenario_free releases whatever a
     * failed parse left behind; unfilled entries are all zero. */
    s->events = calloc(count, sizeof *s->events);
    if (s->events == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    s->event_count = (uint32_t)count;
    size_t i = 0;
    const cJSON *event;
    cJSON_ArrayForEach(event, item) {
        struct jpath sub = jpath_element(at, i);
        s->events[i].index = (uint32_t)i;
        s->events[i].count = 1;
        if (scn_parse_event(p, &sub, event, &s->events[i]) < 0)
            return -1;
        i++;
    }
    if (scn_sort_events(s) < 0)
        return jcheck_fail(&p->jc, at, "out of memory");
    return 0;
}

void scn_free_event(struct scn_event *ev)
{
    for (uint32_t i = 0; i < ev->argc; i++)
        free(ev->argv[i]);
    free(ev->argv);
    free(ev->program);
    free(ev->group_of_node);
    memset(ev, 0, sizeof *ev);
}
