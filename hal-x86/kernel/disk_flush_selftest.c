/* disk_flush_selftest.c - see disk_flush_selftest.h. */
#include "disk_flush_selftest.h"

#include "ata.h"
#include "cpu.h"
#include "disk_selftest.h"
#include "kprint.h"
#include "kstring.h"
#include "x86_hal.h"

#define MAX_REGIONS 8u
#define QUEUE_PROBE 64u /* more flushes than any queue holds: the HAL must say busy */

/* The completions seen, in order. */
struct done_log {
    uint32_t count, out_of_order, failed;
    uint32_t next_id;
};

static void record(void *ctx, uint32_t request_id, int status)
{
    struct done_log *log = ctx;
    log->out_of_order += request_id != log->next_id;
    log->failed += status != HAL_OK;
    log->next_id = request_id + 1;
    log->count++;
}

/* Deliver completions until `want` came, halting between polls as the
 * main loop does (the disk's interrupt or the clock tick wakes the CPU;
 * the driver's deadlines bound each request). */
static void wait_for(struct done_log *log, uint32_t want)
{
    for (;;) {
        cpu_disable_interrupts();
        x86_hal_deliver_disk_to(record, log);
        if (log->count >= want) {
            cpu_enable_interrupts();
            return;
        }
        cpu_wait_for_interrupt();
    }
}

struct layout {
    uint32_t n;
    uint64_t lba[MAX_REGIONS];
    uint32_t count[MAX_REGIONS];
    uint8_t *at[MAX_REGIONS];
};

/* Each region its own place in the buffer: every request is queued at once. */
static void layout_regions(struct layout *l, uint64_t sectors, uint8_t *buffer)
{
    uint32_t pos = 0, offset;
    l->n = disk_selftest_region_count();
    for (uint32_t r = 0; r < l->n; r++) {
        disk_selftest_region(r, sectors, &l->lba[r], &l->count[r], &offset);
        l->at[r] = buffer + pos + offset;
        pos += (l->count[r] * ATA_SECTOR_BYTES + offset + ATA_SECTOR_BYTES - 1) / ATA_SECTOR_BYTES *
               ATA_SECTOR_BYTES;
    }
}

/* Queue writes of every region (the last one FUA, after a flush); the
 * number of requests queued, or 0 if the HAL refused one. */
static uint32_t submit_writes(const struct hal *hal, const struct layout *l, uint64_t seed, uint32_t id)
{
    uint32_t first = id;
    for (uint32_t r = 0; r < l->n; r++) {
        for (uint32_t s = 0; s < l->count[r]; s++)
            disk_selftest_pattern(l->at[r] + s * ATA_SECTOR_BYTES, seed, l->lba[r] + s);
        bool last = r + 1 == l->n;
        if (last && hal->disk->submit(hal->ctx, id++, HAL_DISK_FLUSH, 0, 0, NULL) != HAL_OK)
            return 0;
        enum hal_disk_op op = last ? HAL_DISK_WRITE_FUA : HAL_DISK_WRITE;
        if (hal->disk->submit(hal->ctx, id++, op, l->lba[r], l->count[r], l->at[r]) != HAL_OK)
            return 0;
    }
    return id - first;
}

/* Read every region back; the number that differ from SEED's pattern. */
static uint32_t read_back(const struct hal *hal, const struct layout *l, uint64_t seed, struct done_log *log)
{
    for (uint32_t r = 0; r < l->n; r++) {
        memset(l->at[r], 0, l->count[r] * ATA_SECTOR_BYTES);
        if (hal->disk->submit(hal->ctx, log->next_id + r, HAL_DISK_READ, l->lba[r], l->count[r], l->at[r]) !=
            HAL_OK)
            return l->n;
    }
    wait_for(log, log->count + l->n);
    uint32_t differ = 0;
    uint8_t expected[ATA_SECTOR_BYTES];
    for (uint32_t r = 0; r < l->n; r++) {
        bool same = true;
        for (uint32_t s = 0; s < l->count[r]; s++) {
            disk_selftest_pattern(expected, seed, l->lba[r] + s);
            same &= memcmp(expected, l->at[r] + s * ATA_SECTOR_BYTES, ATA_SECTOR_BYTES) == 0;
        }
        differ += !same;
    }
    return differ;
}

/* Bad requests refused, and the queue's bound; true when all is right. */
static bool refusals(const struct hal *hal, uint64_t sectors, uint8_t *buffer, struct done_log *log)
{
    const struct hal_disk_ops *d = hal->disk;
    bool invalid = d->submit(hal->ctx, 900, HAL_DISK_FLUSH, 0, 1, NULL) == HAL_ERR_INVALID &&
                   d->submit(hal->ctx, 901, HAL_DISK_WRITE, sectors, 1, buffer) == HAL_ERR_INVALID &&
                   d->submit(hal->ctx, 902, (enum hal_disk_op)7, 0, 1, buffer) == HAL_ERR_INVALID;
    uint32_t accepted = 0;
    int rc = HAL_OK;
    while (accepted < QUEUE_PROBE &&
           (rc = d->submit(hal->ctx, log->next_id + accepted, HAL_DISK_FLUSH, 0, 0, NULL)) == HAL_OK)
        accepted++;
    wait_for(log, log->count + accepted);
    kprintf("cumulonimbus: selftest disk-flush: bad requests %s, %u flushes queued, then %s\n",
            invalid ? "refused" : "ACCEPTED", accepted, rc == HAL_ERR_BUSY ? "busy" : "NOT BUSY");
    return invalid && rc == HAL_ERR_BUSY && accepted > 0 && accepted < QUEUE_PROBE;
}

uint8_t disk_flush_selftest(uint64_t seed, uint64_t sectors, uint8_t *buffer)
{
    struct hal hal;
    x86_hal_get(&hal);
    struct layout l;
    layout_regions(&l, sectors, buffer);
    struct done_log log = {0, 0, 0, 0};
    uint32_t queued = submit_writes(&hal, &l, seed, 0);
    wait_for(&log, queued);
    uint32_t differ = queued != 0 ? read_back(&hal, &l, seed, &log) : l.n;
    bool refused = refusals(&hal, sectors, buffer, &log);
    kprintf("cumulonimbus: selftest disk-flush: seed %llu, mode %s, %u of %u regions ok, %u requests, "
            "%u out of order, %u failed\n",
            (unsigned long long)seed, ata_mode_name(), l.n - differ, l.n, log.count, log.out_of_order,
            log.failed);
    return queued != 0 && differ == 0 && refused && log.out_of_order == 0 && log.failed == 0 ? 0 : 1;
}
