/*
 * history_versions.c - the end of a history check (history_priv.h): which
 * version of each object each top-level action left (its last write that
 * no abort undid), the order in which nodes installed them, what each
 * committed read saw, and the serialization graph those give.
 */
#include <stdlib.h>
#include <string.h>

#include "history_priv.h"
#include "host/xalloc.h"
#include "key_map.h"

static uint64_t pair_key(uint32_t a, uint32_t b)
{
    return (uint64_t)a << 32 | b;
}

/* One object's versions in the order nodes installed them, as the
 * top-level actions that wrote them. */
struct object_order {
    uint32_t *roots;
    size_t count, capacity;
};

struct analysis {
    struct history *h;
    struct key_map finals;       /* (root, object) -> struct final */
    struct key_map positions;    /* (object, root) -> index in its order + 1 */
    struct key_map installed;    /* (object, node) -> versions installed so far */
    struct object_order *orders; /* by object */
};

struct final {
    struct version v;
    uint64_t line;
};

static const char *action_name(const struct history *h, uint32_t a)
{
    return intern_name(&h->action_ids, a);
}

static const char *object_name(const struct history *h, uint32_t o)
{
    return intern_name(&h->object_names, o);
}

static uint32_t root_of(const struct history *h, uint32_t a)
{
    return h->actions[a].root;
}

static void find_finals(struct analysis *an)
{
    const struct history *h = an->h;
    for (size_t i = 0; i < h->write_count; i++) {
        const struct access *w = &h->writes[i];
        if (!history_effective(h, w->action))
            continue;
        struct final *f = key_map_get(&an->finals, pair_key(root_of(h, w->action), w->object), true, NULL);
        *f = (struct final){.v = w->v, .line = w->line};
    }
}

static const struct final *final_of(struct analysis *an, uint32_t root, uint32_t object)
{
    return key_map_get(&an->finals, pair_key(root, object), false, NULL);
}

static bool same_version(struct version a, struct version b)
{
    return a.writer == b.writer && a.wseq == b.wseq;
}

/* Whether installing `in` is right; the finding when it is not. */
static bool install_is_final(struct analysis *an, const struct install *in)
{
    struct history *h = an->h;
    uint32_t root = root_of(h, in->v.writer);
    const struct final *f = final_of(an, root, in->object);
    const char *what = !history_effective(h, in->v.writer)          ? "which aborted"
                       : h->actions[root].state != ACTION_COMMITTED ? "which never committed"
                       : f == NULL || !same_version(f->v, in->v)    ? "which is not its last write of it"
                                                                    : NULL;
    if (what != NULL)
        history_report(h, in->line, false, "node %u installed %s as written by %s (write %u), %s", in->node,
                       object_name(h, in->object), action_name(h, in->v.writer), in->v.wseq, what);
    return what == NULL;
}

/* The n-th version a node installs of an object must be the n-th every
 * other node installs, and each version comes once. */
static void order_install(struct analysis *an, const struct install *in)
{
    struct history *h = an->h;
    uint32_t root = root_of(h, in->v.writer);
    uint32_t *installed = key_map_get(&an->installed, pair_key(in->object, in->node), true, NULL);
    struct object_order *o = &an->orders[in->object];
    size_t at = (*installed)++;
    if (at < o->count) {
        if (o->roots[at] != root)
            history_report(h, in->line, false,
                           "replicas of %s disagree: node %u installed %s's version as version %zu, "
                           "another node %s's",
                           object_name(h, in->object), in->node, action_name(h, root), at + 1,
                           action_name(h, o->roots[at]));
        return;
    }
    uint32_t *position = key_map_get(&an->positions, pair_key(in->object, root), true, NULL);
    if (*position != 0) {
        history_report(h, in->line, false, "node %u installed %s's version of %s a second time", in->node,
                       action_name(h, root), object_name(h, in->object));
        (*installed)--;
        return;
    }
    if (o->count == o->capacity) {
        o->capacity = o->capacity ? o->capacity * 2u : 8u;
        o->roots = xrealloc(o->roots, o->capacity * sizeof o->roots[0]);
    }
    o->roots[o->count++] = root;
    *position = (uint32_t)o->count;
}

static void order_versions(struct analysis *an)
{
    for (size_t i = 0; i < an->h->install_count; i++)
        if (install_is_final(an, &an->h->installs[i]))
            order_install(an, &an->h->installs[i]);
}

/* A committed action's last write that no node installed is lost. */
static void check_committed_installed(struct analysis *an)
{
    struct history *h = an->h;
    uint64_t key;
    for (size_t i = 0; i < an->finals.capacity; i++) {
        const struct final *f = key_map_slot(&an->finals, i, &key);
        uint32_t root = (uint32_t)(key >> 32), object = (uint32_t)key;
        if (f != NULL && h->actions[root].state == ACTION_COMMITTED &&
            key_map_get(&an->positions, pair_key(object, root), false, NULL) == NULL)
            history_report(h, f->line, false, "%s committed a write of %s that no node installed",
                           action_name(h, root), object_name(h, object));
    }
}

static void ww_edges(struct analysis *an)
{
    for (uint32_t o = 0; o < an->h->object_names.count; o++)
        for (size_t i = 1; i < an->orders[o].count; i++)
            dep_graph_add(&an->h->graph, an->orders[o].roots[i - 1u], an->orders[o].roots[i], o, DEP_WW);
}

/* The edges a committed read makes, or the anomaly it is (G1a, G1b). */
static void read_edges(struct analysis *an, const struct access *x)
{
    struct history *h = an->h;
    uint32_t reader = root_of(h, x->action), object = x->object;
    if (h->actions[reader].state != ACTION_COMMITTED || !history_effective(h, x->action))
        return; /* only what committed actions saw matters */
    const struct object_order *o = &an->orders[object];
    size_t next = 0; /* the version after the one read */
    if (x->v.writer != NONE) {
        uint32_t writer = root_of(h, x->v.writer);
        bool aborted = !history_effective(h, x->v.writer);
        if (aborted || h->actions[writer].state != ACTION_COMMITTED) {
            history_report(h, x->line, true, "G1a (aborted read): %s read %s as written by %s, which %s",
                           action_name(h, x->action), object_name(h, object), action_name(h, x->v.writer),
                           aborted ? "aborted" : "never committed");
            return;
        }
        if (writer == reader)
            return; /* its own write */
        const struct final *f = final_of(an, writer, object);
        if (f == NULL) {
            history_report(h, x->line, false, "%s read %s as written by %s, which never wrote it",
                           action_name(h, x->action), object_name(h, object), action_name(h, x->v.writer));
            return;
        }
        if (!same_version(f->v, x->v)) {
            history_report(
                h, x->line, true,
                "G1b (intermediate read): %s read %s as written by %s (write %u), not %s's last write "
                "of it (%s, write %u)",
                action_name(h, x->action), object_name(h, object), action_name(h, x->v.writer), x->v.wseq,
                action_name(h, writer), action_name(h, f->v.writer), f->v.wseq);
            return;
        }
        const uint32_t *position = key_map_get(&an->positions, pair_key(object, writer), false, NULL);
        if (position == NULL)
            return; /* never installed: reported as such */
        dep_graph_add(&h->graph, writer, reader, object, DEP_WR);
        next = *position;
    }
    if (next < o->count)
        dep_graph_add(&h->graph, reader, o->roots[next], object, DEP_RW);
}

static void on_cycle(void *ctx, enum dep_anomaly a, const struct dep_edge *const *cycle, size_t length)
{
    struct history *h = ctx;
    char text[1024];
    size_t n =
        (size_t)snprintf(text, sizeof text, "%s: %s", dep_anomaly_name(a), action_name(h, cycle[0]->from));
    for (size_t i = 0; i < length && n < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, " -%s %s-> %s", dep_kind_name(cycle[i]->kind),
                              object_name(h, cycle[i]->object), action_name(h, cycle[i]->to));
    history_report(h, 0, true, "%s", text);
}

void history_analyse(struct history *h)
{
    struct analysis an = {.h = h, .orders = xcalloc(h->object_names.count + 1u, sizeof an.orders[0])};
    key_map_init(&an.finals, sizeof(struct final));
    key_map_init(&an.positions, sizeof(uint32_t));
    key_map_init(&an.installed, sizeof(uint32_t));
    find_finals(&an);
    order_versions(&an);
    check_committed_installed(&an);
    dep_graph_init(&h->graph, h->action_ids.count);
    ww_edges(&an);
    for (size_t i = 0; i < h->read_count; i++)
        read_edges(&an, &h->reads[i]);
    (void)dep_graph_find_cycles(&h->graph, on_cycle, h);
    for (uint32_t o = 0; o < h->object_names.count; o++)
        free(an.orders[o].roots);
    free(an.orders);
    key_map_free(&an.finals);
    key_map_free(&an.positions);
    key_map_free(&an.installed);
}
