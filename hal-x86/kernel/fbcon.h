/*
 * fbcon.h - text cells drawn into a linear framebuffer of 32-bit pixels
 * (0x00RRGGBB) with the 8x16 font (font.h). Pure drawing: no hardware
 * access beyond the pixel memory it is given, so host tests draw into an
 * ordinary buffer.
 *
 * Only whole cells are drawn: cols = width / 8, rows = height / 16; a cell
 * outside that grid is ignored, and no pixel outside width x height (nor
 * the padding at the end of each row) is ever written.
 */
#ifndef HAL_X86_FBCON_H
#define HAL_X86_FBCON_H

#include <stdint.h>

struct fbcon {
    uint8_t *base;          /* the top-left pixel */
    uint32_t pitch;         /* bytes from one pixel row to the next */
    uint32_t width, height; /* pixels */
    uint32_t cols, rows;    /* whole cells that fit */
};

/* The 16 text colours, as VGA text mode numbers them (attribute nibbles). */
extern const uint32_t fbcon_palette[16];

/* 0, or -1 when the description is unusable: not 32 bits per pixel, a
 * pitch shorter than a row, or too small for one cell. */
int fbcon_init(struct fbcon *fb, void *base, uint32_t pitch, uint32_t width, uint32_t height, uint32_t bpp);

/* Draw byte `ch` at (col, row): foreground colour attr & 15, background
 * attr >> 4, as in VGA text mode. */
void fbcon_draw_cell(const struct fbcon *fb, uint32_t col, uint32_t row, uint8_t ch, uint8_t attr);

#endif
