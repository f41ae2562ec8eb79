/*
 * sweep_progress.h - how far a sweep is, on stderr: runs done of all,
 * failures, time so far and an estimate of the time left (from the
 * measured rate of finished runs, so it counts the parallelism in).
 *
 * On a terminal it is one line, redrawn in place four times a second and
 * whenever a run ends; the per-run result lines scroll above it.
 * Otherwise (a log file, a pipe) each result line ends with the same
 * figures in brackets. Wall time is read here only for this display:
 * nothing of it reaches a run's files, sweep.csv or the summary.
 */
#ifndef SWEEP_SWEEP_PROGRESS_H
#define SWEEP_SWEEP_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sweep_progress {
    bool enabled; /* --no-progress turns it off */
    bool tty;     /* stderr is a terminal: the live line */
    bool shown;   /* the live line is on the screen */
    size_t total, done, failed;
    uint64_t start_ns, next_draw_ns;
};

void sweep_progress_start(struct sweep_progress *p, bool enabled, size_t total);
/* A run has ended (in any order); `failed` by its exit status. */
void sweep_progress_ended(struct sweep_progress *p, bool failed);
/* Redraw the live line if it is due. */
void sweep_progress_tick(struct sweep_progress *p);
/* Around a result line: erase the live line before it; after it, the
 * bracketed figures (no terminal) or the live line again, and the '\n'. */
void sweep_progress_before_line(struct sweep_progress *p);
void sweep_progress_end_line(struct sweep_progress *p);
/* For runs that print no line of their own (a swarm's passing seeds):
 * with no terminal, one line "WHO: [the figures]" after the 1st, 10th,
 * 100th and 1,000th run and every 1,000th after, so a log shows a long
 * run going. */
void sweep_progress_log(struct sweep_progress *p, const char *who);
/* The sweep is over: erase the live line, say how long it took. */
void sweep_progress_finish(struct sweep_progress *p);

#endif
