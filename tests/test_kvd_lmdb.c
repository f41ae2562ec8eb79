/*
 * test_kvd_lmdb.c - the LMDB store of `nimbus kvd` (kvd/kvd_lmdb.h):
 * put, get, delete and scan with hal_kvstore.h's exact status codes, the
 * key and value limits, a full map, what survives a close (committed
 * batches only), and the directory lock.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvd/kvd_lmdb.h"

static char dir[64];
static char err[512];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_kvd_lmdb.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(kvd_lmdb, .init = setup, .fini = teardown);

static struct kvd_lmdb *open_db(uint64_t map_bytes)
{
    struct kvd_lmdb *db = kvd_lmdb_open(dir, false, map_bytes, err, sizeof err);
    cr_assert_not_null(db, "open failed: %s", err);
    return db;
}

static int put_text(struct kvd_lmdb *db, const char *key, const char *value)
{
    return kvd_lmdb_put(db, (const uint8_t *)key, (uint32_t)strlen(key), (const uint8_t *)value,
                        (uint32_t)strlen(value));
}

static int32_t get_text(struct kvd_lmdb *db, const char *key, char *buf, uint32_t cap)
{
    memset(buf, 0, cap);
    return kvd_lmdb_get(db, (const uint8_t *)key, (uint32_t)strlen(key), (uint8_t *)buf, cap);
}

Test(kvd_lmdb, put_get_delete_round_trip_with_exact_codes)
{
    struct kvd_lmdb *db = open_db(KVD_MAP_BYTES_DEFAULT);
    char buf[64];
    cr_assert_eq(put_text(db, "alpha", "one"), HAL_OK);
    cr_assert_eq(get_text(db, "alpha", buf, sizeof buf), 3, "a get sees the open batch");
    cr_assert_str_eq(buf, "one");
    cr_assert_eq(put_text(db, "alpha", "replaced"), HAL_OK);
    cr_assert_eq(get_text(db, "alpha", buf, 3), 8, "the whole length, however small the buffer");
    cr_assert_str_eq(buf, "rep");
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK);
    cr_assert_eq(get_text(db, "beta", buf, sizeof buf), HAL_ERR_NOT_FOUND);
    cr_assert_eq(kvd_lmdb_del(db, (const uint8_t *)"beta", 4), HAL_ERR_NOT_FOUND);
    cr_assert_eq(kvd_lmdb_del(db, (const uint8_t *)"alpha", 5), HAL_OK);
    cr_assert_eq(get_text(db, "alpha", buf, sizeof buf), HAL_ERR_NOT_FOUND);
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK);
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK, "an empty batch commits");
    cr_assert_eq(put_text(db, "empty", ""), HAL_OK, "an empty value is a value");
    cr_assert_eq(get_text(db, "empty", buf, sizeof buf), 0);
    kvd_lmdb_close(db);
}

Test(kvd_lmdb, keys_of_1_to_255_bytes_and_values_up_to_64_KiB)
{
    struct kvd_lmdb *db = open_db(KVD_MAP_BYTES_DEFAULT);
    static uint8_t key[HAL_KV_KEY_MAX + 1], value[HAL_KV_VALUE_MAX + 1], back[HAL_KV_VALUE_MAX];
    memset(key, 'k', sizeof key);
    for (uint32_t i = 0; i < sizeof value; i++)
        value[i] = (uint8_t)(i * 7u);
    cr_assert_eq(kvd_lmdb_put(db, key, 0, value, 1), HAL_ERR_INVALID, "an empty key");
    cr_assert_eq(kvd_lmdb_put(db, key, HAL_KV_KEY_MAX + 1, value, 1), HAL_ERR_INVALID, "a 256-byte key");
    cr_assert_eq(kvd_lmdb_put(db, key, 1, value, HAL_KV_VALUE_MAX + 1), HAL_ERR_INVALID, "a 64 KiB + 1 value");
    cr_assert_eq(kvd_lmdb_get(db, key, HAL_KV_KEY_MAX + 1, back, 1), HAL_ERR_INVALID);
    cr_assert_eq(kvd_lmdb_del(db, key, 0), HAL_ERR_INVALID);
    cr_assert_eq(kvd_lmdb_put(db, key, HAL_KV_KEY_MAX, value, HAL_KV_VALUE_MAX), HAL_OK);
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK);
    cr_assert_eq(kvd_lmdb_get(db, key, HAL_KV_KEY_MAX, back, sizeof back), (int32_t)HAL_KV_VALUE_MAX);
    cr_assert_eq(memcmp(back, value, HAL_KV_VALUE_MAX), 0);
    cr_assert_eq(kvd_lmdb_count(db), 1u, "nothing refused was stored");
    kvd_lmdb_close(db);
}

/* Every key scan returns from (prefix, after), joined by spaces. */
static void scan_all(struct kvd_lmdb *db, const char *prefix, const char *after, char *out, size_t bytes)
{
    uint8_t key[HAL_KV_KEY_MAX], cursor[HAL_KV_KEY_MAX];
    uint32_t cursor_len = (uint32_t)strlen(after);
    memcpy(cursor, after, cursor_len);
    out[0] = '\0';
    int32_t n;
    while ((n = kvd_lmdb_scan(db, (const uint8_t *)prefix, (uint32_t)strlen(prefix), cursor, cursor_len, key)) >
           0) {
        snprintf(out + strlen(out), bytes - strlen(out), "%s%.*s", out[0] != '\0' ? " " : "", (int)n,
                 (const char *)key);
        memcpy(cursor, key, (size_t)n);
        cursor_len = (uint32_t)n;
    }
    cr_assert_eq(n, 0, "a scan ends with 0, not an error");
}

Test(kvd_lmdb, scan_lists_a_prefix_in_byte_order_from_any_cursor)
{
    struct kvd_lmdb *db = open_db(KVD_MAP_BYTES_DEFAULT);
    const char *keys[] = {"b", "abc", "a", "ba", "ab", "ac"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_eq(put_text(db, keys[i], "v"), HAL_OK);
    char out[128];
    scan_all(db, "", "", out, sizeof out);
    cr_assert_str_eq(out, "a ab abc ac b ba");
    scan_all(db, "ab", "", out, sizeof out);
    cr_assert_str_eq(out, "ab abc");
    scan_all(db, "a", "ab", out, sizeof out);
    cr_assert_str_eq(out, "abc ac", "the cursor's own key is not returned again");
    scan_all(db, "b", "0", out, sizeof out);
    cr_assert_str_eq(out, "b ba", "a cursor before the prefix starts at the prefix");
    scan_all(db, "c", "", out, sizeof out);
    cr_assert_str_eq(out, "");
    kvd_lmdb_close(db);
}

Test(kvd_lmdb, only_committed_batches_survive_a_close)
{
    struct kvd_lmdb *db = open_db(KVD_MAP_BYTES_DEFAULT);
    char buf[16];
    cr_assert_eq(put_text(db, "kept", "1"), HAL_OK);
    cr_assert_eq(put_text(db, "gone", "1"), HAL_OK);
    cr_assert_eq(kvd_lmdb_del(db, (const uint8_t *)"gone", 4), HAL_OK);
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK);
    cr_assert_eq(put_text(db, "uncommitted", "2"), HAL_OK);
    cr_assert_eq(kvd_lmdb_del(db, (const uint8_t *)"kept", 4), HAL_OK);
    kvd_lmdb_close(db);

    db = open_db(KVD_MAP_BYTES_DEFAULT);
    cr_assert_eq(get_text(db, "kept", buf, sizeof buf), 1, "the uncommitted delete was dropped");
    cr_assert_eq(get_text(db, "uncommitted", buf, sizeof buf), HAL_ERR_NOT_FOUND);
    cr_assert_eq(get_text(db, "gone", buf, sizeof buf), HAL_ERR_NOT_FOUND);
    cr_assert_eq(kvd_lmdb_count(db), 1u);
    kvd_lmdb_close(db);
}

Test(kvd_lmdb, a_full_map_refuses_one_put_and_keeps_the_rest_of_the_batch)
{
    struct kvd_lmdb *db = open_db(1u << 20); /* 1 MiB: fifteen or so 64 KiB values */
    static uint8_t value[HAL_KV_VALUE_MAX];
    char key[16];
    int rc = HAL_OK;
    uint32_t stored = 0;
    for (; stored < 64 && rc == HAL_OK; stored += rc == HAL_OK) {
        snprintf(key, sizeof key, "v%u", stored);
        rc = kvd_lmdb_put(db, (const uint8_t *)key, (uint32_t)strlen(key), value, sizeof value);
    }
    cr_assert_eq(rc, HAL_ERR_NO_SPACE, "the map filled up");
    cr_assert_gt(stored, 0u);
    cr_assert_eq(kvd_lmdb_count(db), stored, "the puts before the refused one are still in the batch");
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK);
    kvd_lmdb_close(db);
    db = open_db(1u << 20);
    cr_assert_eq(kvd_lmdb_count(db), stored);
    cr_assert_eq(kvd_lmdb_del(db, (const uint8_t *)"v0", 2), HAL_OK, "deletes still work on a full map");
    kvd_lmdb_close(db);
}

Test(kvd_lmdb, one_server_a_directory_readers_any_number)
{
    struct kvd_lmdb *db = open_db(KVD_MAP_BYTES_DEFAULT);
    cr_assert_eq(put_text(db, "seen", "1"), HAL_OK);
    cr_assert_eq(kvd_lmdb_commit(db), HAL_OK);
    cr_assert_eq(put_text(db, "unseen", "1"), HAL_OK);
    cr_assert_null(kvd_lmdb_open(dir, false, KVD_MAP_BYTES_DEFAULT, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "%s: in use by another nimbus kvd (kvd.lock is locked)", dir);
    cr_assert_str_eq(err, want);
    struct kvd_lmdb *reader = kvd_lmdb_open(dir, true, KVD_MAP_BYTES_DEFAULT, err, sizeof err);
    cr_assert_not_null(reader, "%s", err);
    char buf[4];
    cr_assert_eq(get_text(reader, "seen", buf, sizeof buf), 1);
    cr_assert_eq(get_text(reader, "unseen", buf, sizeof buf), HAL_ERR_NOT_FOUND, "a reader sees commits only");
    cr_assert_eq(put_text(reader, "x", "1"), HAL_ERR_INVALID, "a read-only store takes no changes");
    kvd_lmdb_close(reader);
    kvd_lmdb_close(db);
}

Test(kvd_lmdb, bad_directories_are_named_with_the_reason)
{
    char path[128], want[256];
    snprintf(path, sizeof path, "%s/missing", dir);
    cr_assert_null(kvd_lmdb_open(path, true, KVD_MAP_BYTES_DEFAULT, err, sizeof err));
    snprintf(want, sizeof want, "%s: no such database directory", path);
    cr_assert_str_eq(err, want);
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_null(kvd_lmdb_open(path, false, KVD_MAP_BYTES_DEFAULT, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot make the directory: Not a directory", path);
    cr_assert_str_eq(err, want);
    /* A directory whose data file is not LMDB's. */
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("this is not an LMDB file, but it is long enough to hold a meta page or two..........", f);
    fclose(f);
    cr_assert_null(kvd_lmdb_open(dir, false, KVD_MAP_BYTES_DEFAULT, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot open the LMDB database: ", dir);
    cr_assert_eq(strncmp(err, want, strlen(want)), 0, "got: %s", err);
}
