/* viz_pidmap.c - see viz_pidmap.h. */
#include "viz_pidmap.h"

#include <stdlib.h>

#include "host/xalloc.h"

uint64_t viz_pid_key(uint32_t node, uint32_t local) { return ((uint64_t)node << 32) | local; }

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

uint32_t viz_pidmap_get(const struct viz_pidmap *m, uint64_t key)
{
    if (m->cap == 0)
        return VIZ_NO_PROC;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->values[i] == VIZ_NO_PROC)
            return VIZ_NO_PROC;
        if (m->keys[i] == key)
            return m->values[i];
    }
}

static void insert(struct viz_pidmap *m, uint64_t key, uint32_t value)
{
    size_t i = slot_of(key, m->cap);
    while (m->values[i] != VIZ_NO_PROC && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->values[i] == VIZ_NO_PROC)
        m->used++;
    m->keys[i] = key;
    m->values[i] = value;
}

static void grow(struct viz_pidmap *m)
{
    struct viz_pidmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->used = 0;
    m->keys = xmalloc(m->cap * sizeof m->keys[0]);
    m->values = xmalloc(m->cap * sizeof m->values[0]);
    for (size_t i = 0; i < m->cap; i++)
        m->values[i] = VIZ_NO_PROC;
    for (size_t i = 0; i < old.cap; i++)
        if (old.values[i] != VIZ_NO_PROC)
            insert(m, old.keys[i], old.values[i]);
    viz_pidmap_free(&old);
}

void viz_pidmap_put(struct viz_pidmap *m, uint64_t key, uint32_t value)
{
    if ((m->used + 1) * 2 > m->cap)
        grow(m);
    insert(m, key, value);
}

void viz_pidmap_free(struct viz_pidmap *m)
{
    free(m->keys);
    free(m->values);
    m->keys = NULL;
    m->values = NULL;
    m->cap = m->used = 0;
}
