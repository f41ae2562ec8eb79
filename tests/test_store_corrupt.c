/*
 * test_store_corrupt.c - flipped bits in a tree node, a data block, a
 * bitmap block and a superblock: the error names the block, fsck reports
 * it, and a read never returns the bad data.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/store/store_fsck.h"
#include "store_memdisk.h"

#define DISK_BLOCKS 256u

static struct memdisk m;
static struct store s;
static uint64_t file_ino, node_block, data_block, bitmap_block;
static uint8_t data[STORE_BLOCK_SIZE];

/* A store with one file of one block; the blocks its commit wrote are
 * told apart by their contents. */
static void setup(void)
{
    memdisk_init(&m, DISK_BLOCKS, 128);
    memdisk_mkfs(&m, &s, DISK_BLOCKS);
    memset(data, 0x3C, sizeof data);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "f", 1, STORE_TYPE_FILE, 1, &file_ino), STORE_OK);
    cr_assert_eq(store_write(&s, file_ino, 0, data, sizeof data, 1), STORE_OK);
    memdisk_log_clear(&m);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    for (uint32_t i = 0; i < m.log_count; i++) {
        const uint8_t *d = m.log[i].data;
        if (d == NULL || m.log[i].block < 2)
            continue;
        if (memcmp(d, data, sizeof data) == 0)
            data_block = m.log[i].block;
        else if (get_le32(d) == STORE_NODE_MAGIC)
            node_block = m.log[i].block;
        else
            bitmap_block = m.log[i].block;
    }
    cr_assert(data_block && node_block && bitmap_block);
}
static void teardown(void)
{
    memdisk_free(&m);
}
TestSuite(store_corrupt, .init = setup, .fini = teardown);

static void flip(uint64_t block, uint32_t byte)
{
    m.bytes[block * STORE_BLOCK_SIZE + byte] ^= 0x10;
}

static struct store_fsck_report fsck_report(void)
{
    struct store_fsck_report r;
    uint8_t *seen = malloc(store_fsck_seen_bytes(&s));
    cr_assert_eq(store_fsck(&s, seen, store_fsck_seen_bytes(&s), &r), STORE_OK);
    free(seen);
    return r;
}

Test(store_corrupt, a_flipped_tree_node_is_named_by_lookups_and_fsck)
{
    struct store_mount_info info;
    flip(node_block, 100);
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK, "mount reads no tree node");
    uint64_t ino;
    cr_assert_eq(store_lookup(&s, "/f", &ino), STORE_E_CORRUPT);
    cr_assert_eq(store_error_block(&s), node_block);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "g", 1, STORE_TYPE_FILE, 2, &ino), STORE_E_CORRUPT);
    cr_assert_eq(s.read_only, false, "a refused operation changed nothing");
    struct store_fsck_report r = fsck_report();
    cr_assert_geq(r.findings, 1u);
    cr_assert_eq(r.listed[0].kind, FSCK_NODE_CORRUPT);
    cr_assert_eq(r.listed[0].block, node_block);
}

Test(store_corrupt, a_flipped_data_block_is_never_returned)
{
    struct store_mount_info info;
    uint8_t back[STORE_BLOCK_SIZE];
    memset(back, 0, sizeof back);
    flip(data_block, 4000);
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    cr_assert_eq(store_read(&s, file_ino, 0, back, sizeof back), STORE_E_CORRUPT);
    cr_assert_eq(store_error_block(&s), data_block);
    for (size_t i = 0; i < sizeof back; i++)
        cr_assert_eq(back[i], 0, "no byte of the bad block reached the caller");
    struct store_fsck_report r = fsck_report();
    cr_assert_eq(r.findings, 1u);
    cr_assert_eq(r.listed[0].kind, FSCK_DATA_CORRUPT);
    cr_assert_eq(r.listed[0].block, data_block);
    cr_assert_eq(r.listed[0].ino, file_ino);
}

Test(store_corrupt, a_flipped_bitmap_block_stops_the_mount_naming_it)
{
    struct store_mount_info info;
    flip(bitmap_block, 0);
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_E_CORRUPT);
    cr_assert_eq(store_error_block(&s), bitmap_block);
}

Test(store_corrupt, a_flipped_superblock_is_skipped_for_the_older_one)
{
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    uint32_t newest = info.super_used;
    uint64_t seq = info.seq;
    flip(newest, 60);
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    cr_assert_eq(info.super_state[newest], STORE_SUPER_BAD_CRC);
    cr_assert_eq(info.super_used, 1u - newest);
    cr_assert_eq(info.seq, seq - 1);
    uint64_t ino;
    cr_assert_eq(store_lookup(&s, "/f", &ino), STORE_E_NOT_FOUND, "the older commit had no file");
    struct store_fsck_report r = fsck_report();
    cr_assert_eq(r.findings, 0u);
    cr_assert_eq(r.super_invalid, 1u << newest);
    flip(1u - newest, 60);
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_E_CORRUPT, "no valid superblock");
    cr_assert_eq(info.super_state[0], STORE_SUPER_BAD_CRC);
    cr_assert_eq(info.super_state[1], STORE_SUPER_BAD_CRC);
}
