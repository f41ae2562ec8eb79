/*
 * stock_kvstore.c - the key-value back end over a store the platform
 * keeps (hal_kvstore.h; `nimbus kvd` keeps it in LMDB) instead of
 * Stockholder's store on a disk. Only the key-value requests are served;
 * everything else about them is as for a disk (stock.c): requests from
 * other nodes arrive whole or in pieces, a put or delete is answered once
 * the commit of its batch is durable, a get waits for its key's change.
 *
 * Group commit: a request that waits for durability does not commit at
 * once; stock_run asks for the timer "now", and the platform calls the
 * timer only after it has delivered every frame that is waiting. So all
 * the puts that arrived while the last commit was syncing share one
 * platform commit (one transaction).
 */
#include "stock_priv.h"

int stock_kvstore_init(struct kernel *k)
{
    struct stock *st = stock_new(k);
    if (st == NULL)
        return ERR_NO_MEMORY;
    st->platform_kv = true;
    st->state = STOCK_UP;
    st->batch = 1; /* batch 0 counts as durable: the store's last commit */
    return 0;
}

bool stock_kvstore_serves(uint8_t op)
{
    return op == STOCK_OP_KV_PUT || op == STOCK_OP_KV_GET || op == STOCK_OP_KV_DEL || op == STOCK_OP_KV_SCAN;
}

/* A platform status as the store would have said it. */
static int store_code(int32_t hal_status)
{
    switch (hal_status) {
    case HAL_ERR_NOT_FOUND: return STORE_E_NOT_FOUND;
    case HAL_ERR_NO_SPACE: return STORE_E_NO_SPACE;
    case HAL_ERR_INVALID: return STORE_E_BAD_ARG;
    default: return hal_status < 0 ? STORE_E_IO : (int)hal_status;
    }
}

/* The limits store_kv_* checks, with its codes. */
static int check_key(uint32_t len)
{
    return len > HAL_KV_KEY_MAX ? STORE_E_NAME_TOO_LONG : len == 0 ? STORE_E_BAD_ARG : STORE_OK;
}

static int exec_get(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    const struct hal_kvstore_ops *kv = k->hal.kvstore;
    uint32_t cap = v->offset < HAL_KV_VALUE_MAX ? (uint32_t)v->offset : HAL_KV_VALUE_MAX;
    int rc = stock_set_out(k, r, cap);
    if (rc != STORE_OK)
        return rc;
    rc = store_code(kv->get(k->hal.ctx, v->a, v->a_len, r->out, cap));
    if (rc >= 0 && (uint32_t)rc < cap)
        r->out_len = (uint32_t)rc;
    return rc;
}

static int exec_scan(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    const struct hal_kvstore_ops *kv = k->hal.kvstore;
    uint8_t key[HAL_KV_KEY_MAX];
    if (v->a_len > HAL_KV_KEY_MAX || v->b_len > HAL_KV_KEY_MAX)
        return STORE_E_NAME_TOO_LONG;
    int rc = store_code(kv->scan(k->hal.ctx, v->a, v->a_len, v->b, v->b_len, key));
    if (rc <= 0)
        return rc;
    if ((uint32_t)rc > HAL_KV_KEY_MAX)
        return STORE_E_IO; /* the platform broke its contract */
    uint32_t len = (uint32_t)rc;
    if ((rc = stock_set_out(k, r, len)) != STORE_OK)
        return rc;
    kmemcpy(r->out, key, len);
    return 1;
}

int stock_kvstore_exec(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    const struct hal_kvstore_ops *kv = k->hal.kvstore;
    if (v->op == STOCK_OP_KV_SCAN)
        return exec_scan(k, r, v);
    int rc = check_key(v->a_len);
    if (rc != STORE_OK)
        return rc;
    switch (v->op) {
    case STOCK_OP_KV_PUT:
        if (v->c_len > HAL_KV_VALUE_MAX)
            return STORE_E_TOO_BIG;
        return store_code(kv->put(k->hal.ctx, v->a, v->a_len, v->c, v->c_len));
    case STOCK_OP_KV_DEL: return store_code(kv->del(k->hal.ctx, v->a, v->a_len));
    default: return exec_get(k, r, v);
    }
}

void stock_kvstore_commit(struct kernel *k)
{
    struct stock *st = stock_of(k);
    uint64_t batch = st->batch;
    uint64_t started_ns = kernel_now(k);
    uint32_t requests = stock_commit_waiting(st);
    st->batch++;
    st->batch_dirty = false;
    st->next_commit_ns = st->group_deadline_ns = HAL_TIME_NEVER;
    int rc = k->hal.kvstore->commit(k->hal.ctx);
    if (rc != HAL_OK) {
        /* The batch is gone whole: its callers hear ERR_IO, and nothing of
         * it is left for a later read to wait for. */
        stock_trace_error(k, HAL_STORE_ERR_COMMIT, ERR_IO, 0);
        stock_fail_all(k, ERR_IO);
        st->durable_batch = batch;
        return;
    }
    struct hal_trace_event ev = {.type = HAL_TRACE_STORE_COMMIT,
                                 .value64 = batch,
                                 .value2 = requests,
                                 .other_pid = (uint32_t)((kernel_now(k) - started_ns) / 1000u)};
    ktrace(k, &ev);
    st->commits++;
    stock_on_durable(k, batch, true);
}
