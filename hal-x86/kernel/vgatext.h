/*
 * vgatext.h - VGA text mode, 80x25 cells of (byte, colours) at 0xB8000:
 * the screen when the boot loader set no graphics mode.
 */
#ifndef HAL_X86_VGATEXT_H
#define HAL_X86_VGATEXT_H

#include <stdint.h>

#include "textcon.h"

#define VGATEXT_COLS 80u
#define VGATEXT_ROWS 25u

/* Set the VGA to 80x25 text mode with the screen's font and colours, the
 * hardware cursor hidden (the console draws its own, textcon.h). */
void vgatext_init(void);

/* A textcon_draw_fn; `ctx` is unused. */
void vgatext_draw_cell(void *ctx, uint32_t col, uint32_t row, struct text_cell cell);

#endif
