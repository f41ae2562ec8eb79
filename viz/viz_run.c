/*
 * viz_run.c - see viz_run.h: checking each decoded line against the run
 * so far (order, node and pid ranges, schema) and turning it into stored
 * events, processes, moves and indexes.
 */
#include "viz_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"
#include "viz_vec.h"

void viz_run_init(struct viz_run *r, const char *source)
{
    memset(r, 0, sizeof *r);
    snprintf(r->source, sizeof r->source, "%s", source);
    r->ckpt_interval = VIZ_CHECKPOINT_EVENTS;
}

void viz_run_free(struct viz_run *r)
{
    free(r->events);
    free(r->procs);
    viz_pidmap_free(&r->pidmap);
    free(r->migs);
    free(r->groups);
    free(r->programs);
    for (uint32_t i = 0; r->node_loads != NULL && i < r->node_count; i++)
        free(r->node_loads[i].v);
    free(r->node_loads);
    free(r->marks.v);
    viz_msgs_free(&r->msgs);
    viz_msgs_free(&r->kmsgs);
    free(r->imbalance);
    viz_state_free(&r->head);
    for (size_t i = 0; i < r->ckpt_count; i++)
        viz_state_free(&r->ckpts[i]);
    free(r->ckpts);
    free(r->partial);
    memset(r, 0, sizeof *r);
}

static int run_fail(struct viz_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int run_fail(struct viz_run *r, const char *fmt, ...)
{
    char why[VIZ_ERROR_BYTES / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(r->error, sizeof r->error, "%s:%llu: %s", r->source, (unsigned long long)r->lines, why);
    r->failed = true;
    return -1;
}

static uint32_t intern_program(struct viz_run *r, const struct viz_json_field *f)
{
    char name[VIZ_NAME_BYTES];
    viz_json_unescape(f->raw, f->raw_len, name, sizeof name);
    for (size_t i = 0; i < r->program_count; i++)
        if (strcmp(r->programs[i], name) == 0)
            return (uint32_t)i;
    r->programs = viz_vec_reserve(r->programs, &r->program_cap, r->program_count + 1,
                                  sizeof r->programs[0]);
    memcpy(r->programs[r->program_count], name, sizeof name);
    return (uint32_t)r->program_count++;
}

const char *viz_run_program(const struct viz_run *r, const struct viz_proc *p)
{
    return p->program < r->program_count ? r->programs[p->program] : "?";
}

/* The process a pid names now; a new record when `fresh` (a spawn) or
 * when the pid was never seen. VIZ_NO_PROC on error. */
static uint32_t proc_for(struct viz_run *r, struct viz_pid pid, bool fresh)
{
    if (pid.node >= r->node_count) {
        run_fail(r, "pid n%u.%u names node %u, but the run has %u nodes", pid.node, pid.local,
                 pid.node, r->node_count);
        return VIZ_NO_PROC;
    }
    uint64_t key = viz_pid_key(pid.node, pid.local);
    uint32_t idx = viz_pidmap_get(&r->pidmap, key);
    /* A node that restarted may hand out a pid again: a new process. */
    if (idx != VIZ_NO_PROC && !(fresh && r->procs[idx].home != VIZ_NO_NODE))
        return idx;
    if (r->proc_count >= VIZ_MAX_PROCS) {
        run_fail(r, "more than %u processes", VIZ_MAX_PROCS);
        return VIZ_NO_PROC;
    }
    struct viz_proc p = {.pid = pid, .program = UINT32_MAX, .home = VIZ_NO_NODE, .end_node = VIZ_NO_NODE,
                         .end_ns = UINT64_MAX, .first_mig = VIZ_NO_MIG,
                         .last_mig = VIZ_NO_MIG, .open_mig = VIZ_NO_MIG};
    idx = (uint32_t)r->proc_count;
    VIZ_VEC_PUSH(r->procs, r->proc_count, r->proc_cap, p);
    viz_pidmap_put(&r->pidmap, key, idx);
    return idx;
}

static int check_node_ref(struct viz_run *r, int64_t node, const char *what)
{
    if (node < 0 || node >= (int64_t)r->node_count)
        return run_fail(r, "%s %lld is not a node of this run (0 to %u)", what, (long long)node,
                        r->node_count - 1);
    return 0;
}

static int take_start(struct viz_run *r, const struct viz_line *l)
{
    if (r->started)
        return run_fail(r, "a second \"start\" line");
    const struct viz_json_field *schema = viz_json_get(&l->obj, "schema");
    r->schema = 1; /* traces from before the field existed */
    if (schema != NULL) {
        if (schema->type != VIZ_JSON_INT || schema->neg || schema->mag == 0)
            return run_fail(r, "\"schema\" must be a positive integer");
        if (schema->mag > VIZ_SCHEMA_VERSION)
            return run_fail(r, "trace schema %llu is newer than this visualizer reads (%u): "
                               "use a nimbus at least as new as the one that wrote it",
                            (unsigned long long)schema->mag, VIZ_SCHEMA_VERSION);
        r->schema = (uint32_t)schema->mag;
    }
    if (l->a < 1 || l->a > (int64_t)VIZ_MAX_NODES)
        return run_fail(r, "\"nodes\" must be from 1 to %u", VIZ_MAX_NODES);
    viz_json_unescape(l->text->raw, l->text->raw_len, r->scenario, sizeof r->scenario);
    r->seed = l->seed;
    r->node_count = (uint32_t)l->a;
    r->started = true;
    r->node_loads = xcalloc(r->node_count, sizeof r->node_loads[0]);
    viz_state_init(&r->head, r->node_count);
    return 0;
}

static int take_partition(struct viz_run *r, const struct viz_line *l, struct viz_event *e)
{
    if (l->groups->count != r->node_count)
        return run_fail(r, "\"groups\" has %u entries for %u nodes", l->groups->count,
                        r->node_count);
    r->groups = viz_vec_reserve(r->groups, &r->group_cap, r->group_count + r->node_count,
                                sizeof r->groups[0]);
    if (viz_json_array_u32(l->groups, r->groups + r->group_count, r->node_count) !=
        (long)r->node_count)
        return run_fail(r, "\"groups\" entries must be integers from 0 to 4294967295");
    e->a = (uint32_t)r->group_count;
    r->group_count += r->node_count;
    return 0;
}

static uint32_t clamp_u32(int64_t v, uint32_t max)
{
    return v < 0 ? 0 : v > (int64_t)max ? max : (uint32_t)v;
}

/* Open a move: VIZ_NO_MIG on error. */
static int take_migrate_start(struct viz_run *r, const struct viz_line *l, struct viz_event *e)
{
    if (check_node_ref(r, l->a, "\"to\"") < 0)
        return -1;
    struct viz_proc *p = &r->procs[e->proc];
    struct viz_migration m = {.proc = e->proc, .from = l->node, .to = (uint32_t)l->a,
                              .start_ns = l->t_ns, .end_ns = UINT64_MAX,
                              .next_of_proc = VIZ_NO_MIG};
    uint32_t idx = (uint32_t)r->mig_count;
    VIZ_VEC_PUSH(r->migs, r->mig_count, r->mig_cap, m);
    if (p->last_mig != VIZ_NO_MIG)
        r->migs[p->last_mig].next_of_proc = idx;
    else
        p->first_mig = idx;
    p->last_mig = p->open_mig = idx;
    e->a = idx;
    return 0;
}

/* Close the process's open move (install or abort); a line that closes
 * nothing is kept as a plain relocation. */
static int take_migrate_end(struct viz_run *r, const struct viz_line *l, struct viz_event *e)
{
    if (check_node_ref(r, l->a, l->ev == VIZ_EV_MIGRATE_INSTALL ? "\"from\"" : "\"to\"") < 0)
        return -1;
    struct viz_proc *p = &r->procs[e->proc];
    e->a = p->open_mig;
    if (p->open_mig == VIZ_NO_MIG)
        return 0;
    struct viz_migration *m = &r->migs[p->open_mig];
    if (l->ev == VIZ_EV_MIGRATE_DONE) {
        m->freeze_us = clamp_u32(l->b, UINT32_MAX);
        return 0;
    }
    m->end_ns = l->t_ns;
    m->outcome = l->ev == VIZ_EV_MIGRATE_INSTALL ? VIZ_MIG_INSTALLED : VIZ_MIG_ABORTED;
    p->open_mig = VIZ_NO_MIG;
    return 0;
}

static int take_proc_event(struct viz_run *r, const struct viz_line *l, struct viz_event *e)
{
    e->proc = proc_for(r, l->pid, l->ev == VIZ_EV_SPAWN);
    if (e->proc == VIZ_NO_PROC)
        return -1;
    struct viz_proc *p = &r->procs[e->proc];
    switch (l->ev) {
    case VIZ_EV_SPAWN:
        p->home = l->node;
        p->spawn_ns = l->t_ns;
        p->program = intern_program(r, l->text);
        return 0;
    case VIZ_EV_EXIT:
    case VIZ_EV_FAULT:
        p->end_ns = l->t_ns;
        p->end_node = l->node;
        p->status = l->a;
        p->how = l->ev == VIZ_EV_EXIT ? VIZ_EXITED : VIZ_FAULTED;
        return 0;
    case VIZ_EV_SEND:
        e->a = proc_for(r, l->other, false);
        if (e->a == VIZ_NO_PROC)
            return -1;
        viz_msgs_send(&r->msgs, l->t_ns, l->node, UINT32_MAX, e->proc, e->a, 0);
        return 0;
    case VIZ_EV_BLOCK:
    case VIZ_EV_WAKE: return 0;
    case VIZ_EV_MIGRATE_START: return take_migrate_start(r, l, e);
    default: return take_migrate_end(r, l, e);
    }
}

static int take_end(struct viz_run *r, const struct viz_line *l)
{
    viz_json_unescape(l->text->raw, l->text->raw_len, r->end_reason, sizeof r->end_reason);
    r->ended = true;
    return 0;
}

/* The processes a crash takes with it (those not in flight). */
static void mark_lost(struct viz_run *r, const struct viz_line *l)
{
    const struct viz_state *h = &r->head;
    for (uint32_t p = 0; p < h->proc_cap && p < r->proc_count; p++) {
        if (h->proc_node[p] != l->node || h->proc_mig[p] != VIZ_NO_MIG)
            continue;
        r->procs[p].how = VIZ_LOST;
        r->procs[p].end_ns = l->t_ns;
        r->procs[p].end_node = l->node;
    }
}

/* A delivery or a drop ends the oldest message in flight between its
 * two processes; nothing is stored. */
static int take_arrival(struct viz_run *r, const struct viz_line *l)
{
    uint32_t dst = proc_for(r, l->pid, false);
    uint32_t src = dst == VIZ_NO_PROC ? VIZ_NO_PROC : proc_for(r, l->other, false);
    if (src == VIZ_NO_PROC)
        return -1;
    viz_msgs_arrive(&r->msgs, l->t_ns, l->node, src, dst, 0,
                    l->ev == VIZ_EV_DELIVER ? VIZ_MSG_DELIVERED : VIZ_MSG_DROPPED);
    return 1;
}

/* A kernel message leaves (ksend) or arrives (krecv): paired by the two
 * nodes and the sequence number; nothing is stored. */
static int take_kernel_message(struct viz_run *r, const struct viz_line *l)
{
    if (check_node_ref(r, l->a, l->ev == VIZ_EV_KSEND ? "\"to\"" : "\"from\"") < 0)
        return -1;
    uint32_t peer = (uint32_t)l->a, seq = clamp_u32(l->b, UINT32_MAX);
    if (l->ev == VIZ_EV_KSEND)
        viz_msgs_send(&r->kmsgs, l->t_ns, l->node, peer, l->node, peer, seq);
    else
        viz_msgs_arrive(&r->kmsgs, l->t_ns, l->node, peer, l->node, seq, VIZ_MSG_DELIVERED);
    return 1;
}

bool viz_run_is_mark(uint8_t kind)
{
    return kind == VIZ_EV_CRASH || kind == VIZ_EV_RESTART || kind == VIZ_EV_PAUSE ||
           kind == VIZ_EV_RESUME || kind == VIZ_EV_PARTITION || kind == VIZ_EV_PARTITION_ONE_WAY ||
           kind == VIZ_EV_HEAL;
}

const char *viz_mark_label(uint8_t kind)
{
    switch (kind) {
    case VIZ_EV_CRASH: return "crash";
    case VIZ_EV_RESTART: return "restart";
    case VIZ_EV_PAUSE: return "pause";
    case VIZ_EV_RESUME: return "resume";
    case VIZ_EV_PARTITION: return "partition";
    case VIZ_EV_PARTITION_ONE_WAY: return "one-way partition";
    case VIZ_EV_HEAL: return "heal";
    default: return "";
    }
}

/* Fill the stored event for a decoded line; 1 when the line stores
 * nothing, 0 to store, -1 on error. */
static int make_event(struct viz_run *r, const struct viz_line *l, struct viz_event *e)
{
    *e = (struct viz_event){.t_ns = l->t_ns, .node = l->node, .proc = VIZ_NO_PROC,
                            .kind = (uint8_t)l->ev};
    switch (l->ev) {
    case VIZ_EV_START: return take_start(r, l) < 0 ? -1 : 1;
    case VIZ_EV_END: return take_end(r, l) < 0 ? -1 : 1;
    case VIZ_EV_OTHER:
    case VIZ_EV_UNKNOWN: return 1;
    case VIZ_EV_DELIVER:
    case VIZ_EV_DROP: return take_arrival(r, l);
    case VIZ_EV_KSEND:
    case VIZ_EV_KRECV: return take_kernel_message(r, l);
    case VIZ_EV_RESTART:
    case VIZ_EV_PAUSE:
    case VIZ_EV_RESUME:
    case VIZ_EV_PARTITION_ONE_WAY: return 0;
    case VIZ_EV_MIGRATE_DONE: return take_proc_event(r, l, e) < 0 ? -1 : 1;
    case VIZ_EV_CRASH: mark_lost(r, l); return 0;
    case VIZ_EV_LOAD:
        if (l->a < 0 || l->b < 0)
            return run_fail(r, "\"load\" event: load_milli and runq cannot be negative");
        e->a = clamp_u32(l->a, UINT32_MAX);
        e->b = clamp_u32(l->b, VIZ_RUNQ_CAP);
        return 0;
    case VIZ_EV_PARTITION: return take_partition(r, l, e);
    case VIZ_EV_BOOT:
    case VIZ_EV_HEAL: return 0;
    default: return take_proc_event(r, l, e);
    }
}

static void record_imbalance(struct viz_run *r, uint64_t t_ns)
{
    uint32_t v = viz_state_imbalance_milli(&r->head);
    struct viz_point *last = r->imbalance_count ? &r->imbalance[r->imbalance_count - 1] : NULL;
    if (last != NULL && last->t_ns == t_ns) {
        last->value_milli = v;
        if (r->imbalance_count >= 2 && r->imbalance[r->imbalance_count - 2].value_milli == v)
            r->imbalance_count--; /* the change undone within one instant */
        return;
    }
    if (last != NULL && last->value_milli == v)
        return;
    struct viz_point p = {.t_ns = t_ns, .value_milli = v};
    VIZ_VEC_PUSH(r->imbalance, r->imbalance_count, r->imbalance_cap, p);
}

/* Keep every checkpoint within the budget: when full, drop every other
 * one and space them twice as far apart from now on. */
static void maybe_checkpoint(struct viz_run *r)
{
    size_t last = r->ckpt_count ? r->ckpts[r->ckpt_count - 1].next : 0;
    if (r->head.next - last < r->ckpt_interval)
        return;
    if ((r->ckpt_count + 1) * viz_state_bytes(&r->head) > VIZ_CHECKPOINT_BUDGET_BYTES &&
        r->ckpt_count >= 2) {
        size_t kept = 0;
        for (size_t i = 0; i < r->ckpt_count; i++) {
            if (i % 2 == 1) {
                viz_state_free(&r->ckpts[i]);
                continue;
            }
            r->ckpts[kept++] = r->ckpts[i];
        }
        r->ckpt_count = kept;
        r->ckpt_interval *= 2;
    }
    r->ckpts = viz_vec_reserve(r->ckpts, &r->ckpt_cap, r->ckpt_count + 1, sizeof r->ckpts[0]);
    memset(&r->ckpts[r->ckpt_count], 0, sizeof r->ckpts[0]);
    viz_state_copy(&r->ckpts[r->ckpt_count++], &r->head);
}

static void store_event(struct viz_run *r, const struct viz_event *e)
{
    if (e->kind == VIZ_EV_LOAD) {
        struct viz_u32_vec *h = &r->node_loads[e->node];
        VIZ_VEC_PUSH(h->v, h->n, h->cap, (uint32_t)r->event_count);
    } else if (viz_run_is_mark(e->kind)) {
        VIZ_VEC_PUSH(r->marks.v, r->marks.n, r->marks.cap, (uint32_t)r->event_count);
    }
    VIZ_VEC_PUSH(r->events, r->event_count, r->event_cap, *e);
    viz_state_apply(&r->head, r);
    record_imbalance(r, e->t_ns);
    maybe_checkpoint(r);
}

static int check_order(struct viz_run *r, const struct viz_line *l)
{
    if (!r->started && l->ev != VIZ_EV_START)
        return run_fail(r, "the first line must be the \"start\" event (is this a nimbus trace?)");
    if (r->ended)
        return run_fail(r, "a line after the \"end\" line");
    if (l->t_ns < r->t_end_ns)
        return run_fail(r, "time goes back (t %llu after %llu): lines must be in time order",
                        (unsigned long long)l->t_ns, (unsigned long long)r->t_end_ns);
    if (l->node != VIZ_NO_NODE && r->started && l->node >= r->node_count)
        return run_fail(r, "node %u is not a node of this run (0 to %u)", l->node,
                        r->node_count - 1);
    return 0;
}

int viz_run_add_line(struct viz_run *r, const char *line, size_t len)
{
    if (r->failed)
        return -1;
    r->lines++;
    if (len == 0)
        return run_fail(r, "empty line");
    struct viz_line l;
    char why[VIZ_ERROR_BYTES / 2];
    if (viz_trace_decode(line, len, &l, why, sizeof why) < 0)
        return run_fail(r, "%s", why);
    if (check_order(r, &l) < 0)
        return -1;
    r->t_end_ns = l.t_ns;
    struct viz_event e;
    int rc = make_event(r, &l, &e);
    if (rc < 0)
        return -1;
    if (rc == 0)
        store_event(r, &e);
    return 0;
}

size_t viz_run_events_until(const struct viz_run *r, uint64_t t_ns)
{
    size_t n;
    VIZ_COUNT_UPTO(n, r->events, r->event_count, t_ns, t_ns);
    return n;
}

const struct viz_state *viz_run_checkpoint_before(const struct viz_run *r, size_t next)
{
    size_t n;
    VIZ_COUNT_UPTO(n, r->ckpts, r->ckpt_count, next, next);
    return n == 0 ? NULL : &r->ckpts[n - 1];
}

uint32_t viz_run_imbalance_at(const struct viz_run *r, uint64_t t_ns)
{
    size_t n;
    VIZ_COUNT_UPTO(n, r->imbalance, r->imbalance_count, t_ns, t_ns);
    return n == 0 ? 0 : r->imbalance[n - 1].value_milli;
}
