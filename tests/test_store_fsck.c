/*
 * test_store_fsck.c - each inconsistency fsck looks for, made on purpose
 * through the library's own record and allocation functions, is found
 * with its kind and block; and mount reads only the superblocks and the
 * bitmap blocks, however much data there is.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/crc32.h"
#include "core/store/store_fsck.h"
#include "core/store/store_priv.h"
#include "store_memdisk.h"

#define DISK_BLOCKS 512u

static struct memdisk m;
static struct store s;
static uint64_t dir, file;

static void setup(void)
{
    uint8_t data[STORE_BLOCK_SIZE];
    memset(data, 7, sizeof data);
    memdisk_init(&m, DISK_BLOCKS, 128);
    memdisk_mkfs(&m, &s, DISK_BLOCKS);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "d", 1, STORE_TYPE_DIR, 1, &dir), STORE_OK);
    cr_assert_eq(store_create(&s, dir, "f", 1, STORE_TYPE_FILE, 1, &file), STORE_OK);
    cr_assert_eq(store_write(&s, file, 0, data, sizeof data, 1), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    cr_assert_eq(memdisk_fsck(&m, &s), 0u);
}
static void teardown(void)
{
    memdisk_free(&m);
}
TestSuite(store_fsck, .init = setup, .fini = teardown);

static struct store_fsck_report report(void)
{
    struct store_fsck_report r;
    uint8_t *seen = malloc(store_fsck_seen_bytes(&s));
    cr_assert_eq(store_fsck(&s, seen, store_fsck_seen_bytes(&s), &r), STORE_OK);
    free(seen);
    return r;
}

/* The finding of `kind`, which must be there. */
static struct store_finding find(const struct store_fsck_report *r, uint32_t kind)
{
    for (uint32_t i = 0; i < r->findings && i < STORE_FSCK_LISTED; i++)
        if (r->listed[i].kind == kind)
            return r->listed[i];
    cr_assert_fail("no finding '%s' among %u", store_finding_text(kind), r->findings);
    return (struct store_finding){0};
}

static void put_extent(uint64_t ino, uint64_t index, uint64_t block, uint32_t crc)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_EXTENT_BYTES];
    put_le64(v, block);
    put_le32(v + 8, crc);
    cr_assert_eq(tree_put(&s, key, key_extent(key, ino, index), v, sizeof v), STORE_OK);
}

Test(store_fsck, a_block_marked_used_that_nothing_reaches_is_leaked)
{
    uint64_t b;
    cr_assert_eq(alloc_block(&s, &b), STORE_OK);
    struct store_fsck_report r = report();
    cr_assert_eq(r.findings, 1u);
    cr_assert_eq(find(&r, FSCK_LEAKED).block, b);
}

Test(store_fsck, a_reachable_block_marked_free_and_a_block_reached_twice)
{
    uint8_t zeros[STORE_BLOCK_SIZE] = {0};
    uint64_t free_block = DISK_BLOCKS - 1;
    cr_assert_eq(store_truncate(&s, file, 3 * STORE_BLOCK_SIZE, 2), STORE_OK);
    put_extent(file, 1, free_block, crc32_compute(zeros, sizeof zeros));
    put_extent(file, 2, free_block, crc32_compute(zeros, sizeof zeros));
    struct store_fsck_report r = report();
    cr_assert_eq(find(&r, FSCK_REACHABLE_FREE).block, free_block);
    struct store_finding twice = find(&r, FSCK_BLOCK_TWICE);
    cr_assert_eq(twice.block, free_block);
    cr_assert_eq(twice.ino, file);
}

Test(store_fsck, an_entry_without_its_inode_and_wrong_directory_counts)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_DIRENT_BYTES];
    put_le64(v, 999);
    v[8] = STORE_TYPE_FILE;
    cr_assert_eq(tree_put(&s, key, dirent_key(key, dir, "ghost", 5), v, sizeof v), STORE_OK);
    struct store_fsck_report r = report();
    cr_assert_eq(find(&r, FSCK_DANGLING_ENTRY).ino, dir);
    cr_assert_eq(find(&r, FSCK_DIR_SIZE).ino, dir, "the directory counts one entry, it has two");
    find(&r, FSCK_COUNTS);
}

Test(store_fsck, a_wrong_link_count_and_an_extent_past_the_end)
{
    struct inode in;
    cr_assert_eq(inode_get(&s, STORE_INO_ROOT, &in), STORE_OK);
    in.nlink = 7;
    cr_assert_eq(inode_put(&s, &in), STORE_OK);
    uint8_t zeros[STORE_BLOCK_SIZE] = {0};
    uint64_t b;
    cr_assert_eq(alloc_block(&s, &b), STORE_OK);
    put_extent(file, 5, b, crc32_compute(zeros, sizeof zeros));
    struct store_fsck_report r = report();
    cr_assert_eq(find(&r, FSCK_LINK_COUNT).ino, STORE_INO_ROOT);
    cr_assert_eq(find(&r, FSCK_EXTENT_PAST_END).ino, file);
}

Test(store_fsck, mount_reads_the_superblocks_and_the_bitmap_blocks_only)
{
    /* A store of three bitmap blocks with a few hundred records in it. */
    struct memdisk big;
    struct store bs;
    struct store_mount_info info;
    uint8_t value[300];
    memset(value, 1, sizeof value);
    memdisk_init(&big, 2u * STORE_BITS_PER_BITMAP + 1u, 128);
    memdisk_mkfs(&big, &bs, 2u * STORE_BITS_PER_BITMAP + 1u);
    for (uint32_t i = 0; i < 400; i++)
        cr_assert_eq(store_kv_put(&bs, (const uint8_t *)&i, sizeof i, value, sizeof value), STORE_OK);
    cr_assert_eq(memdisk_commit(&big, &bs), STORE_OK);
    cr_assert_gt(bs.root_level, 0u, "a tree of more than one level");
    memset(big.cached, 0, big.blocks);
    big.misses = 0;
    cr_assert_eq(memdisk_mount(&big, &bs, &info), STORE_OK);
    cr_assert_eq(big.misses, 5u, "blocks 0 and 1 and the three bitmap blocks");
    cr_assert_eq(info.blocks_read, 5u);
    memdisk_free(&big);
}
