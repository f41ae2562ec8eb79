/*
 * store_memdisk.h - a disk in memory for the store's tests: the store
 * reads it through a cache that can be told to miss (so every operation's
 * STORE_E_AGAIN path runs), commits are written with a log of every block
 * write and flush (so a test can rebuild the disk as any crash would
 * leave it), and helpers compare a store's whole contents.
 */
#ifndef TESTS_STORE_MEMDISK_H
#define TESTS_STORE_MEMDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store/store.h"

#define MEMDISK_MAX_EVENTS 4096

struct memdisk_event {
    uint64_t block; /* UINT64_MAX: a flush */
    uint8_t *data;  /* the block written (owned) */
};

struct memdisk {
    uint64_t blocks;
    uint8_t *bytes;        /* what reads see */
    uint8_t *cached;       /* per block: 1 when the cache holds it */
    uint32_t miss_percent; /* memdisk_evict drops this share of cached blocks */
    uint64_t rng;
    uint64_t misses; /* STORE_E_AGAIN answers fetched */
    struct memdisk_event log[MEMDISK_MAX_EVENTS];
    uint32_t log_count;
    struct store_ops ops;
    struct store_buf *bufs;
    uint32_t buf_count;
};

void memdisk_init(struct memdisk *m, uint64_t blocks, uint32_t buf_count);
void memdisk_free(struct memdisk *m);
void memdisk_log_clear(struct memdisk *m);
/* Forget a random share (miss_percent) of the cached blocks. */
void memdisk_evict(struct memdisk *m);

/* rc = expr, again while it answers STORE_E_AGAIN, fetching the
 * missing block each time. */
#define MEMDISK_RETRY(m, s, rc, expr)                                                                        \
    do {                                                                                                     \
        while (((rc) = (expr)) == STORE_E_AGAIN)                                                             \
            memdisk_fetch((m), store_missing_block(s));                                                      \
    } while (0)
void memdisk_fetch(struct memdisk *m, uint64_t block);

/* store_init over this disk. */
void memdisk_store(struct memdisk *m, struct store *s);
/* Format and commit twice (both superblocks valid). */
void memdisk_mkfs(struct memdisk *m, struct store *s, uint64_t blocks);
int memdisk_mount(struct memdisk *m, struct store *s, struct store_mount_info *info);
/* A whole commit: blocks, flush, superblock, flush, done; logged. */
int memdisk_commit(struct memdisk *m, struct store *s);
/* The same after the caller's store_commit_begin. */
void memdisk_commit_write(struct memdisk *m, struct store *s, const struct store_commit *c);
/* A commit that stops (a crash) after `writes` block writes (the
 * superblock last); the store must be dropped afterwards. True when the
 * superblock was written. */
bool memdisk_commit_crash(struct memdisk *m, struct store *s, uint32_t writes);

/* The store's contents as text: every path with its type, size and
 * contents' CRC-32, then every key with its value's CRC-32, in order.
 * Returns a malloc'd string, or NULL (with *err) when a call failed. */
char *memdisk_listing(struct memdisk *m, struct store *s, int *err);
/* The blocks the disk's last durable commit reaches, one bit each (fsck
 * of a second store mounted from the disk as it is); malloc'd. */
uint8_t *memdisk_reachable(struct memdisk *m);
static inline bool memdisk_bit(const uint8_t *bits, uint64_t block)
{
    return (bits[block / 8] >> (block % 8)) & 1u;
}
/* fsck's findings (0: clean), each printed to stderr. */
uint32_t memdisk_fsck(struct memdisk *m, struct store *s);

#endif
