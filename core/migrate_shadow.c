/*
 * migrate_shadow.c - pre-copy's copies of hot pages as the target holds
 * them. A page that goes again after round 1 is one the process keeps
 * writing; the source keeps what it sent of it (for up to
 * MIGRATE_SHADOW_PAGES pages a move), so the later rounds and the frozen
 * one send only the ranges that changed since, not the whole page. Every
 * piece sent updates the copy, and the transport delivers in order, so
 * the copy equals the target's staged page; the image's CRC-32 of every
 * page checks that at the end.
 */
#include "migrate_priv.h"

#include "kalloc.h"

#define SHADOW_TABLE_BYTES (MIGRATE_SHADOW_PAGES * (uint32_t)sizeof(struct migrate_shadow))

struct migrate_shadow *migrate_shadow_find(const struct move_out *m, uint32_t vpn)
{
    for (uint32_t i = 0; i < m->shadow_count; i++)
        if (m->shadows[i].vpn == vpn)
            return &m->shadows[i];
    return NULL;
}

struct migrate_shadow *migrate_shadow_add(struct kernel *k, struct move_out *m, uint32_t vpn)
{
    if (m->shadows == NULL && (m->shadows = kalloc(k, SHADOW_TABLE_BYTES)) == NULL)
        return NULL;
    if (m->shadow_count == MIGRATE_SHADOW_PAGES)
        return NULL;
    uint8_t *data = kpage_alloc(k, 1);
    if (data == NULL)
        return NULL;
    struct migrate_shadow *s = &m->shadows[m->shadow_count++];
    *s = (struct migrate_shadow){.vpn = vpn, .data = data};
    return s;
}

void migrate_shadow_release(struct kernel *k, struct move_out *m)
{
    if (m->shadows == NULL)
        return;
    for (uint32_t i = 0; i < m->shadow_count; i++)
        kpage_free(k, m->shadows[i].data, 1);
    kfree(k, m->shadows, SHADOW_TABLE_BYTES);
    m->shadows = NULL;
    m->shadow_count = 0;
}
