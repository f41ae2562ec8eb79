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

#include "stock.h"
#include "stock_wire.h"

struct kernel;
struct proc;

#define CLUSTER_MSG_STOCK_REQ 22u   /* call id (4), pid (4), the request (stock_wire.h) */
#define CLUSTER_MSG_STOCK_REPLY 23u /* call id (4), pid (4), the reply (stock_wire.h) */
#define STOCK_MSG_HEADER_BYTES 8u
/* The most data one call to another node carries each way: a remote read
 * or write moves at most this much (a short count, as POSIX allows), and a
 * remote key-value value may be at most this long. */
#define STOCK_REMOTE_DATA_MAX 1024u

/* Send p's request (encoded in `req`) to `node`. 0 when p must wait for
 * the answer (p->stock_done may already be set), or an error. */
int stock_client_call(struct kernel *k, struct proc *p, uint16_t node, const uint8_t *req, uint32_t len);

/* Answer a request: to a process here, or to the origin node. */
void stock_reply_send(struct kernel *k, const struct stock_origin *to, int32_t result, uint64_t value,
                      const uint8_t *data, uint32_t len);

void stock_client_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                             uint32_t len);
/* Calls waiting on `node` fail with ERR_OUTCOME_UNKNOWN (the request may
 * have been carried out). */
void stock_client_on_peer_reset(struct kernel *k, uint16_t node);

/* The system calls SYS_OPEN .. SYS_KV_SCAN (syscall_stock.c). */
void syscall_stock(struct kernel *k, struct proc *p);
/* The answer to p's call arrived: copy out what it carries; the result. */
int32_t syscall_stock_finish(struct kernel *k, struct proc *p, int32_t result, uint64_t value,
                             const uint8_t *data, uint32_t len);

#endif
