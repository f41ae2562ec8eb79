/*
 * viz_msgs.h - the messages of a run as flights, so a frame can draw
 * every message in the air at its time, from the sender's node towards
 * the receiver's. User messages: each `send` paired with the `deliver`
 * (or `drop`) that ends it, first in, first out per (sender process,
 * receiver process): the transport delivers a pair's messages in order.
 * Kernel messages: each `ksend` with the `krecv` of the same two nodes
 * and sequence number (the tag). An arrival that matches nothing (a late
 * copy of a send whose outcome was unknown) is ignored. No SDL here.
 */
#ifndef VIZ_MSGS_H
#define VIZ_MSGS_H

#include <stddef.h>
#include <stdint.h>

#include "viz_pidmap.h"

#define VIZ_NO_MSG UINT32_MAX

enum viz_msg_end { VIZ_MSG_IN_FLIGHT, VIZ_MSG_DELIVERED, VIZ_MSG_DROPPED };

struct viz_msg {
    uint64_t send_ns, end_ns; /* end_ns: UINT64_MAX while in flight */
    uint32_t from_node, to_node; /* to_node: where it went (a user message's
                                    is known when it arrives) */
    uint32_t src, dst;           /* the pair: processes (user), nodes (kernel) */
    uint32_t tag;                /* kernel: the sequence number; user: 0 */
    uint32_t next_of_pair;       /* the pair's next message in flight */
    uint8_t end;                 /* enum viz_msg_end */
};

struct viz_msg_pair {
    uint32_t head, tail; /* the pair's messages in flight, oldest first */
};

struct viz_msgs {
    struct viz_msg *v; /* in the order they were sent (so by send_ns) */
    size_t n, cap;
    struct viz_msg_pair *pairs;
    size_t pair_count, pair_cap;
    struct viz_pidmap pair_of; /* (src_proc, dst_proc) -> index in pairs */
    uint64_t longest_ns;       /* the longest flight that ended */
};

void viz_msgs_free(struct viz_msgs *m);
/* A message of pair (src, dst) with `tag` sent at t_ns from node `from`
 * to node `to` (UINT32_MAX: known on arrival). */
void viz_msgs_send(struct viz_msgs *m, uint64_t t_ns, uint32_t from, uint32_t to, uint32_t src,
                   uint32_t dst, uint32_t tag);
/* The oldest message in flight of pair (src, dst) with `tag` arrived at
 * `node` at t_ns (delivered, or dropped there); its index, or VIZ_NO_MSG
 * when none was in flight. */
uint32_t viz_msgs_arrive(struct viz_msgs *m, uint64_t t_ns, uint32_t node, uint32_t src,
                         uint32_t dst, uint32_t tag, enum viz_msg_end how);
/* The messages that may be in the air at t_ns are among [*first, *last):
 * sent at or before t_ns, and not longer ago than the longest flight. */
void viz_msgs_window(const struct viz_msgs *m, uint64_t t_ns, size_t *first, size_t *last);
/* How far along its way something travelling from start_ns to end_ns is
 * at t_ns: 0 at the start, 1 at the end; with no end yet (UINT64_MAX) it
 * is drawn half way. Messages and moves both use it. */
double viz_flight_progress(uint64_t start_ns, uint64_t end_ns, uint64_t t_ns);

#endif
