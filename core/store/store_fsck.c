/*
 * store_fsck.c - the whole-store check (store_fsck.h). One walk of the
 * tree in key order; an object's records come together (inode, then
 * entries, then extents), so directory sizes and link counts are checked
 * as the walk leaves each object.
 */
#include "core/store/store_fsck.h"
#include "core/store/store_priv.h"
#include "core/store/store_super.h"

struct fsck {
    struct store *s;
    uint8_t *seen;
    struct store_fsck_report *r;
    struct inode cur; /* the object whose records are being walked (ino 0: none) */
    uint64_t cur_entries, cur_subdirs;
    int err; /* STORE_E_AGAIN stops the walk */
};

static void fsck_find(struct fsck *f, uint32_t kind, uint64_t block, uint64_t ino)
{
    if (f->r->findings < STORE_FSCK_LISTED)
        f->r->listed[f->r->findings] = (struct store_finding){kind, block, ino};
    f->r->findings++;
}

/* Count a reference to a block: false (with a finding) when it is out of
 * range or was seen before. */
static bool fsck_mark(struct fsck *f, uint64_t block)
{
    if (block >= f->s->blocks) {
        fsck_find(f, FSCK_BLOCK_RANGE, block, f->cur.ino);
        return false;
    }
    uint8_t bit = (uint8_t)(1u << (block % 8));
    if (f->seen[block / 8] & bit) {
        fsck_find(f, FSCK_BLOCK_TWICE, block, f->cur.ino);
        return false;
    }
    f->seen[block / 8] |= bit;
    f->r->reachable++;
    return true;
}

static void fsck_data(struct fsck *f, uint64_t block, uint32_t crc)
{
    const uint8_t *data;
    if (block < STORE_SUPER_BLOCKS) {
        fsck_find(f, FSCK_BLOCK_RANGE, block, f->cur.ino);
        return;
    }
    if (!fsck_mark(f, block))
        return;
    f->r->data_blocks++;
    int rc = block_read_data(f->s, block, crc, &data);
    if (rc == STORE_E_CORRUPT)
        fsck_find(f, FSCK_DATA_CORRUPT, block, f->cur.ino);
    else if (rc != STORE_OK)
        f->err = rc;
}

/* Leaving an object: a directory's counts against its entries. */
static void fsck_end_object(struct fsck *f)
{
    if (f->cur.ino != 0 && f->cur.type == STORE_TYPE_DIR) {
        if (f->cur.nlink != 2 + f->cur_subdirs)
            fsck_find(f, FSCK_LINK_COUNT, 0, f->cur.ino);
        if (f->cur.size != f->cur_entries)
            fsck_find(f, FSCK_DIR_SIZE, 0, f->cur.ino);
    }
    f->cur.ino = 0;
    f->cur_entries = f->cur_subdirs = 0;
}

static void fsck_inode(struct fsck *f, uint64_t ino, const uint8_t *v, uint32_t v_len, uint64_t leaf)
{
    fsck_end_object(f);
    if (inode_decode(v, v_len, ino, &f->cur) != STORE_OK) {
        fsck_find(f, FSCK_BAD_RECORD, leaf, ino);
        f->cur.ino = 0;
        return;
    }
    f->r->inodes++;
}

static void fsck_dirent(struct fsck *f, uint64_t dir, const uint8_t *v, uint32_t v_len, uint64_t leaf)
{
    struct inode child;
    f->r->dirents++;
    if (f->cur.ino != dir || f->cur.type != STORE_TYPE_DIR)
        fsck_find(f, FSCK_ENTRY_NOT_IN_DIR, leaf, dir);
    if (v_len != STORE_DIRENT_BYTES) {
        fsck_find(f, FSCK_BAD_RECORD, leaf, dir);
        return;
    }
    f->cur_entries++;
    f->cur_subdirs += v[8] == STORE_TYPE_DIR;
    int rc = inode_get(f->s, get_le64(v), &child);
    if (rc == STORE_E_AGAIN)
        f->err = rc;
    else if (rc == STORE_E_NOT_FOUND || (rc == STORE_OK && child.type != v[8]))
        fsck_find(f, FSCK_DANGLING_ENTRY, leaf, dir);
    else if (rc == STORE_OK && child.parent != dir)
        fsck_find(f, FSCK_WRONG_PARENT, leaf, child.ino);
}

static void fsck_extent(struct fsck *f, const uint8_t *key, uint32_t key_len, const uint8_t *v,
                        uint32_t v_len, uint64_t leaf)
{
    f->r->extents++;
    if (f->cur.ino != key_obj(key) || f->cur.type != STORE_TYPE_FILE)
        fsck_find(f, FSCK_ENTRY_NOT_IN_DIR, leaf, key_obj(key));
    if (key_len != STORE_KEY_HEAD + 8 || v_len != STORE_EXTENT_BYTES) {
        fsck_find(f, FSCK_BAD_RECORD, leaf, key_obj(key));
        return;
    }
    if (get_be64(key + STORE_KEY_HEAD) >= (f->cur.size + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE)
        fsck_find(f, FSCK_EXTENT_PAST_END, leaf, key_obj(key));
    fsck_data(f, get_le64(v), get_le32(v + 8));
}

static void fsck_kv(struct fsck *f, const uint8_t *v, uint32_t v_len, uint64_t leaf)
{
    uint32_t size, blocks;
    f->r->kv_records++;
    if (kv_check(v, v_len, &size, &blocks) != STORE_OK) {
        fsck_find(f, FSCK_BAD_RECORD, leaf, STORE_OBJ_KV);
        return;
    }
    for (uint32_t i = 0; i < blocks && f->err == STORE_OK; i++)
        fsck_data(f, get_le64(v + STORE_KV_HEAD + i * STORE_EXTENT_BYTES),
                  get_le32(v + STORE_KV_HEAD + i * STORE_EXTENT_BYTES + 8));
}

static void fsck_record(struct fsck *f, const uint8_t *e, uint64_t leaf)
{
    const uint8_t *key = entry_key(e), *v = entry_val(e);
    uint32_t key_len = entry_key_len(e), v_len = entry_val_len(e);
    uint32_t kind = key_len >= STORE_KEY_HEAD ? key_kind(key) : 0;
    if (kind == STORE_REC_INODE && key_len == STORE_KEY_HEAD)
        fsck_inode(f, key_obj(key), v, v_len, leaf);
    else if (kind == STORE_REC_DIRENT && key_len > STORE_KEY_HEAD)
        fsck_dirent(f, key_obj(key), v, v_len, leaf);
    else if (kind == STORE_REC_EXTENT)
        fsck_extent(f, key, key_len, v, v_len, leaf);
    else if (kind == STORE_REC_KV && key_obj(key) == STORE_OBJ_KV && key_len > STORE_KEY_HEAD)
        fsck_kv(f, v, v_len, leaf);
    else
        fsck_find(f, FSCK_BAD_RECORD, leaf, key_len >= STORE_KEY_HEAD ? key_obj(key) : 0);
}

static void fsck_node(struct fsck *f, uint64_t block, uint32_t crc, uint32_t level)
{
    const uint8_t *n;
    if (block < STORE_SUPER_BLOCKS) {
        fsck_find(f, FSCK_BLOCK_RANGE, block, 0);
        return;
    }
    if (!fsck_mark(f, block))
        return;
    f->r->nodes++;
    int rc = block_read_node(f->s, block, crc, level, &n);
    if (rc == STORE_E_CORRUPT)
        fsck_find(f, FSCK_NODE_CORRUPT, block, 0);
    if (rc != STORE_OK) {
        f->err = rc == STORE_E_CORRUPT ? STORE_OK : rc;
        return;
    }
    const uint8_t *e = n + STORE_ND_ENTRIES;
    for (uint32_t i = 0; i < node_count(n) && f->err == STORE_OK; i++) {
        if (level > 0) {
            uint64_t child;
            uint32_t child_crc;
            node_child(n, i, &child, &child_crc);
            fsck_node(f, child, child_crc, level - 1);
        } else {
            fsck_record(f, e, block);
        }
        e += STORE_ENTRY_HEAD + entry_key_len(e) + entry_val_len(e);
    }
}

/* The superblocks and the bitmap blocks the working state stands on. */
static void fsck_frame(struct fsck *f)
{
    struct store *s = f->s;
    for (uint64_t i = 0; i < STORE_SUPER_BLOCKS && f->err == STORE_OK; i++) {
        const uint8_t *sb = s->ops->get(s->ctx, i);
        fsck_mark(f, i);
        if (sb == 0)
            f->err = STORE_E_AGAIN, s->err_block = i;
        else if (super_check(sb) != STORE_SUPER_VALID)
            f->r->super_invalid |= 1u << i;
    }
    for (uint32_t i = 0; i < s->bitmaps && f->err == STORE_OK; i++) {
        f->r->bitmap_blocks++;
        if (!fsck_mark(f, s->bm_block[i]) || s->bm_dirty[i])
            continue;
        const uint8_t *b = s->ops->get(s->ctx, s->bm_block[i]);
        if (b == 0)
            f->err = STORE_E_AGAIN, s->err_block = s->bm_block[i];
        else if (crc32_compute(b, STORE_BLOCK_SIZE) != s->bm_crc[i])
            fsck_find(f, FSCK_BITMAP_CORRUPT, s->bm_block[i], 0);
    }
}

static void fsck_compare(struct fsck *f)
{
    for (uint64_t b = 0; b < f->s->blocks; b++) {
        bool seen = (f->seen[b / 8] >> (b % 8)) & 1u, used = bits_test(f->s->bits_used, b);
        if (seen && !used)
            fsck_find(f, FSCK_REACHABLE_FREE, b, 0);
        else if (used && !seen)
            fsck_find(f, FSCK_LEAKED, b, 0);
    }
    if (f->r->inodes != f->s->inodes || f->r->dirents + 1 != f->r->inodes)
        fsck_find(f, FSCK_COUNTS, 0, 0);
}

int store_fsck(struct store *s, uint8_t *seen, uint64_t seen_bytes, struct store_fsck_report *r)
{
    if (!s->mounted)
        return STORE_E_BAD_ARG;
    if (seen_bytes < store_fsck_seen_bytes(s))
        return STORE_E_NO_MEMORY;
    kmemset(seen, 0, store_fsck_seen_bytes(s));
    kmemset(r, 0, sizeof *r);
    struct fsck f = {.s = s, .seen = seen, .r = r, .err = STORE_OK};
    fsck_frame(&f);
    if (f.err == STORE_OK)
        fsck_node(&f, s->root, s->root_crc, s->root_level);
    fsck_end_object(&f);
    if (f.err != STORE_OK)
        return f.err;
    fsck_compare(&f);
    r->marked_used = s->used_count;
    return STORE_OK;
}

const char *store_finding_text(uint32_t kind)
{
    static const char *const text[] = {
        "tree node fails its checks",
        "data block fails its CRC-32",
        "bitmap block fails its CRC-32",
        "block reachable twice",
        "block number outside the store",
        "reachable but marked free",
        "marked used but unreachable (leaked)",
        "malformed record",
        "directory entry names no such inode",
        "inode's parent is not the directory naming it",
        "record without a fitting inode",
        "directory link count is not 2 + subdirectories",
        "directory size is not its entry count",
        "extent past the end of the file",
        "inode or entry counts disagree",
    };
    return kind < sizeof text / sizeof text[0] ? text[kind] : "unknown finding";
}
