/*
 * viz_view_timeline.c - the timeline's visible stretch of time (see
 * viz_view.h): the mapping between pixel columns and times, zooming
 * around a column, panning, and scrolling to keep the cursor in view.
 * Pure arithmetic, no SDL. Times are at most about 2^63 ns, well within
 * a double's exact integers for any run a trace can describe in practice
 * (2^53 ns is 104 days).
 */
#include <math.h>

#include "viz_param.h"
#include "viz_view.h"

#define REVEAL_MARGIN 0.1 /* of the window, between a revealed cursor and the edge */

struct viz_time_window viz_time_window_whole(const struct viz_run *r)
{
    return (struct viz_time_window){0, r->t_end_ns > 0 ? r->t_end_ns : 1};
}

static uint64_t run_span_ns(const struct viz_run *r) { return viz_time_window_whole(r).span_ns; }

/* The narrowest window: VIZ_TIMELINE_MIN_SPAN_NS, or a shorter run. */
static double least_span_ns(const struct viz_run *r)
{
    return fmin((double)VIZ_TIMELINE_MIN_SPAN_NS, (double)run_span_ns(r));
}

static double last_column(int width) { return width > 1 ? (double)(width - 1) : 1.0; }

struct viz_time_window viz_view_timeline_window(const struct viz_view *v, const struct viz_run *r)
{
    uint64_t full = run_span_ns(r);
    if (v->tl_span_ns == 0 || v->tl_span_ns >= full)
        return viz_time_window_whole(r);
    uint64_t latest = full - v->tl_span_ns;
    return (struct viz_time_window){v->tl_start_ns < latest ? v->tl_start_ns : latest,
                                    v->tl_span_ns};
}

bool viz_view_timeline_zoomed(const struct viz_view *v, const struct viz_run *r)
{
    return v->tl_span_ns != 0 && v->tl_span_ns < run_span_ns(r);
}

uint64_t viz_time_window_at(struct viz_time_window w, double col, int width)
{
    return w.start_ns + (uint64_t)((double)w.span_ns * fmax(col, 0.0) / last_column(width));
}

double viz_time_window_column(struct viz_time_window w, uint64_t t_ns, int width)
{
    return ((double)t_ns - (double)w.start_ns) / (double)w.span_ns * (double)(width - 1);
}

uint64_t viz_view_timeline_time_at_x(const struct viz_view *v, const struct viz_run *r,
                                     double col, int width)
{
    return viz_time_window_at(viz_view_timeline_window(v, r), col, width);
}

/* Store [start, start + span] moved inside the run; the whole run is
 * stored as span 0 so that it keeps up with a live run. */
static void set_window(struct viz_view *v, const struct viz_run *r, double start, double span)
{
    double full = (double)run_span_ns(r);
    span = fmax(span, least_span_ns(r));
    if (span >= full) {
        viz_view_timeline_reset(v);
        return;
    }
    start = fmin(fmax(start, 0.0), full - span);
    v->tl_span_ns = (uint64_t)llround(span);
    v->tl_start_ns = (uint64_t)llround(start);
}

void viz_view_timeline_zoom_at(struct viz_view *v, const struct viz_run *r, double factor,
                               double col, int width)
{
    if (!(factor > 0))
        return;
    struct viz_time_window w = viz_view_timeline_window(v, r);
    double frac = fmin(fmax(col / last_column(width), 0.0), 1.0);
    double at = (double)w.start_ns + (double)w.span_ns * frac;
    double span = fmin(fmax((double)w.span_ns / factor, least_span_ns(r)),
                       (double)run_span_ns(r));
    set_window(v, r, at - span * frac, span);
}

void viz_view_timeline_pan(struct viz_view *v, const struct viz_run *r, double dx, int width)
{
    if (!viz_view_timeline_zoomed(v, r))
        return;
    struct viz_time_window w = viz_view_timeline_window(v, r);
    double per_column = (double)w.span_ns / last_column(width);
    set_window(v, r, (double)w.start_ns - dx * per_column, (double)w.span_ns);
}

void viz_view_timeline_reveal(struct viz_view *v, const struct viz_run *r)
{
    if (!viz_view_timeline_zoomed(v, r))
        return;
    struct viz_time_window w = viz_view_timeline_window(v, r);
    if (v->t_ns >= w.start_ns && v->t_ns - w.start_ns <= w.span_ns)
        return;
    double span = (double)w.span_ns, margin = REVEAL_MARGIN * span;
    double start = v->t_ns < w.start_ns ? (double)v->t_ns - (span - margin)
                                        : (double)v->t_ns - margin;
    set_window(v, r, start, span);
}

void viz_view_timeline_reset(struct viz_view *v) { v->tl_start_ns = v->tl_span_ns = 0; }
