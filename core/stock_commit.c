/*
 * stock_commit.c - the commit state machine: write every block of the
 * commit (one WRITE each, all queued at once), FLUSH, write the superblock
 * with force-unit-access, then store_commit_done. One commit is in flight
 * at a time; changes made meanwhile form the next batch, and every request
 * that needs durability (fsync, a key-value put or delete) waits for the
 * commit of the batch it joined: group commit.
 *
 * Disk requests complete in the order they were submitted, so a commit
 * only counts its completions.
 */
#include "kassert.h"
#include "stock_priv.h"

static uint32_t commit_id(void)
{
    return (uint32_t)STOCK_DISK_COMMIT << STOCK_DISK_KIND_SHIFT;
}

/* Submit the rest of the phase's requests; stops at HAL_ERR_BUSY (the
 * next completion or the retry timer calls again). */
static void submit_blocks(struct kernel *k, struct stock_commit_state *cs)
{
    struct stock *st = stock_of(k);
    for (;;) {
        uint32_t cursor = cs->cursor;
        uint64_t block;
        const uint8_t *data;
        if (!store_commit_next(&st->store, &cursor, &block, &data)) {
            cs->phase_all_sent = true;
            return;
        }
        int rc = stock_disk_submit(k, commit_id(), HAL_DISK_WRITE, block, 1, (void *)data);
        if (rc == ERR_BUSY)
            return;
        cs->cursor = cursor;
        if (rc != 0) {
            cs->failed = true;
            stock_trace_error(k, HAL_STORE_ERR_COMMIT, rc, block);
            continue;
        }
        stock_cache_update(k, block, data);
        cs->submitted++;
        cs->blocks++;
    }
}

/* Start the phase's one request (flush or superblock). */
static void submit_single(struct kernel *k, struct stock_commit_state *cs)
{
    int rc;
    if (cs->phase == COMMIT_FLUSH)
        rc = stock_disk_submit(k, commit_id(), HAL_DISK_FLUSH, 0, 0, NULL);
    else
        rc = stock_disk_submit(k, commit_id(), HAL_DISK_WRITE_FUA, cs->c.super_block, 1, (void *)cs->c.super_data);
    if (rc == ERR_BUSY)
        return;
    cs->phase_all_sent = true;
    if (rc != 0) {
        cs->failed = true;
        stock_trace_error(k, HAL_STORE_ERR_COMMIT, rc, cs->c.super_block);
        return;
    }
    if (cs->phase == COMMIT_SUPER) {
        stock_cache_update(k, cs->c.super_block, cs->c.super_data);
        cs->blocks++;
    }
    cs->submitted++;
}

static void trace_commit(struct kernel *k, const struct stock_commit_state *cs)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_STORE_COMMIT,
                                 .value64 = cs->c.seq,
                                 .value = (int32_t)cs->blocks,
                                 .value2 = cs->requests,
                                 .other_pid = (uint32_t)((kernel_now(k) - cs->started_ns) / 1000u)};
    ktrace(k, &ev);
}

static void finish(struct kernel *k, struct stock_commit_state *cs)
{
    struct stock *st = stock_of(k);
    bool ok = !cs->failed;
    store_commit_done(&st->store, ok);
    cs->phase = COMMIT_IDLE;
    if (ok) {
        trace_commit(k, cs);
        st->commits++;
        /* The callers answered now will be back: wait for them too. */
        st->last_group = cs->requests + stock_commit_waiting(st);
    }
    if (st->formatting)
        stock_mount_on_commit(k, ok);
    else
        stock_on_durable(k, cs->batch, ok);
}

/* Move to the next phase once this one's requests are all back. */
static void advance(struct kernel *k, struct stock_commit_state *cs)
{
    while (cs->phase != COMMIT_IDLE && cs->phase_all_sent && cs->completed == cs->submitted) {
        if (cs->failed || cs->phase == COMMIT_SUPER) {
            finish(k, cs);
            return;
        }
        cs->phase = cs->phase == COMMIT_BLOCKS ? COMMIT_FLUSH : COMMIT_SUPER;
        cs->phase_all_sent = false;
        cs->submitted = cs->completed = 0;
        submit_single(k, cs);
    }
}

void stock_commit_pump(struct kernel *k)
{
    struct stock_commit_state *cs = &stock_of(k)->commit;
    if (cs->phase == COMMIT_IDLE || cs->phase_all_sent)
        return;
    if (cs->phase == COMMIT_BLOCKS)
        submit_blocks(k, cs);
    else
        submit_single(k, cs);
    advance(k, cs);
}

uint32_t stock_commit_waiting(const struct stock *st)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++) {
        const struct stock_req *r = st->reqs[i];
        n += r != NULL && ((r->state == REQ_DURABLE && r->wait_batch == st->batch) || r->state == REQ_COMMIT);
    }
    return n;
}

void stock_commit_maybe(struct kernel *k, bool force)
{
    struct stock *st = stock_of(k);
    struct stock_commit_state *cs = &st->commit;
    if (cs->phase != COMMIT_IDLE || (!force && !st->batch_dirty))
        return;
    if (st->platform_kv) {
        stock_kvstore_commit(k);
        return;
    }
    *cs = (struct stock_commit_state){.phase = COMMIT_BLOCKS, .batch = st->batch, .started_ns = kernel_now(k)};
    cs->requests = stock_commit_waiting(st);
    st->group_deadline_ns = HAL_TIME_NEVER;
    int rc = store_commit_begin(&st->store, &cs->c);
    if (rc != STORE_OK) {
        cs->phase = COMMIT_IDLE;
        stock_trace_error(k, HAL_STORE_ERR_COMMIT, stock_abi_error(rc), 0);
        if (st->formatting)
            stock_mount_on_commit(k, false);
        else
            stock_on_durable(k, st->batch, false);
        return;
    }
    st->batch++;
    st->batch_dirty = false;
    st->next_commit_ns = HAL_TIME_NEVER;
    stock_commit_pump(k);
}

/* A request out of buffers cannot wait: it needs the commit to free them. */
static bool needs_buffers(const struct stock *st)
{
    for (uint32_t i = 0; i < STOCK_MAX_REQUESTS; i++)
        if (st->reqs[i] != NULL && st->reqs[i]->state == REQ_COMMIT)
            return true;
    return false;
}

void stock_commit_group(struct kernel *k)
{
    struct stock *st = stock_of(k);
    uint32_t waiting = stock_commit_waiting(st);
    if (waiting == 0 || st->commit.phase != COMMIT_IDLE)
        return;
    uint64_t now = kernel_now(k);
    if (st->group_deadline_ns == HAL_TIME_NEVER)
        st->group_deadline_ns = now + STOCK_GROUP_WAIT_NS;
    if (waiting >= st->last_group || now >= st->group_deadline_ns || needs_buffers(st))
        stock_commit_maybe(k, false);
}

void stock_commit_on_done(struct kernel *k, int status)
{
    struct stock_commit_state *cs = &stock_of(k)->commit;
    KASSERT(k, cs->phase != COMMIT_IDLE && cs->completed < cs->submitted);
    cs->completed++;
    if (status != HAL_OK && !cs->failed) {
        cs->failed = true;
        stock_trace_error(k, HAL_STORE_ERR_COMMIT, ERR_IO, 0);
    }
    stock_commit_pump(k);
    advance(k, cs);
}
