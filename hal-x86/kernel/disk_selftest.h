/*
 * disk_selftest.h - the disk's self tests (selftest=NAME, node_selftest.h),
 * through ata.h, waiting for each request as the main loop does: halted
 * until an interrupt (the disk's, by DMA) or the clock tick.
 *   disk             write a pattern to the last 8 sectors, read it back,
 *                    compare, restore them; refuse requests past the end
 *   disk-write:SEED  write a pattern made from SEED (0..2^32-1) to a fixed
 *                    set of regions (1 to 300 sectors, one buffer at an odd
 *                    address, the last sectors of the disk)
 *   disk-verify:SEED read those regions and compare with SEED's pattern:
 *                    what an earlier boot's disk-write (or disk-flush) left
 *   disk-flush:SEED  the same regions through the HAL's queue with plain
 *                    writes, a flush and a FUA write (disk_flush_selftest.h)
 *   disk-bench:MIB   write then read MIB MiB (1..256) in 1 MiB requests
 *                    from sector 0 and print the rates in MiB/s
 * Each returns the exit status: 0 passed, 1 failed (it says why).
 */
#ifndef HAL_X86_DISK_SELFTEST_H
#define HAL_X86_DISK_SELFTEST_H

#include <stdbool.h>
#include <stdint.h>

/* Whether `name` is one of the tests above, with a valid argument. */
bool disk_selftest_known(const char *name);

/* Run it (it must be known); the exit status. */
uint8_t disk_selftest_run(const char *name);

/* The regions of disk-write and disk-verify: region i's first sector on a
 * disk of `sectors`, its length and its byte offset into a buffer (1: an
 * odd address). */
uint32_t disk_selftest_region_count(void);
void disk_selftest_region(uint32_t i, uint64_t sectors, uint64_t *lba, uint32_t *count, uint32_t *offset);

/* SEED's pattern for sector `lba` (ATA_SECTOR_BYTES at p): no two sectors
 * or seeds alike. */
void disk_selftest_pattern(uint8_t *p, uint64_t seed, uint64_t lba);

#endif
