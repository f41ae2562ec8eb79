/*
 * transport_priv.h - what the two halves of the transport share: the
 * sending half (transport.c: window, retransmission, acks received,
 * sessions) and the receiving half (transport_recv.c).
 */
#ifndef CORE_TRANSPORT_PRIV_H
#define CORE_TRANSPORT_PRIV_H

#include "cluster.h"
#include "kernel_priv.h"
#include "session.h"

/* A pure ack of everything delivered, echoing `echo_seq` (0: none). */
void transport_send_ack(struct kernel *k, struct session *s, uint32_t echo_seq);
/* Refuse a packet that belongs to no session of ours. */
void transport_send_rst(struct kernel *k, uint32_t dst_ip, const struct cluster_header *bad);
/* Send waiting messages while the window has room. */
void session_fill_window(struct kernel *k, struct session *s);
/* A cumulative ack up to `ack` arrived (echo_seq: the packet it answers). */
void session_on_ack(struct kernel *k, struct session *s, uint32_t ack, uint32_t echo_seq);
/* Forget both directions (the peer restarted, or lost our session). */
void session_reset(struct kernel *k, struct session *s);

#endif
