/*
 * store_buf.c - the buffers the caller lends the store, and reading
 * blocks through the caller's cache with every check a block must pass
 * before its contents are believed.
 */
#include "core/store/store_priv.h"

struct store_buf *buf_find(struct store *s, uint64_t block)
{
    for (uint32_t i = 0; i < s->buf_count; i++) {
        struct store_buf *b = &s->bufs[i];
        if ((b->state == BUF_DIRTY || b->state == BUF_INFLIGHT) && b->block == block)
            return b;
    }
    return 0;
}

struct store_buf *buf_take(struct store *s, uint32_t state)
{
    for (uint32_t i = 0; i < s->buf_count; i++)
        if (s->bufs[i].state == BUF_FREE) {
            s->bufs[i].state = state;
            s->bufs[i].block = 0;
            return &s->bufs[i];
        }
    return 0;
}

uint32_t buf_free_count(const struct store *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->buf_count; i++)
        n += s->bufs[i].state == BUF_FREE;
    return n;
}

uint32_t block_crc(const uint8_t *block)
{
    return crc32_compute(block, STORE_CRC_OFFSET);
}

/* The block from a buffer (trusted: the store wrote it) or the cache. */
static int block_fetch(struct store *s, uint64_t block, const uint8_t **out, bool *trusted)
{
    if (block < STORE_SUPER_BLOCKS || block >= s->blocks) {
        s->err_block = block;
        return STORE_E_CORRUPT;
    }
    struct store_buf *b = buf_find(s, block);
    *trusted = b != 0;
    *out = b != 0 ? b->data : s->ops->get(s->ctx, block);
    if (*out == 0) {
        s->err_block = block;
        return STORE_E_AGAIN;
    }
    return STORE_OK;
}

int block_read_node(struct store *s, uint64_t block, uint32_t crc, uint32_t level, const uint8_t **out)
{
    bool trusted;
    int rc = block_fetch(s, block, out, &trusted);
    if (rc != STORE_OK || trusted)
        return rc;
    const uint8_t *n = *out;
    if (get_le32(n + STORE_CRC_OFFSET) != block_crc(n) || get_le32(n + STORE_CRC_OFFSET) != crc ||
        node_check(n, block, level) != 0) {
        s->err_block = block;
        return STORE_E_CORRUPT;
    }
    return STORE_OK;
}

int block_read_data(struct store *s, uint64_t block, uint32_t crc, const uint8_t **out)
{
    bool trusted;
    int rc = block_fetch(s, block, out, &trusted);
    if (rc != STORE_OK || trusted)
        return rc;
    if (crc32_compute(*out, STORE_BLOCK_SIZE) != crc) {
        s->err_block = block;
        return STORE_E_CORRUPT;
    }
    return STORE_OK;
}

int block_new(struct store *s, uint64_t *block, uint8_t **out)
{
    struct store_buf *b = buf_take(s, BUF_DIRTY);
    if (b == 0)
        return STORE_E_NO_MEMORY;
    int rc = alloc_block(s, &b->block);
    if (rc != STORE_OK) {
        b->state = BUF_FREE;
        return rc;
    }
    kmemset(b->data, 0, STORE_BLOCK_SIZE);
    *block = b->block;
    *out = b->data;
    return STORE_OK;
}

int block_make_dirty(struct store *s, uint64_t *block, uint8_t **out)
{
    struct store_buf *old = buf_find(s, *block);
    if (old != 0 && old->state == BUF_DIRTY) {
        *out = old->data;
        return STORE_OK;
    }
    const uint8_t *src = old != 0 ? old->data : s->ops->get(s->ctx, *block);
    if (src == 0) {
        s->err_block = *block;
        return STORE_E_AGAIN;
    }
    uint64_t fresh;
    uint8_t *dst;
    int rc = block_new(s, &fresh, &dst);
    if (rc != STORE_OK)
        return rc;
    kmemcpy(dst, src, STORE_BLOCK_SIZE);
    free_block(s, *block);
    *block = fresh;
    *out = dst;
    return STORE_OK;
}
