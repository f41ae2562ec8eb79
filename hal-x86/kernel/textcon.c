/* textcon.c - see textcon.h. */
#include "textcon.h"

#include "kstring.h"

#define TAB_COLUMNS 8u

/* What `shown` holds before anything is drawn: no written cell has byte 0,
 * so every cell differs from it. */
static const struct text_cell never_drawn = {0, 0};

static struct text_cell blank(uint8_t attr)
{
    return (struct text_cell){' ', attr};
}

void textcon_init(struct textcon *t, struct text_cell *want, struct text_cell *shown, uint32_t cols,
                  uint32_t rows, uint32_t top, uint8_t attr, textcon_draw_fn draw, void *draw_ctx)
{
    *t = (struct textcon){want, shown, cols, rows, top, 0, top, attr, draw, draw_ctx};
    for (uint32_t i = 0; i < cols * rows; i++) {
        want[i] = blank(attr);
        shown[i] = never_drawn;
    }
}

/* Move the console rows up by one and blank the last. */
static void scroll_up(struct textcon *t)
{
    struct text_cell *first = t->want + (size_t)t->top * t->cols;
    size_t moved = (size_t)(t->rows - t->top - 1) * t->cols;
    memmove(first, first + t->cols, moved * sizeof *first);
    for (uint32_t c = 0; c < t->cols; c++)
        first[moved + c] = blank(t->attr);
}

static void new_line(struct textcon *t)
{
    t->col = 0;
    if (t->row + 1 < t->rows)
        t->row++;
    else
        scroll_up(t);
}

static void put_byte(struct textcon *t, uint8_t ch)
{
    if (t->col >= t->cols)
        new_line(t);
    t->want[(size_t)t->row * t->cols + t->col] = (struct text_cell){ch, t->attr};
    t->col++;
}

static void tab(struct textcon *t)
{
    if (t->col >= t->cols)
        new_line(t);
    uint32_t stop = (t->col / TAB_COLUMNS + 1) * TAB_COLUMNS;
    if (stop > t->cols)
        stop = t->cols;
    while (t->col < stop)
        put_byte(t, ' ');
}

void textcon_write(struct textcon *t, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = (uint8_t)text[i];
        if (ch == '\n')
            new_line(t);
        else if (ch == '\r')
            t->col = 0;
        else if (ch == '\b')
            t->col -= t->col > 0;
        else if (ch == '\t')
            tab(t);
        else if (ch >= 0x20 && ch != 0x7F)
            put_byte(t, ch);
    }
}

void textcon_set_row(struct textcon *t, uint32_t row, const char *text, uint8_t attr)
{
    if (row >= t->rows)
        return;
    struct text_cell *cells = t->want + (size_t)row * t->cols;
    uint32_t c = 0;
    for (; c < t->cols && text[c] != '\0'; c++)
        cells[c] = (struct text_cell){(uint8_t)text[c], attr};
    for (; c < t->cols; c++)
        cells[c] = blank(attr);
}

void textcon_flush(struct textcon *t)
{
    size_t cursor = t->col < t->cols ? (size_t)t->row * t->cols + t->col : (size_t)-1;
    for (size_t i = 0; i < (size_t)t->cols * t->rows; i++) {
        struct text_cell c = t->want[i];
        if (i == cursor)
            c.attr = (uint8_t)(c.attr << 4 | c.attr >> 4);
        if (c.ch != t->shown[i].ch || c.attr != t->shown[i].attr) {
            t->draw(t->draw_ctx, (uint32_t)(i % t->cols), (uint32_t)(i / t->cols), c);
            t->shown[i] = c;
        }
    }
}
