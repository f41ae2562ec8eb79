/*
 * sim_net_priv.h - shared by the LAN's two files: sim_net.c (frames on
 * the wire) and sim_net_faults.c (partitions, corruption, the receive
 * ring of a paused node). Not for the rest of the simulator.
 */
#ifndef SIM_NET_PRIV_H
#define SIM_NET_PRIV_H

#include "sim_net.h"

/* Nanoseconds to serialise a `len`-byte frame at bps (0: instantly). */
uint64_t sim_net_wire_time_ns(uint32_t len, uint64_t bps);

/* Drop one reference; the last frees the frame. */
void sim_frame_release(struct sim_frame *f);

/* Count one copy of f for dst as lost (and tell the lost hook). */
void sim_net_count_lost(struct sim_net *n, const struct sim_frame *f, uint32_t dst, enum sim_loss_reason why);

/* Whether a partition of either kind stops frames from src to dst. */
bool sim_net_blocked(const struct sim_net *n, uint32_t src, uint32_t dst);

/* Hand a copy of f to dst's kernel now (corrupted if drawn so); `seq` is
 * the copy's queue seq, which names it for its corruption draw. */
void sim_net_deliver(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq);

/* Draw loss, jitter and duplication for the copies of f going to dst:
 * how many arrive (0, 1 or 2), their arrival times in at[]. */
uint32_t sim_net_draw_copies(struct sim_net *n, const struct sim_frame *f, uint32_t dst, uint64_t at[2]);

/* Copy `seq` of f reaches dst's NIC now: delivered, held, or lost. */
void sim_net_arrive(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq);

/* Queue copy `seq` (reserved) of f for dst, arriving at `at`. */
void sim_net_push_copy(struct sim_net *n, struct sim_frame *f, uint64_t at, uint64_t seq, uint32_t dst);

/* sim_net_bcast.c: the broadcast f reaches the switch's ports now (takes
 * over the caller's reference); a record of copies counted ahead of
 * their arrival, freed when the last of them arrives or the run ends. */
void sim_net_fanout(struct sim_net *n, struct sim_frame *f, uint64_t now);
void sim_net_bcast_free(struct sim_net *n, struct sim_bcast *b);

/* Queue every copy still to arrive that was counted ahead for node
 * (every node: SIM_NET_BROADCAST), since what its arrival does may now
 * differ (a crash, a pause, a partition). */
void sim_net_take_back(struct sim_net *n, uint32_t node);

/* Copy f into out (SIM_NET_MAX_FRAME bytes) with one bit of its IPv4
 * packet flipped (drawn from r), and count it; false (nothing done) when f carries no
 * IPv4 packet. */
bool sim_net_corrupt(struct sim_net *n, const struct sim_frame *f, struct rng *r, uint8_t *out);

/* dst is paused: keep a reference to copy `seq` of f in its receive
 * ring, or count the copy lost when the ring is full. */
void sim_net_hold_copy(struct sim_net *n, struct sim_frame *f, uint32_t dst, uint64_t seq);

#endif
