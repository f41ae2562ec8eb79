/*
 * pic.h - the two 8259 interrupt controllers: remapped to vectors 32..47
 * with every line masked until irq_install (irq.h) unmasks it.
 */
#ifndef HAL_X86_PIC_H
#define HAL_X86_PIC_H

#include <stdint.h>

void pic_init(void);

/* Legacy line `line` raised its vector: run its handlers, acknowledge. */
void pic_dispatch(uint8_t line);

/* How many device interrupts have been handled: the main loop compares
 * two readings to learn whether any arrived in between. */
uint64_t pic_interrupt_count(void);

#endif
