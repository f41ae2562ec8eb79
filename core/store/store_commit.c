/*
 * store_commit.c - the store's life: format, mount and commit.
 *
 * A commit writes every block the batch made dirty (new tree nodes, data
 * blocks, fresh copies of the changed bitmap blocks), then after a flush
 * the superblock naming the new root, to block seq % 2. Nothing the last
 * durable superblock reaches is ever overwritten, so a crash at any point
 * mounts either the old commit or the new one.
 */
#include "core/store/store_priv.h"
#include "core/store/store_super.h"

void store_init(struct store *s, const struct store_ops *ops, void *ctx, struct store_buf *bufs,
                uint32_t buf_count)
{
    kmemset(s, 0, sizeof *s);
    s->ops = ops;
    s->ctx = ctx;
    s->bufs = bufs;
    s->buf_count = buf_count;
    for (uint32_t i = 0; i < buf_count; i++)
        bufs[i].state = BUF_FREE;
}

static int format_root_dir(struct store *s, uint64_t now_ns)
{
    uint8_t key[STORE_KEY_HEAD], val[STORE_INODE_BYTES];
    kmemset(val, 0, sizeof val);
    val[STORE_IN_TYPE] = STORE_TYPE_DIR;
    put_le32(val + STORE_IN_NLINK, 2);
    put_le64(val + STORE_IN_CTIME, now_ns);
    put_le64(val + STORE_IN_MTIME, now_ns);
    put_le64(val + STORE_IN_PARENT, STORE_INO_ROOT);
    return tree_put(s, key, key_make(key, STORE_INO_ROOT, STORE_REC_INODE, 0, 0), val, sizeof val);
}

int store_format(struct store *s, uint64_t blocks, const char *label, uint64_t now_ns)
{
    if (blocks > STORE_MAX_BLOCKS)
        return STORE_E_TOO_BIG;
    if (blocks < STORE_MIN_BLOCKS || s->mounted)
        return STORE_E_BAD_ARG;
    s->blocks = blocks;
    s->bitmaps = super_bitmaps_for(blocks);
    int rc = alloc_take_bitmaps(s);
    if (rc != STORE_OK)
        return rc;
    s->bits_used[0][0] = 0x03; /* the superblocks */
    s->used_count = STORE_SUPER_BLOCKS;
    for (uint32_t i = 0; i < s->bitmaps; i++)
        s->bm_dirty[i] = 1;
    uint8_t *root;
    rc = block_new(s, &s->root, &root);
    if (rc != STORE_OK)
        return rc;
    node_init(root, STORE_NODE_LEAF, 0, s->root);
    for (uint32_t i = 0; label != 0 && i < STORE_SB_LABEL_BYTES && label[i] != '\0'; i++)
        s->label[i] = (uint8_t)label[i];
    s->next_ino = STORE_INO_ROOT + 1;
    s->inodes = 1;
    s->created_ns = s->commit_ns = now_ns;
    s->mounted = true;
    return format_root_dir(s, now_ns);
}

/* The newer valid superblock of the two, or -1. */
static int mount_pick(const uint8_t *const sb[STORE_SUPER_BLOCKS], struct store_mount_info *info)
{
    int best = -1;
    for (uint32_t i = 0; i < STORE_SUPER_BLOCKS; i++) {
        info->super_state[i] = super_check(sb[i]);
        if (info->super_state[i] == STORE_SUPER_VALID &&
            (best < 0 || get_le64(sb[i] + STORE_SB_SEQ) > get_le64(sb[best] + STORE_SB_SEQ)))
            best = (int)i;
    }
    return best;
}

/* Every bitmap block present and matching its checksum. */
static int mount_check_bitmaps(struct store *s)
{
    for (uint32_t i = 0; i < s->bitmaps; i++) {
        const uint8_t *b = s->ops->get(s->ctx, s->bm_block[i]);
        s->err_block = s->bm_block[i];
        if (b == 0)
            return STORE_E_AGAIN;
        if (crc32_compute(b, STORE_BLOCK_SIZE) != s->bm_crc[i])
            return STORE_E_CORRUPT;
    }
    return STORE_OK;
}

static uint64_t mount_count_used(const struct store *s)
{
    uint64_t n = 0;
    for (uint64_t b = 0; b < s->blocks; b++)
        n += bits_test(s->bits_used, b);
    return n;
}

int store_mount(struct store *s, struct store_mount_info *info)
{
    const uint8_t *sb[STORE_SUPER_BLOCKS];
    kmemset(info, 0, sizeof *info);
    for (uint32_t i = 0; i < STORE_SUPER_BLOCKS; i++) {
        sb[i] = s->ops->get(s->ctx, i);
        if (sb[i] == 0) {
            s->err_block = i;
            return STORE_E_AGAIN;
        }
    }
    int best = mount_pick(sb, info);
    s->err_block = 0;
    if (best < 0 || s->mounted)
        return best < 0 ? STORE_E_CORRUPT : STORE_E_BAD_ARG;
    super_decode(s, sb[best]);
    int rc = mount_check_bitmaps(s);
    if (rc == STORE_OK)
        rc = alloc_take_bitmaps(s);
    if (rc != STORE_OK)
        return rc;
    for (uint32_t i = 0; i < s->bitmaps; i++)
        kmemcpy(s->bits_used[i], s->ops->get(s->ctx, s->bm_block[i]), STORE_BLOCK_SIZE);
    if (mount_count_used(s) != s->used_count || !bits_test(s->bits_used, 0) || !bits_test(s->bits_used, 1)) {
        s->err_block = s->bm_block[0];
        for (uint32_t i = 0; i < s->buf_count; i++)
            s->bufs[i].state = BUF_FREE;
        return STORE_E_CORRUPT;
    }
    info->super_used = (uint32_t)best;
    info->seq = s->seq;
    info->blocks_read = STORE_SUPER_BLOCKS + s->bitmaps;
    s->mounted = true;
    return STORE_OK;
}
