/*
 * stock_client.h - the calling side of Stockholder, in every kernel: the
 * file and key-value system calls (syscall_stock.c) send their request to
 * the serving node's Stockholder, here or over the cluster protocol
 * (CLUSTER_MSG_STOCK_REQ / _REPLY, docs/protocol.md), and the caller
 * blocks in WAIT_STOCK until the answer, a peer reset, or, for another
 * node, ABI_STOCK_TIMEOUT_NS.
 */
#ifndef CORE_STOCK_CLIENT_H
#define CORE_STOCK_CLIENT_H

#include <stdint.h>

#include "param.h"
#include "stock.h"
#include "stock_wire.h"
#include "transport.h"

struct kernel;
struct proc;

/* A call to another node travels in pieces: its request as one or more
 * STOCK_REQ messages, its reply as one or more STOCK_REPLY messages, each
 * piece headed by call id (4), pid (4), total bytes of the whole encoded
 * request or reply (4) and the piece's offset in it (4). The transport
 * delivers them in order, so each piece starts where the last one ended. */
#define CLUSTER_MSG_STOCK_REQ 22u
#define CLUSTER_MSG_STOCK_REPLY 23u
#define STOCK_MSG_HEADER_BYTES 16u
#define STOCK_PIECE_MAX_BYTES (CLUSTER_PAYLOAD_MAX - STOCK_MSG_HEADER_BYTES)
/* Of a peer's transport queue, what one call's pieces may find already
 * taken (past it the caller gets ERR_BUSY): leaves room for other senders. */
#define STOCK_QUEUE_CAP (TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX - 32u)
/* Requests the server assembles at once from one node, and from all:
 * a first piece past either limit is answered ERR_BUSY (the caller is not
 * made to wait), so the server holds at most this many STOCK_REQ_MAX_BYTES. */
#define STOCK_ASSEMBLING_PER_NODE 4u
#define STOCK_ASSEMBLING_MAX 16u

/* Send p's request (encoded in `req`) to `node`. 0 when p must wait for
 * the answer (p->stock_done may already be set), or an error. */
int stock_client_call(struct kernel *k, struct proc *p, uint16_t node, const uint8_t *req, uint32_t len);

/* A message as two parts sent one after the other (a header and data). */
struct stock_bytes {
    const uint8_t *part[2];
    uint32_t len[2];
};
/* Send a request or reply (`type`) of `call` to `node` in pieces: all of
 * them queued, or ERR_BUSY (the queue to `node` is too full) and none, or
 * the transport's error. */
int stock_send_pieces(struct kernel *k, uint16_t node, uint8_t type, const struct stock_origin *call,
                      const struct stock_bytes *m);

/* Answer a request: to a process here, or to the origin node. */
void stock_reply_send(struct kernel *k, const struct stock_origin *to, int32_t result, uint64_t value,
                      const uint8_t *data, uint32_t len);

void stock_client_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                             uint32_t len);
/* Calls waiting on `node` fail with ERR_OUTCOME_UNKNOWN (the request may
 * have been carried out); requests from `node` still being assembled are
 * dropped, never run. */
void stock_client_on_peer_reset(struct kernel *k, uint16_t node);

/* The system calls SYS_OPEN .. SYS_KV_SCAN (syscall_stock.c). */
void syscall_stock(struct kernel *k, struct proc *p);
/* Free the reply p was assembling, if any (p exits or leaves). */
void stock_client_forget(struct kernel *k, struct proc *p);
/* The answer to p's call arrived: copy out what it carries; the result. */
int32_t syscall_stock_finish(struct kernel *k, struct proc *p, int32_t result, uint64_t value,
                             const uint8_t *data, uint32_t len);

#endif
