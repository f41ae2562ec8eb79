/*
 * transport.h - the cluster protocol's reliable, ordered, exactly-once
 * message delivery between nodes (docs/protocol.md).
 *
 * Each pair of nodes keeps one session per direction: sequence numbers,
 * cumulative acknowledgements, retransmission with exponential backoff and
 * a send window. Sessions are tied to both nodes' boot epochs: when a peer
 * restarts or stops answering (TRANSPORT_SUSPECT_TIMEOUT_NS of silence),
 * its sessions are reset and the kernel is
 * told through ipc_on_peer_reset (messages still in flight are lost; the
 * kernel fails the operations that waited on them).
 *
 * Messages of type >= CLUSTER_MSG_FIRST_KERNEL are handed to
 * ipc_on_cluster_message exactly once and in the order sent.
 */
#ifndef CORE_TRANSPORT_H
#define CORE_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

/* Types below this are the transport's own (acknowledgements, resets). */
#define CLUSTER_MSG_FIRST_KERNEL 16u
/* Largest payload of one message: a full Ethernet frame less the
 * Ethernet, IPv4, UDP and cluster headers. */
#define CLUSTER_HEADER_BYTES 32u
#define CLUSTER_PAYLOAD_MAX (1514u - 14u - 20u - 8u - CLUSTER_HEADER_BYTES)

int transport_init(struct kernel *k);
void transport_destroy(struct kernel *k);

/* A restarted node tells every peer its new epoch at once, with a pure
 * ack that acknowledges nothing: a peer holding a session with the old
 * incarnation resets it (and the kernel there learns of the restart).
 * Best effort: if it is lost, the next exchange tells the peer. For
 * TRANSPORT_RESTART_REFUSE_RETRY_NS it then refuses resent OPENING
 * packets that do not name its epoch: they may be meant for the
 * previous incarnation, which may have delivered them. */
void transport_on_restart(struct kernel *k);

/* Queue a message for reliable delivery to dst_node (never the local
 * node). 0, ERR_TOO_BIG, ERR_INVALID (bad type), ERR_BUSY (the peer's
 * queue is full) or ERR_NO_MEMORY. */
int transport_send(struct kernel *k, uint16_t dst_node, uint8_t type,
                   const uint8_t *payload, uint32_t len);

/* As transport_send, for messages of which only the newest matters (load
 * reports): one of the same type still waiting for the window is
 * overwritten instead, so a silent peer's queue is not filled with stale
 * copies that crowd out other senders. */
int transport_send_latest(struct kernel *k, uint16_t dst_node, uint8_t type,
                          const uint8_t *payload, uint32_t len);

/* Messages to dst_node queued and not yet acknowledged (0 when there is
 * no session): lets a bulk sender (migration) keep the pipe full without
 * filling the queue that other senders share. */
uint32_t transport_queued(const struct kernel *k, uint16_t dst_node);

/* The boot epoch of `node` as this node's session with it knows it; 0
 * when there is none, or nothing came from it yet. */
uint32_t transport_peer_epoch(const struct kernel *k, uint16_t node);

/* The sequence number of the last message queued to dst_node (0: none
 * since the session began), and whether dst_node has acknowledged it:
 * lets the Dispatcher know its last word of a move reached the target. */
uint32_t transport_last_seq(const struct kernel *k, uint16_t dst_node);
bool transport_acked(const struct kernel *k, uint16_t dst_node, uint32_t seq);

/* A cluster protocol datagram arrived over UDP from src_ipv4. */
void transport_on_datagram(struct kernel *k, uint32_t src_ipv4, const uint8_t *data, uint32_t len);

/* Retransmit what is due. */
void transport_on_timer(struct kernel *k);
/* Earliest retransmission deadline, or HAL_TIME_NEVER. */
uint64_t transport_next_deadline(const struct kernel *k);

/* Upcalls implemented by the kernel (ipc.c). */
void ipc_on_cluster_message(struct kernel *k, uint16_t src_node, uint8_t type,
                            const uint8_t *payload, uint32_t len);
/* `restarted`: the peer is a new incarnation (or lost our session), so
 * its processes and state are gone; false: it stopped answering. */
void ipc_on_peer_reset(struct kernel *k, uint16_t node, bool restarted);
/* A SKIP from `node` arrived: it declared this node unreachable and gave
 * up messages it had sent here, which will never come (it was told, with
 * ipc_on_peer_reset, when it gave them up). */
void ipc_on_peer_abandoned(struct kernel *k, uint16_t node);

#endif
