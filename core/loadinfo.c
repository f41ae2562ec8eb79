/*
 * loadinfo.c - the bounded table of peers' loads (see loadinfo.h). A
 * linear scan of at most LOADINFO_MAX_ENTRIES: cheaper than any index at
 * this size, and its results never depend on the order of the slots.
 */
#include "loadinfo.h"

#include "bytes.h"

void loadinfo_init(struct loadinfo *t)
{
    t->used = 0;
    for (uint32_t i = 0; i < LOADINFO_MAX_ENTRIES; i++)
        t->entries[i].node = LOADINFO_NO_NODE;
}

static struct loadinfo_entry *find_slot(struct loadinfo *t, uint16_t node)
{
    for (uint32_t i = 0; i < t->used; i++)
        if (t->entries[i].node == node)
            return &t->entries[i];
    return NULL;
}

/* The entry heard from longest ago (ties: lower node id), to give way. */
static struct loadinfo_entry *find_stalest(struct loadinfo *t)
{
    struct loadinfo_entry *stalest = &t->entries[0];
    for (uint32_t i = 1; i < t->used; i++) {
        struct loadinfo_entry *e = &t->entries[i];
        if (e->heard_ns < stalest->heard_ns || (e->heard_ns == stalest->heard_ns && e->node < stalest->node))
            stalest = e;
    }
    return stalest;
}

static struct loadinfo_entry *claim_slot(struct loadinfo *t)
{
    if (t->used < LOADINFO_MAX_ENTRIES)
        return &t->entries[t->used++];
    return find_stalest(t);
}

bool loadinfo_update(struct loadinfo *t, uint16_t node, const struct load_sample *s, uint64_t now)
{
    if (node == LOADINFO_NO_NODE)
        return false;
    struct loadinfo_entry *e = find_slot(t, node);
    if (e != NULL && e->sample.epoch == s->epoch && s->seq <= e->sample.seq)
        return false; /* an older sample of the same boot */
    if (e == NULL)
        e = claim_slot(t);
    e->node = node;
    e->sample = *s;
    e->heard_ns = now;
    return true;
}

const struct loadinfo_entry *loadinfo_find(const struct loadinfo *t, uint16_t node, uint64_t since_ns)
{
    for (uint32_t i = 0; i < t->used; i++) {
        const struct loadinfo_entry *e = &t->entries[i];
        if (e->node == node)
            return e->heard_ns >= since_ns ? e : NULL;
    }
    return NULL;
}

uint16_t loadinfo_least_loaded(const struct loadinfo *t, uint16_t exclude, uint64_t since_ns, uint16_t salt)
{
    const struct loadinfo_entry *best = NULL;
    for (uint32_t i = 0; i < t->used; i++) {
        const struct loadinfo_entry *e = &t->entries[i];
        if (e->node == exclude || e->heard_ns < since_ns)
            continue;
        if (best == NULL || e->sample.load_milli < best->sample.load_milli ||
            (e->sample.load_milli == best->sample.load_milli && (e->node ^ salt) < (best->node ^ salt)))
            best = e;
    }
    return best != NULL ? best->node : (uint16_t)LOADINFO_NO_NODE;
}

uint64_t loadinfo_sum(const struct loadinfo *t, uint16_t exclude, uint64_t since_ns, uint32_t *count)
{
    uint64_t sum = 0;
    *count = 0;
    for (uint32_t i = 0; i < t->used; i++) {
        const struct loadinfo_entry *e = &t->entries[i];
        if (e->node == exclude || e->heard_ns < since_ns)
            continue;
        sum += e->sample.load_milli;
        (*count)++;
    }
    return sum;
}

void loadinfo_add_load(struct loadinfo *t, uint16_t node, uint32_t extra_milli)
{
    struct loadinfo_entry *e = find_slot(t, node);
    if (e == NULL)
        return;
    uint32_t load = e->sample.load_milli + extra_milli;
    e->sample.load_milli = load < extra_milli ? UINT32_MAX : load;
}

void loadinfo_expire(struct loadinfo *t, uint64_t since_ns)
{
    uint32_t i = 0;
    while (i < t->used) {
        if (t->entries[i].heard_ns >= since_ns) {
            i++;
            continue;
        }
        /* Move the last entry into the hole: order carries no meaning. */
        t->entries[i] = t->entries[--t->used];
        t->entries[t->used].node = LOADINFO_NO_NODE;
    }
}

void load_sample_encode(const struct load_sample *s, uint8_t *out)
{
    put_be32(out, s->epoch);
    put_be32(out + 4, s->seq);
    put_be32(out + 8, s->load_milli);
    put_be32(out + 12, s->load_avg_milli);
}

void load_sample_decode(const uint8_t *in, struct load_sample *s)
{
    s->epoch = get_be32(in);
    s->seq = get_be32(in + 4);
    s->load_milli = get_be32(in + 8);
    s->load_avg_milli = get_be32(in + 12);
}
