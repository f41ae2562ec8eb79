/*
 * session.h - the transport's per-peer state and the table that finds it
 * (the protocol itself is in transport.c; docs/protocol.md).
 *
 * One session per peer node holds both directions: the messages we sent
 * that the peer has not acknowledged (plus those queued behind the
 * window), and the next sequence number we expect from the peer with the
 * messages that arrived ahead of a gap. Sessions
 * live in a hash table keyed by node id that doubles as it fills, so a
 * node talking to a few peers of a 10,000-node cluster pays for a few.
 * Sessions are only freed with the whole transport; a reset empties one.
 */
#ifndef CORE_SESSION_H
#define CORE_SESSION_H

#include <stdint.h>

#include "frame.h"
#include "param.h"
#include "transport.h"

struct kernel;

/* One message kept until the peer acknowledges it. A SKIP message stands
 * for the abandoned seqs seq..last_seq; every other has last_seq == seq. */
struct tmsg {
    struct tmsg *next;
    uint32_t seq, last_seq;
    uint64_t first_sent_ns; /* for the round-trip sample */
    uint32_t transmissions; /* Karn: samples come only from messages sent once */
    uint32_t dst_epoch;     /* the peer's epoch at the first transmission; every resend keeps it */
    uint16_t len;
    uint16_t capacity; /* payload bytes allocated: kfree needs it */
    uint8_t type;
    uint8_t sampled; /* a round trip was measured on it already */
    uint8_t payload[];
};

/* Laid out without padding, in one 128-byte heap object: a node pays
 * this for every peer it has talked to (docs/architecture.md, "A node's
 * memory"), so counts bounded by the window take the smallest type. */
struct session {
    struct session *hash_next;
    struct session *timer_next; /* on the armed list when armed (singly linked, in arming order) */

    /* Send direction. Messages on the list, oldest first: [head, unsent)
     * are in flight, [unsent, end) wait for the window. */
    struct tmsg *head, *tail, *unsent;
    /* Receive direction: arrived ahead of a gap, by seq; at most TRANSPORT_WINDOW. */
    struct tmsg *early;

    uint64_t srtt_ns, rttvar_ns; /* the round-trip estimate, valid when rtt_valid */
    uint64_t answered_ns;        /* the peer last answered us, or we began waiting */
    uint64_t deadline_ns;

    uint32_t peer_ipv4;
    uint32_t peer_epoch;      /* 0 until learnt */
    uint32_t peer_prev_epoch; /* packets from it are stale and dropped */
    uint32_t next_seq;        /* given to the next message queued; starts at 1 */
    uint32_t acked;           /* highest seq the peer acknowledged */
    uint32_t sent_upto;       /* highest seq transmitted; acks above it are bogus */
    uint32_t recover;         /* repairing losses until acked reaches this; 0: not */
    uint32_t rcv_next;        /* next seq expected from the peer; starts at 1 */

    uint16_t node;
    uint16_t queued;     /* messages on the send list */
    uint8_t inflight;    /* of which transmitted */
    uint8_t early_count; /* messages on the early list */
    uint8_t backoff;     /* timeouts since the last round-trip sample */
    uint8_t dupacks;     /* pure acks in a row that acknowledged nothing new */
    uint8_t rtt_valid;
    uint8_t armed;
};
_Static_assert(sizeof(struct session) <= 128, "a session is one 128-byte heap object");
_Static_assert(TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX <= UINT16_MAX, "queued fits its field");
_Static_assert(TRANSPORT_WINDOW <= UINT8_MAX, "inflight and early_count fit their fields");

struct transport {
    struct session **buckets;
    uint32_t bucket_count; /* a power of two */
    uint32_t session_count;
    struct session *armed_head, *armed_tail;                     /* in arming order */
    uint64_t refuse_retry_until_ns; /* after a restart (rule 7); 0: never booted before */
};
_Static_assert(CLUSTER_HEADER_BYTES + CLUSTER_PAYLOAD_MAX == UDP_PAYLOAD_MAX,
               "a full cluster datagram fills one UDP datagram in one frame");

int session_table_init(struct kernel *k);
void session_table_destroy(struct kernel *k);

/* Bytes the table, its sessions and their messages hold (kernel_memory). */
uint32_t session_table_bytes(const struct transport *t);

struct session *session_find(const struct transport *t, uint16_t node);
/* Find or make the session for `node`; NULL when out of memory. */
struct session *session_get(struct kernel *k, uint16_t node);

/* Messages: allocate one with room for `len` payload bytes (at least a
 * SKIP's, so any message can be turned into one in place). */
struct tmsg *tmsg_alloc(struct kernel *k, uint32_t len);
void tmsg_free(struct kernel *k, struct tmsg *m);
void session_append(struct session *s, struct tmsg *m);
/* Remove and return the oldest message (NULL if none). */
struct tmsg *session_pop(struct session *s);
/* Free everything sent and unacknowledged, and everything received early. */
void session_free_messages(struct kernel *k, struct session *s);
/* Free only what was received early. */
void session_free_early(struct kernel *k, struct session *s);

/* Keep a message that arrived ahead of a gap, in seq order. Returns 0 if
 * it is kept (the caller gives up m), -1 if it is a duplicate or there is
 * no room (the caller frees m). */
int session_hold_early(struct session *s, struct tmsg *m);
/* Remove and return the earliest held message if its seq is at most
 * rcv_next (it is due, or stale); NULL otherwise. */
struct tmsg *session_take_early(struct session *s);

/* The retransmission timer: armed sessions are on a list in arming order,
 * so scanning it never depends on addresses. */
void session_arm(struct transport *t, struct session *s, uint64_t deadline_ns);
void session_disarm(struct transport *t, struct session *s);

#endif
