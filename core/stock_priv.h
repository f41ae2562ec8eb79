/*
 * stock_priv.h - what Stockholder's files share (stock.h has the
 * service's contract): the block cache, the request queue and the commit
 * state machine of one node.
 */
#ifndef CORE_STOCK_PRIV_H
#define CORE_STOCK_PRIV_H

#include "core/store/store.h"
#include "kernel_priv.h"
#include "stock.h"
#include "stock_client.h"
#include "stock_wire.h"

/* Limits (memory is bounded: the cache and the store's buffers are fixed
 * numbers of 4 KiB blocks taken from kpage_alloc at boot). */
#define STOCK_CACHE_BLOCKS 128u    /* blocks the cache holds: 512 KiB */
#define STOCK_STORE_BUFS 192u      /* buffers lent to the store: about 770 KiB */
#define STOCK_MAX_REQUESTS 128u    /* requests queued or parked at once */
#define STOCK_KV_CHANGES_MAX 64u   /* keys whose undurable change a get tells apart */
#define STOCK_SECTORS_PER_BLOCK (STORE_BLOCK_SIZE / HAL_DISK_BLOCK_BYTES)
/* Unsynced changes are committed at least this often. */
#define STOCK_COMMIT_PERIOD_NS 100000000ull /* 100 ms */
/* Group commit: a commit waits until as many requests wait as there were
 * callers at the last one's end (those it answered, who are busy sending
 * their next, and those already waiting), but never longer than this
 * after the first of them arrived. */
#define STOCK_GROUP_WAIT_NS 300000ull /* about a round trip to a caller on another node */
/* A disk that answered HAL_ERR_BUSY is tried again this much later. */
#define STOCK_DISK_RETRY_NS 100000ull

/* Disk request ids: the kind in the top byte, an index below. */
#define STOCK_DISK_KIND_SHIFT 24u
enum stock_disk_kind { STOCK_DISK_FETCH = 1, STOCK_DISK_COMMIT = 2 };

enum stock_slot_state { SLOT_EMPTY, SLOT_FETCHING, SLOT_VALID };
struct stock_slot {
    uint64_t block;
    uint64_t used_tick; /* least recently used goes first */
    uint8_t state;      /* enum stock_slot_state */
    bool stale;         /* written while its fetch was in flight: drop the data */
    uint8_t *data;      /* STORE_BLOCK_SIZE bytes */
};

enum stock_state { STOCK_MOUNTING, STOCK_UP, STOCK_DOWN };

enum stock_req_state {
    REQ_READY,   /* to run (again) */
    REQ_BLOCK,   /* parked until block `wait_block` arrives */
    REQ_COMMIT,  /* parked until a commit frees buffers (STORE_E_NO_MEMORY) */
    REQ_DURABLE, /* done; answered once batch `wait_batch` is durable */
};

struct stock_req {
    struct stock_origin origin;
    uint8_t state; /* enum stock_req_state */
    uint64_t wait_block, wait_batch;
    uint32_t len;
    uint8_t *bytes; /* the encoded request, kalloc'd */
    /* The answer, kept while it waits for durability. */
    int32_t result;
    uint64_t value;
    uint32_t out_len, out_cap;
    uint8_t *out; /* kalloc'd (out_cap bytes), or NULL */
};

/* The commit in flight: its blocks are written one request each, then a
 * flush, then the superblock with FUA. */
enum commit_phase { COMMIT_IDLE, COMMIT_BLOCKS, COMMIT_FLUSH, COMMIT_SUPER };
struct stock_commit_state {
    uint8_t phase;
    struct store_commit c;
    uint32_t cursor;      /* store_commit_next's */
    uint32_t submitted;   /* requests submitted in this phase */
    uint32_t completed;   /* ...and completed */
    bool phase_all_sent;  /* every request of this phase is submitted */
    bool failed;
    uint32_t requests;    /* requests waiting for this commit */
    uint32_t blocks;      /* blocks written, superblock included */
    uint64_t batch;
    uint64_t started_ns;
};

/* A key changed in a batch not yet durable (stock_kvwait.c). */
struct stock_kv_change {
    uint32_t key_hash; /* crc32 of the key */
    uint64_t batch;    /* in use while not yet durable */
};

/* A request from another node whose pieces are still arriving. */
struct stock_assembly {
    struct stock_origin from;
    uint32_t total, got;
    uint8_t *bytes; /* kalloc'd, total bytes; NULL: the slot is free */
};

struct stock {
    uint8_t state; /* enum stock_state */
    bool platform_kv; /* key-value only, in the platform's store (stock_kvstore.c): no disk, no cache */
    bool formatting;
    uint32_t mount_blocks_read;
    uint64_t mount_started_ns;
    uint64_t disk_blocks; /* store blocks on the disk */
    struct store store;
    struct store_buf *bufs;
    struct stock_slot slots[STOCK_CACHE_BLOCKS];
    uint8_t *slot_pages;
    uint64_t tick;
    struct stock_req *reqs[STOCK_MAX_REQUESTS]; /* arrival order; NULL = free */
    uint32_t req_count;
    /* Batches: changes since the last commit began form batch `batch`. */
    uint64_t batch, durable_batch, kv_dirty_batch;
    struct stock_kv_change kv_changes[STOCK_KV_CHANGES_MAX];
    uint64_t kv_untracked_batch; /* a change the full table could not hold */
    bool batch_dirty;
    uint64_t next_commit_ns;   /* the period's deadline while dirty */
    uint64_t group_deadline_ns; /* start the commit by then (HAL_TIME_NEVER: none waiting) */
    uint32_t last_group;       /* callers at the last commit's end */
    uint64_t disk_retry_ns;    /* HAL_ERR_BUSY: try again then */
    bool fetch_pending;        /* a fetch could not be submitted */
    struct stock_commit_state commit;
    uint64_t commits;          /* for figures: commits finished */
    struct stock_assembly assembling[STOCK_ASSEMBLING_MAX];
};

static inline struct stock *stock_of(struct kernel *k)
{
    return k->stock;
}

/* stock_cache.c */
int stock_cache_init(struct kernel *k);
void stock_cache_destroy(struct kernel *k);
const uint8_t *stock_cache_get(void *ctx, uint64_t block);
/* Start fetching `block` unless cached or on its way. 0, or an error
 * from the disk (ERR_BUSY: try again later). */
int stock_cache_fetch(struct kernel *k, uint64_t block);
/* A fetch completed: the slot holds the block, or is emptied on error. */
void stock_cache_on_done(struct kernel *k, uint32_t slot, int status);
/* The commit wrote `block`: the cache must give these contents from now. */
void stock_cache_update(struct kernel *k, uint64_t block, const uint8_t *data);
bool stock_cache_fetching(const struct kernel *k, uint64_t block);
bool stock_cache_fetching_slot(const struct kernel *k, uint32_t index);
int stock_disk_submit(struct kernel *k, uint32_t id, enum hal_disk_op op, uint64_t block, uint32_t count,
                      void *buf);

/* stock_commit.c */
/* Begin a commit of the working batch if it needs one and none is in flight. */
void stock_commit_maybe(struct kernel *k, bool force);
/* Requests that wait for the working batch's commit (durability, or buffers). */
uint32_t stock_commit_waiting(const struct stock *st);
/* Start the commit the waiting requests need now, or once the group is
 * whole or its time is up (STOCK_GROUP_WAIT_NS). */
void stock_commit_group(struct kernel *k);
void stock_commit_on_done(struct kernel *k, int status);
/* Submit what the commit in flight still has to (after HAL_ERR_BUSY). */
void stock_commit_pump(struct kernel *k);

/* stock_mount.c */
void stock_mount_step(struct kernel *k);
void stock_mount_on_commit(struct kernel *k, bool ok);

/* stock.c */
/* The service's state, allocated, with no deadline pending; NULL when out
 * of memory. */
struct stock *stock_new(struct kernel *k);
/* Run every ready request once (and the mount, while mounting). */
void stock_run(struct kernel *k);
void stock_on_block(struct kernel *k, uint64_t block, int status);
void stock_on_durable(struct kernel *k, uint64_t batch, bool ok);
void stock_fail_all(struct kernel *k, int32_t err);
void stock_trace_error(struct kernel *k, uint16_t what, int32_t err, uint64_t block);

/* stock_exec.c: one request against the store. STORE_E_AGAIN and
 * STORE_E_NO_MEMORY come back as they are; otherwise the request's answer
 * is filled in and *durable says whether it waits for the batch's commit. */
int stock_exec(struct kernel *k, struct stock_req *r, bool *durable);
/* Give the request's answer `len` bytes of data (r->out): STORE_OK or
 * STORE_E_NO_MEMORY. */
int stock_set_out(struct kernel *k, struct stock_req *r, uint32_t len);

/* stock_kvwait.c: a put or delete of `key` ran in the working batch; the
 * batch a get or scan (v) must wait for before it is answered. */
void stock_kv_changed(struct stock *st, const uint8_t *key, uint32_t len);
uint64_t stock_kv_read_batch(const struct stock *st, const struct stock_req_view *v);

/* stock_kvstore.c: the back end over the platform's store (hal_kvstore.h). */
int stock_kvstore_init(struct kernel *k);
/* Whether the op is one the platform's store serves. */
bool stock_kvstore_serves(uint8_t op);
/* One key-value request: as stock_exec's store calls return (a count,
 * STORE_OK or a store error). */
int stock_kvstore_exec(struct kernel *k, struct stock_req *r, const struct stock_req_view *v);
/* Commit the working batch in one platform commit and answer its requests. */
void stock_kvstore_commit(struct kernel *k);

/* stock_errors.c */
int32_t stock_abi_error(int store_err);

#endif
