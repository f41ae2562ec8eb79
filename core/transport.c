/*
 * transport.c - the cluster protocol: reliable, ordered, exactly-once
 * delivery per sender over UDP (see transport.h; the rules, with a
 * diagram, are in docs/protocol.md). This file is the sending half and
 * the sessions; transport_recv.c receives.
 *
 * The receiver delivers the next sequence number it expects, holds up to
 * a window of messages that arrive ahead of a gap, and acknowledges every
 * reliable packet at once with a cumulative ack. The sender keeps up to
 * TRANSPORT_WINDOW messages in flight and repairs a loss by resending the
 * oldest unacknowledged message: after a retransmission timeout (which
 * doubles), after three duplicate acks, and after each partial ack while
 * repairing. A peer that answers nothing for TRANSPORT_SUSPECT_TIMEOUT_NS
 * is declared unreachable. Sessions are bound to both nodes' boot epochs.
 *
 * The kernel's upcalls (ipc_on_*) may call transport_send, so every
 * session is consistent before an upcall is made.
 */
#include "transport.h"

#include "bytes.h"
#include "cluster.h"
#include "frame.h"
#include "kassert.h"
#include "kernel_priv.h"
#include "msg_names.h"
#include "net.h"
#include "session.h"
#include "transport_priv.h"

#define TRANSPORT_DUPACK_THRESHOLD 3u /* as TCP's fast retransmit (RFC 5681) */
#define TRANSPORT_BACKOFF_MAX 32u      /* doublings counted: far past TRANSPORT_RTO_MAX_NS */
_Static_assert(TRANSPORT_BACKOFF_MAX <= UINT8_MAX, "the backoff fits its field");

/* ---- putting datagrams on the wire ---- */

/* 0, or the stack's reason for not taking the datagram now. */
static int transport_emit(struct kernel *k, uint32_t dst_ip, const struct cluster_header *h,
                          const uint8_t *payload)
{
    /* On the stack, not in the node: the stack layer copies it before
     * this returns, and an idle node should not hold a datagram's room. */
    uint8_t buf[CLUSTER_HEADER_BYTES + CLUSTER_PAYLOAD_MAX];
    uint32_t len = cluster_encode(h, payload, buf);
    return netstack_send_cluster_ipv4(k, dst_ip, buf, len);
}

static struct cluster_header transport_header_to(const struct kernel *k, const struct session *s,
                                                 uint8_t type)
{
    struct cluster_header h = {0};
    h.type = type;
    h.src_node = k->node_id;
    h.dst_node = s->node;
    h.src_epoch = k->epoch;
    h.dst_epoch = s->peer_epoch;
    h.ack = s->rcv_next - 1u;
    return h;
}

/* A pure ack carries, in its seq field, the seq of the packet that drew
 * it: the sender learns an exact round trip and that this packet arrived. */
void transport_send_ack(struct kernel *k, struct session *s, uint32_t echo_seq)
{
    struct cluster_header h = transport_header_to(k, s, CLUSTER_MSG_ACK);
    h.seq = echo_seq;
    (void)transport_emit(k, s->peer_ipv4, &h, NULL); /* a lost ack is repaired by retransmission */
}

/* Answer a packet that belongs to no session we have: tell its sender
 * our epoch, and which of its packets was refused. */
void transport_send_rst(struct kernel *k, uint32_t dst_ip, const struct cluster_header *bad)
{
    struct cluster_header h = {0};
    uint8_t payload[CLUSTER_RST_PAYLOAD_BYTES];
    h.type = CLUSTER_MSG_RST;
    h.src_node = k->node_id;
    h.dst_node = bad->src_node;
    h.src_epoch = k->epoch;
    h.dst_epoch = bad->src_epoch;
    h.payload_len = CLUSTER_RST_PAYLOAD_BYTES;
    put_be32(payload, bad->seq);
    put_be32(payload + 4, bad->dst_epoch);
    (void)transport_emit(k, dst_ip, &h, payload); /* the sender retransmits and asks again */
}

void transport_on_restart(struct kernel *k)
{
    if (k->transport == NULL)
        return;
    k->transport->refuse_retry_until_ns = kernel_now(k) + TRANSPORT_RESTART_REFUSE_RETRY_NS;
    for (uint16_t node = 0; node < k->node_count; node++) {
        if (node == k->node_id)
            continue;
        struct cluster_header h = {
            .type = CLUSTER_MSG_ACK, .src_node = k->node_id, .dst_node = node, .src_epoch = k->epoch};
        (void)transport_emit(k, netstack_node_ipv4(k, node), &h, NULL); /* best effort, as above */
    }
}

/* Put one message on the wire. A first transmission the stack refuses
 * (the peer's MAC is being resolved and a datagram already waits, or the
 * NIC queue is full) does not count: the message stays unsent. A refused
 * retransmission is simply lost, like one dropped on the wire. */
static int transport_send_message(struct kernel *k, struct session *s, struct tmsg *m)
{
    struct cluster_header h = transport_header_to(k, s, m->type);
    h.seq = m->seq;
    h.payload_len = m->len;
    /* A resend names the incarnation the first copy was sent to: one sent
     * before we knew the peer's epoch may be a resend of a packet its
     * previous incarnation took, so it must never pass for a new one. */
    if (m->transmissions == 0)
        m->dst_epoch = s->peer_epoch;
    h.dst_epoch = m->dst_epoch;
    /* Until our seq 1 is acknowledged, a receiver with no session for us
     * must wait for it rather than refuse what overtook it. */
    h.flags = s->acked == 0 ? CLUSTER_FLAG_OPENING : 0;
    if (m->transmissions != 0)
        h.flags |= CLUSTER_FLAG_RETRY; /* a restarted receiver may refuse it (rule 7) */
    int rc = transport_emit(k, s->peer_ipv4, &h, m->payload);
    if (rc != 0 && m->transmissions == 0)
        return rc;
    if (m->transmissions++ == 0) {
        m->first_sent_ns = kernel_now(k);
        msg_trace(k, HAL_TRACE_KSEND, s->node, m->type, m->seq);
    }
    if (m->last_seq > s->sent_upto)
        s->sent_upto = m->last_seq;
    return 0;
}

static void transport_note_retransmit(struct kernel *k, struct session *s, uint32_t seq)
{
    k->stats.retransmits++;
    struct hal_trace_event ev = {.type = HAL_TRACE_RETRANSMIT, .value = (int32_t)seq, .value2 = s->node};
    ktrace(k, &ev);
}

/* Resend the oldest unacknowledged message, if it is in flight. */
static void session_resend_oldest(struct kernel *k, struct session *s)
{
    if (s->head == NULL || s->head == s->unsent)
        return;
    transport_note_retransmit(k, s, s->head->seq);
    (void)transport_send_message(k, s, s->head);
}

/* ---- the send direction ---- */

static uint64_t transport_clamp_rto(uint64_t rto)
{
    if (rto < TRANSPORT_RTO_INITIAL_NS)
        return TRANSPORT_RTO_INITIAL_NS;
    return rto > TRANSPORT_RTO_MAX_NS ? TRANSPORT_RTO_MAX_NS : rto;
}

/* The timeout the round-trip estimate calls for, without backoff. */
static uint64_t session_base_rto(const struct session *s)
{
    if (!s->rtt_valid)
        return TRANSPORT_RTO_INITIAL_NS;
    return transport_clamp_rto(s->srtt_ns + 4u * s->rttvar_ns);
}

/* The timeout now: the estimate's, doubled for each timeout since the last
 * round-trip sample (Karn: progress on a resent message proves nothing
 * about the round trip, so it keeps the backoff). Peer suspicion counts
 * time, not timeouts, so nothing can shorten the silence it waits for. */
static uint64_t session_timeout(const struct session *s)
{
    uint64_t rto = session_base_rto(s);
    for (uint32_t i = 0; i < s->backoff && rto < TRANSPORT_RTO_MAX_NS; i++)
        rto *= 2u;
    return transport_clamp_rto(rto);
}

/* Transmit what the window allows, stopping at the first message the
 * stack cannot take yet. The timer runs while anything is in flight or
 * waiting for the stack; its expiry retries. Arming it starts the wait
 * for an answer that peer suspicion measures. */
void session_fill_window(struct kernel *k, struct session *s)
{
    while (s->unsent != NULL && s->inflight < TRANSPORT_WINDOW) {
        struct tmsg *m = s->unsent;
        if (transport_send_message(k, s, m) != 0)
            break;
        s->unsent = m->next;
        s->inflight++;
    }
    KASSERT(k, s->inflight <= TRANSPORT_WINDOW && s->inflight <= s->queued);
    if ((s->inflight > 0 || s->unsent != NULL) && !s->armed) {
        s->answered_ns = kernel_now(k);
        session_arm(k->transport, s, s->answered_ns + session_timeout(s));
    }
}

/* RFC 6298 in integer nanoseconds, with TRANSPORT_RTO_INITIAL_NS as the
 * floor: the timeout follows the measured round trip on slow links. A
 * sample replaces the backoff (Karn). */
static void session_sample_rtt(struct session *s, uint64_t rtt)
{
    if (!s->rtt_valid) {
        s->srtt_ns = rtt;
        s->rttvar_ns = rtt / 2u;
        s->rtt_valid = 1;
    } else {
        uint64_t delta = s->srtt_ns > rtt ? s->srtt_ns - rtt : rtt - s->srtt_ns;
        s->rttvar_ns = (3u * s->rttvar_ns + delta) / 4u;
        s->srtt_ns = (7u * s->srtt_ns + rtt) / 8u;
    }
    s->backoff = 0;
}

/* Measure a round trip on the message an ack echoes, if it was sent
 * exactly once (Karn: a resent one is ambiguous) and not measured yet. */
static void session_sample_echo(struct kernel *k, struct session *s, uint32_t echo_seq)
{
    for (struct tmsg *m = s->head; m != s->unsent; m = m->next) {
        if (m->seq != echo_seq)
            continue;
        if (m->transmissions == 1 && !m->sampled) {
            m->sampled = 1;
            session_sample_rtt(s, kernel_now(k) - m->first_sent_ns);
        }
        return;
    }
}

static void session_release_acked(struct kernel *k, struct session *s, uint32_t ack)
{
    while (s->head != NULL && s->head->last_seq <= ack)
        tmsg_free(k, session_pop(s));
}

/* Three pure acks for the same seq, each drawn by a later message, mean
 * the one after it is missing: resend it without waiting for the timeout,
 * then keep repairing until everything now sent is acknowledged. */
static void session_on_dupack(struct kernel *k, struct session *s)
{
    if (s->inflight == 0 || s->recover != 0 || ++s->dupacks < TRANSPORT_DUPACK_THRESHOLD)
        return;
    s->recover = s->sent_upto;
    session_resend_oldest(k, s);
}

/* A cumulative acknowledgement (echo_seq: what drew a pure ack, else 0):
 * free what it covers, restart the timer, continue a repair, and let
 * queued messages into the window. An echo of anything we sent, or an ack
 * that moves forward, shows the peer hears us: it is not silent. */
void session_on_ack(struct kernel *k, struct session *s, uint32_t ack, uint32_t echo_seq)
{
    if ((echo_seq != 0 && echo_seq <= s->sent_upto) || (ack > s->acked && ack <= s->sent_upto))
        s->answered_ns = kernel_now(k);
    if (echo_seq != 0)
        session_sample_echo(k, s, echo_seq);
    if (ack == s->acked) {
        if (echo_seq > ack + 1u)
            session_on_dupack(k, s);
        return;
    }
    if (ack < s->acked || ack > s->sent_upto)
        return; /* old, or for something never sent: ignored */
    session_release_acked(k, s, ack);
    s->acked = ack;
    KASSERT(k, s->acked <= s->sent_upto && s->sent_upto < s->next_seq);
    s->dupacks = 0;
    if (s->recover != 0 && ack >= s->recover)
        s->recover = 0;
    else if (s->recover != 0)
        session_resend_oldest(k, s); /* a partial ack: the next hole (RFC 6582) */
    session_disarm(k->transport, s);
    session_fill_window(k, s);
}

static void transport_note_peer_reset(struct kernel *k, struct session *s, bool restarted)
{
    k->stats.peer_resets++;
    struct hal_trace_event ev = {.type = HAL_TRACE_PEER_RESET, .value2 = s->node};
    ktrace(k, &ev);
    ipc_on_peer_reset(k, s->node, restarted);
}

/* Forget both directions: the peer restarted, or lost our session. What
 * was not acknowledged is lost, and the kernel is told. */
void session_reset(struct kernel *k, struct session *s)
{
    session_free_messages(k, s);
    session_disarm(k->transport, s);
    s->next_seq = 1;
    s->acked = 0;
    s->sent_upto = 0;
    s->rcv_next = 1;
    s->backoff = 0;
    s->recover = 0;
    s->dupacks = 0;
    s->rtt_valid = 0;
    transport_note_peer_reset(k, s, true);
}

/* Turn everything unacknowledged into one SKIP for seqs acked+1 ..
 * next_seq-1, reusing the oldest message's memory so this cannot fail.
 * Returns whether a kernel message was among them. */
static int session_abandon_unacked(struct kernel *k, struct session *s)
{
    struct tmsg *skip = session_pop(s);
    if (skip == NULL)
        return 0;
    int lost_kernel_message = skip->type != CLUSTER_MSG_SKIP;
    struct tmsg *m;
    while ((m = session_pop(s)) != NULL) {
        lost_kernel_message |= m->type != CLUSTER_MSG_SKIP;
        tmsg_free(k, m);
    }
    skip->type = CLUSTER_MSG_SKIP;
    skip->seq = s->acked + 1u;
    skip->last_seq = s->next_seq - 1u;
    skip->len = CLUSTER_SKIP_PAYLOAD_BYTES;
    skip->transmissions = 0;
    skip->sampled = 1; /* Karn: its seq was sent before, so an echo of it is ambiguous */
    put_be32(skip->payload, skip->last_seq);
    session_append(s, skip);
    return lost_kernel_message;
}

/* The peer answered nothing for TRANSPORT_SUSPECT_TIMEOUT_NS. Our
 * send direction is reset but keeps counting: the peer may still hold its
 * receive state (a partition, not a crash), so the abandoned seqs are
 * skipped explicitly when we next talk to it, and old duplicates can never
 * pass for new messages. The SKIP waits, untransmitted, until there is
 * something new to send or the peer is heard from, so a dead node is not
 * probed for ever. */
static void session_on_unreachable(struct kernel *k, struct session *s)
{
    session_disarm(k->transport, s);
    s->backoff = 0;
    s->recover = 0;
    s->dupacks = 0;
    int lost = session_abandon_unacked(k, s);
    netstack_forget_ipv4(k, s->peer_ipv4);
    if (lost)
        transport_note_peer_reset(k, s, false);
}

/* Declare a peer silent for TRANSPORT_SUSPECT_TIMEOUT_NS unreachable, or
 * resend the oldest message and back off the timeout twofold (plus a
 * random part, TRANSPORT_RTO_JITTER_DIV); the rest of
 * the window is repaired one partial ack at a time. The doubled timeout
 * stays until a round-trip sample replaces it (Karn). Returns 1 if the
 * peer turned out unreachable (and the kernel was called), 0 otherwise. */
static int session_on_timeout(struct kernel *k, struct session *s, uint64_t now)
{
    if (now - s->answered_ns >= TRANSPORT_SUSPECT_TIMEOUT_NS) {
        session_on_unreachable(k, s);
        return 1;
    }
    if (s->backoff < TRANSPORT_BACKOFF_MAX)
        s->backoff++;
    if (s->inflight > 0)
        s->recover = s->sent_upto;
    s->dupacks = 0;
    session_resend_oldest(k, s);
    uint64_t timeout = session_timeout(s);
    _Static_assert(TRANSPORT_RTO_MAX_NS / TRANSPORT_RTO_JITTER_DIV < UINT32_MAX, "the jitter is one draw");
    timeout += kernel_random_below(k, (uint32_t)(timeout / TRANSPORT_RTO_JITTER_DIV) + 1u);
    session_arm(k->transport, s, now + timeout);
    session_fill_window(k, s);
    return 0;
}

int transport_send(struct kernel *k, uint16_t dst_node, uint8_t type, const uint8_t *payload, uint32_t len)
{
    if (dst_node == k->node_id || type < CLUSTER_MSG_FIRST_KERNEL || (payload == NULL && len != 0))
        return ERR_INVALID;
    if (len > CLUSTER_PAYLOAD_MAX)
        return ERR_TOO_BIG;
    if (k->transport == NULL)
        return ERR_NO_MEMORY;
    struct session *s = session_get(k, dst_node);
    if (s == NULL)
        return ERR_NO_MEMORY;
    /* A full window and queue push back on the sender; so does the
     * (4 billion messages away) end of the sequence space. */
    if (s->queued >= TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX || s->next_seq == UINT32_MAX)
        return ERR_BUSY;
    struct tmsg *m = tmsg_alloc(k, len);
    if (m == NULL)
        return ERR_NO_MEMORY;
    m->type = type;
    m->seq = m->last_seq = s->next_seq++;
    if (len != 0)
        kmemcpy(m->payload, payload, len);
    session_append(s, m);
    KASSERT(k, s->queued <= TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX);
    session_fill_window(k, s);
    return 0;
}

/* The newest message of `type` still waiting for the window, or NULL. */
static struct tmsg *session_newest_waiting(const struct session *s, uint8_t type)
{
    struct tmsg *found = NULL;
    for (struct tmsg *m = s->unsent; m != NULL; m = m->next)
        if (m->type == type)
            found = m;
    return found;
}

int transport_send_latest(struct kernel *k, uint16_t dst_node, uint8_t type, const uint8_t *payload,
                          uint32_t len)
{
    struct session *s = k->transport != NULL ? session_find(k->transport, dst_node) : NULL;
    struct tmsg *m = s != NULL ? session_newest_waiting(s, type) : NULL;
    if (m == NULL || m->capacity < len || (payload == NULL && len != 0))
        return transport_send(k, dst_node, type, payload, len);
    m->len = (uint16_t)len;
    if (len != 0)
        kmemcpy(m->payload, payload, len);
    return 0;
}

uint32_t transport_queued(const struct kernel *k, uint16_t dst_node)
{
    const struct session *s = k->transport != NULL ? session_find(k->transport, dst_node) : NULL;
    return s != NULL ? s->queued : 0;
}

uint32_t transport_peer_epoch(const struct kernel *k, uint16_t node)
{
    const struct session *s = k->transport != NULL ? session_find(k->transport, node) : NULL;
    return s != NULL ? s->peer_epoch : 0;
}

uint32_t transport_last_seq(const struct kernel *k, uint16_t dst_node)
{
    const struct session *s = k->transport != NULL ? session_find(k->transport, dst_node) : NULL;
    return s != NULL ? s->next_seq - 1u : 0;
}

bool transport_acked(const struct kernel *k, uint16_t dst_node, uint32_t seq)
{
    const struct session *s = k->transport != NULL ? session_find(k->transport, dst_node) : NULL;
    return s != NULL && s->acked >= seq;
}

/* ---- the receive direction ---- */

void transport_on_timer(struct kernel *k)
{
    if (k->transport == NULL)
        return;
    uint64_t now = kernel_now(k);
    /* In arming order. Handling a session moves its deadline past now
     * (in place on the list) or, for an unreachable peer, disarms it and
     * calls the kernel, which may arm or disarm any session: then the walk
     * starts over from the head, passing quickly over the sessions already
     * handled. */
    struct session *s = k->transport->armed_head;
    while (s != NULL) {
        if (s->deadline_ns > now)
            s = s->timer_next;
        else if (session_on_timeout(k, s, now))
            s = k->transport->armed_head;
        else
            s = s->timer_next;
    }
}

uint64_t transport_next_deadline(const struct kernel *k)
{
    uint64_t next = HAL_TIME_NEVER;
    if (k->transport == NULL)
        return next;
    for (const struct session *s = k->transport->armed_head; s != NULL; s = s->timer_next)
        if (s->deadline_ns < next)
            next = s->deadline_ns;
    return next;
}

int transport_init(struct kernel *k)
{
    k->transport = kalloc(k, sizeof *k->transport);
    if (k->transport == NULL)
        return ERR_NO_MEMORY;
    k->transport->refuse_retry_until_ns = 0;
    if (session_table_init(k) != 0) {
        kfree(k, k->transport, sizeof *k->transport);
        k->transport = NULL;
        return ERR_NO_MEMORY;
    }
    return 0;
}

void transport_destroy(struct kernel *k)
{
    if (k->transport == NULL)
        return;
    session_table_destroy(k);
    kfree(k, k->transport, sizeof *k->transport);
    k->transport = NULL;
}
