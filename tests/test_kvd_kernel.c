/*
 * test_kvd_kernel.c - the key-value back end over a platform's store
 * (hal_kvstore.h, core/stock_kvstore.c), with the real LMDB store of
 * `nimbus kvd` behind it: node 1's kernel keeps the data there, node 0's
 * programs put through the unchanged front end. Puts are stored, acked
 * only after their commit, and share commits; file calls to that node
 * are refused; it takes no process by migration.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/abi.h"
#include "kernel_harness.h"
#include "kvd/kvd_lmdb.h"

static char dir[64];
static char err[512];
static struct kvd_lmdb *db; /* the one store node 1's HAL serves */
static uint32_t commits_seen;

static int kv_put(void *ctx, const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len)
{
    (void)ctx;
    return kvd_lmdb_put(db, key, key_len, value, value_len);
}

static int32_t kv_get(void *ctx, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap)
{
    (void)ctx;
    return kvd_lmdb_get(db, key, key_len, buf, cap);
}

static int kv_del(void *ctx, const uint8_t *key, uint32_t key_len)
{
    (void)ctx;
    return kvd_lmdb_del(db, key, key_len);
}

static int32_t kv_scan(void *ctx, const uint8_t *prefix, uint32_t prefix_len, const uint8_t *after,
                       uint32_t after_len, uint8_t *key_out)
{
    (void)ctx;
    return kvd_lmdb_scan(db, prefix, prefix_len, after, after_len, key_out);
}

static int kv_commit(void *ctx)
{
    (void)ctx;
    commits_seen++;
    return kvd_lmdb_commit(db);
}

static const struct hal_kvstore_ops lmdb_store = {kv_put, kv_get, kv_del, kv_scan, kv_commit};

static struct harness h;

/* Two nodes, kv=1; node 1 booted again with the LMDB store and no processes. */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_kvd_kernel.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    db = kvd_lmdb_open(dir, false, KVD_MAP_BYTES_DEFAULT, err, sizeof err);
    cr_assert_not_null(db, "%s", err);
    commits_seen = 0;
    struct kernel_config cfg = {.kv_configured = true, .kv_backend = 1};
    harness_init_config(&h, 2, &cfg);
    h.hal[1].hal.kvstore = &lmdb_store;
    cfg.service_only = true;
    harness_restart(&h, 1, &cfg);
    cr_assert_not_null(h.k[1]);
}

static void teardown(void)
{
    cr_assert_eq(harness_destroy(&h), 0u, "pages leaked");
    kvd_lmdb_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(kvd_kernel, .init = setup, .fini = teardown);

Test(kvd_kernel, puts_from_a_node_are_stored_and_share_commits)
{
    const char *argv[] = {"8", "10", "100", NULL};
    const char *out = harness_run_program(&h, "kvbench", argv);
    cr_assert_not_null(strstr(out, "kvbench: 8 clients, 80 puts of 100 bytes in "), "%s", out);
    cr_assert_null(strstr(out, "failed"), "%s", out);
    harness_settle(&h, 10000000);
    /* Every ack came after its commit: the store holds all 80 after a
     * close, although nothing was committed by the close itself. */
    kvd_lmdb_close(db);
    db = kvd_lmdb_open(dir, false, KVD_MAP_BYTES_DEFAULT, err, sizeof err);
    cr_assert_not_null(db, "%s", err);
    cr_assert_eq(kvd_lmdb_count(db), 80u);
    uint8_t value[100];
    cr_assert_eq(kvd_lmdb_get(db, (const uint8_t *)"c5/9", 4, value, sizeof value), 100);
    for (uint32_t j = 0; j < sizeof value; j++)
        cr_assert_eq(value[j], (uint8_t)(9u * 7u + j), "byte %u", j);
    uint32_t traced = h.hal[1].trace_counts[HAL_TRACE_STORE_COMMIT];
    cr_assert_eq(traced, commits_seen, "one store commit per traced commit");
    cr_assert_lt(commits_seen, 80u, "eight clients' puts share commits");
    cr_assert_eq(h.hal[1].last_of[HAL_TRACE_STORE_COMMIT].value2 > 0, true, "a commit answers the puts");
}

Test(kvd_kernel, file_calls_to_the_key_value_node_get_no_storage)
{
    const char *argv[] = {"/n1/log", "k", "16", NULL};
    const char *out = harness_run_program(&h, "stockcheck", argv);
    cr_assert_not_null(strstr(out, "stockcheck: log: no storage on that node (-28)"), "%s", out);
}

Test(kvd_kernel, the_key_value_node_takes_no_process)
{
    int64_t pid = harness_spawn(&h, 0, "worker", (const char *const[]){"50000"}, 1);
    cr_assert_gt(pid, 0);
    cr_assert_eq(kernel_migrate(h.k[0], (uint32_t)pid, 1), 0);
    harness_run(&h, 60ull * 1000 * 1000 * 1000);
    cr_assert_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_ABORT], 1u);
    cr_assert_eq(h.hal[0].last_of[HAL_TRACE_MIGRATE_ABORT].value, ERR_LIMIT);
    cr_assert_eq(h.hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE], 0u);
    cr_assert_not_null(strstr(h.hal[0].console, "worker n0.1: checksum "), "it ran to the end at home");
}
