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

static void sim_procs_place(struct sim_procs *t, struct sim_proc *p, uint32_t node)
{
    if (p->state == SIM_PROC_RUNNING && p->node < t->node_count)
        t->running_on[p->node]--;
    p->node = node;
    p->state = SIM_PROC_RUNNING;
    if (node < t->node_count)
        t->running_on[node]++;
}

static void sim_procs_end(struct sim_procs *t, struct sim_proc *p, enum sim_proc_state why)
{
    if (p->state == SIM_PROC_RUNNING && p->node < t->node_count)
        t->running_on[p->node]--;
    p->state = (uint8_t)why;
}

struct sim_proc *sim_procs_observe(struct sim_procs *t, uint32_t node, uint64_t now_ns,
                                   const struct hal_trace_event *ev)
{
    struct sim_proc *p;
    switch (ev->type) {
    case HAL_TRACE_SPAWN:
        p = sim_procs_get(t, ev->pid);
        sim_procs_place(t, p, node);
        p->spawn_ns = now_ns;
        p->job = ABI_PID_LOCAL(ev->other_pid) == 0;
        return p;
    case HAL_TRACE_MIGRATE_INSTALL:
    case HAL_TRACE_MIGRATE_ABORT:
        /* Installed here; or the move failed and it runs on here. */
        if ((p = sim_procs_find(t, ev->pid)) != NULL)
            sim_procs_place(t, p, node);
        return p;
    case HAL_TRACE_EXIT:
        if ((p = sim_procs_find(t, ev->pid)) != NULL)
            sim_procs_end(t, p, SIM_PROC_EXITED);
        return p;
    case HAL_TRACE_MIGRATE_DONE:
        return sim_procs_find(t, ev->pid);
    default:
        return NULL;
    }
}

void sim_procs_node_lost(struct sim_procs *t, uint32_t node)
{
    if (node >= t->node_count || t->running_on[node] == 0)
        return;
    for (uint32_t i = 0; i < t->cap && t->running_on[node] != 0; i++)
        if (t->slots[i].pid != 0 && t->slots[i].state == SIM_PROC_RUNNING && t->slots[i].node == node)
            sim_procs_end(t, &t->slots[i], SIM_PROC_LOST);
}
