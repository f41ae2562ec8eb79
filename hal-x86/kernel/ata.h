/*
 * ata.h - an ATA disk on the primary IDE channel (ports 0x1F0/0x3F6),
 * LBA28/LBA48, by bus-master DMA (ata_dma.h) when the controller and the
 * drive offer it, else by polled PIO.
 *
 * One request at a time. ata_start begins it and ata_poll, called until
 * it stops saying ATA_BUSY, moves it on and reports its end; by DMA a
 * request runs while the caller does other work (the channel's interrupt,
 * IRQ 14, ends a halt), by PIO ata_start does all the work itself.
 */
#ifndef HAL_X86_ATA_H
#define HAL_X86_ATA_H

#include <stdbool.h>
#include <stdint.h>

#define ATA_SECTOR_BYTES 512u
#define ATA_BUSY 1 /* ata_poll: the request is still running */

/* What a request does. A write ends when the drive has the data, maybe
 * only in its volatile cache; ATA_WRITE_FUA is a write followed by FLUSH
 * CACHE (not WRITE DMA FUA EXT, which LBA28 drives and PIO lack), so it
 * ends once the data is on the medium; ATA_FLUSH is FLUSH CACHE EXT
 * (0xEA) on an LBA48 drive, FLUSH CACHE (0xE7) otherwise, and ends once
 * every earlier write is on the medium. */
enum ata_op {
    ATA_READ,
    ATA_WRITE,
    ATA_WRITE_FUA,
    ATA_FLUSH,
};

/* Find and identify the master drive; use DMA if `dma` and the drive and
 * a bus-master controller allow it. False when there is no drive. */
bool ata_probe(bool dma);
uint64_t ata_sector_count(void); /* 0 without a drive */
const char *ata_mode_name(void); /* "dma", "pio", or "none" without a drive */

/* Begin moving `count` sectors at `lba` to (writes) or from `buf`, which
 * must stay valid until ata_poll ends the request; a flush takes count 0
 * and no buffer. 0, or -1 (nothing started) for a request past the end of
 * the disk, an empty read or write, a flush with sectors, or one while
 * another is running. */
int ata_start(uint64_t lba, uint32_t count, void *buf, enum ata_op op);

/* ATA_BUSY; then, once, 0 when the request is done, or -1 on a device or
 * controller error or a step that took longer than the driver's timeout
 * (the channel is reset). -1 also when no request was started. */
int ata_poll(void);

#endif
