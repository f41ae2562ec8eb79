/*
 * progress.h - a live progress line on stderr for long runs, and the wall
 * clock for the end-of-run summary.
 *
 * Wall time is read here and only here, and only for display: nothing the
 * simulation computes or writes to its output files depends on it.
 */
#ifndef HOST_PROGRESS_H
#define HOST_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
    bool enabled;     /* stderr is a terminal and the caller wants it */
    bool shown;       /* a line is on the screen */
    uint64_t start_ns;
    uint64_t next_draw_ns;
    uint32_t countdown; /* calls until the clock is read again */
    uint64_t goal_ns;   /* the run's simulated length if known, else 0 */
};

/* goal_ns: the simulated time the run will stop at, 0 if unknown. */
void progress_init(struct progress *p, bool enabled, uint64_t goal_ns);
/* Called once per simulated event; cheap. */
void progress_update(struct progress *p, uint64_t sim_ns, uint64_t events);
/* Erase the line, if one is shown (before other output goes to the
 * terminal; the next update draws it again). */
void progress_clear(struct progress *p);
/* The run is over: erase the line for good. */
void progress_done(struct progress *p);
/* The monotonic wall clock, for other progress displays (sweeps). */
uint64_t progress_wall_now_ns(void);
/* Wall seconds since progress_init. */
double progress_wall_seconds(const struct progress *p);

#endif
