/* sim_disk.c - see sim_disk.h. */
#include "sim_disk.h"

#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000u

void sim_disk_init(struct sim_disk *d, const struct scn_disk *cfg, uint32_t node, uint64_t seed,
                   struct sim_queue *events)
{
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->node = node;
    d->events = events;
    rng_init(&d->rng, seed, RNG_PURPOSE_DISK, node);
    sim_disk_store_init(&d->store);
    sim_disk_cache_init(&d->cache);
}

void sim_disk_free(struct sim_disk *d)
{
    sim_disk_store_free(&d->store);
    sim_disk_cache_free(&d->cache);
}

uint64_t sim_disk_block_count(const struct sim_disk *d)
{
    return d->cfg != NULL ? d->cfg->size_bytes / HAL_DISK_BLOCK_BYTES : 0;
}

static uint64_t request_bytes(const struct sim_disk_request *r)
{
    return (uint64_t)r->count * HAL_DISK_BLOCK_BYTES;
}

/* a + b, at most UINT64_MAX: a scenario's durations may be huge. */
static uint64_t add_saturated(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The service time of `r` starting at `now`. */
static uint64_t disk_service_ns(const struct sim_disk *d, const struct sim_disk_request *r, uint64_t now)
{
    const struct scn_disk *cfg = d->cfg;
    uint64_t ns = cfg->latency_ns;
    for (uint32_t i = 0; i < cfg->spike_count; i++) {
        const struct scn_disk_spike *s = &cfg->spikes[i];
        if (now >= s->at_ns && now - s->at_ns < s->for_ns)
            ns = add_saturated(ns, s->extra_ns);
    }
    /* bytes < 2^41 and 10^9 < 2^30: the product needs 128 bits. */
    unsigned __int128 scaled = (unsigned __int128)request_bytes(r) * NS_PER_S;
    uint64_t rate = cfg->bandwidth_bytes_per_s;
    unsigned __int128 transfer = (scaled + rate - 1) / rate;
    return add_saturated(ns, transfer > UINT64_MAX ? UINT64_MAX : (uint64_t)transfer);
}

/* Queue the completion of the request at the head, starting now. */
static void disk_start_head(struct sim_disk *d, uint64_t now)
{
    d->started_ns = now;
    d->c.requests++;
    struct sim_event ev = {.time_ns = add_saturated(now, disk_service_ns(d, &d->queue[d->head], now)),
                           .arg = d->gen,
                           .node = d->node,
                           .kind = SIM_EV_DISK};
    sim_queue_push(d->events, &ev);
}

static int disk_check(const struct sim_disk *d, const struct sim_disk_request *r)
{
    uint64_t blocks = sim_disk_block_count(d);
    if (blocks == 0)
        return HAL_ERR_INVALID;
    if (r->op == HAL_DISK_FLUSH)
        return r->count == 0 ? HAL_OK : HAL_ERR_INVALID;
    if (r->op != HAL_DISK_READ && r->op != HAL_DISK_WRITE && r->op != HAL_DISK_WRITE_FUA)
        return HAL_ERR_INVALID;
    if (r->count == 0 || r->buf == NULL || r->first >= blocks || r->count > blocks - r->first)
        return HAL_ERR_INVALID;
    return HAL_OK;
}

int sim_disk_submit(struct sim_disk *d, uint64_t now, const struct sim_disk_request *r)
{
    int rc = disk_check(d, r);
    if (rc != HAL_OK)
        return rc;
    if (d->len == SIM_DISK_QUEUE_MAX)
        return HAL_ERR_BUSY;
    d->queue[(d->head + d->len++) % SIM_DISK_QUEUE_MAX] = *r;
    if (d->len == 1)
        disk_start_head(d, now);
    return HAL_OK;
}

/* Whether [first, first + count) holds a block of the read_errors list. */
static bool disk_has_read_error(const struct scn_disk *cfg, uint64_t first, uint32_t count)
{
    uint32_t lo = 0, hi = cfg->read_error_count;
    while (lo < hi) { /* the first listed block >= first */
        uint32_t mid = lo + (hi - lo) / 2;
        if (cfg->read_errors[mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cfg->read_error_count && cfg->read_errors[lo] - first < count;
}

static void disk_write(struct sim_disk *d, const struct sim_disk_request *r)
{
    bool fua = r->op == HAL_DISK_WRITE_FUA;
    if (!d->cfg->write_cache || fua)
        sim_disk_store_write(&d->store, r->first, r->count, r->buf);
    /* A FUA write behind cached ones is also queued after them, marked
     * durable, so that a crash keeping an older overlapping one replays
     * it afterwards (sim_disk_cache.h). */
    if (d->cfg->write_cache && (!fua || d->cache.len > 0))
        sim_disk_cache_add(&d->cache, &d->store, r->first, r->count, r->buf, fua);
    d->c.writes++;
    d->c.write_bytes += request_bytes(r);
}

/* What the request does to the disk at its completion; its status. */
static int disk_perform(struct sim_disk *d, const struct sim_disk_request *r)
{
    switch (r->op) {
    case HAL_DISK_READ:
        d->c.reads++;
        d->c.read_bytes += request_bytes(r);
        if (disk_has_read_error(d->cfg, r->first, r->count))
            return HAL_ERR_IO;
        sim_disk_read_durable(d, r->first, r->count, r->buf);
        sim_disk_cache_overlay(&d->cache, r->first, r->count, r->buf);
        return HAL_OK;
    case HAL_DISK_FLUSH:
        d->c.flushes++;
        sim_disk_cache_flush(&d->cache, &d->store);
        return HAL_OK;
    default: disk_write(d, r); return HAL_OK;
    }
}

/* Whether the scenario's crash_at falls on the request in service, with
 * `torn` (before it takes effect) or without (once it has); if so, it is
 * spent. */
static bool disk_crash_at_due(struct sim_disk *d, bool torn)
{
    uint64_t n = d->cfg->crash_at_request;
    if (n == 0 || d->c.crashed_at != 0 || d->c.requests != n || d->cfg->crash_at_torn != torn)
        return false;
    d->c.crashed_at = n;
    d->tear_inside = torn;
    return true;
}

enum sim_disk_done sim_disk_complete(struct sim_disk *d, uint64_t now, uint64_t gen, uint32_t *id,
                                     int *status)
{
    if (gen != d->gen || d->len == 0)
        return SIM_DISK_STALE;
    if (disk_crash_at_due(d, true))
        return SIM_DISK_CRASH;
    const struct sim_disk_request *r = &d->queue[d->head];
    *id = r->id;
    *status = disk_perform(d, r);
    d->c.busy_ns += now - d->started_ns;
    d->head = (d->head + 1) % SIM_DISK_QUEUE_MAX;
    bool crash = disk_crash_at_due(d, false);
    d->held = crash && d->len > 1;
    if (--d->len > 0 && !crash)
        disk_start_head(d, now);
    return crash ? SIM_DISK_CRASH : SIM_DISK_COMPLETED;
}

/* The write in service reaches the store up to a random sector boundary:
 * any for a scenario's crash, one strictly inside for crash_at's torn. */
static uint32_t disk_tear(struct sim_disk *d, const struct sim_disk_request *r)
{
    uint32_t sectors = d->tear_inside && r->count > 1 ? 1 + (uint32_t)rng_upto(&d->rng, r->count - 2)
                                                      : (uint32_t)rng_upto(&d->rng, r->count);
    sim_disk_store_write(&d->store, r->first, sectors, r->buf);
    return sectors;
}

struct sim_disk_crash_report sim_disk_crash(struct sim_disk *d, uint64_t now)
{
    struct sim_disk_crash_report rep = {0, 0, false, 0};
    if (d->cfg == NULL)
        return rep;
    bool keep_random = d->cfg->crash == SCN_DISK_CRASH_KEEP_RANDOM;
    struct sim_disk_crash_result cr =
        sim_disk_cache_crash(&d->cache, &d->store, keep_random ? &d->rng : NULL);
    rep.lost = cr.lost;
    rep.kept = cr.kept;
    if (d->len > 0 && !d->held) {
        const struct sim_disk_request *r = &d->queue[d->head];
        d->c.busy_ns += now - d->started_ns;
        if (r->op == HAL_DISK_WRITE || r->op == HAL_DISK_WRITE_FUA) {
            rep.torn_sectors_written = disk_tear(d, r);
            rep.torn = rep.torn_sectors_written != 0 && rep.torn_sectors_written != r->count;
        }
    }
    d->len = 0;
    d->head = 0;
    d->held = false;
    d->tear_inside = false;
    d->gen++;
    return rep;
}

void sim_disk_read_durable(const struct sim_disk *d, uint64_t first, uint32_t count, uint8_t *out)
{
    sim_disk_store_read(&d->store, first, count, out);
}
