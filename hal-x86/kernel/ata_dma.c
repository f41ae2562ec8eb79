/*
 * ata_dma.c - see ata_dma.h.
 *
 * The primary channel's bus-master registers are the first 8 of the 16
 * I/O ports BAR4 names: command (start bit, direction), status (active,
 * error, interrupt; the last two are write-one-to-clear) and the PRD
 * table's physical address. A PRD entry describes one piece of memory
 * that does not cross a 64 KiB boundary (a byte count of 0 means 64 KiB);
 * the last entry carries end-of-table. The table lives in a page of its
 * own, so it is aligned and within one 64 KiB block as the controller
 * requires.
 */
#include "ata_dma.h"

#include "ata_regs.h"
#include "io.h"
#include "irq.h"
#include "kprint.h"
#include "pages.h"
#include "pci.h"

#define PCI_CLASS_STORAGE 0x01u
#define PCI_SUBCLASS_IDE 0x01u
#define IDE_PROGIF_PRIMARY_NATIVE 0x01u /* clear: primary at 0x1F0/0x3F6, IRQ 14 */
#define IDE_PROGIF_BUS_MASTER 0x80u
#define IDE_BAR_BUS_MASTER 4u

#define BM_REG_COMMAND 0u
#define BM_REG_STATUS 2u
#define BM_REG_PRD 4u

#define BM_CMD_START 0x01u
#define BM_CMD_TO_MEMORY 0x08u /* the controller writes memory: a drive read */

#define BM_ST_ACTIVE 0x01u
#define BM_ST_ERROR 0x02u
#define BM_ST_INTERRUPT 0x04u

#define PRD_BOUNDARY 0x10000u /* 64 KiB: no piece may cross one */
#define PRD_END_OF_TABLE 0x80000000u
#define DMA_ADDRESS_LIMIT 0x100000000ull

/* ATA_DMA_MAX_BYTES anywhere touches at most one 64 KiB block more than it fills. */
_Static_assert(ATA_DMA_MAX_BYTES / PRD_BOUNDARY + 1 <= PAGE_BYTES / 8, "the PRD table holds any transfer");

struct prd {
    uint32_t address;
    uint32_t bytes_flags; /* byte count in bits 15:0 (0 = 64 KiB), end-of-table in bit 31 */
};
_Static_assert(sizeof(struct prd) == 8, "a PRD entry is two dwords");

static struct {
    uint16_t base; /* 0: no controller */
    struct prd *prd;
    volatile uint64_t interrupts;
} bm;

static void find_ide(const struct pci_device *d, void *arg)
{
    struct pci_device *found = arg;
    if (found->vendor_id == 0 && d->class_code == PCI_CLASS_STORAGE && d->subclass == PCI_SUBCLASS_IDE &&
        (d->prog_if & IDE_PROGIF_BUS_MASTER) && !(d->prog_if & IDE_PROGIF_PRIMARY_NATIVE))
        *found = *d;
}

/* The drive's interrupt: reading its status register lowers INTRQ, so the
 * next completion makes a new edge. ata.c's poll reads the outcome. */
static void on_interrupt(void *arg)
{
    (void)arg;
    bm.interrupts++;
    if (inb((uint16_t)(bm.base + BM_REG_STATUS)) & BM_ST_INTERRUPT)
        (void)inb(ATA_REG_STATUS);
}

bool ata_dma_probe(void)
{
    struct pci_device d = {0};
    pci_scan(find_ide, &d);
    if (d.vendor_id == 0 || !pci_bar_is_io(&d, IDE_BAR_BUS_MASTER))
        return false;
    uint16_t port = (uint16_t)pci_bar_address(&d, IDE_BAR_BUS_MASTER);
    if (port == 0)
        return false;
    bm.prd = bm.prd != NULL ? bm.prd : pages_alloc(1);
    if (bm.prd == NULL || (uint64_t)(uintptr_t)bm.prd >= DMA_ADDRESS_LIMIT)
        return false;
    pci_enable_device(&d);
    bm.base = port;
    ata_dma_stop();
    bool irq = irq_install(ATA_IRQ_LINE, on_interrupt, NULL) == 0;
    kprintf("cumulonimbus: ata: bus-master IDE %04x:%04x at %02x:%02x.%x, io 0x%x, irq %d%s\n", d.vendor_id,
            d.device_id, d.bus, d.slot, d.function, bm.base, irq ? (int)ATA_IRQ_LINE : -1,
            irq ? "" : " (polling only)");
    return true;
}

bool ata_dma_buffer_usable(const void *buf, uint64_t bytes)
{
    uint64_t address = (uint64_t)(uintptr_t)buf;
    return bm.base != 0 && bytes > 0 && bytes % 2 == 0 && address % 2 == 0 && address < DMA_ADDRESS_LIMIT &&
           bytes <= DMA_ADDRESS_LIMIT - address;
}

void ata_dma_prepare(void *buf, uint32_t bytes, bool to_memory)
{
    uint64_t address = (uint64_t)(uintptr_t)buf;
    uint32_t n = 0;
    while (bytes > 0) {
        uint64_t room = PRD_BOUNDARY - address % PRD_BOUNDARY;
        uint32_t piece = bytes < room ? bytes : (uint32_t)room;
        bm.prd[n++] = (struct prd){(uint32_t)address, piece & 0xFFFFu};
        address += piece;
        bytes -= piece;
    }
    bm.prd[n - 1].bytes_flags |= PRD_END_OF_TABLE;
    __asm__ volatile("" ::: "memory"); /* the table is in memory before the controller reads it */
    ata_dma_stop();
    outl((uint16_t)(bm.base + BM_REG_PRD), (uint32_t)(uintptr_t)bm.prd);
    outb((uint16_t)(bm.base + BM_REG_COMMAND), to_memory ? BM_CMD_TO_MEMORY : 0);
}

void ata_dma_start(void)
{
    uint16_t port = (uint16_t)(bm.base + BM_REG_COMMAND);
    outb(port, (uint8_t)(inb(port) | BM_CMD_START));
}

enum ata_dma_state ata_dma_poll(void)
{
    uint8_t status = inb((uint16_t)(bm.base + BM_REG_STATUS));
    if (status & BM_ST_ERROR)
        return ATA_DMA_FAILED;
    return (status & BM_ST_INTERRUPT) ? ATA_DMA_DONE : ATA_DMA_RUNNING;
}

void ata_dma_stop(void)
{
    uint16_t command = (uint16_t)(bm.base + BM_REG_COMMAND);
    uint16_t status = (uint16_t)(bm.base + BM_REG_STATUS);
    outb(command, (uint8_t)(inb(command) & ~BM_CMD_START));
    outb(status, (uint8_t)(inb(status) | BM_ST_ERROR | BM_ST_INTERRUPT));
}

uint64_t ata_dma_interrupts(void)
{
    return bm.interrupts;
}
