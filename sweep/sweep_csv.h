/*
 * sweep_csv.h - CSV as RFC 4180 has it, for sweep.csv and summary.csv:
 * a field with a comma, a quote or a line break is quoted, its quotes
 * doubled; `nimbus plot` reads the files back with the same rules.
 */
#ifndef SWEEP_SWEEP_CSV_H
#define SWEEP_SWEEP_CSV_H

#include <stddef.h>
#include <stdio.h>

#define SWEEP_CSV_MAX_BYTES (256u << 20) /* a larger file is not one of ours */
#define SWEEP_CSV_MAX_FIELDS 128u          /* in a line of ours */

/* Write one field (no separator). */
void csv_put(FILE *f, const char *text);

/* Split one line (without its line break) in place into at most `max`
 * fields. The count, or -1 when a quoted field is not closed or there
 * are more than `max` fields. */
int csv_split(char *line, char **fields, size_t max);

#endif
