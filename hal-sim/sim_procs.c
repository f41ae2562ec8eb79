/*
 * sim_procs.c - see sim_procs.h. Open addressing with linear probing;
 * the table doubles at half full.
 */
#include "sim_procs.h"

#include <stdlib.h>
#include <string.h>

#include "core/abi.h"
#include "host/xalloc.h"

#define SIM_PROCS_FIRST_CAP 256u

void sim_procs_init(struct sim_procs *t, uint32_t node_count)
{
    memset(t, 0, sizeof *t);
    t->node_count = node_count;
    t->running_on = xcalloc(node_count > 0 ? node_count : 1, sizeof *t->running_on);
}

void sim_procs_free(struct sim_procs *t)
{
    free(t->slots);
    free(t->running_on);
    memset(t, 0, sizeof *t);
}

/* A 32-bit mixer (lowbias32): pids differ in few bits. */
static uint32_t sim_procs_hash(uint32_t pid, uint32_t cap)
{
    uint32_t h = pid;
    h ^= h >> 16;
    h *= 0x7FEB352Du;
    h ^= h >> 15;
    h *= 0x846CA68Bu;
    h ^= h >> 16;
    return h & (cap - 1);
}

struct sim_proc *sim_procs_find(const struct sim_procs *t, uint32_t pid)
{
    if (t->cap == 0 || pid == 0)
        return NULL;
    for (uint32_t i = sim_procs_hash(pid, t->cap);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].pid == pid)
            return &t->slots[i];
        if (t->slots[i].pid == 0)
            return NULL;
    }
}

static struct sim_proc *sim_procs_slot(struct sim_proc *slots, uint32_t cap, uint32_t pid)
{
    uint32_t i = sim_procs_hash(pid, cap);
    while (slots[i].pid != 0 && slots[i].pid != pid)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void sim_procs_grow(struct sim_procs *t)
{
    uint32_t cap = t->cap != 0 ? t->cap * 2 : SIM_PROCS_FIRST_CAP;
    struct sim_proc *slots = xcalloc(cap, sizeof *slots);
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->slots[i].pid != 0)
            *sim_procs_slot(slots, cap, t->slots[i].pid) = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

/* The record of pid, created (zeroed but for pid) if new. */
static struct sim_proc *sim_procs_get(struct sim_procs *t, uint32_t pid)
{
    struct sim_proc *p = sim_procs_find(t, pid);
    if (p != NULL)
        return p;
    if ((t->used + 1) * 2 > t->cap)
        sim_procs_grow(t);
    p = sim_procs_slot(t->slots, t->cap, pid);
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->state = SIM_PROC_EXITED; /* not counted anywhere until placed */
    t->used++;
    return p;
}

bool sim_proc_alive(const struct sim_proc *p)
{
    return p->state == SIM_PROC_RUNNING || p->state == SIM_PROC_MOVING;
}

/* Put p in state `to` at `node`, keeping running_on counted. */
static void sim_procs_set(struct sim_procs *t, struct sim_proc *p, enum sim_proc_state to, uint32_t node)
{
    if (sim_proc_alive(p) && p->node < t->node_count)
        t->running_on[p->node]--;
    p->node = node;
    p->state = (uint8_t)to;
    if (sim_proc_alive(p) && node < t->node_count)
        t->running_on[node]++;
}

/* A move's last steps, which only a live process takes: the source let
 * go (DONE), or the target runs it (INSTALL). */
static struct sim_proc *sim_procs_move(struct sim_procs *t, uint32_t node, const struct hal_trace_event *ev)
{
    struct sim_proc *p = sim_procs_find(t, ev->pid);
    if (p == NULL || !sim_proc_alive(p))
        return p;
    if (ev->type == HAL_TRACE_MIGRATE_INSTALL)
        sim_procs_set(t, p, SIM_PROC_RUNNING, node);
    else if (p->state == SIM_PROC_RUNNING && p->node == node)
        sim_procs_set(t, p, SIM_PROC_MOVING, ev->value2);
    return p;
}

struct sim_proc *sim_procs_observe(struct sim_procs *t, uint32_t node, uint64_t now_ns,
                                   const struct hal_trace_event *ev)
{
    struct sim_proc *p;
    switch (ev->type) {
    case HAL_TRACE_SPAWN:
        p = sim_procs_get(t, ev->pid);
        sim_procs_set(t, p, SIM_PROC_RUNNING, node);
        p->spawn_ns = now_ns;
        p->job = ABI_PID_LOCAL(ev->other_pid) == 0;
        return p;
    case HAL_TRACE_MIGRATE_DONE:
    case HAL_TRACE_MIGRATE_INSTALL:
        return sim_procs_move(t, node, ev);
    case HAL_TRACE_EXIT:
        if ((p = sim_procs_find(t, ev->pid)) != NULL && sim_proc_alive(p))
            sim_procs_set(t, p, SIM_PROC_EXITED, p->node);
        return p;
    case HAL_TRACE_MIGRATE_ABORT: /* it stays where it is: nothing changes */
        return sim_procs_find(t, ev->pid);
    case HAL_TRACE_MIGRATE_DROP: /* handed over to here, dropped: lost */
        if ((p = sim_procs_find(t, ev->pid)) != NULL && p->state == SIM_PROC_MOVING && p->node == node)
            sim_procs_set(t, p, SIM_PROC_LOST, node);
        return p;
    case HAL_TRACE_MIGRATE_LOST: /* the home's verdict: handed to a target that restarted */
        if ((p = sim_procs_find(t, ev->pid)) != NULL && p->state == SIM_PROC_MOVING && p->node == ev->value2)
            sim_procs_set(t, p, SIM_PROC_LOST, p->node);
        return p;
    default:
        return NULL;
    }
}

void sim_procs_node_lost(struct sim_procs *t, uint32_t node)
{
    if (node >= t->node_count || t->running_on[node] == 0)
        return;
    for (uint32_t i = 0; i < t->cap && t->running_on[node] != 0; i++)
        if (t->slots[i].pid != 0 && sim_proc_alive(&t->slots[i]) && t->slots[i].node == node)
            sim_procs_set(t, &t->slots[i], SIM_PROC_LOST, node);
}
