/*
 * ata_regs.h - the primary ATA channel's task-file ports and status bits,
 * shared by the PIO driver (ata.c) and the bus-master DMA engine
 * (ata_dma.c). Only those two files include it.
 */
#ifndef HAL_X86_ATA_REGS_H
#define HAL_X86_ATA_REGS_H

#define ATA_IO 0x1F0u
#define ATA_REG_DATA (ATA_IO + 0)
#define ATA_REG_COUNT (ATA_IO + 2)
#define ATA_REG_LBA0 (ATA_IO + 3)
#define ATA_REG_LBA1 (ATA_IO + 4)
#define ATA_REG_LBA2 (ATA_IO + 5)
#define ATA_REG_DRIVE (ATA_IO + 6)
#define ATA_REG_STATUS (ATA_IO + 7)  /* read: also clears the drive's INTRQ */
#define ATA_REG_COMMAND (ATA_IO + 7) /* write */
#define ATA_REG_CONTROL 0x3F6u       /* write: device control; read: alternate status */

/* The primary channel's interrupt in compatibility (legacy) mode. */
#define ATA_IRQ_LINE 14u

#define ATA_SR_ERR 0x01u
#define ATA_SR_DRQ 0x08u
#define ATA_SR_DF 0x20u
#define ATA_SR_DRDY 0x40u
#define ATA_SR_BSY 0x80u
#define ATA_SR_FLOATING 0xFFu /* no controller drives the bus */

#define ATA_CONTROL_NIEN 0x02u
#define ATA_CONTROL_SRST 0x04u

#endif
