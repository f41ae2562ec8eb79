/*
 * viz_view.h - what the user is looking at and how time moves: the
 * current time, play/pause, speed, live following, toggles, selection,
 * the cluster's zoom and pan and the timeline's visible stretch of time
 * (viz_view_timeline.c). Pure logic (no SDL), so the keys' effects are testable.
 */
#ifndef VIZ_VIEW_H
#define VIZ_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "viz_layout.h"
#include "viz_run.h"

struct viz_view {
    uint64_t t_ns;
    double speed;       /* simulated seconds per wall second */
    bool playing;
    bool live;          /* the run is still being written */
    bool follow;        /* live: stay at the newest time */
    bool show_messages;
    enum viz_layout_kind layout;
    uint32_t sel_node;  /* UINT32_MAX: none */
    uint32_t sel_proc;  /* VIZ_NO_PROC: none */
    float zoom, pan_x, pan_y; /* screen = world * zoom + pan */
    double carry_ns;    /* sub-nanosecond playback remainder */
    /* the timeline shows [tl_start_ns, tl_start_ns + tl_span_ns]; span 0
     * is the whole run (and grows with a live one) */
    uint64_t tl_start_ns, tl_span_ns;
};

/* A stretch of time laid across `width` pixel columns: column 0 is at
 * start_ns, column width - 1 at start_ns + span_ns (span_ns >= 1). */
struct viz_time_window {
    uint64_t start_ns, span_ns;
};

/* Defaults for a run: paused at 0 (or following when live), the ring
 * layout for ring scenarios. */
void viz_view_init(struct viz_view *v, const struct viz_run *r, bool live);
/* The layout a run suggests: ring when the scenario or a program is
 * called "ring...". */
enum viz_layout_kind viz_view_default_layout(const struct viz_run *r);

/* Advance playback by `wall_s` seconds of wall time. */
void viz_view_tick(struct viz_view *v, const struct viz_run *r, double wall_s);
/* Jump to a time (clamped to the run), pausing; or to the end/start. */
void viz_view_seek(struct viz_view *v, const struct viz_run *r, uint64_t t_ns);
void viz_view_home(struct viz_view *v);
void viz_view_end(struct viz_view *v, const struct viz_run *r);
/* Step to the next (dir > 0) or previous time at which something
 * happened, pausing. */
void viz_view_step(struct viz_view *v, const struct viz_run *r, int dir);
void viz_view_toggle_play(struct viz_view *v, const struct viz_run *r);
/* Next speed up (dir > 0) or down on the 1-2-5 scale, 0.1x..1000x. */
void viz_view_speed_step(struct viz_view *v, int dir);
/* Zoom by `factor` keeping screen point (sx, sy) over the same spot. */
void viz_view_zoom_at(struct viz_view *v, float factor, float sx, float sy);
void viz_view_reset_camera(struct viz_view *v);

/* The timeline's time axis. Every change keeps the window inside the
 * run and at least VIZ_TIMELINE_MIN_SPAN_NS wide (or the whole run when
 * that is shorter). Changing the view's time (seek, step, Home/End,
 * playing) scrolls a zoomed window that no longer holds the cursor so
 * that the cursor is a tenth of the window in from the edge it crossed. */
struct viz_time_window viz_view_timeline_window(const struct viz_view *v, const struct viz_run *r);
/* The whole run (at least 1 ns, so an axis never divides by zero). */
struct viz_time_window viz_time_window_whole(const struct viz_run *r);
bool viz_view_timeline_zoomed(const struct viz_view *v, const struct viz_run *r);
/* The time at column `col` of `width` (0 before column 0; past the last
 * column the axis goes on), and the column of time t_ns (which may lie
 * outside 0..width-1). */
uint64_t viz_time_window_at(struct viz_time_window w, double col, int width);
double viz_time_window_column(struct viz_time_window w, uint64_t t_ns, int width);
uint64_t viz_view_timeline_time_at_x(const struct viz_view *v, const struct viz_run *r,
                                     double col, int width);
/* Narrow the span by `factor` (> 1 zooms in, < 1 out) keeping the time
 * at column `col` there. */
void viz_view_timeline_zoom_at(struct viz_view *v, const struct viz_run *r, double factor,
                               double col, int width);
/* Move the window by `dx` columns of `width`: positive shows earlier
 * times (the plot follows the pointer, as when panning the cluster). */
void viz_view_timeline_pan(struct viz_view *v, const struct viz_run *r, double dx, int width);
/* Scroll a zoomed window to hold the view's time (see above). */
void viz_view_timeline_reveal(struct viz_view *v, const struct viz_run *r);
/* Show the whole run again. */
void viz_view_timeline_reset(struct viz_view *v);

/* How far back message lines reach at the current speed: a tenth of a
 * wall second of simulated time, at least 1 us. */
uint64_t viz_view_message_window_ns(const struct viz_view *v);

#endif
