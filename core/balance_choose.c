/*
 * balance_choose.c - which process an overloaded node gives away, and the
 * one place a balancing decision becomes a move (trace, then migrate_start).
 *
 * The rule (docs/balancing.md): among the processes that may move, prefer
 * runnable ones, then the one with the most CPU use per byte to copy:
 *
 *     benefit = insns_window + 1          instructions run in the last period
 *     cost    = pages_mapped * PAGE_SIZE + BALANCE_COST_BASE_BYTES
 *     choose the largest benefit / cost (ties: the lower slot)
 *
 * The +1 makes a process that has not run yet still rank by its cost.
 */
#include "balance_priv.h"

#include "kernel_priv.h"
#include "migrate.h"
#include "proc.h"

static uint64_t move_cost_bytes(const struct proc *p)
{
    return (uint64_t)p->vm.pages_mapped * PAGE_SIZE + BALANCE_COST_BASE_BYTES;
}

/* Clamped so benefit * cost fits 64 bits (cost < 2^25 bytes). */
static uint64_t move_benefit(const struct proc *p)
{
    return (p->insns_window < UINT32_MAX ? p->insns_window : UINT32_MAX) + 1u;
}

/* May p leave now? Pinned and already-leaving processes never; one that
 * arrived less than min_residency ago not yet (no ping-pong); one waiting
 * for a remote send's answer not (migrate refuses it); a blocked one only
 * if it used the CPU lately, else moving it relieves nothing. */
bool balance_proc_movable(const struct kernel *k, const struct proc *p, uint64_t now)
{
    if (p->pinned || p->frozen)
        return false;
    if (now < p->resident_since_ns || now - p->resident_since_ns < k->balance_cfg.min_residency_ns)
        return false;
    if (p->state == PROC_BLOCKED)
        return p->wait != WAIT_SEND && p->insns_window > 0;
    return true;
}

/* Does a make a better move than b? Runnable first, then benefit / cost,
 * compared by cross-multiplying so no precision is lost. */
static bool ranks_above(const struct proc *a, const struct proc *b)
{
    bool a_runs = a->state == PROC_RUNNABLE, b_runs = b->state == PROC_RUNNABLE;
    if (a_runs != b_runs)
        return a_runs;
    return move_benefit(a) * move_cost_bytes(b) > move_benefit(b) * move_cost_bytes(a);
}

/* The best process to move, or NULL. Slots are scanned in index order, so
 * the choice never depends on where processes sit in memory. */
struct proc *balance_choose_process(struct kernel *k, uint64_t now)
{
    struct proc *best = NULL;
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p != NULL && balance_proc_movable(k, p, now) && (best == NULL || ranks_above(p, best)))
            best = p;
    }
    return best;
}

/* Start every process's window afresh: benefit is always "last period". */
void balance_reset_windows(struct kernel *k)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++)
        if (k->procs[i] != NULL)
            k->procs[i]->insns_window = 0;
}

void balance_trace_decision(struct kernel *k, uint32_t pid, uint16_t target, uint32_t load_milli)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_BALANCE,
                                 .reason = k->balance_cfg.policy,
                                 .pid = pid,
                                 .value = (int32_t)(load_milli < INT32_MAX ? load_milli : INT32_MAX),
                                 .value2 = target};
    ktrace(k, &ev);
    k->balance->count.decisions++;
}

bool balance_start_migration(struct kernel *k, struct proc *p, uint16_t target)
{
    struct balance_state *b = k->balance;
    if (migrate_start(k, p, target) != 0) {
        b->count.moves_refused++;
        return false;
    }
    b->count.moves_started++;
    /* Count the process at the target at once, and on top of its reports
     * for a while: the next decision must not pick it again on stale news. */
    loadinfo_add_load(&b->table, target, 1000u);
    uint64_t window = BALANCE_RECENT_PERIODS * k->balance_cfg.exchange_period_ns;
    b->recent[b->recent_next] = (struct balance_recent){.node = target, .until_ns = kernel_now(k) + window};
    b->recent_next = (b->recent_next + 1u) % BALANCE_RECENT_MOVES;
    return true;
}

/* 1000 for each move to `node` started in the last few exchange periods. */
uint32_t balance_recent_milli(const struct kernel *k, uint16_t node)
{
    uint32_t milli = 0;
    uint64_t now = kernel_now(k);
    for (uint32_t i = 0; i < BALANCE_RECENT_MOVES; i++) {
        const struct balance_recent *r = &k->balance->recent[i];
        if (r->node == node && r->until_ns > now)
            milli += 1000u;
    }
    return milli;
}

/* A decision to move p to `target`: traced, then started. */
bool balance_move(struct kernel *k, struct proc *p, uint16_t target, uint32_t load_milli)
{
    balance_trace_decision(k, p->pid, target, load_milli);
    return balance_start_migration(k, p, target);
}
