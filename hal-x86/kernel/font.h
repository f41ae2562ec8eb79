/*
 * font.h - the screen's bitmap font: one 8x16 glyph per byte of code page
 * 437 (the VGA text mode's character set, so both modes draw a byte alike).
 * Generated at build time from a PSF console font by hal-x86/font/psf2c.
 * Each glyph is 16 rows, top first; a row's high bit is its leftmost pixel.
 */
#ifndef HAL_X86_FONT_H
#define HAL_X86_FONT_H

#include <stdint.h>

#define FONT_WIDTH 8u
#define FONT_HEIGHT 16u
#define FONT_GLYPHS 256u

extern const uint8_t font_glyphs[FONT_GLYPHS][FONT_HEIGHT];

#endif
