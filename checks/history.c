/*
 * history.c - see history.h; reading the trace (history_priv.h).
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "history.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "history_priv.h"
#include "host/xalloc.h"

void history_report(struct history *h, uint64_t line, bool anomaly, const char *fmt, ...)
{
    uint64_t shown = h->r->anomalies + h->r->violations;
    if (anomaly)
        h->r->anomalies++;
    else
        h->r->violations++;
    if (shown >= HISTORY_MAX_SHOWN)
        return;
    if (line != 0)
        fprintf(h->report, "%s:%llu: ", h->name, (unsigned long long)line);
    else
        fprintf(h->report, "%s: ", h->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(h->report, fmt, ap);
    va_end(ap);
    fputc('\n', h->report);
}

bool history_effective(const struct history *h, uint32_t action)
{
    for (uint32_t a = action; a != NONE; a = h->actions[a].parent)
        if (h->actions[a].state == ACTION_ABORTED)
            return false;
    return true;
}

static const char *string_field(const cJSON *line, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(line, key);
    return cJSON_IsString(item) && item->valuestring[0] != '\0' ? item->valuestring : NULL;
}

static bool uint_field(const cJSON *line, const char *key, uint32_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(line, key);
    if (!cJSON_IsNumber(item) || item->valuedouble < 0 || item->valuedouble > UINT32_MAX ||
        item->valuedouble != (double)(uint32_t)item->valuedouble)
        return false;
    *out = (uint32_t)item->valuedouble;
    return true;
}

/* The action called `text`; a new one is ACTION_UNSEEN, top-level until
 * it begins (a read may name a writer before its begin line). */
static uint32_t action_of(struct history *h, const char *text)
{
    uint32_t known = h->action_ids.count;
    uint32_t id = intern_id(&h->action_ids, text);
    if (id < known)
        return id;
    if (id >= h->action_capacity) {
        h->action_capacity = h->action_capacity ? h->action_capacity * 2u : 64u;
        h->actions = xrealloc(h->actions, h->action_capacity * sizeof h->actions[0]);
    }
    h->actions[id] = (struct action){.state = ACTION_UNSEEN, .parent = NONE, .root = id};
    return id;
}

static const char *action_name(const struct history *h, uint32_t a)
{
    return intern_name(&h->action_ids, a);
}

static void on_begin(struct history *h, uint32_t a, const char *parent_text)
{
    struct action *act = &h->actions[a];
    if (act->state != ACTION_UNSEEN) {
        history_report(h, h->line, false, "action %s began twice", action_name(h, a));
        return;
    }
    uint32_t parent = parent_text != NULL ? action_of(h, parent_text) : NONE;
    act = &h->actions[a]; /* action_of may have moved it */
    if (parent != NONE && h->actions[parent].state != ACTION_RUNNING) {
        history_report(h, h->line, false, "action %s began inside %s, which is not running",
                       action_name(h, a), parent_text);
        return;
    }
    *act = (struct action){.state = ACTION_RUNNING, .parent = parent, .root = a};
    if (parent != NONE) {
        act->root = h->actions[parent].root;
        h->actions[parent].running_children++;
    } else {
        h->r->actions++;
    }
}

static void on_end(struct history *h, uint32_t a, bool commit)
{
    struct action *act = &h->actions[a];
    if (commit && act->running_children != 0) {
        history_report(h, h->line, false, "action %s committed with %u nested action%s still running",
                       action_name(h, a), act->running_children, act->running_children == 1 ? "" : "s");
        return;
    }
    act->state = commit ? ACTION_COMMITTED : ACTION_ABORTED;
    if (act->parent != NONE)
        h->actions[act->parent].running_children--;
    else if (commit)
        h->r->committed++;
    else
        h->r->aborted++;
}

#define APPEND(array, count, capacity, value)                                                                \
    do {                                                                                                     \
        if ((count) == (capacity)) {                                                                         \
            (capacity) = (capacity) ? (capacity)*2u : 256u;                                                  \
            (array) = xrealloc((array), (capacity) * sizeof(array)[0]);                                      \
        }                                                                                                    \
        (array)[(count)++] = (value);                                                                        \
    } while (0)

/* The version a line names: writer + wseq, or the first version. */
static bool version_field(struct history *h, const cJSON *line, bool writer_needed, struct version *v)
{
    const char *writer = string_field(line, "writer");
    *v = (struct version){.writer = NONE};
    if (writer == NULL)
        return !writer_needed;
    v->writer = action_of(h, writer);
    return uint_field(line, "wseq", &v->wseq) && v->wseq > 0;
}

static void on_access(struct history *h, const char *ev, uint32_t a, uint32_t object, const cJSON *line)
{
    struct access x = {.action = a, .object = object, .line = h->line};
    if (strcmp(ev, "action_write") == 0) {
        if (!uint_field(line, "wseq", &x.v.wseq) || x.v.wseq == 0) {
            history_report(h, h->line, false, "action_write without a wseq from 1");
            return;
        }
        x.v.writer = a;
        APPEND(h->writes, h->write_count, h->write_capacity, x);
    } else if (!version_field(h, line, false, &x.v)) {
        history_report(h, h->line, false, "action_read of a writer without a wseq from 1");
    } else {
        APPEND(h->reads, h->read_count, h->read_capacity, x);
    }
}

/* An event of a running action: begin, end, read or write. */
static void on_action_event(struct history *h, const char *ev, const cJSON *line)
{
    const char *text = string_field(line, "action");
    if (text == NULL) {
        history_report(h, h->line, false, "%s without an action", ev);
        return;
    }
    uint32_t a = action_of(h, text);
    if (strcmp(ev, "action_begin") == 0) {
        on_begin(h, a, string_field(line, "parent"));
        return;
    }
    enum action_state state = h->actions[a].state;
    if (state == ACTION_UNSEEN) {
        history_report(h, h->line, false, "%s of action %s, which never began", ev, text);
    } else if (state != ACTION_RUNNING) {
        history_report(h, h->line, false, "%s of action %s after it %s", ev, text,
                       state == ACTION_COMMITTED ? "committed" : "aborted");
    } else if (strcmp(ev, "action_commit") == 0 || strcmp(ev, "action_abort") == 0) {
        on_end(h, a, strcmp(ev, "action_commit") == 0);
    } else {
        const char *object = string_field(line, "object");
        if (object == NULL)
            history_report(h, h->line, false, "%s without an object", ev);
        else
            on_access(h, ev, a, intern_id(&h->object_names, object), line);
    }
}

static void on_install(struct history *h, const cJSON *line)
{
    const char *object = string_field(line, "object");
    struct install in = {.line = h->line};
    if (object == NULL || !uint_field(line, "node", &in.node) || !version_field(h, line, true, &in.v)) {
        history_report(h, h->line, false, "object_install without a node, an object, a writer and a wseq");
        return;
    }
    in.object = intern_id(&h->object_names, object);
    APPEND(h->installs, h->install_count, h->install_capacity, in);
}

static void check_line(struct history *h, const cJSON *line)
{
    const char *ev = string_field(line, "ev");
    if (ev == NULL)
        return; /* run_check reports those; here only actions count */
    if (strncmp(ev, "action_", 7) == 0)
        on_action_event(h, ev, line);
    else if (strcmp(ev, "object_install") == 0)
        on_install(h, line);
}

static void history_free(struct history *h)
{
    intern_free(&h->action_ids);
    intern_free(&h->object_names);
    free(h->actions);
    free(h->reads);
    free(h->writes);
    free(h->installs);
    dep_graph_free(&h->graph);
}

int history_check_trace(FILE *trace, const char *name, FILE *report, struct history_result *out)
{
    struct history h = {.name = name, .report = report, .r = out};
    memset(out, 0, sizeof *out);
    intern_init(&h.action_ids);
    intern_init(&h.object_names);
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&text, &cap, trace)) > 0) {
        h.line++;
        cJSON *line = cJSON_ParseWithLength(text, (size_t)len);
        if (cJSON_IsObject(line))
            check_line(&h, line);
        else
            history_report(&h, h.line, false, "not a JSON object");
        cJSON_Delete(line);
    }
    free(text);
    out->lines = h.line;
    int rc = ferror(trace) ? -1 : 0;
    if (rc < 0)
        fprintf(report, "%s: read error after line %llu\n", name, (unsigned long long)h.line);
    else
        history_analyse(&h);
    out->objects = h.object_names.count;
    history_free(&h);
    return rc;
}
