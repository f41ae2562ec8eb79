/*
 * stock_mount.c - bringing the store up at boot, asynchronously, through
 * the block cache: fetch both superblocks; if the disk is blank, or its
 * format was cut short by a crash (store_format_unfinished), it is
 * formatted (mkfs: two commits, one per superblock); otherwise
 * store_mount, re-run as each block it asks for arrives. A disk with
 * damaged superblocks is never formatted over: the service stays down and
 * says why in the trace.
 */
#include "stock_priv.h"

static void trace_mount(struct kernel *k, uint64_t seq, bool formatted)
{
    struct stock *st = stock_of(k);
    struct hal_trace_event ev = {.type = HAL_TRACE_STORE_MOUNT,
                                 .reason = formatted ? 1u : 0u,
                                 .value64 = seq,
                                 .value = (int32_t)st->mount_blocks_read,
                                 .value2 = (uint32_t)((kernel_now(k) - st->mount_started_ns) / 1000u)};
    ktrace(k, &ev);
}

static void mount_up(struct kernel *k, uint64_t seq, bool formatted)
{
    struct stock *st = stock_of(k);
    st->state = STOCK_UP;
    st->formatting = false;
    st->batch = 1;
    st->durable_batch = 0;
    trace_mount(k, seq, formatted);
    stock_run(k);
}

static void mount_down(struct kernel *k, int32_t err, uint64_t block)
{
    struct stock *st = stock_of(k);
    st->state = STOCK_DOWN;
    st->formatting = false;
    stock_trace_error(k, HAL_STORE_ERR_MOUNT, err, block);
    stock_fail_all(k, ERR_NO_STORAGE);
}

/* The block if cached; otherwise start its fetch and return NULL. */
static const uint8_t *need(struct kernel *k, uint64_t block, bool *failed)
{
    struct stock *st = stock_of(k);
    const uint8_t *b = stock_cache_get(st, block);
    if (b != NULL || stock_cache_fetching(k, block))
        return b;
    int rc = stock_cache_fetch(k, block);
    if (rc != 0 && rc != ERR_BUSY) {
        mount_down(k, rc, block);
        *failed = true;
    }
    return NULL;
}

static void format_blank(struct kernel *k)
{
    struct stock *st = stock_of(k);
    char label[8] = {'n', 0};
    uint32_t id = k->node_id, at = 1;
    char digits[6];
    uint32_t n = 0;
    do {
        digits[n++] = (char)('0' + id % 10u);
        id /= 10u;
    } while (id != 0);
    while (n > 0)
        label[at++] = digits[--n];
    int rc = store_format(&st->store, st->disk_blocks, label, kernel_now(k));
    if (rc != STORE_OK) {
        mount_down(k, stock_abi_error(rc), 0);
        return;
    }
    st->formatting = true;
    stock_commit_maybe(k, true);
}

void stock_mount_step(struct kernel *k)
{
    struct stock *st = stock_of(k);
    if (st->state != STOCK_MOUNTING || st->formatting)
        return;
    bool failed = false;
    const uint8_t *sb0 = need(k, 0, &failed);
    const uint8_t *sb1 = failed ? NULL : need(k, 1, &failed);
    if (sb0 == NULL || sb1 == NULL)
        return;
    if (store_format_unfinished(sb0, sb1)) {
        format_blank(k);
        return;
    }
    struct store_mount_info info;
    int rc = store_mount(&st->store, &info);
    if (rc == STORE_E_AGAIN) {
        (void)need(k, store_missing_block(&st->store), &failed);
        return;
    }
    if (rc != STORE_OK) {
        mount_down(k, stock_abi_error(rc), rc == STORE_E_CORRUPT ? store_error_block(&st->store) : 0);
        return;
    }
    mount_up(k, info.seq, false);
}

/* One of mkfs's two commits is durable (or failed). */
void stock_mount_on_commit(struct kernel *k, bool ok)
{
    struct stock *st = stock_of(k);
    if (!ok) {
        mount_down(k, ERR_IO, 0);
        return;
    }
    if (st->commits < 2) {
        stock_commit_maybe(k, true);
        return;
    }
    mount_up(k, st->store.seq, true);
}
