/*
 * test_store_crash.c - crash-point enumeration (the CrashMonkey/ALICE
 * method) at the library level. Every workload of up to three operations
 * is run on a committed store and committed; the commit's block writes
 * and flushes are recorded, and the disk is rebuilt as each crash could
 * leave it: every prefix of the writes, every prefix with the last write
 * torn (half old bytes, half new), every prefix whose writes since the
 * last flush are lost, and a seeded random subset of those lost. Each
 * such disk must mount, pass fsck and hold the state before the commit
 * or after it, never anything in between; once the last flush is done
 * it must hold the state after.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store/store.h"
#include "hal-sim/rng.h"
#include "store_memdisk.h"

#define CRASH_BLOCKS 256u
#define CRASH_OP_KINDS 8

static struct memdisk m;
static struct store s;
static uint8_t *base; /* the committed image every workload starts from */
static uint64_t rng = 7;
static uint8_t value[20000];

static void crash_op(int kind)
{
    uint64_t ino, f = 0, root = STORE_INO_ROOT;
    int rc;
    store_lookup(&s, "/f", &f);
    switch (kind) {
    case 0: rc = store_create(&s, root, "n", 1, STORE_TYPE_FILE, 10, &ino); break;
    case 1: rc = store_write(&s, f, 3000, value, 9000, 11); break;
    case 2: rc = store_create(&s, root, "d2", 2, STORE_TYPE_DIR, 12, &ino); break;
    case 3: rc = store_rename(&s, root, "f", 1, root, "g", 1, 13); break;
    case 4: rc = store_unlink(&s, root, "f", 1, 14); break;
    case 5: rc = store_kv_put(&s, (const uint8_t *)"k", 1, value, sizeof value); break;
    case 6: rc = store_kv_del(&s, (const uint8_t *)"k0", 2); break;
    default: rc = store_truncate(&s, f, 100, 15); break;
    }
    cr_assert(rc == STORE_OK || rc == STORE_E_NOT_FOUND || rc == STORE_E_EXISTS || rc == STORE_E_BAD_ARG,
              "op %d: %s", kind, store_err_name(rc));
}

static void crash_setup_base(void)
{
    uint64_t ino;
    memdisk_init(&m, CRASH_BLOCKS, 128);
    memdisk_mkfs(&m, &s, CRASH_BLOCKS);
    for (size_t i = 0; i < sizeof value; i++)
        value[i] = (uint8_t)(i * 13 + 5);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "f", 1, STORE_TYPE_FILE, 2, &ino), STORE_OK);
    cr_assert_eq(store_write(&s, ino, 0, value + 7, 5000, 3), STORE_OK);
    cr_assert_eq(store_create(&s, STORE_INO_ROOT, "d", 1, STORE_TYPE_DIR, 4, &ino), STORE_OK);
    cr_assert_eq(store_kv_put(&s, (const uint8_t *)"k0", 2, (const uint8_t *)"zero", 4), STORE_OK);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    base = malloc((size_t)CRASH_BLOCKS * STORE_BLOCK_SIZE);
    memcpy(base, m.bytes, (size_t)CRASH_BLOCKS * STORE_BLOCK_SIZE);
}

static char *crash_listing(void)
{
    int err;
    char *l = memdisk_listing(&m, &s, &err);
    cr_assert_not_null(l, "listing: %s", store_err_name(err));
    return l;
}

/* Mount the disk as rebuilt and check it; the disk goes back to `base`. */
static void crash_check(const char *before, const char *after, bool must_be_after, uint64_t *states)
{
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    cr_assert_eq(memdisk_fsck(&m, &s), 0u, "fsck after a crash");
    char *got = crash_listing();
    bool is_after = strcmp(got, after) == 0;
    cr_assert(is_after || (!must_be_after && strcmp(got, before) == 0), "crash state in between:\n%s", got);
    free(got);
    for (uint32_t i = 0; i < m.log_count; i++)
        if (m.log[i].data != NULL)
            memcpy(m.bytes + m.log[i].block * STORE_BLOCK_SIZE, base + m.log[i].block * STORE_BLOCK_SIZE,
                   STORE_BLOCK_SIZE);
    (*states)++;
}

/* Apply the first `writes` logged writes: those before the last flush
 * always, later ones as `later` says (0 lost, 1 kept, 2 a coin toss);
 * the last one torn when asked. */
static void crash_rebuild(uint32_t writes, int later, bool torn)
{
    uint32_t seen = 0, last_flush = 0;
    for (uint32_t i = 0; i < m.log_count && seen < writes; i++)
        if (m.log[i].data == NULL)
            last_flush = i;
        else
            seen++;
    seen = 0;
    for (uint32_t i = 0; i < m.log_count && seen < writes; i++) {
        struct memdisk_event *e = &m.log[i];
        if (e->data == NULL)
            continue;
        seen++;
        bool durable = i < last_flush || later == 1 || (later == 2 && rng_splitmix64(&rng) % 2 == 0);
        uint8_t *dst = m.bytes + e->block * STORE_BLOCK_SIZE;
        if (torn && seen == writes)
            memcpy(dst, e->data, STORE_BLOCK_SIZE / 2);
        else if (durable)
            memcpy(dst, e->data, STORE_BLOCK_SIZE);
    }
}

static void crash_workload(const int *ops, int count, uint64_t *states)
{
    struct store_mount_info info;
    memcpy(m.bytes, base, (size_t)CRASH_BLOCKS * STORE_BLOCK_SIZE);
    cr_assert_eq(memdisk_mount(&m, &s, &info), STORE_OK);
    char *before = crash_listing();
    for (int i = 0; i < count; i++)
        crash_op(ops[i]);
    char *after = crash_listing();
    memdisk_log_clear(&m);
    cr_assert_eq(memdisk_commit(&m, &s), STORE_OK);
    memcpy(m.bytes, base, (size_t)CRASH_BLOCKS * STORE_BLOCK_SIZE);
    uint32_t writes = 0;
    for (uint32_t i = 0; i < m.log_count; i++)
        writes += m.log[i].data != NULL;
    for (uint32_t k = 0; k <= writes; k++) {
        for (int later = 0; later < 3; later++) {
            crash_rebuild(k, later, false);
            crash_check(before, after, false, states);
        }
        if (k > 0) {
            crash_rebuild(k, 1, true);
            crash_check(before, after, false, states);
        }
    }
    crash_rebuild(writes, 1, false); /* and the last flush done */
    crash_check(before, after, true, states);
    free(before);
    free(after);
}

Test(store_crash, every_crash_point_of_every_short_workload_mounts_before_or_after, .timeout = 120)
{
    uint64_t states = 0, workloads = 0;
    crash_setup_base();
    int ops[3];
    for (int n = 1; n <= 3; n++) {
        int total = n == 1   ? CRASH_OP_KINDS
                    : n == 2 ? CRASH_OP_KINDS * CRASH_OP_KINDS
                             : CRASH_OP_KINDS * CRASH_OP_KINDS * CRASH_OP_KINDS;
        for (int w = 0; w < total; w++) {
            for (int i = 0, x = w; i < n; i++, x /= CRASH_OP_KINDS)
                ops[i] = x % CRASH_OP_KINDS;
            crash_workload(ops, n, &states);
            workloads++;
        }
    }
    printf("store crash enumeration: %llu workloads, %llu crash states checked\n",
           (unsigned long long)workloads, (unsigned long long)states);
    cr_assert_gt(states, 10000u);
    free(base);
    memdisk_free(&m);
}
