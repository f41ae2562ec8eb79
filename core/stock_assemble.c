/*
 * stock_assemble.c - requests from another node that arrive in several
 * pieces (stock_client.h): each is assembled in its own buffer, at most
 * STOCK_ASSEMBLING_PER_NODE per node and STOCK_ASSEMBLING_MAX in all, and
 * handed to stock_submit only once whole, so a request cut short by its
 * caller's restart is never run.
 */
#include "stock_priv.h"

static void assembly_free(struct kernel *k, struct stock_assembly *a)
{
    kfree(k, a->bytes, a->total);
    *a = (struct stock_assembly){0};
}

static struct stock_assembly *assembly_find(struct stock *st, const struct stock_origin *from)
{
    for (uint32_t i = 0; i < STOCK_ASSEMBLING_MAX; i++) {
        struct stock_assembly *a = &st->assembling[i];
        if (a->bytes != NULL && a->from.node == from->node && a->from.pid == from->pid &&
            a->from.call_id == from->call_id)
            return a;
    }
    return NULL;
}

/* A free slot for a request from `from`, or NULL past a limit. A process
 * makes one call at a time, so its older half-assembled call was given up
 * (its sending failed part-way) and is dropped. */
static struct stock_assembly *assembly_slot(struct kernel *k, struct stock *st, const struct stock_origin *from)
{
    struct stock_assembly *free_slot = NULL;
    uint32_t from_node = 0;
    for (uint32_t i = 0; i < STOCK_ASSEMBLING_MAX; i++) {
        struct stock_assembly *a = &st->assembling[i];
        if (a->bytes != NULL && a->from.node == from->node && a->from.pid == from->pid)
            assembly_free(k, a);
        if (a->bytes == NULL && free_slot == NULL)
            free_slot = a;
        else if (a->bytes != NULL && a->from.node == from->node)
            from_node++;
    }
    return from_node < STOCK_ASSEMBLING_PER_NODE ? free_slot : NULL;
}

/* The first piece of a request that takes several. */
static void assembly_start(struct kernel *k, struct stock *st, const struct stock_piece *pc)
{
    struct stock_assembly *a = pc->total > STOCK_REQ_MAX_BYTES ? NULL : assembly_slot(k, st, &pc->from);
    uint8_t *bytes = a != NULL ? kalloc(k, pc->total) : NULL;
    if (bytes == NULL) {
        int32_t err = pc->total > STOCK_REQ_MAX_BYTES ? ERR_TOO_BIG : a == NULL ? ERR_BUSY : ERR_NO_MEMORY;
        stock_reply_send(k, &pc->from, err, 0, NULL, 0);
        return;
    }
    *a = (struct stock_assembly){.from = pc->from, .total = pc->total, .got = pc->len, .bytes = bytes};
    kmemcpy(bytes, pc->bytes, pc->len);
}

void stock_on_piece(struct kernel *k, const struct stock_piece *pc)
{
    struct stock *st = k->stock;
    if (pc->offset == 0 && (pc->len == pc->total || st == NULL)) {
        stock_submit(k, &pc->from, pc->bytes, pc->len); /* without a service: answered ERR_NO_STORAGE */
        return;
    }
    if (st == NULL)
        return; /* the first piece was answered */
    if (pc->offset == 0) {
        assembly_start(k, st, pc);
        return;
    }
    struct stock_assembly *a = assembly_find(st, &pc->from);
    if (a == NULL)
        return; /* its first piece was answered already (ERR_BUSY, ...) */
    if (pc->total != a->total || pc->offset != a->got) {
        k->stats.frames_bad++;
        assembly_free(k, a);
        stock_reply_send(k, &pc->from, ERR_PROTOCOL, 0, NULL, 0);
        return;
    }
    kmemcpy(a->bytes + a->got, pc->bytes, pc->len);
    a->got += pc->len;
    if (a->got < a->total)
        return;
    struct stock_assembly whole = *a;
    *a = (struct stock_assembly){0};
    stock_submit(k, &whole.from, whole.bytes, whole.total);
    kfree(k, whole.bytes, whole.total);
}

void stock_drop_assembling(struct kernel *k, uint16_t node)
{
    struct stock *st = k->stock;
    for (uint32_t i = 0; st != NULL && i < STOCK_ASSEMBLING_MAX; i++)
        if (st->assembling[i].bytes != NULL && st->assembling[i].from.node == node)
            assembly_free(k, &st->assembling[i]);
}
