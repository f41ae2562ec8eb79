/*
 * cp437.h - the character set of the x86 screen: IBM code page 437, the
 * one the VGA text mode's built-in font draws. The framebuffer font is
 * arranged in the same order, so a byte looks the same in both modes
 * (0xC4 a horizontal line, 0xDB a full block, 0xB0 a light shade).
 */
#ifndef HAL_X86_FONT_CP437_H
#define HAL_X86_FONT_CP437_H

#include <stdint.h>

/* The Unicode code point each byte stands for. Byte 0 is a blank. */
extern const uint16_t cp437_unicode[256];

#endif
