/*
 * store_super.c - the superblock: written from the store's state at
 * commit, checked and read back at mount (store_format.h).
 */
#include "core/store/store_priv.h"
#include "core/store/store_super.h"

void super_encode(const struct store *s, uint8_t *sb)
{
    kmemset(sb, 0, STORE_BLOCK_SIZE);
    put_le32(sb + STORE_SB_MAGIC, STORE_SUPER_MAGIC);
    put_le32(sb + STORE_SB_VERSION, STORE_FORMAT_VERSION);
    put_le32(sb + STORE_SB_BLOCK_SIZE, STORE_BLOCK_SIZE);
    put_le32(sb + STORE_SB_BITMAPS, s->bitmaps);
    put_le64(sb + STORE_SB_BLOCKS, s->blocks);
    put_le64(sb + STORE_SB_SEQ, s->seq);
    put_le64(sb + STORE_SB_ROOT, s->root);
    put_le32(sb + STORE_SB_ROOT_CRC, s->root_crc);
    put_le32(sb + STORE_SB_ROOT_LEVEL, s->root_level);
    put_le64(sb + STORE_SB_NEXT_INO, s->next_ino);
    put_le64(sb + STORE_SB_USED, s->used_count);
    put_le64(sb + STORE_SB_INODES, s->inodes);
    put_le64(sb + STORE_SB_CREATED_NS, s->created_ns);
    put_le64(sb + STORE_SB_COMMIT_NS, s->commit_ns);
    kmemcpy(sb + STORE_SB_LABEL, s->label, STORE_SB_LABEL_BYTES);
    for (uint32_t i = 0; i < s->bitmaps; i++) {
        put_le64(sb + STORE_SB_BITMAP_LIST + i * STORE_SB_BITMAP_ENTRY, s->bm_block[i]);
        put_le32(sb + STORE_SB_BITMAP_LIST + i * STORE_SB_BITMAP_ENTRY + 8, s->bm_crc[i]);
    }
    put_le32(sb + STORE_CRC_OFFSET, block_crc(sb));
}

uint32_t super_bitmaps_for(uint64_t blocks)
{
    return (uint32_t)((blocks + STORE_BITS_PER_BITMAP - 1) / STORE_BITS_PER_BITMAP);
}

/* STORE_SUPER_VALID when the checksum and every field can be believed. */
uint32_t super_check(const uint8_t *sb)
{
    if (get_le32(sb + STORE_CRC_OFFSET) != block_crc(sb))
        return STORE_SUPER_BAD_CRC;
    uint64_t blocks = get_le64(sb + STORE_SB_BLOCKS);
    uint32_t bitmaps = get_le32(sb + STORE_SB_BITMAPS);
    if (get_le32(sb + STORE_SB_MAGIC) != STORE_SUPER_MAGIC ||
        get_le32(sb + STORE_SB_VERSION) != STORE_FORMAT_VERSION ||
        get_le32(sb + STORE_SB_BLOCK_SIZE) != STORE_BLOCK_SIZE || blocks < STORE_MIN_BLOCKS ||
        blocks > STORE_MAX_BLOCKS || bitmaps != super_bitmaps_for(blocks))
        return STORE_SUPER_BAD_FIELDS;
    uint64_t root = get_le64(sb + STORE_SB_ROOT);
    if (root < STORE_SUPER_BLOCKS || root >= blocks ||
        get_le32(sb + STORE_SB_ROOT_LEVEL) >= STORE_MAX_LEVELS || get_le64(sb + STORE_SB_USED) > blocks)
        return STORE_SUPER_BAD_FIELDS;
    for (uint32_t i = 0; i < bitmaps; i++) {
        uint64_t b = get_le64(sb + STORE_SB_BITMAP_LIST + i * STORE_SB_BITMAP_ENTRY);
        if (b < STORE_SUPER_BLOCKS || b >= blocks)
            return STORE_SUPER_BAD_FIELDS;
    }
    return STORE_SUPER_VALID;
}

static bool block_all_zero(const uint8_t *b)
{
    for (uint32_t i = 0; i < STORE_BLOCK_SIZE; i++)
        if (b[i] != 0)
            return false;
    return true;
}

bool store_format_unfinished(const uint8_t *sb0, const uint8_t *sb1)
{
    return block_all_zero(sb0) && (block_all_zero(sb1) || super_check(sb1) != STORE_SUPER_VALID);
}

/* The store's state from a checked superblock; the bitmaps come after. */
void super_decode(struct store *s, const uint8_t *sb)
{
    s->bitmaps = get_le32(sb + STORE_SB_BITMAPS);
    s->blocks = get_le64(sb + STORE_SB_BLOCKS);
    s->seq = get_le64(sb + STORE_SB_SEQ);
    s->root = get_le64(sb + STORE_SB_ROOT);
    s->root_crc = get_le32(sb + STORE_SB_ROOT_CRC);
    s->root_level = get_le32(sb + STORE_SB_ROOT_LEVEL);
    s->next_ino = get_le64(sb + STORE_SB_NEXT_INO);
    s->used_count = get_le64(sb + STORE_SB_USED);
    s->inodes = get_le64(sb + STORE_SB_INODES);
    s->created_ns = get_le64(sb + STORE_SB_CREATED_NS);
    s->commit_ns = get_le64(sb + STORE_SB_COMMIT_NS);
    kmemcpy(s->label, sb + STORE_SB_LABEL, STORE_SB_LABEL_BYTES);
    for (uint32_t i = 0; i < s->bitmaps; i++) {
        s->bm_block[i] = get_le64(sb + STORE_SB_BITMAP_LIST + i * STORE_SB_BITMAP_ENTRY);
        s->bm_crc[i] = get_le32(sb + STORE_SB_BITMAP_LIST + i * STORE_SB_BITMAP_ENTRY + 8);
    }
}
