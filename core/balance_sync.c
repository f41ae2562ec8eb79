/*
 * balance_sync.c - the Synchronizer: this node's load, the load reports it
 * sends to a few random peers each exchange period, what it learns from
 * the samples peers send, and the random choice of peers.
 *
 * No message goes to every node: a report reaches exchange_fanout peers
 * (at most BALANCE_FANOUT_MAX), so a 10,000-node cluster costs each node
 * the same as a 10-node one.
 */
#include "balance_priv.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "proc.h"
#include "transport.h"

/* Runnable processes whose move has started (pre-copy) or is decided and
 * waits for the Dispatcher: they are on the run queue but leaving. */
static uint32_t leaving_runnable(const struct kernel *k)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        const struct proc *p = k->procs[i];
        if (p != NULL && p->state == PROC_RUNNABLE && !p->frozen && balance_pid_leaving(k, p->pid))
            n++;
    }
    return n;
}

/* The load decisions use: processes waiting for the CPU, in thousandths,
 * without those already leaving (so a node does not shed them twice nor
 * tell peers it is busier than it will be). The balancer runs between
 * quanta, so no process is mid-quantum then and the run queue holds all
 * runnable work; frozen processes (leaving) are not on it. It reacts at
 * once, unlike the load average. */
uint32_t balance_local_load_milli(const struct kernel *k)
{
    uint32_t queued = k->runq_len, leaving = leaving_runnable(k);
    return (queued > leaving ? queued - leaving : 0u) * 1000u;
}

/* The cluster's mean load as far as the load table knows it, this node
 * (at `load_milli`) included; rounded up. */
uint32_t balance_mean_milli(const struct kernel *k, uint32_t load_milli)
{
    uint32_t peers = 0;
    uint64_t sum = loadinfo_sum(&k->balance->table, k->node_id, balance_table_since_ns(k), &peers);
    uint64_t mean = (sum + load_milli + peers) / (peers + 1u);
    return mean < UINT32_MAX ? (uint32_t)mean : UINT32_MAX;
}

/* How many processes an overloaded node should shed now: its excess over
 * the cluster's mean load as far as the load table knows it (itself
 * included), in whole processes, keeping at least one; at least one move
 * (the threshold said overloaded), at most BALANCE_MAX_MOVES_PER_PERIOD.
 * Each move still needs a peer better by the margin. */
uint32_t balance_moves_wanted(const struct kernel *k, uint32_t load_milli)
{
    uint64_t mean = balance_mean_milli(k, load_milli);
    uint64_t keep = mean > BALANCE_KEEP_MILLI ? mean : BALANCE_KEEP_MILLI;
    uint64_t excess = load_milli > keep ? (load_milli - keep) / 1000u : 0u;
    if (excess < 1u)
        return 1u;
    return excess < BALANCE_MAX_MOVES_PER_PERIOD ? (uint32_t)excess : BALANCE_MAX_MOVES_PER_PERIOD;
}

/* The sample this node sends: its load plus the processes it has agreed
 * to take (reservations), so peers do not all pick the same idle node. */
void balance_local_sample(struct kernel *k, struct load_sample *out)
{
    struct balance_state *b = k->balance;
    uint32_t reserved = balance_count_reservations(k, kernel_now(k));
    out->epoch = k->epoch;
    out->seq = ++b->sample_seq;
    out->load_milli = balance_local_load_milli(k) + reserved * 1000u;
    out->load_avg_milli = k->stats.load_milli;
}

/* Reports heard before this are too old to act on. */
uint64_t balance_table_since_ns(const struct kernel *k)
{
    uint64_t age = k->balance_cfg.exchange_period_ns * BALANCE_LOAD_MAX_AGE_PERIODS;
    uint64_t now = kernel_now(k);
    return now > age ? now - age : 0;
}

void balance_send_reports(struct kernel *k)
{
    struct balance_state *b = k->balance;
    uint16_t peers[BALANCE_FANOUT_MAX];
    uint32_t want = k->balance_cfg.exchange_fanout;
    uint32_t n = balance_pick_peers(k, peers, want < BALANCE_FANOUT_MAX ? want : BALANCE_FANOUT_MAX);
    uint8_t msg[BALANCE_LOAD_BYTES];
    struct load_sample s;
    balance_local_sample(k, &s);
    load_sample_encode(&s, msg);
    /* A report replaces an older one still queued for the peer (a silent
     * peer's queue must keep room for user messages); one that finds the
     * queue full is dropped: the next period sends a fresher one. */
    for (uint32_t i = 0; i < n; i++) {
        if (transport_send_latest(k, peers[i], BALANCE_MSG_LOAD, msg, sizeof msg) == 0)
            b->count.reports_sent++;
        else
            b->count.reports_dropped++;
    }
}

/* Every balancing message carries its sender's sample: keep it, with the
 * moves this node sent there lately on top (the sample may predate them). */
void balance_learn_sample(struct kernel *k, uint16_t src, const uint8_t *sample_bytes)
{
    if (src >= k->node_count || src == k->node_id)
        return; /* not a member of this cluster: never a target */
    struct load_sample s;
    load_sample_decode(sample_bytes, &s);
    uint32_t recent = balance_recent_milli(k, src);
    s.load_milli = s.load_milli < UINT32_MAX - recent ? s.load_milli + recent : UINT32_MAX;
    loadinfo_update(&k->balance->table, src, &s, kernel_now(k));
}

void balance_on_load(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    k->balance->count.reports_heard++;
    balance_learn_sample(k, src, payload);
}

static uint16_t random_peer(struct kernel *k)
{
    uint32_t i = kernel_random_below(k, (uint32_t)k->node_count - 1u);
    return (uint16_t)(i >= k->node_id ? i + 1u : i);
}

static bool contains(const uint16_t *list, uint32_t n, uint16_t node)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == node)
            return true;
    return false;
}

/* Up to `want` distinct other nodes: every one, in id order, when the
 * cluster has no more; otherwise drawn at random (a few draws may repeat
 * and are retried a bounded number of times). Returns how many. */
uint32_t balance_pick_peers(struct kernel *k, uint16_t *out, uint32_t want)
{
    uint32_t others = k->node_count > 0 ? (uint32_t)k->node_count - 1u : 0u;
    uint32_t n = 0;
    if (want >= others) {
        for (uint32_t node = 0; node < k->node_count; node++)
            if (node != k->node_id)
                out[n++] = (uint16_t)node;
        return n;
    }
    for (uint32_t tries = 0; n < want && tries < 4u * want; tries++) {
        uint16_t peer = random_peer(k);
        if (!contains(out, n, peer))
            out[n++] = peer;
    }
    return n;
}

uint32_t balance_next_request_id(struct kernel *k)
{
    struct balance_state *b = k->balance;
    if (++b->next_request_id == 0)
        b->next_request_id = 1;
    return b->next_request_id;
}
