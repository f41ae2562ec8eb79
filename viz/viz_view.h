/*
 * viz_view.h - what the user is looking at and how time moves: the
 * current time, play/pause, speed, live following, toggles, selection,
 * zoom and pan. Pure logic (no SDL), so the keys' effects are testable.
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

/* How far back message lines reach at the current speed: a tenth of a
 * wall second of simulated time, at least 1 us. */
uint64_t viz_view_message_window_ns(const struct viz_view *v);

#endif
