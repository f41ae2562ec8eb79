/*
 * store_commit_write.c - turning a batch into the blocks of one commit
 * (store.h: store_commit_begin, store_commit_next, store_commit_done).
 */
#include "core/store/store_priv.h"
#include "core/store/store_super.h"

/* Give every changed bitmap block a new home. Moving one changes bits,
 * perhaps in another bitmap block, so repeat until nothing new changed;
 * each block moves at most once per commit. */
static void commit_move_bitmaps(struct store *s, uint8_t *moved)
{
    for (bool again = true; again;) {
        again = false;
        for (uint32_t i = 0; i < s->bitmaps; i++) {
            if (!s->bm_dirty[i] || moved[i])
                continue;
            uint64_t fresh = 0;
            alloc_block(s, &fresh); /* the operations reserved s->bitmaps blocks */
            if (s->bm_block[i] >= STORE_SUPER_BLOCKS)
                free_block(s, s->bm_block[i]);
            s->bm_block[i] = fresh;
            moved[i] = 1;
            again = true;
        }
    }
}

/* A copy of each moved bitmap block, as it stands now, to be written. */
static void commit_copy_bitmaps(struct store *s, const uint8_t *moved)
{
    for (uint32_t i = 0; i < s->bitmaps; i++) {
        if (!moved[i])
            continue;
        struct store_buf *b = buf_take(s, BUF_DIRTY); /* reserved like the blocks */
        b->block = s->bm_block[i];
        kmemcpy(b->data, s->bits_used[i], STORE_BLOCK_SIZE);
        s->bm_crc[i] = crc32_compute(b->data, STORE_BLOCK_SIZE);
        s->bm_dirty[i] = 0;
    }
}

int store_commit_begin(struct store *s, struct store_commit *c)
{
    int rc = store_check_writable(s);
    if (rc != STORE_OK)
        return rc;
    if (s->inflight)
        return STORE_E_BUSY;
    uint8_t moved[STORE_MAX_BITMAPS];
    kmemset(moved, 0, sizeof moved);
    tree_seal(s, s->root, &s->root_crc);
    commit_move_bitmaps(s, moved);
    commit_copy_bitmaps(s, moved);
    s->seq++;
    super_encode(s, s->super);
    for (uint32_t i = 0; i < s->bitmaps; i++) {
        uint8_t *t = s->bits_pending[i];
        s->bits_pending[i] = s->bits_freed[i];
        s->bits_freed[i] = t;
    }
    s->pending_count = s->freed_count;
    s->freed_count = 0;
    c->blocks = 0;
    for (uint32_t i = 0; i < s->buf_count; i++)
        if (s->bufs[i].state == BUF_DIRTY) {
            s->bufs[i].state = BUF_INFLIGHT;
            c->blocks++;
        }
    c->seq = s->seq;
    c->super_block = s->seq % STORE_SUPER_BLOCKS;
    c->super_data = s->super;
    s->inflight = true;
    return STORE_OK;
}

bool store_commit_next(const struct store *s, uint32_t *cursor, uint64_t *block, const uint8_t **data)
{
    for (; *cursor < s->buf_count; (*cursor)++) {
        const struct store_buf *b = &s->bufs[*cursor];
        if (b->state == BUF_INFLIGHT) {
            *block = b->block;
            *data = b->data;
            (*cursor)++;
            return true;
        }
    }
    return false;
}

void store_commit_done(struct store *s, bool ok)
{
    if (!s->inflight)
        return;
    s->inflight = false;
    if (!ok) {
        s->read_only = true; /* the in-flight blocks stay readable */
        return;
    }
    for (uint32_t i = 0; i < s->buf_count; i++)
        if (s->bufs[i].state == BUF_INFLIGHT)
            s->bufs[i].state = BUF_FREE;
    for (uint32_t i = 0; i < s->bitmaps; i++)
        kmemset(s->bits_pending[i], 0, STORE_BLOCK_SIZE);
    s->pending_count = 0;
}
