/* liveness.c - see liveness.h. */
#include "liveness.h"

#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"
#include "param.h"
#include "proc.h"
#include "transport.h"

void liveness_init(struct kernel *k) { k->next_probe_ns = kernel_now(k) + LIVENESS_PROBE_PERIOD_NS; }

/* Probe `node` unless something is already on its way there: the
 * transport watches a peer for as long as it waits for an answer. */
static void probe(struct kernel *k, uint16_t node)
{
    if (node == k->node_id || node >= k->node_count || transport_queued(k, node) != 0)
        return;
    /* Best effort: a full queue means the peer is being watched anyway. */
    (void)transport_send(k, node, CLUSTER_MSG_PROBE, NULL, 0);
}

void liveness_on_timer(struct kernel *k)
{
    uint64_t now = kernel_now(k);
    if (now < k->next_probe_ns)
        return;
    k->next_probe_ns = now + LIVENESS_PROBE_PERIOD_NS;
    for (uint32_t i = 0, seen = 0; seen < k->proc_count; i++) {
        const struct proc *p = k->procs[i];
        if (p == NULL)
            continue;
        seen++;
        for (uint32_t c = 0; c < p->child_count; c++)
            if (!p->children[c].exited)
                probe(k, location_lookup(k, p->children[c].pid));
    }
}

/* Whether a process here has a child still running: only then is there
 * a peer to watch, and a timer to keep (an idle node keeps none). */
static bool watching(const struct kernel *k)
{
    for (uint32_t i = 0, seen = 0; seen < k->proc_count; i++) {
        const struct proc *p = k->procs[i];
        if (p == NULL)
            continue;
        seen++;
        for (uint32_t c = 0; c < p->child_count; c++)
            if (!p->children[c].exited)
                return true;
    }
    return false;
}

uint64_t liveness_next_deadline(const struct kernel *k)
{
    return watching(k) ? k->next_probe_ns : HAL_TIME_NEVER;
}
