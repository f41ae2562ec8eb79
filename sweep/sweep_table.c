/* sweep_table.c - see sweep_table.h. */
#include "sweep_table.h"

#include <stdlib.h>
#include <string.h>

#include "host/text_buf.h"
#include "host/xalloc.h"

void sweep_table_init(struct sweep_table *t, size_t cols, const char *align)
{
    *t = (struct sweep_table){.cols = cols, .align = align};
}

void sweep_table_add(struct sweep_table *t, const char *text)
{
    size_t n = t->rows * t->cols;
    size_t filled = 0;
    while (filled < n && t->cell[filled] != NULL)
        filled++;
    if (filled == n) {
        t->rows++;
        t->cell = xrealloc(t->cell, t->rows * t->cols * sizeof t->cell[0]);
        memset(t->cell + n, 0, t->cols * sizeof t->cell[0]);
    }
    t->cell[filled] = xstrdup(text);
}

void sweep_table_print(struct sweep_table *t, FILE *f)
{
    size_t *width = xcalloc(t->cols, sizeof width[0]);
    for (size_t i = 0; i < t->rows * t->cols; i++)
        if (t->cell[i] != NULL && strlen(t->cell[i]) > width[i % t->cols])
            width[i % t->cols] = strlen(t->cell[i]);
    struct text_buf line = {0};
    for (size_t r = 0; r < t->rows; r++) {
        const char *const *row = (const char *const *)t->cell + r * t->cols;
        line.len = 0;
        for (size_t c = 0; c < t->cols; c++) {
            const char *text = row[c] != NULL ? row[c] : "";
            size_t pad = width[c] - strlen(text);
            if (c > 0)
                text_buf_puts(&line, "  ");
            for (size_t i = 0; t->align[c] == 'r' && i < pad; i++)
                text_buf_putc(&line, ' ');
            text_buf_puts(&line, text);
            for (size_t i = 0; t->align[c] == 'l' && i < pad; i++)
                text_buf_putc(&line, ' ');
        }
        while (line.len > 0 && line.data[line.len - 1] == ' ') /* no trailing blanks */
            line.len--;
        fprintf(f, "%.*s\n", (int)line.len, line.data != NULL ? line.data : "");
    }
    text_buf_free(&line);
    for (size_t i = 0; i < t->rows * t->cols; i++)
        free(t->cell[i]);
    free(t->cell);
    free(width);
    t->cell = NULL;
    t->rows = 0;
}
