/*
 * test_store_ops.c - every store operation's round trip and its errors,
 * with exact codes (core/store/, docs/storage.md).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/store/store.h"
#include "store_memdisk.h"

#define DISK_BLOCKS 2048u

static struct memdisk m;
static struct store s;

static void setup(void)
{
    memdisk_init(&m, DISK_BLOCKS, 512);
    memdisk_mkfs(&m, &s, DISK_BLOCKS);
}
static void teardown(void)
{
    memdisk_free(&m);
}

TestSuite(store_ops, .init = setup, .fini = teardown);

static uint64_t make(const char *name, uint32_t type)
{
    uint64_t ino = 0;
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, name, (uint32_t)strlen(name), type, 5000, &ino), STORE_OK);
    return ino;
}

static void assert_clean(void)
{
    cr_assert_eq(memdisk_fsck(&m, &s), 0u, "fsck found problems");
}

Test(store_ops, a_fresh_store_mounts_with_both_superblocks_and_reads_only_them)
{
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    cr_assert_eq(info.super_state[0], STORE_SUPER_VALID);
    cr_assert_eq(info.super_state[1], STORE_SUPER_VALID);
    cr_assert_eq(info.seq, 2u);
    cr_assert_eq(info.super_used, 0u);
    cr_assert_eq(info.blocks_read, 3u, "two superblocks and one bitmap block");
    struct store_stat st;
    cr_assert_eq(store_stat(&s, STORE_INO_ROOT, &st), STORE_OK);
    cr_assert_eq(st.type, STORE_TYPE_DIR);
    cr_assert_eq(st.nlink, 2u);
    cr_assert_eq(st.size_bytes, 0u);
    assert_clean();
}

Test(store_ops, files_round_trip_through_a_commit_and_a_remount)
{
    uint64_t ino = make("log", STORE_TYPE_FILE);
    uint8_t data[10000], back[10000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    cr_assert_eq(store_write(&s, ino, 100, data, sizeof data, 6000), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    uint64_t found;
    cr_assert_eq(store_lookup(&s, "/log", &found), STORE_OK);
    cr_assert_eq(found, ino);
    struct store_stat st;
    cr_assert_eq(store_stat(&s, ino, &st), STORE_OK);
    cr_assert_eq(st.size_bytes, 10100u);
    cr_assert_eq(st.mtime_ns, 6000u);
    cr_assert_eq(store_read(&s, ino, 100, back, sizeof back), (int)sizeof back);
    cr_assert_arr_eq(back, data, sizeof data);
    cr_assert_eq(store_read(&s, ino, 0, back, 100), 100);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(back[i], 0, "the hole before the data reads as zeros");
    cr_assert_eq(store_read(&s, ino, 10100, back, 10), 0, "nothing past the end");
    assert_clean();
}

Test(store_ops, truncate_shrinks_zeroes_the_tail_and_grows_with_a_hole)
{
    uint64_t ino = make("t", STORE_TYPE_FILE);
    uint8_t ones[9000], back[9000];
    memset(ones, 0xAB, sizeof ones);
    cr_assert_eq(store_write(&s, ino, 0, ones, sizeof ones, 1), STORE_OK);
    cr_assert_eq(store_truncate(&s, ino, 5000, 2), STORE_OK);
    cr_assert_eq(store_truncate(&s, ino, 9000, 3), STORE_OK);
    cr_assert_eq(store_read(&s, ino, 0, back, sizeof back), 9000);
    cr_assert_eq(back[4999], 0xAB);
    for (int i = 5000; i < 9000; i++)
        cr_assert_eq(back[i], 0, "byte %d after shrinking and growing", i);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    assert_clean();
}

Test(store_ops, directories_list_in_name_order_with_a_resume_cursor)
{
    uint64_t d = make("dir", STORE_TYPE_DIR), ino;
    const char *names[] = {"b", "a", "c"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(store_create(&s, d, names[i], 1, STORE_TYPE_FILE, 1, &ino), STORE_OK);
    struct store_dirent cur = {.name_len = 0};
    cr_assert_eq(store_readdir(&s, d, &cur), 1);
    cr_assert_str_eq(cur.name, "a");
    struct store_dirent saved = cur;
    cr_assert_eq(store_readdir(&s, d, &cur), 1);
    cr_assert_str_eq(cur.name, "b");
    cr_assert_eq(store_readdir(&s, d, &saved), 1, "resuming from a copy of the cursor");
    cr_assert_str_eq(saved.name, "b");
    cr_assert_eq(store_readdir(&s, d, &cur), 1);
    cr_assert_str_eq(cur.name, "c");
    cr_assert_eq(store_readdir(&s, d, &cur), 0);
    struct store_stat st;
    cr_assert_eq(store_stat(&s, d, &st), STORE_OK);
    cr_assert_eq(st.size_bytes, 3u);
    cr_assert_eq(store_lookup(&s, "/dir/c", &ino), STORE_OK);
    assert_clean();
}

Test(store_ops, names_and_directories_give_exact_errors)
{
    char long_name[257];
    memset(long_name, 'x', 256);
    long_name[256] = '\0';
    uint64_t ino, d = make("d", STORE_TYPE_DIR), f = make("f", STORE_TYPE_FILE);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, long_name, 256, STORE_TYPE_FILE, 1, &ino),
                 STORE_E_NAME_TOO_LONG);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, long_name, 255, STORE_TYPE_FILE, 1, &ino), STORE_OK);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "d", 1, STORE_TYPE_FILE, 1, &ino), STORE_E_EXISTS);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "a/b", 3, STORE_TYPE_FILE, 1, &ino), STORE_E_BAD_ARG);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "..", 2, STORE_TYPE_FILE, 1, &ino), STORE_E_BAD_ARG);
    cr_assert_eq(store_create(&s, f, "x", 1, STORE_TYPE_FILE, 1, &ino), STORE_E_NOT_DIR);
    cr_assert_eq(store_create(&s, d, "x", 1, STORE_TYPE_FILE, 1, &ino), STORE_OK);
    cr_assert_eq(store_rmdir(&s, STORE_INO_ROOT, "d", 1, 2), STORE_E_NOT_EMPTY);
    cr_assert_eq(store_rmdir(&s, STORE_INO_ROOT, "f", 1, 2), STORE_E_NOT_DIR);
    cr_assert_eq(store_unlink(&s, STORE_INO_ROOT, "d", 1, 2), STORE_E_IS_DIR);
    cr_assert_eq(store_unlink(&s, STORE_INO_ROOT, "nope", 4, 2), STORE_E_NOT_FOUND);
    cr_assert_eq(store_lookup(&s, "/d/nope", &ino), STORE_E_NOT_FOUND);
    cr_assert_eq(store_write(&s, d, 0, (const uint8_t *)"x", 1, 1), STORE_E_IS_DIR);
    cr_assert_eq(store_unlink(&s, d, "x", 1, 3), STORE_OK);
    cr_assert_eq(store_rmdir(&s, STORE_INO_ROOT, "d", 1, 3), STORE_OK);
    cr_assert_eq(store_stat(&s, d, &(struct store_stat){0}), STORE_E_NOT_FOUND);
    assert_clean();
}

Test(store_ops, rename_moves_replaces_and_refuses_a_directory_into_itself)
{
    uint64_t a = make("a", STORE_TYPE_DIR), b, c, f = make("f", STORE_TYPE_FILE),
             g = make("g", STORE_TYPE_FILE);
    cr_assert_eq(store_create(&s, a, "b", 1, STORE_TYPE_DIR, 1, &b), STORE_OK);
    cr_assert_eq(store_create(&s, b, "c", 1, STORE_TYPE_DIR, 1, &c), STORE_OK);
    cr_assert_eq(store_rename(&s, STORE_INO_ROOT, "a", 1, c, "a", 1, 2), STORE_E_BAD_ARG);
    cr_assert_eq(store_rename(&s, STORE_INO_ROOT, "a", 1, a, "self", 4, 2), STORE_E_BAD_ARG);
    cr_assert_eq(store_write(&s, g, 0, (const uint8_t *)"gee", 3, 2), STORE_OK);
    cr_assert_eq(store_rename(&s, STORE_INO_ROOT, "g", 1, STORE_INO_ROOT, "f", 1, 3), STORE_OK);
    uint64_t ino;
    cr_assert_eq(store_lookup(&s, "/f", &ino), STORE_OK);
    cr_assert_eq(ino, g, "the file moved over the old one");
    cr_assert_eq(store_stat(&s, f, &(struct store_stat){0}), STORE_E_NOT_FOUND);
    cr_assert_eq(store_rename(&s, STORE_INO_ROOT, "f", 1, STORE_INO_ROOT, "a", 1, 4), STORE_E_IS_DIR);
    cr_assert_eq(store_rename(&s, a, "b", 1, STORE_INO_ROOT, "b", 1, 4), STORE_OK);
    cr_assert_eq(store_lookup(&s, "/b/c", &ino), STORE_OK);
    cr_assert_eq(ino, c);
    struct store_stat st;
    cr_assert_eq(store_stat(&s, b, &st), STORE_OK);
    cr_assert_eq(st.parent, STORE_INO_ROOT);
    cr_assert_eq(store_stat(&s, STORE_INO_ROOT, &st), STORE_OK);
    cr_assert_eq(st.nlink, 4u, "root holds a and b");
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    assert_clean();
}

Test(store_ops, key_values_round_trip_inline_and_in_blocks)
{
    static uint8_t big[STORE_KV_VALUE_MAX + 1], back[STORE_KV_VALUE_MAX];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i ^ (i >> 8));
    cr_assert_eq(store_kv_put(&s, (const uint8_t *)"small", 5, (const uint8_t *)"v", 1), STORE_OK);
    cr_assert_eq(store_kv_put(&s, (const uint8_t *)"big", 3, big, STORE_KV_VALUE_MAX), STORE_OK);
    cr_assert_eq(store_kv_put(&s, (const uint8_t *)"huge", 4, big, STORE_KV_VALUE_MAX + 1), STORE_E_TOO_BIG);
    uint8_t key[256];
    memset(key, 'k', sizeof key);
    cr_assert_eq(store_kv_put(&s, key, 256, big, 1), STORE_E_NAME_TOO_LONG);
    cr_assert_eq(store_kv_put(&s, key, 255, big, 1), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    cr_assert_eq(store_kv_get(&s, (const uint8_t *)"big", 3, back, sizeof back), (int)STORE_KV_VALUE_MAX);
    cr_assert_arr_eq(back, big, STORE_KV_VALUE_MAX);
    cr_assert_eq(store_kv_get(&s, (const uint8_t *)"small", 5, back, sizeof back), 1);
    cr_assert_eq(back[0], 'v');
    cr_assert_eq(store_kv_get(&s, (const uint8_t *)"huge", 4, back, sizeof back), STORE_E_NOT_FOUND);
    struct store_kv_cursor cur = {.started = false};
    cr_assert_eq(store_kv_scan(&s, (const uint8_t *)"s", 1, &cur), 1);
    cr_assert_eq(cur.key_len, 5u);
    cr_assert_eq(store_kv_scan(&s, (const uint8_t *)"s", 1, &cur), 0);
    cr_assert_eq(store_kv_del(&s, (const uint8_t *)"big", 3), STORE_OK);
    cr_assert_eq(store_kv_del(&s, (const uint8_t *)"big", 3), STORE_E_NOT_FOUND);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    assert_clean();
}

Test(store_ops, a_full_disk_says_no_space_and_deletes_give_the_space_back)
{
    static uint8_t chunk[STORE_IO_MAX];
    memset(chunk, 0x5A, sizeof chunk);
    uint64_t ino = make("fill", STORE_TYPE_FILE), at = 0;
    int rc;
    while ((rc = store_write(&s, ino, at, chunk, sizeof chunk, 1)) == STORE_OK) {
        at += sizeof chunk;
        cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    }
    cr_assert_eq(rc, STORE_E_NO_SPACE);
    cr_assert_gt(at, (DISK_BLOCKS - 200u) * (uint64_t)STORE_BLOCK_SIZE / 2u, "most of the disk was written");
    uint64_t other;
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    assert_clean();
    cr_assert_eq(store_unlink(&s, STORE_INO_ROOT, "fill", 4, 2), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK, "the second commit makes the freed blocks reusable");
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "again", 5, STORE_TYPE_FILE, 3, &other), STORE_OK);
    cr_assert_eq(store_write(&s, other, 0, chunk, sizeof chunk, 3), STORE_OK);
    assert_clean();
}

Test(store_ops, a_batch_made_while_a_commit_is_in_flight_never_reuses_that_commits_old_blocks)
{
    static uint8_t chunk[STORE_IO_MAX];
    memset(chunk, 1, sizeof chunk);
    uint64_t f = make("f", STORE_TYPE_FILE), g;
    cr_assert_eq(store_write(&s, f, 0, chunk, sizeof chunk, 1), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    uint8_t *c1 = memdisk_reachable(&m);
    /* C2 frees every block of f; while it is in flight the next batch
     * allocates as much again. */
    memset(chunk, 2, sizeof chunk);
    cr_assert_eq(store_write(&s, f, 0, chunk, sizeof chunk, 2), STORE_OK);
    struct store_commit c2, c3;
    cr_assert_eq(store_commit_begin(&s, &c2), STORE_OK);
    cr_assert_eq(store_commit_begin(&s, &c3), STORE_E_BUSY);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "g", 1, STORE_TYPE_FILE, 3, &g), STORE_OK);
    cr_assert_eq(store_write(&s, g, 0, chunk, sizeof chunk, 3), STORE_OK);
    memdisk_commit_write(&m, &s, &c2);
    cr_assert_eq(store_commit_begin(&s, &c3), STORE_OK);
    uint32_t cursor = 0, checked = 0;
    uint64_t block;
    const uint8_t *data;
    while (store_commit_next(&s, &cursor, &block, &data)) {
        bool bitmap = block == s.bm_block[0]; /* placed at this begin, after C2 was durable */
        cr_assert(bitmap || !memdisk_bit(c1, block),
                  "block %llu of commit 1 reused before commit 2 was durable", (unsigned long long)block);
        checked++;
    }
    cr_assert_geq(checked, 17u, "g's 16 data blocks and its nodes");
    memdisk_commit_write(&m, &s, &c3);
    free(c1);
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    uint8_t back[4];
    cr_assert_eq(store_lookup(&s, "/g", &g), STORE_OK,
                 "the batch made in flight was committed by the next commit");
    cr_assert_eq(store_read(&s, g, 0, back, 4), 4);
    cr_assert_eq(back[0], 2);
    assert_clean();
}

Test(store_ops, too_few_buffers_give_no_memory_and_change_nothing)
{
    static struct store_buf few[16];
    struct store small;
    struct store_mount_info info;
    static uint8_t chunk[STORE_IO_MAX];
    store_init(&small, &m.ops, &m, few, 16);
    cr_assert_eq(store_mount(&small, &info), STORE_OK);
    uint64_t f;
    cr_assert_eq(store_create(&small, STORE_INO_ROOT, "f", 1, STORE_TYPE_FILE, 1, &f), STORE_OK);
    cr_assert_eq(store_write(&small, f, 0, chunk, sizeof chunk, 1), STORE_E_NO_MEMORY);
    cr_assert_eq(small.read_only, false);
    struct store_stat st;
    cr_assert_eq(store_stat(&small, f, &st), STORE_OK);
    cr_assert_eq(st.size_bytes, 0u, "the refused write left no trace");
    cr_assert_eq(store_write(&small, f, 0, chunk, 100, 1), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &small), STORE_OK);
    cr_assert_eq(memdisk_fsck(&m, &small), 0u);
}

Test(store_ops, only_a_format_cut_short_is_taken_for_one)
{
    static uint8_t zero[STORE_BLOCK_SIZE], torn[STORE_BLOCK_SIZE];
    const uint8_t *sb0 = m.bytes, *sb1 = m.bytes + STORE_BLOCK_SIZE;
    /* The first commit's superblock (block 1) cut after 3 of 8 sectors. */
    memcpy(torn, sb1, 3 * 512);
    cr_assert_not(store_format_unfinished(sb0, sb1), "a formatted store");
    cr_assert(store_format_unfinished(zero, zero), "a blank disk");
    cr_assert(store_format_unfinished(zero, torn), "a crash tore the first superblock");
    cr_assert_not(store_format_unfinished(zero, sb1), "the first commit is whole: mount it");
    cr_assert_not(store_format_unfinished(torn, zero), "block 0 written: a format finished once");
    cr_assert_not(store_format_unfinished(sb0, torn), "a torn later commit: mount block 0's");
}
