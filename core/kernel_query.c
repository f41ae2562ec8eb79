/*
 * kernel_query.c - read-only views of a node for platforms: the process
 * list and the peers a node has heard from (a console's `ps` and `peers`,
 * a status display), and what its transport still has to deliver (the
 * simulator ends a run once that is nothing).
 */
#include "abi.h"
#include "balance_priv.h"
#include "kernel_priv.h"
#include "proc.h"
#include "session.h"

_Static_assert(sizeof ((struct kernel_proc_info *)0)->name == ABI_PROGRAM_NAME_MAX + 1,
               "kernel_proc_info.name holds any program name");

static void describe(const struct proc *p, struct kernel_proc_info *info)
{
    info->pid = p->pid;
    info->parent_pid = p->parent_pid;
    info->blocked = p->state == PROC_BLOCKED;
    info->moving = p->frozen;
    info->pinned = p->pinned;
    info->pages = p->vm.pages_mapped;
    info->moves = p->moves;
    info->insns = p->insns_total;
    uint32_t i = 0;
    for (; i < ABI_PROGRAM_NAME_MAX && p->name[i] != '\0'; i++)
        info->name[i] = p->name[i];
    info->name[i] = '\0';
}

uint32_t kernel_list_processes(const struct kernel *k, struct kernel_proc_info *out, uint32_t max)
{
    /* Selection by pid: slots are reused, so their order means nothing. */
    uint32_t n = 0;
    uint32_t after = 0;
    bool first = true;
    while (n < max) {
        const struct proc *next = NULL;
        for (uint32_t s = 0; s < KERNEL_MAX_PROCS; s++) {
            const struct proc *p = k->procs[s];
            if (p == NULL || p->arriving || (!first && p->pid <= after))
                continue;
            if (next == NULL || p->pid < next->pid)
                next = p;
        }
        if (next == NULL)
            break;
        describe(next, &out[n++]);
        after = next->pid;
        first = false;
    }
    return n;
}

/* The lowest node above `after` (-1: any) known to the session table or
 * the load table; -1 if none. */
static int32_t next_peer(const struct kernel *k, int32_t after)
{
    int32_t best = -1;
    const struct transport *t = k->transport;
    for (uint32_t b = 0; b < t->bucket_count; b++)
        for (const struct session *s = t->buckets[b]; s != NULL; s = s->hash_next)
            if ((int32_t)s->node > after && (best < 0 || s->node < best))
                best = s->node;
    const struct loadinfo *l = k->balance != NULL ? &k->balance->table : NULL;
    for (uint32_t i = 0; l != NULL && i < l->used; i++) {
        uint16_t node = l->entries[i].node;
        if ((int32_t)node > after && (best < 0 || node < best))
            best = node;
    }
    return best;
}

uint32_t kernel_list_peers(const struct kernel *k, struct kernel_peer_info *out, uint32_t max)
{
    uint32_t n = 0;
    for (int32_t node = next_peer(k, -1); node >= 0 && n < max; node = next_peer(k, node)) {
        struct kernel_peer_info *info = &out[n++];
        info->node = (uint16_t)node;
        info->has_session = session_find(k->transport, (uint16_t)node) != NULL;
        const struct loadinfo_entry *e =
            k->balance != NULL ? loadinfo_find(&k->balance->table, (uint16_t)node, 0) : NULL;
        info->has_load = e != NULL;
        info->load_milli = e != NULL ? e->sample.load_milli : 0;
        info->heard_ns = e != NULL ? e->heard_ns : 0;
    }
    return n;
}

uint32_t kernel_unacked_messages(const struct kernel *k)
{
    /* A session with messages queued is armed until they are acknowledged
     * or abandoned, so the armed list holds every one. */
    uint32_t n = 0;
    if (k->transport != NULL)
        for (const struct session *s = k->transport->armed_head; s != NULL; s = s->timer_next)
            n += s->queued;
    return n;
}
