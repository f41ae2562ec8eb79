/*
 * divergence.h - where two runs that should be identical part: the first
 * line of two traces that differs, with the last line they shared, for
 * `nimbus run --check-determinism`.
 */
#ifndef CHECKS_DIVERGENCE_H
#define CHECKS_DIVERGENCE_H

#include <stdint.h>
#include <stdio.h>

#define DIVERGENCE_LINE_BYTES 512u /* lines are shown cut to this */

struct divergence {
    uint64_t line;                          /* the first line that differs (1-based); 0: none */
    char common[DIVERGENCE_LINE_BYTES];     /* the line before it, "" at line 1 */
    char first[DIVERGENCE_LINE_BYTES];      /* the line in the first file ("(end of file)" past it) */
    char second[DIVERGENCE_LINE_BYTES];     /* and in the second */
};

/* Compare the run directories `a` and `b`: trace.jsonl line by line
 * (into *out), then net.pcap (or a rack topology's pcap files, which
 * count as one) and metrics.json byte by byte. Prints what differs on
 * `report`, one line a file, and returns the number of outputs that
 * differ, or -1 when a file cannot be read (message printed). */
int divergence_compare_runs(const char *a, const char *b, FILE *report, struct divergence *out);

/* Compare the text files `a` and `b` line by line. 0 (out->line 0 when
 * they are identical), or -1 with errno set when one cannot be read. */
int divergence_find(const char *a, const char *b, struct divergence *out);

#endif
