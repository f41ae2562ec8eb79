/*
 * disk_flush_selftest.h - selftest=disk-flush:SEED (disk_selftest.h):
 * the disk through the HAL (x86_hal.c's request queue), not the driver
 * directly. It queues, all at once, plain writes of SEED's pattern to the
 * first five disk-write regions, a flush, and a FUA write of the sixth;
 * they must complete in order and without error. Then it reads the
 * regions back through the HAL and compares, and checks that the HAL
 * refuses a flush with sectors, a write past the end and an unknown
 * request kind (HAL_ERR_INVALID), and a request past the queue's bound
 * (HAL_ERR_BUSY). A later boot's disk-verify:SEED finds the data.
 */
#ifndef HAL_X86_DISK_FLUSH_SELFTEST_H
#define HAL_X86_DISK_FLUSH_SELFTEST_H

#include <stdint.h>

/* Run it on a disk of `sectors` with a 1 MiB (and a byte) buffer; the
 * exit status: 0 passed, 1 failed (it says why). */
uint8_t disk_flush_selftest(uint64_t seed, uint64_t sectors, uint8_t *buffer);

#endif
