/* fbcon.c - see fbcon.h. Writes pixels only, never reads them back:
 * framebuffer memory is slow to read on real hardware. */
#include "fbcon.h"

#include <stddef.h>

#include "font.h"

#define FBCON_BYTES_PER_PIXEL 4u

/* The VGA text mode colours, 0x00RRGGBB. */
const uint32_t fbcon_palette[16] = {
    0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
    0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

int fbcon_init(struct fbcon *fb, void *base, uint32_t pitch, uint32_t width, uint32_t height, uint32_t bpp)
{
    if (base == NULL || bpp != 32 || width == 0 || (uint64_t)width * FBCON_BYTES_PER_PIXEL > pitch)
        return -1;
    if (width < FONT_WIDTH || height < FONT_HEIGHT)
        return -1;
    fb->base = base;
    fb->pitch = pitch;
    fb->width = width;
    fb->height = height;
    fb->cols = width / FONT_WIDTH;
    fb->rows = height / FONT_HEIGHT;
    return 0;
}

void fbcon_draw_cell(const struct fbcon *fb, uint32_t col, uint32_t row, uint8_t ch, uint8_t attr)
{
    if (col >= fb->cols || row >= fb->rows)
        return;
    const uint8_t *glyph = font_glyphs[ch];
    uint32_t fg = fbcon_palette[attr & 15u], bg = fbcon_palette[attr >> 4];
    uint8_t *line = fb->base + (uint64_t)row * FONT_HEIGHT * fb->pitch + (uint64_t)col * FONT_WIDTH * FBCON_BYTES_PER_PIXEL;
    for (uint32_t y = 0; y < FONT_HEIGHT; y++, line += fb->pitch) {
        uint32_t *px = (uint32_t *)(void *)line;
        uint8_t bits = glyph[y];
        for (uint32_t x = 0; x < FONT_WIDTH; x++)
            px[x] = (bits & (0x80u >> x)) ? fg : bg;
    }
}
