/* serial.h - the 16550 UART on COM1 (0x3F8), 115200 8N1: the kernel
 * console's output, and the command line's input (by interrupt, IRQ 4,
 * into a ring buffer the main loop drains). */
#ifndef HAL_X86_SERIAL_H
#define HAL_X86_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void);
void serial_write(const char *text, size_t len); /* "\n" goes out as "\r\n" */
void serial_enable_input(void);                  /* after the IDT is up */
/* One received byte, or -1 when none is waiting. */
int serial_read_char(void);

#endif
