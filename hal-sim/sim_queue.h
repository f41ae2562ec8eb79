/*
 * sim_queue.h - the simulator's event queue: a binary min-heap ordered by
 * (time_ns, seq). seq is a counter the queue assigns at insertion, so two
 * events at the same time come out in the order they were pushed, never
 * in an order that depends on memory addresses.
 *
 * Events are plain values; `ptr` is carried, never compared. Cancelling
 * is lazy: the owner of an event puts a generation number in `arg` and
 * ignores an event whose generation is stale when it comes out.
 */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an event means; the simulator dispatches on it. */
enum sim_event_kind {
    SIM_EV_WAKE,        /* node: timer or CPU slice; arg = wake generation */
    SIM_EV_SCENARIO,    /* arg = index into the scenario's events, and in the
                           high 32 bits the repetitions already done */
    SIM_EV_NET_TX,      /* ptr = frame: it starts leaving its sender's NIC */
    SIM_EV_NET_FANOUT,  /* ptr = broadcast frame reaching the switch's ports */
    SIM_EV_NET_DELIVER, /* node = receiver, ptr = frame */
    SIM_EV_NET_BCAST,   /* ptr = a broadcast's copies counted ahead: the last arrives */
    SIM_EV_NET_HOP,     /* ptr = frame on its way through routers (sim_router.c) */
    SIM_EV_DISK,        /* node: its disk's request in service ends; arg = disk generation */
    SIM_EV_RESUME,      /* node: its pause ends; arg = its pause generation */
    SIM_EV_TEST,        /* for unit tests */
};

struct sim_event {
    uint64_t time_ns;
    uint64_t seq; /* set by sim_queue_push */
    void *ptr;
    uint64_t arg;
    uint32_t node;
    uint32_t kind; /* enum sim_event_kind */
};

struct sim_queue {
    struct sim_event *heap;
    size_t len, cap;
    uint64_t next_seq;
    uint64_t popped_time_ns, popped_seq; /* the last event popped */
};

void sim_queue_init(struct sim_queue *q);
void sim_queue_free(struct sim_queue *q);

/* Insert a copy of *ev (its seq is assigned here); returns the seq. */
uint64_t sim_queue_push(struct sim_queue *q, const struct sim_event *ev);

/* Set aside `count` seqs (returns the first) for events pushed later with
 * sim_queue_push_reserved: they come out where they would have had they
 * been pushed now, among the events of their time. */
uint64_t sim_queue_reserve(struct sim_queue *q, uint64_t count);

/* Insert *ev with the seq it carries, one sim_queue_reserve set aside and
 * never used before. */
void sim_queue_push_reserved(struct sim_queue *q, const struct sim_event *ev);

/* Remove the earliest event into *out; false when the queue is empty. */
bool sim_queue_pop(struct sim_queue *q, struct sim_event *out);

/* The earliest event, or NULL; valid until the next push or pop. */
const struct sim_event *sim_queue_peek(const struct sim_queue *q);

static inline size_t sim_queue_len(const struct sim_queue *q) { return q->len; }

#endif
