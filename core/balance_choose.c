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

#include "bytes.h"
#include "kernel_priv.h"
#include "migrate.h"
#include "proc.h"
#include "transport.h"

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
 * the choice never depends on where processes sit in memory. A process
 * already offered, probed for or on its way out is not chosen again. */
struct proc *balance_choose_process(struct kernel *k, uint64_t now)
{
    struct proc *best = NULL;
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p == NULL || !balance_proc_movable(k, p, now) || (best != NULL && !ranks_above(p, best)))
            continue;
        if (!balance_pid_pending(k, p->pid) && !balance_pid_leaving(k, p->pid))
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

/* Count the process at the target at once, and on top of its reports for
 * a while: the next decision must not pick it again on stale news. And
 * remember the pid: while it is still here it no longer counts in the
 * local load (balance_pid_leaving). */
static void note_move(struct kernel *k, uint32_t pid, uint16_t target)
{
    struct balance_state *b = k->balance;
    loadinfo_add_load(&b->table, target, 1000u);
    uint64_t window = BALANCE_RECENT_PERIODS * k->balance_cfg.exchange_period_ns;
    b->recent[b->recent_next] = (struct balance_recent){.node = target, .pid = pid, .until_ns = kernel_now(k) + window};
    b->recent_next = (b->recent_next + 1u) % BALANCE_RECENT_MOVES;
}

static void arm_retry(struct kernel *k)
{
    uint64_t at = kernel_now(k) + BALANCE_RETRY_NS;
    if (at < k->balance->next_retry_ns)
        k->balance->next_retry_ns = at;
}

/* The Dispatcher sends only a few moves at once: a move decided while it
 * is full waits in a READY request, tried again every BALANCE_RETRY_NS
 * until the next balance period. False when no request slot is free. */
static bool defer_move(struct kernel *k, uint32_t pid, uint16_t target, struct balance_pending *from)
{
    struct balance_pending *q = from != NULL ? from : balance_free_request(k);
    if (q == NULL)
        return false;
    uint32_t id = from != NULL ? from->id : 0;
    *q = (struct balance_pending){.kind = BALANCE_PENDING_READY, .from_offer = from != NULL, .target = target,
                                  .id = id, .pid = pid, .deadline_ns = kernel_now(k) + k->balance_cfg.period_ns};
    k->balance->count.moves_deferred++;
    arm_retry(k);
    return true;
}

/* Start moving p, or queue the move if the Dispatcher is full. `from`: the
 * request p was offered under (its slot holds the move), else NULL. */
static bool start_or_defer(struct kernel *k, struct proc *p, uint16_t target, struct balance_pending *from)
{
    struct balance_state *b = k->balance;
    int err = migrate_start(k, p, target);
    if (err == ERR_BUSY && !p->frozen && defer_move(k, p->pid, target, from)) {
        note_move(k, p->pid, target);
        return true;
    }
    if (err != 0) {
        b->count.moves_refused++;
        return false;
    }
    b->count.moves_started++;
    note_move(k, p->pid, target);
    return true;
}

bool balance_start_migration(struct kernel *k, struct proc *p, uint16_t target)
{
    return start_or_defer(k, p, target, NULL);
}

/* An offered process won by an ACCEPT: its request slot becomes the move. */
bool balance_start_offered(struct kernel *k, struct proc *p, struct balance_pending *q, uint16_t target)
{
    q->kind = BALANCE_PENDING_NONE;
    return start_or_defer(k, p, target, q);
}

/* A READY move given up: the peer that accepted it stops holding room. */
void balance_drop_request(struct kernel *k, struct balance_pending *q)
{
    if (q->kind == BALANCE_PENDING_READY && q->from_offer) {
        uint8_t msg[BALANCE_RELEASE_BYTES];
        put_be32(msg, q->id);
        put_be32(msg + 4, q->pid);
        if (transport_send(k, q->target, BALANCE_MSG_RELEASE, msg, sizeof msg) == 0)
            k->balance->count.releases_sent++;
    }
    q->kind = BALANCE_PENDING_NONE;
}

/* One READY move: started, still waiting, or dropped (the process went,
 * may no longer move, or is now this node's last runnable one). */
static void retry_one(struct kernel *k, struct balance_pending *q, uint64_t now)
{
    struct proc *p = proc_find(k, q->pid);
    uint32_t load = balance_local_load_milli(k) + 1000u; /* it still counts as leaving */
    if (p == NULL || !balance_proc_movable(k, p, now) || load <= BALANCE_KEEP_MILLI) {
        balance_drop_request(k, q);
        return;
    }
    int err = migrate_start(k, p, q->target);
    if (err == ERR_BUSY && !p->frozen)
        return;
    if (err != 0) {
        k->balance->count.moves_refused++;
        balance_drop_request(k, q);
        return;
    }
    k->balance->count.moves_started++;
    q->kind = BALANCE_PENDING_NONE;
}

void balance_retry_ready(struct kernel *k, uint64_t now)
{
    struct balance_state *b = k->balance;
    b->next_retry_ns = HAL_TIME_NEVER;
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++)
        if (b->pending[i].kind == BALANCE_PENDING_READY)
            retry_one(k, &b->pending[i], now);
    if (balance_has_request(k, BALANCE_PENDING_READY))
        arm_retry(k);
}

/* A move of `pid` started lately whose process is still here and would
 * run: pre-copy, or waiting for the Dispatcher. It is leaving, so it is
 * neither counted in the local load nor chosen again. */
bool balance_pid_leaving(const struct kernel *k, uint32_t pid)
{
    uint64_t now = kernel_now(k);
    for (uint32_t i = 0; i < BALANCE_RECENT_MOVES; i++) {
        const struct balance_recent *r = &k->balance->recent[i];
        if (r->pid == pid && r->until_ns > now)
            return true;
    }
    return false;
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
