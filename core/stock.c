/*
 * stock.c - Stockholder's request queue: requests in arrival order, each
 * run against the store from the start until it finishes. A request that
 * needs a block that is not cached is parked on that block (STORE_E_AGAIN
 * changed nothing) and runs again when the block arrives; one that finds
 * no free buffer waits for the next commit; one that needs durability is
 * answered when the commit of its batch is durable.
 */
#include "kassert.h"
#include "stock_client.h"
#include "stock_priv.h"

void stock_trace_error(struct kernel *k, uint16_t what, int32_t err, uint64_t block)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_STORE_ERROR, .reason = what, .value = err, .value64 = block};
    ktrace(k, &ev);
}

struct stock *stock_new(struct kernel *k)
{
    struct stock *st = kpage_alloc(k, (sizeof *st + PAGE_SIZE - 1) / PAGE_SIZE);
    if (st == NULL)
        return NULL;
    k->stock = st;
    st->mount_started_ns = kernel_now(k);
    st->next_commit_ns = st->disk_retry_ns = st->group_deadline_ns = HAL_TIME_NEVER;
    return st;
}

int stock_init(struct kernel *k)
{
    if (k->hal.kvstore != NULL)
        return stock_kvstore_init(k);
    if (k->hal.disk == NULL || k->hal.disk->block_count(k->hal.ctx) == 0 || k->disk_reserved)
        return 0;
    struct stock *st = stock_new(k);
    if (st == NULL)
        return ERR_NO_MEMORY;
    uint64_t blocks = k->hal.disk->block_count(k->hal.ctx) / STOCK_SECTORS_PER_BLOCK;
    st->disk_blocks = blocks > STORE_MAX_BLOCKS ? STORE_MAX_BLOCKS : blocks;
    st->bufs = kpage_alloc(k, (STOCK_STORE_BUFS * sizeof *st->bufs + PAGE_SIZE - 1) / PAGE_SIZE);
    if (st->bufs == NULL || stock_cache_init(k) != 0) {
        stock_destroy(k);
        return ERR_NO_MEMORY;
    }
    static const struct store_ops ops = {.get = stock_cache_get};
    store_init(&st->store, &ops, st, st->bufs, STOCK_STORE_BUFS);
    st->state = STOCK_MOUNTING;
    if (st->disk_blocks < STORE_MIN_BLOCKS) {
        st->state = STOCK_DOWN;
        stock_trace_error(k, HAL_STORE_ERR_MOUNT, ERR_NO_SPACE, 0);
        return 0;
    }
    stock_mount_step(k);
    return 0;
}

static void req_free(struct kernel *k, struct stock_req *r)
{
    kfree(k, r->bytes, r->len);
    if (r->out != NULL)
        kfree(k, r->out, r->out_cap);
    kfree(k, r, sizeof *r);
}

void stock_destroy(struct kernel *k)
{
    struct stock *st = k->stock;
    if (st == NULL)
        return;
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++)
        if (st->reqs[i] != NULL)
            req_free(k, st->reqs[i]);
    for (uint32_t i = 0; i < STOCK_ASSEMBLING_MAX; i++)
        if (st->assembling[i].bytes != NULL)
            kfree(k, st->assembling[i].bytes, st->assembling[i].total);
    stock_cache_destroy(k);
    if (st->bufs != NULL)
        kpage_free(k, st->bufs, (STOCK_STORE_BUFS * sizeof *st->bufs + PAGE_SIZE - 1) / PAGE_SIZE);
    kpage_free(k, st, (sizeof *st + PAGE_SIZE - 1) / PAGE_SIZE);
    k->stock = NULL;
}

/* Send the answer to whoever asked, then forget the request. */
static void answer(struct kernel *k, uint32_t index)
{
    struct stock *st = stock_of(k);
    struct stock_req *r = st->reqs[index];
    st->reqs[index] = NULL;
    st->req_count--;
    stock_reply_send(k, &r->origin, r->result, r->value, r->out, r->out_len);
    req_free(k, r);
}

static void answer_error(struct kernel *k, uint32_t index, int32_t err)
{
    struct stock_req *r = stock_of(k)->reqs[index];
    r->result = err;
    r->value = 0;
    if (r->out != NULL)
        kfree(k, r->out, r->out_cap);
    r->out = NULL;
    r->out_len = 0;
    answer(k, index);
}

void stock_fail_all(struct kernel *k, int32_t err)
{
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++)
        if (stock_of(k)->reqs[i] != NULL)
            answer_error(k, i, err);
}

void stock_submit(struct kernel *k, const struct stock_origin *origin, const uint8_t *req, uint32_t len)
{
    struct stock *st = k->stock;
    struct stock_req_view v;
    int err = st == NULL || st->state == STOCK_DOWN ? ERR_NO_STORAGE
              : st->store.read_only                 ? ERR_READ_ONLY
                                                    : stock_req_decode(req, len, &v);
    if (err == 0 && st->platform_kv && !stock_kvstore_serves(v.op))
        err = ERR_NO_STORAGE; /* a key-value back end keeps no files */
    if (err == 0 && st->req_count == STOCK_MAX_REQUESTS)
        err = ERR_BUSY;
    struct stock_req *r = err == 0 ? kalloc(k, sizeof *r) : NULL;
    uint8_t *bytes = r != NULL ? kalloc(k, len) : NULL;
    if (err == 0 && bytes == NULL) {
        if (r != NULL)
            kfree(k, r, sizeof *r);
        err = ERR_NO_MEMORY;
    }
    if (err != 0) {
        stock_reply_send(k, origin, err, 0, NULL, 0);
        return;
    }
    kmemcpy(bytes, req, len);
    *r = (struct stock_req){.origin = *origin, .state = REQ_READY, .len = len, .bytes = bytes};
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++) {
        if (st->reqs[i] == NULL) {
            st->reqs[i] = r;
            st->req_count++;
            break;
        }
    }
    stock_run(k);
}

/* The request needs `block`: fetch it and park. */
static void park_on_block(struct kernel *k, uint32_t index, uint64_t block)
{
    struct stock_req *r = stock_of(k)->reqs[index];
    int rc = stock_cache_fetch(k, block);
    if (rc != 0 && rc != ERR_BUSY) {
        stock_trace_error(k, HAL_STORE_ERR_READ, rc, block);
        answer_error(k, index, rc);
        return;
    }
    r->state = REQ_BLOCK;
    r->wait_block = block;
}

/* Answer now or once `batch` is durable. */
static void answer_after(struct kernel *k, uint32_t index, uint64_t batch)
{
    struct stock *st = stock_of(k);
    if (batch <= st->durable_batch) {
        answer(k, index);
        return;
    }
    st->reqs[index]->state = REQ_DURABLE;
    st->reqs[index]->wait_batch = batch;
}

static void run_one(struct kernel *k, uint32_t index)
{
    struct stock *st = stock_of(k);
    struct stock_req *r = st->reqs[index];
    bool durable = false;
    int rc = stock_exec(k, r, &durable);
    if (rc == STORE_E_AGAIN) {
        park_on_block(k, index, store_missing_block(&st->store));
        return;
    }
    if (rc == STORE_E_NO_MEMORY) {
        /* A batch with nothing in it cannot free buffers by committing. */
        if (!st->batch_dirty && st->commit.phase == COMMIT_IDLE) {
            answer_error(k, index, ERR_NO_MEMORY);
            return;
        }
        r->state = REQ_COMMIT;
        return;
    }
    if (r->result == ERR_CORRUPT || r->result == ERR_IO)
        stock_trace_error(k, HAL_STORE_ERR_READ, r->result, store_error_block(&st->store));
    /* A read of a key waits until the last change to it is durable, so it
     * never returns a value a crash could still undo. */
    uint64_t batch = 0;
    struct stock_req_view v;
    if (durable)
        batch = st->batch_dirty ? st->batch : st->batch - 1;
    else if ((r->bytes[0] == STOCK_OP_KV_GET || r->bytes[0] == STOCK_OP_KV_SCAN) &&
             stock_req_decode(r->bytes, r->len, &v) == 0)
        batch = stock_kv_read_batch(st, &v);
    answer_after(k, index, batch);
}

void stock_run(struct kernel *k)
{
    struct stock *st = stock_of(k);
    if (st->state == STOCK_MOUNTING) {
        stock_mount_step(k);
        return;
    }
    if (st->state != STOCK_UP)
        return;
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++)
        if (st->reqs[i] != NULL && st->reqs[i]->state == REQ_READY)
            run_one(k, i);
    if (st->batch_dirty && st->next_commit_ns == HAL_TIME_NEVER)
        st->next_commit_ns = kernel_now(k) + STOCK_COMMIT_PERIOD_NS;
    if (!st->platform_kv)
        stock_commit_group(k);
    else if (stock_commit_waiting(st) > 0)
        st->group_deadline_ns = kernel_now(k); /* the timer commits, after what else came in */
}

void stock_on_block(struct kernel *k, uint64_t block, int status)
{
    struct stock *st = stock_of(k);
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++) {
        struct stock_req *r = st->reqs[i];
        if (r == NULL || r->state != REQ_BLOCK || r->wait_block != block)
            continue;
        if (status != 0) {
            stock_trace_error(k, HAL_STORE_ERR_READ, status, block);
            answer_error(k, i, status);
        } else {
            r->state = REQ_READY;
        }
    }
    if (st->state == STOCK_MOUNTING && status != 0) {
        st->state = STOCK_DOWN;
        stock_trace_error(k, HAL_STORE_ERR_MOUNT, status, block);
        stock_fail_all(k, ERR_NO_STORAGE);
        return;
    }
    stock_run(k);
}

void stock_on_durable(struct kernel *k, uint64_t batch, bool ok)
{
    struct stock *st = stock_of(k);
    if (!ok) {
        /* Nothing more becomes durable: every request waiting, for this
         * batch or a later one, fails; new ones get ERR_READ_ONLY. */
        stock_fail_all(k, ERR_IO);
        return;
    }
    st->durable_batch = batch;
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++) {
        struct stock_req *r = st->reqs[i];
        if (r == NULL)
            continue;
        if (r->state == REQ_COMMIT)
            r->state = REQ_READY;
        if (r->state == REQ_DURABLE && r->wait_batch <= batch)
            answer(k, i);
    }
    stock_run(k);
}

void stock_on_disk_done(struct kernel *k, uint32_t request_id, int status)
{
    if (k->stock == NULL)
        return; /* a completion for no request of ours is ignored */
    uint32_t kind = request_id >> STOCK_DISK_KIND_SHIFT;
    uint32_t index = request_id & ((1u << STOCK_DISK_KIND_SHIFT) - 1u);
    if (kind == STOCK_DISK_FETCH && index < STOCK_CACHE_BLOCKS && stock_cache_fetching_slot(k, index))
        stock_cache_on_done(k, index, status);
    else if (kind == STOCK_DISK_COMMIT && k->stock->commit.phase != COMMIT_IDLE)
        stock_commit_on_done(k, status);
}

void stock_on_timer(struct kernel *k)
{
    struct stock *st = k->stock;
    if (st == NULL)
        return;
    uint64_t now = kernel_now(k);
    if (st->disk_retry_ns <= now) {
        st->disk_retry_ns = HAL_TIME_NEVER;
        stock_commit_pump(k);
        for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++)
            if (st->reqs[i] != NULL && st->reqs[i]->state == REQ_BLOCK && !stock_cache_fetching(k, st->reqs[i]->wait_block))
                st->reqs[i]->state = REQ_READY;
        stock_run(k);
    }
    if (st->state == STOCK_UP && st->next_commit_ns <= now) {
        st->next_commit_ns = HAL_TIME_NEVER;
        stock_commit_maybe(k, false);
    }
    if (st->state == STOCK_UP && st->group_deadline_ns <= now)
        stock_commit_group(k);
}

uint64_t stock_next_deadline(const struct kernel *k)
{
    const struct stock *st = k->stock;
    if (st == NULL)
        return HAL_TIME_NEVER;
    uint64_t next = st->disk_retry_ns < st->next_commit_ns ? st->disk_retry_ns : st->next_commit_ns;
    return st->group_deadline_ns < next ? st->group_deadline_ns : next;
}
