/*
 * cmos_nvram.h - the HAL's NVRAM words (hal/hal_nvram.h) kept in the PC's
 * CMOS RAM, behind the real-time clock's index and data ports. CMOS
 * survives a reset of the machine (a reboot; on a real PC also a power
 * cycle, on its battery) but not a new QEMU process: every `nimbus boot`
 * starts its nodes with an empty CMOS (docs/x86.md, "What survives what").
 *
 * The words take CMOS_NVRAM_BYTES bytes from CMOS_NVRAM_BASE, a range
 * neither QEMU's PC, qboot nor SeaBIOS use: a mark, the words (little
 * endian) and a checksum. Bytes without the mark or with a wrong
 * checksum (a first boot, or CMOS written by something else) read as
 * zero words, as hal_nvram.h promises for a node that never wrote one.
 */
#ifndef HAL_X86_CMOS_NVRAM_H
#define HAL_X86_CMOS_NVRAM_H

#include <stdint.h>

#define CMOS_NVRAM_BASE 0x40u
#define CMOS_NVRAM_MARK 0xC7u
#define CMOS_NVRAM_BYTES (2u + 4u * 2u) /* mark, HAL_NVRAM_WORDS words, checksum */

/* Word `word` (enum hal_nvram_word); 0 when it was never written. */
uint32_t cmos_nvram_read(uint32_t word);
/* Set word `word`; the CMOS holds it when this returns. */
void cmos_nvram_write(uint32_t word, uint32_t value);

#endif
