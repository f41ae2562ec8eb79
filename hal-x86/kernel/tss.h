/*
 * tss.h - the task state segment. Long mode keeps it only for stack
 * pointers: interrupt stack table entry TSS_IST_EMERGENCY is a separate
 * stack for the exceptions that may come from a broken stack (a double
 * fault after a stack overflow hits the guard page).
 */
#ifndef HAL_X86_TSS_H
#define HAL_X86_TSS_H

#include "gdt.h"

#define TSS_IST_EMERGENCY 1

/* Fill the GDT's TSS slot and load the task register. */
void tss_init(void);

#endif
