/*
 * balance_policy.c - the policies that pick a target by themselves:
 *   random       any other node, uniformly (the baseline: no information)
 *   mosix        the least loaded peer in the load table
 *   two-choices  PROBE two random peers, move to the less loaded
 * mosix and two-choices move only when the target's load + margin is
 * below the local load, so no move makes the pair worse off.
 */
#include "balance_priv.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "proc.h"
#include "transport.h"

static bool better_enough(const struct kernel *k, uint32_t target_milli, uint32_t local_milli)
{
    uint64_t with_margin = (uint64_t)target_milli + k->balance_cfg.margin_milli;
    return with_margin < local_milli;
}

bool balance_random_decide(struct kernel *k, struct proc *p, uint32_t load_milli)
{
    uint16_t target;
    return balance_pick_peers(k, &target, 1) == 1 && balance_move(k, p, target, load_milli);
}

/* Each move adds to its target's entry at once (balance_start_migration),
 * so the next move of a burst goes to the next least loaded peer. The
 * target must also stay at or below `cap_milli` once it has the process:
 * after the first move of a burst that is the cluster's mean, so a node
 * that knows only some of its peers does not pile its excess on them
 * (the others are heard of by the next period). Those further moves go
 * only to peers heard from in the last BALANCE_RECENT_PERIODS exchange
 * periods: a burst acting on old reports sends work to nodes that have
 * filled up since, which pass it on again. */
bool balance_mosix_decide(struct kernel *k, struct proc *p, uint32_t load_milli, uint32_t cap_milli)
{
    struct balance_state *b = k->balance;
    uint64_t since = balance_table_since_ns(k);
    uint64_t fresh = BALANCE_RECENT_PERIODS * k->balance_cfg.exchange_period_ns;
    if (cap_milli != UINT32_MAX && kernel_now(k) > fresh && kernel_now(k) - fresh > since)
        since = kernel_now(k) - fresh;
    uint16_t salt = (uint16_t)kernel_random_below(k, 0x10000u);
    uint16_t target = loadinfo_least_loaded(&b->table, k->node_id, since, salt);
    if (target == LOADINFO_NO_NODE)
        return false;
    const struct loadinfo_entry *e = loadinfo_find(&b->table, target, since);
    uint64_t after = (uint64_t)e->sample.load_milli + 1000u;
    return better_enough(k, e->sample.load_milli, load_milli) && after <= cap_milli &&
           balance_move(k, p, target, load_milli);
}

/* two-choices, first half: ask two random peers for their load now. */
bool balance_probe_start(struct kernel *k, struct proc *p)
{
    struct balance_state *b = k->balance;
    struct balance_pending *q = balance_free_request(k);
    if (q == NULL)
        return false;
    uint16_t peers[BALANCE_PROBES];
    uint32_t n = balance_pick_peers(k, peers, BALANCE_PROBES);
    *q = (struct balance_pending){.kind = BALANCE_PENDING_PROBE,
                                  .id = balance_next_request_id(k),
                                  .pid = p->pid,
                                  .deadline_ns = kernel_now(k) + k->balance_cfg.period_ns};
    uint8_t msg[BALANCE_PROBE_BYTES];
    put_be32(msg, q->id);
    for (uint32_t i = 0; i < n; i++) {
        if (transport_send(k, peers[i], BALANCE_MSG_PROBE, msg, sizeof msg) != 0)
            continue; /* that peer's queue is full: it would answer late anyway */
        q->peers[q->peer_count++] = peers[i];
        b->count.probes_sent++;
    }
    if (q->peer_count == 0) {
        q->kind = BALANCE_PENDING_NONE;
        return false;
    }
    b->batch_open++;
    return true;
}

/* The less loaded of the peers that answered (ties: the first asked), or
 * LOADINFO_NO_NODE. Moves this node sent there since count on top: the
 * probes of one burst are answered together, before any of its moves. */
static uint16_t probe_best(const struct kernel *k, const struct balance_pending *q, uint32_t *load_milli)
{
    uint16_t best = LOADINFO_NO_NODE;
    for (uint32_t i = 0; i < q->peer_count; i++) {
        if ((q->answered & (1u << i)) == 0)
            continue;
        uint32_t recent = balance_recent_milli(k, q->peers[i]);
        uint32_t load = q->loads_milli[i] < UINT32_MAX - recent ? q->loads_milli[i] + recent : UINT32_MAX;
        if (best == LOADINFO_NO_NODE || load < *load_milli) {
            best = q->peers[i];
            *load_milli = load;
        }
    }
    return best;
}

/* two-choices, second half: every peer answered, or the time is up. The
 * local load and the process are looked at again: both may have changed. */
void balance_probe_finish(struct kernel *k, struct balance_pending *q)
{
    uint32_t target_milli = 0;
    uint16_t target = probe_best(k, q, &target_milli);
    struct proc *p = proc_find(k, q->pid);
    uint32_t local = balance_local_load_milli(k);
    q->kind = BALANCE_PENDING_NONE;
    if (p == NULL || !balance_proc_movable(k, p, kernel_now(k))) {
        balance_request_settled(k, BALANCE_OUTCOME_NEUTRAL);
        return; /* the process went: choose again next period */
    }
    if (target == LOADINFO_NO_NODE || !better_enough(k, target_milli, local)) {
        balance_request_settled(k, BALANCE_OUTCOME_FUTILE);
        return;
    }
    balance_request_settled(k, BALANCE_OUTCOME_SUCCESS);
    balance_move(k, p, target, local);
}

void balance_on_probe(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    uint8_t reply[BALANCE_PROBE_REPLY_BYTES];
    struct load_sample s;
    kmemcpy(reply, payload, 4); /* the request id */
    balance_local_sample(k, &s);
    load_sample_encode(&s, reply + 4);
    (void)transport_send(k, src, BALANCE_MSG_PROBE_REPLY, reply, sizeof reply);
}

void balance_on_probe_reply(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    struct load_sample s;
    load_sample_decode(payload + 4, &s);
    balance_learn_sample(k, src, payload + 4);
    struct balance_pending *q = balance_find_request(k, BALANCE_PENDING_PROBE, get_be32(payload));
    if (q == NULL)
        return; /* a late answer to a probe already decided */
    for (uint32_t i = 0; i < q->peer_count; i++) {
        if (q->peers[i] == src && (q->answered & (1u << i)) == 0) {
            q->answered |= 1u << i;
            q->loads_milli[i] = s.load_milli;
        }
    }
    if (q->answered == (1u << q->peer_count) - 1u)
        balance_probe_finish(k, q);
}
