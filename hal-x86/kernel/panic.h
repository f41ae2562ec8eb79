/*
 * panic.h - the end of the line: a message, the registers and a backtrace
 * on serial and screen, then isa-debug-exit status PANIC_EXIT_STATUS (so
 * a test under QEMU ends) or, without that device, a halt.
 */
#ifndef HAL_X86_PANIC_H
#define HAL_X86_PANIC_H

#include "idt.h"

#define PANIC_EXIT_STATUS 3

/* A CPU exception (from interrupt_dispatch). */
_Noreturn void panic_exception(const struct interrupt_frame *f);

/* The platform found itself in a state it cannot go on from. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
