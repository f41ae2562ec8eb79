/*
 * stock_cache.c - Stockholder's block cache over hal_disk: a fixed number
 * of 4 KiB store blocks (8 sectors each), filled asynchronously. The
 * store reads through stock_cache_get; a miss is fetched with one READ,
 * and the requests parked on that block run again when it arrives. A slot
 * being fetched is never evicted; otherwise the least recently used goes.
 */
#include "kassert.h"
#include "stock_priv.h"

int stock_cache_init(struct kernel *k)
{
    struct stock *st = stock_of(k);
    st->slot_pages = kpage_alloc(k, STOCK_CACHE_BLOCKS);
    if (st->slot_pages == NULL)
        return ERR_NO_MEMORY;
    for (uint32_t i = 0; i < STOCK_CACHE_BLOCKS; i++)
        st->slots[i] = (struct stock_slot){.state = SLOT_EMPTY, .data = st->slot_pages + i * STORE_BLOCK_SIZE};
    return 0;
}

void stock_cache_destroy(struct kernel *k)
{
    struct stock *st = stock_of(k);
    if (st->slot_pages != NULL)
        kpage_free(k, st->slot_pages, STOCK_CACHE_BLOCKS);
    st->slot_pages = NULL;
}

static struct stock_slot *slot_find(struct stock *st, uint64_t block)
{
    for (uint32_t i = 0; i < STOCK_CACHE_BLOCKS; i++)
        if (st->slots[i].state != SLOT_EMPTY && st->slots[i].block == block)
            return &st->slots[i];
    return NULL;
}

const uint8_t *stock_cache_get(void *ctx, uint64_t block)
{
    struct stock *st = ctx;
    struct stock_slot *s = slot_find(st, block);
    if (s == NULL || s->state != SLOT_VALID)
        return NULL;
    s->used_tick = ++st->tick;
    return s->data;
}

bool stock_cache_fetching_slot(const struct kernel *k, uint32_t index)
{
    return k->stock->slots[index].state == SLOT_FETCHING;
}

bool stock_cache_fetching(const struct kernel *k, uint64_t block)
{
    struct stock_slot *s = slot_find(k->stock, block);
    return s != NULL && s->state == SLOT_FETCHING;
}

/* An empty slot, else the least recently used valid one; NULL when every
 * slot is being fetched. */
static struct stock_slot *slot_victim(struct stock *st)
{
    struct stock_slot *best = NULL;
    for (uint32_t i = 0; i < STOCK_CACHE_BLOCKS; i++) {
        struct stock_slot *s = &st->slots[i];
        if (s->state == SLOT_EMPTY)
            return s;
        if (s->state == SLOT_VALID && (best == NULL || s->used_tick < best->used_tick))
            best = s;
    }
    return best;
}

int stock_disk_submit(struct kernel *k, uint32_t id, enum hal_disk_op op, uint64_t block, uint32_t count,
                      void *buf)
{
    uint64_t first = block * STOCK_SECTORS_PER_BLOCK;
    int rc = k->hal.disk->submit(k->hal.ctx, id, op, first, count * STOCK_SECTORS_PER_BLOCK, buf);
    if (rc == HAL_ERR_BUSY) {
        k->stock->disk_retry_ns = kernel_now(k) + STOCK_DISK_RETRY_NS;
        return ERR_BUSY;
    }
    return rc == HAL_OK ? 0 : ERR_IO;
}

int stock_cache_fetch(struct kernel *k, uint64_t block)
{
    struct stock *st = stock_of(k);
    if (slot_find(st, block) != NULL)
        return 0;
    if (block >= st->disk_blocks)
        return ERR_CORRUPT; /* a pointer past the disk: the store reports it too */
    struct stock_slot *s = slot_victim(st);
    if (s == NULL) {
        st->disk_retry_ns = kernel_now(k) + STOCK_DISK_RETRY_NS;
        return ERR_BUSY; /* every slot is on its way: try again */
    }
    uint32_t index = (uint32_t)(s - st->slots);
    uint32_t id = ((uint32_t)STOCK_DISK_FETCH << STOCK_DISK_KIND_SHIFT) | index;
    int rc = stock_disk_submit(k, id, HAL_DISK_READ, block, 1, s->data);
    if (rc != 0)
        return rc;
    *s = (struct stock_slot){.block = block, .state = SLOT_FETCHING, .data = s->data};
    return 0;
}

void stock_cache_on_done(struct kernel *k, uint32_t index, int status)
{
    struct stock *st = stock_of(k);
    KASSERT(k, index < STOCK_CACHE_BLOCKS && st->slots[index].state == SLOT_FETCHING);
    struct stock_slot *s = &st->slots[index];
    uint64_t block = s->block;
    bool ok = status == HAL_OK && !s->stale;
    s->state = ok ? SLOT_VALID : SLOT_EMPTY;
    s->stale = false;
    s->used_tick = ++st->tick;
    if (st->mount_blocks_read < UINT32_MAX && st->state == STOCK_MOUNTING)
        st->mount_blocks_read++;
    /* A stale fetch is simply fetched again by whoever still wants it. */
    stock_on_block(k, block, status == HAL_OK ? 0 : ERR_IO);
}

/* A block just written is kept too: the store reads it again as soon as
 * the commit is done (the new tree's nodes, the bitmap). */
void stock_cache_update(struct kernel *k, uint64_t block, const uint8_t *data)
{
    struct stock *st = stock_of(k);
    struct stock_slot *s = slot_find(st, block);
    if (s != NULL && s->state == SLOT_FETCHING) {
        s->stale = true;
        return;
    }
    if (s == NULL && (s = slot_victim(st)) == NULL)
        return;
    kmemcpy(s->data, data, STORE_BLOCK_SIZE);
    *s = (struct stock_slot){.block = block, .state = SLOT_VALID, .used_tick = ++st->tick, .data = s->data};
}
