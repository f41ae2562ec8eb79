/*
 * transport_recv.c - the receiving half of the cluster protocol
 * (transport.h, docs/protocol.md): check a datagram's header and the
 * session's epochs, deliver the next expected message, hold up to a
 * window of early ones, and acknowledge every reliable packet at once.
 * Acks that arrive here go to the sending half (transport.c).
 */
#include "transport.h"

#include "bytes.h"
#include "cluster.h"
#include "kassert.h"
#include "kernel_priv.h"
#include "msg_names.h"
#include "net.h"
#include "session.h"
#include "transport_priv.h"

/* Everything checkable from the header alone, per type. */
static int transport_header_ok(const struct kernel *k, const struct cluster_header *h, const uint8_t *payload)
{
    if (h->dst_node != k->node_id || h->src_node == k->node_id || h->src_epoch == 0)
        return 0;
    switch (h->type) {
    case CLUSTER_MSG_ACK: return h->payload_len == 0; /* seq: an echo, any value */
    case CLUSTER_MSG_RST: return h->seq == 0 && h->payload_len == CLUSTER_RST_PAYLOAD_BYTES;
    case CLUSTER_MSG_SKIP: {
        if (h->payload_len != CLUSTER_SKIP_PAYLOAD_BYTES)
            return 0;
        uint32_t last = get_be32(payload);
        return h->seq != 0 && last >= h->seq && last != UINT32_MAX;
    }
    default: return h->type >= CLUSTER_MSG_FIRST_KERNEL && h->seq != 0 && h->seq != UINT32_MAX;
    }
}

/* Bind the session to the sender's epoch. Returns 0 for a packet from the
 * peer's previous incarnation (dropped); resets the session when the peer
 * has restarted since we last heard from it. */
static int session_check_epoch(struct kernel *k, struct session *s, uint32_t src_epoch)
{
    if (src_epoch == s->peer_epoch)
        return 1;
    if (s->peer_epoch == 0) {
        s->peer_epoch = src_epoch;
        return 1;
    }
    if (src_epoch == s->peer_prev_epoch)
        return 0;
    s->peer_prev_epoch = s->peer_epoch;
    s->peer_epoch = src_epoch;
    session_reset(k, s);
    return 1;
}

/* Whether `seq` is in flight in this session and was first sent before we
 * knew the peer's epoch. After a reset none is, so a late copy of an RST
 * that caused one is old news. */
static bool session_sent_blind(const struct session *s, uint32_t seq)
{
    for (const struct tmsg *m = s->head; m != s->unsent; m = m->next)
        if (m->seq <= seq && seq <= m->last_seq)
            return m->dst_epoch == 0;
    return false;
}

/* An RST means "incarnation src_epoch of that node has no session for the
 * packet you sent to incarnation D". Learning src_epoch resets us if the
 * peer restarted; if D is that same incarnation, the peer lost our
 * session some other way, and we start over too. Anything else is an old
 * RST we have already acted upon. */
static void transport_on_rst(struct kernel *k, const struct cluster_header *h, const uint8_t *payload)
{
    struct session *s = session_find(k->transport, h->src_node);
    if (s == NULL)
        return;
    uint32_t refused_seq = get_be32(payload);
    uint32_t refused_dst_epoch = get_be32(payload + 4);
    uint32_t known = s->peer_epoch;
    if (!session_check_epoch(k, s, h->src_epoch))
        return;
    /* Rule 7: a restarted peer refused a resend of ours that did not name
     * its epoch; its previous incarnation may have taken the first copy. */
    if (refused_dst_epoch == 0 && session_sent_blind(s, refused_seq)) {
        session_reset(k, s);
        return;
    }
    /* While our seq 1 is unacknowledged every packet we send is marked
     * OPENING, which is refused only by rule 7: an RST then is for an
     * older one. */
    if (refused_dst_epoch == h->src_epoch && known == h->src_epoch && s->acked != 0)
        session_reset(k, s);
}

/* Advance past one in-order message (a SKIP advances past its range) and
 * hand a kernel message up. rcv_next moves first, so anything the kernel
 * sends from the upcall already acknowledges it. */
static void session_accept(struct kernel *k, struct session *s, uint8_t type, uint32_t last_seq,
                           const uint8_t *payload, uint32_t len)
{
    KASSERT_MSG(k, last_seq >= s->rcv_next, "delivering a sequence number already delivered");
    s->rcv_next = last_seq + 1u;
    if (type == CLUSTER_MSG_SKIP) {
        ipc_on_peer_abandoned(k, s->node);
        return;
    }
    msg_trace(k, HAL_TRACE_KRECV, s->node, type, last_seq);
    ipc_on_cluster_message(k, s->node, type, payload, len);
}

/* Deliver the held messages the new rcv_next has reached; drop the ones
 * a SKIP made stale. */
static void session_drain_early(struct kernel *k, struct session *s)
{
    struct tmsg *m;
    while ((m = session_take_early(s)) != NULL) {
        if (m->last_seq >= s->rcv_next)
            session_accept(k, s, m->type, m->last_seq, m->payload, m->len);
        tmsg_free(k, m);
    }
}

/* Keep a message that overtook a missing one, if it is within a window
 * of rcv_next; otherwise the sender will resend it. */
static void session_hold(struct kernel *k, struct session *s, const struct cluster_header *h,
                         const uint8_t *payload)
{
    if (h->seq - s->rcv_next >= TRANSPORT_WINDOW)
        return;
    struct tmsg *m = tmsg_alloc(k, h->payload_len);
    if (m == NULL)
        return;
    m->type = h->type;
    m->seq = h->seq;
    m->last_seq = h->type == CLUSTER_MSG_SKIP ? get_be32(payload) : h->seq;
    if (h->payload_len != 0)
        kmemcpy(m->payload, payload, h->payload_len);
    if (session_hold_early(s, m) != 0)
        tmsg_free(k, m);
    KASSERT(k, s->early_count <= TRANSPORT_WINDOW);
}

/* Deliver in order and once, hold what came early, acknowledge all. */
static void session_on_reliable(struct kernel *k, struct session *s, uint32_t src_ip,
                                const struct cluster_header *h, const uint8_t *payload)
{
    uint32_t last = h->type == CLUSTER_MSG_SKIP ? get_be32(payload) : h->seq;
    if (h->seq <= s->rcv_next && s->rcv_next <= last) {
        session_accept(k, s, h->type, last, payload, h->payload_len);
        session_drain_early(k, s);
    } else if (h->seq > s->rcv_next) {
        if (s->rcv_next == 1 && !(h->flags & CLUSTER_FLAG_OPENING)) {
            /* The sender is mid-session with us, but we have nothing of it. */
            transport_send_rst(k, src_ip, h);
            return;
        }
        session_hold(k, s, h, payload);
    }
    /* In order, early, or a duplicate (last < rcv_next): the ack tells the
     * sender where we are. */
    transport_send_ack(k, s, h->seq);
}

/* Rule 7: for a while after a restart, a resent OPENING packet that does
 * not name our epoch, from a peer we have taken nothing from yet, may be
 * meant for our previous incarnation, which may have delivered it. A
 * first transmission is taken: only one in flight during the restart can
 * be old. */
static bool transport_refuses_blind_retry(const struct kernel *k, const struct session *s,
                                          const struct cluster_header *h)
{
    const uint16_t blind_retry = CLUSTER_FLAG_OPENING | CLUSTER_FLAG_RETRY;
    return h->type != CLUSTER_MSG_ACK && h->dst_epoch == 0 && (h->flags & blind_retry) == blind_retry &&
           (s == NULL || s->rcv_next == 1) && kernel_now(k) < k->transport->refuse_retry_until_ns;
}

/* A datagram from a known or new peer, for our current incarnation. */
static void transport_on_peer_packet(struct kernel *k, uint32_t src_ip, const struct cluster_header *h,
                                     const uint8_t *payload)
{
    struct session *s = session_find(k->transport, h->src_node);
    if (transport_refuses_blind_retry(k, s, h)) {
        /* What it overtook may be as old: the sender starts over. */
        if (s != NULL)
            session_free_early(k, s);
        transport_send_rst(k, src_ip, h);
        return;
    }
    if (s == NULL && h->type == CLUSTER_MSG_ACK)
        return; /* acknowledges nothing we sent */
    if (s == NULL && (s = session_get(k, h->src_node)) == NULL)
        return; /* out of memory: as if lost */
    if (!session_check_epoch(k, s, h->src_epoch))
        return;
    if (src_ip != 0 && src_ip != IPV4_BROADCAST && src_ip != k->ipv4)
        s->peer_ipv4 = src_ip; /* answer where it speaks from */
    if (h->dst_epoch == k->epoch)
        session_on_ack(k, s, h->ack, h->type == CLUSTER_MSG_ACK ? h->seq : 0);
    if (h->type != CLUSTER_MSG_ACK)
        session_on_reliable(k, s, src_ip, h, payload);
    /* Hearing from the peer also sends a SKIP left by an unreachable
     * timeout, re-synchronising at once. */
    session_fill_window(k, s);
}

void transport_on_datagram(struct kernel *k, uint32_t src_ipv4, const uint8_t *data, uint32_t len)
{
    struct cluster_header h;
    const uint8_t *payload;
    if (k->transport == NULL)
        return;
    if (cluster_decode(data, len, &h, &payload) != 0 || !transport_header_ok(k, &h, payload)) {
        netstack_note_bad_frame(k, len);
        return;
    }
    if (h.dst_epoch != 0 && h.dst_epoch != k->epoch) {
        /* For our previous incarnation: refuse it, so the sender learns. */
        if (h.type != CLUSTER_MSG_RST)
            transport_send_rst(k, src_ipv4, &h);
        return;
    }
    if (h.type == CLUSTER_MSG_RST)
        transport_on_rst(k, &h, payload);
    else
        transport_on_peer_packet(k, src_ipv4, &h, payload);
}

/* ---- timers and lifetime ---- */
