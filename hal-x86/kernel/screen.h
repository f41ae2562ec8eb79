/*
 * screen.h - the local screen: a framebuffer console drawn with a bitmap
 * font when the boot loader set a graphics mode (1024x768 or more), VGA
 * text mode (80x25 at 0xB8000) otherwise.
 *
 * The screen has two parts: the status panel at the top (status.h redraws
 * it) and below it a scrolling console that shows what the kernel console
 * shows on serial.
 */
#ifndef HAL_X86_SCREEN_H
#define HAL_X86_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"

#define SCREEN_STATUS_ROWS 8u

void screen_init(const struct boot_framebuffer *fb);

/* Append text to the scrolling console ('\n', '\r', '\b', '\t' handled). */
void screen_write(const char *text, size_t len);

/* Replace status row `row` (0..SCREEN_STATUS_ROWS-1) with `text`, padded
 * with blanks; `highlight` draws it in the title colours. */
void screen_status_row(uint32_t row, const char *text, int highlight);

uint32_t screen_columns(void);
const char *screen_mode(void); /* "framebuffer 1024x768" or "vga text 80x25" */

#endif
