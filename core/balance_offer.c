/*
 * balance_offer.c - the Cumulonimbus rule: an overloaded node offers a
 * process to the network and the first willing peer takes it.
 *
 *   source                                peers
 *   OFFER(id, pid, image bytes, sample) -> each of a set of peers
 *                                       <- ACCEPT(id, pid, sample) from every
 *                                          peer with load + margin < offered
 *                                          load, after a delay that grows with
 *                                          its load; it reserves room meanwhile
 *   first ACCEPT: migrate_start to it
 *   every other ACCEPT (late, lost race,
 *   move refused): RELEASE(id, pid)     -> the reservation is dropped
 *
 * A reservation counts as one more process in the peer's load, so two
 * offers go to the same idle peer only if it stays clearly less loaded
 * after taking both. It ends when the process arrives, when the source
 * releases it, or after BALANCE_RESERVE_PERIODS balance periods (the
 * source crashed, a message was lost with a reset session).
 */
#include "balance_priv.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "proc.h"
#include "transport.h"

/* Every other node in a small cluster; 2 * fanout random ones otherwise. */
static uint32_t offer_pick_peers(struct kernel *k, uint16_t *peers)
{
    uint32_t want = 2u * k->balance_cfg.exchange_fanout;
    if (k->node_count <= BALANCE_OFFER_ALL_NODES)
        want = k->node_count;
    return balance_pick_peers(k, peers, want < BALANCE_FANOUT_MAX ? want : BALANCE_FANOUT_MAX);
}

/* One offer per process: a request slot is taken now, the OFFERs go out
 * together once the batch is complete (balance_offer_send). */
bool balance_offer_prepare(struct kernel *k, struct proc *p, uint32_t load_milli)
{
    struct balance_state *b = k->balance;
    struct balance_pending *q = balance_free_request(k);
    if (q == NULL)
        return false;
    balance_trace_decision(k, p->pid, BALANCE_TARGET_NETWORK, load_milli);
    *q = (struct balance_pending){.kind = BALANCE_PENDING_OFFER,
                                  .id = balance_next_request_id(k),
                                  .pid = p->pid,
                                  .deadline_ns = kernel_now(k) + k->balance_cfg.period_ns};
    b->batch_open++;
    return true;
}

/* The offers made this period, in slot order; returns how many. */
static uint32_t open_offers(struct kernel *k, struct balance_pending **out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++)
        if (k->balance->pending[i].kind == BALANCE_PENDING_OFFER)
            out[n++] = &k->balance->pending[i];
    return n;
}

static void send_offer(struct kernel *k, uint16_t peer, const struct balance_pending *q,
                       const struct load_sample *s)
{
    struct proc *p = proc_find(k, q->pid);
    uint8_t msg[BALANCE_OFFER_BYTES];
    put_be32(msg, q->id);
    put_be32(msg + 4, q->pid);
    put_be32(msg + 8, p != NULL ? p->vm.pages_mapped * PAGE_SIZE : 0u);
    load_sample_encode(s, msg + 12);
    if (transport_send(k, peer, BALANCE_MSG_OFFER, msg, sizeof msg) == 0)
        k->balance->count.offers_sent++;
}

/* Every peer hears every offer, each peer starting at a different one
 * (peer i of n at offer i * offers / n, then on in turn). A peer accepts
 * the first it hears at once and each further one a little later (the
 * ACCEPT delay grows with its reservations), so the first ACCEPT of each
 * offer comes from a different peer and a burst spreads over the peers
 * instead of piling on the one that answers fastest. One sample serves the
 * batch: the offers are one decision. */
void balance_offer_send(struct kernel *k, uint32_t load_milli)
{
    struct balance_pending *offers[BALANCE_MAX_MOVES_PER_PERIOD];
    uint16_t peers[BALANCE_FANOUT_MAX];
    uint32_t m = open_offers(k, offers), n = offer_pick_peers(k, peers);
    struct load_sample s;
    balance_local_sample(k, &s);
    s.load_milli = load_milli > s.load_milli ? load_milli : s.load_milli;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t first = i * m / n;
        for (uint32_t j = 0; j < m; j++)
            send_offer(k, peers[i], offers[(first + j) % m], &s);
    }
}

/* Live reservations; those whose process arrived or whose time is up are
 * freed on the way. */
uint32_t balance_count_reservations(struct kernel *k, uint64_t now)
{
    uint32_t live = 0;
    for (uint32_t i = 0; i < BALANCE_MAX_RESERVATIONS; i++) {
        struct balance_reservation *r = &k->balance->reserved[i];
        if (r->expires_ns == 0)
            continue;
        if (r->expires_ns <= now || proc_find(k, r->pid) != NULL)
            r->expires_ns = 0;
        else
            live++;
    }
    return live;
}

static struct balance_reservation *free_reservation(struct kernel *k)
{
    for (uint32_t i = 0; i < BALANCE_MAX_RESERVATIONS; i++)
        if (k->balance->reserved[i].expires_ns == 0)
            return &k->balance->reserved[i];
    return NULL;
}

/* Would taking one more process leave this node clearly less loaded than
 * the source? Not while it is offering work itself or has no room. */
static bool offer_acceptable(struct kernel *k, uint32_t offered_milli, uint32_t reserved)
{
    if (balance_has_request(k, BALANCE_PENDING_OFFER) || k->service_only)
        return false;
    if (kernel_process_count(k) + reserved >= KERNEL_MAX_PROCS)
        return false;
    uint64_t mine = (uint64_t)balance_local_load_milli(k) + reserved * 1000u;
    return mine + k->balance_cfg.margin_milli < offered_milli;
}

/* Less loaded peers answer sooner, so the first ACCEPT is likely the best. */
static uint64_t accept_delay_ns(const struct kernel *k, uint32_t reserved)
{
    uint64_t delay = (uint64_t)(k->runq_len + reserved) * BALANCE_ACCEPT_DELAY_NS;
    uint64_t cap = k->balance_cfg.period_ns / 4u;
    return delay < cap ? delay : cap;
}

static void send_accept(struct kernel *k, struct balance_reservation *r)
{
    uint8_t msg[BALANCE_ACCEPT_BYTES];
    struct load_sample s;
    r->accept_due_ns = HAL_TIME_NEVER;
    put_be32(msg, r->offer_id);
    put_be32(msg + 4, r->pid);
    balance_local_sample(k, &s); /* counts this reservation */
    load_sample_encode(&s, msg + 8);
    if (transport_send(k, r->node, BALANCE_MSG_ACCEPT, msg, sizeof msg) != 0) {
        r->expires_ns = 0; /* the source will never hear of it */
        return;
    }
    k->balance->count.accepts_sent++;
}

void balance_send_due_accepts(struct kernel *k, uint64_t now)
{
    for (uint32_t i = 0; i < BALANCE_MAX_RESERVATIONS; i++) {
        struct balance_reservation *r = &k->balance->reserved[i];
        if (r->expires_ns != 0 && r->accept_due_ns <= now)
            send_accept(k, r);
    }
}

uint64_t balance_accepts_deadline(const struct kernel *k)
{
    uint64_t next = HAL_TIME_NEVER;
    for (uint32_t i = 0; i < BALANCE_MAX_RESERVATIONS; i++) {
        const struct balance_reservation *r = &k->balance->reserved[i];
        if (r->expires_ns != 0 && r->accept_due_ns < next)
            next = r->accept_due_ns;
    }
    return next;
}

/* Room is reserved at once, so an offer arriving during the delay already
 * sees this node as one process busier. */
void balance_on_offer(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    uint64_t now = kernel_now(k);
    struct load_sample offered;
    load_sample_decode(payload + 12, &offered);
    balance_learn_sample(k, src, payload + 12);
    if (src >= k->node_count || src == k->node_id)
        return;
    uint32_t reserved = balance_count_reservations(k, now);
    struct balance_reservation *r = free_reservation(k);
    if (r == NULL || !offer_acceptable(k, offered.load_milli, reserved))
        return; /* silence: the offer lapses at the source */
    *r = (struct balance_reservation){
        .node = src,
        .offer_id = get_be32(payload),
        .pid = get_be32(payload + 4),
        .accept_due_ns = now + accept_delay_ns(k, reserved),
        .expires_ns = now + BALANCE_RESERVE_PERIODS * k->balance_cfg.period_ns,
    };
    if (r->accept_due_ns <= now)
        send_accept(k, r);
}

static void send_release(struct kernel *k, uint16_t node, const uint8_t *id_and_pid)
{
    if (transport_send(k, node, BALANCE_MSG_RELEASE, id_and_pid, BALANCE_RELEASE_BYTES) == 0)
        k->balance->count.releases_sent++;
}

/* The first ACCEPT for an open offer takes the process (unless it is now
 * this node's last runnable one); every other one is released so the peer
 * does not hold room for nothing. If the Dispatcher is full the move waits
 * in the offer's slot, holding the peer's reservation. */
void balance_on_accept(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    struct balance_state *b = k->balance;
    uint32_t id = get_be32(payload), pid = get_be32(payload + 4);
    balance_learn_sample(k, src, payload + 8);
    struct balance_pending *q = balance_find_request(k, BALANCE_PENDING_OFFER, id);
    if (q != NULL && q->pid == pid && src < k->node_count) {
        b->count.accepts_won++;
        balance_request_settled(k, BALANCE_OUTCOME_SUCCESS);
        struct proc *p = proc_find(k, pid);
        q->kind = BALANCE_PENDING_NONE;
        bool keep = balance_local_load_milli(k) > BALANCE_KEEP_MILLI;
        if (p != NULL && keep && balance_proc_movable(k, p, kernel_now(k)) && balance_start_offered(k, p, q, src))
            return;
    }
    send_release(k, src, payload);
}

void balance_on_release(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    uint32_t id = get_be32(payload), pid = get_be32(payload + 4);
    for (uint32_t i = 0; i < BALANCE_MAX_RESERVATIONS; i++) {
        struct balance_reservation *r = &k->balance->reserved[i];
        if (r->expires_ns != 0 && r->node == src && r->offer_id == id && r->pid == pid)
            r->expires_ns = 0;
    }
}
