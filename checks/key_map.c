/* key_map.c - see key_map.h. Open addressing with linear probing. */
#include "key_map.h"

#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"

static size_t slot_of(uint64_t key, size_t capacity)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull; /* a 64-bit mixer, so sequential pids spread */
    key ^= key >> 33;
    return (size_t)(key & (capacity - 1));
}

void key_map_init(struct key_map *m, size_t record_bytes)
{
    memset(m, 0, sizeof *m);
    m->record_bytes = record_bytes;
}

void key_map_free(struct key_map *m)
{
    free(m->keys);
    free(m->records);
    free(m->used);
    memset(m, 0, sizeof *m);
}

static void grow(struct key_map *m)
{
    struct key_map bigger = *m;
    bigger.capacity = m->capacity ? m->capacity * 2 : 64;
    bigger.count = 0;
    bigger.keys = xcalloc(bigger.capacity, sizeof bigger.keys[0]);
    bigger.records = xcalloc(bigger.capacity, m->record_bytes);
    bigger.used = xcalloc(bigger.capacity, sizeof bigger.used[0]);
    for (size_t i = 0; i < m->capacity; i++) {
        if (!m->used[i])
            continue;
        void *r = key_map_get(&bigger, m->keys[i], true, NULL);
        memcpy(r, m->records + i * m->record_bytes, m->record_bytes);
    }
    key_map_free(m);
    *m = bigger;
}

void *key_map_get(struct key_map *m, uint64_t key, bool create, bool *created)
{
    if (created != NULL)
        *created = false;
    if (m->capacity != 0) {
        for (size_t i = slot_of(key, m->capacity);; i = (i + 1) & (m->capacity - 1)) {
            if (!m->used[i])
                break;
            if (m->keys[i] == key)
                return m->records + i * m->record_bytes;
        }
    }
    if (!create)
        return NULL;
    if ((m->count + 1) * 2 > m->capacity)
        grow(m);
    size_t i = slot_of(key, m->capacity);
    while (m->used[i])
        i = (i + 1) & (m->capacity - 1);
    m->used[i] = true;
    m->keys[i] = key;
    m->count++;
    if (created != NULL)
        *created = true;
    return m->records + i * m->record_bytes;
}

void *key_map_slot(const struct key_map *m, size_t i, uint64_t *key)
{
    if (i >= m->capacity || !m->used[i])
        return NULL;
    *key = m->keys[i];
    return m->records + i * m->record_bytes;
}
