/*
 * bench_store.c - the store's write amplification: bytes written to the
 * disk (every block of every commit, superblocks included) per byte of
 * user data, for key-value puts of 4 KiB and 64 KiB values, one commit
 * per put and 64 puts per commit (group commit), on a 64 MiB store; and
 * the blocks a mount reads at 64 MiB and 1 GiB.
 * Usage: build/bench/bench_store
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store/store.h"
#include "tests/store_memdisk.h"

#define BENCH_BLOCKS 16384u /* 64 MiB */
#define BENCH_PUTS 512u

static uint64_t bench_written(const struct memdisk *m)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < m->log_count; i++)
        n += m->log[i].data != NULL;
    return n * STORE_BLOCK_SIZE;
}

static void bench_amplification(uint32_t value_bytes, uint32_t per_commit)
{
    struct memdisk m;
    struct store s;
    static uint8_t value[STORE_KV_VALUE_MAX];
    memset(value, 0x42, sizeof value);
    memdisk_init(&m, BENCH_BLOCKS, 2048);
    memdisk_mkfs(&m, &s, BENCH_BLOCKS);
    uint64_t written = 0;
    for (uint32_t i = 0; i < BENCH_PUTS; i++) {
        uint32_t key = i * 2654435761u; /* spread over the tree */
        if (store_kv_put(&s, (const uint8_t *)&key, sizeof key, value, value_bytes) != STORE_OK) {
            fprintf(stderr, "bench_store: put %u failed\n", i);
            exit(1);
        }
        if ((i + 1) % per_commit == 0) {
            memdisk_log_clear(&m);
            memdisk_commit(&m, &s);
            written += bench_written(&m);
        }
    }
    printf("%6u-byte values, %2u puts a commit: %.2f bytes written per byte stored\n", value_bytes,
           per_commit, (double)written / ((double)BENCH_PUTS * value_bytes));
    memdisk_free(&m);
}

static void bench_mount(uint64_t blocks, const char *size)
{
    struct memdisk m;
    struct store s;
    struct store_mount_info info;
    memdisk_init(&m, blocks, 64);
    memdisk_mkfs(&m, &s, blocks);
    memset(m.cached, 0, blocks);
    m.misses = 0;
    memdisk_mount(&m, &s, &info);
    printf("mount of a %s store reads %llu blocks\n", size, (unsigned long long)m.misses);
    memdisk_free(&m);
}

int main(void)
{
    bench_amplification(4096, 1);
    bench_amplification(4096, 64);
    bench_amplification(65536, 1);
    bench_amplification(65536, 64);
    bench_mount(16384, "64 MiB");
    bench_mount(262144, "1 GiB");
    return 0;
}
