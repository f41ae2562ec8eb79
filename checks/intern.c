/* intern.c - see intern.h. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"

/* FNV-1a: short keys, no adversary (names come from our own traces). */
static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

void intern_init(struct intern *t)
{
    *t = (struct intern){.slot_count = 64};
    t->slots = xcalloc(t->slot_count, sizeof t->slots[0]);
}

void intern_free(struct intern *t)
{
    for (uint32_t i = 0; i < t->count; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
    *t = (struct intern){0};
}

/* The slot holding `name`, or the empty slot where it would go. */
static uint32_t *slot_of(const struct intern *t, const char *name)
{
    uint32_t i = hash(name) & (t->slot_count - 1u);
    while (t->slots[i] != 0 && strcmp(t->names[t->slots[i] - 1u], name) != 0)
        i = (i + 1u) & (t->slot_count - 1u);
    return &t->slots[i];
}

static void grow(struct intern *t)
{
    free(t->slots);
    t->slot_count *= 2u;
    t->slots = xcalloc(t->slot_count, sizeof t->slots[0]);
    for (uint32_t id = 0; id < t->count; id++)
        *slot_of(t, t->names[id]) = id + 1u;
}

uint32_t intern_id(struct intern *t, const char *name)
{
    uint32_t *slot = slot_of(t, name);
    if (*slot != 0)
        return *slot - 1u;
    if ((t->count + 1u) * 2u > t->slot_count) { /* at most half full */
        grow(t);
        slot = slot_of(t, name);
    }
    if ((t->count & (t->count - 1u)) == 0) /* 0, 1, 2, 4...: double the array */
        t->names = xrealloc(t->names, (t->count ? t->count * 2u : 1u) * sizeof t->names[0]);
    t->names[t->count] = xstrdup(name);
    *slot = ++t->count;
    return t->count - 1u;
}

uint32_t intern_find(const struct intern *t, const char *name)
{
    uint32_t id = *slot_of(t, name);
    return id != 0 ? id - 1u : UINT32_MAX;
}

const char *intern_name(const struct intern *t, uint32_t id)
{
    return id < t->count ? t->names[id] : "?";
}
