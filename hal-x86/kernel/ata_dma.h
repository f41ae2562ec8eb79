/*
 * ata_dma.h - the bus-master IDE DMA engine of the primary channel
 * ("Programming Interface for Bus Master IDE Controller", SFF-8038i), as
 * the PIIX3/PIIX4 IDE function and its kin provide it. ata.c drives it:
 * prepare, send the READ/WRITE DMA command, start, poll, stop.
 *
 * Buffers are used in place: kernel memory is identity-mapped below
 * 4 GiB (pages.h), so a pointer is the physical address and a contiguous
 * buffer is physically contiguous.
 */
#ifndef HAL_X86_ATA_DMA_H
#define HAL_X86_ATA_DMA_H

#include <stdbool.h>
#include <stdint.h>

enum ata_dma_state {
    ATA_DMA_RUNNING,
    ATA_DMA_DONE,   /* the drive raised its interrupt: read its status */
    ATA_DMA_FAILED, /* the controller's error bit: a PCI bus error */
};

/* Find the IDE controller (PCI class 01h, subclass 01h) with bus-master
 * support and its primary channel at the legacy ports, let it master the
 * bus and take its interrupt line. False when there is none. */
bool ata_dma_probe(void);

/* The most one transfer may move (the PRD table has room for more). */
#define ATA_DMA_MAX_BYTES (16u * 0x10000u)

/* Whether `bytes` at `buf` can be moved by DMA, in transfers of at most
 * ATA_DMA_MAX_BYTES: a controller was found, an even address and length,
 * all of it below 4 GiB. */
bool ata_dma_buffer_usable(const void *buf, uint64_t bytes);

/* Load the PRD table for `bytes` (1..ATA_DMA_MAX_BYTES) at `buf` (usable,
 * see above), set the direction (to_memory: a read from the drive) and
 * clear the status. */
void ata_dma_prepare(void *buf, uint32_t bytes, bool to_memory);

/* Start the engine; call after the DMA command went to the drive. */
void ata_dma_start(void);

/* Where the transfer stands; never waits. */
enum ata_dma_state ata_dma_poll(void);

/* Stop the engine and clear its interrupt and error bits. */
void ata_dma_stop(void);

/* How many times the channel's interrupt line has fired. */
uint64_t ata_dma_interrupts(void);

#endif
