/*
 * irq.h - device interrupts (the legacy 8259 PICs, lines 0..15, remapped
 * to vectors 32..47).
 *
 * A handler runs in interrupt context with interrupts off: it must be
 * short and must not call into the kernel core; it acknowledges its device
 * and leaves a flag or counter for the main loop, which does the work.
 */
#ifndef HAL_X86_IRQ_H
#define HAL_X86_IRQ_H

#include <stdint.h>

#define IRQ_LINES 16u

typedef void (*irq_handler)(void *arg);

/* Install `fn` for legacy line `line` and unmask it. Lines can be shared:
 * up to four handlers per line, all called. 0, or -1 for a bad line or a
 * full line. */
int irq_install(uint8_t line, irq_handler fn, void *arg);

#endif
