/*
 * stock.h - Stockholder, the node's file and key-value service over its
 * disk (docs/storage.md, "The service").
 *
 * A node with a disk mounts its store at boot, asynchronously, through a
 * bounded block cache (stock_cache.c): a disk whose two superblocks are all
 * zero bytes is formatted first; a disk with damaged superblocks is left
 * alone and the service stays down. Requests arrive as encoded bytes
 * (stock_wire.h) from this node's processes or from other nodes' kernels;
 * each runs against the store, is parked when it needs a block that is not
 * cached and re-run from the start when it arrives, and is answered once
 * its result is final: at once for reads and plain writes, after the
 * commit that holds it is durable for fsync and key-value puts and
 * deletes (group commit, stock_commit.c).
 */
#ifndef CORE_STOCK_H
#define CORE_STOCK_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

/* Start the service (and its mount) when the node has a disk. 0 or
 * ERR_NO_MEMORY; a node without a disk has no service and that is 0. */
int stock_init(struct kernel *k);
void stock_destroy(struct kernel *k);

void stock_on_disk_done(struct kernel *k, uint32_t request_id, int status);
void stock_on_timer(struct kernel *k);
uint64_t stock_next_deadline(const struct kernel *k);

/* Who asked: a process on `origin_node` waiting on `call_id`. */
struct stock_origin {
    uint16_t node;
    uint32_t pid;
    uint32_t call_id;
};

/* One piece of a request from another node (stock_client.h): a whole
 * request is submitted at once; a longer one is assembled first, in a
 * bounded buffer, and submitted when its last piece arrives. */
struct stock_piece {
    struct stock_origin from;
    uint32_t total, offset, len;
    const uint8_t *bytes;
};
void stock_on_piece(struct kernel *k, const struct stock_piece *pc);
/* `node` restarted or went silent: its half-assembled requests are
 * dropped and never run. */
void stock_drop_assembling(struct kernel *k, uint16_t node);

/* Take one encoded request (copied); the answer goes back to `origin`
 * (stock_client_on_reply here, a STOCK_REPLY message elsewhere). */
void stock_submit(struct kernel *k, const struct stock_origin *origin, const uint8_t *req, uint32_t len);

#endif
