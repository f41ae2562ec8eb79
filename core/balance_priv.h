/*
 * balance_priv.h - the balancer's state and the pieces its files share.
 * docs/balancing.md describes the rules; this header holds their limits.
 *
 *   balance.c         lifecycle, timers, message dispatch, the overload test
 *   balance_sync.c    the Synchronizer: the local load, load reports, peer sampling
 *   balance_choose.c  which process to move (benefit / cost), and starting a move
 *   balance_policy.c  random, two-choices (probes) and mosix
 *   balance_offer.c   offer: OFFER / ACCEPT / RELEASE and the peers' reservations
 */
#ifndef CORE_BALANCE_PRIV_H
#define CORE_BALANCE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc.h"
#include "loadinfo.h"
#include "param.h"

struct kernel;
struct proc;

/* The fixed part of a move's cost, added to the image's pages: registers,
 * mailbox and tables, and the protocol's round trips, in bytes. */
#define BALANCE_COST_BASE_BYTES 8192u
/* Peers told or asked at once, whatever exchange_fanout says. */
#define BALANCE_FANOUT_MAX 32u
/* Clusters up to this size offer to every other node; larger ones to
 * 2 * exchange_fanout random peers. */
#define BALANCE_OFFER_ALL_NODES 32u
/* Offers a node may have accepted and not yet seen arrive. */
#define BALANCE_MAX_RESERVATIONS 4u
/* An accepted offer holds its reservation for this many balance periods
 * unless the process arrives or the source releases it first. */
#define BALANCE_RESERVE_PERIODS 4u
/* A peer delays its ACCEPT by this much per process of load (at most a
 * quarter of the balance period), so the first ACCEPT tends to come from
 * the least loaded willing peer, not from the nearest. */
#define BALANCE_ACCEPT_DELAY_NS 1000000ull
/* A node never gives away its only runnable process: moving needs a load
 * above this. */
#define BALANCE_KEEP_MILLI 1000u
/* After a request that found no willing or better peer (an offer nobody
 * accepted, probes that found no better node), a node waits 1, 2, 4 ...
 * up to this many balance periods before asking again, so a cluster
 * that is loaded everywhere is not flooded with futile offers. */
#define BALANCE_BACKOFF_MAX_PERIODS 8u
/* Load reports older than this many exchange periods are forgotten. */
#define BALANCE_LOAD_MAX_AGE_PERIODS 8u
/* Moves a node remembers having started, and for how many exchange
 * periods: a peer's report may have left it before the process arrived,
 * so each recent move counts on top of the target's reported load; and
 * a process still here whose move is under way (pre-copy, or waiting for
 * the Dispatcher) no longer counts in this node's own load. As many as a
 * period may start, so a burst off a hot spot is not forgotten. */
#define BALANCE_RECENT_MOVES BALANCE_MAX_MOVES_PER_PERIOD
#define BALANCE_RECENT_PERIODS 2u
/* A move decided while the Dispatcher had no room is tried again this
 * much later (it sends a few moves at once, each takes well under 1 ms
 * on a LAN), so a burst off a hot spot is not spread over periods. */
#define BALANCE_RETRY_NS 1000000ull
/* How many peers two-choices asks. */
#define BALANCE_PROBES 2u

_Static_assert(BALANCE_OFFER_ALL_NODES <= BALANCE_FANOUT_MAX + 1u, "an offer to all fits the peer list");
_Static_assert(BALANCE_PROBES <= BALANCE_FANOUT_MAX, "probes fit the peer list");

/* The target of a BALANCE trace event for an offer to the network. */
#define BALANCE_TARGET_NETWORK 0xFFFFu

enum balance_msg_type {
    BALANCE_MSG_LOAD = CLUSTER_MSG_BALANCE_FIRST, /* sample */
    BALANCE_MSG_PROBE,                            /* request id */
    BALANCE_MSG_PROBE_REPLY,                      /* request id, sample */
    BALANCE_MSG_OFFER,                            /* request id, pid, image bytes, sample */
    BALANCE_MSG_ACCEPT,                           /* request id, pid, sample */
    BALANCE_MSG_RELEASE,                          /* request id, pid */
};
_Static_assert((int)BALANCE_MSG_RELEASE <= (int)CLUSTER_MSG_BALANCE_LAST,
               "balance messages stay in their range");

#define BALANCE_LOAD_BYTES LOAD_SAMPLE_BYTES
#define BALANCE_PROBE_BYTES 4u
#define BALANCE_PROBE_REPLY_BYTES (4u + LOAD_SAMPLE_BYTES)
#define BALANCE_OFFER_BYTES (12u + LOAD_SAMPLE_BYTES)
#define BALANCE_ACCEPT_BYTES (8u + LOAD_SAMPLE_BYTES)
#define BALANCE_RELEASE_BYTES 8u

enum balance_pending_kind {
    BALANCE_PENDING_NONE,
    BALANCE_PENDING_PROBE, /* two-choices: waiting for probe replies */
    BALANCE_PENDING_OFFER, /* offer: waiting for the first ACCEPT */
    BALANCE_PENDING_READY, /* target chosen: waiting for the Dispatcher's room */
};

/* How a request ended, for the back-off (balance_request_settled). */
enum balance_outcome {
    BALANCE_OUTCOME_NEUTRAL, /* the process went or changed: no verdict */
    BALANCE_OUTCOME_FUTILE,  /* nobody willing or better */
    BALANCE_OUTCOME_SUCCESS, /* a peer was found */
};

/* A request a node has out, one per process it is shedding. */
struct balance_pending {
    uint64_t deadline_ns; /* offers lapse, probes decide on what came, READY gives up */
    uint32_t id;          /* names the request in replies */
    uint32_t pid;         /* the process it is for */
    uint32_t loads_milli[BALANCE_PROBES];
    uint32_t peer_count;
    uint32_t answered; /* bit i: peers[i] replied */
    uint16_t peers[BALANCE_PROBES];
    uint16_t target;  /* READY: where the process goes */
    uint8_t kind;     /* enum balance_pending_kind */
    bool from_offer;  /* READY after an ACCEPT: release it if dropped */
};

/* An offer this node accepted: its load counts one more process until
 * the process arrives, the source releases it, or it lapses. */
struct balance_reservation {
    uint16_t node;
    uint32_t offer_id;
    uint32_t pid;
    uint64_t accept_due_ns; /* when to send the ACCEPT; HAL_TIME_NEVER once sent */
    uint64_t expires_ns;    /* 0: the slot is free */
};

/* A move of `pid` this node started to `node`, remembered until `until_ns`. */
struct balance_recent {
    uint16_t node;
    uint32_t pid;
    uint64_t until_ns; /* 0: unused */
};

/* What the balancer did, for tests and metrics. */
struct balance_counters {
    uint32_t decisions; /* BALANCE events traced */
    uint32_t backoffs;  /* requests that found no peer */
    uint32_t moves_started;
    uint32_t moves_refused;  /* migrate_start said no */
    uint32_t moves_deferred; /* the Dispatcher was full: tried again shortly */
    uint32_t reports_sent, reports_dropped, reports_heard;
    uint32_t probes_sent, offers_sent;
    uint32_t accepts_sent, accepts_won, releases_sent;
    uint32_t bad_messages;
};

struct balance_state {
    struct loadinfo table;
    uint64_t next_exchange_ns;
    uint64_t next_balance_ns;
    uint32_t sample_seq;      /* load samples sent, this boot */
    uint32_t next_request_id; /* offers and probes, never 0 */
    bool overloaded;          /* the hysteresis state */
    uint32_t futile;          /* requests in a row that found no peer */
    uint64_t quiet_until_ns;  /* no new request before this (back-off) */
    struct balance_pending pending[BALANCE_MAX_MOVES_PER_PERIOD];
    uint32_t batch_open;      /* probes and offers of the last batch not settled */
    bool batch_won;           /* ... of which one found a peer */
    bool batch_futile;        /* ... of which one found nobody */
    uint64_t next_retry_ns;   /* READY moves wait for this; HAL_TIME_NEVER if none */
    struct balance_reservation reserved[BALANCE_MAX_RESERVATIONS];
    struct balance_recent recent[BALANCE_RECENT_MOVES]; /* a ring */
    uint32_t recent_next;
    struct balance_counters count;
};
/* Objects over 2 KiB take whole pages: one page per balancing node is the
 * memory budget's share (docs/architecture.md, "A node's memory"). */
_Static_assert(sizeof(struct balance_state) <= PAGE_SIZE, "the balancer's state fits one page");

/* balance.c */
/* The node's balancer state, made on first use; NULL without memory. */
struct balance_state *balance_state_get(struct kernel *k);
void balance_note_futile(struct kernel *k);
void balance_note_success(struct kernel *k);
void balance_request_settled(struct kernel *k, enum balance_outcome outcome);
struct balance_pending *balance_free_request(struct kernel *k);
struct balance_pending *balance_find_request(struct kernel *k, uint8_t kind, uint32_t id);
bool balance_has_request(const struct kernel *k, uint8_t kind);
bool balance_pid_pending(const struct kernel *k, uint32_t pid);

/* balance_sync.c */
uint32_t balance_local_load_milli(const struct kernel *k);
uint32_t balance_mean_milli(const struct kernel *k, uint32_t load_milli);
uint32_t balance_moves_wanted(const struct kernel *k, uint32_t load_milli);
void balance_local_sample(struct kernel *k, struct load_sample *out);
uint64_t balance_table_since_ns(const struct kernel *k);
void balance_send_reports(struct kernel *k);
void balance_on_load(struct kernel *k, uint16_t src, const uint8_t *payload);
void balance_learn_sample(struct kernel *k, uint16_t src, const uint8_t *sample_bytes);
uint32_t balance_pick_peers(struct kernel *k, uint16_t *out, uint32_t want);
uint32_t balance_next_request_id(struct kernel *k);

/* balance_choose.c */
bool balance_proc_movable(const struct kernel *k, const struct proc *p, uint64_t now);
struct proc *balance_choose_process(struct kernel *k, uint64_t now);
void balance_reset_windows(struct kernel *k);
void balance_trace_decision(struct kernel *k, uint32_t pid, uint16_t target, uint32_t load_milli);
bool balance_move(struct kernel *k, struct proc *p, uint16_t target, uint32_t load_milli);
bool balance_start_migration(struct kernel *k, struct proc *p, uint16_t target);
bool balance_start_offered(struct kernel *k, struct proc *p, struct balance_pending *q, uint16_t target);
void balance_retry_ready(struct kernel *k, uint64_t now);
void balance_drop_request(struct kernel *k, struct balance_pending *q);
uint32_t balance_recent_milli(const struct kernel *k, uint16_t node);
bool balance_pid_leaving(const struct kernel *k, uint32_t pid);

/* balance_policy.c */
bool balance_random_decide(struct kernel *k, struct proc *p, uint32_t load_milli);
bool balance_mosix_decide(struct kernel *k, struct proc *p, uint32_t load_milli, uint32_t cap_milli);
bool balance_probe_start(struct kernel *k, struct proc *p);
void balance_probe_finish(struct kernel *k, struct balance_pending *q);
void balance_on_probe(struct kernel *k, uint16_t src, const uint8_t *payload);
void balance_on_probe_reply(struct kernel *k, uint16_t src, const uint8_t *payload);

/* balance_offer.c */
bool balance_offer_prepare(struct kernel *k, struct proc *p, uint32_t load_milli);
void balance_offer_send(struct kernel *k, uint32_t load_milli);
void balance_on_offer(struct kernel *k, uint16_t src, const uint8_t *payload);
void balance_on_accept(struct kernel *k, uint16_t src, const uint8_t *payload);
void balance_on_release(struct kernel *k, uint16_t src, const uint8_t *payload);
uint32_t balance_count_reservations(struct kernel *k, uint64_t now);
void balance_send_due_accepts(struct kernel *k, uint64_t now);
uint64_t balance_accepts_deadline(const struct kernel *k);

#endif
