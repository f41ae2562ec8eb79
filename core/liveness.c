/* liveness.c - see liveness.h. */
#include "liveness.h"

#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"
#include "param.h"
#include "proc.h"
#include "transport.h"

void liveness_init(struct kernel *k)
{
    k->next_probe_ns = kernel_now(k) + LIVENESS_PROBE_PERIOD_NS;
}

void liveness_probe(struct kernel *k, uint16_t node)
{
    if (node == k->node_id || node >= k->node_count || transport_queued(k, node) != 0)
        return;
    /* Best effort: a full queue means the peer is being watched anyway. */
    (void)transport_send(k, node, CLUSTER_MSG_PROBE, NULL, 0);
}

/* Where a walk over the children of this node's processes has got to. */
struct child_cursor {
    uint32_t proc, child, seen;
};

/* The next child still running of a process here, after the cursor;
 * false after the last. Only while there is one is there a peer to watch,
 * and a timer to keep (an idle node keeps none). */
static bool next_running_child(const struct kernel *k, struct child_cursor *cur, uint32_t *child_pid)
{
    for (; cur->seen < k->proc_count; cur->proc++, cur->child = 0) {
        const struct proc *p = k->procs[cur->proc];
        if (p == NULL)
            continue;
        for (; cur->child < p->child_count; cur->child++) {
            if (!p->children[cur->child].exited) {
                *child_pid = p->children[cur->child++].pid;
                return true;
            }
        }
        cur->seen++;
    }
    return false;
}

/* A child believed at its home, whose home has booted since it was born
 * there (a restart nobody here saw: no session with it then; or this
 * node's own, the parent having come back), may have died with it:
 * followed once per boot of the home. */
static void suspect_children_of_rebooted_homes(struct kernel *k)
{
    for (uint32_t i = 0, seen = 0; seen < k->proc_count; i++) {
        struct proc *p = k->procs[i];
        if (p == NULL)
            continue;
        seen++;
        for (uint32_t c = 0; !p->arriving && c < p->child_count; c++) {
            struct child *ch = &p->children[c];
            uint16_t home = (uint16_t)ABI_PID_NODE(ch->pid);
            uint32_t epoch = home != k->node_id ? transport_peer_epoch(k, home) : k->epoch;
            if (ch->exited || epoch == 0 || epoch == ch->home_epoch || location_lookup(k, ch->pid) != home)
                continue;
            ch->home_epoch = epoch;
            location_suspect_lost(k, ch->pid, p->pid, home, 0, LOCATION_RESTARTED);
        }
    }
}

void liveness_on_timer(struct kernel *k)
{
    uint64_t now = kernel_now(k);
    if (now < k->next_probe_ns)
        return;
    k->next_probe_ns = now + LIVENESS_PROBE_PERIOD_NS;
    struct child_cursor cur = {0};
    uint32_t child;
    while (next_running_child(k, &cur, &child))
        liveness_probe(k, location_lookup(k, child));
    location_probe_emigrants(k, liveness_probe);
    suspect_children_of_rebooted_homes(k);
}

uint64_t liveness_next_deadline(const struct kernel *k)
{
    struct child_cursor cur = {0};
    uint32_t child;
    bool watching = next_running_child(k, &cur, &child) || location_has_emigrants(k);
    return watching ? k->next_probe_ns : HAL_TIME_NEVER;
}
