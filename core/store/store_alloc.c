/*
 * store_alloc.c - free space: one bit per block (docs/storage.md, "Free
 * space").
 *
 * Three bitmaps in buffers: `used` (the working state's blocks, what the
 * next commit writes to disk), `freed` (blocks this batch stopped using
 * that a durable or in-flight commit still reaches) and `pending` (blocks
 * the commit in flight freed). A block is handed out only when it is in
 * none of them, so a crash while a commit is being written always finds
 * the previous commit's blocks intact. A block allocated and freed within
 * one batch was never committed and is free at once.
 */
#include "core/store/store_priv.h"

static uint8_t *bits_byte(uint8_t *const *bits, uint64_t block)
{
    return &bits[block / STORE_BITS_PER_BITMAP][(block % STORE_BITS_PER_BITMAP) / 8u];
}

bool bits_test(uint8_t *const *bits, uint64_t block)
{
    return (*bits_byte(bits, block) >> (block % 8u)) & 1u;
}

static void bits_set(uint8_t *const *bits, uint64_t block, bool on)
{
    uint8_t *b = bits_byte(bits, block);
    uint8_t mask = (uint8_t)(1u << (block % 8u));
    *b = on ? (uint8_t)(*b | mask) : (uint8_t)(*b & ~mask);
}

static uint64_t alloc_available(const struct store *s)
{
    return s->blocks - s->used_count - s->freed_count - s->pending_count;
}

/* Next fit from the cursor, a byte at a time over the three bitmaps. */
int alloc_block(struct store *s, uint64_t *block)
{
    if (alloc_available(s) == 0)
        return STORE_E_NO_SPACE;
    uint64_t b = s->alloc_cursor;
    for (uint64_t tried = 0; tried <= s->blocks; tried++, b = b + 1 < s->blocks ? b + 1 : 0) {
        if (b % 8u == 0 && b + 8 <= s->blocks &&
            (*bits_byte(s->bits_used, b) | *bits_byte(s->bits_freed, b) | *bits_byte(s->bits_pending, b)) ==
                0xFF) {
            b += 7;
            tried += 7;
            continue;
        }
        if (bits_test(s->bits_used, b) || bits_test(s->bits_freed, b) || bits_test(s->bits_pending, b))
            continue;
        bits_set(s->bits_used, b, true);
        s->bm_dirty[b / STORE_BITS_PER_BITMAP] = 1;
        s->used_count++;
        s->alloc_cursor = b + 1 < s->blocks ? b + 1 : 0;
        *block = b;
        return STORE_OK;
    }
    return STORE_E_NO_SPACE;
}

void free_block(struct store *s, uint64_t block)
{
    /* A block number from a record the checksums vouched for is in range
     * and in use; refuse anything else rather than corrupt the counts. */
    if (block < STORE_SUPER_BLOCKS || block >= s->blocks || !bits_test(s->bits_used, block))
        return;
    struct store_buf *b = buf_find(s, block);
    bits_set(s->bits_used, block, false);
    s->used_count--;
    s->bm_dirty[block / STORE_BITS_PER_BITMAP] = 1;
    if (b != 0 && b->state == BUF_DIRTY) {
        b->state = BUF_FREE;
        return;
    }
    bits_set(s->bits_freed, block, true);
    s->freed_count++;
}

int alloc_reserve(struct store *s, uint64_t blocks, bool deleting)
{
    uint64_t need = blocks + s->bitmaps + (deleting ? 0u : STORE_RESERVE_BLOCKS);
    if (alloc_available(s) < need)
        return STORE_E_NO_SPACE;
    if (buf_free_count(s) < blocks + s->bitmaps)
        return STORE_E_NO_MEMORY;
    return STORE_OK;
}

/* Three zeroed bitmaps of s->bitmaps blocks each, from the buffers. */
int alloc_take_bitmaps(struct store *s)
{
    if (buf_free_count(s) < 3u * s->bitmaps)
        return STORE_E_NO_MEMORY;
    for (uint32_t i = 0; i < s->bitmaps; i++) {
        uint8_t **sets[3] = {&s->bits_used[i], &s->bits_freed[i], &s->bits_pending[i]};
        for (uint32_t k = 0; k < 3; k++) {
            struct store_buf *b = buf_take(s, BUF_BITMAP);
            kmemset(b->data, 0, STORE_BLOCK_SIZE);
            *sets[k] = b->data;
        }
    }
    return STORE_OK;
}
