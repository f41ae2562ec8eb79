/*
 * hal_console.h - the node's console (serial port, screen, or the
 * simulator's output and trace).
 *
 * write emits `len` bytes of text written by process `pid` (0 for the
 * kernel itself). The bytes need not end in a newline and are not
 * NUL-terminated; the platform copies them before returning. It cannot fail:
 * a platform with nowhere to put the text drops it.
 *
 * Console input, where a platform has it, arrives through
 * kernel_on_console_input.
 */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include "hal_types.h"

struct hal_console_ops {
    void (*write)(void *ctx, uint32_t pid, const char *text, uint32_t len);
};

#endif
