/* sim_disk_cache.c - see sim_disk_cache.h. */
#include "sim_disk_cache.h"

#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"

void sim_disk_cache_init(struct sim_disk_cache *c)
{
    memset(c, 0, sizeof *c);
}

static void cache_clear(struct sim_disk_cache *c)
{
    for (size_t i = 0; i < c->len; i++)
        free(c->writes[i].data);
    c->len = 0;
    c->bytes = 0;
}

void sim_disk_cache_free(struct sim_disk_cache *c)
{
    cache_clear(c);
    free(c->writes);
    memset(c, 0, sizeof *c);
}

static uint64_t cached_bytes(const struct sim_disk_cached_write *w)
{
    return (uint64_t)w->count * HAL_DISK_BLOCK_BYTES;
}

/* Write the oldest entry to the store and drop it. */
static void cache_destage_oldest(struct sim_disk_cache *c, struct sim_disk_store *st)
{
    struct sim_disk_cached_write *w = &c->writes[0];
    sim_disk_store_write(st, w->first, w->count, w->data);
    c->bytes -= cached_bytes(w);
    free(w->data);
    c->len--;
    memmove(&c->writes[0], &c->writes[1], c->len * sizeof c->writes[0]);
}

void sim_disk_cache_add(struct sim_disk_cache *c, struct sim_disk_store *st, uint64_t first, uint32_t count,
                        const uint8_t *data, bool durable)
{
    if (c->len == c->cap) {
        c->cap = c->cap == 0 ? 16 : c->cap * 2;
        c->writes = xrealloc(c->writes, c->cap * sizeof c->writes[0]);
    }
    struct sim_disk_cached_write *w = &c->writes[c->len++];
    *w = (struct sim_disk_cached_write){first, count, durable, NULL};
    w->data = xmalloc(cached_bytes(w));
    memcpy(w->data, data, cached_bytes(w));
    c->bytes += cached_bytes(w);
    while (c->bytes > SIM_DISK_CACHE_MAX_BYTES && c->len > 1)
        cache_destage_oldest(c, st);
}

void sim_disk_cache_overlay(const struct sim_disk_cache *c, uint64_t first, uint32_t count, uint8_t *out)
{
    uint64_t end = first + count;
    for (size_t i = 0; i < c->len; i++) {
        const struct sim_disk_cached_write *w = &c->writes[i];
        uint64_t from = w->first > first ? w->first : first;
        uint64_t to = w->first + w->count < end ? w->first + w->count : end;
        if (from >= to)
            continue;
        memcpy(out + (from - first) * HAL_DISK_BLOCK_BYTES,
               w->data + (from - w->first) * HAL_DISK_BLOCK_BYTES,
               (size_t)(to - from) * HAL_DISK_BLOCK_BYTES);
    }
}

void sim_disk_cache_flush(struct sim_disk_cache *c, struct sim_disk_store *st)
{
    for (size_t i = 0; i < c->len; i++)
        sim_disk_store_write(st, c->writes[i].first, c->writes[i].count, c->writes[i].data);
    cache_clear(c);
}

struct sim_disk_crash_result sim_disk_cache_crash(struct sim_disk_cache *c, struct sim_disk_store *st,
                                                  struct rng *rng)
{
    struct sim_disk_crash_result r = {0, 0};
    for (size_t i = 0; i < c->len; i++) {
        const struct sim_disk_cached_write *w = &c->writes[i];
        bool keep = w->durable;
        if (!w->durable) {
            keep = rng != NULL && rng_below(rng, 2) == 1;
            keep ? r.kept++ : r.lost++;
        }
        if (keep)
            sim_disk_store_write(st, w->first, w->count, w->data);
    }
    cache_clear(c);
    return r;
}
