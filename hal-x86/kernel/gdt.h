/*
 * gdt.h - the segment selectors of the GDT that boot.S builds. Long mode
 * ignores segment bases and limits; the GDT exists for the code segment's
 * 64-bit flag and for the TSS (tss.c). Included by assembly too.
 */
#ifndef HAL_X86_GDT_H
#define HAL_X86_GDT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS 0x18 /* a 16-byte descriptor: slots 3 and 4 */
#define GDT_ENTRIES 5

#endif
