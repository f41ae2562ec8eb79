/*
 * store_data.c - file contents: read, write and truncate. Block i of a
 * file is the extent record (ino, i) -> data block and its CRC-32; a
 * block with no record is a hole and reads as zeros (files are sparse).
 * A write copies a partly overwritten block (copy-on-write, like nodes).
 */
#include "core/store/store_priv.h"

#define STORE_FILE_MAX_BYTES (1ull << 44) /* 16 TiB: block indexes stay small */

struct extent {
    uint64_t block;
    uint32_t crc;
};

/* The extent of block `index`: STORE_OK, or STORE_E_NOT_FOUND for a hole. */
static int extent_get(struct store *s, uint64_t ino, uint64_t index, struct extent *x)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_EXTENT_BYTES];
    uint32_t len;
    int rc = tree_get(s, key, key_extent(key, ino, index), v, sizeof v, &len);
    if (rc == STORE_OK && len != STORE_EXTENT_BYTES)
        return STORE_E_CORRUPT;
    x->block = get_le64(v);
    x->crc = get_le32(v + 8);
    return rc;
}

static int extent_put(struct store *s, uint64_t ino, uint64_t index, uint64_t block, const uint8_t *data)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_EXTENT_BYTES];
    put_le64(v, block);
    put_le32(v + 8, crc32_compute(data, STORE_BLOCK_SIZE));
    return tree_put(s, key, key_extent(key, ino, index), v, sizeof v);
}

static int file_get(struct store *s, uint64_t ino, struct inode *in)
{
    int rc = inode_get(s, ino, in);
    return rc == STORE_OK && in->type != STORE_TYPE_FILE ? STORE_E_IS_DIR : rc;
}

int store_read(struct store *s, uint64_t ino, uint64_t offset, uint8_t *buf, uint32_t len)
{
    struct inode in;
    int rc = file_get(s, ino, &in);
    if (rc != STORE_OK || offset >= in.size)
        return rc;
    uint64_t n = in.size - offset;
    n = n < len ? n : len;
    n = n < STORE_IO_MAX ? n : STORE_IO_MAX;
    for (uint64_t done = 0; done < n;) {
        uint64_t at = offset + done, in_block = at % STORE_BLOCK_SIZE;
        uint64_t chunk = STORE_BLOCK_SIZE - in_block < n - done ? STORE_BLOCK_SIZE - in_block : n - done;
        struct extent x;
        const uint8_t *data;
        rc = extent_get(s, ino, at / STORE_BLOCK_SIZE, &x);
        if (rc == STORE_E_NOT_FOUND)
            kmemset(buf + done, 0, chunk);
        else if (rc != STORE_OK || (rc = block_read_data(s, x.block, x.crc, &data)) != STORE_OK)
            return rc;
        else
            kmemcpy(buf + done, data + in_block, chunk);
        done += chunk;
    }
    return (int)n;
}

/* Phase one for block `index`: its extent and, when the write covers it
 * only in part, its old contents. */
static int write_touch(struct store *s, uint64_t ino, uint64_t index, bool partial)
{
    struct extent x;
    const uint8_t *data;
    int rc = extent_get(s, ino, index, &x);
    if (rc == STORE_E_NOT_FOUND)
        return STORE_OK;
    if (rc == STORE_OK && partial)
        rc = block_read_data(s, x.block, x.crc, &data);
    return rc;
}

/* A writable block for `index`: the dirty one it has, a copy of its old
 * contents when only part is written, else a new zeroed block. */
static int write_block(struct store *s, uint64_t ino, uint64_t index, bool partial, uint64_t *block,
                       uint8_t **out)
{
    struct extent x;
    int rc = extent_get(s, ino, index, &x);
    if (rc == STORE_E_NOT_FOUND)
        return block_new(s, block, out);
    if (rc != STORE_OK)
        return rc;
    struct store_buf *b = buf_find(s, x.block);
    *block = x.block;
    if (partial || (b != 0 && b->state == BUF_DIRTY))
        return block_make_dirty(s, block, out);
    free_block(s, x.block);
    return block_new(s, block, out);
}

static int write_apply(struct store *s, struct inode *in, uint64_t offset, const uint8_t *buf, uint32_t len)
{
    for (uint32_t done = 0; done < len;) {
        uint64_t at = offset + done, in_block = at % STORE_BLOCK_SIZE, block;
        uint32_t chunk =
            (uint32_t)(STORE_BLOCK_SIZE - in_block < len - done ? STORE_BLOCK_SIZE - in_block : len - done);
        uint8_t *data;
        int rc = write_block(s, in->ino, at / STORE_BLOCK_SIZE, chunk < STORE_BLOCK_SIZE, &block, &data);
        if (rc != STORE_OK)
            return rc;
        kmemcpy(data + in_block, buf + done, chunk);
        rc = extent_put(s, in->ino, at / STORE_BLOCK_SIZE, block, data);
        if (rc != STORE_OK)
            return rc;
        done += chunk;
    }
    in->size = offset + len > in->size ? offset + len : in->size;
    return inode_put(s, in);
}

int store_write(struct store *s, uint64_t ino, uint64_t offset, const uint8_t *buf, uint32_t len,
                uint64_t now_ns)
{
    struct inode in;
    int rc = store_check_writable(s);
    if (rc == STORE_OK && (len > STORE_IO_MAX || offset > STORE_FILE_MAX_BYTES - len))
        rc = STORE_E_TOO_BIG;
    if (rc == STORE_OK)
        rc = file_get(s, ino, &in);
    if (rc != STORE_OK || len == 0)
        return rc;
    uint64_t first = offset / STORE_BLOCK_SIZE,
             last = (offset + len + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
    for (uint64_t i = first; rc == STORE_OK && i < last; i++) {
        bool whole = i * STORE_BLOCK_SIZE >= offset && (i + 1) * STORE_BLOCK_SIZE <= offset + len;
        rc = write_touch(s, ino, i, !whole);
    }
    if (rc == STORE_OK)
        rc = alloc_reserve(s, (last - first) * (tree_insert_cost(s) + 1u) + tree_insert_cost(s), false);
    if (rc != STORE_OK)
        return rc;
    in.mtime_ns = s->commit_ns = now_ns;
    rc = write_apply(s, &in, offset, buf, len);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}

/* Zero the part of the last block past the new end of the file. */
static int truncate_tail(struct store *s, uint64_t ino, uint64_t size, bool apply)
{
    uint64_t index = size / STORE_BLOCK_SIZE, in_block = size % STORE_BLOCK_SIZE, block;
    uint8_t *data;
    if (in_block == 0)
        return STORE_OK;
    if (!apply)
        return write_touch(s, ino, index, true);
    struct extent x;
    int rc = extent_get(s, ino, index, &x);
    if (rc == STORE_E_NOT_FOUND)
        return STORE_OK;
    if (rc == STORE_OK)
        rc = write_block(s, ino, index, true, &block, &data);
    if (rc != STORE_OK)
        return rc;
    kmemset(data + in_block, 0, STORE_BLOCK_SIZE - in_block);
    return extent_put(s, ino, index, block, data);
}

int store_truncate(struct store *s, uint64_t ino, uint64_t size_bytes, uint64_t now_ns)
{
    struct inode in;
    uint64_t cost = 0, keep = (size_bytes + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
    int rc = store_check_writable(s);
    if (rc == STORE_OK && size_bytes > STORE_FILE_MAX_BYTES)
        rc = STORE_E_TOO_BIG;
    if (rc == STORE_OK)
        rc = file_get(s, ino, &in);
    bool shrink = rc == STORE_OK && size_bytes < in.size;
    if (shrink)
        rc = extents_touch(s, ino, keep, &cost);
    if (rc == STORE_OK && shrink)
        rc = truncate_tail(s, ino, size_bytes, false);
    if (rc == STORE_OK)
        rc = alloc_reserve(s, cost + 3u * tree_insert_cost(s), shrink);
    if (rc != STORE_OK)
        return rc;
    if (shrink)
        rc = extents_drop(s, ino, keep);
    if (rc == STORE_OK && shrink)
        rc = truncate_tail(s, ino, size_bytes, true);
    in.size = size_bytes;
    in.mtime_ns = s->commit_ns = now_ns;
    if (rc == STORE_OK)
        rc = inode_put(s, &in);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}
