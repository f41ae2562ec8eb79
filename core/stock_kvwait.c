/*
 * stock_kvwait.c - how long a key-value read waits: a get until the last
 * change to its own key is durable, a scan until the last change to any
 * key is. Changes not yet durable are remembered by a hash of their key in
 * a table of STOCK_KV_CHANGES_MAX; a hash shared by two keys, or a change
 * the full table could not hold, only makes a get wait longer, never
 * return a value a crash could still undo.
 */
#include "crc32.h"
#include "stock_priv.h"

void stock_kv_changed(struct stock *st, const uint8_t *key, uint32_t len)
{
    uint32_t hash = crc32_compute(key, len);
    st->kv_dirty_batch = st->batch;
    struct stock_kv_change *free_entry = NULL;
    for (uint32_t i = 0; i < STOCK_KV_CHANGES_MAX; i++) {
        struct stock_kv_change *e = &st->kv_changes[i];
        bool in_use = e->batch > st->durable_batch;
        if (in_use && e->key_hash == hash) {
            e->batch = st->batch;
            return;
        }
        if (!in_use && free_entry == NULL)
            free_entry = e;
    }
    if (free_entry != NULL)
        *free_entry = (struct stock_kv_change){.key_hash = hash, .batch = st->batch};
    else
        st->kv_untracked_batch = st->batch;
}

uint64_t stock_kv_read_batch(const struct stock *st, const struct stock_req_view *v)
{
    if (v->op == STOCK_OP_KV_SCAN)
        return st->kv_dirty_batch;
    uint32_t hash = crc32_compute(v->a, v->a_len);
    uint64_t batch = st->kv_untracked_batch;
    for (uint32_t i = 0; i < STOCK_KV_CHANGES_MAX; i++)
        if (st->kv_changes[i].key_hash == hash && st->kv_changes[i].batch > batch)
            batch = st->kv_changes[i].batch;
    return batch;
}
