/*
 * ata.h - an ATA disk on the primary IDE channel (ports 0x1F0/0x3F6),
 * LBA28/LBA48, PIO. Requests run to completion before the call returns;
 * the platform reports completion to the core afterwards (hal_disk.h).
 */
#ifndef HAL_X86_ATA_H
#define HAL_X86_ATA_H

#include <stdbool.h>
#include <stdint.h>

#define ATA_SECTOR_BYTES 512u

/* Find and identify the master drive. False when there is none. */
bool ata_probe(void);
uint64_t ata_sector_count(void); /* 0 without a drive */

/* 0, or -1 on a device error or a request past the end of the disk. */
int ata_read(uint64_t lba, uint32_t count, void *buf);
int ata_write(uint64_t lba, uint32_t count, const void *buf);

#endif
