/*
 * migrate_priv.h - the Dispatcher's state, wire sizes and the pieces its
 * files share (migrate.h; the messages and the state machine are
 * documented in docs/protocol.md, "Migration").
 *
 *   migrate.c         message dispatch, ABORT / CANCEL, timers, deadlines,
 *                     peer resets, init and destroy
 *   migrate_source.c  the source of a move: migrate_start, pre-copy, the
 *                     image, the handover
 *   migrate_target.c  the target of a move: admission, staging, install,
 *                     the held process until HANDOVER DONE
 *   migrate_shadow.c  pre-copy's copies of the hot pages as the target
 *                     holds them, so later rounds send only what changed
 *
 * The source of a move streams BEGIN, then in pre-copy the pages as PAGE
 * messages while the process runs (rounds re-send the pages it dirtied,
 * hot ones as their changed bytes only), then, frozen, the pages dirtied
 * in the last round the same way, then the process image (procimage.h)
 * as IMAGE and CHUNK messages, and waits for INSTALLED. Everything goes through the reliable transport,
 * which delivers in order; flow control is the transport's ERR_BUSY plus
 * a cap on how much of the peer's queue one move may hold, and sending
 * resumes from migrate_on_timer, which the kernel calls on every frame
 * (acknowledgements open the window) and timer.
 *
 * The target buffers the image, decodes it (on top of the pre-copied
 * pages), answers INSTALLED and holds the process in a slot, frozen and
 * unseen by proc_find. The source then sends what reached the frozen
 * mailbox meanwhile (HANDOVER LATE) and HANDOVER DONE, leaves a
 * forwarding entry and discards its copy; the target runs the process on
 * DONE. So the process never runs at both ends, and every message reaches
 * it through the source until the handover, which keeps each sender's
 * messages in order. Any failure before DONE thaws the process at the
 * source, where it runs on as if nothing had happened. The target gives
 * a held copy up only on CANCEL, a reset of its session with the source
 * or a SKIP from it (DONE given up), never on silence alone: DONE may be
 * on its way.
 *
 * Moves are kept in small fixed tables scanned in index order, and every
 * time comes from the node's clock: nothing depends on pointer values.
 */
#ifndef CORE_MIGRATE_PRIV_H
#define CORE_MIGRATE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc.h"
#include "kernel_priv.h"
#include "transport.h"
#include "vm.h"

struct proc;
struct migrate_shadow;

/* Message types, CLUSTER_MSG_MIGRATE_FIRST.. (docs/protocol.md). */
enum {
    MSG_BEGIN = CLUSTER_MSG_MIGRATE_FIRST, /* source -> target: a move starts */
    MSG_PAGE,                              /* source -> target: part of a pre-copied page */
    MSG_IMAGE,                             /* source -> target: the image's length */
    MSG_CHUNK,                             /* source -> target: bytes of the image */
    MSG_INSTALLED,                         /* target -> source: decoded, held, waiting */
    MSG_ABORT,                             /* target -> source: the move failed there */
    MSG_CANCEL,                            /* source -> target: the move failed here */
    MSG_HANDOVER,                          /* source -> target: a late message, or "run it" */
};
_Static_assert((int)MSG_HANDOVER == (int)CLUSTER_MSG_MIGRATE_LAST, "migration's types fit its range");

/* Limits. Candidates for param.h once the balancer tunes them. */
#define MIGRATE_MAX_OUT 4u              /* moves a node sends at once */
#define MIGRATE_MAX_IN 4u               /* moves a node receives at once */
#define MIGRATE_STALL_NS 5000000000ull  /* a move without progress this long fails */
/* A source hands a process over only while its last send of the move is
 * this recent. The target gives its held copy up when its transport
 * declares the source unreachable, at least TRANSPORT_SUSPECT_TIMEOUT_NS
 * (5 s, on its own clock, which may run fast) after it sent INSTALLED, so
 * an INSTALLED read later than this, after the source stood still (a
 * pause) or waited long, may answer a copy already dropped, and DONE
 * would be lost; the source thaws the process instead (docs/protocol.md,
 * "Failures"). */
#define MIGRATE_COMMIT_WINDOW_NS (MIGRATE_STALL_NS / 2u)
#define MIGRATE_RETRY_NS 100000ull      /* poll for a freeze or answer that had to wait */
#define MIGRATE_QUEUE_CAP 64u           /* of the peer's transport queue, what a move may fill */
#define MIGRATE_DRAIN_LEFT 4u           /* pre-copy freezes once the queue is this short */
#define MIGRATE_MAX_ROUNDS 8u           /* pre-copy rounds, the full copy included */
#define MIGRATE_FEW_PAGES 8u            /* dirty pages left that end pre-copy */
/* A round that sent more than this share of the previous round's bytes
 * ends pre-copy: the process dirties memory about as fast as it goes. */
#define MIGRATE_SETTLED_PERCENT 75u
#define MIGRATE_SHADOW_PAGES 128u       /* hot pages a move keeps the target's copy of */
/* Changed ranges of a hot page closer than this go as one PAGE piece:
 * about what a piece of its own costs in headers on the wire. */
#define MIGRATE_DELTA_GAP 64u
#define MIGRATE_MAX_HANDED 8u           /* handovers awaiting the target's acknowledgement */
_Static_assert(MIGRATE_QUEUE_CAP >= 2u * TRANSPORT_WINDOW, "a move keeps the window full");
_Static_assert(MIGRATE_QUEUE_CAP < TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX, "and leaves room for others");

#define BEGIN_BYTES 9u     /* move id, pid, mode */
#define PAGE_HEADER 10u    /* move id, page word, offset */
#define IMAGE_BYTES 8u     /* move id, image length */
#define CHUNK_HEADER 8u    /* move id, offset */
#define INSTALLED_BYTES 8u /* move id, pid */
#define ABORT_BYTES 12u    /* move id, pid, error (ABORT and CANCEL) */
#define HANDOVER_HEADER 5u /* move id, kind; a late message adds its source pid */
#define HANDOVER_MESSAGE 9u
#define PAGE_PIECE_MAX (CLUSTER_PAYLOAD_MAX - PAGE_HEADER)
#define CHUNK_MAX (CLUSTER_PAYLOAD_MAX - CHUNK_HEADER)
_Static_assert(HANDOVER_MESSAGE + MSG_MAX_BYTES <= CLUSTER_PAYLOAD_MAX, "a late message fits one");

enum handover_kind { HANDOVER_LATE, HANDOVER_DONE };

enum out_phase {
    OUT_PRECOPY, /* sending the pages of the current round */
    OUT_DRAIN,   /* rounds done: freeze once the queue is short */
    OUT_FROZEN,  /* frozen: sending the pages dirtied in the last round */
    OUT_IMAGE,   /* frozen: sending the image (stop-and-copy: built on the first pump) */
    OUT_WAIT,    /* all sent: waiting for INSTALLED */
    OUT_HANDOVER, /* held there: sending late messages, then HANDOVER_DONE */
};

struct move_out {
    uint32_t id; /* 0: slot free */
    uint32_t pid;
    uint16_t target;
    uint8_t mode; /* enum migrate_mode */
    uint8_t phase;
    bool begun;     /* BEGIN queued */
    bool announced; /* IMAGE queued */
    uint64_t freeze_ns, progress_ns;
    uint64_t retry_ns; /* pump again then (HAL_TIME_NEVER: on the next event) */
    uint64_t bytes, round_bytes, last_round_bytes;
    uint32_t round;
    uint32_t *set;     /* pre-copy: this round's pages; VM_DIRTY_WORDS words */
    uint32_t vpn, piece_off; /* pre-copy: the page being sent, where in it to go on */
    struct migrate_shadow *shadows; /* pre-copy: MIGRATE_SHADOW_PAGES slots */
    uint32_t shadow_count;
    uint8_t *image;
    uint32_t image_len, image_pages, sent;
    uint32_t mailbox_len;     /* messages that travelled in the image */
    uint32_t late_sent;       /* messages after those, handed over so far */
    bool imaged;              /* the image was taken: children_exited holds */
    uint32_t children_exited; /* bit i: child i had exited when imaged */
};

struct move_in {
    uint32_t id; /* the source's move id; 0: slot free */
    uint32_t pid;
    uint16_t source;
    uint8_t mode;
    uint64_t progress_ns;
    struct vm staged; /* pre-copied pages (none until the first) */
    uint8_t *image;
    uint32_t image_len, image_pages, received;
    struct proc *held; /* installed, arriving (not run, not found) until HANDOVER_DONE */
};

/* The target's copy of a page that went more than once: what every piece
 * sent of it said, so equal to the staged page once `whole`. */
struct migrate_shadow {
    uint32_t vpn;
    bool whole; /* a full copy was sent since the copy was taken */
    uint8_t *data; /* PAGE_SIZE bytes */
};

/* A move the source finished (HANDOVER DONE queued, its copy discarded)
 * until the target's transport acknowledges DONE: if the target restarts
 * before that, the process may have run nowhere afterwards, and its home
 * decides whether it is lost (location_suspect_lost). */
struct handed {
    uint32_t pid; /* 0: slot free */
    uint32_t parent_pid;
    uint32_t moves; /* the process's move count once installed on the target */
    uint16_t target;
    uint32_t done_seq; /* the transport's sequence number of HANDOVER DONE */
};

struct migrate_state {
    struct move_out out[MIGRATE_MAX_OUT];
    struct handed handed[MIGRATE_MAX_HANDED];
    uint32_t handed_oldest; /* the slot to reuse next when all are taken */
    struct move_in in[MIGRATE_MAX_IN];
    uint32_t next_id;
};

/* The node's migration state, made on first use; NULL without memory. */
struct migrate_state *migrate_state_get(struct kernel *k);

static inline uint32_t pages_for(uint32_t bytes)
{
    return (bytes + PAGE_SIZE - 1u) / PAGE_SIZE;
}

static inline void trace_move(struct kernel *k, uint16_t type, uint32_t pid, uint16_t node,
                              int32_t value, uint64_t value64)
{
    struct hal_trace_event ev = {.type = type, .pid = pid, .value = value, .value2 = node, .value64 = value64};
    ktrace(k, &ev);
}

/* ABORT (target -> source) or CANCEL (source -> target) of a move. */
void migrate_send_abort(struct kernel *k, uint16_t node, uint8_t type, uint32_t id, uint32_t pid, int err);

/* The source side (migrate_source.c). */
struct move_out *migrate_out_find(struct kernel *k, uint16_t target, uint32_t id);
void migrate_out_release(struct kernel *k, struct move_out *m);
void migrate_out_abort(struct kernel *k, struct move_out *m, int err, bool tell_target);
void migrate_out_pump(struct kernel *k, struct move_out *m);
void migrate_out_on_installed(struct kernel *k, struct move_out *m, uint32_t pid);
/* The shadow copies (migrate_shadow.c): the one of page vpn or NULL; a
 * new one (NULL when all are taken or memory is short: the page then
 * goes whole); free them all (migrate_out_release). */
struct migrate_shadow *migrate_shadow_find(const struct move_out *m, uint32_t vpn);
struct migrate_shadow *migrate_shadow_add(struct kernel *k, struct move_out *m, uint32_t vpn);
void migrate_shadow_release(struct kernel *k, struct move_out *m);
/* Handovers: remember one, forget those the target acknowledged, and
 * suspect those to a restarted target lost (migrate.c). */
void migrate_handed_add(struct kernel *k, const struct proc *p, uint16_t target);

/* The target side (migrate_target.c). */
struct move_in *migrate_in_find(struct kernel *k, uint16_t source, uint32_t id);
void migrate_in_release(struct kernel *k, struct move_in *m);
void migrate_in_drop(struct kernel *k, struct move_in *m);
void migrate_in_give_up(struct kernel *k, struct move_in *m);
void migrate_in_abort(struct kernel *k, struct move_in *m, int err);
void migrate_in_on_begin(struct kernel *k, uint16_t source, const uint8_t *msg, uint32_t len);
void migrate_in_on_data(struct kernel *k, uint16_t source, uint8_t type, const uint8_t *msg, uint32_t len);

#endif
