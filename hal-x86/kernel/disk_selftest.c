/* disk_selftest.c - see disk_selftest.h. */
#include "disk_selftest.h"

#include "ata.h"
#include "ata_dma.h"
#include "disk_flush_selftest.h"
#include "clock.h"
#include "cpu.h"
#include "kprint.h"
#include "kstring.h"
#include "pages.h"
#include "shell_parse.h"

#define ROUNDTRIP_SECTORS 8u
#define BUFFER_SECTORS 2048u /* 1 MiB: the largest request here */
#define BUFFER_PAGES (BUFFER_SECTORS * ATA_SECTOR_BYTES / PAGE_BYTES)
#define MIN_SECTORS 8192u /* 4 MiB: room for the regions below, apart */
#define BENCH_MIB_MAX 256u
#define SEED_MAX 0xFFFFFFFFu
#define FROM_END 0x8000000000000000ull /* a region's lba counted back from the end */

/* The regions disk-write fills and disk-verify checks: single and
 * multi-sector requests, one of more than 64 KiB and 256 sectors (two
 * commands, PRD pieces split at 64 KiB), one from an odd address (PIO
 * even in DMA mode), and the disk's last sectors (LBA48 commands on a
 * disk past 128 GiB). */
static const struct region {
    uint64_t lba;
    uint32_t count;
    uint32_t offset; /* bytes into the buffer */
} regions[] = {
    {0, 1, 0}, {1, 7, 0}, {64, 300, 0}, {2048, 256, 0}, {4000, 17, 1}, {FROM_END | 300, 300, 0},
};

static uint8_t *buffer; /* BUFFER_SECTORS, and a byte for the odd offset */

/* The number after `prefix` in `name`, at most `max`; -1 if not so. */
static int64_t number_after(const char *name, const char *prefix, uint32_t max)
{
    size_t n = strlen(prefix);
    uint32_t v;
    if (strncmp(name, prefix, n) != 0 || shell_parse_u32(name + n, max, &v) != SHELL_PARSE_OK)
        return -1;
    return v;
}

bool disk_selftest_known(const char *name)
{
    return strcmp(name, "disk") == 0 || number_after(name, "disk-write:", SEED_MAX) >= 0 ||
           number_after(name, "disk-flush:", SEED_MAX) >= 0 ||
           number_after(name, "disk-verify:", SEED_MAX) >= 0 ||
           number_after(name, "disk-bench:", BENCH_MIB_MAX) > 0;
}

/* One request to its end, halting between polls like the main loop: the
 * disk's interrupt or the clock tick wakes the CPU, and the driver's own
 * deadlines bound the whole. */
static int run(uint64_t lba, uint32_t count, void *buf, bool write)
{
    if (ata_start(lba, count, buf, write ? ATA_WRITE_FUA : ATA_READ) != 0)
        return -1;
    for (;;) {
        cpu_disable_interrupts();
        int rc = ata_poll();
        if (rc != ATA_BUSY) {
            cpu_enable_interrupts();
            return rc;
        }
        cpu_wait_for_interrupt();
    }
}

static void fill(uint8_t *p, uint32_t bytes, uint64_t seed)
{
    for (uint32_t i = 0; i < bytes; i++)
        p[i] = (uint8_t)((seed >> (i % 8 * 8)) + i * 31u);
}

/* Write a pattern that differs on every run to the last sectors, read it
 * back and compare, then put the old contents back. */
static uint8_t roundtrip(uint64_t sectors)
{
    const uint32_t bytes = ROUNDTRIP_SECTORS * ATA_SECTOR_BYTES;
    uint8_t *saved = buffer, *pattern = buffer + bytes, *readback = buffer + 2 * bytes;
    uint64_t lba = sectors - ROUNDTRIP_SECTORS;
    fill(pattern, bytes, clock_now_ns() | 1);
    if (run(lba, ROUNDTRIP_SECTORS, saved, false) != 0 || run(lba, ROUNDTRIP_SECTORS, pattern, true) != 0 ||
        run(lba, ROUNDTRIP_SECTORS, readback, false) != 0) {
        kprintf("cumulonimbus: selftest disk: the drive reported an error at sector %llu\n",
                (unsigned long long)lba);
        return 1;
    }
    bool same = memcmp(pattern, readback, bytes) == 0;
    if (run(lba, ROUNDTRIP_SECTORS, saved, true) != 0)
        kprintf("cumulonimbus: selftest disk: could not restore sectors %llu..%llu\n",
                (unsigned long long)lba, (unsigned long long)sectors - 1);
    kprintf("cumulonimbus: selftest disk: %u sectors at %llu of %llu %s\n", ROUNDTRIP_SECTORS,
            (unsigned long long)lba, (unsigned long long)sectors,
            same ? "read back as written" : "read back DIFFERENT from what was written");
    return same ? 0 : 1;
}

/* Requests that reach past the end must be refused before they start. */
static uint8_t past_end(uint64_t sectors)
{
    bool refused = ata_start(sectors - 1, 2, buffer, ATA_READ) != 0 &&
                   ata_start(sectors, 1, buffer, ATA_WRITE) != 0 &&
                   ata_start(sectors + 1000, 1, buffer, ATA_READ) != 0 && ata_poll() == -1;
    kprintf("cumulonimbus: selftest disk: requests past the end %s\n", refused ? "refused" : "ACCEPTED");
    return refused ? 0 : 1;
}

static uint8_t roundtrip_and_limits(uint64_t sectors)
{
    uint64_t irqs_before = ata_dma_interrupts();
    uint8_t status = roundtrip(sectors) | past_end(sectors);
    kprintf("cumulonimbus: selftest disk: mode %s, %llu disk interrupts\n", ata_mode_name(),
            (unsigned long long)(ata_dma_interrupts() - irqs_before));
    return status;
}

uint32_t disk_selftest_region_count(void)
{
    return sizeof regions / sizeof regions[0];
}

void disk_selftest_region(uint32_t i, uint64_t sectors, uint64_t *lba, uint32_t *count, uint32_t *offset)
{
    const struct region *g = &regions[i];
    *lba = (g->lba & FROM_END) ? sectors - (g->lba & ~FROM_END) : g->lba;
    *count = g->count;
    *offset = g->offset;
}

void disk_selftest_pattern(uint8_t *p, uint64_t seed, uint64_t lba)
{
    uint32_t x = (uint32_t)(seed * 0x9E3779B1u ^ lba * 0x85EBCA6Bu) | 1;
    for (uint32_t i = 0; i < ATA_SECTOR_BYTES; i++) {
        x ^= x << 13; /* xorshift32 */
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
}

/* disk-write (write) or disk-verify: 0 when every region went well. */
static uint8_t regions_run(uint64_t seed, uint64_t sectors, bool write)
{
    const char *name = write ? "disk-write" : "disk-verify";
    uint32_t bad = 0;
    uint8_t expected[ATA_SECTOR_BYTES];
    for (uint32_t r = 0; r < sizeof regions / sizeof regions[0]; r++) {
        uint64_t lba;
        uint32_t count, offset;
        disk_selftest_region(r, sectors, &lba, &count, &offset);
        uint8_t *p = buffer + offset;
        for (uint32_t s = 0; write && s < count; s++)
            disk_selftest_pattern(p + s * ATA_SECTOR_BYTES, seed, lba + s);
        int rc = run(lba, count, p, write);
        uint32_t differ = 0;
        for (uint32_t s = 0; rc == 0 && !write && s < count; s++) {
            disk_selftest_pattern(expected, seed, lba + s);
            differ += memcmp(expected, p + s * ATA_SECTOR_BYTES, ATA_SECTOR_BYTES) != 0;
        }
        kprintf("cumulonimbus: selftest %s: %u sectors at %llu: %s\n", name, count, (unsigned long long)lba,
                rc != 0 ? "ERROR" : differ != 0 ? "DIFFERENT" : "ok");
        bad += rc != 0 || differ != 0;
    }
    kprintf("cumulonimbus: selftest %s: seed %llu, mode %s, %u of %u regions ok\n", name,
            (unsigned long long)seed, ata_mode_name(), (unsigned)(sizeof regions / sizeof regions[0]) - bad,
            (unsigned)(sizeof regions / sizeof regions[0]));
    return bad == 0 ? 0 : 1;
}

/* MiB/s with two decimals from bytes and nanoseconds. */
static void rate_text(char *out, size_t cap, uint64_t bytes, uint64_t ns)
{
    uint64_t us = ns / 1000u;
    uint64_t centi = (bytes * 100000000u / (us != 0 ? us : 1)) >> 20;
    ksnprintf(out, cap, "%llu.%02llu", (unsigned long long)(centi / 100), (unsigned long long)(centi % 100));
}

/* Move `mib` MiB from sector 0 in 1 MiB requests; the time, or 0 on an error. */
static uint64_t bench_pass(uint32_t mib, bool write)
{
    uint64_t start = clock_now_ns();
    for (uint32_t i = 0; i < mib; i++)
        if (run((uint64_t)i * BUFFER_SECTORS, BUFFER_SECTORS, buffer, write) != 0)
            return 0;
    return clock_now_ns() - start;
}

static uint8_t bench(uint32_t mib, uint64_t sectors)
{
    if (sectors < (uint64_t)mib * BUFFER_SECTORS) {
        kprintf("cumulonimbus: selftest disk-bench: the disk is smaller than %u MiB\n", mib);
        return 1;
    }
    fill(buffer, BUFFER_SECTORS * ATA_SECTOR_BYTES, 0x5A5A5A5A5A5A5A5Bull);
    uint64_t write_ns = bench_pass(mib, true);
    uint64_t read_ns = write_ns != 0 ? bench_pass(mib, false) : 0;
    if (read_ns == 0) {
        kprintf("cumulonimbus: selftest disk-bench: the drive reported an error\n");
        return 1;
    }
    char w[24], r[24];
    rate_text(w, sizeof w, (uint64_t)mib << 20, write_ns);
    rate_text(r, sizeof r, (uint64_t)mib << 20, read_ns);
    kprintf("cumulonimbus: selftest disk-bench: mode %s, %u MiB in 1 MiB requests: write %llu ms (%s MiB/s), "
            "read %llu ms (%s MiB/s)\n",
            ata_mode_name(), mib, (unsigned long long)(write_ns / 1000000u), w,
            (unsigned long long)(read_ns / 1000000u), r);
    return 0;
}

uint8_t disk_selftest_run(const char *name)
{
    uint64_t sectors = ata_sector_count();
    if (sectors < MIN_SECTORS) {
        kprintf("cumulonimbus: selftest %s: no disk (or one of %llu sectors)\n", name,
                (unsigned long long)sectors);
        return 1;
    }
    buffer = pages_alloc(BUFFER_PAGES + 1);
    if (buffer == NULL) {
        kprintf("cumulonimbus: selftest %s: no memory for the buffer\n", name);
        return 1;
    }
    int64_t n;
    if ((n = number_after(name, "disk-write:", SEED_MAX)) >= 0)
        return regions_run((uint64_t)n, sectors, true);
    if ((n = number_after(name, "disk-verify:", SEED_MAX)) >= 0)
        return regions_run((uint64_t)n, sectors, false);
    if ((n = number_after(name, "disk-flush:", SEED_MAX)) >= 0)
        return disk_flush_selftest((uint64_t)n, sectors, buffer);
    if ((n = number_after(name, "disk-bench:", BENCH_MIB_MAX)) > 0)
        return bench((uint32_t)n, sectors);
    return roundtrip_and_limits(sectors);
}
