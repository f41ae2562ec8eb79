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

void balance_offer_start(struct kernel *k, struct proc *p, uint32_t load_milli)
{
    struct balance_state *b = k->balance;
    uint16_t peers[BALANCE_FANOUT_MAX];
    uint32_t n = offer_pick_peers(k, peers);
    uint32_t id = balance_next_request_id(k);
    uint8_t msg[BALANCE_OFFER_BYTES];
    struct load_sample s;
    balance_local_sample(k, &s);
    put_be32(msg, id);
    put_be32(msg + 4, p->pid);
    put_be32(msg + 8, p->vm.pages_mapped * PAGE_SIZE);
    load_sample_encode(&s, msg + 12);
    balance_trace_decision(k, p->pid, BALANCE_TARGET_NETWORK, load_milli);
    b->pending = (struct balance_pending){.kind = BALANCE_PENDING_OFFER,
                                          .id = id,
                                          .pid = p->pid,
                                          .deadline_ns = kernel_now(k) + k->balance_cfg.period_ns};
    for (uint32_t i = 0; i < n; i++)
        if (transport_send(k, peers[i], BALANCE_MSG_OFFER, msg, sizeof msg) == 0)
            b->count.offers_sent++;
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
    if (k->balance->pending.kind == BALANCE_PENDING_OFFER)
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

/* The first ACCEPT for the open offer takes the process; every other one
 * is released so the peer does not hold room for nothing. */
void balance_on_accept(struct kernel *k, uint16_t src, const uint8_t *payload)
{
    struct balance_state *b = k->balance;
    struct balance_pending *q = &b->pending;
    uint32_t id = get_be32(payload), pid = get_be32(payload + 4);
    balance_learn_sample(k, src, payload + 8);
    if (q->kind == BALANCE_PENDING_OFFER && q->id == id && q->pid == pid && src < k->node_count) {
        q->kind = BALANCE_PENDING_NONE;
        b->count.accepts_won++;
        balance_note_success(k);
        struct proc *p = proc_find(k, pid);
        if (p != NULL && balance_proc_movable(k, p, kernel_now(k)) && balance_start_migration(k, p, src))
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
