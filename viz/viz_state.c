/*
 * viz_state.c - see viz_state.h. The process arrays grow when an event
 * names a process the state has not seen (the run keeps adding them).
 */
#include "viz_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"
#include "viz_run.h"

void viz_state_init(struct viz_state *s, uint32_t node_count)
{
    memset(s, 0, sizeof *s);
    s->node_count = node_count;
    s->up = xcalloc(node_count, sizeof s->up[0]);
    s->load_milli = xcalloc(node_count, sizeof s->load_milli[0]);
    s->runq = xcalloc(node_count, sizeof s->runq[0]);
    s->queue = xcalloc(node_count, sizeof s->queue[0]);
    s->down_ns = xcalloc(node_count, sizeof s->down_ns[0]);
    s->groups = VIZ_NO_GROUPS;
}

void viz_state_free(struct viz_state *s)
{
    free(s->up);
    free(s->load_milli);
    free(s->runq);
    free(s->queue);
    free(s->down_ns);
    free(s->proc_node);
    free(s->proc_mig);
    free(s->proc_blocked);
    memset(s, 0, sizeof *s);
}

static void *dup_bytes(void *old, const void *src, size_t bytes)
{
    void *p = xrealloc(old, bytes);
    if (bytes)
        memcpy(p, src, bytes);
    return p;
}

void viz_state_copy(struct viz_state *dst, const struct viz_state *src)
{
    struct viz_state d = *src;
    size_t nb = src->node_count * sizeof(uint32_t), pb = src->proc_cap * sizeof(uint32_t);
    d.up = dup_bytes(dst->up, src->up, src->node_count);
    d.load_milli = dup_bytes(dst->load_milli, src->load_milli, nb);
    d.runq = dup_bytes(dst->runq, src->runq, nb);
    d.queue = dup_bytes(dst->queue, src->queue, nb);
    d.down_ns = dup_bytes(dst->down_ns, src->down_ns, src->node_count * sizeof(uint64_t));
    d.proc_node = dup_bytes(dst->proc_node, src->proc_node, pb);
    d.proc_mig = dup_bytes(dst->proc_mig, src->proc_mig, pb);
    d.proc_blocked = dup_bytes(dst->proc_blocked, src->proc_blocked, src->proc_cap);
    *dst = d;
}

size_t viz_state_bytes(const struct viz_state *s)
{
    return sizeof *s + (size_t)s->node_count * 21u + (size_t)s->proc_cap * 9u;
}

static void ensure_proc(struct viz_state *s, uint32_t proc)
{
    if (proc < s->proc_cap)
        return;
    uint32_t cap = s->proc_cap ? s->proc_cap : 64;
    while (cap <= proc)
        cap *= 2;
    s->proc_node = xrealloc(s->proc_node, cap * sizeof s->proc_node[0]);
    s->proc_mig = xrealloc(s->proc_mig, cap * sizeof s->proc_mig[0]);
    s->proc_blocked = xrealloc(s->proc_blocked, cap * sizeof s->proc_blocked[0]);
    for (uint32_t i = s->proc_cap; i < cap; i++) {
        s->proc_node[i] = VIZ_NOWHERE;
        s->proc_mig[i] = VIZ_NO_MIG;
        s->proc_blocked[i] = 0;
    }
    s->proc_cap = cap;
}

/* Keep the imbalance sums in step with a live node's run queue. */
static void count_node(struct viz_state *s, uint32_t node, int sign)
{
    uint64_t q = s->queue[node];
    if (sign > 0) {
        s->up_count++, s->runq_sum += q, s->runq_sumsq += q * q;
    } else {
        s->up_count--, s->runq_sum -= q, s->runq_sumsq -= q * q;
    }
}

/* Change a node's run queue by delta, keeping the imbalance sums. */
static void queue_add(struct viz_state *s, uint32_t node, int delta)
{
    if (s->up[node])
        count_node(s, node, -1);
    int64_t q = (int64_t)s->queue[node] + delta;
    s->queue[node] = q < 0 ? 0 : q > VIZ_RUNQ_CAP ? VIZ_RUNQ_CAP : (uint32_t)q;
    if (s->up[node])
        count_node(s, node, +1);
}

static bool proc_queued(const struct viz_state *s, uint32_t p)
{
    return s->proc_node[p] != VIZ_NOWHERE && s->proc_mig[p] == VIZ_NO_MIG && !s->proc_blocked[p];
}

static void node_crash(struct viz_state *s, uint32_t node, uint64_t t_ns)
{
    if (s->up[node])
        count_node(s, node, -1);
    s->up[node] = 0;
    s->load_milli[node] = s->runq[node] = s->queue[node] = 0;
    s->down_ns[node] = t_ns;
    /* Its processes are gone; ones in flight from it may still land. */
    for (uint32_t p = 0; p < s->proc_cap; p++)
        if (s->proc_node[p] == node && s->proc_mig[p] == VIZ_NO_MIG)
            s->proc_node[p] = VIZ_NOWHERE;
}

static void node_boot(struct viz_state *s, uint32_t node)
{
    if (s->up[node])
        count_node(s, node, -1);
    s->up[node] = 1;
    s->load_milli[node] = s->runq[node] = s->queue[node] = 0;
    count_node(s, node, +1);
}

static void node_load(struct viz_state *s, const struct viz_event *e)
{
    s->load_milli[e->node] = e->a;
    s->runq[e->node] = e->b;
}

static void move_proc(struct viz_state *s, const struct viz_event *e, const struct viz_run *run)
{
    switch (e->kind) {
    case VIZ_EV_SPAWN:
        s->proc_node[e->proc] = e->node;
        s->proc_mig[e->proc] = VIZ_NO_MIG;
        s->proc_blocked[e->proc] = 0;
        break;
    case VIZ_EV_BLOCK: s->proc_blocked[e->proc] = 1; break;
    case VIZ_EV_WAKE: s->proc_blocked[e->proc] = 0; break;
    case VIZ_EV_EXIT:
    case VIZ_EV_FAULT: s->proc_node[e->proc] = VIZ_NOWHERE; s->proc_mig[e->proc] = VIZ_NO_MIG; break;
    case VIZ_EV_MIGRATE_START:
        s->proc_node[e->proc] = run->migs[e->a].from;
        s->proc_mig[e->proc] = e->a;
        break;
    case VIZ_EV_MIGRATE_INSTALL: s->proc_node[e->proc] = e->node; s->proc_mig[e->proc] = VIZ_NO_MIG; break;
    case VIZ_EV_MIGRATE_ABORT: s->proc_mig[e->proc] = VIZ_NO_MIG; break;
    default: break;
    }
}

/* A process event: take the process off its node's run queue, change
 * it, and put it back where it is now if it is runnable there. */
static void apply_proc(struct viz_state *s, const struct viz_event *e, const struct viz_run *run)
{
    ensure_proc(s, e->proc);
    uint32_t p = e->proc;
    if (proc_queued(s, p) && s->up[s->proc_node[p]])
        queue_add(s, s->proc_node[p], -1);
    move_proc(s, e, run);
    if (proc_queued(s, p) && s->up[s->proc_node[p]])
        queue_add(s, s->proc_node[p], +1);
}

void viz_state_apply(struct viz_state *s, const struct viz_run *run)
{
    const struct viz_event *e = &run->events[s->next++];
    switch (e->kind) {
    case VIZ_EV_BOOT: node_boot(s, e->node); break;
    case VIZ_EV_CRASH: node_crash(s, e->node, e->t_ns); break;
    case VIZ_EV_LOAD: node_load(s, e); break;
    case VIZ_EV_PARTITION: s->groups = e->a; break;
    case VIZ_EV_HEAL: s->groups = VIZ_NO_GROUPS; break;
    default:
        if (e->proc != VIZ_NO_PROC)
            apply_proc(s, e, run);
        break;
    }
}

uint32_t viz_state_imbalance_milli(const struct viz_state *s)
{
    if (s->up_count == 0 || s->runq_sum == 0)
        return 0;
    double n = s->up_count, sum = (double)s->runq_sum;
    double var = n * (double)s->runq_sumsq - sum * sum;
    if (var <= 0)
        return 0;
    double cv = sqrt(var) / sum * 1000.0;
    return cv >= 4e9 ? UINT32_MAX : (uint32_t)cv;
}

bool viz_state_linked(const struct viz_state *s, const struct viz_run *run, uint32_t a, uint32_t b)
{
    if (!s->up[a] || !s->up[b])
        return false;
    if (s->groups == VIZ_NO_GROUPS)
        return true;
    return run->groups[s->groups + a] == run->groups[s->groups + b];
}
