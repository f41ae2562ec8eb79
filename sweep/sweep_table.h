/*
 * sweep_table.h - a plain-text table with aligned columns, for the sweep
 * summary: cells are copied in row by row, then printed with each column
 * as wide as its widest cell and two spaces between columns.
 */
#ifndef SWEEP_SWEEP_TABLE_H
#define SWEEP_SWEEP_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct sweep_table {
    size_t cols, rows;
    const char *align; /* per column: 'l' left, 'r' right */
    char **cell;       /* rows * cols, owned */
};

void sweep_table_init(struct sweep_table *t, size_t cols, const char *align);
/* Append a cell (copied); rows fill left to right. */
void sweep_table_add(struct sweep_table *t, const char *text);
/* Print every row, then free the table. */
void sweep_table_print(struct sweep_table *t, FILE *f);

#endif
