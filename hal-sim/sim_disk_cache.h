/*
 * sim_disk_cache.h - a simulated disk's volatile write cache: the writes
 * that completed but are not yet durable, oldest first, each with its
 * data. Reads see them over the durable store; a flush makes them all
 * durable in order; a crash keeps a chosen subset of whole writes, applied
 * in order (hal_disk.h's contract: "any subset").
 *
 * A FUA write that completes while older writes are cached is written to
 * the store and also appended here marked durable, so that a crash that
 * keeps an older overlapping write replays the FUA data after it and the
 * FUA data still wins.
 */
#ifndef SIM_DISK_CACHE_H
#define SIM_DISK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"
#include "sim_disk_store.h"

/* Cached bytes past this are destaged (made durable) oldest first, as a
 * drive's cache fills: the simulator's memory stays bounded. */
#define SIM_DISK_CACHE_MAX_BYTES (4u * 1024u * 1024u)

struct sim_disk_cached_write {
    uint64_t first;
    uint32_t count;
    bool durable; /* a FUA write kept for ordering only */
    uint8_t *data;
};

struct sim_disk_cache {
    struct sim_disk_cached_write *writes;
    size_t len, cap;
    uint64_t bytes;
};

/* What a crash did to the cache. */
struct sim_disk_crash_result {
    uint32_t lost, kept; /* volatile writes (not the FUA ones) */
};

void sim_disk_cache_init(struct sim_disk_cache *c);
void sim_disk_cache_free(struct sim_disk_cache *c);

/* Append a completed write (a copy of `data`); destage into `st` the
 * oldest writes while the cache holds more than SIM_DISK_CACHE_MAX_BYTES. */
void sim_disk_cache_add(struct sim_disk_cache *c, struct sim_disk_store *st, uint64_t first, uint32_t count,
                        const uint8_t *data, bool durable);

/* Lay the cached writes that overlap [first, first + count) over `out`,
 * which holds the store's copy of those sectors. */
void sim_disk_cache_overlay(const struct sim_disk_cache *c, uint64_t first, uint32_t count, uint8_t *out);

/* Make every cached write durable, in order, and empty the cache. */
void sim_disk_cache_flush(struct sim_disk_cache *c, struct sim_disk_store *st);

/* Power loss: with `rng` NULL every volatile write is lost, else each is
 * kept with probability 1/2; the kept ones and the FUA ones reach the
 * store in order. The cache is empty afterwards. */
struct sim_disk_crash_result sim_disk_cache_crash(struct sim_disk_cache *c, struct sim_disk_store *st,
                                                  struct rng *rng);

#endif
