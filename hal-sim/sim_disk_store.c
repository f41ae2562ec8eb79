/* sim_disk_store.c - see sim_disk_store.h. */
#include "sim_disk_store.h"

#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"

#define STORE_MIN_SLOTS 64u

void sim_disk_store_init(struct sim_disk_store *st)
{
    memset(st, 0, sizeof *st);
}

void sim_disk_store_free(struct sim_disk_store *st)
{
    for (size_t i = 0; i < st->cap; i++)
        free(st->chunks[i]);
    free(st->keys);
    free(st->chunks);
    memset(st, 0, sizeof *st);
}

/* splitmix64's finaliser: chunk numbers of one region spread over the table. */
static size_t store_hash(uint64_t key, size_t cap)
{
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ull;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebull;
    key ^= key >> 31;
    return (size_t)key & (cap - 1);
}

/* The slot holding `chunk`, or the free slot where it would go. */
static size_t store_find(const struct sim_disk_store *st, uint64_t chunk)
{
    size_t i = store_hash(chunk + 1, st->cap);
    while (st->keys[i] != 0 && st->keys[i] != chunk + 1)
        i = (i + 1) & (st->cap - 1);
    return i;
}

static void store_grow(struct sim_disk_store *st)
{
    struct sim_disk_store old = *st;
    st->cap = old.cap == 0 ? STORE_MIN_SLOTS : old.cap * 2;
    st->keys = xcalloc(st->cap, sizeof st->keys[0]);
    st->chunks = xcalloc(st->cap, sizeof st->chunks[0]);
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i] == 0)
            continue;
        size_t j = store_find(st, old.keys[i] - 1);
        st->keys[j] = old.keys[i];
        st->chunks[j] = old.chunks[i];
    }
    free(old.keys);
    free(old.chunks);
}

static const uint8_t *store_get(const struct sim_disk_store *st, uint64_t chunk)
{
    if (st->cap == 0)
        return NULL;
    size_t i = store_find(st, chunk);
    return st->keys[i] != 0 ? st->chunks[i] : NULL;
}

/* The chunk, created (zeros) if it was never written. */
static uint8_t *store_get_or_add(struct sim_disk_store *st, uint64_t chunk)
{
    if ((st->used + 1) * 4 > st->cap * 3) /* load factor at most 3/4 */
        store_grow(st);
    size_t i = store_find(st, chunk);
    if (st->keys[i] == 0) {
        st->keys[i] = chunk + 1;
        st->chunks[i] = xcalloc(1, SIM_DISK_CHUNK_BYTES);
        st->used++;
    }
    return st->chunks[i];
}

void sim_disk_store_read(const struct sim_disk_store *st, uint64_t first, uint32_t count, uint8_t *out)
{
    for (uint32_t i = 0; i < count; i++, out += HAL_DISK_BLOCK_BYTES) {
        uint64_t block = first + i;
        const uint8_t *c = store_get(st, block / SIM_DISK_CHUNK_BLOCKS);
        if (c == NULL)
            memset(out, 0, HAL_DISK_BLOCK_BYTES);
        else
            memcpy(out, c + (block % SIM_DISK_CHUNK_BLOCKS) * HAL_DISK_BLOCK_BYTES, HAL_DISK_BLOCK_BYTES);
    }
}

void sim_disk_store_write(struct sim_disk_store *st, uint64_t first, uint32_t count, const uint8_t *data)
{
    for (uint32_t i = 0; i < count; i++, data += HAL_DISK_BLOCK_BYTES) {
        uint64_t block = first + i;
        uint8_t *c = store_get_or_add(st, block / SIM_DISK_CHUNK_BLOCKS);
        memcpy(c + (block % SIM_DISK_CHUNK_BLOCKS) * HAL_DISK_BLOCK_BYTES, data, HAL_DISK_BLOCK_BYTES);
    }
}

bool sim_disk_store_slot(const struct sim_disk_store *st, size_t slot, uint64_t *chunk, const uint8_t **data)
{
    if (st->keys[slot] == 0)
        return false;
    *chunk = st->keys[slot] - 1;
    *data = st->chunks[slot];
    return true;
}
