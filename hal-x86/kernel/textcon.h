/*
 * textcon.h - a grid of text cells with a scrolling console in its lower
 * part: what screen.c shows, kept apart from how it is drawn (fbcon.h or
 * vgatext.h) so host tests can run it.
 *
 * Rows 0 .. top-1 are fixed (the status panel); rows top .. rows-1 scroll.
 * Writes change only the wanted cells; textcon_flush hands the cells that
 * differ from what was last drawn to the draw function, so scrolling is a
 * memmove of cells and redraws only what changed. A block cursor (the
 * cell's colours swapped) marks where the console writes next.
 */
#ifndef HAL_X86_TEXTCON_H
#define HAL_X86_TEXTCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text_cell {
    uint8_t ch;   /* a code page 437 byte */
    uint8_t attr; /* VGA colours: foreground low nibble, background high */
};

typedef void (*textcon_draw_fn)(void *ctx, uint32_t col, uint32_t row, struct text_cell cell);

struct textcon {
    struct text_cell *want, *shown; /* cols * rows each, row by row */
    uint32_t cols, rows, top;
    uint32_t col, row; /* the console's cursor; col == cols: wrap before the next byte */
    uint8_t attr;      /* the console's colours */
    textcon_draw_fn draw;
    void *draw_ctx;
};

/* `want` and `shown` hold cols * rows cells each; top < rows. Everything
 * is drawn (blank) at the first flush. */
void textcon_init(struct textcon *t, struct text_cell *want, struct text_cell *shown, uint32_t cols,
                  uint32_t rows, uint32_t top, uint8_t attr, textcon_draw_fn draw, void *draw_ctx);

/* Append to the console: '\n' starts a new line, '\r' returns to its
 * start, '\b' steps back, '\t' advances to the next multiple of 8; other
 * control bytes are ignored. Long lines wrap; the last row scrolls up. */
void textcon_write(struct textcon *t, const char *text, size_t len);

/* Replace fixed or console row `row` with `text` (up to its first NUL or
 * the row's width), padded with blanks, in colours `attr`. */
void textcon_set_row(struct textcon *t, uint32_t row, const char *text, uint8_t attr);

/* Draw every cell that differs from what was last drawn. */
void textcon_flush(struct textcon *t);

#endif
